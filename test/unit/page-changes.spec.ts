import type { CacheRow } from '../../src/cache/record-cache.repository';
import { dataDiffEntries, reportChanges } from '../../src/sync/page-changes';

const row = (id: string, fields: Record<string, unknown>, seenAt = '2026-03-01T00:00:00.000Z'): CacheRow => ({
  id, x_id: `x-${id}`, integration_id: 'int1', integration_vendor: 'BUILDIUM', created_at: new Date('2026-01-01T00:00:00.000Z'),
  updated_at: new Date(seenAt), last_seen: new Date(seenAt), deleted_at: null, ...fields,
});

describe('what a page of a later sync changed', () => {
  const before = row('r2', { first_name: 'Ava', last_name: 'Kim' });
  const after = row('r2', { first_name: 'Eva', last_name: 'Kim' }, '2026-03-02T00:00:00.000Z');
  const created = row('r1', { first_name: 'Noa', last_name: 'Lee' });
  const touched = row('r3', { first_name: 'Ola' }, '2026-03-02T00:00:00.000Z');
  const changes = [
    { row: created, previous: null },
    { row: after, previous: before },
    { row: touched, previous: row('r3', { first_name: 'Ola' }) },
  ];

  it('reports new records whole and changed ones with only the changed fields, in page order; volatile-only rewrites report nothing', () => {
    const reports = reportChanges('residents', changes);
    expect(reports.map((r) => [r.kind, r.record.id])).toEqual([['NEW', 'r1'], ['UPDATE', 'r2']]);
    expect(reports[0]!.record).toMatchObject({ id: 'r1', first_name: 'Noa', last_name: 'Lee', email_1: null, created_at: '2026-01-01T00:00:00.000Z' });
    expect(reports[1]).toMatchObject({ record: { first_name: 'Eva' }, diff: { new: { first_name: 'Eva' }, previous: { first_name: 'Ava' } } });
  });

  it('logs a change as its diff and a new record against nothing', () => {
    const reports = reportChanges('residents', changes);
    expect(dataDiffEntries(reports)).toEqual([
      { recordId: 'r1', eventType: 'NEW', diff: { new: reports[0]!.record, previous: {} } },
      { recordId: 'r2', eventType: 'UPDATE', diff: { new: { first_name: 'Eva' }, previous: { first_name: 'Ava' } } },
    ]);
  });
});

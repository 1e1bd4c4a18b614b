import type { CacheRow } from '../../src/store/cache/record-cache.repository';
import { dataDiffEntries, reportChanges, reportLinkChanges } from '../../src/store/cache/page-changes';

const row = (id: string, fields: Record<string, unknown>, seenAt = '2026-03-01T00:00:00.000Z'): CacheRow => ({
  id,
  x_id: `x-${id}`,
  integration_id: 'int1',
  integration_vendor: 'BUILDIUM',
  created_at: new Date('2026-01-01T00:00:00.000Z'),
  updated_at: new Date(seenAt),
  last_seen: new Date(seenAt),
  deleted_at: null,
  ...fields,
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
    expect(reports.map((r) => [r.kind, r.record.id])).toEqual([
      ['NEW', 'r1'],
      ['UPDATE', 'r2'],
    ]);
    expect(reports[0].record).toMatchObject({
      id: 'r1',
      first_name: 'Noa',
      last_name: 'Lee',
      email_1: null,
      created_at: '2026-01-01T00:00:00.000Z',
    });
    expect(reports[1]).toMatchObject({
      record: { first_name: 'Eva' },
      diff: { new: { first_name: 'Eva' }, previous: { first_name: 'Ava' } },
    });
  });

  it('logs a change as its diff and a new record against nothing', () => {
    const reports = reportChanges('residents', changes);
    expect(dataDiffEntries(reports)).toEqual([
      { recordId: 'r1', eventType: 'NEW', diff: { new: reports[0].record, previous: {} } },
      { recordId: 'r2', eventType: 'UPDATE', diff: { new: { first_name: 'Eva' }, previous: { first_name: 'Ava' } } },
    ]);
  });
});

describe('what a page did to the resident <-> lease links', () => {
  const link = (fields: Record<string, unknown>): CacheRow => ({
    id: 'l1:r1',
    resident_id: 'r1',
    lease_id: 'l1',
    x_resident_id: '11',
    x_lease_id: '21',
    x_resident_type: null,
    resident_type_normalized: null,
    move_in_date: new Date('2026-01-01T00:00:00.000Z'),
    move_out_date: null,
    notice_date: null,
    custom_data: null,
    integration_id: 'int1',
    organization_id: 'org1',
    content_hash: 'h1',
    created_at: new Date('2026-01-01T00:00:00.000Z'),
    updated_at: new Date('2026-03-01T00:00:00.000Z'),
    last_seen: new Date('2026-03-01T00:00:00.000Z'),
    deleted_at: null,
    ended: false,
    ...fields,
  });

  it('reports links that appeared, changed (beyond volatile fields) and ended, each as the Connect stream shows it', () => {
    const moved = link({ id: 'l2:r1', lease_id: 'l2', x_lease_id: '22' });
    const before = link({});
    const after = link({
      move_out_date: new Date('2026-06-30T00:00:00.000Z'),
      updated_at: new Date('2026-03-02T00:00:00.000Z'),
    });
    const touched = link({ id: 'l3:r1', lease_id: 'l3', updated_at: new Date('2026-03-02T00:00:00.000Z') });
    const ended = link({ id: 'l4:r1', lease_id: 'l4', deleted_at: new Date('2026-03-02T00:00:00.000Z'), ended: true });
    const reports = reportLinkChanges({
      appeared: [moved],
      changed: [
        { row: after, previous: before },
        { row: touched, previous: link({ id: 'l3:r1', lease_id: 'l3' }) },
      ],
      ended: [ended],
    });
    expect(reports.map((r) => [r.kind, r.link.id])).toEqual([
      ['NEW', 'l2:r1'],
      ['UPDATE', 'l1:r1'],
      ['DELETED', 'l4:r1'],
    ]);
    expect(Object.keys(reports[0].link)).toEqual([
      'id',
      'created_at',
      'updated_at',
      'last_seen',
      'resident_id',
      'lease_id',
      'x_resident_id',
      'x_lease_id',
      'x_resident_type',
      'resident_type_normalized',
      'move_in_date',
      'move_out_date',
      'notice_date',
      'custom_data',
      'integration_id',
    ]);
    expect(reports[0].link).toMatchObject({ id: 'l2:r1', x_lease_id: '22', move_in_date: '2026-01-01T00:00:00.000Z' });
    expect(reports[1]).toMatchObject({
      diff: { new: { move_out_date: '2026-06-30T00:00:00.000Z' }, previous: { move_out_date: null } },
    });
  });
});

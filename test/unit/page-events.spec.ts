import type { CacheRow } from '../../src/store/cache/record-cache.repository';
import { pageEvents } from '../../src/sync/page-events';
import type { JobContext } from '../../src/sync/sync-run.repository';

const scope = { organizationId: 'org1', integrationId: 'int1', vendor: 'BUILDIUM' };
const job: JobContext = {
  jobId: 'job1',
  runId: 'run1',
  runKind: 'MANUAL',
  runMode: 'FULL',
  model: 'residents',
  jobType: 'SYNC_RESIDENTS',
  status: 'RUNNING',
  integrationId: 'int1',
  organizationId: 'org1',
  interruptions: 0,
};
const resident = (id: string): CacheRow => ({ id, x_id: `x-${id}`, first_name: id, deleted_at: null });
const link = (residentId: string, leaseId: string): CacheRow => ({
  id: `${leaseId}:${residentId}`,
  resident_id: residentId,
  lease_id: leaseId,
});

describe("a page's events", () => {
  it('come records first (new, changed, hidden), then links (appeared, changed, ended, hidden with their records)', () => {
    const events = pageEvents(scope, job, {
      changed: [
        { kind: 'NEW', record: { id: 'r1' } },
        { kind: 'UPDATE', record: { id: 'r2' }, diff: { new: { first_name: 'B' }, previous: { first_name: 'A' } } },
      ],
      hidden: { records: [resident('r3')], links: [link('r3', 'l3')] },
      links: [
        { kind: 'NEW', link: { id: 'l1:r1' } },
        { kind: 'UPDATE', link: { id: 'l2:r2' }, diff: { new: { is_primary: true }, previous: { is_primary: false } } },
        { kind: 'DELETED', link: { id: 'l9:r2' } },
      ],
    });
    expect(events.map((e) => [e.trigger, e.model, e.recordId])).toEqual([
      ['DATA_NEW', 'residents', 'r1'],
      ['DATA_UPDATE', 'residents', 'r2'],
      ['DATA_DELETED', 'residents', 'r3'],
      ['DATA_NEW', 'residents_to_leases', 'l1:r1'],
      ['DATA_UPDATE', 'residents_to_leases', 'l2:r2'],
      ['DATA_DELETED', 'residents_to_leases', 'l9:r2'],
      ['DATA_DELETED', 'residents_to_leases', 'l3:r3'],
    ]);
    const data = (i: number) => (events[i].payload as { data: Record<string, unknown> }).data;
    expect(data(1).diff).toEqual({ new: { first_name: 'B' }, previous: { first_name: 'A' } });
    expect(data(0)).not.toHaveProperty('diff');
    expect(data(2)).toMatchObject({ job_id: 'job1', root_job_id: 'run1', payload: { id: 'r3', first_name: 'r3' } });
  });

  it('are none for a page that changed nothing', () => {
    expect(pageEvents(scope, job, { changed: [], hidden: { records: [], links: [] }, links: [] })).toEqual([]);
  });
});

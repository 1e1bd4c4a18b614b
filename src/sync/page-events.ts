import { LINK_MODEL } from '../catalogue/canonical-models';
import { presentLink, presentRecord } from '../catalogue/record-presenter';
import { dataEvent, type NewEvent } from '../emit/event-payloads';
import type { LinkReport, RecordReport } from '../store/cache/page-changes';
import type { CacheRow, CacheScope, PageChanges } from '../store/cache/page-writer.service';
import type { JobContext } from './sync-run.repository';

/** What a page's events say of the job that wrote it (a sync job, or a write's read-back). */
export type EventJob = Pick<JobContext, 'jobId' | 'runId' | 'jobType' | 'model'>;

/**
 * A page's events, records first, then links: changed records, hidden ones, the page's link changes, and the
 * links hidden with those records.
 */
export function pageEvents(scope: CacheScope, job: EventJob, changes: PageChanges): NewEvent[] {
  const hidden = deletedEvents(scope, job, changes.hidden.records, changes.hidden.links);
  return [
    ...changeEvents(scope, job, changes.changed),
    ...hidden.records,
    ...linkEvents(scope, job, changes.links),
    ...hidden.links,
  ];
}

/** DATA_NEW for new rows, DATA_UPDATE (only the changed fields) for changed ones, in page order. */
function changeEvents(scope: CacheScope, job: EventJob, reports: RecordReport[]): NewEvent[] {
  return reports.map((r) =>
    r.kind === 'NEW'
      ? dataEvent(scope, job, 'DATA_NEW', r.record)
      : dataEvent(scope, job, 'DATA_UPDATE', r.record, r.diff),
  );
}

/** DATA_DELETED for records that stopped showing (vanished, or not of the model), and for their links hidden with them. */
export function deletedEvents(
  scope: CacheScope,
  job: EventJob,
  rows: CacheRow[],
  links: CacheRow[],
): { records: NewEvent[]; links: NewEvent[] } {
  return {
    records: rows.map((row) => dataEvent(scope, job, 'DATA_DELETED', presentRecord(job.model, row))),
    links: links.map((row) => dataEvent(scope, job, 'DATA_DELETED', presentLink(row), undefined, LINK_MODEL.name)),
  };
}

const LINK_TRIGGER = { NEW: 'DATA_NEW', UPDATE: 'DATA_UPDATE', DELETED: 'DATA_DELETED' } as const;

/** The residents_to_leases events of a page: DATA_NEW for links that appeared, DATA_UPDATE, DATA_DELETED for those that ended. */
function linkEvents(scope: CacheScope, job: EventJob, reports: LinkReport[]): NewEvent[] {
  return reports.map((r) =>
    dataEvent(scope, job, LINK_TRIGGER[r.kind], r.link, r.kind === 'UPDATE' ? r.diff : undefined, LINK_MODEL.name),
  );
}

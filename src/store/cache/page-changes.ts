import type { LinkChanges } from './link-cache.repository';
import type { RecordChange } from './record-cache.repository';
import type { CanonicalModelName } from '../../catalogue/canonical-models';
import { presentLink, presentRecord } from '../../catalogue/record-presenter';
import type { DataDiffEntry } from './data-diff.repository';
import { diffRecords, type RecordDiff } from '../diff/record-diff';

/** A record that a page of a later sync created or changed: the record as written and, for a change, what changed. */
export type RecordReport =
  | { kind: 'NEW'; record: Record<string, unknown> }
  | { kind: 'UPDATE'; record: Record<string, unknown>; diff: RecordDiff };

/**
 * What a page's upsert changed, in page order: new rows, and changed rows whose fields differ beyond the
 * volatile ones (a row rewritten only for those reports nothing).
 */
export function reportChanges(model: CanonicalModelName, changes: RecordChange[]): RecordReport[] {
  const reports: RecordReport[] = [];
  for (const { row, previous } of changes) {
    const record = presentRecord(model, row);
    if (!previous) {
      reports.push({ kind: 'NEW', record });
      continue;
    }
    const diff = diffRecords(presentRecord(model, previous), record);
    if (diff) reports.push({ kind: 'UPDATE', record, diff });
  }
  return reports;
}

/** A resident <-> lease link that started or stopped showing, or whose details changed (a link event each). */
export type LinkReport =
  | { kind: 'NEW' | 'DELETED'; link: Record<string, unknown> }
  | { kind: 'UPDATE'; link: Record<string, unknown>; diff: RecordDiff };

/**
 * How the links changed, as their events report it: links that appeared, then changed ones (only when a
 * field beyond the volatile ones differs), then those that ended, each as Connect's link stream shows it.
 */
export function reportLinkChanges(changes: LinkChanges): LinkReport[] {
  const reports: LinkReport[] = changes.appeared.map((row) => ({ kind: 'NEW', link: presentLink(row) }));
  for (const { row, previous } of changes.changed) {
    const link = presentLink(row);
    const diff = diffRecords(presentLink(previous!), link);
    if (diff) reports.push({ kind: 'UPDATE', link, diff });
  }
  for (const row of changes.ended) reports.push({ kind: 'DELETED', link: presentLink(row) });
  return reports;
}

/** The data-diff log's entries: a change as its diff, a new record whole against nothing. */
export function dataDiffEntries(reports: RecordReport[]): DataDiffEntry[] {
  return reports.map((r) => ({
    recordId: r.record.id as string,
    eventType: r.kind,
    diff: r.kind === 'NEW' ? { new: r.record, previous: {} } : r.diff,
  }));
}

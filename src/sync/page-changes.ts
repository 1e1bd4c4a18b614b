import type { RecordChange } from '../cache/record-cache.repository';
import type { CanonicalModelName } from '../canonical/canonical-models';
import { presentRecord } from '../canonical/record-presenter';
import type { DataDiffEntry } from '../data-diffs/data-diff.repository';
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

/** The data-diff log's entries: a change as its diff, a new record whole against nothing. */
export function dataDiffEntries(reports: RecordReport[]): DataDiffEntry[] {
  return reports.map((r) => ({
    recordId: r.record.id as string,
    eventType: r.kind,
    diff: r.kind === 'NEW' ? { new: r.record, previous: {} } : r.diff,
  }));
}

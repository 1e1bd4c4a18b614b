import { canonicalJson } from '../../normalise/content-hash';

/** Fields that move on every sync without the record changing (API.md §5): never part of a diff. */
export const VOLATILE_FIELDS: ReadonlySet<string> = new Set(['updated_at', 'last_seen']);

export interface RecordDiff {
  new: Record<string, unknown>;
  previous: Record<string, unknown>;
}

/**
 * The fields whose values differ between two versions of a record, each side holding only those fields.
 * Objects and arrays compare by value (key order ignored); volatile fields never count. Null when nothing
 * but volatile fields changed.
 */
export function diffRecords(
  previous: Record<string, unknown>,
  next: Record<string, unknown>,
  ignore: ReadonlySet<string> = VOLATILE_FIELDS,
): RecordDiff | null {
  const diff: RecordDiff = { new: {}, previous: {} };
  let changed = false;
  for (const field of new Set([...Object.keys(previous), ...Object.keys(next)])) {
    if (ignore.has(field)) continue;
    const before = previous[field] ?? null;
    const after = next[field] ?? null;
    if (sameValue(before, after)) continue;
    diff.previous[field] = before;
    diff.new[field] = after;
    changed = true;
  }
  return changed ? diff : null;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return canonicalJson(a) === canonicalJson(b);
}

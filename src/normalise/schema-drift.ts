/**
 * Fields a model's raw records must carry (dotted paths into the raw record, as the vendor names them).
 * A record without one of them is quarantined and the field reported as schema drift, never silently
 * nulled. `known` lists every field the mapping reads; others showing up are reported (a rename shows as a
 * missing field and an unexpected one).
 */
export interface ExpectedFields {
  required: readonly string[];
  known?: readonly string[];
}

export const DRIFT_KINDS = ['MISSING', 'UNEXPECTED'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** Whether a path (a dotted path's keys) exists in a raw record (present with any value, null included). */
function hasPath(raw: unknown, keys: readonly string[]): boolean {
  let node = raw;
  for (const key of keys) {
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/** An adapter's expectations of a model, split once: records are checked by the million. */
interface SplitExpectations {
  required: { path: string; keys: string[] }[];
  knownTopLevel: ReadonlySet<string> | null;
}
const split = new WeakMap<ExpectedFields, SplitExpectations>();
function splitOnce(expected: ExpectedFields): SplitExpectations {
  let found = split.get(expected);
  if (!found) {
    found = {
      required: expected.required.map((path) => ({ path, keys: path.split('.') })),
      knownTopLevel: expected.known ? new Set(expected.known.map((path) => path.split('.')[0])) : null,
    };
    split.set(expected, found);
  }
  return found;
}

/**
 * Checks one raw record against what the vendor's contract promises: the required fields it lacks (the
 * record is quarantined rather than written with nulls) and, when the adapter lists every known field,
 * the top-level fields it carries that the contract does not name (a rename shows as both).
 */
export function checkShape(
  raw: unknown,
  expected: ExpectedFields | undefined,
): { missing: string[]; unexpected: string[] } {
  if (!expected) return { missing: [], unexpected: [] };
  const { required, knownTopLevel } = splitOnce(expected);
  const missing: string[] = [];
  for (const { path, keys } of required) if (!hasPath(raw, keys)) missing.push(path);
  const unexpected: string[] = [];
  if (knownTopLevel && raw !== null && typeof raw === 'object')
    for (const key in raw) if (Object.hasOwn(raw, key) && !knownTopLevel.has(key)) unexpected.push(key);
  return { missing, unexpected };
}

/** Drift seen in one page, counted per (kind, field), with one example record id each. */
export class DriftTally {
  private readonly counts = new Map<
    string,
    { kind: DriftKind; field: string; occurrences: number; sampleXId: string | null }
  >();

  add(kind: DriftKind, field: string, xId: string | null): void {
    const key = `${kind}\u0000${field}`;
    const entry = this.counts.get(key);
    if (entry) {
      entry.occurrences += 1;
      entry.sampleXId ??= xId;
    } else this.counts.set(key, { kind, field, occurrences: 1, sampleXId: xId });
  }

  entries() {
    return [...this.counts.values()];
  }
}

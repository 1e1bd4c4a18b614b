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

/** Whether a dotted path exists in a raw record (present with any value, null included). */
function hasPath(raw: unknown, path: string): boolean {
  let node = raw;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
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
  const missing = expected.required.filter((path) => !hasPath(raw, path));
  let unexpected: string[] = [];
  if (expected.known && raw !== null && typeof raw === 'object') {
    const known = new Set(expected.known.map((path) => path.split('.')[0]));
    unexpected = Object.keys(raw).filter((key) => !known.has(key));
  }
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

type Rec = Record<string, any>;

/** Applies a control-API change to a stored record: a null value removes the field. */
export function applyChanges(record: Rec, changes: Rec): void {
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete record[key];
    else record[key] = value;
  }
}

/** A name marked with the mutation round (replacing an earlier round's mark), so every mutate changes it. */
export function withRound(name: unknown, round: number): string {
  return `${String(name).replace(/ \(\d+\)$/, '')} (${round})`;
}

/** A rent raised by 1.25 (from 1000 when it has none), to the cent: what mutate gives a record's rent. */
export const raisedRent = (rent: unknown): number => Math.round((Number(rent ?? 1000) + 1.25) * 100) / 100;

/**
 * POST /_control/mutate: edits `counts[kind]` records of each kind, spread evenly over `recordsOf(kind)` (a
 * bulk change for demos and benchmarks), in the order `edits` names the kinds.
 */
export function editEvenly<Kind extends string>(
  counts: Rec,
  recordsOf: (kind: Kind) => Rec[],
  edits: Record<Kind, (record: Rec) => unknown>,
) {
  const edited: Partial<Record<Kind, number>> = {};
  for (const kind of Object.keys(edits) as Kind[]) {
    const records = recordsOf(kind);
    const n = Math.min(Number(counts[kind] ?? 0), records.length);
    if (!(n > 0)) continue;
    const step = records.length / n;
    for (let i = 0; i < n; i++) edits[kind](records[Math.floor(i * step)]);
    edited[kind] = n;
  }
  return { edited };
}

/** Longest vendor value stored as reported; a longer one is cut (it is a label, not data). */
export const MAX_UNKNOWN_VALUE_LENGTH = 200;

export interface UnknownValueCount {
  field: string;
  value: string;
  mappedTo: string | null;
  occurrences: number;
  sampleXId: string | null;
}

/**
 * Vendor values the mapping tables did not know, seen in one page, counted per (field, value) with one
 * example record id each. A mapping notes them as it goes (`note`, the MappingContext's unknownValue); the
 * sync settles them on the record once it is mapped, or drops them when the record is quarantined instead.
 * Nothing is allocated for a record without unknown values.
 */
export class UnknownValueTally {
  private readonly counts = new Map<string, UnknownValueCount>();
  private readonly pending: Array<{ field: string; value: string; mappedTo: string | null }> = [];

  readonly note = (field: string, value: string, mappedTo: string | null): void => {
    this.pending.push({ field, value: value.slice(0, MAX_UNKNOWN_VALUE_LENGTH), mappedTo });
  };

  /** The values noted since the last settle belong to the record `xId`, which was mapped. */
  settle(xId: string | null): void {
    if (this.pending.length === 0) return;
    for (const { field, value, mappedTo } of this.pending) {
      const key = `${field}\u0000${value}`;
      const entry = this.counts.get(key);
      if (entry) {
        entry.occurrences += 1;
        entry.sampleXId ??= xId;
      } else this.counts.set(key, { field, value, mappedTo, occurrences: 1, sampleXId: xId });
    }
    this.pending.length = 0;
  }

  /** The record whose values were noted was not written (quarantined): they are not counted. */
  drop(): void {
    this.pending.length = 0;
  }

  entries(): UnknownValueCount[] {
    return [...this.counts.values()];
  }
}

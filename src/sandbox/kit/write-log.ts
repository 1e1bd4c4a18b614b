/** How one write request ended at the simulated vendor. */
export type WriteOutcome =
  /** Validated and applied to the data (whatever the client then heard: an answer, a fault, nothing). */
  | 'applied'
  /** Refused by the vendor's own rules (validation, unknown id, unsupported operation): nothing changed. */
  | 'rejected'
  /** Refused before anything was applied: an injected 429 or 5xx, or the vendor's own rate limit. */
  | 'refused';

export interface WriteCounts {
  received: number;
  applied: number;
  rejected: number;
  refused: number;
}

/**
 * The writes a simulator received, per vendor operation (e.g. `POST /contacts`, `sendLeases`), and how each
 * ended: GET /_control/writes shows it, so a test can prove a write reached the vendor exactly once.
 */
export class WriteLog {
  private counts = new Map<string, WriteCounts>();

  /** A write arrived (counted at once, so a test sees a request the vendor is still holding). */
  receive(operation: string): void {
    this.entry(operation).received += 1;
  }

  /** How a received write ended. */
  record(operation: string, outcome: WriteOutcome): void {
    this.entry(operation)[outcome] += 1;
  }

  private entry(operation: string): WriteCounts {
    let counts = this.counts.get(operation);
    if (!counts) this.counts.set(operation, (counts = { received: 0, applied: 0, rejected: 0, refused: 0 }));
    return counts;
  }

  /** Every operation received since the last reset, by name. */
  snapshot(): Record<string, WriteCounts> {
    return Object.fromEntries([...this.counts].map(([operation, counts]) => [operation, { ...counts }]));
  }

  clear(): void {
    this.counts.clear();
  }
}

import { LEDGER_TRANSACTION_TYPES, type BuildiumLedgerModel } from './buildium.facts';

/** One lease ledger read: its rows of the transaction types asked for, every page. */
export type LedgerRead = (types: readonly string[]) => Promise<unknown[]>;

/** Answers kept for the other pull at most: what two pulls drift apart by, in leases (about 12 rows each). */
const KEPT_ANSWERS = 256;

const LEDGER_MODELS = Object.keys(LEDGER_TRANSACTION_TYPES) as BuildiumLedgerModel[];
const ALL_TYPES = LEDGER_MODELS.flatMap((model) => LEDGER_TRANSACTION_TYPES[model]);
const MODEL_OF_TYPE = new Map(
  LEDGER_MODELS.flatMap((model) => LEDGER_TRANSACTION_TYPES[model].map((type) => [type, model] as const)),
);

interface KeptAnswer {
  rows: Promise<unknown[]>;
  readFor: BuildiumLedgerModel;
  /** When the read was sent (ms): a pull takes only answers read after it began, never one of an earlier sync. */
  sentAt: number;
}

/**
 * Each lease's ledger read once for a Buildium account's charges and payments pulls that run at the same time in
 * this process (a run starts both together): Buildium has no cross-lease listing, so each pull would otherwise send
 * a request per lease for its own transaction types. While the other model's pull is running, a pull asks for both
 * models' types and keeps the answer; the other takes it (in flight or done) instead of sending its own. Memory
 * stays bounded (KEPT_ANSWERS); a pull alone, or in another process, reads its own types as before.
 */
export class SharedLedgerReads {
  private readonly running = new Map<string, Map<BuildiumLedgerModel, number>>();
  private readonly kept = new Map<string, KeptAnswer>();

  constructor(
    private readonly keep = KEPT_ANSWERS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A pull of `model` on `account` begins: its reads until `end` share answers with the other model's pull. */
  begin(account: string, model: BuildiumLedgerModel): LedgerPull {
    const models = this.running.get(account) ?? new Map<BuildiumLedgerModel, number>();
    this.running.set(account, models);
    models.set(model, (models.get(model) ?? 0) + 1);
    const began = this.now();
    let ended = false;
    return {
      ledger: (leaseId, from, read) => this.ledger(account, model, began, `${leaseId}\u0000${from ?? ''}`, read),
      end: () => {
        if (ended) return;
        ended = true;
        this.end(account, model);
      },
    };
  }

  private async ledger(
    account: string,
    model: BuildiumLedgerModel,
    began: number,
    lease: string,
    read: LedgerRead,
  ): Promise<unknown[]> {
    const key = `${account}\u0000${lease}`;
    const kept = this.kept.get(key);
    if (kept && kept.readFor !== model && kept.sentAt >= began) {
      this.kept.delete(key);
      // A read that failed for the other pull is sent again for this one.
      const rows = await kept.rows.catch(() => null);
      return (rows && rowsOf(model, rows)) ?? read(LEDGER_TRANSACTION_TYPES[model]);
    }
    if (!this.othersRunning(account, model)) return read(LEDGER_TRANSACTION_TYPES[model]);
    const answer: KeptAnswer = { rows: read(ALL_TYPES), readFor: model, sentAt: this.now() };
    this.kept.delete(key); // re-inserted last: the oldest answers are dropped first
    this.kept.set(key, answer);
    if (this.kept.size > this.keep) this.kept.delete(this.kept.keys().next().value as string);
    answer.rows.catch(() => {
      if (this.kept.get(key) === answer) this.kept.delete(key);
    });
    return rowsOf(model, await answer.rows) ?? read(LEDGER_TRANSACTION_TYPES[model]);
  }

  private othersRunning(account: string, model: BuildiumLedgerModel): boolean {
    for (const [other, count] of this.running.get(account) ?? []) if (other !== model && count > 0) return true;
    return false;
  }

  private end(account: string, model: BuildiumLedgerModel): void {
    const models = this.running.get(account);
    if (!models) return;
    const left = (models.get(model) ?? 1) - 1;
    if (left > 0) models.set(model, left);
    else models.delete(model);
    if (models.size > 0) return;
    // No pull of the account is left to take what it kept.
    this.running.delete(account);
    for (const key of [...this.kept.keys()]) if (key.startsWith(`${account}\u0000`)) this.kept.delete(key);
  }
}

/** One pull's side of the shared reads. */
export interface LedgerPull {
  /** A lease's rows of the pull's model, from the other pull's answer when it has one. */
  ledger(leaseId: number, from: string | undefined, read: LedgerRead): Promise<unknown[]>;
  end(): void;
}

/**
 * A both-models answer's rows of one model; null when a row's type is none of the types asked for (a server that
 * answers with what it was not asked, or without a type): which model it belongs to is then unknown, so the pull
 * reads its own types instead.
 */
function rowsOf(model: BuildiumLedgerModel, rows: unknown[]): unknown[] | null {
  const mine: unknown[] = [];
  for (const row of rows) {
    const raw = row as { TransactionTypeEnum?: unknown; TransactionType?: unknown } | null;
    const type = raw?.TransactionTypeEnum ?? raw?.TransactionType;
    const owner = typeof type === 'string' ? MODEL_OF_TYPE.get(type) : undefined;
    if (owner === undefined) return null;
    if (owner === model) mine.push(row);
  }
  return mine;
}

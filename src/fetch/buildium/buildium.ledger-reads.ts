import { SharedReads } from '../adapter/shared-reads';
import { LEDGER_TRANSACTION_TYPES, type BuildiumLedgerModel } from './buildium.facts';

/**
 * Lease ledgers read once for a Buildium account's charges and payments pulls running at the same time in this
 * process (a run starts both together): Buildium has no cross-lease listing, so each pull would send a request per
 * lease for its own transaction types. Kept for the other pull: 256 answers (about 12 rows each), several windows of
 * LEDGERS_IN_FLIGHT, so neither waits for the other while both keep up.
 */
export const SHARED_LEDGERS = new SharedReads<BuildiumLedgerModel, unknown[]>(256);

/** The transaction types a ledger call asks for, for these models (`transactiontypes`, repeated). */
export function ledgerTypes(models: readonly BuildiumLedgerModel[]): string[] {
  return models.flatMap((model) => LEDGER_TRANSACTION_TYPES[model]);
}

/**
 * A model's rows of a ledger answer sent for several models; null when a row's type is none of those asked for (a
 * server that answers what it was not asked, or without a type): whose row it is cannot be told, so the pull asks
 * for its own types instead.
 */
export function rowsOf(
  model: BuildiumLedgerModel,
  rows: unknown[],
  sentFor: readonly BuildiumLedgerModel[],
): unknown[] | null {
  const mine: unknown[] = [];
  for (const row of rows) {
    const raw = row as { TransactionTypeEnum?: unknown; TransactionType?: unknown } | null;
    const type = raw?.TransactionTypeEnum ?? raw?.TransactionType;
    const owner = sentFor.find((m) => typeof type === 'string' && LEDGER_TRANSACTION_TYPES[m].includes(type));
    if (owner === undefined) return null;
    if (owner === model) mine.push(row);
  }
  return mine;
}

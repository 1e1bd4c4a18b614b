import { SharedLedgerReads, type LedgerRead } from '../../src/fetch/buildium/buildium.ledger-reads';

type Row = { Id: number; TransactionTypeEnum?: string };

/** A lease's ledger as a vendor answers it: only the rows of the types asked for, each read counted. */
function vendor(ledgers: Record<number, Row[]>) {
  const reads: Array<{ leaseId: number; types: readonly string[] }> = [];
  return {
    reads,
    read:
      (leaseId: number): LedgerRead =>
      async (types) => {
        reads.push({ leaseId, types });
        return ledgers[leaseId].filter((row) => types.includes(row.TransactionTypeEnum ?? 'Charge'));
      },
  };
}

const ledger = (leaseId: number): Row[] => [
  { Id: leaseId * 10 + 1, TransactionTypeEnum: 'Charge' },
  { Id: leaseId * 10 + 2, TransactionTypeEnum: 'Payment' },
  { Id: leaseId * 10 + 3, TransactionTypeEnum: 'ReversePayment' },
];
const ids = (rows: unknown[]) => (rows as Row[]).map((row) => row.Id);

describe('Buildium: lease ledgers shared between the charges and payments pulls', () => {
  it('reads each lease once while both pulls run, and gives each pull its own rows', async () => {
    const shared = new SharedLedgerReads();
    const { reads, read } = vendor({ 1: ledger(1), 2: ledger(2) });
    const charges = shared.begin('acct', 'resident_charges');
    const payments = shared.begin('acct', 'resident_payments');
    const got = await Promise.all([
      charges.ledger(1, undefined, read(1)),
      payments.ledger(1, undefined, read(1)),
      payments.ledger(2, undefined, read(2)),
      charges.ledger(2, undefined, read(2)),
    ]);
    expect(got.map(ids)).toEqual([[11], [12, 13], [22, 23], [21]]);
    expect(reads.map((r) => r.leaseId)).toEqual([1, 2]);
    expect(reads[0].types).toEqual([
      'Charge',
      'Payment',
      'ElectronicFundsTransfer',
      'ReversePayment',
      'ReverseElectronicFundsTransfer',
    ]);
  });

  it('a pull alone reads its own types; another account or another window is not shared', async () => {
    const shared = new SharedLedgerReads();
    const { reads, read } = vendor({ 1: ledger(1) });
    const alone = shared.begin('acct', 'resident_payments');
    expect(ids(await alone.ledger(1, undefined, read(1)))).toEqual([12, 13]);
    expect(reads[0].types).not.toContain('Charge');
    const other = shared.begin('other-acct', 'resident_charges');
    const charges = shared.begin('acct', 'resident_charges');
    await alone.ledger(1, '2026-01-01', read(1)); // kept for the charges pull of this window only
    expect(ids(await other.ledger(1, '2026-01-01', read(1)))).toEqual([11]);
    expect(ids(await charges.ledger(1, undefined, read(1)))).toEqual([11]);
    expect(ids(await charges.ledger(1, '2026-01-01', read(1)))).toEqual([11]);
    expect(reads).toHaveLength(4); // the last was taken from the payments pull's read
  });

  it('never gives a pull an answer read before it began (an earlier sync)', async () => {
    let now = 0;
    const shared = new SharedLedgerReads(256, () => now);
    const { reads, read } = vendor({ 1: ledger(1) });
    const charges = shared.begin('acct', 'resident_charges');
    const early = shared.begin('acct', 'resident_payments');
    await charges.ledger(1, undefined, read(1)); // kept for a payments pull
    early.end();
    now = 1_000;
    const later = shared.begin('acct', 'resident_payments');
    expect(ids(await later.ledger(1, undefined, read(1)))).toEqual([12, 13]);
    expect(reads).toHaveLength(2);
  });

  it('reads its own types again when the shared answer has a row of no known type, or failed', async () => {
    const shared = new SharedLedgerReads();
    const { reads, read } = vendor({ 1: ledger(1), 2: ledger(2) });
    const charges = shared.begin('acct', 'resident_charges');
    const payments = shared.begin('acct', 'resident_payments');
    // A server that answers a type it was not asked for: which model the row is cannot be told.
    const odd: LedgerRead = async (types) => [
      ...(await read(1)(types)),
      ...(types.length > 1 ? [{ Id: 19, TransactionTypeEnum: 'Refund' }] : []),
    ];
    expect(ids(await charges.ledger(1, undefined, odd))).toEqual([11]);
    expect(reads.map((r) => r.types.length)).toEqual([5, 1]);
    const failing: LedgerRead = async () => {
      throw new Error('502 after retries');
    };
    await expect(charges.ledger(2, undefined, failing)).rejects.toThrow('502 after retries');
    expect(ids(await payments.ledger(2, undefined, read(2)))).toEqual([22, 23]);
    expect(reads.at(-1)?.leaseId).toBe(2); // its own read: the failure was not handed over
  });

  it('keeps a bounded number of answers, and none once the account has no pull left', async () => {
    const shared = new SharedLedgerReads(2);
    const ledgers = Object.fromEntries([1, 2, 3, 4].map((id) => [id, ledger(id)]));
    const { reads, read } = vendor(ledgers);
    const charges = shared.begin('acct', 'resident_charges');
    const payments = shared.begin('acct', 'resident_payments');
    for (const id of [1, 2, 3]) await charges.ledger(id, undefined, read(id));
    // Lease 1's answer was dropped for lease 3's: the payments pull reads it itself.
    expect(ids(await payments.ledger(1, undefined, read(1)))).toEqual([12, 13]);
    expect(ids(await payments.ledger(3, undefined, read(3)))).toEqual([32, 33]);
    expect(reads.map((r) => r.leaseId)).toEqual([1, 2, 3, 1]);
    await charges.ledger(4, undefined, read(4));
    charges.end();
    payments.end();
    const again = shared.begin('acct', 'resident_payments');
    shared.begin('acct', 'resident_charges');
    expect(ids(await again.ledger(2, undefined, read(2)))).toEqual([22, 23]);
    expect(reads.map((r) => r.leaseId)).toEqual([1, 2, 3, 1, 4, 2]);
  });
});

import { SharedReads } from '../../src/fetch/adapter/shared-reads';
import { rowsOf } from '../../src/fetch/buildium/buildium.ledger-reads';

type Model = 'charges' | 'payments' | 'residents';

/** A vendor whose answer to a call is the call's key and the models it was sent for; every call counted. */
function vendor() {
  const sent: Array<{ key: string; models: readonly Model[] }> = [];
  return {
    sent,
    send: (key: string) => async (models: readonly Model[]) => {
      sent.push({ key, models });
      return `${key}:${models.join('+')}`;
    },
  };
}

describe('shared reads: one call for the pulls of several models running at once', () => {
  it('sends each call once while the pulls run, for all of their models, and each pull takes it', async () => {
    const shared = new SharedReads<Model, string>(16);
    const { sent, send } = vendor();
    const charges = shared.begin('acct', 'charges');
    const payments = shared.begin('acct', 'payments');
    const residents = shared.begin('acct', 'residents');
    const got = await Promise.all([
      charges.read('lease-1', send('lease-1')),
      payments.read('lease-1', send('lease-1')),
      residents.read('lease-1', send('lease-1')),
      payments.read('lease-2', send('lease-2')),
      charges.read('lease-2', send('lease-2')),
    ]);
    expect(got.map((g) => g.answer)).toEqual([
      'lease-1:charges+payments+residents',
      'lease-1:charges+payments+residents',
      'lease-1:charges+payments+residents',
      'lease-2:payments+charges+residents',
      'lease-2:payments+charges+residents',
    ]);
    expect(sent.map((s) => s.key)).toEqual(['lease-1', 'lease-2']);
    // Taken once by each: a later read of lease 1 by the same pull is a call of its own.
    await charges.read('lease-1', send('lease-1'));
    expect(sent).toHaveLength(3);
  });

  it('a pull alone sends for its model only; another scope is not shared', async () => {
    const shared = new SharedReads<Model, string>(16);
    const { sent, send } = vendor();
    const alone = shared.begin('acct', 'payments');
    expect((await alone.read('lease-1', send('lease-1'))).sentFor).toEqual(['payments']);
    const elsewhere = shared.begin('other-acct', 'charges');
    expect((await elsewhere.read('lease-1', send('lease-1'))).answer).toBe('lease-1:charges');
    expect(sent).toHaveLength(2);
  });

  it('never gives a pull an answer it was not waited for (a pull of an earlier sync, ended)', async () => {
    const shared = new SharedReads<Model, string>(16);
    const { sent, send } = vendor();
    const charges = shared.begin('acct', 'charges');
    const early = shared.begin('acct', 'payments');
    await charges.read('lease-1', send('lease-1')); // kept for the payments pull
    early.end();
    const later = shared.begin('acct', 'payments');
    expect((await later.read('lease-1', send('lease-1'))).answer).toBe('lease-1:payments');
    expect(sent).toHaveLength(2);
  });

  it('a call that failed for the pull that sent it is sent again for the one that would have taken it', async () => {
    const shared = new SharedReads<Model, string>(16);
    const { sent, send } = vendor();
    const charges = shared.begin('acct', 'charges');
    const payments = shared.begin('acct', 'payments');
    let fail!: (error: Error) => void;
    const failing = charges.read('lease-1', () => new Promise<string>((_, reject) => (fail = reject)));
    const taking = payments.read('lease-1', send('lease-1')); // takes the call in flight
    fail(new Error('502 after retries'));
    await expect(failing).rejects.toThrow('502 after retries');
    expect(await taking).toEqual({ answer: 'lease-1:payments', sentFor: ['payments'] });
    expect(sent).toEqual([{ key: 'lease-1', models: ['payments'] }]);
  });

  it('a pull ahead waits for room (at most `keep` answers kept), then drops the oldest when the others do not take it', async () => {
    const shared = new SharedReads<Model, string>(2, 50);
    const { sent, send } = vendor();
    const charges = shared.begin('acct', 'charges');
    const payments = shared.begin('acct', 'payments');
    await charges.read('a', send('a'));
    await charges.read('b', send('b'));
    const c = charges.read('c', send('c')); // two kept: waits
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent.map((s) => s.key)).toEqual(['a', 'b']);
    expect((await payments.read('a', send('a'))).answer).toBe('a:charges+payments');
    expect((await c).answer).toBe('c:charges+payments');
    // Kept: b and c. Nobody takes them for 50 ms: b is dropped, and the payments pull reads it itself.
    expect((await charges.read('d', send('d'))).answer).toBe('d:charges+payments');
    expect((await payments.read('b', send('b'))).answer).toBe('b:payments');
    expect((await payments.read('c', send('c'))).answer).toBe('c:charges+payments');
    expect(sent.map((s) => s.key)).toEqual(['a', 'b', 'c', 'd', 'b']);
    charges.end();
    payments.end();
    // Nothing is kept once the scope has no pull: a new pair starts afresh.
    const again = shared.begin('acct', 'payments');
    shared.begin('acct', 'charges');
    expect((await again.read('d', send('d'))).answer).toBe('d:payments+charges');
  });

  it('a pull that began far behind (a retried job) reads on its own, and the one ahead does not wait for it', async () => {
    const shared = new SharedReads<Model, string>(2, 60_000);
    const { sent, send } = vendor();
    const charges = shared.begin('acct', 'charges');
    for (const key of ['a', 'b', 'c', 'd', 'e']) await charges.read(key, send(key));
    const payments = shared.begin('acct', 'payments');
    expect((await charges.read('f', send('f'))).answer).toBe('f:charges'); // 6 calls ahead: not in step
    expect((await payments.read('a', send('a'))).answer).toBe('a:payments');
    expect(sent).toHaveLength(7);
  });
});

describe('Buildium: a ledger answer sent for charges and payments, split', () => {
  const rows = [
    { Id: 1, TransactionTypeEnum: 'Charge' },
    { Id: 2, TransactionTypeEnum: 'Payment' },
    { Id: 3, TransactionType: 'ReverseElectronicFundsTransfer' },
  ];
  const both = ['resident_charges', 'resident_payments'] as const;

  it('gives each model the rows of its own transaction types', () => {
    expect(rowsOf('resident_charges', rows, both)).toEqual([rows[0]]);
    expect(rowsOf('resident_payments', rows, both)).toEqual([rows[1], rows[2]]);
  });

  it('gives up (the pull asks for its own types) on a row of a type not asked for, or with none', () => {
    expect(rowsOf('resident_charges', [...rows, { Id: 4, TransactionTypeEnum: 'Refund' }], both)).toBeNull();
    expect(rowsOf('resident_payments', [...rows, { Id: 5 }], both)).toBeNull();
  });
});

import { FOREIGN_ENTRATA_CREDENTIALS, startForeignEntrataServer } from '../support/foreign-entrata-server';
import { decimalCents } from '../support/decimal-cents';

/** The foreign Entrata server's AR ledger: what the adapter will meet besides our own sandbox. */
describe('foreign Entrata server: AR transactions and AR payments', () => {
  let server: Awaited<ReturnType<typeof startForeignEntrataServer>>;
  /** A call, sent again after the server's every-6th-request 429 error body. */
  const call = async (service: string, name: string, params: Record<string, unknown>): Promise<any> => {
    const res = await fetch(`${server.url}/${service}`, {
      method: 'POST',
      headers: { 'x-api-key': FOREIGN_ENTRATA_CREDENTIALS.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { type: 'apikey' }, requestId: 'f-1', method: { name, version: 'r1', params } }),
    });
    const body = (await res.json()) as any;
    return body.response.error?.code === 429 ? call(service, name, params) : body.response;
  };

  beforeAll(async () => {
    server = await startForeignEntrataServer();
  });
  afterAll(() => server.close());

  it('serves lease 5001 a ledger whose rows sum to what its charges owe, and ArPayments allocating their amount', async () => {
    const { result } = await call('artransactions', 'getLeaseArTransactions', { propertyId: 7001, showFullLedger: 1 });
    const lease = result.leases.lease;
    expect(lease.id).toBe(5001);
    const rows = lease.ledgers.ledger.transactions.transaction as any[];
    const owed = rows.reduce((sum, r) => sum + decimalCents(r.balanceDue), 0);
    expect(rows.reduce((sum, r) => sum + decimalCents(r.amount), 0)).toBe(owed);
    expect(owed).toBe(109500 + 8765432109);
    const january = await call('artransactions', 'getLeaseArTransactions', {
      propertyId: 7001,
      transactionFromDate: '01/01/2026',
      transactionToDate: '01/31/2026',
    });
    expect(january.result.leases.lease.ledgers.ledger.transactions.transaction.map((r: any) => r.id)).toEqual([
      '9005',
      '9006',
    ]);
    const payments = await call('arpayments', 'getArPayments', { isIncludeAllocations: 1 });
    const payment = payments.result.ArPayments.ArPayment;
    expect(payment.ArAllocations.ArAllocation.reduce((sum: number, a: any) => sum + decimalCents(a.Amount), 0)).toBe(
      decimalCents(payment.PaymentAmount),
    );
    expect((await call('arpayments', 'getArPayments', {})).result.ArPayments.ArPayment.ArAllocations).toBeUndefined();
    expect((await call('arpayments', 'getArPayments', { fromDate: '01/01/2026' })).result.ArPayments).toEqual({});
  });

  it('sendLeaseArTransactions posts a charge once per transactionId (a repeat is "Duplicate transaction ID")', async () => {
    const params = {
      transactionId: 'lk-1',
      leaseId: 5001,
      arCodeId: 7,
      transactionAmount: '0.30',
      transactionDate: '01/20/2026',
      description: 'Water',
    };
    const first = await call('artransactions', 'sendLeaseArTransactions', params);
    expect(first.result.Transactions.Transaction['@attributes']).toMatchObject({
      reference_id: 'lk-1',
      status: 'Success',
    });
    const again = await call('artransactions', 'sendLeaseArTransactions', params);
    expect(again.result.Transactions.Transaction['@attributes']).toMatchObject({
      status: 'Failed',
      message: 'Duplicate transaction ID',
    });
    const day = await call('artransactions', 'getLeaseArTransactions', {
      propertyId: 7001,
      transactionFromDate: '01/20/2026',
      transactionToDate: '01/20/2026',
    });
    expect(day.result.leases.lease.ledgers.ledger.transactions.transaction).toMatchObject({
      amount: '0.30',
      balanceDue: '0.30',
    });
    expect(
      (await call('artransactions', 'sendLeaseArTransactions', { ...params, leaseId: undefined })).error.code,
    ).toBe(400);
  });
});

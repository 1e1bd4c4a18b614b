import { startEntrataSandboxServer } from '../../src/sandbox/entrata/entrata-sandbox';
import { entrataLeaseBalances } from '../../src/sandbox/entrata/entrata-ledger';
import { decimalCents } from '../support/decimal-cents';
import { sandboxControl } from '../support/sandbox-writes';

const KEY = { apiKey: 'unit-key', companyId: 'unit-co' };
const READ_ONLY = { apiKey: 'read-only-key', companyId: 'unit-co', methods: ['getLeaseArTransactions'] };

const cents = decimalCents;
/** An Entrata list as a list: one element arrives as the element, none as nothing. */
const list = (value: unknown): any[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('Entrata sandbox AR transactions, AR payments and pick lists', () => {
  let server: Awaited<ReturnType<typeof startEntrataSandboxServer>>;
  const { writes, addFault } = sandboxControl(() => server.url);
  const OPTIONS = { residents: 60, seed: 5, credentials: [KEY, READ_ONLY] };
  const call = async (service: string, name: string, params: Record<string, unknown> = {}, apiKey = KEY.apiKey) => {
    const res = await fetch(`${server.url}/${service}`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { type: 'apikey' }, requestId: 'm-1', method: { name, version: 'r1', params } }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ledger = async (params: Record<string, unknown>) => {
    const { body } = await call('artransactions', 'getLeaseArTransactions', params);
    expect(body.response.error).toBeUndefined();
    return list(body.response.result.leases?.lease).map((lease) => ({
      ...lease,
      rows: list(lease.ledgers.ledger.transactions?.transaction),
    }));
  };
  const allRows = async (propertyId: number, extra: Record<string, unknown> = {}) =>
    (await ledger({ propertyId, showFullLedger: 1, includeReversals: 1, ...extra })).flatMap((l) => l.rows);
  const arPayments = async (params: Record<string, unknown> = {}) =>
    list((await call('arpayments', 'getArPayments', params)).body.response.result.ArPayments?.ArPayment);
  const ledgerLease = () =>
    server.sandbox.data.leases.find((l) =>
      server.sandbox.data.ar_transactions.some((r) => r.leaseId === Number(l.id) && r.balanceDue !== '0.00'),
    )!;

  beforeAll(async () => {
    server = await startEntrataSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('seeds a year of ledger per begun lease: exact decimal text, 0.10 + 0.20, a large charge, partial and reversed payments, balances', async () => {
    const begun = server.sandbox.data.leases.filter((l) =>
      ['Current', 'Notice', 'Past'].includes(l.leaseIntervalStatus),
    );
    const rows = (await Promise.all(server.sandbox.data.properties.map((p) => allRows(p.PropertyID as number)))).flat();
    expect(new Set(rows.map((r) => r.leaseIntervalId))).toEqual(new Set(begun.map((l) => Number(l.id))));
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(
        [
          'id',
          'transactionTypeId',
          'arCodeId',
          'arCodeName',
          'description',
          'transactionDate',
          'postDate',
          'postMonth',
          'amount',
          'amountPaid',
          'balanceDue',
          'leaseIntervalId',
          ...(row.arPaymentId ? ['arPaymentId'] : []),
          ...(row.scheduledChargeId ? ['scheduledChargeId'] : []),
        ].sort(),
      );
      expect(row.amount).toMatch(/^-?\d+\.\d{2}$/);
      expect(row.transactionDate).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
      expect(row.postMonth).toMatch(/^\d{2}\/\d{4}$/);
    }
    const charges = rows.filter((r) => r.transactionTypeId === 1);
    expect(charges.filter((r) => r.arCodeName === 'Rent')).toHaveLength(begun.length * 12);
    expect(charges.filter((r) => r.amount === '0.10' || r.amount === '0.20')).toHaveLength(begun.length * 2);
    expect(charges.filter((r) => r.amount === '123456789.01')).toHaveLength(1);
    expect(charges.some((r) => cents(r.amountPaid) > 0 && cents(r.balanceDue) > 0)).toBe(true);
    for (const c of charges) expect(cents(c.amountPaid) + cents(c.balanceDue)).toBe(cents(c.amount));
    // Every row summed per lease (reversals included) is what the charges still owe, and entrataLeaseBalances.
    const balances = entrataLeaseBalances(server.sandbox.data);
    for (const lease of begun) {
      const own = rows.filter((r) => r.leaseIntervalId === Number(lease.id));
      const owed = own.reduce((sum, r) => sum + cents(r.balanceDue), 0);
      expect(own.reduce((sum, r) => sum + cents(r.amount), 0)).toBe(owed);
      expect(balances.get(Number(lease.id))).toBe(owed);
    }
    // ArPayments: captured ones allocate exactly their amount to real charge rows; one reversed per lease.
    const payments = await arPayments({ isIncludeAllocations: 1 });
    const byId = new Map(charges.map((c) => [Number(c.id), c]));
    for (const p of payments) {
      const allocations = list(p.ArAllocations?.ArAllocation);
      if (p.PaymentStatus === 'Reversed') {
        expect(allocations).toEqual([]);
        expect(p.ReturnedOn).toMatch(/^\d{2}\/\d{2}\/\d{4} /);
        continue;
      }
      expect(allocations.reduce((sum, a) => sum + cents(a.Amount), 0)).toBe(cents(p.PaymentAmount));
      for (const a of allocations) expect(byId.get(a.ArTransactionId)).toMatchObject({ arCodeId: a.ChargeCodeId });
    }
    expect(payments.filter((p) => p.PaymentStatus === 'Reversed')).toHaveLength(begun.length);
    const sample = payments[0];
    const lease = server.sandbox.data.leases.find((l) =>
      l.customers.customer.some((c: any) => c.id === sample.CustomerId),
    )!;
    const property = server.sandbox.data.properties.find((p) => p.PropertyID === lease.propertyId)!;
    expect(sample).toMatchObject({ PropertyName: property.MarketingName, PaymentStatus: 'Captured' });
  });

  it('getLeaseArTransactions filters by leaseIds, transactionTypeIds, dates, open rows and reversals, and pages over leases', async () => {
    const lease = ledgerLease();
    const propertyId = lease.propertyId as number;
    const open = await ledger({ propertyId, leaseIds: lease.id });
    expect(open.map((l) => l.id)).toEqual([Number(lease.id)]);
    expect(open[0].rows.every((r: any) => r.balanceDue !== '0.00')).toBe(true);
    const full = (await ledger({ propertyId, leaseIds: lease.id, showFullLedger: 1 }))[0].rows;
    const withReversals = (await ledger({ propertyId, leaseIds: lease.id, showFullLedger: 1, includeReversals: 1 }))[0]
      .rows;
    expect(withReversals.length - full.length).toBe(2); // the reversed payment and its reversal
    const payments = (await ledger({ propertyId, leaseIds: lease.id, showFullLedger: 1, transactionTypeIds: '2' }))[0]
      .rows;
    expect(payments.every((r: any) => r.transactionTypeId === 2 && r.amount.startsWith('-'))).toBe(true);
    const december = (
      await ledger({
        propertyId,
        leaseIds: lease.id,
        showFullLedger: 1,
        transactionFromDate: '12/01/2025',
        transactionToDate: '12/31/2025',
      })
    )[0].rows;
    expect(december.length).toBeGreaterThan(0);
    expect(december.every((r: any) => r.transactionDate.startsWith('12/') && r.transactionDate.endsWith('/2025'))).toBe(
      true,
    );
    const first = await ledger({ propertyId, showFullLedger: 1, perPageCount: 2, pageNo: 1 });
    const second = await ledger({ propertyId, showFullLedger: 1, perPageCount: 2, pageNo: 2 });
    expect(first).toHaveLength(2);
    expect(second.map((l) => l.id)).not.toContain(first[0].id);
    const bad = await call('artransactions', 'getLeaseArTransactions', {
      propertyId,
      transactionFromDate: '2025-12-01',
    });
    expect(bad.body.response.error).toEqual({
      code: 400,
      message: 'transactionFromDate must be a date formatted MM/DD/YYYY.',
    });
    const noProperty = await call('artransactions', 'getLeaseArTransactions', {});
    expect(noProperty.body.response.error.code).toBe(400);
  });

  it('getArPayments is portfolio-wide and filters by dates, ids and status; allocations only when asked', async () => {
    const all = await arPayments();
    const properties = new Set(all.map((p) => p.PropertyName));
    expect(properties.size).toBe(server.sandbox.data.properties.length);
    expect(all.every((p) => p.ArAllocations === undefined)).toBe(true);
    const december = await arPayments({ fromDate: '12/01/2025', toDate: '12/31/2025' });
    expect(december.length).toBeGreaterThan(0);
    expect(december.every((p) => /^12\/\d{2}\/2025$/.test(p.PaymentDate))).toBe(true);
    expect(
      (await arPayments({ arPaymentIds: `${all[0].ArPaymentId},${all[1].ArPaymentId}` })).map((p) => p.ArPaymentId),
    ).toEqual([all[0].ArPaymentId, all[1].ArPaymentId]);
    const reversed = await arPayments({ paymentStatusTypeIds: '2' });
    expect(reversed.length).toBeGreaterThan(0);
    expect(reversed.every((p) => p.PaymentStatus === 'Reversed')).toBe(true);
  });

  it('sendLeaseArTransactions posts a charge (no id back), idempotent by transactionId: a repeat is "Duplicate transaction ID"', async () => {
    const lease = ledgerLease();
    const params = {
      transactionId: 'latchkey-ab12-1',
      leaseId: Number(lease.id),
      arCodeId: 3,
      transactionAmount: '0.10',
      transactionDate: '01/20/2026',
      arPostMonth: '01/2026',
      description: 'Water adjustment',
    };
    const before = entrataLeaseBalances(server.sandbox.data).get(Number(lease.id))!;
    const first = await call('artransactions', 'sendLeaseArTransactions', params);
    expect(first.body.response.result).toEqual({
      Transactions: {
        Transaction: {
          '@attributes': {
            reference_id: 'latchkey-ab12-1',
            transaction_id: 'latchkey-ab12-1',
            status: 'Success',
            message: 'Transaction posted successfully.',
          },
        },
      },
    });
    await call('artransactions', 'sendLeaseArTransactions', {
      ...params,
      transactionId: 'latchkey-ab12-2',
      transactionAmount: 0.2,
    });
    const again = await call('artransactions', 'sendLeaseArTransactions', params);
    expect(again.body.response.result.Transactions.Transaction['@attributes']).toMatchObject({
      status: 'Failed',
      message: 'Duplicate transaction ID',
    });
    expect(entrataLeaseBalances(server.sandbox.data).get(Number(lease.id))! - before).toBe(30);
    const rows = (
      await ledger({ propertyId: lease.propertyId, leaseIds: lease.id, transactionFromDate: '01/20/2026' })
    )[0].rows;
    expect(rows.map((r: any) => [r.transactionTypeId, r.arCodeName, r.amount, r.balanceDue, r.postMonth])).toEqual([
      [1, 'Utilities', '0.10', '0.10', '01/2026'],
      [1, 'Utilities', '0.20', '0.20', '01/2026'],
    ]);
    // A negative amount is a credit (transactionTypeId 3).
    await call('artransactions', 'sendLeaseArTransactions', {
      ...params,
      transactionId: 'credit-1',
      arCodeId: 5,
      transactionAmount: '-50.00',
    });
    expect(server.sandbox.data.ar_transactions.at(-1)).toMatchObject({
      transactionTypeId: 3,
      amount: '-50.00',
      arCodeName: 'Concession',
    });
    expect((await writes()).sendLeaseArTransactions).toEqual({ received: 4, applied: 3, rejected: 1, refused: 0 });
  });

  it('refuses bad params with error 400 and unknown leases or AR codes as a Failed item, nothing written', async () => {
    const lease = ledgerLease();
    const count = server.sandbox.data.ar_transactions.length;
    const params = {
      transactionId: 'k-1',
      leaseId: Number(lease.id),
      arCodeId: 1,
      transactionAmount: '10.00',
      transactionDate: '01/20/2026',
      description: 'Rent',
    };
    const error = async (p: Record<string, unknown>) =>
      (await call('artransactions', 'sendLeaseArTransactions', p)).body.response.error?.message;
    expect(await error({})).toBe('transactionId is required.');
    expect(await error({ ...params, transactionId: 'has space' })).toBe(
      'transactionId must be 1 to 50 letters, digits or dashes.',
    );
    expect(await error({ ...params, transactionAmount: '10.005' })).toMatch(/^transactionAmount must be a non-zero/);
    expect(await error({ ...params, transactionAmount: 0 })).toMatch(/^transactionAmount must be a non-zero/);
    expect(await error({ ...params, transactionDate: '2026-01-20' })).toBe(
      'transactionDate must be a date formatted MM/DD/YYYY.',
    );
    expect(await error({ ...params, arPostMonth: '2026-01' })).toBe('arPostMonth must be formatted MM/YYYY.');
    const { description: _d, ...noDescription } = params;
    expect(await error(noDescription)).toBe('description is required.');
    const failed = async (p: Record<string, unknown>) =>
      (await call('artransactions', 'sendLeaseArTransactions', p)).body.response.result.Transactions.Transaction[
        '@attributes'
      ];
    expect(await failed({ ...params, leaseId: 1 })).toMatchObject({
      status: 'Failed',
      message: 'Lease 1 was not found.',
    });
    expect(await failed({ ...params, arCodeId: 99 })).toMatchObject({ status: 'Failed' });
    expect(server.sandbox.data.ar_transactions).toHaveLength(count);
    expect((await call('arpayments', 'sendArPayments', {})).body.response.error.message).toBe(
      'Method sendArPayments is not available on arpayments.',
    );
    expect(
      (await call('artransactions', 'sendLeaseArTransactions', params, READ_ONLY.apiKey)).body.response.error.code,
    ).toBe(304);
  });

  it('an injected 429 posts nothing; an afterApply 502 posts once, and the resend is a duplicate', async () => {
    const lease = ledgerLease();
    const count = server.sandbox.data.ar_transactions.length;
    const params = {
      transactionId: 'k-fault',
      leaseId: Number(lease.id),
      arCodeId: 4,
      transactionAmount: 12.34,
      transactionDate: '01/20/2026',
      description: 'Key replacement',
    };
    await addFault({ path: '/artransactions', status: 429, times: 1 });
    expect((await call('artransactions', 'sendLeaseArTransactions', params)).body.response.error.code).toBe(429);
    expect(server.sandbox.data.ar_transactions).toHaveLength(count);
    await addFault({ path: '/artransactions', status: 502, afterApply: true, times: 1 });
    expect((await call('artransactions', 'sendLeaseArTransactions', params)).status).toBe(502);
    expect(server.sandbox.data.ar_transactions).toHaveLength(count + 1);
    const resend = await call('artransactions', 'sendLeaseArTransactions', params);
    expect(resend.body.response.result.Transactions.Transaction['@attributes'].message).toBe(
      'Duplicate transaction ID',
    );
    expect(server.sandbox.data.ar_transactions).toHaveLength(count + 1);
    expect((await writes()).sendLeaseArTransactions).toEqual({ received: 3, applied: 1, rejected: 1, refused: 1 });
  });

  it('getWorkOrderPickLists answers the modelled lists that sendWorkOrders takes', async () => {
    const propertyId = server.sandbox.data.properties[0].PropertyID as number;
    const { body } = await call('maintenance', 'getWorkOrderPickLists', { propertyIds: String(propertyId) });
    const property = body.response.result.Properties.Property;
    expect(property['@attributes']).toEqual({ Id: propertyId });
    const ids = (items: any) => list(items).map((i) => i['@attributes'].Id);
    expect(ids(property.Locations.Location)).toEqual([1, 2, 3, 4, 5]);
    expect(ids(property.Priorities.Priority)).toEqual([1, 2, 3, 4]);
    expect(list(property.StatusTypes.StatusType).map((s) => s['@attributes'].Code)).toEqual([
      'OPEN',
      'IN_PROGRESS',
      'ON_HOLD',
      'COMPLETED',
      'CANCELLED',
    ]);
    const problems = list(property.Problems.Problem).flatMap((p) =>
      ids(p.subMaintenanceProblems?.subMaintenanceProblem),
    );
    expect(problems.sort()).toEqual([11, 12, 21, 31, 41]);
    expect((await call('maintenance', 'getWorkOrderPickLists', {})).body.response.error).toEqual({
      code: 400,
      message: 'propertyIds is required.',
    });
  });

  it('/_control/mutate posts new charges and payments (applied to open charges)', async () => {
    const before = server.sandbox.data.ar_payments.length;
    const res = await fetch(`${server.url}/_control/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ charges: 2, payments: 3 }),
    });
    expect(((await res.json()) as any).edited).toEqual({ charges: 2, payments: 3 });
    const added = server.sandbox.data.ar_payments.slice(before);
    expect(added.map((p) => p.PaymentAmount)).toEqual(['100.30', '100.30', '100.30']);
    for (const p of added)
      expect(p.ArAllocations.ArAllocation.reduce((sum: number, a: any) => sum + cents(a.Amount), 0)).toBe(10030);
    expect(
      server.sandbox.data.ar_transactions.filter((r) => r.amount === '25.10' && r.arCodeName === 'Late Fee'),
    ).toHaveLength(2);
  });
});

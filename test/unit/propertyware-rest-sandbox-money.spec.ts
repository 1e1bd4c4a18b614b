import { startPropertywareRestSandboxServer } from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import {
  BANK_GL_ACCOUNTS,
  INCOME_GL_ACCOUNTS,
  propertywareLeaseBalances,
} from '../../src/sandbox/propertyware-rest/propertyware-rest-ledger';
import { SAVE_CHARGE, SAVE_PAYMENT } from '../../src/sandbox/propertyware-rest/propertyware-rest-writes';
import { LARGE_CHARGE_CENTS } from '../../src/sandbox/kit/seeded-ledger';
import { sandboxControl } from '../support/sandbox-writes';
import { expectSameAsSaveSchema } from '../support/propertyware-save-schemas';
import { assertValid } from '../support/propexo-schema';
import {
  AUTHORIZE_ENTER,
  WORK_ORDER_PRIORITIES,
  WORK_ORDER_STATUSES,
} from '../../src/sandbox/propertyware-rest/propertyware-rest-workorders';

const SPEC = 'propertyware-openapi.json';
const CREDS = { clientId: 'unit-client', clientSecret: 'unit-secret', systemId: '4242' };
const BETA = { ...CREDS, clientId: 'beta-client', beta: true };
const READ_ONLY_LEASES = { ...CREDS, clientId: 'read-only-client', beta: true, readOnly: ['leases' as const] };
const headersOf = (creds: { clientId: string }) => ({
  'x-propertyware-client-id': creds.clientId,
  'x-propertyware-client-secret': CREDS.clientSecret,
  'x-propertyware-system-id': CREDS.systemId,
  'content-type': 'application/json',
});
const cents = (amount: number) => Math.round(amount * 100);
const sumCents = (records: any[], field = 'amount') => records.reduce((sum, r) => sum + cents(r[field]), 0);

describe('Propertyware REST sandbox lease charges and payments', () => {
  let server: Awaited<ReturnType<typeof startPropertywareRestSandboxServer>>;
  const { writes, addFault } = sandboxControl(() => server.url);
  const options = { residents: 60, seed: 3, credentials: [CREDS, BETA, READ_ONLY_LEASES], requestsPerSecond: 0 };
  const send = (method: string, path: string, body?: unknown, creds: { clientId: string } = BETA) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: headersOf(creds),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const get = async (path: string) => (await (await send('GET', path)).json()) as any;
  const all = async (path: string) => {
    const records: any[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await get(`${path}${path.includes('?') ? '&' : '?'}limit=500&offset=${offset}`);
      records.push(...page);
      if (page.length < 500) return records;
    }
  };
  const lease = () => server.sandbox.data.leases.find((l) => l.status.startsWith('Active'))!;
  const balanceOf = async (leaseID: number) =>
    (await all(`/leases/charges?leaseID=${leaseID}`)).reduce((sum, c) => sum + cents(c.amountDue), 0);

  beforeAll(async () => {
    server = await startPropertywareRestSandboxServer(options);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(options));

  it('takes exactly the fields, required sets, types and enums of the spec’s SaveCharge and SavePayment, each a read field', () => {
    expectSameAsSaveSchema(SAVE_CHARGE, 'ChargeTx');
    expectSameAsSaveSchema(SAVE_PAYMENT, 'Payment');
  });

  it('seeds a year of ledger per begun lease: closed-schema ChargeTx and Payment, exact cents, partial, reversed and large amounts', async () => {
    const charges = await all('/leases/charges');
    const payments = await all('/leases/payments');
    for (const charge of charges) assertValid('ChargeTx', charge, SPEC, { closed: true });
    for (const payment of payments) assertValid('Payment', payment, SPEC, { closed: true });
    const begun = server.sandbox.data.leases.filter((l) => l.status !== 'Draft');
    expect(new Set(charges.map((c) => c.leaseID))).toEqual(new Set(begun.map((l) => l.id)));
    // Twelve monthly rents per lease, the newest one open.
    for (const l of begun) {
      const rents = charges.filter((c) => c.leaseID === l.id && c.comments === 'Rent');
      expect(rents).toHaveLength(12);
      expect(rents.every((c) => c.amount === l.baseRent)).toBe(true);
      expect(rents[11]).toMatchObject({ date: '2026-01-01', amountPaid: 0, amountDue: l.baseRent });
    }
    // Cents edge cases: 0.10 + 0.20 is exactly 0.30 of each lease's ledger; one charge is 123,456,789.01.
    const adjustments = charges.filter((c) => c.comments.endsWith('adjustment'));
    expect(adjustments.map((c) => c.amount).sort()).toEqual(begun.flatMap(() => [0.1, 0.2]).sort());
    expect(charges.filter((c) => c.amount === LARGE_CHARGE_CENTS / 100)).toHaveLength(1);
    // A partial payment leaves a charge part paid; a reversal is the negative of a payment it names.
    expect(charges.some((c) => c.amountPaid > 0 && c.amountDue > 0)).toBe(true);
    const reversals = payments.filter((p) => p.amount < 0);
    expect(reversals).toHaveLength(begun.length);
    for (const reversal of reversals) {
      const reversed = payments.find((p) => reversal.comments === `Reversal of payment ${p.id}`);
      expect(reversed).toMatchObject({ amount: -reversal.amount, leaseID: reversal.leaseID });
      expect(charges.some((c) => c.payments.some((a: any) => a.id === reversed.id))).toBe(false);
    }
    // Allocations: each charge's payments add up to what it has paid, and name real payments of its lease.
    for (const charge of charges) {
      expect(sumCents(charge.payments, 'chargeAmountPaid')).toBe(cents(charge.amountPaid));
      expect(cents(charge.amountPaid) + cents(charge.amountDue)).toBe(cents(charge.amount));
      for (const a of charge.payments)
        expect(payments.find((p) => p.id === a.id)).toMatchObject({ leaseID: charge.leaseID, amount: a.amount });
    }
    // Each lease's balance: charges less payments = what its charges still owe = the lease's leaseBalance.
    const balances = propertywareLeaseBalances(charges, payments);
    for (const l of begun) {
      const owed = charges.filter((c) => c.leaseID === l.id).reduce((sum, c) => sum + cents(c.amountDue), 0);
      expect({ lease: l.id, balance: balances.get(l.id) }).toEqual({ lease: l.id, balance: owed });
      expect(cents(l.leaseBalance)).toBe(owed);
    }
  });

  it('pages with offset/limit and X-Total-Count, and filters by leaseID, postDate, glAccountID and lastModifiedDateTime', async () => {
    const l = lease();
    const res = await send('GET', `/leases/charges?leaseID=${l.id}&limit=5&offset=10`);
    expect(res.status).toBe(200);
    const total = server.sandbox.data.charges.filter((c) => c.leaseID === l.id).length;
    expect(res.headers.get('x-total-count')).toBe(String(total));
    expect(((await res.json()) as any[]).map((c) => c.id)).toEqual(
      server.sandbox.data.charges
        .filter((c) => c.leaseID === l.id)
        .slice(10, 15)
        .map((c) => c.id),
    );
    const december = await all(`/leases/payments?leaseID=${l.id}&postDateStart=2025-12-01&postDateEnd=2025-12-31`);
    expect(december.length).toBeGreaterThan(0);
    expect(december.every((p) => p.date >= '2025-12-01' && p.date <= '2025-12-31')).toBe(true);
    const rents = await all(`/leases/charges?glAccountID=${INCOME_GL_ACCOUNTS.rent}`);
    expect(rents.every((c) => c.comments === 'Rent')).toBe(true);
    expect(await get(`/leases/charges?lastModifiedDateTimeStart=${new Date().toISOString().slice(0, 19)}Z`)).toEqual(
      [],
    );
    const bad = await send('GET', '/leases/charges?postDateStart=12/01/2025');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors).toEqual([
      { key: 'postDateStart', message: 'must be a date formatted YYYY-MM-DD' },
    ]);
    expect((await send('GET', `/leases/charges/${server.sandbox.data.charges[0].id}`)).status).toBe(404);
  });

  it('creates a charge (BETA, 201 ChargeTx) open for its amount, served to lastModifiedDateTimeStart; 0.10 + 0.20 moves the balance by exactly 0.30', async () => {
    const l = lease();
    const before = await balanceOf(l.id);
    const since = new Date(Date.now() - 1000).toISOString().slice(0, 19) + 'Z';
    const created: any[] = [];
    for (const amount of [0.1, 0.2]) {
      const res = await send('POST', '/leases/charges', {
        leaseID: l.id,
        amount,
        date: '2026-01-20',
        glAccountID: INCOME_GL_ACCOUNTS.utility,
        refNo: 'UTIL-1',
        comments: 'Meter reading',
      });
      expect(res.status).toBe(201);
      const charge = (await res.json()) as any;
      assertValid('ChargeTx', charge, SPEC, { closed: true });
      expect(charge).toMatchObject({
        leaseID: l.id,
        portfolioID: l.portfolioID,
        amount,
        amountDue: amount,
        amountPaid: 0,
      });
      created.push(charge);
    }
    expect((await get(`/leases/charges?lastModifiedDateTimeStart=${since}`)).map((c: any) => c.id)).toEqual(
      created.map((c) => c.id),
    );
    expect((await balanceOf(l.id)) - before).toBe(30);
    expect(cents(server.sandbox.data.leases.find((x) => x.id === l.id)!.leaseBalance)).toBe(before + 30);
    expect((await writes())['POST /leases/charges']).toEqual({ received: 2, applied: 2, rejected: 0, refused: 0 });
  });

  it('creates a payment (BETA, 201 Payment) applied to the oldest open charges, which show it in payments[]', async () => {
    const l = lease();
    const open = server.sandbox.data.charges
      .filter((c) => c.leaseID === l.id && c.amountDue > 0)
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id))
      .map((c) => ({ ...c })); // as they were: the payment changes the stored records
    const before = await balanceOf(l.id);
    const amount = (cents(open[0].amountDue) + 1) / 100; // the oldest in full, one cent of the next
    const res = await send('POST', '/leases/payments', {
      leaseID: l.id,
      contactID: l.contacts[0].id,
      amount,
      date: '2026-01-21',
      depositDate: '2026-01-21',
      destinationAccountID: BANK_GL_ACCOUNTS[0],
      paymentType: 'CASHIERS_CHECK',
      refNo: '000123',
    });
    expect(res.status).toBe(201);
    const payment = (await res.json()) as any;
    assertValid('Payment', payment, SPEC, { closed: true });
    expect(payment).toMatchObject({
      leaseID: l.id,
      contactID: l.contacts[0].id,
      amount,
      paymentType: 'CASHIERS_CHECK',
    });
    const charges = await all(`/leases/charges?leaseID=${l.id}`);
    const first = charges.find((c) => c.id === open[0].id);
    const second = charges.find((c) => c.id === open[1].id);
    expect(first.amountDue).toBe(0);
    expect(first.payments.at(-1)).toMatchObject({ id: payment.id, chargeAmountPaid: open[0].amountDue, amount });
    expect(cents(second.amountDue)).toBe(cents(open[1].amountDue) - 1);
    expect(second.payments.at(-1)).toMatchObject({ id: payment.id, chargeAmountPaid: 0.01 });
    for (const c of [first, second]) assertValid('ChargeTx', c, SPEC, { closed: true });
    expect(before - (await balanceOf(l.id))).toBe(cents(amount));
  });

  it('refuses what the schema or the account refuses with 400 ErrorResponse, nothing written', async () => {
    const l = lease();
    const count = server.sandbox.data.charges.length;
    const refusal = async (path: string, body: object) => {
      const res = await send('POST', path, body);
      expect(res.status).toBe(400);
      const error = (await res.json()) as any;
      assertValid('ErrorResponse', error, SPEC, { closed: true });
      return error.errors.map((e: any) => e.key);
    };
    expect(await refusal('/leases/charges', {})).toEqual(['amount', 'date', 'glAccountID', 'leaseID']);
    const charge = { leaseID: l.id, amount: 10, date: '2026-01-20', glAccountID: INCOME_GL_ACCOUNTS.rent };
    expect(await refusal('/leases/charges', { ...charge, leaseID: 1 })).toEqual(['leaseID']);
    expect(await refusal('/leases/charges', { ...charge, amount: 10.005 })).toEqual(['amount']);
    expect(await refusal('/leases/charges', { ...charge, amount: -5 })).toEqual(['amount']);
    expect(await refusal('/leases/charges', { ...charge, amount: '10' })).toEqual(['amount']);
    expect(await refusal('/leases/charges', { ...charge, glAccountID: BANK_GL_ACCOUNTS[0] })).toEqual(['glAccountID']);
    expect(await refusal('/leases/charges', { ...charge, date: '01/20/2026' })).toEqual(['date']);
    const payment = {
      leaseID: l.id,
      contactID: l.contacts[0].id,
      amount: 10,
      date: '2026-01-21',
      depositDate: '2026-01-21',
      destinationAccountID: BANK_GL_ACCOUNTS[0],
      paymentType: 'CHECK',
      refNo: '1',
    };
    const { refNo: _refNo, ...withoutRefNo } = payment;
    expect(await refusal('/leases/payments', withoutRefNo)).toEqual(['refNo']);
    expect(await refusal('/leases/payments', { ...payment, paymentType: 'Check' })).toEqual(['paymentType']);
    expect(await refusal('/leases/payments', { ...payment, destinationAccountID: INCOME_GL_ACCOUNTS.rent })).toEqual([
      'destinationAccountID',
    ]);
    const stranger = server.sandbox.data.contacts.find((c) => !l.contacts.some((x: any) => x.id === c.id))!;
    expect(await refusal('/leases/payments', { ...payment, contactID: stranger.id })).toEqual(['contactID']);
    expect(server.sandbox.data.charges).toHaveLength(count);
    expect(await writes()).toMatchObject({
      'POST /leases/charges': { received: 7, applied: 0, rejected: 7, refused: 0 },
      'POST /leases/payments': { received: 4, applied: 0, rejected: 4, refused: 0 },
    });
  });

  it('answers 403 outside the beta program or without the LEASES Write permission, and 405 for updates', async () => {
    const l = lease();
    const charge = { leaseID: l.id, amount: 10, date: '2026-01-20', glAccountID: INCOME_GL_ACCOUNTS.rent };
    const notBeta = await send('POST', '/leases/charges', charge, CREDS);
    expect(notBeta.status).toBe(403);
    expect(((await notBeta.json()) as any).userMessage).toMatch(/opted in to our beta program/);
    expect((await send('POST', '/leases/payments', {}, CREDS)).status).toBe(403);
    const readOnly = await send('POST', '/leases/charges', charge, READ_ONLY_LEASES);
    expect(readOnly.status).toBe(403);
    expect(((await readOnly.json()) as any).userMessage).toMatch(/Write permission/);
    // Reading stays allowed with a read-only key.
    expect((await send('GET', `/leases/charges?leaseID=${l.id}`, undefined, READ_ONLY_LEASES)).status).toBe(200);
    const id = server.sandbox.data.charges[0].id;
    expect((await send('PUT', `/leases/charges/${id}`, charge)).status).toBe(405);
    expect(await writes()).toMatchObject({
      'POST /leases/charges': { received: 2, applied: 0, rejected: 2, refused: 0 },
      'POST /leases/payments': { received: 1, applied: 0, rejected: 1, refused: 0 },
    });
  });

  it('an injected 429 applies nothing; an afterApply 502 applies the charge once', async () => {
    const l = lease();
    const count = server.sandbox.data.charges.length;
    const charge = { leaseID: l.id, amount: 12.34, date: '2026-01-20', glAccountID: INCOME_GL_ACCOUNTS.other };
    await addFault({ path: '/leases/charges', status: 429, times: 1 });
    expect((await send('POST', '/leases/charges', charge)).status).toBe(429);
    expect(server.sandbox.data.charges).toHaveLength(count);
    await addFault({ path: '/leases/charges', status: 502, afterApply: true, times: 1 });
    expect((await send('POST', '/leases/charges', charge)).status).toBe(502);
    expect(server.sandbox.data.charges).toHaveLength(count + 1);
    expect(server.sandbox.data.charges.at(-1)).toMatchObject({ leaseID: l.id, amount: 12.34 });
    expect((await writes())['POST /leases/charges']).toEqual({ received: 2, applied: 1, rejected: 0, refused: 1 });
  });

  it('/_control/mutate posts new charges and payments to leases with a ledger, seen by lastModifiedDateTimeStart', async () => {
    const since = new Date(Date.now() - 1000).toISOString().slice(0, 19) + 'Z';
    const res = await fetch(`${server.url}/_control/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ charges: 3, payments: 2 }),
    });
    expect(((await res.json()) as any).edited).toEqual({ charges: 3, payments: 2 });
    const newPayments = await get(`/leases/payments?lastModifiedDateTimeStart=${since}`);
    expect(newPayments.map((p: any) => p.amount)).toEqual([100.3, 100.3]);
    const changedCharges = await get(`/leases/charges?lastModifiedDateTimeStart=${since}`);
    expect(changedCharges.filter((c: any) => c.comments === 'Late fee' && c.amount === 25.1)).toHaveLength(3);
    // The payments were applied: the charges they paid changed too.
    for (const p of newPayments)
      expect(changedCharges.some((c: any) => c.payments.some((a: any) => a.id === p.id))).toBe(true);
  });

  it("every lease's leaseBalance is its served ledger's charges less its payments (a lease not begun owes nothing)", async () => {
    const charges = await all('/leases/charges');
    const payments = await all('/leases/payments');
    const leases = await all('/leases');
    const expected = (leaseID: number) =>
      sumCents(charges.filter((c) => c.leaseID === leaseID)) - sumCents(payments.filter((p) => p.leaseID === leaseID));
    expect(leases.map((l) => [l.id, cents(l.leaseBalance)])).toEqual(leases.map((l) => [l.id, expected(l.id)]));
    expect(leases.some((l) => l.status === 'Draft')).toBe(true);
  });

  it('seeds work orders of the closed WorkOrder schema: every status, priority and authorizeEnter, on units, unitIDs only, or a building', async () => {
    const orders = await all('/workorders');
    expect(orders.length).toBeGreaterThanOrEqual(10);
    expect(orders).toEqual(server.sandbox.data.workorders);
    // WorkOrder.unitIDs is an untyped object in the spec; Propertyware serves the ids as a list.
    for (const { unitIDs: _unitIds, ...order } of orders) assertValid('WorkOrder', order, SPEC, { closed: true });
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(WORK_ORDER_STATUSES));
    expect(new Set(orders.map((o) => o.priority))).toEqual(new Set([...WORK_ORDER_PRIORITIES, undefined]));
    expect(new Set(orders.map((o) => o.authorizeEnter))).toEqual(new Set([...AUTHORIZE_ENTER, undefined]));
    const units = new Map(server.sandbox.data.units.map((u) => [u.id, u]));
    for (const o of orders) {
      for (const unitId of o.unitIDs) expect(units.get(unitId)?.buildingID).toBe(o.buildingID);
      if (o.unitID !== undefined) expect(o.unitIDs).toEqual([o.unitID]);
    }
    expect(orders.some((o) => o.unitID === undefined && o.unitIDs.length === 1)).toBe(true);
    expect(orders.some((o) => o.unitIDs.length === 0)).toBe(true);
    expect(orders.some((o) => o.assignedVendors.length === 2)).toBe(true);
    expect(orders.filter((o) => o.completedDate).every((o) => ['Completed', 'Closed'].includes(o.status))).toBe(true);
  });
});

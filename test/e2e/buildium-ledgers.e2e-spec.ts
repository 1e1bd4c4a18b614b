import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { decimalCents } from '../support/decimal-cents';
import {
  FOREIGN_CREDENTIALS,
  startForeignBuildiumServer,
  type ForeignBuildiumServer,
} from '../support/foreign-buildium-server';
import {
  firstSync,
  manualSync,
  readAll,
  readQuarantine,
  sandboxControl,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync-helpers';

/**
 * Buildium's resident requests, lease charges and lease payments (docs/vendors/buildium.md; models.md §5),
 * synced from our sandbox and from the foreign Buildium server (test/support, from the vendor file alone), each
 * compared record by record with what the source holds, worked out here apart from the adapter's mapping.
 */

type Json = Record<string, any>;
const CREDENTIALS = { clientId: 'ledgers-client', secret: 'ledgers-secret' };
const PAYMENT_TYPES = new Set([
  'Payment',
  'ElectronicFundsTransfer',
  'ReversePayment',
  'ReverseElectronicFundsTransfer',
]);
const REVERSALS = new Set(['ReversePayment', 'ReverseElectronicFundsTransfer']);
/** buildium.md, resident payments: PaymentMethod → payment_method_normalized. */
const METHOD: Record<string, string> = {
  Check: 'CHECK',
  Cash: 'CASH',
  RetailCash: 'CASH',
  MoneyOrder: 'MONEYORDER',
  CashierCheck: 'CASHIERCHECK',
  DirectDeposit: 'DIRECTDEPOSIT',
  CreditCard: 'CREDITCARD',
  ElectronicPayment: 'ELECTRONICPAYMENT',
  BuildiumEFT: 'ELECTRONICPAYMENT',
  BuildiumCC: 'ELECTRONICPAYMENT',
};
const blankToNull = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const idOrNull = (value: number | string | null | undefined) => (value == null ? null : String(value));
const midnight = (date: string | undefined) => (date ? `${date}T00:00:00.000Z` : null);
/** A transaction's amount in cents: its lines added in cents (never in dollars). */
const lineCents = (t: Json) => (t.Journal.Lines as Json[]).reduce((sum, l) => sum + decimalCents(String(l.Amount)), 0);

/** Our ids of a model's records by their vendor ids. */
async function idsOf(harness: SyncHarness, model: string, integrationId: string): Promise<Map<string, string>> {
  return new Map((await readAll(harness.app, model, integrationId)).map((r) => [r.x_id, r.id]));
}

/** The source's requests, charges and payments as our API must serve them. */
async function expected(
  harness: SyncHarness,
  integrationId: string,
  source: { tasks: Json[]; workOrders: Array<{ taskId: number; order: Json }>; units: Json[]; transactions: Json[] },
) {
  const [properties, units, leases, residents] = await Promise.all(
    ['properties', 'units', 'leases', 'residents'].map((m) => idsOf(harness, m, integrationId)),
  );
  const our = (ids: Map<string, string>, xId: number | string | null | undefined) =>
    xId == null ? null : (ids.get(String(xId)) ?? 'missing');
  const unitNumber = new Map(source.units.map((u) => [u.Id, u.UnitNumber]));
  const requests = source.tasks.map((t) => {
    const orders = source.workOrders
      .filter((w) => w.taskId === t.Id)
      .map((w) => w.order)
      .sort((a, b) => a.Id - b.Id);
    const latest = orders.at(-1);
    return {
      x_id: String(t.Id),
      x_property_id: String(t.Property.Id),
      property_id: our(properties, t.Property.Id),
      x_unit_id: idOrNull(t.UnitId),
      unit_id: our(units, t.UnitId),
      unit_number: t.UnitId == null ? null : (unitNumber.get(t.UnitId) ?? null),
      x_sub_task_id: latest ? String(latest.Id) : null,
      access_is_authorized: t.IsEntryPermittedByResident ?? null,
      access_notes: blankToNull(t.ResidentEntryNotes),
      date_created: new Date(t.CreatedDateTime).toISOString(),
      date_due: midnight(t.DueDate),
      service_category: blankToNull(t.Category?.Name),
      service_description: blankToNull(t.Title),
      service_details: blankToNull(t.Description),
      service_priority: t.Priority,
      status_raw: t.TaskStatus,
      vendor_notes: blankToNull(latest?.VendorNotes),
      employee_id: idOrNull(t.AssignedToUserId),
      employees: t.AssignedToUserId == null ? [] : [{ x_id: String(t.AssignedToUserId), name: null }],
      vendors: [...new Set(orders.map((w) => String(w.VendorId)))].map((vendor_id) => ({ vendor_id })),
      history: [],
      notes: null,
      date_completed: null,
      integration_id: integrationId,
      integration_vendor: 'BUILDIUM',
    };
  });
  const ledgerRow = (t: Json) => {
    const line = t.Journal.Lines[0];
    return {
      x_id: String(t.Id),
      x_property_id: String(line.PropertyId),
      property_id: our(properties, line.PropertyId),
      x_unit_id: idOrNull(line.UnitId),
      unit_id: our(units, line.UnitId),
      x_lease_id: String(t.LeaseId),
      lease_id: our(leases, t.LeaseId),
      x_gl_account_id: idOrNull(line.GLAccount?.Id),
      financial_account_id: idOrNull(line.GLAccount?.Id),
      amount_in_cents: REVERSALS.has(t.TransactionTypeEnum) ? -lineCents(t) : lineCents(t),
      amount_raw: String(t.TotalAmount),
      transaction_date: midnight(t.Date),
      description: blankToNull(t.Journal.Memo),
      custom_data: { transaction_type: t.TransactionTypeEnum },
      allocations: [],
      post_month: null,
      integration_id: integrationId,
    };
  };
  const charges = source.transactions
    .filter((t) => t.TransactionTypeEnum === 'Charge')
    .map((t) => ({
      ...ledgerRow(t),
      name: blankToNull(t.Journal.Lines[0].GLAccount?.Name),
      reference_number: blankToNull(t.Journal.Lines[0].ReferenceNumber),
      x_resident_id: null,
      resident_id: null,
      amount_open_in_cents: null,
      amount_paid_in_cents: null,
      is_open: null,
    }));
  const payments = source.transactions
    .filter((t) => PAYMENT_TYPES.has(t.TransactionTypeEnum))
    .map((t) => ({
      ...ledgerRow(t),
      name: null,
      reference_number: blankToNull(t.CheckNumber) ?? blankToNull(t.Journal.Lines[0].ReferenceNumber),
      x_resident_id: idOrNull(t.PayeeTenantId),
      resident_id: our(residents, t.PayeeTenantId),
      payment_method_raw: blankToNull(t.PaymentMethod),
      payment_method_normalized: t.PaymentMethod == null ? null : (METHOD[t.PaymentMethod] ?? 'OTHER'),
    }));
  return { requests, charges, payments };
}

/** Served records equal to the expected ones, matched by x_id: the same set, each with at least these values. */
function expectSame(served: Json[], wanted: Json[]) {
  const byXId = new Map(served.map((r) => [r.x_id, r]));
  expect([...byXId.keys()].sort()).toEqual(wanted.map((w) => w.x_id).sort());
  expect(byXId.size).toBe(served.length);
  for (const w of wanted) expect(byXId.get(w.x_id)).toMatchObject(w);
}

/** Σ charges − Σ payments per lease (and Σ payments per resident) from the served records, in cents. */
function ledgerTotals(charges: Json[], payments: Json[]) {
  const balance = new Map<string, number>();
  const paid = new Map<string, number>();
  for (const c of charges) balance.set(c.x_lease_id, (balance.get(c.x_lease_id) ?? 0) + c.amount_in_cents);
  for (const p of payments) {
    balance.set(p.x_lease_id, (balance.get(p.x_lease_id) ?? 0) - p.amount_in_cents);
    if (p.x_resident_id) paid.set(p.x_resident_id, (paid.get(p.x_resident_id) ?? 0) + p.amount_in_cents);
  }
  return { balance, paid };
}

describe('Buildium resident requests, charges and payments', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let foreign: ForeignBuildiumServer;
  let integrationId: string;
  let foreignId: string;

  const sandboxSource = () => ({
    tasks: sandbox.sandbox.data.tasks,
    workOrders: sandbox.sandbox.data.workorders.map((order: Json) => ({ taskId: order.TaskId, order })),
    units: sandbox.sandbox.data.units,
    transactions: sandbox.sandbox.data.transactions,
  });

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 40, seed: 21, credentials: [CREDENTIALS] });
    foreign = await startForeignBuildiumServer();
    harness = await startSyncHarness({ name: 'buildium-ledgers', vendor: 'BUILDIUM' });
    [{ id: integrationId }, { id: foreignId }] = await Promise.all([
      firstSync(harness, 'Buildium ledgers', sandbox.url, CREDENTIALS),
      firstSync(harness, 'Foreign Buildium ledgers', foreign.url, FOREIGN_CREDENTIALS),
    ]);
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await foreign?.close();
  });

  it('first sync from the sandbox: every request, charge and payment exactly as the sandbox has it', async () => {
    const want = await expected(harness, integrationId, sandboxSource());
    // The sandbox's data has what the comparison must cover: work orders, reversals, every method, 0.1 + 0.2.
    expect(want.requests.some((r) => r.vendors.length > 0)).toBe(true);
    expect(want.payments.some((p) => p.amount_in_cents < 0)).toBe(true);
    expect(new Set(want.payments.map((p) => p.payment_method_normalized)).size).toBe(8);
    expect(want.charges.some((c) => c.amount_in_cents === 123456789)).toBe(true);
    expectSame(await readAll(harness.app, 'service-requests', integrationId), want.requests);
    expectSame(await readAll(harness.app, 'resident-charges', integrationId), want.charges);
    expectSame(await readAll(harness.app, 'resident-payments', integrationId), want.payments);
    expect((await readQuarantine(harness.app, integrationId)).results).toEqual([]);
  });

  it("the balance identity: each lease's charges minus payments is the sandbox's balance, and each tenant's payments what it paid", async () => {
    const { balance, paid } = ledgerTotals(
      await readAll(harness.app, 'resident-charges', integrationId),
      await readAll(harness.app, 'resident-payments', integrationId),
    );
    const control = sandboxControl(sandbox.url);
    const source = (await control('GET', 'ledgers/balances')) as {
      leases: Record<string, { balance_in_cents: number }>;
      tenants: Record<string, { paid_in_cents: number }>;
    };
    expect(Object.keys(source.leases).length).toBeGreaterThan(5);
    expect([...balance.keys()].sort()).toEqual(Object.keys(source.leases).sort());
    for (const [lease, totals] of Object.entries(source.leases))
      expect([lease, balance.get(lease)]).toEqual([lease, totals.balance_in_cents]);
    // A reversed payment leaves something owed: the identity is not met by zeros alone.
    expect(Object.values(source.leases).some((t) => t.balance_in_cents !== 0)).toBe(true);
    expect([...paid.keys()].sort()).toEqual(Object.keys(source.tenants).sort());
    for (const [tenant, totals] of Object.entries(source.tenants))
      expect([tenant, paid.get(tenant)]).toEqual([tenant, totals.paid_in_cents]);
  });

  it('first sync from the foreign Buildium server: the same, with its page caps, throttling, newest-first ledgers and two work orders on a task', async () => {
    const source = {
      tasks: foreign.data.tasks,
      workOrders: foreign.data.workOrders.map((order) => ({ taskId: order.Task.Id, order })),
      units: foreign.data.units,
      transactions: foreign.data.transactions,
    };
    const want = await expected(harness, foreignId, source);
    // A request with two work orders: the latest is its sub-task.
    const twice = foreign.data.tasks.filter(
      (t) => foreign.data.workOrders.filter((w) => w.Task.Id === t.Id).length > 1,
    );
    expect(twice.length).toBeGreaterThan(0);
    expect(want.charges.some((c) => c.amount_in_cents === 98765432199)).toBe(true);
    expectSame(await readAll(harness.app, 'service-requests', foreignId), want.requests);
    const charges = await readAll(harness.app, 'resident-charges', foreignId);
    const payments = await readAll(harness.app, 'resident-payments', foreignId);
    expectSame(charges, want.charges);
    expectSame(payments, want.payments);
    // Its balances, worked out from its data: charges − payments + reversals, per lease.
    const { balance } = ledgerTotals(charges, payments);
    const owed = new Map<string, number>();
    for (const t of foreign.data.transactions) {
      const sign = t.TransactionTypeEnum === 'Charge' || REVERSALS.has(t.TransactionTypeEnum) ? 1 : -1;
      owed.set(String(t.LeaseId), (owed.get(String(t.LeaseId)) ?? 0) + sign * lineCents(t));
    }
    expect(new Map([...balance].sort())).toEqual(new Map([...owed].sort()));
  });

  it('a change at the source gives exactly its DATA_NEW and DATA_UPDATE events, and nothing else', async () => {
    const control = sandboxControl(sandbox.url);
    const before = new Set(sandbox.sandbox.data.transactions.map((t: Json) => t.Id));
    const tasksBefore = new Map(sandbox.sandbox.data.tasks.map((t: Json) => [t.Id, t.TaskStatus]));
    await control('POST', 'mutate', { tasks: 2, charges: 2, payments: 3 });
    const added = sandbox.sandbox.data.transactions.filter((t: Json) => !before.has(t.Id));
    const moved = sandbox.sandbox.data.tasks.filter((t: Json) => tasksBefore.get(t.Id) !== t.TaskStatus);
    expect([added.length, moved.length]).toEqual([5, 2]);

    const { events } = await manualSync(harness, integrationId, {
      body: { models_to_sync: ['service_requests', 'resident_charges', 'resident_payments'] },
    });
    const data = events.filter((e) => e.trigger === 'DATA_NEW' || e.trigger === 'DATA_UPDATE');
    const seen = data.map((e) => [e.trigger, e.data.object, e.data.payload.x_id]).sort();
    const object = (t: Json) => (t.TransactionTypeEnum === 'Charge' ? 'resident-charges' : 'resident-payments');
    expect(seen).toEqual(
      [
        ...added.map((t: Json) => ['DATA_NEW', object(t), String(t.Id)]),
        ...moved.map((t: Json) => ['DATA_UPDATE', 'service-requests', String(t.Id)]),
      ].sort(),
    );
    for (const update of data.filter((e) => e.trigger === 'DATA_UPDATE')) {
      const task = moved.find((t: Json) => String(t.Id) === update.data.payload.x_id)!;
      expect(update.data.diff).toEqual({
        new: { status_raw: task.TaskStatus },
        previous: { status_raw: tasksBefore.get(task.Id) },
      });
    }
    for (const created of data.filter((e) => e.trigger === 'DATA_NEW')) {
      const t = added.find((a: Json) => String(a.Id) === created.data.payload.x_id)!;
      expect(created.data.payload.amount_in_cents).toBe(lineCents(t));
    }
    // The identity holds after the change too.
    const { balance } = ledgerTotals(
      await readAll(harness.app, 'resident-charges', integrationId),
      await readAll(harness.app, 'resident-payments', integrationId),
    );
    const source = await control('GET', 'ledgers/balances');
    for (const [lease, totals] of Object.entries(source.leases as Record<string, { balance_in_cents: number }>))
      expect([lease, balance.get(lease)]).toEqual([lease, totals.balance_in_cents]);
  });
});

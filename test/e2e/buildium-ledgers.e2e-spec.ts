import request from 'supertest';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { waitFor } from '../support/app-process';
import { decimalCents } from '../support/decimal-cents';
import {
  FOREIGN_CREDENTIALS,
  startForeignBuildiumServer,
  type ForeignBuildiumServer,
} from '../support/foreign-buildium-server';
import {
  authHeader,
  eventsOf,
  firstSync,
  manualSync,
  readAll,
  readQuarantine,
  sandboxControl,
  settledWrite,
  startSyncHarness,
  SYNC_TRIGGERS,
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
    harness = await startSyncHarness({
      name: 'buildium-ledgers',
      vendor: 'BUILDIUM',
      // Short, so the apply-then-fail case ends soon; long enough for this loaded machine's answers.
      env: { VENDOR_WRITE_TIMEOUT_SECONDS: '10' },
      triggers: [...SYNC_TRIGGERS, 'WRITE_OPERATION_FAILURE'],
    });
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

  // ---- writes (models.md §3, §6; buildium.md): round trips against the sandbox and the foreign server ----

  /** A lease of the source with a tenant on it, by our ids, and the source's GL account for a line. */
  async function leaseWithTenant(id: string, leases: Json[]) {
    const lease = leases.find((l) => l.UnitId != null && l.LeaseStatus === 'Active' && l.Tenants.length > 0)!;
    const [ourLeases, ourResidents] = await Promise.all([
      idsOf(harness, 'leases', id),
      idsOf(harness, 'residents', id),
    ]);
    return {
      lease,
      tenantId: lease.Tenants[0].Id as number,
      lease_id: ourLeases.get(String(lease.Id))!,
      resident_id: ourResidents.get(String(lease.Tenants[0].Id))!,
    };
  }

  /** Sends a write, waits for its end; with the record it made or changed read back through the API. */
  async function write(method: 'post' | 'put', path: string, body: Json) {
    const res = await request(harness.app.url)[method](path).set(authHeader(harness.app)).send(body);
    expect([res.status, res.body]).toEqual([200, { job_id: expect.any(String), data: {} }]);
    return { jobId: res.body.job_id as string, status: await settledWrite(harness, res.body.job_id) };
  }
  const read = async (path: string) => {
    const res = await request(harness.app.url).get(path).set(authHeader(harness.app));
    expect(res.status).toBe(200);
    return res.body.results;
  };
  /** The data events of one record, once the write's own has arrived; and that a sync adds none. */
  async function exactlyOneEvent(id: string, recordId: string, trigger: string, model: string) {
    const of = () => eventsOf(harness, id, trigger).filter((e) => e.data.record_id === recordId);
    await waitFor(async () => of()[0], `${trigger} of ${recordId}`, 30_000);
    const { events } = await manualSync(harness, id, { body: { models_to_sync: [model] } });
    expect(events.filter((e) => e.data.record_id === recordId)).toEqual([]);
    expect(of()).toHaveLength(1);
  }

  const targets = () => [
    {
      name: 'sandbox',
      id: integrationId,
      leases: sandbox.sandbox.data.leases,
      gl: '4100',
      // Vendors the sandbox knows (its VENDOR_IDS).
      vendors: ['70003', '70008'],
      tasks: () => sandbox.sandbox.data.tasks,
      workOrders: (taskId: number) => sandbox.sandbox.data.workorders.filter((w: Json) => w.TaskId === taskId),
      transactions: () => sandbox.sandbox.data.transactions,
    },
    {
      name: 'foreign',
      id: foreignId,
      leases: foreign.data.leases,
      gl: '74',
      vendors: ['12001', '12004'],
      tasks: () => foreign.data.tasks,
      workOrders: (taskId: number) => foreign.data.workOrders.filter((w) => w.Task.Id === taskId),
      transactions: () => foreign.data.transactions,
    },
  ];

  it('creates and updates a service request: SUCCESS with its id, readable at once, one event each, none from the next sync', async () => {
    for (const target of targets()) {
      const { lease, tenantId, lease_id, resident_id } = await leaseWithTenant(target.id, target.leases);
      const created = await write('post', '/v1/service-requests/', {
        integration_id: target.id,
        lease_id,
        resident_id,
        service_description: 'Cracked window',
        service_details: 'Bedroom window, lower pane.',
        service_priority: 'Emergency',
        access_is_authorized: true,
        due_date: '2026-12-20T00:00:00Z',
      });
      expect([target.name, created.status]).toEqual([
        target.name,
        { write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) },
      ]);
      const id = created.status.created_record_id;
      const createdXId = (await read(`/v1/service-requests/${id}`)).x_id;
      const task = target.tasks().find((t) => String(t.Id) === createdXId)!;
      expect(task).toMatchObject({
        Title: 'Cracked window',
        Priority: 'High',
        TaskStatus: 'New',
        UnitAgreement: { Id: lease.Id },
        RequestedByUserEntity: { Id: tenantId },
      });
      expect(await read(`/v1/service-requests/${id}`)).toMatchObject({
        service_description: 'Cracked window',
        service_details: 'Bedroom window, lower pane.',
        service_priority: 'High',
        status_raw: 'New',
        access_is_authorized: true,
        date_due: '2026-12-20T00:00:00.000Z',
        x_unit_id: String(lease.UnitId),
        unit_number: expect.any(String),
        vendors: [],
      });
      await exactlyOneEvent(target.id, id, 'DATA_NEW', 'service_requests');

      const updated = await write('put', `/v1/service-requests/${id}`, {
        service_status: 'InProgress',
        notes: 'Glass ordered',
      });
      expect([target.name, updated.status]).toEqual([
        target.name,
        { write_status: 'SUCCESS', errors: [], created_record_id: null },
      ]);
      // A PUT replaces the whole task: what the update did not name keeps its value.
      expect(await read(`/v1/service-requests/${id}`)).toMatchObject({
        status_raw: 'InProgress',
        service_description: 'Cracked window',
        service_priority: 'High',
        date_due: '2026-12-20T00:00:00.000Z',
      });
      if (target.name === 'sandbox') expect(sandbox.sandbox.taskUpdateMessages(task.Id)).toEqual(['Glass ordered']);
      await exactlyOneEvent(target.id, id, 'DATA_UPDATE', 'service_requests');
    }
  });

  it('assigns a vendor on create and on update: one work order on the task, vendors[] readable at once and after the next sync, one event each', async () => {
    for (const target of targets()) {
      const { lease_id, resident_id } = await leaseWithTenant(target.id, target.leases);
      const tasksBefore = target.tasks().length;
      const created = await write('post', '/v1/service-requests/', {
        integration_id: target.id,
        lease_id,
        resident_id,
        service_description: 'No hot water',
        service_details: 'Boiler pilot out.',
        access_is_authorized: true,
        vendor_id: target.vendors[0],
        vendor_notes: 'Ring the bell twice',
        invoice_number: 'INV-77',
      });
      expect([target.name, created.status]).toEqual([
        target.name,
        { write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) },
      ]);
      const id = created.status.created_record_id;
      const record = await read(`/v1/service-requests/${id}`);
      const taskId = Number(record.x_id);
      expect(target.tasks().length - tasksBefore).toBe(1);
      const orders = target.workOrders(taskId);
      expect([target.name, orders]).toEqual([
        target.name,
        [
          expect.objectContaining({
            VendorId: Number(target.vendors[0]),
            EntryAllowed: 'Yes',
            WorkDetails: 'Boiler pilot out.',
            VendorNotes: 'Ring the bell twice',
            InvoiceNumber: 'INV-77',
          }),
        ],
      ]);
      const assigned = {
        vendors: [{ vendor_id: target.vendors[0] }],
        vendor_notes: 'Ring the bell twice',
        x_sub_task_id: String(orders[0].Id),
      };
      expect(record).toMatchObject(assigned);
      await exactlyOneEvent(target.id, id, 'DATA_NEW', 'service_requests');
      expect(await read(`/v1/service-requests/${id}`)).toMatchObject(assigned);

      const updated = await write('put', `/v1/service-requests/${id}`, {
        vendor_id: target.vendors[1],
        vendor_notes: 'Second visit: parts in',
      });
      expect([target.name, updated.status.write_status, updated.status.errors]).toEqual([target.name, 'SUCCESS', []]);
      // The work order is replaced, not added: still one, with the new vendor and the invoice kept.
      expect(target.workOrders(taskId)).toEqual([
        expect.objectContaining({
          Id: orders[0].Id,
          VendorId: Number(target.vendors[1]),
          VendorNotes: 'Second visit: parts in',
          InvoiceNumber: 'INV-77',
        }),
      ]);
      const reassigned = { vendors: [{ vendor_id: target.vendors[1] }], vendor_notes: 'Second visit: parts in' };
      expect(await read(`/v1/service-requests/${id}`)).toMatchObject(reassigned);
      await exactlyOneEvent(target.id, id, 'DATA_UPDATE', 'service_requests');
      expect(await read(`/v1/service-requests/${id}`)).toMatchObject(reassigned);
    }
  });

  it('a work order that fails after its task: PARTIAL_SUCCESS with the task read back, WRITE_OPERATION_FAILURE, and a retry that sends only the work order', async () => {
    const control = sandboxControl(sandbox.url);
    for (const target of targets()) {
      const { lease_id, resident_id } = await leaseWithTenant(target.id, target.leases);
      // The sandbox's fault control fails the work order's POST (before applying it); the foreign server refuses a
      // vendor it does not have (422), again on the retry.
      const sandboxTarget = target.name === 'sandbox';
      if (sandboxTarget)
        await control('POST', 'faults', { path: '/v1/workorders', method: 'POST', status: 500, times: 1 });
      const vendor = sandboxTarget ? target.vendors[0] : '99999';
      const tasksBefore = target.tasks().length;
      const { jobId, status } = await write('post', '/v1/service-requests/', {
        integration_id: target.id,
        lease_id,
        resident_id,
        service_description: 'Gutter hanging loose',
        vendor_id: vendor,
      });
      expect([target.name, status]).toEqual([
        target.name,
        { write_status: 'PARTIAL_SUCCESS', errors: expect.any(Array), created_record_id: expect.any(String) },
      ]);
      const id = status.created_record_id;
      const record = await read(`/v1/service-requests/${id}`);
      expect(status.errors[0]).toBe(
        `resident request ${record.x_id} was written, but not its work order (the vendor assignment); retry-write sends only the work order`,
      );
      expect(status.errors.slice(1).join(' ')).toMatch(sandboxTarget ? /outcome unknown/ : /VendorId: does not exist/);
      // The task exists, once, and is readable at once without a vendor.
      expect(record).toMatchObject({ service_description: 'Gutter hanging loose', vendors: [] });
      expect(target.tasks().length - tasksBefore).toBe(1);
      expect(target.workOrders(Number(record.x_id))).toEqual([]);

      const failure = await waitFor(
        async () => eventsOf(harness, target.id, 'WRITE_OPERATION_FAILURE').find((e) => e.data.root_job_id === jobId),
        'WRITE_OPERATION_FAILURE',
        30_000,
      );
      expect(failure.data).toMatchObject({
        write_status: 'PARTIAL_SUCCESS',
        errors: status.errors,
        job_type: 'BUILDIUM_CREATE_SERVICE_REQUEST',
        vendor: 'BUILDIUM',
      });
      expect(failure.meta.object).toBe('service-requests');
      const logs = await request(harness.app.url)
        .get(`/v1/admin/logs/writes/?status=FAILURE&integration_id=${target.id}&write_category=service_requests`)
        .set(authHeader(harness.app));
      expect(logs.body.results.logs.find((l: Json) => l.job_id === jobId)).toMatchObject({
        status: 'FAILURE',
        error: status.errors.join('; '),
      });

      // retry-write completes the created task: its work order alone, never a second task.
      const retry = await request(harness.app.url)
        .post(`/v1/admin/retry-write/${jobId}`)
        .set(authHeader(harness.app))
        .send({});
      expect([retry.status, retry.body]).toEqual([200, { success: true, job_id: expect.any(String) }]);
      const retried = await settledWrite(harness, jobId);
      expect(target.tasks().length - tasksBefore).toBe(1);
      if (sandboxTarget) {
        expect(retried).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: id });
        expect(target.workOrders(Number(record.x_id))).toEqual([expect.objectContaining({ VendorId: Number(vendor) })]);
        expect(await read(`/v1/service-requests/${id}`)).toMatchObject({ vendors: [{ vendor_id: vendor }] });
      } else {
        expect(retried).toMatchObject({ write_status: 'PARTIAL_SUCCESS', created_record_id: id });
        expect(target.workOrders(Number(record.x_id))).toEqual([]);
      }
      // One record, one DATA_NEW: the retry created nothing.
      const news = eventsOf(harness, target.id, 'DATA_NEW').filter((e) => e.data.record_id === id);
      expect(news).toHaveLength(1);
      const requests = await readAll(harness.app, 'service-requests', target.id);
      expect(requests.filter((r) => r.service_description === 'Gutter hanging loose')).toHaveLength(1);
    }
  });

  it('creates a charge and a payment in exact cents, each readable at once with one event; the balance identity still holds', async () => {
    for (const target of targets()) {
      const { lease, tenantId, lease_id, resident_id } = await leaseWithTenant(target.id, target.leases);
      const charge = await write('post', '/v1/resident-charges/', {
        integration_id: target.id,
        lease_id,
        amount_in_cents: 123456789,
        financial_account_id: target.gl,
        transaction_date: '2026-12-01T00:00:00Z',
        description: 'Settlement',
        reference_number: 'S-42',
      });
      expect([target.name, charge.status]).toEqual([
        target.name,
        { write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) },
      ]);
      const readCharge = await read(`/v1/resident-charges/${charge.status.created_record_id}`);
      expect(readCharge).toMatchObject({
        amount_in_cents: 123456789,
        amount_raw: '1234567.89',
        lease_id,
        x_gl_account_id: target.gl,
        transaction_date: '2026-12-01T00:00:00.000Z',
        description: 'Settlement',
        reference_number: 'S-42',
      });
      const sourceCharge = target.transactions().find((t) => String(t.Id) === readCharge.x_id)!;
      expect(sourceCharge).toMatchObject({ LeaseId: lease.Id, TotalAmount: 1234567.89, TransactionTypeEnum: 'Charge' });
      await exactlyOneEvent(target.id, charge.status.created_record_id, 'DATA_NEW', 'resident_charges');

      const payment = await write('post', '/v1/resident-payments/', {
        integration_id: target.id,
        lease_id,
        resident_id,
        amount_in_cents: 30,
        payment_type: 'Cashiers Check',
        financial_account_id: target.gl,
        transaction_date: '2026-12-02T00:00:00Z',
        reference_number: 'CC-7',
      });
      expect([target.name, payment.status.write_status]).toEqual([target.name, 'SUCCESS']);
      const readPayment = await read(`/v1/resident-payments/${payment.status.created_record_id}`);
      expect(readPayment).toMatchObject({
        amount_in_cents: 30,
        amount_raw: '0.3',
        resident_id,
        x_resident_id: String(tenantId),
        payment_method_raw: 'CashierCheck',
        payment_method_normalized: 'CASHIERCHECK',
        transaction_date: '2026-12-02T00:00:00.000Z',
      });
      await exactlyOneEvent(target.id, payment.status.created_record_id, 'DATA_NEW', 'resident_payments');
    }
    const { balance } = ledgerTotals(
      await readAll(harness.app, 'resident-charges', integrationId),
      await readAll(harness.app, 'resident-payments', integrationId),
    );
    const source = await sandboxControl(sandbox.url)('GET', 'ledgers/balances');
    for (const [lease, totals] of Object.entries(source.leases as Record<string, { balance_in_cents: number }>))
      expect([lease, balance.get(lease)]).toEqual([lease, totals.balance_in_cents]);
  });

  it('a payment applied but answered with a 502 ends FAILURE "outcome unknown", sent exactly once', async () => {
    const { lease, lease_id } = await leaseWithTenant(integrationId, sandbox.sandbox.data.leases);
    const posted = () => sandbox.sandbox.writes.snapshot()['POST /v1/leases/{leaseId}/payments']?.received ?? 0;
    await sandboxControl(sandbox.url)('POST', 'faults', {
      path: `/v1/leases/${lease.Id}/payments`,
      method: 'POST',
      status: 502,
      afterApply: true,
      times: 1,
    });
    const before = posted();
    const ledgerBefore = sandbox.sandbox.data.transactions.length;
    const { jobId, status } = await write('post', '/v1/resident-payments/', {
      integration_id: integrationId,
      lease_id,
      amount_in_cents: 5000,
      payment_type: 'Cash',
      financial_account_id: '4100',
    });
    expect(status.write_status).toBe('FAILURE');
    expect(status.created_record_id).toBeNull();
    expect(status.errors[0]).toMatch(/^outcome unknown: .*check the PMS before retry-write$/);
    // Buildium posted it once; nothing was sent again.
    expect(sandbox.sandbox.data.transactions.length - ledgerBefore).toBe(1);
    expect(posted() - before).toBe(1);
    await waitFor(
      async () => eventsOf(harness, integrationId, 'WRITE_OPERATION_FAILURE').find((e) => e.data.root_job_id === jobId),
      'WRITE_OPERATION_FAILURE',
      30_000,
    );
    expect(posted() - before).toBe(1);
  });

  it('refuses what Buildium cannot take before any job: no payment type or GL account, a negative amount, a GL account that is no id, no requester', async () => {
    const { lease_id } = await leaseWithTenant(integrationId, sandbox.sandbox.data.leases);
    const refused = async (path: string, body: Json, field: string) => {
      const res = await request(harness.app.url).post(path).set(authHeader(harness.app)).send(body);
      expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_request']);
      expect(res.body.error.details.issues.map((i: Json) => i.path[0])).toContain(field);
    };
    const base = { integration_id: integrationId, lease_id, amount_in_cents: 100, financial_account_id: '4100' };
    await refused('/v1/resident-payments/', { ...base, payment_type: undefined }, 'payment_type');
    await refused(
      '/v1/resident-payments/',
      { ...base, financial_account_id: undefined, payment_type: 'Cash' },
      'financial_account_id',
    );
    await refused('/v1/resident-charges/', { ...base, amount_in_cents: -100 }, 'amount_in_cents');
    await refused(
      '/v1/service-requests/',
      { integration_id: integrationId, lease_id, service_description: 'No requester' },
      'resident_id',
    );
    await refused('/v1/resident-charges/', { ...base, financial_account_id: 'rent' }, 'financial_account_id');
  });
});

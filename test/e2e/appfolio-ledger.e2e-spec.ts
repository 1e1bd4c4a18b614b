import request from 'supertest';
import { BUILT_WRITES } from '../../src/fetch/registry/vendor-registry';
import { appfolioOccupancyBalances } from '../../src/sandbox/appfolio/appfolio-ledger';
import { startAppfolioSandboxServer } from '../../src/sandbox/appfolio/appfolio-sandbox';
import { waitFor } from '../support/app-process';
import { decimalCents } from '../support/decimal-cents';
import {
  FOREIGN_CREDENTIALS,
  startForeignAppfolioServer,
  type ForeignAppfolioServer,
} from '../support/foreign-appfolio-server';
import { assertValid, assertValidResponse } from '../support/propexo-schema';
import {
  authHeader,
  eventsOf,
  manualSync,
  readAll,
  readQuarantine,
  readUnknownValues,
  sandboxControl,
  settledWrite,
  startFirstSync,
  startSyncHarness,
  waitForFirstSync,
  type SyncHarness,
} from '../support/sync-helpers';

/**
 * Issue 21's models from AppFolio: service requests (v0 work orders), resident charges and payments (the v0 tenant
 * ledger), against the sandbox and a foreign server written from the vendor file alone, one app for both.
 */
const CREDENTIALS = { clientId: 'e2e-appfolio', clientSecret: 'e2e-appfolio-secret', developerId: 'e2e-developer' };
const RELAXED = { requests: 1000, perSeconds: 1 };

type Row = Record<string, any>;
/** Amount text (thousands separators allowed) in cents, signed as the vendor file's Type says. */
const cents = (amount: string) => decimalCents(amount.replace(/,/g, ''));
const SIGN: Record<string, number> = { Charge: 1, Credit: -1, Payment: 1, Adjustment: -1 };
const METHOD: Record<string, string> = {
  Check: 'CHECK',
  Cash: 'CASH',
  'Money Order': 'MONEYORDER',
  "Cashier's Check": 'CASHIERCHECK',
  'Credit Card': 'CREDITCARD',
  'Debit Card': 'CREDITCARD',
  ACH: 'ELECTRONICPAYMENT',
  eCheck: 'ELECTRONICPAYMENT',
  Online: 'ELECTRONICPAYMENT',
};
const day = (value: string | null) => (value === null ? null : value.slice(0, 10));

/** What a cached service request must say of a work order (notes = its newest note, unit_number = its unit's name). */
function expectedRequest(order: Row, notes: readonly Row[], units: readonly Row[], ids: Ids) {
  // A work order made by a write holds only the attributes given; the others are served null.
  const w: Row = { AssignedUsers: [], ...order };
  for (const field of ['UnitId', 'VendorId', 'WorkOrderType', 'ServiceRequestDescription', 'Instructions'])
    w[field] ??= null;
  for (const field of ['PermissionToEnter', 'ScheduledStart', 'CompletedOn']) w[field] ??= null;
  const newest = [...notes].sort((a, b) => String(a.CreatedAt).localeCompare(String(b.CreatedAt))).pop();
  return {
    x_id: String(w.Id),
    x_property_id: String(w.PropertyId),
    property_id: ids.properties.get(String(w.PropertyId)),
    x_unit_id: w.UnitId === null ? null : String(w.UnitId),
    unit_id: w.UnitId === null ? null : ids.units.get(String(w.UnitId)),
    unit_number: units.find((u) => u.unit_id === w.UnitId)?.unit_name ?? null,
    order_number: w.WorkOrderNumber,
    status_raw: w.Status,
    service_priority: w.Priority,
    service_category: w.WorkOrderType,
    service_description: w.JobDescription,
    service_details: w.ServiceRequestDescription,
    vendor_notes: w.Instructions,
    access_is_authorized: w.PermissionToEnter,
    date_created: new Date(w.CreatedAt).toISOString(),
    date_scheduled: w.ScheduledStart && new Date(w.ScheduledStart).toISOString(),
    date_completed: day(w.CompletedOn),
    notes: newest?.Body ?? null,
    employee_id: w.AssignedUsers[0] === undefined ? null : String(w.AssignedUsers[0]),
    employees: w.AssignedUsers.map((u: number) => String(u)),
    vendors: w.VendorId === null ? [] : [String(w.VendorId)],
  };
}

function cachedRequest(r: Row) {
  return {
    x_id: r.x_id,
    x_property_id: r.x_property_id,
    property_id: r.property_id,
    x_unit_id: r.x_unit_id,
    unit_id: r.unit_id,
    unit_number: r.unit_number,
    order_number: r.order_number,
    status_raw: r.status_raw,
    service_priority: r.service_priority,
    service_category: r.service_category,
    service_description: r.service_description,
    service_details: r.service_details,
    vendor_notes: r.vendor_notes,
    access_is_authorized: r.access_is_authorized,
    date_created: r.date_created,
    date_scheduled: r.date_scheduled,
    date_completed: day(r.date_completed),
    notes: r.notes,
    employee_id: r.employee_id,
    employees: r.employees.map((e: Row) => e.x_id),
    vendors: r.vendors.map((v: Row) => v.vendor_id),
  };
}

interface Ids {
  properties: Map<string, string>;
  units: Map<string, string>;
  leases: Map<string, string>;
}

async function idsOf(harness: SyncHarness, integrationId: string): Promise<Ids> {
  const byXId = async (model: string) =>
    new Map((await readAll(harness.app, model, integrationId)).map((r) => [r.x_id as string, r.id as string]));
  return { properties: await byXId('properties'), units: await byXId('units'), leases: await byXId('leases') };
}

/** A ledger row as the cache must hold it: signed cents, links, allocations (payments), what is open (charges). */
function expectedLedger(row: Row, ids: Ids) {
  const common = {
    x_id: String(row.Id),
    property_id: ids.properties.get(String(row.PropertyId)),
    lease_id: ids.leases.get(String(row.OccupancyId)),
    unit_id: ids.units.get(String(row.UnitId)),
    amount_in_cents: SIGN[row.Type] * cents(row.Amount),
    transaction_date: day(row.PostedOn),
    financial_account_id: String(row.GlAccountId),
    reference_number: row.Reference,
  };
  if (row.Type === 'Charge' || row.Type === 'Credit')
    return {
      ...common,
      amount_open_in_cents: row.AmountDue === undefined ? null : cents(row.AmountDue),
      is_open: row.AmountDue === undefined ? null : cents(row.AmountDue) > 0,
    };
  return {
    ...common,
    payment_method_raw: row.PaymentType ?? null,
    payment_method_normalized: row.PaymentType === undefined ? null : METHOD[row.PaymentType],
    allocations: (row.AppliedTo ?? []).map((a: Row) => [String(a.ChargeId), cents(a.Amount)]),
  };
}

function cachedLedger(r: Row, model: 'resident_charges' | 'resident_payments', chargeIds: Map<string, string>) {
  const common = {
    x_id: r.x_id,
    property_id: r.property_id,
    lease_id: r.lease_id,
    unit_id: r.unit_id,
    amount_in_cents: r.amount_in_cents,
    transaction_date: day(r.transaction_date),
    financial_account_id: r.financial_account_id,
    reference_number: r.reference_number,
  };
  if (model === 'resident_charges')
    return { ...common, amount_open_in_cents: r.amount_open_in_cents, is_open: r.is_open };
  return {
    ...common,
    payment_method_raw: r.payment_method_raw,
    payment_method_normalized: r.payment_method_normalized,
    allocations: r.allocations.map((a: Row) => {
      // Each allocation names the charge by our id too, and the payment it belongs to.
      expect(a.resident_charge_id).toBe(chargeIds.get(a.x_destination_id));
      expect([a.x_source_id, a.resident_payment_id]).toEqual([r.x_id, r.id]);
      return [a.x_destination_id, a.amount_in_cents];
    }),
  };
}

/** Every record of the three models equals the source's, and Σ charges − Σ payments is each occupancy's balance. */
async function expectSourceEqualsCache(
  harness: SyncHarness,
  integrationId: string,
  source: { workOrders: Row[]; notesOf: (id: number) => readonly Row[]; units: Row[]; ledger: Row[] },
  balances: Map<number, number>,
) {
  const ids = await idsOf(harness, integrationId);
  const requests = await readAll(harness.app, 'service-requests', integrationId);
  const byId = (a: { x_id: string }, b: { x_id: string }) => Number(a.x_id) - Number(b.x_id);
  expect(requests.map(cachedRequest).sort(byId)).toEqual(
    source.workOrders.map((w) => expectedRequest(w, source.notesOf(w.Id), source.units, ids)).sort(byId),
  );
  const charges = await readAll(harness.app, 'resident-charges', integrationId);
  const payments = await readAll(harness.app, 'resident-payments', integrationId);
  const chargeIds = new Map(charges.map((c) => [c.x_id as string, c.id as string]));
  const rows = (types: string[]) => source.ledger.filter((r) => types.includes(r.Type));
  expect(charges.map((c) => cachedLedger(c, 'resident_charges', chargeIds)).sort(byId)).toEqual(
    rows(['Charge', 'Credit'])
      .map((r) => expectedLedger(r, ids))
      .sort(byId),
  );
  expect(payments.map((p) => cachedLedger(p, 'resident_payments', chargeIds)).sort(byId)).toEqual(
    rows(['Payment', 'Adjustment'])
      .map((r) => expectedLedger(r, ids))
      .sort(byId),
  );
  // The identity of issue 21, for every occupancy of the source (one with no ledger owes 0).
  const owed = new Map<string, number>();
  for (const c of charges) owed.set(c.lease_id, (owed.get(c.lease_id) ?? 0) + c.amount_in_cents);
  for (const p of payments) owed.set(p.lease_id, (owed.get(p.lease_id) ?? 0) - p.amount_in_cents);
  expect(balances.size).toBeGreaterThan(0);
  for (const [occupancyId, leaseId] of ids.leases)
    expect([occupancyId, owed.get(leaseId) ?? 0]).toEqual([occupancyId, balances.get(Number(occupancyId)) ?? 0]);
  const ours = ['service_requests', 'resident_charges', 'resident_payments'];
  expect((await readQuarantine(harness.app, integrationId)).results.filter((q: Row) => ours.includes(q.model))).toEqual(
    [],
  );
  // (The foreign server's 'Warehouse Loft' property type is the older models' concern.)
  expect((await readUnknownValues(harness.app, integrationId)).filter((u) => ours.includes(u.model))).toEqual([]);
}

describe('AppFolio service requests, resident charges and payments end to end', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startAppfolioSandboxServer>>;
  let foreign: ForeignAppfolioServer;
  let integrationId: string;
  let foreignId: string;

  beforeAll(async () => {
    sandbox = await startAppfolioSandboxServer({
      residents: 60,
      seed: 21,
      credentials: [CREDENTIALS],
      requestBudget: RELAXED,
    });
    foreign = await startForeignAppfolioServer();
    harness = await startSyncHarness({
      name: 'appfolio-ledger',
      vendor: 'APPFOLIO',
      env: { SYNC_RETRY_BASE_MS: '200' },
    });
    integrationId = await startFirstSync(harness, 'Acme AppFolio', sandbox.url, CREDENTIALS);
    foreignId = await startFirstSync(harness, 'Harbor AppFolio', foreign.url, FOREIGN_CREDENTIALS);
  });

  /** The sandbox's records as they are now, equal in the cache, with its balances. */
  const expectSandboxEqualsCache = () => {
    const data = sandbox.sandbox.data;
    return expectSourceEqualsCache(
      harness,
      integrationId,
      {
        workOrders: data.work_orders,
        notesOf: (id) => sandbox.sandbox.workOrderNotes(id),
        units: data.units,
        ledger: data.ledger,
      },
      appfolioOccupancyBalances(data.ledger),
    );
  };

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await foreign?.close();
  });

  it('first sync from the sandbox: every work order and ledger row exactly, and the balance of every occupancy', async () => {
    const done = await waitForFirstSync(harness, integrationId);
    expect(done.data).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    const data = sandbox.sandbox.data;
    // The seeded data has what the mapping must handle: reversals, credits-free ledgers, notes, common-area orders.
    expect(data.ledger.some((r) => r.Type === 'Adjustment')).toBe(true);
    expect(data.work_orders.some((w) => w.UnitId === null)).toBe(true);
    expect(data.work_orders.some((w) => sandbox.sandbox.workOrderNotes(w.Id).length > 1)).toBe(true);
    await expectSandboxEqualsCache();
  });

  it('first sync from the foreign server: its own choices (separators, a Credit, notes, two pages) read exactly', async () => {
    const done = await waitForFirstSync(harness, foreignId);
    expect(done.data).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    const { workOrders, notes, units, ledger } = foreign.data;
    // The foreign server's own statement of what is owed: what each charge still has due.
    const balances = new Map<number, number>();
    for (const r of ledger)
      if (r.Type === 'Charge') balances.set(r.OccupancyId, (balances.get(r.OccupancyId) ?? 0) + cents(r.AmountDue));
    await expectSourceEqualsCache(
      harness,
      foreignId,
      { workOrders, notesOf: (id) => notes[id] ?? [], units, ledger },
      balances,
    );
  });

  it('a change at the source gives exactly the right DATA_NEW and DATA_UPDATE events, and the balances still hold', async () => {
    const data = sandbox.sandbox.data;
    const objectOf = (r: Row) =>
      r.Type === undefined
        ? 'service-requests'
        : ['Charge', 'Credit'].includes(r.Type)
          ? 'resident-charges'
          : 'resident-payments';
    // A record as the source holds it, but for when it changed (a touch alone changes no field of ours).
    const snapshot = () =>
      new Map(
        [...data.ledger, ...data.work_orders].map((r) => [
          `${objectOf(r)} ${r.Id}`,
          JSON.stringify({ ...r, LastUpdatedAt: null }),
        ]),
      );
    const before = snapshot();
    await sandboxControl(sandbox.url)('POST', 'mutate', { charges: 2, payments: 2, work_orders: 2 });
    const sync = await manualSync(harness, integrationId);
    expect(sync.complete.data).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    const expected: string[] = [];
    for (const [key, now] of snapshot()) {
      const was = before.get(key);
      if (was === undefined) expected.push(`DATA_NEW ${key}`);
      else if (was !== now) expected.push(`DATA_UPDATE ${key}`);
    }
    // Two new charges, two new payments, the charges those payments paid, two renamed work orders.
    expect(expected.filter((e) => e.startsWith('DATA_NEW')).length).toBe(4);
    expect(expected.filter((e) => e.startsWith('DATA_UPDATE resident-charges')).length).toBeGreaterThan(0);
    const events = sync.events
      .filter((e) => e.trigger.startsWith('DATA_'))
      .map((e) => `${e.trigger} ${e.data.object} ${e.data.payload.x_id}`);
    expect(events.sort()).toEqual(expected.sort());
    await expectSandboxEqualsCache();
  });

  // ---- writes (appfolio.md: work orders create and PATCH + notes, charges create; no payment create) ----

  type Target = 'sandbox' | 'foreign';
  const integrationOf = (target: Target) => (target === 'sandbox' ? integrationId : foreignId);
  /** Calls that reached the vendor's write endpoint and changed its data (the sandbox's count; the foreign server's log). */
  const vendorWrites = (target: Target, operation: string) => {
    if (target === 'sandbox') return sandbox.sandbox.writes.snapshot()[operation]?.applied ?? 0;
    const [method, path] = operation.split(' ');
    const pattern = new RegExp(`^${path.replace('{Id}', '\\d+')}$`);
    return foreign.log.filter((l) => l.method === method && pattern.test(l.path) && l.status < 300).length;
  };
  const send = async (method: 'post' | 'put', path: string, specPath: string, body: object) => {
    const res = await request(harness.app.url)[method](path).set(authHeader(harness.app)).send(body);
    if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    assertValidResponse(method.toUpperCase(), specPath, 200, res.body);
    return { rootJobId: res.body.job_id as string, status: await settledWrite(harness, res.body.job_id) };
  };
  const read = async (path: string, specPath: string) => {
    const res = await request(harness.app.url).get(path).set(authHeader(harness.app));
    expect(res.status).toBe(200);
    assertValidResponse('GET', specPath, 200, res.body);
    return res.body.results;
  };
  /** The one DATA_NEW/DATA_UPDATE of the write; the next sync sends nothing for the record. */
  const oneEventThenQuietSync = async (target: Target, trigger: string, recordId: string, rootJobId: string) => {
    const events = () => eventsOf(harness, integrationOf(target), trigger).filter((e) => e.data.record_id === recordId);
    const event = await waitFor(async () => events()[0], `${trigger} of ${recordId}`, 30_000);
    expect(event.data).toMatchObject({ root_job_id: rootJobId });
    const { events: afterSync } = await manualSync(harness, integrationOf(target));
    expect(afterSync.filter((e) => e.data.record_id === recordId)).toEqual([]);
    expect(events()).toHaveLength(1);
  };
  const TECH = { sandbox: '9002', foreign: '61' };
  const GL_ACCOUNT = { sandbox: '4800', foreign: '40900' };

  describe.each(['sandbox', 'foreign'] as const)('writes against the %s', (target) => {
    let requestId: string;

    it('creates a service request (POST work_orders): SUCCESS with its id, read back at once, one DATA_NEW, nothing from the next sync', async () => {
      const [unit] = await readAll(harness.app, 'units', integrationOf(target));
      const before = vendorWrites(target, 'POST /api/v0/work_orders');
      const { rootJobId, status } = await send('post', '/v1/service-requests/', '/v1/service-requests/', {
        integration_id: integrationOf(target),
        property_id: unit.property_id,
        unit_id: unit.id,
        service_description: 'Smoke alarm chirps',
        service_details: 'Hallway, every minute',
        vendor_notes: 'Ring twice',
        service_priority: 'Emergency',
        employee_id: TECH[target],
        scheduled_start_date: '2031-03-04T15:00:00.000Z',
        scheduled_end_date: '2031-03-04T16:00:00.000Z',
        access_is_authorized: true,
      });
      expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
      expect(vendorWrites(target, 'POST /api/v0/work_orders') - before).toBe(1);
      requestId = status.created_record_id;
      expect(
        await read(`/v1/service-requests/${requestId}`, '/v1/service-requests/{service_request_id}'),
      ).toMatchObject({
        property_id: unit.property_id,
        unit_id: unit.id,
        unit_number: unit.number,
        service_description: 'Smoke alarm chirps\n\nHallway, every minute',
        vendor_notes: 'Ring twice',
        service_priority: 'Urgent',
        status_raw: 'New',
        employee_id: TECH[target],
        date_scheduled: '2031-03-04T15:00:00.000Z',
        access_is_authorized: true,
        notes: null,
      });
      await oneEventThenQuietSync(target, 'DATA_NEW', requestId, rootJobId);
    });

    it('updates it (PATCH + a note): SUCCESS, the status, date and newest note read back, one DATA_UPDATE, nothing from the next sync', async () => {
      const before = vendorWrites(target, 'PATCH /api/v0/work_orders/{Id}');
      const { rootJobId, status } = await send(
        'put',
        `/v1/service-requests/${requestId}`,
        '/v1/service-requests/{service_request_id}',
        { status_raw: 'Work Completed', date_completed: '2031-03-05T00:00:00.000Z', completion_notes: 'New battery' },
      );
      expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
      expect(vendorWrites(target, 'PATCH /api/v0/work_orders/{Id}') - before).toBe(1);
      expect(
        await read(`/v1/service-requests/${requestId}`, '/v1/service-requests/{service_request_id}'),
      ).toMatchObject({
        status_raw: 'Work Completed',
        date_completed: '2031-03-05T00:00:00.000Z',
        notes: 'New battery',
        service_description: 'Smoke alarm chirps\n\nHallway, every minute',
      });
      await oneEventThenQuietSync(target, 'DATA_UPDATE', requestId, rootJobId);
    });

    it('creates a charge (POST /api/v0/charges → {Id}): SUCCESS with its id, exact cents read back, one DATA_NEW, the balances still hold', async () => {
      const [lease] = (await readAll(harness.app, 'leases', integrationOf(target))).filter((l) =>
        (target === 'sandbox' ? sandbox.sandbox.data.ledger : foreign.data.ledger).some(
          (r) => String(r.OccupancyId) === l.x_id,
        ),
      );
      const before = vendorWrites(target, 'POST /api/v0/charges');
      const { rootJobId, status } = await send('post', '/v1/resident-charges/', '/v1/resident-charges/', {
        integration_id: integrationOf(target),
        lease_id: lease.id,
        amount_in_cents: 123_456_789_01,
        transaction_date: '2026-02-03T00:00:00.000Z',
        description: 'Roof levy',
        financial_account_id: GL_ACCOUNT[target],
      });
      expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
      expect(vendorWrites(target, 'POST /api/v0/charges') - before).toBe(1);
      expect(
        await read(`/v1/resident-charges/${status.created_record_id}`, '/v1/resident-charges/{resident_charge_id}'),
      ).toMatchObject({
        lease_id: lease.id,
        amount_in_cents: 123_456_789_01,
        amount_raw: '123456789.01',
        amount_open_in_cents: 123_456_789_01,
        is_open: true,
        description: 'Roof levy',
        financial_account_id: GL_ACCOUNT[target],
        transaction_date: '2026-02-03T00:00:00.000Z',
      });
      await oneEventThenQuietSync(target, 'DATA_NEW', status.created_record_id, rootJobId);
    });
  });

  it('the sandbox after the writes: every record still equals the source, and the balance of every occupancy holds', async () => {
    await expectSandboxEqualsCache();
  });

  it("a payment create is not AppFolio's: write-support says why, and the route answers 400 unsupported_operation where served", async () => {
    const support = await request(harness.app.url).get('/v1/admin/write-support').set(authHeader(harness.app));
    const entry = (model: string, operation: string) =>
      support.body.results.find(
        (e: Row) => e.integration_vendor === 'APPFOLIO' && e.model === model && e.operation === operation,
      );
    expect(entry('resident_payments', 'create')).toMatchObject({
      supported: false,
      reason: 'vendor',
      message: 'APPFOLIO does not support create of resident_payments (no upstream API)',
    });
    for (const [model, operation] of [
      ['service_requests', 'create'],
      ['service_requests', 'update'],
      ['resident_charges', 'create'],
    ])
      expect([model, operation, entry(model, operation).supported]).toEqual([model, operation, true]);
    const [lease] = await readAll(harness.app, 'leases', integrationId);
    const res = await request(harness.app.url)
      .post('/v1/resident-payments/')
      .set(authHeader(harness.app))
      .send({ integration_id: integrationId, lease_id: lease.id, amount_in_cents: 1000 });
    // The route exists once some vendor's adapter sends payment creates (docs/writes.md, "Routes only for built writes").
    if (!BUILT_WRITES.some((w) => w.model === 'resident_payments' && w.operation === 'create'))
      return expect(res.status).toBe(404);
    expect(res.status).toBe(400);
    assertValid('errorResponse', res.body);
    expect(res.body.error).toEqual({
      code: 'unsupported_operation',
      message: 'APPFOLIO does not support create of resident_payments (no upstream API)',
      details: { integration_vendor: 'APPFOLIO', model: 'resident_payments', operation: 'create' },
    });
  });

  it('a charge applied but answered 502 ends FAILURE "outcome unknown" and is never sent again', async () => {
    await waitForFirstSync(harness, integrationId);
    const control = sandboxControl(sandbox.url);
    await control('POST', 'faults', {
      path: '/api/v0/charges',
      method: 'POST',
      afterApply: true,
      status: 502,
      times: 1,
    });
    const counted = async () =>
      ((await control('GET', 'writes')) as Record<string, any>)['POST /api/v0/charges'] ?? { received: 0, applied: 0 };
    const before = await counted();
    const rows = sandbox.sandbox.data.ledger.length;
    const [lease] = await readAll(harness.app, 'leases', integrationId);
    const res = await request(harness.app.url).post('/v1/resident-charges/').set(authHeader(harness.app)).send({
      integration_id: integrationId,
      lease_id: lease.id,
      amount_in_cents: 2510,
      transaction_date: '2026-02-04T00:00:00.000Z',
      description: 'Late fee',
      financial_account_id: '4800',
    });
    expect(res.status).toBe(200);
    const status = await settledWrite(harness, res.body.job_id);
    expect(status.write_status).toBe('FAILURE');
    expect(status.created_record_id).toBeNull();
    expect(status.errors[0]).toMatch(/^outcome unknown: .*check the PMS before retry-write$/);
    const after = await counted();
    expect([after.received - before.received, after.applied - before.applied]).toEqual([1, 1]);
    expect(sandbox.sandbox.data.ledger.length - rows).toBe(1);
  });

  it("a work order AppFolio refuses (422 {errors}) ends FAILURE with AppFolio's words; nothing is made", async () => {
    const [property] = await readAll(harness.app, 'properties', integrationId);
    const orders = sandbox.sandbox.data.work_orders.length;
    const res = await request(harness.app.url).post('/v1/service-requests/').set(authHeader(harness.app)).send({
      integration_id: integrationId,
      property_id: property.id,
      service_description: 'Gate sticks',
      employee_id: '4242',
    });
    expect(res.status).toBe(200);
    expect(await settledWrite(harness, res.body.job_id)).toEqual({
      write_status: 'FAILURE',
      errors: ['AppFolio refused the write (HTTP 422): AssignedUsers User not found'],
      created_record_id: null,
    });
    expect(sandbox.sandbox.data.work_orders.length).toBe(orders);
  });

  it('data access: the new writes are probed with an invalid body (SUCCESS, nothing written); payment create and charge update unsupported', async () => {
    const applied = JSON.stringify(
      Object.fromEntries(Object.entries(sandbox.sandbox.writes.snapshot()).map(([op, c]) => [op, c.applied])),
    );
    const began = await request(harness.app.url)
      .post(`/v1/admin/integrations/${integrationId}/data-access`)
      .set(authHeader(harness.app))
      .send({});
    expect(began.status).toBe(200);
    const access = await waitFor(
      async () => {
        const res = await request(harness.app.url)
          .get(`/v1/admin/integrations/${integrationId}/data-access`)
          .set(authHeader(harness.app));
        assertValid('_v1_admin_integrations_{integration_id}_data-access_get_output', res.body);
        return res.body.result.data_access_check_in_process ? undefined : res.body.result;
      },
      'data-access check',
      60_000,
    );
    const ok = { status: 'SUCCESS', error_message: null };
    expect({
      service_requests: access.models.service_requests,
      resident_charges: access.models.resident_charges,
      resident_payments: access.models.resident_payments,
      residents: access.models.residents,
    }).toEqual({
      service_requests: { read: ok, create: ok, update: ok },
      resident_charges: { read: ok, create: ok, update: { unsupported: true } },
      resident_payments: { read: ok, create: { unsupported: true }, update: { unsupported: true } },
      residents: { read: ok, create: { unsupported: true }, update: { unsupported: true } },
    });
    expect(
      JSON.stringify(
        Object.fromEntries(Object.entries(sandbox.sandbox.writes.snapshot()).map(([op, c]) => [op, c.applied])),
      ),
    ).toBe(applied);
    expect(sandbox.sandbox.writes.snapshot()['POST /api/v0/charges'].rejected).toBeGreaterThan(0);
  });
});

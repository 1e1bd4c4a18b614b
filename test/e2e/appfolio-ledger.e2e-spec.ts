import { appfolioOccupancyBalances } from '../../src/sandbox/appfolio/appfolio-ledger';
import { startAppfolioSandboxServer } from '../../src/sandbox/appfolio/appfolio-sandbox';
import { decimalCents } from '../support/decimal-cents';
import {
  FOREIGN_CREDENTIALS,
  startForeignAppfolioServer,
  type ForeignAppfolioServer,
} from '../support/foreign-appfolio-server';
import {
  manualSync,
  readAll,
  readQuarantine,
  readUnknownValues,
  sandboxControl,
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
function expectedRequest(w: Row, notes: readonly Row[], units: readonly Row[], ids: Ids) {
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
    await expectSourceEqualsCache(
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
    await expectSourceEqualsCache(
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
  });
});

import request from 'supertest';
import { waitFor } from '../support/app-process';
import { BUILT_WRITES } from '../../src/fetch/registry/vendor-registry';
import { startEntrataSandboxServer } from '../../src/sandbox/entrata/entrata-sandbox';
import { entrataLeaseBalances } from '../../src/sandbox/entrata/entrata-ledger';
import { COMPANY_EMPLOYEES } from '../../src/sandbox/entrata/entrata-work-orders';
import { decimalCents } from '../support/decimal-cents';
import {
  FOREIGN_ENTRATA_CREDENTIALS,
  startForeignEntrataServer,
  type ForeignEntrataServer,
} from '../support/foreign-entrata-server';
import { assertValid, assertValidResponse } from '../support/propexo-schema';
import {
  authHeader,
  day,
  eventsOf,
  firstSync,
  manualSync,
  readAll,
  readQuarantine,
  sandboxControl,
  settledWrite,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync-helpers';

const CREDENTIALS = { apiKey: 'entrata-money-key', companyId: 'acme' };
type Target = 'sandbox' | 'foreign';
const MODELS = ['service-requests', 'resident-charges', 'resident-payments'] as const;
/** PaymentType -> payment_method_normalized, as entrata.md lists it (anything else OTHER). */
const METHOD: Record<string, string> = {
  Check: 'CHECK',
  "Cashier's Check": 'CASHIERCHECK',
  'Money Order': 'MONEYORDER',
  Cash: 'CASH',
  'Credit Card': 'CREDITCARD',
  'Debit Card': 'CREDITCARD',
  ACH: 'ELECTRONICPAYMENT',
  eCheck: 'ELECTRONICPAYMENT',
};
const isoDay = (us: string | undefined) => (us ? `${us.slice(6, 10)}-${us.slice(0, 2)}-${us.slice(3, 5)}` : null);
/** An instant as US Mountain wall time, MM/DD/YYYY HH:MM:SS (what Entrata sent). */
const mountainWallTime = (iso: string | null) => {
  if (iso === null) return null;
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Denver',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.month}/${p.day}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
};
const byXId = (records: any[]) => new Map(records.map((r) => [r.x_id, r]));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Every record of a model of one integration, each page validated against Propexo's spec. */
const readEvery = (harness: SyncHarness, model: string, integrationId: string) =>
  readAll(harness.app, model, integrationId);

/** Σ charges − Σ payments per x_lease_id, in cents, as Latchkey has them. */
function latchkeyBalances(charges: any[], payments: any[]): Map<string, number> {
  const balances = new Map<string, number>();
  for (const c of charges) balances.set(c.x_lease_id, (balances.get(c.x_lease_id) ?? 0) + c.amount_in_cents);
  for (const p of payments) balances.set(p.x_lease_id, (balances.get(p.x_lease_id) ?? 0) - p.amount_in_cents);
  return balances;
}

/** ENTRATA service requests, resident charges and payments end to end: the sandbox, then a foreign server. */
describe('Entrata service requests, charges and payments', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startEntrataSandboxServer>>;
  let foreign: ForeignEntrataServer;
  let integrationId: string;
  let foreignId: string;
  const auth = () => authHeader(harness.app);
  const integration = (target: Target) => (target === 'sandbox' ? integrationId : foreignId);
  /** A write method's calls at the vendor: how many arrived and how many changed its data. */
  const vendorWrites = (target: Target, method: string): { received: number; applied: number } =>
    (target === 'sandbox' ? sandbox.sandbox.writes.snapshot()[method] : foreign.writes[method]) ?? {
      received: 0,
      applied: 0,
    };
  /** Sends a write; its 200 answer checked against the spec; the write's end. */
  const write = async (method: 'post' | 'put', path: string, specPath: string, body: object) => {
    const res = await request(harness.app.url)[method](path).set(auth()).send(body);
    if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    assertValidResponse(method.toUpperCase(), specPath, 200, res.body);
    return { rootJobId: res.body.job_id as string, status: await settledWrite(harness, res.body.job_id) };
  };
  /** The Latchkey id of a synced record, by its vendor id. */
  const idOf = async (target: Target, model: string, xId: string) =>
    (await readEvery(harness, model, integration(target))).find((r) => r.x_id === xId)!.id as string;
  /** The one DATA_NEW/DATA_UPDATE a write made of a record; the next sync sends nothing for it. */
  const oneEventThenQuietSync = async (target: Target, trigger: string, recordId: string, rootJobId: string) => {
    const events = () => eventsOf(harness, integration(target), trigger).filter((e) => e.data.record_id === recordId);
    const event = await waitFor(async () => events()[0], `${trigger} of ${recordId}`, 30_000);
    expect(event.data).toMatchObject({ root_job_id: rootJobId });
    const { events: afterSync } = await manualSync(harness, integration(target));
    expect(afterSync.filter((e) => e.data.record_id === recordId)).toEqual([]);
    expect(events()).toHaveLength(1);
  };

  beforeAll(async () => {
    sandbox = await startEntrataSandboxServer({ residents: 80, seed: 33, credentials: [CREDENTIALS] });
    foreign = await startForeignEntrataServer();
    harness = await startSyncHarness({
      name: 'entrata-money',
      vendor: 'ENTRATA',
      env: { SYNC_RETRY_BASE_MS: '200', VENDOR_WRITE_TIMEOUT_SECONDS: '10' },
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await foreign?.close();
  });

  const readModels = async (id: string) => {
    const [requests, charges, payments] = await Promise.all(MODELS.map((m) => readEvery(harness, m, id)));
    return { requests, charges, payments };
  };

  it('first sync brings every work order, charge and payment exactly as the sandbox has them, and every lease balances', async () => {
    const first = await firstSync(harness, 'Acme Entrata money', sandbox.url, CREDENTIALS);
    integrationId = first.id;
    expect(first.done).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    expect((await readQuarantine(harness.app, integrationId)).results).toEqual([]);
    const data = sandbox.sandbox.data;
    const { requests, charges, payments } = await readModels(integrationId);
    const leaseOf = new Map(data.leases.map((l) => [Number(l.id), l]));

    // Service requests: every live work order (the deleted ones are not service requests).
    const live = data.work_orders.filter((w) => w.isDeleted !== '1');
    expect(data.work_orders.length - live.length).toBeGreaterThan(0);
    expect(requests.map((r) => r.x_id).sort()).toEqual(live.map((w) => w.maintenanceRequestId).sort());
    const requestById = byXId(requests);
    const employeeIdOf = Object.fromEntries(Object.entries(COMPANY_EMPLOYEES).map(([id, name]) => [name, id]));
    for (const w of live) {
      const r = requestById.get(w.maintenanceRequestId);
      const unit = data.units.find((u) => u.propertyId === w.propertyId && u.unitNumber === w.unitNumber);
      expect(r).toMatchObject({
        x_property_id: String(w.propertyId),
        x_unit_id: unit?.id ?? null,
        unit_number: w.unitNumber ?? null,
        access_is_authorized: w.permissionToEnter === '1',
        building: w.buildingName ?? null,
        service_category: w.maintenanceCategoryName,
        service_description: w.maintenanceProblem,
        service_details: w.maintenanceDescription,
        service_priority: w.maintenancePriority,
        status_raw: w.maintenanceStatus,
        employee_id: w.assignedTo ? employeeIdOf[w.assignedTo] : null,
        vendors: [],
        history: [],
      });
      expect(mountainWallTime(r.date_created)).toBe(w.createdOn);
      expect(day(r.date_due)).toBe(isoDay(w.dueDate));
      expect(mountainWallTime(r.date_scheduled)).toBe(w.scheduledStartDate ?? null);
      expect(r.employees).toHaveLength(w.assignedTo ? 1 : 0);
      if (w.assignedTo) expect(r.employees[0]).toMatchObject({ x_id: employeeIdOf[w.assignedTo], name: w.assignedTo });
    }
    expect(new Set(live.map((w) => w.maintenanceStatus)).size).toBe(5);

    // Charges: every charge and credit row of every ledger (payment rows are payments).
    const chargeRows = data.ar_transactions.filter((r) => r.transactionTypeId === 1 || r.transactionTypeId === 3);
    expect(charges.map((c) => c.x_id).sort()).toEqual(chargeRows.map((r) => r.id).sort());
    const chargeById = byXId(charges);
    for (const row of chargeRows) {
      const lease = leaseOf.get(row.leaseId)!;
      const c = chargeById.get(row.id);
      expect(c).toMatchObject({
        x_property_id: String(row.propertyId),
        x_lease_id: String(row.leaseId),
        x_resident_id: String(lease.customers.customer[0].id),
        x_unit_id: lease.unitId,
        x_charge_code_id: String(row.arCodeId),
        charge_code_id: String(row.arCodeId),
        name: row.arCodeName,
        description: row.description,
        amount_in_cents: decimalCents(row.amount),
        amount_raw: row.amount,
        amount_open_in_cents: decimalCents(row.balanceDue),
        amount_open_raw: row.balanceDue,
        amount_paid_in_cents: decimalCents(row.amountPaid),
        amount_paid_raw: row.amountPaid,
        is_open: decimalCents(row.balanceDue) > 0,
        post_month: `${row.postMonth.slice(3)}-${row.postMonth.slice(0, 2)}`,
        allocations: [],
      });
      expect(day(c.transaction_date)).toBe(isoDay(row.transactionDate));
    }
    expect(charges.some((c) => c.amount_in_cents === 12_345_678_901)).toBe(true);
    expect(charges.filter((c) => c.amount_in_cents === 10 || c.amount_in_cents === 20).length).toBeGreaterThan(0);

    // Payments: every ArPayment, a Reversed one also as its negative reversal; allocations from ArAllocations.
    const reversed = data.ar_payments.filter((p) => p.PaymentStatus === 'Reversed');
    expect(reversed.length).toBeGreaterThan(0);
    expect(payments.map((p) => p.x_id).sort()).toEqual(
      [
        ...data.ar_payments.map((p) => String(p.ArPaymentId)),
        ...reversed.map((p) => `${p.ArPaymentId}-reversal`),
      ].sort(),
    );
    const paymentById = byXId(payments);
    for (const p of data.ar_payments) {
      const lease = leaseOf.get(p.leaseId)!;
      const place = {
        x_property_id: String(lease.propertyId),
        x_lease_id: lease.id,
        x_resident_id: String(p.CustomerId),
        x_unit_id: lease.unitId,
        payment_method_raw: p.PaymentType,
        payment_method_normalized: METHOD[p.PaymentType] ?? 'OTHER',
        amount_raw: p.PaymentAmount,
      };
      const paid = paymentById.get(String(p.ArPaymentId));
      expect(paid).toMatchObject({ ...place, amount_in_cents: decimalCents(p.PaymentAmount) });
      expect(day(paid.transaction_date)).toBe(isoDay(p.PaymentDate));
      const allocations = [p.ArAllocations?.ArAllocation ?? []].flat();
      expect(paid.allocations).toHaveLength(allocations.length);
      allocations.forEach((a: any, i: number) =>
        expect(paid.allocations[i]).toMatchObject({
          x_id: `${p.ArPaymentId}:${a.ArTransactionId}`,
          x_source_id: String(p.ArPaymentId),
          x_destination_id: String(a.ArTransactionId),
          amount_in_cents: decimalCents(a.Amount),
          amount_raw: a.Amount,
          resident_charge_id: chargeById.get(String(a.ArTransactionId)).id,
          resident_payment_id: paid.id,
        }),
      );
      if (p.PaymentStatus !== 'Reversed') continue;
      const reversal = paymentById.get(`${p.ArPaymentId}-reversal`);
      expect(reversal).toMatchObject({ ...place, amount_in_cents: -decimalCents(p.PaymentAmount), allocations: [] });
      expect(mountainWallTime(reversal.transaction_date)).toBe(p.ReturnedOn);
    }

    // The balance identity, for every lease of the sandbox (a lease with no ledger owes nothing).
    const expected = entrataLeaseBalances(data);
    const balances = latchkeyBalances(charges, payments);
    for (const lease of data.leases)
      expect([lease.id, balances.get(lease.id) ?? 0]).toEqual([lease.id, expected.get(Number(lease.id)) ?? 0]);
    expect(sum([...balances.values()])).toBe(sum([...expected.values()]));
  });

  it('a change at the source gives exactly the right DATA_NEW and DATA_UPDATE events', async () => {
    const data = sandbox.sandbox.data;
    const before = structuredClone({
      rows: data.ar_transactions,
      payments: data.ar_payments,
      orders: data.work_orders,
    });
    await sandboxControl(sandbox.url)('POST', 'mutate', { work_orders: 3, charges: 2, payments: 2 });
    const { events } = await manualSync(harness, integrationId);
    const oldRow = new Map(before.rows.map((r: any) => [r.id, JSON.stringify(r)]));
    const isCharge = (r: any) => r.transactionTypeId === 1 || r.transactionTypeId === 3;
    const oldOrder = new Map(before.orders.map((w: any) => [w.maintenanceRequestId, JSON.stringify(w)]));
    const expected = [
      ...data.ar_transactions
        .filter((r) => isCharge(r) && !oldRow.has(r.id))
        .map((r) => `DATA_NEW resident-charges ${r.id}`),
      ...data.ar_transactions
        .filter((r) => isCharge(r) && oldRow.has(r.id) && oldRow.get(r.id) !== JSON.stringify(r))
        .map((r) => `DATA_UPDATE resident-charges ${r.id}`),
      ...data.ar_payments.slice(before.payments.length).map((p) => `DATA_NEW resident-payments ${p.ArPaymentId}`),
      ...data.work_orders
        .filter((w) => w.isDeleted !== '1' && oldOrder.get(w.maintenanceRequestId) !== JSON.stringify(w))
        .map((w) => `DATA_UPDATE service-requests ${w.maintenanceRequestId}`),
    ].sort();
    expect(expected.filter((e) => e.startsWith('DATA_NEW resident-charges'))).toHaveLength(2);
    expect(expected.filter((e) => e.startsWith('DATA_UPDATE resident-charges')).length).toBeGreaterThan(0);
    expect(expected.filter((e) => e.startsWith('DATA_NEW resident-payments'))).toHaveLength(2);
    expect(
      events
        .filter((e) => e.trigger.startsWith('DATA_') && MODELS.includes(e.data.object))
        .map((e) => `${e.trigger} ${e.data.object} ${e.data.payload.x_id}`)
        .sort(),
    ).toEqual(expected);
    const { charges, payments } = await readModels(integrationId);
    const balances = latchkeyBalances(charges, payments);
    for (const [leaseId, balance] of entrataLeaseBalances(data)) expect(balances.get(String(leaseId))).toBe(balance);
  });

  it('syncs the foreign server: its work orders, ledger rows and payment as it shows them', async () => {
    const { id, done } = await firstSync(harness, 'Pinecrest', foreign.url, FOREIGN_ENTRATA_CREDENTIALS);
    foreignId = id;
    expect(done).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    const { requests, charges, payments } = await readModels(id);
    expect(requests.map((r) => r.x_id)).toEqual(['88001', '88002', '88003']);
    const [toilet, dishwasher, light] = requests;
    expect(toilet).toMatchObject({
      x_property_id: '7001',
      x_unit_id: '81',
      unit_number: 'A-1',
      building: 'North',
      access_is_authorized: true,
      date_created: '2025-11-30T23:45:00.000Z',
      date_scheduled: '2025-12-02T15:00:00.000Z',
      date_due: '2025-12-03T00:00:00.000Z',
      service_priority: 'Urgent',
      status_raw: 'In Progress',
      service_category: 'Plumbing',
      service_description: 'Toilet running',
      service_details: 'The toilet runs all night.',
      employee_id: '31',
    });
    expect(toilet.employees).toEqual([expect.objectContaining({ x_id: '31', name: 'Priya Shah' })]);
    // A name the pick lists do not list has no id: the name is the employee's only key.
    expect(dishwasher).toMatchObject({ x_unit_id: '82', access_is_authorized: false, employee_id: null });
    expect(dishwasher.employees).toEqual([expect.objectContaining({ x_id: 'Front Desk', name: 'Front Desk' })]);
    expect(light).toMatchObject({ x_property_id: '7002', unit_number: 'Garage', x_unit_id: null, unit_id: null });

    const place = { x_property_id: '7001', x_lease_id: '5001', x_resident_id: '601', x_unit_id: '81' };
    expect(charges.map((c) => [c.x_id, c.amount_in_cents, c.amount_open_in_cents, c.post_month, c.is_open])).toEqual([
      ['9001', 109_500, 0, '2025-12', false],
      ['9002', 10, 0, '2025-12', false],
      ['9003', 20, 0, '2025-12', false],
      ['9005', 109_500, 109_500, '2026-01', true],
      ['9006', 8_765_432_109, 8_765_432_109, '2026-01', true],
    ]);
    for (const c of charges) expect(c).toMatchObject(place);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      ...place,
      x_id: '3301',
      amount_in_cents: 109_530,
      amount_raw: '1095.3',
      payment_method_raw: 'eCheck',
      payment_method_normalized: 'ELECTRONICPAYMENT',
      transaction_date: '2025-12-20T00:00:00.000Z',
    });
    expect(
      payments[0].allocations.map((a: any) => [a.x_destination_id, a.amount_in_cents, a.resident_charge_id]),
    ).toEqual(['9001', '9002', '9003'].map((x, i) => [x, [109_500, 10, 20][i], charges[i].id]));
    // The identity against the foreign server's own rows: what every lease still owes.
    const owed = new Map<string, number>();
    for (const row of foreign.ledgerRows)
      owed.set(
        String(row.leaseIntervalId),
        (owed.get(String(row.leaseIntervalId)) ?? 0) + decimalCents(row.balanceDue),
      );
    expect(Object.fromEntries(latchkeyBalances(charges, payments))).toEqual(Object.fromEntries(owed));
  });

  /** Each target's ids for the writes: a lease with its unit, property and primary customer, and pick-list ids. */
  const fixtures = (target: Target) => {
    if (target === 'foreign')
      return {
        lease: '5001',
        unit: '81',
        property: '7001',
        resident: '601',
        picks: { location: '1', category: '7', problem: '71', priority: '2', completed: '3', employee: '31' },
        names: {
          problem: 'Leak',
          category: 'Plumbing',
          priority: 'Urgent',
          completed: 'Completed',
          employee: 'Priya Shah',
        },
        arCode: '44',
      };
    const lease = sandbox.sandbox.data.leases.find(
      (l) => l.leaseIntervalStatus === 'Current' && l.customers?.customer?.length,
    )!;
    return {
      lease: lease.id as string,
      unit: lease.unitId as string,
      property: String(lease.propertyId),
      resident: String(lease.customers.customer[0].id),
      picks: { location: '1', category: '1', problem: '11', priority: '3', completed: '4', employee: '502' },
      names: {
        problem: 'Leaking faucet',
        category: 'Plumbing',
        priority: 'High',
        completed: 'Completed',
        employee: 'Sam Carter',
      },
      arCode: '2',
    };
  };

  describe.each(['sandbox', 'foreign'] as const)('writes to the %s', (target) => {
    let requestId: string;

    it('creates a service request (sendWorkOrders): SUCCESS with its id, read back at once, one DATA_NEW, nothing from the next sync', async () => {
      const f = fixtures(target);
      const before = vendorWrites(target, 'sendWorkOrders');
      const { rootJobId, status } = await write('post', '/v1/service-requests/', '/v1/service-requests/', {
        integration_id: integration(target),
        property_id: await idOf(target, 'properties', f.property),
        unit_id: await idOf(target, 'units', f.unit),
        resident_id: await idOf(target, 'residents', f.resident),
        phone_1: '(303) 555-0100',
        access_is_authorized: true,
        service_request_location_id: f.picks.location,
        service_request_category_id: f.picks.category,
        service_request_problem_id: f.picks.problem,
        service_request_priority_id: f.picks.priority,
        service_details: 'Water under the sink',
        employee_id: f.picks.employee,
        scheduled_start_date: '2026-12-07T16:00:00.000Z',
        scheduled_end_date: '2026-12-07T18:00:00.000Z',
        due_date: '2026-12-09T00:00:00.000Z',
      });
      expect(status).toMatchObject({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
      expect(vendorWrites(target, 'sendWorkOrders').applied - before.applied).toBe(1);
      requestId = status.created_record_id;
      const res = await request(harness.app.url).get(`/v1/service-requests/${requestId}`).set(auth());
      expect(res.status).toBe(200);
      expect(res.body.results).toMatchObject({
        x_property_id: f.property,
        x_unit_id: f.unit,
        access_is_authorized: true,
        service_details: 'Water under the sink',
        service_description: f.names.problem,
        service_category: f.names.category,
        service_priority: f.names.priority,
        status_raw: 'Open',
        employee_id: f.picks.employee,
        date_scheduled: '2026-12-07T16:00:00.000Z',
        date_due: '2026-12-09T00:00:00.000Z',
      });
      expect(res.body.results.employees).toEqual([
        expect.objectContaining({ x_id: f.picks.employee, name: f.names.employee }),
      ]);
      await oneEventThenQuietSync(target, 'DATA_NEW', requestId, rootJobId);
    });

    it('updates it (updateWorkOrders r2, its current problem id found through the pick lists): read back, one DATA_UPDATE', async () => {
      const f = fixtures(target);
      const { rootJobId, status } = await write(
        'put',
        `/v1/service-requests/${requestId}`,
        '/v1/service-requests/{service_request_id}',
        { service_request_status_id: f.picks.completed, service_details: 'Trap replaced' },
      );
      expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
      const res = await request(harness.app.url).get(`/v1/service-requests/${requestId}`).set(auth());
      expect(res.body.results).toMatchObject({
        status_raw: f.names.completed,
        service_details: 'Trap replaced',
        service_description: f.names.problem,
      });
      await oneEventThenQuietSync(target, 'DATA_UPDATE', requestId, rootJobId);
    });

    it('creates a charge (sendLeaseArTransactions, keyed by third_party_charge_id): SUCCESS without an id; the next sync brings it once', async () => {
      const f = fixtures(target);
      const before = vendorWrites(target, 'sendLeaseArTransactions');
      const { status } = await write('post', '/v1/resident-charges/', '/v1/resident-charges/', {
        integration_id: integration(target),
        lease_id: await idOf(target, 'leases', f.lease),
        charge_code_id: f.arCode,
        amount_in_cents: 123_456_789_01,
        transaction_date: '2026-12-01T00:00:00.000Z',
        post_month: '2026-12-01T00:00:00.000Z',
        description: 'Written late fee',
        third_party_charge_id: `lk-${target}-1`,
      });
      // Entrata answers no record id, and its ledger rows do not show the transactionId: nothing to find it by.
      expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
      expect(vendorWrites(target, 'sendLeaseArTransactions').applied - before.applied).toBe(1);
      const { events } = await manualSync(harness, integration(target));
      const news = events.filter((e) => e.trigger === 'DATA_NEW' && e.data.object === 'resident-charges');
      expect(news).toHaveLength(1);
      expect(news[0].data.payload).toMatchObject({
        x_lease_id: f.lease,
        amount_in_cents: 123_456_789_01,
        amount_raw: '123456789.01',
        description: 'Written late fee',
        post_month: '2026-12',
        transaction_date: '2026-12-01T00:00:00.000Z',
      });
      const { events: again } = await manualSync(harness, integration(target));
      expect(again.filter((e) => e.data.object === 'resident-charges' && e.trigger.startsWith('DATA_'))).toEqual([]);
    });
  });

  it('a charge applied but answered 502 ends FAILURE "outcome unknown" and is never sent again', async () => {
    const control = sandboxControl(sandbox.url);
    await control('POST', 'faults', {
      path: '/artransactions',
      method: 'POST',
      afterApply: true,
      status: 502,
      times: 1,
    });
    const before = vendorWrites('sandbox', 'sendLeaseArTransactions');
    const rows = sandbox.sandbox.data.ar_transactions.length;
    const res = await request(harness.app.url)
      .post('/v1/resident-charges/')
      .set(auth())
      .send({
        integration_id: integrationId,
        lease_id: await idOf('sandbox', 'leases', fixtures('sandbox').lease),
        charge_code_id: '2',
        amount_in_cents: 2510,
        transaction_date: '2026-12-02T00:00:00.000Z',
        description: 'Never twice',
      });
    expect(res.status).toBe(200);
    const status = await settledWrite(harness, res.body.job_id);
    expect(status.write_status).toBe('FAILURE');
    expect(status.created_record_id).toBeNull();
    expect(status.errors[0]).toMatch(/^outcome unknown: .*check the PMS before retry-write$/);
    const after = vendorWrites('sandbox', 'sendLeaseArTransactions');
    expect([after.received - before.received, after.applied - before.applied]).toEqual([1, 1]);
    expect(sandbox.sandbox.data.ar_transactions.length - rows).toBe(1);
  });

  it("a payment create is not Entrata's: 400 unsupported_operation", async () => {
    const res = await request(harness.app.url)
      .post('/v1/resident-payments/')
      .set(auth())
      .send({ integration_id: integrationId, amount_in_cents: 1000, payment_type: 'Check' });
    // The route exists once some vendor's adapter sends payment creates; until then it is not served.
    if (!BUILT_WRITES.some((w) => w.model === 'resident_payments' && w.operation === 'create')) {
      expect(res.status).toBe(404);
      return;
    }
    expect(res.status).toBe(400);
    assertValid('errorResponse', res.body);
    expect(res.body.error).toEqual({
      code: 'unsupported_operation',
      message: 'ENTRATA does not support create of resident_payments (no upstream API)',
      details: { integration_vendor: 'ENTRATA', model: 'resident_payments', operation: 'create' },
    });
  });
});

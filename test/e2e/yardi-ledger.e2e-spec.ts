import request from 'supertest';
import { startYardiSandboxServer } from '../../src/sandbox/yardi/yardi-sandbox';
import { yardiHouseholdBalances } from '../../src/sandbox/yardi/yardi-ledger';
import { waitFor } from '../support/app-process';
import { assertValidResponse } from '../support/propexo-schema';
import { decimalCents } from '../support/decimal-cents';
import {
  FOREIGN_YARDI_CREDENTIALS,
  startForeignYardiServer,
  type ForeignYardiServer,
} from '../support/foreign-yardi-server';
import {
  authHeader,
  day,
  eventsOf,
  firstSync,
  manualSync,
  readAll,
  readQuarantine,
  readUnknownValues,
  sandboxControl,
  settledWrite,
  startSyncHarness,
  SYNC_TRIGGERS,
  type SyncHarness,
} from '../support/sync-helpers';

const CREDENTIALS = {
  username: 'ledger-user',
  password: 'ledger-password',
  database: 'ledger_live',
  serverName: 'ledger_sql',
  platform: 'SQL Server',
  entity: 'Ledger Entity',
  license: 'ledger-license',
};
const MODELS = ['service-requests', 'resident-charges', 'resident-payments'] as const;
const OBJECT = { charges: 'resident-charges', payments: 'resident-payments', requests: 'service-requests' };

/** MM/DD/YYYY or ISO (date or date-time without zone, read as UTC) -> an ISO instant, from the test's own reading. */
const instant = (value: string) => {
  const us = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (us) return `${us[3]}-${us[1]}-${us[2]}T00:00:00.000Z`;
  return new Date(
    /[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value.length === 10 ? `${value}T00:00:00` : value}Z`,
  ).toISOString();
};
const sortBy = <T extends { x_id: string }>(list: T[]) => [...list].sort((a, b) => a.x_id.localeCompare(b.x_id));
const emptyToNull = (value: string | undefined) => (value === undefined || value === '' ? null : value);

describe('Yardi service requests, resident charges and payments end to end', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startYardiSandboxServer>>;
  let foreign: ForeignYardiServer;
  let integrationId: string;
  let foreignId = '';
  const auth = () => authHeader(harness.app);

  /** Our ids of the sandbox's properties, units, leases and residents, by their x_id. */
  async function ourIds(id: string) {
    const ids = async (model: string) =>
      new Map((await readAll(harness.app, model, id)).map((r) => [r.x_id as string, r.id as string]));
    return {
      properties: await ids('properties'),
      units: await ids('units'),
      leases: await ids('leases'),
      residents: await ids('residents'),
    };
  }
  /** Every record of the three models, validated against Propexo's list schemas. */
  async function cached(id: string) {
    const [requests, charges, payments] = await Promise.all(MODELS.map((m) => readAll(harness.app, m, id)));
    return { requests, charges, payments };
  }

  beforeAll(async () => {
    sandbox = await startYardiSandboxServer({
      residents: 160,
      seed: 33,
      unitsPerProperty: 40,
      credentials: [CREDENTIALS],
    });
    foreign = await startForeignYardiServer();
    harness = await startSyncHarness({
      name: 'yardi-ledger',
      vendor: 'YARDI',
      // Short, so an applied-then-failed write ends soon; long enough for this loaded machine's answers.
      env: { SYNC_RETRY_BASE_MS: '200', VENDOR_WRITE_TIMEOUT_SECONDS: '10' },
      triggers: [...SYNC_TRIGGERS, 'DATA_DELETED', 'WRITE_OPERATION_FAILURE'],
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await foreign?.close();
  });

  /** The sandbox's records as Latchkey must show them, from the sandbox's own data and the vendor file's table. */
  function expectedFromSandbox(ids: Awaited<ReturnType<typeof ourIds>>) {
    const { transactions, service_requests: requests } = sandbox.sandbox.data;
    const household = (t: any) => ({
      property_id: ids.properties.get(t.YardiPropertyId),
      lease_id: ids.leases.get(t.CustomerID),
      resident_id: ids.residents.get(t.CustomerID),
      x_lease_id: t.CustomerID,
      amount_in_cents: decimalCents(t.Detail.Amount),
      amount_raw: t.Detail.Amount,
      transaction_date: instant(t.Detail.TransactionDate),
      description: t.Detail.Description,
    });
    const unitOf = (property: string, unit: string) => ids.units.get(`${property}:${unit}`) ?? null;
    const METHODS: Record<string, string> = {
      Cash: 'CASH',
      Check: 'CHECK',
      CreditCard: 'CREDITCARD',
      DebitCard: 'CREDITCARD',
      ACH: 'ELECTRONICPAYMENT',
      MoneyOrder: 'MONEYORDER',
    };
    const unitOfHousehold = (t: any) =>
      sandbox.sandbox.data.customers.find((c) => c.CustomerID === t.CustomerID)?.RT_Unit?.UnitID;
    return {
      charges: sortBy(
        transactions
          .filter((t) => t.element === 'Charge')
          .map((t) => ({
            x_id: t.Detail.TransactionID,
            ...household(t),
            unit_id: unitOf(t.YardiPropertyId, t.Detail.UnitID),
            amount_open_in_cents: decimalCents(t.Detail.BalanceDue),
            amount_paid_in_cents: decimalCents(t.Detail.AmountPaid),
            is_open: decimalCents(t.Detail.BalanceDue) > 0,
            charge_code_id: t.Detail.ChargeCode,
            financial_account_id: t.Detail.GLAccountNumber,
          })),
      ),
      payments: sortBy(
        transactions
          .filter((t) => t.element === 'Payment')
          .map((t) => ({
            x_id: t.Detail.TransactionID,
            ...household(t),
            unit_id: unitOf(t.YardiPropertyId, unitOfHousehold(t)),
            payment_method_raw: t.type,
            payment_method_normalized: METHODS[t.type] ?? 'OTHER',
            reference_number: t.Detail.DocumentNumber ?? null,
            name: t.Detail.PaidBy,
          })),
      ),
      requests: sortBy(
        requests.map((r) => {
          const history = r.StatusHistory.Status as Array<Record<string, string>>;
          const completed = history.filter((h) => h['@Type'] === 'Work Completed').pop();
          return {
            x_id: r.ServiceRequestId,
            property_id: ids.properties.get(r.PropertyCode),
            unit_id: unitOf(r.PropertyCode, r.UnitCode),
            unit_number: r.UnitCode,
            status_raw: r.CurrentStatus,
            service_category: r.Category,
            service_priority: r.Priority,
            service_description: r.ServiceRequestBriefDescription,
            service_details: emptyToNull(r.ServiceRequestFullDescription),
            notes: emptyToNull(r.ProblemDescriptionNotes),
            vendor_notes: emptyToNull(r.TechnicianNotes),
            access_notes: emptyToNull(r.AccessNotes),
            access_is_authorized: r.HasPermissionToEnter === 'true',
            date_created: instant(r.ServiceRequestDate),
            date_completed: completed ? instant(completed['@TimeStamp']) : null,
            history: history.map((h, i) => ({
              x_id: `${r.ServiceRequestId}:${i + 1}`,
              status_raw: h['@Type'],
              x_created_at: instant(h['@TimeStamp']),
            })),
          };
        }),
      ),
    };
  }
  const pickLike = (expected: any[], actual: any[]) =>
    sortBy(actual).map((record, i) => {
      const shape = expected[i] ?? expected[0];
      return Object.fromEntries(
        Object.keys(shape).map((key) => [
          key,
          key === 'history'
            ? record.history.map((h: any) => ({ x_id: h.x_id, status_raw: h.status_raw, x_created_at: h.x_created_at }))
            : record[key],
        ]),
      );
    });

  /** Σ charges − Σ payments per lease in Latchkey, by the lease's x_id. */
  const balancesOf = (charges: any[], payments: any[]) => {
    const balances = new Map<string, number>();
    for (const c of charges) balances.set(c.x_lease_id, (balances.get(c.x_lease_id) ?? 0) + c.amount_in_cents);
    for (const p of payments) balances.set(p.x_lease_id, (balances.get(p.x_lease_id) ?? 0) - p.amount_in_cents);
    return balances;
  };
  /** The identity of issue 21, for every household of the sandbox (those without a ledger owe nothing). */
  const expectBalances = (charges: any[], payments: any[]) => {
    const sandboxBalances = yardiHouseholdBalances(sandbox.sandbox.data);
    const ours = balancesOf(charges, payments);
    const households = sandbox.sandbox.data.customers.map((c) => c.CustomerID as string).sort();
    expect(households.map((h) => [h, ours.get(h) ?? 0])).toEqual(
      households.map((h) => [h, sandboxBalances.get(h) ?? 0]),
    );
    expect([...sandboxBalances.values()].some((b) => b > 0)).toBe(true);
  };

  it('first sync caches every service request, charge and payment of the sandbox exactly; charges less payments is every household balance', async () => {
    const first = await firstSync(harness, 'Yardi ledger sandbox', sandbox.url, CREDENTIALS);
    integrationId = first.id;
    expect(first.done).toMatchObject({ vendor: 'YARDI', successful_job_count: 7, failed_job_count: 0 });
    const expected = expectedFromSandbox(await ourIds(integrationId));
    const all = await cached(integrationId);
    expect(expected.requests.length).toBeGreaterThan(10);
    expect(expected.payments.some((p) => p.amount_in_cents < 0)).toBe(true); // reversals
    expect(expected.charges.some((c) => c.amount_in_cents === 12345678901)).toBe(true); // the nine-figure charge
    expect(pickLike(expected.charges, all.charges)).toEqual(expected.charges);
    expect(pickLike(expected.payments, all.payments)).toEqual(expected.payments);
    expect(pickLike(expected.requests, all.requests)).toEqual(expected.requests);
    expectBalances(all.charges, all.payments);
    expect((await readQuarantine(harness.app, integrationId)).meta.total).toBe(0);
    expect(await readUnknownValues(harness.app, integrationId)).toEqual([]);
  });

  it('a change at the source gives exactly the right DATA_NEW and DATA_UPDATE events, and the balances still agree', async () => {
    const before = new Map(
      sandbox.sandbox.data.transactions.map((t) => [t.Detail.TransactionID, JSON.stringify(t.Detail)]),
    );
    const requestsBefore = new Map(
      sandbox.sandbox.data.service_requests.map((r) => [r.ServiceRequestId, r.UpdateDate as string]),
    );
    await sandboxControl(sandbox.url)('POST', 'mutate', { charges: 3, payments: 2, service_requests: 4 });
    const { transactions, service_requests: requests } = sandbox.sandbox.data;
    const ids = (element: string, fresh: boolean) =>
      transactions
        .filter((t) => t.element === element)
        .filter((t) =>
          fresh
            ? !before.has(t.Detail.TransactionID)
            : before.has(t.Detail.TransactionID) && before.get(t.Detail.TransactionID) !== JSON.stringify(t.Detail),
        )
        .map((t) => t.Detail.TransactionID as string)
        .sort();
    const changedRequests = requests
      .filter((r) => requestsBefore.get(r.ServiceRequestId) !== r.UpdateDate)
      .map((r) => r.ServiceRequestId as string)
      .sort();
    expect([ids('Charge', true).length, ids('Payment', true).length, changedRequests.length]).toEqual([3, 2, 4]);
    expect(ids('Charge', false).length).toBeGreaterThan(0); // the receipts paid older charges
    expect(ids('Payment', false)).toEqual([]);

    const sync = await manualSync(harness, integrationId);
    const events = sync.events.filter((e) => e.data.root_job_id === sync.syncId);
    const eventIds = (trigger: string, object: string) =>
      events
        .filter((e) => e.trigger === trigger && e.data.object === object)
        .map((e) => e.data.payload.x_id)
        .sort();
    expect({
      newCharges: eventIds('DATA_NEW', OBJECT.charges),
      updatedCharges: eventIds('DATA_UPDATE', OBJECT.charges),
      newPayments: eventIds('DATA_NEW', OBJECT.payments),
      updatedPayments: eventIds('DATA_UPDATE', OBJECT.payments),
      newRequests: eventIds('DATA_NEW', OBJECT.requests),
      updatedRequests: eventIds('DATA_UPDATE', OBJECT.requests),
      deleted: events.filter((e) => e.trigger === 'DATA_DELETED').length,
    }).toEqual({
      newCharges: ids('Charge', true),
      updatedCharges: ids('Charge', false),
      newPayments: ids('Payment', true),
      updatedPayments: [],
      newRequests: [],
      updatedRequests: changedRequests,
      deleted: 0,
    });
    // An update's diff names what moved: a charge's open and paid amounts, a request's status and its new history entry.
    const chargeUpdate = events.find((e) => e.trigger === 'DATA_UPDATE' && e.data.object === OBJECT.charges);
    const moved = ['amount_open_in_cents', 'amount_open_raw', 'amount_paid_in_cents', 'amount_paid_raw', 'is_open'];
    expect(Object.keys(chargeUpdate.data.diff.new).every((f) => moved.includes(f))).toBe(true);
    expect(chargeUpdate.data.diff.new).toHaveProperty('amount_paid_in_cents');
    const requestUpdate = events.find((e) => e.trigger === 'DATA_UPDATE' && e.data.object === OBJECT.requests);
    expect(requestUpdate.data.diff.new).toHaveProperty('status_raw');
    expect(requestUpdate.data.diff.new).toHaveProperty('history');

    const all = await cached(integrationId);
    const expected = expectedFromSandbox(await ourIds(integrationId));
    expect(pickLike(expected.charges, all.charges)).toEqual(expected.charges);
    expect(pickLike(expected.payments, all.payments)).toEqual(expected.payments);
    expect(pickLike(expected.requests, all.requests)).toEqual(expected.requests);
    expectBalances(all.charges, all.payments);
  });

  it('a scheduled (incremental) sync reads charges and payments in windows of at most 31 days and sees what changed', async () => {
    const { faults } = sandbox.sandbox;
    // Met only if the incremental pull asks by charge date (a full pull never does); a 429 is retried.
    faults.add({ path: 'GetResidentTransactions_ByChargeDate_Login', status: 429, times: 1 });
    const before = new Set(sandbox.sandbox.data.transactions.map((t) => t.Detail.TransactionID as string));
    await sandboxControl(sandbox.url)('POST', 'mutate', { charges: 1, payments: 1, service_requests: 1 });
    const fresh = sandbox.sandbox.data.transactions.filter((t) => !before.has(t.Detail.TransactionID));
    const from = harness.receiver.received.length;
    const seen = (object: string, xId: string) =>
      harness.receiver.received
        .slice(from)
        .map((r) => r.json)
        .find((e) => e?.trigger === 'DATA_NEW' && e.data.object === object && e.data.payload.x_id === xId);
    const setSchedule = (body: object) =>
      request(harness.app.url).put(`/v1/admin/integrations/${integrationId}/`).set(auth()).send(body);
    expect((await setSchedule({ sync_frequency: 1, sync_cadence: 'SECOND' })).status).toBe(200);
    try {
      for (const t of fresh)
        await waitFor(
          async () => seen(t.element === 'Charge' ? OBJECT.charges : OBJECT.payments, t.Detail.TransactionID),
          `DATA_NEW of ${t.element} ${t.Detail.TransactionID}`,
          60_000,
        );
    } finally {
      await setSchedule({ sync_frequency: 12, sync_cadence: 'HOUR' });
    }
    expect(faults.list()).toEqual([]);
  });

  it("syncs the foreign server's service requests, charges and payments exactly, with its own spellings", async () => {
    const { id, done } = await firstSync(harness, 'Foreign Yardi ledger', foreign.url, {
      ...FOREIGN_YARDI_CREDENTIALS,
    });
    foreignId = id;
    expect(done).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    const ids = await ourIds(id);
    const all = await cached(id);
    const pick = (records: any[], fields: string[]) =>
      Object.fromEntries(sortBy(records).map((r) => [r.x_id, Object.fromEntries(fields.map((f) => [f, r[f]]))]));
    const history = (r: any) => r.history.map((h: any) => [h.x_id, h.status_raw, h.x_created_at, h.notes]);
    expect(
      Object.fromEntries(sortBy(all.requests).map((r) => [r.x_id, [r.property_id, r.unit_id, history(r)]])),
    ).toEqual({
      '88001': [
        ids.properties.get('oakr'),
        ids.units.get('oakr:A-1'),
        [
          ['88001:1', 'Call', '2025-11-03T21:22:05.000Z', ''],
          ['88001:2', 'Scheduled', '2025-11-04T15:00:00.000Z', ''],
          ['88001:3', 'Work Completed', '2025-11-05T23:45:30.000Z', ''],
        ],
      ],
      '88002': [
        ids.properties.get('oakr'),
        ids.units.get('oakr:0003'),
        [
          ['88002:1', 'Call', '2026-01-20T00:00:00.000Z', ''],
          ['88002:2', 'In Progress', '2026-01-21T09:10:00.000Z', ''],
        ],
      ],
      '88003': [ids.properties.get('B7'), null, [['88003:1', 'Call', '2026-02-02T15:00:00.000Z', '']]],
    });
    const R = [
      'x_property_id',
      'x_unit_id',
      'unit_number',
      'access_is_authorized',
      'access_notes',
      'date_created',
      'date_completed',
      'notes',
      'service_category',
      'service_description',
      'service_details',
      'service_priority',
      'status_raw',
      'vendor_notes',
    ];
    expect(pick(all.requests, R)).toEqual({
      '88001': {
        x_property_id: 'oakr',
        x_unit_id: 'oakr:A-1',
        unit_number: 'A-1',
        access_is_authorized: true,
        access_notes: 'Cat — keep door closed',
        date_created: '2025-11-03T00:00:00.000Z',
        date_completed: '2025-11-05T23:45:30.000Z',
        notes: 'Second report this month',
        service_category: 'Plumbing',
        service_description: 'Water heater pilot out',
        service_details: 'No hot water since Sunday; pilot light will not stay lit',
        service_priority: 'High',
        status_raw: 'Work Completed',
        vendor_notes: 'Replaced thermocouple',
      },
      '88002': {
        x_property_id: 'oakr',
        x_unit_id: 'oakr:0003',
        unit_number: '0003',
        access_is_authorized: false,
        access_notes: null,
        date_created: '2026-01-20T00:00:00.000Z',
        date_completed: null,
        notes: null,
        service_category: 'Appliance',
        service_description: 'Fridge <not> cooling',
        service_details: null,
        service_priority: 'Normal',
        status_raw: 'In Progress',
        vendor_notes: null,
      },
      '88003': {
        x_property_id: 'B7',
        x_unit_id: null,
        unit_number: null,
        access_is_authorized: null,
        access_notes: null,
        date_created: '2026-02-02T00:00:00.000Z',
        date_completed: null,
        notes: null,
        service_category: 'Electrical',
        service_description: 'Hallway light & exit sign out',
        service_details: null,
        service_priority: 'Low',
        status_raw: 'Call',
        vendor_notes: null,
      },
    });

    const household = {
      property_id: ids.properties.get('oakr'),
      lease_id: ids.leases.get('r000001'),
      resident_id: ids.residents.get('r000001'),
      unit_id: ids.units.get('oakr:A-1'),
    };
    const C = ['amount_in_cents', 'amount_raw', 'amount_paid_in_cents', 'amount_open_in_cents', 'is_open', 'name'];
    const charge = (amount: number, raw: string, paid: number, open: number, name: string) => ({
      amount_in_cents: amount,
      amount_raw: raw,
      amount_paid_in_cents: paid,
      amount_open_in_cents: open,
      is_open: open > 0,
      name,
    });
    expect(pick(all.charges, C)).toEqual({
      'T-1': charge(209500, '2095', 209500, 0, 'rent'),
      'T-2': charge(10, '0.1', 10, 0, 'water'),
      'T-3': charge(20, '0.2', 20, 0, 'water'),
      'T-7': charge(209500, '2095', 0, 209500, 'rent'),
      'T-8': charge(7654321098, '76543210.98', 0, 7654321098, 'capex'),
    });
    for (const record of [...all.charges, ...all.payments]) expect(record).toMatchObject(household);
    expect(all.charges.map((c) => [c.financial_account_id, day(c.transaction_date)]).sort()).toEqual([
      ['40100', '2025-12-01'],
      ['40100', '2025-12-12'],
      ['40100', '2025-12-12'],
      ['40100', '2026-01-01'],
      ['40100', '2026-01-07'],
    ]);
    const P = ['amount_in_cents', 'payment_method_raw', 'payment_method_normalized', 'reference_number', 'name'];
    expect(pick(all.payments, P)).toEqual({
      'T-4': {
        amount_in_cents: 209530,
        payment_method_raw: 'Check',
        payment_method_normalized: 'CHECK',
        reference_number: 'DOC4',
        name: 'Household r000001',
      },
      'T-5': {
        amount_in_cents: 50000,
        payment_method_raw: 'ACH',
        payment_method_normalized: 'ELECTRONICPAYMENT',
        reference_number: 'DOC5',
        name: 'Household r000001',
      },
      'T-6': {
        amount_in_cents: -50000,
        payment_method_raw: 'ACH',
        payment_method_normalized: 'ELECTRONICPAYMENT',
        reference_number: 'DOC6',
        name: 'Household r000001',
      },
    });
    // Charges less payments is what the charges still have due, for the one household with a ledger.
    const due = foreign.transactions
      .filter((t) => t.element === 'Charge')
      .reduce((sum, t) => sum + decimalCents(t.detail.BalanceDue), 0);
    expect([...balancesOf(all.charges, all.payments)]).toEqual([['r000001', due]]);
    expect(due).toBe(7654530598);
  });

  // ---- writes (docs/vendors/yardi.md: CreateOrEditServiceRequests, ImportCharge_Login, ImportReceipt_Login) ----

  const api = () => request(harness.app.url);
  const received = (method: string) => sandbox.sandbox.writes.snapshot()[method] ?? { received: 0, applied: 0 };
  /** POSTs or PUTs a write, checks the accepted answer against the spec, and waits for its end. */
  const write = async (verb: 'post' | 'put', path: string, body: object) => {
    const res = await api()[verb](path).set(auth()).send(body);
    expect([res.status, res.status === 200 ? null : res.body]).toEqual([200, null]);
    const specPath = verb === 'post' ? path : `${path.replace(/\/[^/]+$/, '')}/{service_request_id}`;
    assertValidResponse(verb.toUpperCase(), specPath, 200, res.body);
    return settledWrite(harness, res.body.job_id);
  };
  /** The write's one event for the record, then a sync that sends nothing for it. */
  const oneEventThenQuietSync = async (integration: string, trigger: string, recordId: string) => {
    const eventsFor = () => eventsOf(harness, integration, trigger).filter((e) => e.data.record_id === recordId);
    await waitFor(async () => eventsFor()[0], `${trigger} of ${recordId}`, 30_000);
    const { events } = await manualSync(harness, integration);
    expect(events.filter((e) => e.data.record_id === recordId)).toEqual([]);
    expect(eventsFor()).toHaveLength(1);
  };
  /** A household of the integration with a unit, and our ids of its property, unit and first resident. */
  async function householdIds(integration: string, householdId: string, property: string, unit: string) {
    const ids = await ourIds(integration);
    return {
      property_id: ids.properties.get(property)!,
      unit_id: ids.units.get(`${property}:${unit}`)!,
      resident_id: ids.residents.get(householdId)!,
    };
  }

  it.each(['sandbox', 'foreign'] as const)(
    'creates and updates a service request on the %s: read back at once, one event each, the next sync sends none',
    async (target) => {
      const isSandbox = target === 'sandbox';
      const integration = isSandbox ? integrationId : foreignId;
      const household = isSandbox
        ? sandbox.sandbox.data.customers.find(
            (c) => c.RT_Unit?.UnitID && c.Customers.Customer[0]['@Type'] === 'current resident',
          )!
        : { CustomerID: 'r000001', YardiPropertyId: 'oakr', RT_Unit: { UnitID: 'A-1' } };
      const ids = await householdIds(
        integration,
        household.CustomerID,
        household.YardiPropertyId,
        household.RT_Unit.UnitID,
      );
      const created = await write('post', '/v1/service-requests/', {
        integration_id: integration,
        ...ids,
        service_description: 'Garbage disposal jammed',
        service_details: 'Hums & does not turn',
        service_category: 'Plumbing',
        service_priority: 'High',
        access_is_authorized: true,
        access_notes: 'Call first',
        reported_by: 'Written Resident',
        phone_1: '5035550101',
      });
      expect(created).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
      const read = async () =>
        (await api().get(`/v1/service-requests/${created.created_record_id}`).set(auth())).body.results;
      const record = await read();
      expect(record).toMatchObject({
        property_id: ids.property_id,
        unit_id: ids.unit_id,
        service_description: 'Garbage disposal jammed',
        service_details: 'Hums & does not turn',
        service_priority: 'High',
        access_is_authorized: true,
        access_notes: 'Call first',
        status_raw: 'Call',
        date_completed: null,
      });
      expect(record.history.map((h: any) => h.status_raw)).toEqual(['Call']);
      const stored = isSandbox
        ? sandbox.sandbox.data.service_requests.find((r) => r.ServiceRequestId === record.x_id)
        : foreign.serviceRequests.find((r) => r.id === record.x_id)?.elements;
      expect(stored).toMatchObject({
        TenantCode: household.CustomerID,
        RequestorName: 'Written Resident',
        RequestorPhoneNumber: '5035550101',
        HasPermissionToEnter: 'true',
      });
      await oneEventThenQuietSync(integration, 'DATA_NEW', record.id);

      const updated = await write('put', `/v1/service-requests/${record.id}`, {
        status_raw: 'Work Completed',
        vendor_notes: 'Cleared a bottle cap',
      });
      expect(updated).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
      const after = await read();
      expect(after).toMatchObject({
        status_raw: 'Work Completed',
        vendor_notes: 'Cleared a bottle cap',
        service_description: 'Garbage disposal jammed',
      });
      expect(after.history.map((h: any) => h.status_raw)).toEqual(['Call', 'Work Completed']);
      expect(after.date_completed).toBe(after.history[1].x_created_at);
      await oneEventThenQuietSync(integration, 'DATA_UPDATE', record.id);
    },
  );

  it('refuses a service request Yardi refuses: FAILURE with its words, nothing saved', async () => {
    const [property] = sandbox.sandbox.data.properties;
    const ids = await ourIds(integrationId);
    const count = sandbox.sandbox.data.service_requests.length;
    const status = await write('post', '/v1/service-requests/', {
      integration_id: integrationId,
      property_id: ids.properties.get(property.Code),
      service_description: 'Roof leak',
      service_category: 'Service',
    });
    expect(status).toEqual({ write_status: 'FAILURE', errors: ['Invalid Category: Service'], created_record_id: null });
    expect(sandbox.sandbox.data.service_requests).toHaveLength(count);
  });

  it('posts a charge and a payment (ImportCharge_Login, ImportReceipt_Login): SUCCESS with no id, each posted once, the next sync brings them and every balance still agrees', async () => {
    const household = sandbox.sandbox.data.customers.find((c) =>
      sandbox.sandbox.data.transactions.some((t) => t.CustomerID === c.CustomerID),
    )!;
    const ids = await householdIds(
      integrationId,
      household.CustomerID,
      household.YardiPropertyId,
      household.RT_Unit.UnitID,
    );
    const before = new Set(sandbox.sandbox.data.transactions.map((t) => t.Detail.TransactionID));
    const [charges, receipts] = [received('ImportCharge_Login'), received('ImportReceipt_Login')];
    const common = { integration_id: integrationId, property_id: ids.property_id, resident_id: ids.resident_id };
    const today = new Date().toISOString().slice(0, 10);
    expect(
      await write('post', '/v1/resident-charges/', {
        ...common,
        charge_code_id: 'util',
        amount_in_cents: 123456789012,
        transaction_date: `${today}T00:00:00Z`,
        description: 'Water, written',
        notes: 'meter 7',
      }),
    ).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
    expect(
      await write('post', '/v1/resident-payments/', {
        ...common,
        amount_in_cents: 30,
        transaction_date: `${today}T12:00:00Z`,
        payment_type: 'Money Order',
        reference_number: 'MO-77',
      }),
    ).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
    expect(received('ImportCharge_Login')).toMatchObject({
      received: charges.received + 1,
      applied: charges.applied + 1,
    });
    expect(received('ImportReceipt_Login')).toMatchObject({
      received: receipts.received + 1,
      applied: receipts.applied + 1,
    });
    const fresh = sandbox.sandbox.data.transactions.filter((t) => !before.has(t.Detail.TransactionID));
    expect(fresh.map((t) => [t.element, t.type, t.CustomerID, t.Detail.Amount, t.Detail.TransactionDate])).toEqual([
      ['Charge', undefined, household.CustomerID, '1234567890.12', today],
      ['Payment', 'MoneyOrder', household.CustomerID, '0.30', today],
    ]);
    expect([fresh[0].Detail.ChargeCode, fresh[0].Detail.Comment, fresh[1].Detail.DocumentNumber]).toEqual([
      'util',
      'meter 7',
      'MO-77',
    ]);

    const sync = await manualSync(harness, integrationId);
    const created = sync.events
      .filter((e) => e.data.root_job_id === sync.syncId && e.trigger === 'DATA_NEW')
      .map((e) => [e.data.object, e.data.payload.x_id, e.data.payload.amount_in_cents]);
    expect(created.sort()).toEqual(
      [
        [OBJECT.charges, fresh[0].Detail.TransactionID, 123456789012],
        [OBJECT.payments, fresh[1].Detail.TransactionID, 30],
      ].sort(),
    );
    const all = await cached(integrationId);
    expectBalances(all.charges, all.payments);
  });

  it.each(['ImportCharge_Login', 'ImportReceipt_Login'])(
    'an ambiguous failure of %s (applied, then a 502) is never resent: FAILURE "outcome unknown", exactly one posted',
    async (method) => {
      await sandboxControl(sandbox.url)('POST', 'faults', { path: method, afterApply: true, status: 502, times: 1 });
      const household = sandbox.sandbox.data.customers.find((c) =>
        sandbox.sandbox.data.transactions.some((t) => t.CustomerID === c.CustomerID),
      )!;
      const ids = await ourIds(integrationId);
      const before = { log: received(method), count: sandbox.sandbox.data.transactions.length };
      const common = {
        integration_id: integrationId,
        property_id: ids.properties.get(household.YardiPropertyId),
        resident_id: ids.residents.get(household.CustomerID),
        amount_in_cents: 4200,
        transaction_date: new Date().toISOString(),
      };
      const status =
        method === 'ImportCharge_Login'
          ? await write('post', '/v1/resident-charges/', { ...common, charge_code_id: 'late' })
          : await write('post', '/v1/resident-payments/', { ...common, payment_type: 'Check' });
      expect(status.write_status).toBe('FAILURE');
      expect(status.created_record_id).toBeNull();
      expect(status.errors[0]).toMatch(/^outcome unknown: .*check the PMS before retry-write$/);
      expect(received(method)).toMatchObject({ received: before.log.received + 1, applied: before.log.applied + 1 });
      expect(sandbox.sandbox.data.transactions.length - before.count).toBe(1);
      expect(sandbox.sandbox.faults.list()).toEqual([]);
    },
  );

  it('imports a charge and a payment to the foreign server: SUCCESS with no id, each posted once as the foreign server spells it', async () => {
    const ids = await householdIds(foreignId, 'r000001', 'oakr', 'A-1');
    const posted = (method: string) => foreign.log.filter((e) => e.method === method && e.answer === 'data').length;
    const before = { rows: foreign.transactions.length, charges: posted('ImportCharge_Login') };
    const common = { integration_id: foreignId, property_id: ids.property_id, resident_id: ids.resident_id };
    for (const [path, body] of [
      ['/v1/resident-charges/', { charge_code_id: 'water', amount_in_cents: 1010, description: 'water' }],
      ['/v1/resident-payments/', { payment_type: 'eCheck', amount_in_cents: 2095, reference_number: 'E-1' }],
    ] as const)
      expect(await write('post', path, { ...common, ...body, transaction_date: '2026-02-03T00:00:00Z' })).toEqual({
        write_status: 'SUCCESS',
        errors: [],
        created_record_id: null,
      });
    expect(posted('ImportCharge_Login') - before.charges).toBe(1);
    const fresh = foreign.transactions.slice(before.rows);
    expect(fresh.map((t) => [t.element, t.type, t.household, t.detail.Amount, t.detail.TransactionDate])).toEqual([
      ['Charge', undefined, 'r000001', '10.10', '02/03/2026'],
      ['Payment', 'ACH', 'r000001', '20.95', '02/03/2026'],
    ]);
    const sync = await manualSync(harness, foreignId);
    expect(
      sync.events
        .filter((e) => e.data.root_job_id === sync.syncId && e.trigger === 'DATA_NEW')
        .map((e) => [e.data.object, e.data.payload.x_id, e.data.payload.amount_in_cents])
        .sort(),
    ).toEqual(
      [
        [OBJECT.charges, fresh[0].detail.TransactionID, 1010],
        [OBJECT.payments, fresh[1].detail.TransactionID, 2095],
      ].sort(),
    );
  });
});

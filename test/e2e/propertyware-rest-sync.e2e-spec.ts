import request from 'supertest';
import { startPropertywareRestSandboxServer } from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import {
  FOREIGN_PW_CREDENTIALS,
  PROPERTY_TYPES,
  startForeignPropertywareRestServer,
} from '../support/foreign-propertyware-rest-server';
import {
  authHeader,
  day,
  digits,
  firstSync,
  manualSync,
  quarantined,
  readAll,
  readAllModels,
  readQuarantine,
  readUnknownValues,
  recordCount,
  sandboxControl,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync-helpers';

const CREDENTIALS = { clientId: 'pw-e2e-client', clientSecret: 'pw-e2e-secret', systemId: '31337' };
/** The statuses the spec names, and an organization's own one (OTHER). */
const STATUS: Record<string, string> = {
  Active: 'ACTIVE',
  'Active - Notice Given': 'ACTIVE',
  Draft: 'PENDING',
  Terminated: 'INACTIVE',
  Eviction: 'EVICTED',
  Holdover: 'OTHER',
};
/** propertyType codes and display strings -> type_normalized. */
const TYPE: Record<string, string> = {
  NONE: 'OTHER',
  APARTMENT: 'MULTI_FAMILY',
  CONDO: 'MULTI_FAMILY',
  COMMERCIAL: 'COMMERCIAL',
  DU_FOUR_PLEX: 'MULTI_FAMILY',
  HOUSE: 'SINGLE_FAMILY',
  SECTION_8_AFFORDABLE: 'MULTI_FAMILY',
  SENIOR: 'MULTI_FAMILY',
  SHORT_TERM_VACATION: 'VACATION',
  STUDENT: 'STUDENT_HOUSING',
  TOWNHOUSE: 'MULTI_FAMILY',
  OTHER: 'OTHER',
  None: 'OTHER',
  Apartment: 'MULTI_FAMILY',
  Condo: 'MULTI_FAMILY',
  Commercial: 'COMMERCIAL',
  'Du/Fourplex': 'MULTI_FAMILY',
  House: 'SINGLE_FAMILY',
  'Section 8/Affordable': 'MULTI_FAMILY',
  Senior: 'MULTI_FAMILY',
  'Short-term/vacation': 'VACATION',
  Student: 'STUDENT_HOUSING',
  Townhouse: 'MULTI_FAMILY',
  Other: 'OTHER',
};
const PHONES = [
  ['mobilePhone', 'MOBILE'],
  ['homePhone', 'HOME'],
  ['workPhone', 'WORK'],
  ['otherPhone', 'OTHER'],
] as const;

/** Payment.paymentType -> payment_method_normalized (the vendor file's table), for the types the sources serve. */
const METHOD: Record<string, string> = {
  CHECK: 'CHECK',
  NACHA: 'ELECTRONICPAYMENT',
  ECHECK: 'ELECTRONICPAYMENT',
  CREDIT_CARD: 'CREDITCARD',
  CASH: 'CASH',
  MONEY_ORDER: 'MONEYORDER',
  PAYMENT_TYPE_NA: 'OTHER',
};
const inCents = (amount: number) => Math.round(amount * 100);
const midnight = (date: string | undefined) => (date ? `${date}T00:00:00.000Z` : null);

/** A Propertyware account's records as its server holds them. */
interface Source {
  units: any[];
  leases: any[];
  workorders: any[];
  charges: any[];
  payments: any[];
}

/**
 * Service requests, charges and payments as cached must be exactly the source's (models.md §5, written here from
 * the vendor file, not from the mapper): ids, links, amounts in cents, statuses; a hidden recharge (dated as its
 * parent) left out. And for every lease, Σ charges − Σ payments = the source's leaseBalance (issue 21's check).
 */
async function expectSameLedgerAndRequests(app: SyncHarness['app'], integrationId: string, source: Source) {
  const ids = async (model: string) =>
    new Map((await readAll(app, model, integrationId)).map((r) => [r.x_id, r.id] as [string, string]));
  const [properties, units, leases, residents] = [
    await ids('properties'),
    await ids('units'),
    await ids('leases'),
    await ids('residents'),
  ];
  const ref = (map: Map<string, string>, xId: number | string | undefined | null) =>
    xId == null ? null : (map.get(String(xId)) ?? null);
  const unitName = new Map(source.units.map((u) => [u.id, u.name]));

  const requests = await readAll(app, 'service-requests', integrationId);
  expect(requests.map((r) => r.x_id).sort()).toEqual(source.workorders.map((w) => String(w.id)).sort());
  const requestOf = new Map(requests.map((r) => [r.x_id, r]));
  for (const w of source.workorders) {
    const unitId = w.unitID ?? w.unitIDs?.[0];
    const r = requestOf.get(String(w.id));
    expect(r).toMatchObject({
      x_property_id: String(w.buildingID),
      property_id: ref(properties, w.buildingID),
      x_unit_id: unitId === undefined ? null : String(unitId),
      unit_id: ref(units, unitId),
      unit_number: unitId === undefined ? null : unitName.get(unitId),
      order_number: String(w.number),
      status_raw: w.status,
      service_priority: w.priority ?? null,
      service_category: w.category ?? null,
      service_description: w.description,
      service_details: w.description,
      access_is_authorized: w.authorizeEnter == null ? null : w.authorizeEnter !== 'NO',
      date_created: new Date(w.createdDateTime).toISOString(),
      date_scheduled: w.dateToEnter ? new Date(w.dateToEnter).toISOString() : null,
      date_completed: midnight(w.completedDate),
      employee_id: null,
      history: [],
      employees: [],
    });
    expect(r.vendors.map((v: any) => v.vendor_id)).toEqual(w.assignedVendors.map((v: any) => String(v.id)));
  }

  const chargeById = new Map(source.charges.map((c) => [c.id, c]));
  const hidden = (c: any) => c.parentTxID != null && chargeById.get(c.parentTxID)?.date === c.date;
  const leaseOf = new Map(source.leases.map((l) => [l.id, l]));
  const place = (leaseID: number) => ({
    x_lease_id: String(leaseID),
    lease_id: ref(leases, leaseID),
    x_property_id: String(leaseOf.get(leaseID).buildingID),
    property_id: ref(properties, leaseOf.get(leaseID).buildingID),
    x_unit_id: String(leaseOf.get(leaseID).unitID),
    unit_id: ref(units, leaseOf.get(leaseID).unitID),
  });
  const charges = await readAll(app, 'resident-charges', integrationId);
  const payments = await readAll(app, 'resident-payments', integrationId);
  const paymentIds = new Map(payments.map((p) => [p.x_id, p.id]));
  const visible = source.charges.filter((c) => !hidden(c));
  expect(charges.map((c) => c.x_id).sort()).toEqual(visible.map((c) => String(c.id)).sort());
  const chargeOf = new Map(charges.map((c) => [c.x_id, c]));
  for (const c of visible) {
    const cached = chargeOf.get(String(c.id));
    expect(cached).toMatchObject({
      ...place(c.leaseID),
      amount_in_cents: inCents(c.amount),
      amount_raw: String(c.amount),
      amount_open_in_cents: inCents(c.amountDue),
      amount_paid_in_cents: inCents(c.amountPaid),
      is_open: c.amountDue > 0,
      x_gl_account_id: String(c.glAccountID),
      description: c.comments ?? null,
      reference_number: c.refNo ?? null,
      transaction_date: midnight(c.date),
      resident_id: null,
    });
    expect(
      cached.allocations.map((a: any) => [
        a.x_source_id,
        a.x_destination_id,
        a.amount_in_cents,
        a.resident_payment_id,
        a.resident_charge_id,
      ]),
    ).toEqual(
      c.payments.map((p: any) => [
        String(p.id),
        String(c.id),
        inCents(p.chargeAmountPaid),
        paymentIds.get(String(p.id)),
        cached.id,
      ]),
    );
  }
  expect(payments.map((p) => p.x_id).sort()).toEqual(source.payments.map((p) => String(p.id)).sort());
  const paymentOf = new Map(payments.map((p) => [p.x_id, p]));
  for (const p of source.payments)
    expect(paymentOf.get(String(p.id))).toMatchObject({
      ...place(p.leaseID),
      x_resident_id: String(p.contactID),
      resident_id: ref(residents, p.contactID),
      amount_in_cents: inCents(p.amount),
      amount_raw: String(p.amount),
      payment_method_raw: p.paymentType,
      payment_method_normalized: METHOD[p.paymentType],
      reference_number: p.refNo ?? null,
      description: p.comments ?? null,
      transaction_date: midnight(p.date),
      allocations: [],
    });

  // Issue 21's check: in Latchkey, each lease's charges less its payments is the source's balance of that lease.
  const sumBy = (records: any[]) => {
    const sums = new Map<string, number>();
    for (const r of records) sums.set(r.x_lease_id, (sums.get(r.x_lease_id) ?? 0) + r.amount_in_cents);
    return sums;
  };
  const [charged, paid] = [sumBy(charges), sumBy(payments)];
  expect(source.leases.map((l) => [l.id, (charged.get(String(l.id)) ?? 0) - (paid.get(String(l.id)) ?? 0)])).toEqual(
    source.leases.map((l) => [l.id, inCents(l.leaseBalance ?? 0)]),
  );
  expect(source.payments.some((p) => p.amount < 0) || source.charges.some(hidden)).toBe(true);
}

/** PROPERTYWARE_REST end to end: the real app syncing from our simulator, a misbehaving one, and a foreign server. */
describe('Propertyware REST sync', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startPropertywareRestSandboxServer>>;
  let integrationId: string;
  const auth = () => authHeader(harness.app);

  beforeAll(async () => {
    sandbox = await startPropertywareRestSandboxServer({ residents: 400, seed: 21, credentials: [CREDENTIALS] });
    harness = await startSyncHarness({
      name: 'propertyware-rest',
      vendor: 'PROPERTYWARE_REST',
      env: { SYNC_RETRY_BASE_MS: '200' },
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
  });

  it("first sync caches every tenant, lease, unit and building, as Propexo's spec describes them", async () => {
    const first = await firstSync(harness, 'Acme Propertyware', sandbox.url, CREDENTIALS);
    integrationId = first.id;
    expect(first.done).toMatchObject({
      vendor: 'PROPERTYWARE_REST',
      successful_job_count: 7,
      failed_job_count: 0,
      is_sync_finished: true,
    });

    const { contacts, leases, units, buildings } = sandbox.sandbox.data;
    const onLease = new Set(leases.flatMap((l) => l.contacts.map((c: any) => c.id)));
    const tenants = contacts.filter((c) => c.type === 'TENANT' && onLease.has(c.id));
    const { residents } = await readAllModels(harness.app, integrationId); // every list, validated against Propexo's schemas
    expect(residents).toHaveLength(tenants.length); // owners and prospects are contacts, not residents
    // A tenant on no lease has no building in Propertyware: quarantined (Propexo's resident needs a property), never invented.
    const leaseless = contacts.filter((c) => c.type === 'TENANT' && !onLease.has(c.id));
    expect(leaseless.length).toBeGreaterThan(0);
    const quarantine = await readQuarantine(harness.app, integrationId);
    expect(quarantined(quarantine)).toEqual(leaseless.map((c) => ['residents', String(c.id)]).sort());
    for (const q of quarantine.results) expect(q.reason).toMatch(/on no lease/);
    // Prospects are applicants: none among the residents.
    const prospects = new Set(contacts.filter((c) => c.type === 'PROSPECT').map((c) => String(c.id)));
    expect(prospects.size).toBeGreaterThan(0);
    expect(residents.filter((r) => prospects.has(r.x_id))).toEqual([]);
    const residentByXId = new Map(residents.map((r) => [r.x_id, r]));
    for (const t of tenants) {
      const r = residentByXId.get(String(t.id));
      expect(r).toMatchObject({
        integration_vendor: 'PROPERTYWARE_REST',
        first_name: t.firstName,
        last_name: t.lastName,
        middle_name: t.middleName ?? null,
      });
      expect(r.email_1).toBe(t.email?.toLowerCase() ?? null);
      expect(r.email_2).toBe(t.altEmail?.toLowerCase() ?? null);
      const filled = PHONES.filter(([field]) => t[field]);
      expect([digits(r.phone_1), digits(r.phone_2)]).toEqual([
        digits(t[filled[0]?.[0] ?? '']),
        digits(t[filled[1]?.[0] ?? '']),
      ]);
      expect([r.phone_1_type, r.phone_2_type]).toEqual([filled[0]?.[1] ?? 'OTHER', filled[1]?.[1] ?? 'OTHER']);
      expect(day(r.date_of_birth)).toBe(t.birthDate ?? null);
      expect([r.address_1, r.city, r.state, r.zip]).toEqual([
        t.address.address,
        t.address.city,
        t.address.stateRegion,
        t.address.postalCode,
      ]);
      // Placed by a lease naming the contact (the client's hydration from /leases).
      const lease = leases.find((l) => String(l.id) === r.x_lease_id);
      expect(lease?.contacts.some((c: any) => c.id === t.id)).toBe(true);
      expect(r.x_property_id).toBe(String(lease!.buildingID));
    }

    const cachedLeases = await readAll(harness.app, 'leases', integrationId);
    expect(cachedLeases).toHaveLength(leases.length);
    const leaseByXId = new Map(cachedLeases.map((l) => [l.x_id, l]));
    const residentXId = new Map(residents.map((r) => [r.id, r.x_id]));
    for (const lease of leases) {
      const l = leaseByXId.get(String(lease.id));
      expect(l).toMatchObject({
        x_property_id: String(lease.buildingID),
        x_unit_id: String(lease.unitID),
        status_raw: lease.status,
        status_normalized: STATUS[lease.status],
      });
      expect(l.rent_amount_in_cents).toBe(Math.round(lease.baseRent * 100));
      expect([day(l.start_date), day(l.end_date), day(l.realized_move_out_date)]).toEqual([
        lease.startDate,
        lease.endDate,
        lease.moveOutDate ?? null,
      ]);
      expect(l.residents_meta_data.map((m: any) => residentXId.get(m.resident_id)).sort()).toEqual(
        lease.contacts.map((c: any) => String(c.id)).sort(),
      );
    }

    const properties = await readAll(harness.app, 'properties', integrationId);
    expect(properties).toHaveLength(buildings.length); // deactivated buildings included, as is_active false
    expect(properties.filter((p) => p.is_active === false)).toHaveLength(buildings.filter((b) => !b.active).length);
    const building = buildings.find((b) => b.propertyType === 'Du/Fourplex')!;
    expect(properties.find((p) => p.x_id === String(building.id))).toMatchObject({
      name: building.name,
      type_raw: 'Du/Fourplex',
      type_normalized: 'MULTI_FAMILY',
      number_of_units: building.countUnit,
    });
    const propertyById = new Map(properties.map((p) => [p.x_id, p]));
    for (const b of buildings)
      expect([b.propertyType, propertyById.get(String(b.id)).type_normalized]).toEqual([
        b.propertyType,
        TYPE[b.propertyType],
      ]);
    // The one status no table knows is reported with its count; every spec value is mapped.
    const unknown = await readUnknownValues(harness.app, integrationId);
    expect(unknown.map((u: any) => [u.model, u.field, u.value, u.mapped_to, u.occurrences])).toEqual([
      ['leases', 'status_normalized', 'Holdover', 'OTHER', leases.filter((l) => l.status === 'Holdover').length],
    ]);
    const cachedUnits = await readAll(harness.app, 'units', integrationId);
    expect(cachedUnits).toHaveLength(units.length);
    const unit = units[0];
    expect(cachedUnits.find((u) => u.x_id === String(unit.id))).toMatchObject({
      number: unit.name,
      x_property_id: String(unit.buildingID),
      bedrooms: String(unit.numberOfBedrooms),
      rent_amount_market_in_cents: Math.round(unit.targetRent * 100),
      is_vacant: unit.status === 'Vacant',
    });
  });

  it("caches every work order, charge (with its allocations) and payment exactly; each lease's charges less payments is its balance", async () => {
    await expectSameLedgerAndRequests(harness.app, integrationId, sandbox.sandbox.data);
  });

  it('a mutate at the source (work orders, charges, payments) gives exactly the DATA_NEW and DATA_UPDATE events of what changed', async () => {
    const { data } = sandbox.sandbox;
    const OBJECT = {
      workorders: 'service-requests',
      charges: 'resident-charges',
      payments: 'resident-payments',
      leases: 'leases',
    } as const;
    const snapshot = () =>
      Object.fromEntries(
        Object.keys(OBJECT).map((kind) => [
          kind,
          new Map(
            (data[kind as keyof typeof OBJECT] as any[]).map(({ lastModifiedDateTime: _t, ...r }) => [
              r.id,
              JSON.stringify(r),
            ]),
          ),
        ]),
      );
    const before = snapshot();
    await sandboxControl(sandbox.url)('POST', 'mutate', { workorders: 2, charges: 2, payments: 3 });
    const after = snapshot();
    const expected = Object.entries(OBJECT).flatMap(([kind, object]) =>
      [...after[kind]].flatMap(([id, json]) =>
        !before[kind].has(id)
          ? [`DATA_NEW ${object} ${id}`]
          : before[kind].get(id) !== json
            ? [`DATA_UPDATE ${object} ${id}`]
            : [],
      ),
    );
    // Two new charges, three payments, the charges the payments paid and the leases whose balance moved.
    expect(expected.filter((e) => e.startsWith('DATA_NEW')).length).toBe(5);
    expect(expected.some((e) => e.startsWith('DATA_UPDATE resident-charges'))).toBe(true);
    expect(expected.filter((e) => e.startsWith('DATA_UPDATE leases')).length).toBeGreaterThan(0);

    const events = (await manualSync(harness, integrationId, { settleMs: 500 })).events.filter((e) =>
      e.trigger.startsWith('DATA_'),
    );
    expect(events.map((e) => `${e.trigger} ${e.data.object} ${e.data.payload.x_id}`).sort()).toEqual(expected.sort());
    // A new payment's allocation is on the charge it paid, whose open amount went down by it.
    const paid = events.find((e) => e.trigger === 'DATA_UPDATE' && e.data.object === 'resident-charges');
    expect(paid.data.diff.new).toHaveProperty('amount_open_in_cents');
    expect(paid.data.diff.new).toHaveProperty('allocations');
    await expectSameLedgerAndRequests(harness.app, integrationId, data);
  });

  it('a change sync sends DATA_UPDATE with the diff and DATA_NEW for what was added, the new link included', async () => {
    const control = sandboxControl(sandbox.url);
    const [renamed] = sandbox.sandbox.data.contacts;
    const lease = sandbox.sandbox.data.leases[3];
    const before = { firstName: renamed.firstName, rent: Math.round(lease.baseRent * 100) };
    await control('PATCH', `contacts/${renamed.id}`, { firstName: 'Renata' });
    await control('PATCH', `leases/${lease.id}`, { baseRent: 2468.02 });
    const added = await control('POST', 'contacts', {
      firstName: 'Nova',
      lastName: 'Tenant',
      mobilePhone: '(802) 555-0142',
      email: 'Nova@Example.com',
    });
    await control('PATCH', `leases/${lease.id}`, {
      contacts: [...lease.contacts, { id: added.id, primary: false, role: 'Tenant' }],
    });

    const events = (await manualSync(harness, integrationId, { settleMs: 500 })).events.filter((e) =>
      e.trigger.startsWith('DATA_'),
    );

    // A record by its vendor id; a link (model residents_to_leases) by its lease's and its resident's.
    const vendorIds = ({ x_id, x_lease_id, x_resident_id }: Record<string, string>) =>
      x_id ?? `${x_lease_id} ${x_resident_id}`;
    expect(events.map((e) => `${e.trigger} ${e.data.object} ${vendorIds(e.data.payload)}`).sort()).toEqual(
      [
        `DATA_NEW residents ${added.id}`,
        `DATA_UPDATE leases ${lease.id}`,
        `DATA_UPDATE residents ${renamed.id}`,
        // The added contact is on the lease: that link is new too.
        `DATA_NEW residents-to-leases ${lease.id} ${added.id}`,
      ].sort(),
    );
    const byXId = new Map(events.map((e) => [vendorIds(e.data.payload), e.data]));
    expect(byXId.get(String(renamed.id)).diff).toEqual({
      new: { first_name: 'Renata' },
      previous: { first_name: before.firstName },
    });
    expect(byXId.get(String(lease.id)).diff).toEqual({
      new: { rent_amount_in_cents: 246802 },
      previous: { rent_amount_in_cents: before.rent },
    });
    expect(byXId.get(String(added.id))).toMatchObject({
      job_type: 'READ_RESIDENTS',
      vendor: 'PROPERTYWARE_REST',
      payload: { first_name: 'Nova', email_1: 'nova@example.com', phone_1: '8025550142', phone_1_type: 'MOBILE' },
    });
    // The link joins the two records just reported, as Connect's residents_to_leases stream has it.
    const residentId = byXId.get(String(added.id)).record_id;
    const leaseId = byXId.get(String(lease.id)).record_id;
    const link = events.find((e) => e.data.object === 'residents-to-leases');
    expect(link.meta).toEqual({ object: 'residents-to-leases', integration_id: integrationId });
    expect(link.data).toMatchObject({
      record_id: `${leaseId}:${residentId}`,
      job_type: expect.stringMatching(/^READ_(RESIDENTS|LEASES)$/),
      vendor: 'PROPERTYWARE_REST',
      payload: {
        id: `${leaseId}:${residentId}`,
        lease_id: leaseId,
        resident_id: residentId,
        x_lease_id: String(lease.id),
        x_resident_id: String(added.id),
        x_resident_type: 'Tenant',
        resident_type_normalized: 'SECONDARY',
        integration_id: integrationId,
      },
    });
    // Its details are those the read API now shows for the resident on the lease.
    const shown = (await request(harness.app.url).get(`/v1/leases/${leaseId}`).set(auth())).body.results;
    const {
      lease_status_normalized: _status,
      deleted_at: _deleted,
      ...details
    } = shown.residents_meta_data.find((m: any) => m.resident_id === residentId);
    expect(link.data.payload).toMatchObject(details);
  });

  it('a sync through two 429s, a 500 and a malformed record finishes, keeps every good record and quarantines the bad one', async () => {
    const flaky = await startPropertywareRestSandboxServer({ residents: 150, seed: 22, credentials: [CREDENTIALS] });
    try {
      const { faults, data } = flaky.sandbox;
      faults.add({ path: '/units', status: 429, times: 2 });
      faults.add({ path: '/leases', status: 500, times: 1 });
      faults.add({ path: '/contacts', malformed: { index: 3, field: 'birthDate', value: 'next spring' }, times: 1 });
      const bad = data.contacts[3];

      const { id, done } = await firstSync(harness, 'Flaky Propertyware', flaky.url, CREDENTIALS);
      expect(done).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
      expect(faults.list()).toEqual([]); // every fault was met, and retried past

      const onLease = new Set(data.leases.flatMap((l) => l.contacts.map((c: any) => c.id)));
      const leaseless = data.contacts.filter((c) => c.type === 'TENANT' && !onLease.has(c.id)).length;
      expect(await recordCount(harness.app, 'residents', id)).toBe(
        data.contacts.filter((c) => c.type === 'TENANT').length - leaseless - 1,
      );
      expect(await recordCount(harness.app, 'leases', id)).toBe(data.leases.length);
      expect(await recordCount(harness.app, 'units', id)).toBe(data.units.length);
      expect(await recordCount(harness.app, 'properties', id)).toBe(data.buildings.length);

      const quarantine = await readQuarantine(harness.app, id);
      expect(quarantine.meta.total).toBe(1 + leaseless);
      const malformed = quarantine.results.find((q: any) => q.x_id === String(bad.id));
      expect(malformed).toMatchObject({
        model: 'residents',
        x_id: String(bad.id),
        raw: { id: bad.id, birthDate: 'next spring' },
      });
      expect(malformed.reason).toMatch(/birthDate/);
      const neighbour = await request(harness.app.url)
        .get('/v1/residents/')
        .query({ integration_id: id, x_id: String(data.contacts[4].id) })
        .set(auth());
      expect(neighbour.body.meta.total).toBe(1);
    } finally {
      await flaky.close();
    }
  });

  it('syncs from an independent server of the same contract and caches exactly its records', async () => {
    const foreign = await startForeignPropertywareRestServer();
    try {
      const { id, done } = await firstSync(harness, 'Foreign Propertyware', foreign.url, FOREIGN_PW_CREDENTIALS);
      expect(done).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
      expect(foreign.log.some((r) => r.status === 429)).toBe(true);

      const pick = (records: any[], fields: string[]) =>
        records.map((r) => Object.fromEntries(['x_id', ...fields].map((f) => [f, r[f]])));
      const all = await readAllModels(harness.app, id); // every list, validated against Propexo's schemas
      const typed = all.properties.filter((p) => p.name.startsWith('Type test '));
      expect(typed.map((p) => [p.type_raw, p.type_normalized]).sort()).toEqual(
        PROPERTY_TYPES.map((t) => [t, TYPE[t]]).sort(),
      );
      const properties = all.properties.filter((p) => !typed.includes(p));
      expect(
        pick(properties, [
          'name',
          'code',
          'is_active',
          'type_raw',
          'type_normalized',
          'square_feet',
          'year_built',
          'address_1',
          'address_2',
          'city',
          'zip',
          'country',
          'manager_name',
          'manager_email',
          'custom_data',
        ]),
      ).toEqual([
        {
          x_id: '61002',
          name: 'Mill Race Cottages',
          code: null,
          is_active: false,
          type_raw: 'Single Family',
          type_normalized: 'OTHER',
          square_feet: null,
          year_built: null,
          address_1: '1 Mill Race Ln',
          address_2: 'Lot 4',
          city: 'Bristol',
          zip: '05443',
          country: 'United States',
          manager_name: null,
          manager_email: null,
          custom_data: { portfolio_id: '90017' },
        },
        {
          x_id: '77003',
          name: 'Ødegaard Lofts',
          code: 'ODL',
          is_active: true,
          type_raw: 'SHORT_TERM_VACATION',
          type_normalized: 'VACATION',
          square_feet: 5400,
          year_built: 1899,
          address_1: '9 Rue Sainte-Catherine',
          address_2: null,
          city: 'Burlington',
          zip: '05401',
          country: 'United States',
          manager_name: 'Siobhán Ní Bhriain',
          manager_email: 'siobhan@pm.example',
          custom_data: { portfolio_id: '90017' },
        },
      ]);
      const units = all.units;
      expect(
        pick(units, [
          'x_property_id',
          'number',
          'bedrooms',
          'bathrooms',
          'bathrooms_full',
          'bathrooms_half',
          'square_feet',
          'rent_amount_market_in_cents',
          'is_vacant',
        ]),
      ).toEqual([
        {
          x_id: '8799',
          x_property_id: '77003',
          number: 'Loft B',
          bedrooms: '3',
          bathrooms: '2.5',
          bathrooms_full: 2,
          bathrooms_half: 1,
          square_feet: 1400,
          rent_amount_market_in_cents: 333333,
          is_vacant: true,
        },
        {
          x_id: '8801',
          x_property_id: '77003',
          number: 'Loft A',
          bedrooms: '1',
          bathrooms: '1',
          bathrooms_full: 1,
          bathrooms_half: 0,
          square_feet: 624,
          rent_amount_market_in_cents: 210000,
          is_vacant: false,
        },
        {
          x_id: '8805',
          x_property_id: '61002',
          number: 'Cottage',
          bedrooms: '2',
          bathrooms: '1',
          bathrooms_full: 1,
          bathrooms_half: 0,
          square_feet: null,
          rent_amount_market_in_cents: null,
          is_vacant: true,
        },
      ]);
      const everyResident = all.residents;
      expect(pick(everyResident, ['x_lease_id', 'x_property_id'])).toEqual([
        { x_id: '2990', x_lease_id: '550021', x_property_id: '77003' },
        { x_id: '3007', x_lease_id: '550021', x_property_id: '77003' },
        { x_id: '3011', x_lease_id: '550020', x_property_id: '61002' },
        { x_id: '3020', x_lease_id: '550030', x_property_id: '77003' },
        { x_id: '3021', x_lease_id: '550031', x_property_id: '61002' },
        { x_id: '3022', x_lease_id: '550032', x_property_id: '77003' },
        { x_id: '3023', x_lease_id: '550033', x_property_id: '77003' },
      ]);
      // The tenant on no lease is quarantined with the reason; the prospect is no resident at all.
      const quarantine = await readQuarantine(harness.app, id);
      expect(quarantined(quarantine)).toEqual([['residents', '3015']]);
      expect(quarantine.results[0].reason).toMatch(/on no lease/);
      const residents = everyResident.filter((r) => Number(r.x_id) < 3020);
      expect(
        pick(residents, [
          'first_name',
          'middle_name',
          'last_name',
          'email_1',
          'email_2',
          'phone_1',
          'phone_1_type',
          'phone_2',
          'phone_2_type',
          'date_of_birth',
          'address_2',
          'notes',
        ]),
      ).toEqual([
        {
          x_id: '2990',
          first_name: 'Thảo',
          middle_name: 'Minh',
          last_name: 'Nguyễn',
          email_1: null,
          email_2: 'thao@example.vn',
          phone_1: '8025550150',
          phone_1_type: 'HOME',
          phone_2: '+84 28 3823 4567',
          phone_2_type: 'OTHER',
          date_of_birth: null,
          address_2: null,
          notes: null,
        },
        {
          x_id: '3007',
          first_name: 'Łukasz',
          middle_name: null,
          last_name: 'Kowalczyk',
          email_1: 'lukasz.k@example.pl',
          email_2: null,
          phone_1: '8025550107',
          phone_1_type: 'MOBILE',
          phone_2: '8025550199',
          phone_2_type: 'WORK',
          date_of_birth: '1979-12-31T00:00:00.000Z',
          address_2: 'Loft A',
          notes: null,
        },
        {
          x_id: '3011',
          first_name: "D'Andre",
          middle_name: null,
          last_name: 'St. John',
          email_1: 'dandre@example.com',
          email_2: null,
          phone_1: '8025550123',
          phone_1_type: 'WORK',
          phone_2: null,
          phone_2_type: 'OTHER',
          date_of_birth: null,
          address_2: null,
          notes: 'Moved out; forwarding address on file.',
        },
      ]);
      const everyLease = all.leases;
      expect(
        pick(
          everyLease.filter((l) => Number(l.x_id) >= 550030),
          ['status_raw', 'status_normalized'],
        ),
      ).toEqual([
        { x_id: '550030', status_raw: 'Draft', status_normalized: 'PENDING' },
        { x_id: '550031', status_raw: 'Eviction', status_normalized: 'EVICTED' },
        { x_id: '550032', status_raw: 'Terminated', status_normalized: 'INACTIVE' },
        { x_id: '550033', status_raw: 'Active - Notice Given', status_normalized: 'ACTIVE' },
        { x_id: '550034', status_raw: 'Month-to-Month Holdover', status_normalized: 'OTHER' },
      ]);
      // Values no table knows: kept raw, stored as OTHER, and reported per field and value with their counts.
      const unknown = await readUnknownValues(harness.app, id);
      expect(unknown.map((u: any) => [u.model, u.field, u.value, u.mapped_to, u.occurrences])).toEqual([
        ['leases', 'resident_type_normalized', 'Roommate', 'OTHER', 1],
        ['leases', 'status_normalized', 'Month-to-Month Holdover', 'OTHER', 2],
        ['properties', 'type_normalized', 'Single Family', 'OTHER', 1],
      ]);
      expect(['550020', '550034']).toContain(unknown[1].sample_x_id);
      const leases = everyLease.filter((l) => Number(l.x_id) < 550030);
      expect(
        pick(leases, [
          'x_property_id',
          'x_unit_id',
          'x_resident_id',
          'status_raw',
          'status_normalized',
          'start_date',
          'end_date',
          'realized_move_in_date',
          'realized_move_out_date',
          'rent_amount_in_cents',
          'balance_amount_in_cents',
        ]),
      ).toEqual([
        {
          x_id: '550020',
          x_property_id: '61002',
          x_unit_id: '8805',
          x_resident_id: '3011',
          status_raw: 'Month-to-Month Holdover',
          status_normalized: 'OTHER',
          start_date: '2019-06-01T00:00:00.000Z',
          end_date: null,
          realized_move_in_date: null,
          realized_move_out_date: '2025-10-31T00:00:00.000Z',
          rent_amount_in_cents: 115000,
          balance_amount_in_cents: null,
        },
        {
          x_id: '550021',
          x_property_id: '77003',
          x_unit_id: '8801',
          x_resident_id: '3007',
          status_raw: 'Active',
          status_normalized: 'ACTIVE',
          start_date: '2025-02-28T00:00:00.000Z',
          end_date: '2026-02-27T00:00:00.000Z',
          realized_move_in_date: '2025-03-01T00:00:00.000Z',
          realized_move_out_date: null,
          rent_amount_in_cents: 210000,
          balance_amount_in_cents: 9876653210,
        },
      ]);
      await expectSameLedgerAndRequests(harness.app, id, foreign.data);
      const residentXId = new Map(residents.map((r) => [r.id, r.x_id]));
      expect(
        leases[0].residents_meta_data.map((m: any) => [
          residentXId.get(m.resident_id),
          day(m.notice_date),
          day(m.move_out_date),
        ]),
      ).toEqual([['3011', '2025-09-30', '2025-10-31']]);
      expect(leases[1].residents_meta_data.map((m: any) => residentXId.get(m.resident_id)).sort()).toEqual([
        '2990',
        '3007',
      ]);
    } finally {
      await foreign.close();
    }
  });
});

import request from 'supertest';
import { startEntrataSandboxServer } from '../../src/sandbox/entrata/entrata-sandbox';
import {
  FOREIGN_ENTRATA_CREDENTIALS,
  startForeignEntrataServer,
  type ForeignEntrataServer,
} from '../support/foreign-entrata-server';
import { assertValid } from '../support/propexo-schema';
import {
  authHeader,
  day,
  digits,
  firstSync,
  manualSync,
  readAll,
  readAllModels,
  readQuarantine,
  readUnknownValues,
  recordCount,
  sandboxControl,
  startSyncHarness,
  SYNC_TRIGGERS,
  type SyncHarness,
} from '../support/sync-helpers';

const CREDENTIALS = { apiKey: 'entrata-e2e-key', companyId: 'acme' };
/** leaseIntervalStatus -> status_normalized; an Applicant interval is an application, no lease. */
const STATUS: Record<string, string> = {
  Current: 'ACTIVE',
  Notice: 'ACTIVE',
  Future: 'PENDING',
  Past: 'INACTIVE',
  Cancelled: 'INACTIVE',
};
/** The sandbox's data split as a sync must: applications (Applicant leases) and their customers apart. */
function residentsAndLeases(data: { customers: any[]; leases: any[] }) {
  const applications = new Set(
    data.leases.filter((l) => l.leaseIntervalStatus === 'Applicant').map((l) => Number(l.id)),
  );
  return {
    customers: data.customers.filter((c) => !applications.has(Number(c.LeaseId))),
    applicants: data.customers.filter((c) => applications.has(Number(c.LeaseId))),
    leases: data.leases.filter((l) => !applications.has(Number(l.id))),
    applications: data.leases.filter((l) => applications.has(Number(l.id))),
  };
}
/** MM/DD/YYYY -> YYYY-MM-DD. */
const isoDay = (us: string | undefined) => (us ? `${us.slice(6, 10)}-${us.slice(0, 2)}-${us.slice(3, 5)}` : null);
const cents = (text: string | undefined) => (text === undefined ? null : Math.round(Number(text) * 100));
const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
/** An instant as US Mountain wall time, MM/DD/YYYY HH:MM:SS (what Entrata sent). */
const mountainWallTime = (iso: string) => {
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

/** ENTRATA end to end: the real app syncing from our simulator, through faults, and from a foreign server. */
describe('Entrata sync', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startEntrataSandboxServer>>;
  let foreign: ForeignEntrataServer;
  let integrationId: string;
  const auth = () => authHeader(harness.app);
  /** The default request budget (100) counted per second. */
  const PER_SECOND = { max_request_cadence: 'SECOND' };

  beforeAll(async () => {
    sandbox = await startEntrataSandboxServer({ residents: 400, seed: 21, credentials: [CREDENTIALS] });
    foreign = await startForeignEntrataServer();
    harness = await startSyncHarness({
      name: 'entrata',
      vendor: 'ENTRATA',
      env: { SYNC_RETRY_BASE_MS: '200' },
      triggers: [...SYNC_TRIGGERS, 'DATA_DELETED'],
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await foreign?.close();
  });

  it("first sync caches every customer, lease, unit and property as Propexo's spec describes them", async () => {
    const first = await firstSync(harness, 'Acme Entrata', sandbox.url, CREDENTIALS, PER_SECOND);
    integrationId = first.id;
    expect(first.done).toMatchObject({
      vendor: 'ENTRATA',
      successful_job_count: 7,
      failed_job_count: 0,
      is_sync_finished: true,
    });

    const { units, properties } = sandbox.sandbox.data;
    const { customers, leases, applicants, applications } = residentsAndLeases(sandbox.sandbox.data);
    expect([applicants.length, applications.length].every((n) => n > 0)).toBe(true);
    const leaseById = new Map(leases.map((l) => [Number(l.id), l]));
    const all = await readAllModels(harness.app, integrationId); // every list, validated against Propexo's schemas
    const residents = all.residents;
    expect(residents).toHaveLength(customers.length);
    // getCustomers lists applicants too (it takes no status): customers on Applicant leases only are applicants, and
    // those leases applications, told apart by getLeases. Neither is synced.
    const applicantIds = new Set(applicants.map((c) => c['@attributes'].Id));
    expect(residents.filter((r) => applicantIds.has(r.x_id))).toEqual([]);
    expect(all.leases.filter((l) => applications.some((a) => a.id === l.x_id))).toEqual([]);
    const residentByXId = new Map(residents.map((r) => [r.x_id, r]));
    for (const c of customers) {
      const r = residentByXId.get(c['@attributes'].Id);
      expect(r).toMatchObject({
        integration_vendor: 'ENTRATA',
        first_name: c.FirstName,
        middle_name: c.MiddleName ?? null,
        last_name: c.LastName,
        address_1: c.Address,
      });
      expect(r.email_1).toBe(c.Email?.toLowerCase() ?? null);
      const phones = asList<any>(c.Phone);
      expect([digits(r.phone_1), digits(r.phone_2)]).toEqual([
        digits(phones[0]?.PhoneNumber),
        digits(phones[1]?.PhoneNumber),
      ]);
      expect(day(r.date_of_birth)).toBe(isoDay(c.DateOfBirth));
      expect(r.x_lease_id).toBe(String(c.LeaseId));
      expect(r.x_property_id).toBe(String(leaseById.get(c.LeaseId)!.propertyId));
    }

    const cachedLeases = await readAll(harness.app, 'leases', integrationId);
    expect(cachedLeases).toHaveLength(leases.length);
    const leaseByXId = new Map(cachedLeases.map((l) => [l.x_id, l]));
    const residentXIdById = new Map(residents.map((r) => [r.id, r.x_id]));
    for (const lease of leases) {
      const l = leaseByXId.get(lease.id);
      expect(l).toMatchObject({
        x_property_id: String(lease.propertyId),
        x_unit_id: lease.unitId,
        status_raw: lease.leaseIntervalStatus,
        status_normalized: STATUS[lease.leaseIntervalStatus],
        rent_amount_in_cents: cents(lease.rent),
      });
      expect([day(l.start_date), day(l.end_date)]).toEqual([isoDay(lease.startDate), isoDay(lease.endDate)]);
      const links = lease.customers.customer as any[];
      expect(l.residents_meta_data.map((m: any) => residentXIdById.get(m.resident_id)).sort()).toEqual(
        links.map((c) => String(c.id)).sort(),
      );
      // Notice times were Mountain wall times: the cached instants read back as exactly those.
      for (const m of l.residents_meta_data)
        expect(m.notice_date ? mountainWallTime(m.notice_date) : null).toBe(lease.noticeDate ?? null);
    }
    expect(leases.filter((l) => l.noticeDate).length).toBeGreaterThan(10);

    const cachedUnits = await readAll(harness.app, 'units', integrationId);
    expect(cachedUnits.map((u) => u.x_id).sort()).toEqual(units.map((u) => u.id).sort());
    const unit = units.find((u) => u.bathrooms === '1.5')!;
    expect(cachedUnits.find((u) => u.x_id === unit.id)).toMatchObject({
      x_property_id: String(unit.propertyId),
      number: unit.unitNumber,
      bedrooms: String(unit.bedrooms),
      bathrooms: '1.5',
      bathrooms_full: 1,
      bathrooms_half: 1,
      square_feet: unit.squareFeet,
      rent_amount_market_in_cents: cents(unit.marketRent),
      is_vacant: unit.isVacant,
    });
    const cachedProperties = await readAll(harness.app, 'properties', integrationId);
    expect(cachedProperties.map((p) => p.x_id).sort()).toEqual(properties.map((p) => String(p.PropertyID)).sort());
    for (const p of properties) {
      expect(cachedProperties.find((c) => c.x_id === String(p.PropertyID))).toMatchObject({
        name: p.MarketingName,
        address_1: p.Address.Address,
        city: p.Address.City,
        state: p.Address.State,
        zip: p.Address.PostalCode,
        is_active: p.IsDisabled === '0',
        type_raw: p.Type,
      });
    }
    // Every value the sandbox sends is one the tables know.
    expect(await readUnknownValues(harness.app, integrationId)).toEqual([]);
  });

  it("shows the rate limits Entrata reported, per API, in the spec's shape", async () => {
    const res = await request(harness.app.url).get(`/v1/admin/integrations/${integrationId}/rate-limits/`).set(auth());
    expect(res.status).toBe(200);
    assertValid('_v1_admin_integrations_{integration_id}_rate-limits__get_output', res.body);
    const limits = res.body.results.api_ratelimits;
    expect(res.body.results.integration_id).toBe(integrationId);
    expect(limits.map((l: { api: string }) => l.api).sort()).toEqual([
      'arpayments/getArPayments',
      'artransactions/getLeaseArTransactions',
      'customers/getCustomers',
      'leases/getLeases',
      'maintenance/getWorkOrderPickLists',
      'maintenance/getWorkOrders',
      'properties/getProperties',
      'propertyunits/getPropertyUnits',
    ]);
    for (const l of limits) {
      expect(l).toMatchObject({ minute_limit: 1000, hour_limit: 20000, day_limit: 100000 });
      expect(l.minute_remaining).toBeLessThan(1000);
    }
    const other = await request(harness.app.url)
      .get('/v1/admin/integrations/no-such-integration/rate-limits/')
      .set(auth());
    expect(other.status).toBe(404);
  });

  it('a later sync reports exactly the changed and new customers, and the changed rents', async () => {
    const { customers, leases } = residentsAndLeases(sandbox.sandbox.data);
    const control = sandboxControl(sandbox.url);
    const renamed = customers
      .slice(0, 3)
      .map((c, i) => ({ id: c['@attributes'].Id, before: c.FirstName, after: `Renamed${i}` }));
    for (const r of renamed) await control('PATCH', `customers/${r.id}`, { FirstName: r.after });
    const added = [
      await control('POST', 'customers', { FirstName: 'New', LastName: 'One', LeaseId: Number(leases[5]!.id) }),
      await control('POST', 'customers', { FirstName: 'New', LastName: 'Two', LeaseId: Number(leases[6]!.id) }),
    ];
    const rentLease = leases[50]!;
    const rentBefore = rentLease.rent;
    await control('PATCH', `leases/${rentLease.id}`, { rent: (Number(rentBefore) + 10).toFixed(2) });

    const { events } = await manualSync(harness, integrationId);
    const residentEvents = events.filter((e) => e.trigger.startsWith('DATA_') && e.data.object === 'residents');
    expect(
      residentEvents
        .filter((e) => e.trigger === 'DATA_NEW')
        .map((e) => e.data.payload.x_id)
        .sort(),
    ).toEqual(added.map((c) => c['@attributes'].Id).sort());
    // Each new customer's link to its lease is new too (model residents_to_leases); the renamed ones keep theirs.
    expect(
      events
        .filter((e) => e.trigger.startsWith('DATA_') && e.data.object === 'residents-to-leases')
        .map((e) => `${e.trigger} ${e.data.payload.x_lease_id} ${e.data.payload.x_resident_id}`)
        .sort(),
    ).toEqual(added.map((c) => `DATA_NEW ${c.LeaseId} ${c['@attributes'].Id}`).sort());
    const updates = residentEvents.filter((e) => e.trigger === 'DATA_UPDATE');
    expect(updates.map((e) => [e.data.payload.x_id, e.data.diff]).sort()).toEqual(
      renamed.map((r) => [r.id, { new: { first_name: r.after }, previous: { first_name: r.before } }]).sort(),
    );
    const leaseUpdates = events.filter((e) => e.trigger === 'DATA_UPDATE' && e.data.object === 'leases');
    expect(leaseUpdates.find((e) => e.data.payload.x_id === rentLease.id)?.data.diff).toEqual({
      new: { rent_amount_in_cents: cents(rentBefore)! + 1000 },
      previous: { rent_amount_in_cents: cents(rentBefore) },
    });
    expect(events.find((e) => e.trigger === 'SYNC_COMPLETE').data).toMatchObject({
      successful_job_count: 7,
      failed_job_count: 0,
    });
  });

  it('hides customers cached as residents once their lease turns out an application (an Applicant interval), and the application', async () => {
    const { customers, leases } = residentsAndLeases(sandbox.sandbox.data);
    const onLease = (lease: any) =>
      customers.filter((c) => Number(c.LeaseId) === Number(lease.id)).map((c) => c['@attributes'].Id as string);
    const flipped = leases.filter((l) => l.leaseIntervalStatus === 'Current' && onLease(l).length >= 2).slice(0, 3);
    const hidden = flipped.flatMap(onLease).sort();
    const cachedBefore = new Set((await readAll(harness.app, 'residents', integrationId)).map((r) => r.x_id));
    expect([flipped.length, hidden.every((x) => cachedBefore.has(x))]).toEqual([3, true]);
    const control = sandboxControl(sandbox.url);
    for (const lease of flipped) await control('PATCH', `leases/${lease.id}`, { leaseIntervalStatus: 'Applicant' });

    const sync = await manualSync(harness, integrationId);
    expect(sync.complete.data).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    const events = sync.events.filter((e) => e.data.root_job_id === sync.syncId);
    const ids = (trigger: string, object: string) =>
      events
        .filter((e) => e.trigger === trigger && e.data.object === object)
        .map((e) => e.data.payload.x_id)
        .sort();
    expect(ids('DATA_DELETED', 'residents')).toEqual(hidden);
    expect(ids('DATA_DELETED', 'leases')).toEqual(flipped.map((l) => l.id).sort());
    // Their links end with them, each once (whichever side hid it first).
    const links = events
      .filter((e) => e.data.object === 'residents-to-leases')
      .map((e) => `${e.trigger} ${e.data.payload.x_lease_id} ${e.data.payload.x_resident_id}`);
    expect(links.sort()).toEqual(flipped.flatMap((l) => onLease(l).map((c) => `DATA_DELETED ${l.id} ${c}`)).sort());
    // Not quarantined as errors: hidden, and reads leave them out.
    expect((await readQuarantine(harness.app, integrationId)).meta.total).toBe(0);
    const residents = new Set((await readAll(harness.app, 'residents', integrationId)).map((r) => r.x_id));
    expect([residents.size, hidden.filter((x) => residents.has(x))]).toEqual([cachedBefore.size - hidden.length, []]);
    const cachedLeases = new Set((await readAll(harness.app, 'leases', integrationId)).map((l) => l.x_id));
    expect(flipped.filter((l) => cachedLeases.has(l.id))).toEqual([]);
  });

  it('syncs through two 429s, a 500 and a malformed record: every good record cached, the bad one quarantined', async () => {
    const { faults, data } = sandbox.sandbox;
    faults.add({ path: '/customers', status: 429, times: 2 });
    faults.add({ path: '/leases', status: 500, times: 1 });
    // The first answered page is the first property's customers, applicants included: its fourth resident gets a bad birthday.
    const firstProperty = data.properties[0].PropertyID;
    const leaseIds = new Set(data.leases.filter((l) => l.propertyId === firstProperty).map((l) => Number(l.id)));
    const { customers, leases, applicants } = residentsAndLeases(data);
    const firstPage = data.customers.filter((c) => leaseIds.has(Number(c.LeaseId)));
    const bad = customers.filter((c) => leaseIds.has(Number(c.LeaseId)))[3]!;
    expect(applicants.some((c) => leaseIds.has(Number(c.LeaseId)))).toBe(true);
    faults.add({
      path: '/customers',
      malformed: { index: firstPage.indexOf(bad), field: 'DateOfBirth', value: 'next spring' },
      times: 1,
    });

    const { id, done } = await firstSync(harness, 'Flaky Entrata', sandbox.url, CREDENTIALS, PER_SECOND);
    expect(done).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    expect(faults.list()).toEqual([]);
    expect(await recordCount(harness.app, 'residents', id)).toBe(customers.length - 1);
    expect(await recordCount(harness.app, 'leases', id)).toBe(leases.length);
    expect(await recordCount(harness.app, 'units', id)).toBe(data.units.length);
    const quarantine = await readQuarantine(harness.app, id);
    expect(quarantine.meta.total).toBe(1);
    expect(quarantine.results[0]).toMatchObject({
      model: 'residents',
      x_id: bad['@attributes'].Id,
      raw: { Id: bad['@attributes'].Id, DateOfBirth: 'next spring' },
    });
    expect(quarantine.results[0].reason).toMatch(/DateOfBirth/);
  });

  it('syncs exactly the records of a foreign Entrata server written from the contract', async () => {
    const { id, done } = await firstSync(
      harness,
      'Foreign Entrata',
      foreign.url,
      FOREIGN_ENTRATA_CREDENTIALS,
      PER_SECOND,
    );
    expect(done).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    expect(foreign.log.some((e) => e.code === 429)).toBe(true); // throttled, and retried past it
    expect(foreign.log.filter((e) => e.code !== 200 && e.code !== 429)).toEqual([]);
    // getCustomers is asked with the contract's params only: nothing filters applicants out but the leases.
    const customerCalls = foreign.log.filter((e) => e.method === 'getCustomers');
    expect(customerCalls.length).toBeGreaterThan(0);
    for (const call of customerCalls)
      expect(Object.keys(call.params).sort()).toEqual(['pageNo', 'perPageCount', 'propertyId']);

    const pick = (records: any[], fields: string[]) =>
      records.map((r) => Object.fromEntries(['x_id', ...fields].map((f) => [f, r[f]])));
    const all = await readAllModels(harness.app, id); // every list, validated against Propexo's schemas
    expect(
      pick(all.properties, ['name', 'is_active', 'address_1', 'city', 'state', 'zip', 'type_raw', 'type_normalized']),
    ).toEqual([
      {
        x_id: '7001',
        name: 'Pinecrest Commons',
        is_active: true,
        address_1: '500 Larimer St',
        city: 'Denver',
        state: 'CO',
        zip: '80204',
        type_raw: 'Apartment',
        type_normalized: 'MULTI_FAMILY',
      },
      {
        x_id: '7002',
        name: 'Mesa Student Village',
        is_active: true,
        address_1: '12 College Ave',
        city: 'Fort Collins',
        state: 'CO',
        zip: '80524',
        type_raw: 'Student',
        type_normalized: 'STUDENT_HOUSING',
      },
      {
        x_id: '7003',
        name: 'Old Mill Flats',
        is_active: false,
        address_1: '3 Mill Rd',
        city: 'Golden',
        state: 'CO',
        zip: '80401',
        type_raw: 'Lighthouse',
        type_normalized: 'OTHER',
      },
    ]);
    expect(
      pick(all.units, [
        'x_property_id',
        'number',
        'x_unit_type_id',
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
        x_id: '81',
        x_property_id: '7001',
        number: 'A-1',
        x_unit_type_id: '5',
        bedrooms: '1',
        bathrooms: '1',
        bathrooms_full: 1,
        bathrooms_half: 0,
        square_feet: 640,
        rent_amount_market_in_cents: 109500,
        is_vacant: false,
      },
      {
        x_id: '82',
        x_property_id: '7001',
        number: 'A-2',
        x_unit_type_id: '6',
        bedrooms: '2',
        bathrooms: '2.5',
        bathrooms_full: 2,
        bathrooms_half: 1,
        square_feet: 1020,
        rent_amount_market_in_cents: 154025,
        is_vacant: false,
      },
      {
        x_id: '83',
        x_property_id: '7001',
        number: 'A-3',
        x_unit_type_id: '6',
        bedrooms: '2',
        bathrooms: '2',
        bathrooms_full: 2,
        bathrooms_half: 0,
        square_feet: 990,
        rent_amount_market_in_cents: 151000,
        is_vacant: true,
      },
      {
        x_id: '91',
        x_property_id: '7002',
        number: '101',
        x_unit_type_id: '9',
        bedrooms: '4',
        bathrooms: '2',
        bathrooms_full: 2,
        bathrooms_half: 0,
        square_feet: 1400,
        rent_amount_market_in_cents: 280000,
        is_vacant: false,
      },
      {
        x_id: '92',
        x_property_id: '7002',
        number: '102',
        x_unit_type_id: '9',
        bedrooms: '4',
        bathrooms: '2',
        bathrooms_full: 2,
        bathrooms_half: 0,
        square_feet: 1400,
        rent_amount_market_in_cents: 280000,
        is_vacant: false,
      },
      {
        x_id: '99',
        x_property_id: '7003',
        number: 'Loft',
        x_unit_type_id: null,
        bedrooms: '0',
        bathrooms: '1',
        bathrooms_full: 1,
        bathrooms_half: 0,
        square_feet: 520,
        rent_amount_market_in_cents: 87550,
        is_vacant: true,
      },
    ]);

    const residents = all.residents;
    expect(
      pick(residents, [
        'first_name',
        'middle_name',
        'last_name',
        'email_1',
        'phone_1',
        'phone_1_type',
        'phone_2',
        'phone_2_type',
        'address_1',
        'date_of_birth',
        'x_lease_id',
        'x_property_id',
      ]),
    ).toEqual([
      {
        x_id: '601',
        first_name: 'Marisol',
        middle_name: null,
        last_name: 'Vega',
        email_1: 'marisol.vega@example.org',
        phone_1: '3035550142',
        phone_1_type: 'MOBILE',
        phone_2: null,
        phone_2_type: 'OTHER',
        address_1: '500 Larimer St A-1',
        date_of_birth: '1990-09-09T00:00:00.000Z',
        x_lease_id: '5001',
        x_property_id: '7001',
      },
      {
        x_id: '602',
        first_name: 'Tomasz',
        middle_name: 'J',
        last_name: 'Wiśniewski',
        email_1: null,
        phone_1: '3035550177',
        phone_1_type: 'HOME',
        phone_2: '3035550178',
        phone_2_type: 'FAX',
        address_1: '500 Larimer St A-2',
        date_of_birth: null,
        x_lease_id: '5002',
        x_property_id: '7001',
      },
      {
        x_id: '603',
        first_name: 'Ngozi',
        middle_name: null,
        last_name: 'Adeyemi',
        email_1: 'ngozi@example.net',
        phone_1: null,
        phone_1_type: 'OTHER',
        phone_2: null,
        phone_2_type: 'OTHER',
        address_1: '500 Larimer St A-2',
        date_of_birth: '2000-02-29T00:00:00.000Z',
        x_lease_id: '5002',
        x_property_id: '7001',
      },
      {
        x_id: '604',
        first_name: 'Liam',
        middle_name: null,
        last_name: 'Byrne',
        email_1: 'liam.byrne@example.com',
        phone_1: '9705550101',
        phone_1_type: 'OTHER',
        phone_2: null,
        phone_2_type: 'OTHER',
        address_1: '12 College Ave 101',
        date_of_birth: null,
        x_lease_id: '5003',
        x_property_id: '7002',
      },
      {
        x_id: '605',
        first_name: 'Siobhan',
        middle_name: null,
        last_name: 'Byrne',
        email_1: null,
        phone_1: null,
        phone_1_type: 'OTHER',
        phone_2: null,
        phone_2_type: 'OTHER',
        address_1: '44 Shore Rd',
        date_of_birth: '1965-12-12T00:00:00.000Z',
        x_lease_id: '5003',
        x_property_id: '7002',
      },
    ]);
    // Kai (606: LeaseId and list), Mateo (608: LeaseId only) and Aroha (607: an application's list only) are on Applicant
    // leases only: applicants, no residents. Liam (604) is on the application 5005 too, and on the lease 5003: a resident.

    const xIdOf = new Map(residents.map((r) => [r.id, r.x_id]));
    const leases = all.leases.map((l) => ({
      ...pick(
        [l],
        [
          'x_property_id',
          'x_unit_id',
          'x_resident_id',
          'status_raw',
          'status_normalized',
          'start_date',
          'end_date',
          'realized_move_in_date',
          'scheduled_move_out_date',
          'realized_move_out_date',
          'rent_amount_in_cents',
        ],
      )[0],
      residents: l.residents_meta_data
        .map((m: any) => [xIdOf.get(m.resident_id), m.resident_type_normalized, m.notice_date])
        .sort(),
    }));
    const t = (d: string) => `${d}T00:00:00.000Z`;
    expect(leases).toEqual([
      {
        x_id: '5001',
        x_property_id: '7001',
        x_unit_id: '81',
        x_resident_id: '601',
        status_raw: 'Current',
        status_normalized: 'ACTIVE',
        start_date: t('2025-03-01'),
        end_date: t('2026-02-28'),
        realized_move_in_date: t('2025-03-01'),
        scheduled_move_out_date: null,
        realized_move_out_date: null,
        rent_amount_in_cents: 109500,
        residents: [['601', 'PRIMARY', null]],
      },
      // 4:45 PM on 10 April 2025 in Denver is daylight time (UTC-6); 8:05 AM on 31 January 2024 is standard time (UTC-7).
      {
        x_id: '5002',
        x_property_id: '7001',
        x_unit_id: '82',
        x_resident_id: '602',
        status_raw: 'Notice',
        status_normalized: 'ACTIVE',
        start_date: t('2024-06-15'),
        end_date: t('2025-06-14'),
        realized_move_in_date: t('2024-06-16'),
        scheduled_move_out_date: t('2025-06-14'),
        realized_move_out_date: null,
        rent_amount_in_cents: 149999,
        residents: [
          ['602', 'PRIMARY', '2025-04-10T22:45:00.000Z'],
          ['603', 'SECONDARY', '2025-04-10T22:45:00.000Z'],
        ],
      },
      {
        x_id: '5003',
        x_property_id: '7002',
        x_unit_id: '91',
        x_resident_id: '604',
        status_raw: 'Past',
        status_normalized: 'INACTIVE',
        start_date: t('2023-08-20'),
        end_date: t('2024-05-15'),
        realized_move_in_date: t('2023-08-20'),
        scheduled_move_out_date: null,
        realized_move_out_date: t('2024-05-15'),
        rent_amount_in_cents: 70000,
        residents: [
          ['604', 'PRIMARY', '2024-01-31T15:05:00.000Z'],
          ['605', 'GUARANTOR', '2024-01-31T15:05:00.000Z'],
        ],
      },
    ]); // 5004 and 5005 are Applicant intervals: applications, no leases
    // The values no table knows are reported with their counts.
    const unknown = await readUnknownValues(harness.app, id);
    expect(unknown.map((u: any) => [u.model, u.field, u.value, u.mapped_to, u.occurrences, u.sample_x_id])).toEqual([
      ['properties', 'type_normalized', 'Lighthouse', 'OTHER', 1, '7003'],
      ['residents', 'phone_1_type', 'Satellite', 'OTHER', 1, '604'],
    ]);
  });
});

import request from 'supertest';
import { startAppfolioSandboxServer } from '../../src/sandbox/appfolio/appfolio-sandbox';
import {
  FOREIGN_CREDENTIALS,
  startForeignAppfolioServer,
  type ForeignAppfolioServer,
} from '../support/foreign-appfolio-server';
import { assertValid } from '../support/propexo-schema';
import {
  authHeader,
  day,
  digits,
  eventsOf,
  manualSync,
  quarantined,
  readAll,
  readAllModels,
  readQuarantine,
  readUnknownValues,
  sandboxControl,
  startFirstSync,
  startSyncHarness,
  waitForFirstSync,
  type SyncHarness,
} from '../support/sync-helpers';

const CREDENTIALS = { clientId: 'e2e-appfolio', clientSecret: 'e2e-appfolio-secret', developerId: 'e2e-developer' };
/** The sandbox's budget is relaxed so the test's pace is the app's, not AppFolio's 7 per 15 s. */
const RELAXED = { requests: 1000, perSeconds: 1 };

const cents = (amount: string | null | undefined) =>
  amount == null ? null : Math.round(Number(amount.replace(/,/g, '')) * 100);
const LEASE_STATUS: Record<string, string> = {
  Current: 'ACTIVE',
  'Notice-Unrented': 'ACTIVE',
  'Notice-Rented': 'ACTIVE',
  'Vacant-Rented': 'PENDING',
  Future: 'PENDING',
  Evict: 'EVICTED',
};
const LINK_TYPE: Record<string, string> = {
  'Financially Responsible': 'PRIMARY',
  Occupant: 'OTHER',
  Guarantor: 'GUARANTOR',
};
const PHONE_TYPE: Record<string, string> = {
  Mobile: 'MOBILE',
  Cell: 'MOBILE',
  Home: 'HOME',
  Work: 'WORK',
  Office: 'WORK',
  Fax: 'FAX',
  Other: 'OTHER',
};
/** The sandbox's tenants split as a sync must: those whose occupancy is on the rent roll, and former tenants (theirs is not). */
function placedAndFormer(data: { occupancies: any[]; tenants: any[] }) {
  const onRentRoll = new Set(data.occupancies.map((o) => o.occupancy_id));
  return {
    tenants: data.tenants.filter((t) => onRentRoll.has(t.occupancy_id)),
    former: data.tenants.filter((t) => !onRentRoll.has(t.occupancy_id)),
  };
}

/**
 * Three first syncs (the sandbox, a faulty sandbox, a foreign server) run side by side, one integration each.
 */
describe('AppFolio adapter end to end', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startAppfolioSandboxServer>>;
  let flaky: Awaited<ReturnType<typeof startAppfolioSandboxServer>>;
  let foreign: ForeignAppfolioServer;
  let integrationId: string;
  let flakyId: string;
  let foreignId: string;
  const auth = () => authHeader(harness.app);

  beforeAll(async () => {
    sandbox = await startAppfolioSandboxServer({
      residents: 120,
      seed: 21,
      pageSize: 100,
      credentials: [CREDENTIALS],
      requestBudget: RELAXED,
    });
    flaky = await startAppfolioSandboxServer({
      residents: 40,
      seed: 33,
      credentials: [CREDENTIALS],
      requestBudget: RELAXED,
    });
    foreign = await startForeignAppfolioServer();
    harness = await startSyncHarness({ name: 'appfolio-sync', vendor: 'APPFOLIO', env: { SYNC_RETRY_BASE_MS: '200' } });

    // Two 429s, a 500, and a first lookup answering one tenant with a birthday that is no date.
    flaky.sandbox.faults.add({
      path: '/api/v2/reports/unit_directory.json',
      status: 429,
      times: 2,
      headers: { 'Retry-After': '1' },
    });
    flaky.sandbox.faults.add({ path: '/api/v2/reports/rent_roll.json', status: 500, times: 1 });
    flaky.sandbox.faults.add({
      path: '/api/v0/tenants',
      malformed: { index: 2, field: 'DateOfBirth', value: 'last spring' },
      times: 1,
    });

    integrationId = await startFirstSync(harness, 'Acme AppFolio', sandbox.url, CREDENTIALS);
    flakyId = await startFirstSync(harness, 'Flaky AppFolio', flaky.url, CREDENTIALS);
    foreignId = await startFirstSync(harness, 'Harbor AppFolio', foreign.url, FOREIGN_CREDENTIALS);
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await flaky?.close();
    await foreign?.close();
  });

  it('first sync: every report and hydrated resident is cached as the sandbox holds it, and reads match the spec', async () => {
    const done = await waitForFirstSync(harness, integrationId);
    expect(done.data).toMatchObject({
      vendor: 'APPFOLIO',
      successful_job_count: 7,
      failed_job_count: 0,
      is_sync_finished: true,
    });

    const { properties, units, occupancies, contacts } = sandbox.sandbox.data;
    // A tenant is placed by its occupancy on the rent roll; former tenants' occupancies are not on it.
    const { tenants, former } = placedAndFormer(sandbox.sandbox.data);
    expect(former.length).toBeGreaterThan(0);
    // Every list, validated against Propexo's schemas (a resident's property_id is never null).
    const {
      properties: cachedProperties,
      units: cachedUnits,
      leases: cachedLeases,
      residents,
    } = await readAllModels(harness.app, integrationId);
    expect([cachedProperties.length, cachedUnits.length, cachedLeases.length, residents.length]).toEqual([
      properties.length,
      units.length,
      occupancies.length,
      tenants.length,
    ]);
    // A former tenant has no property the contract gives: quarantined with the reason, never written without one.
    const quarantine = await readQuarantine(harness.app, integrationId);
    expect(quarantined(quarantine)).toEqual(former.map((t) => ['residents', String(t.tenant_id)]).sort());
    for (const q of quarantine.results) expect(q.reason).toMatch(/occupancy \d+ is not on the rent roll.*no property/);
    expect(await readUnknownValues(harness.app, integrationId)).toEqual([]);

    const property = properties[1];
    expect(cachedProperties.find((p) => p.x_id === String(property.property_id))).toMatchObject({
      name: property.property_name,
      address_1: property.property_address,
      city: property.property_city,
      state: property.property_state,
      zip: property.property_zip,
      type_raw: property.property_type,
      number_of_units: units.filter((u) => u.property_id === property.property_id).length,
    });
    const unit = units[7];
    expect(cachedUnits.find((u) => u.x_id === String(unit.unit_id))).toMatchObject({
      x_property_id: String(unit.property_id),
      number: unit.unit_name,
      bedrooms: String(unit.bedrooms),
      bathrooms: String(unit.bathrooms),
      square_feet: unit.sqft,
      rent_amount_market_in_cents: cents(unit.market_rent),
    });

    const residentByXId = new Map(residents.map((r) => [r.x_id, r]));
    for (const occupancy of occupancies) {
      const l = cachedLeases.find((x) => x.x_id === String(occupancy.occupancy_id));
      const household = tenants.filter((t) => t.occupancy_id === occupancy.occupancy_id);
      expect({
        unit: l.x_unit_id,
        status: l.status_raw,
        normalized: l.status_normalized,
        start: day(l.start_date),
        end: day(l.end_date),
        rent: l.rent_amount_in_cents,
        deposit: l.deposit_amount_in_cents,
        links: l.residents_meta_data
          .map((m: any) => [m.resident_id, m.x_resident_type, m.resident_type_normalized])
          .sort(),
      }).toEqual({
        unit: String(occupancy.unit_id),
        status: occupancy.status,
        normalized: LEASE_STATUS[occupancy.status],
        start: occupancy.lease_from,
        end: occupancy.lease_to,
        rent: cents(occupancy.rent),
        deposit: cents(occupancy.deposit),
        links: household
          .map((t) => [residentByXId.get(String(t.tenant_id)).id, t.tenant_type, LINK_TYPE[t.tenant_type]])
          .sort(),
      });
    }

    // Residents carry the lookup's contact details; the few tenants the lookup lacks stay minimal.
    const contactById = new Map(contacts.map((c) => [c.Id, c]));
    const propertyOf = new Map(occupancies.map((o) => [o.occupancy_id, o.property_id]));
    expect(tenants.some((t) => !contactById.has(t.tenant_id))).toBe(true);
    for (const tenant of tenants) {
      const r = residentByXId.get(String(tenant.tenant_id));
      const contact = contactById.get(tenant.tenant_id);
      const phones = contact?.PhoneNumbers ?? [];
      expect({
        first: r.first_name,
        last: r.last_name,
        lease: r.x_lease_id,
        property: r.x_property_id,
        email_1: r.email_1,
        email_2: r.email_2,
        dob: day(r.date_of_birth),
        phone_1: [digits(r.phone_1), r.phone_1_type],
        phone_2: [digits(r.phone_2), r.phone_2_type],
      }).toEqual({
        first: tenant.first_name,
        last: tenant.last_name,
        lease: String(tenant.occupancy_id),
        property: String(propertyOf.get(tenant.occupancy_id)),
        email_1: contact?.Emails[0]?.toLowerCase() ?? null,
        email_2: contact?.Emails[1]?.toLowerCase() ?? null,
        dob: contact?.DateOfBirth ?? null,
        phone_1: [digits(phones[0]?.Number), phones[0] ? PHONE_TYPE[phones[0].Label] : 'OTHER'],
        phone_2: [digits(phones[1]?.Number), phones[1] ? PHONE_TYPE[phones[1].Label] : 'OTHER'],
      });
    }
    const one = await request(harness.app.url).get(`/v1/residents/${residents[0].id}`).set(auth());
    assertValid('_v1_residents_{id}_get_output', one.body);
  });

  it('change sync: DATA_UPDATE for changed records, DATA_NEW for a new resident carrying its hydrated email and phone', async () => {
    const { tenants, contacts, occupancies } = sandbox.sandbox.data;
    const renamed = tenants[3];
    const recontacted = contacts.find((c) => c.Emails.length > 0 && c.Id !== renamed.tenant_id)!;
    const before = recontacted.Emails[0].toLowerCase();
    const reRented = occupancies[9];
    const firstNameBefore = renamed.first_name;
    const control = sandboxControl(sandbox.url);
    await control('PATCH', `tenants/${renamed.tenant_id}`, { first_name: 'Renamed' });
    await control('PATCH', `contacts/${recontacted.Id}`, {
      Emails: ['Changed.Address@Example.COM', ...recontacted.Emails.slice(1)],
    });
    await control('PATCH', `occupancies/${reRented.occupancy_id}`, { rent: '1,999.00' });
    const added = await control('POST', 'tenants', {
      occupancy_id: occupancies[2].occupancy_id,
      first_name: 'Nova',
      last_name: 'Arrival',
      status: 'Current',
      tenant_type: 'Occupant',
      Emails: ['Nova.Arrival@Example.com'],
      PhoneNumbers: [{ Number: '(415) 555-0100', Label: 'Mobile' }],
      DateOfBirth: '1999-09-09',
    });

    const sync = await manualSync(harness, integrationId);
    expect(sync.complete.data).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    const events = sync.events.filter((e) => e.trigger.startsWith('DATA_'));

    const residentEvents = events.filter((e) => e.data.object === 'residents');
    expect(residentEvents.map((e) => [e.trigger, e.data.payload.x_id]).sort()).toEqual(
      [
        ['DATA_NEW', String(added.tenant_id)],
        ['DATA_UPDATE', String(recontacted.Id)],
        ['DATA_UPDATE', String(renamed.tenant_id)],
      ].sort(),
    );
    // The new tenant's link to its occupancy is new too (model residents_to_leases); no other link changed.
    expect(
      events
        .filter((e) => e.data.object === 'residents-to-leases')
        .map((e) => `${e.trigger} ${e.data.payload.x_lease_id} ${e.data.payload.x_resident_id}`),
    ).toEqual([`DATA_NEW ${occupancies[2].occupancy_id} ${added.tenant_id}`]);
    const created = residentEvents.find((e) => e.trigger === 'DATA_NEW');
    expect(created.data.payload).toMatchObject({
      first_name: 'Nova',
      last_name: 'Arrival',
      email_1: 'nova.arrival@example.com',
      phone_1: '4155550100',
      phone_1_type: 'MOBILE',
      date_of_birth: '1999-09-09T00:00:00.000Z',
      x_lease_id: String(occupancies[2].occupancy_id),
    });
    expect(residentEvents.find((e) => e.data.payload.x_id === String(recontacted.Id)).data.diff).toEqual({
      new: { email_1: 'changed.address@example.com' },
      previous: { email_1: before },
    });
    expect(residentEvents.find((e) => e.data.payload.x_id === String(renamed.tenant_id)).data.diff).toEqual({
      new: { first_name: 'Renamed' },
      previous: { first_name: firstNameBefore },
    });

    const rentChange = events.find(
      (e) => e.data.object === 'leases' && e.data.payload.x_id === String(reRented.occupancy_id),
    );
    expect(rentChange).toMatchObject({
      trigger: 'DATA_UPDATE',
      data: { diff: { new: { rent_amount_in_cents: 199900 } } },
    });
    expect(events.filter((e) => e.data.object === 'properties' || e.data.object === 'units')).toEqual([]);
  });

  it('fault run: two 429s, a 500 and a malformed record; the sync finishes, the bad record is quarantined', async () => {
    const { faults, data } = flaky.sandbox;
    const bad = data.contacts[2];
    const done = await waitForFirstSync(harness, flakyId);
    expect(done.data).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    expect(eventsOf(harness, flakyId, 'JOB_FAILURE')).toEqual([]);
    expect(faults.list()).toEqual([]); // every fault was met

    const { tenants, former } = placedAndFormer(data);
    expect(tenants.some((t) => t.tenant_id === bad.Id)).toBe(true);
    const residents = await readAll(harness.app, 'residents', flakyId);
    expect(residents.map((r) => r.x_id).sort()).toEqual(
      tenants
        .filter((t) => t.tenant_id !== bad.Id)
        .map((t) => String(t.tenant_id))
        .sort(),
    );
    expect(await readAll(harness.app, 'units', flakyId)).toHaveLength(data.units.length);
    expect(await readAll(harness.app, 'leases', flakyId)).toHaveLength(data.occupancies.length);

    // The malformed record, beside the former tenants no occupancy places.
    const quarantine = await readQuarantine(harness.app, flakyId);
    expect(quarantined(quarantine)).toEqual(
      [bad.Id, ...former.map((t) => t.tenant_id)].map((x) => ['residents', String(x)]).sort(),
    );
    const malformed = quarantine.results.find((q: any) => q.x_id === String(bad.Id));
    expect(malformed).toMatchObject({
      model: 'residents',
      x_id: String(bad.Id),
      raw: { tenant_id: bad.Id, DateOfBirth: 'last spring' },
    });
    expect(malformed.reason).toMatch(/DateOfBirth/);
  });

  it('foreign server: syncs its hand-picked records exactly, through its throttle, its expired cursor and its unknown tenant', async () => {
    expect((await waitForFirstSync(harness, foreignId)).data).toMatchObject({
      successful_job_count: 7,
      failed_job_count: 0,
    });

    const log = [...foreign.log];
    const throttled = log.find((e) => e.status === 429)!;
    // Several jobs read the same reports at once: a retry is the same request again, not the next one on its path.
    const retry = log.find(
      (e) =>
        e.n > throttled.n &&
        e.method === throttled.method &&
        e.path === throttled.path &&
        e.request === throttled.request,
    )!;
    expect(retry.at - throttled.at).toBeGreaterThanOrEqual(950); // Retry-After: 1
    const expired = log.find((e) => e.status === 410)!;
    expect(expired).toMatchObject({ method: 'GET', path: '/api/v2/reports/rent_roll.json' });
    // Leases and residents both read rent_roll (asking for different columns): the restart is the expired reader's, from the first page.
    const restart = log.find(
      (e) =>
        e.n > expired.n &&
        e.method === 'POST' &&
        e.path === expired.path &&
        String(e.columns) === String(expired.columns),
    );
    expect(restart).toMatchObject({ status: 200 });

    const pick = (r: any, keys: string[]) => Object.fromEntries(keys.map((k) => [k, r[k]]));
    const all = await readAllModels(harness.app, foreignId); // every list, validated against Propexo's schemas
    const properties = all.properties.map((p) =>
      pick(p, ['x_id', 'name', 'address_1', 'city', 'state', 'zip', 'type_raw', 'type_normalized', 'number_of_units']),
    );
    expect(properties).toEqual([
      {
        x_id: '7',
        name: 'Harbor View Flats',
        address_1: '1 Wharf Rd',
        city: 'Savannah',
        state: 'GA',
        zip: '31401',
        type_raw: 'Multi-Family',
        type_normalized: 'MULTI_FAMILY',
        number_of_units: 3,
      },
      {
        x_id: '8',
        name: 'Casa Lomita',
        address_1: '77 Calle del Sol',
        city: 'Santa Fe',
        state: 'NM',
        zip: '87501',
        type_raw: 'Single-Family',
        type_normalized: 'SINGLE_FAMILY',
        number_of_units: 1,
      },
      {
        x_id: '9',
        name: 'Quarry Works',
        address_1: '5 Granite Way',
        city: 'Barre',
        state: 'VT',
        zip: '05641',
        type_raw: 'Warehouse Loft',
        type_normalized: 'OTHER',
        number_of_units: 2,
      },
    ]);

    const unitKeys = [
      'x_id',
      'x_property_id',
      'number',
      'bedrooms',
      'bathrooms',
      'bathrooms_full',
      'bathrooms_half',
      'square_feet',
      'rent_amount_market_in_cents',
      'is_vacant',
      'is_available',
    ];
    expect(all.units.map((u) => pick(u, unitKeys))).toEqual([
      {
        x_id: '70',
        x_property_id: '7',
        number: 'A1',
        bedrooms: '1',
        bathrooms: '1',
        bathrooms_full: 1,
        bathrooms_half: 0,
        square_feet: 640,
        rent_amount_market_in_cents: 129500,
        is_vacant: false,
        is_available: false,
      },
      {
        x_id: '71',
        x_property_id: '7',
        number: 'A2',
        bedrooms: '2',
        bathrooms: '1.5',
        bathrooms_full: 1,
        bathrooms_half: 1,
        square_feet: 910,
        rent_amount_market_in_cents: 164050,
        is_vacant: false,
        is_available: false,
      },
      {
        x_id: '72',
        x_property_id: '7',
        number: 'B1',
        bedrooms: '2',
        bathrooms: '2',
        bathrooms_full: 2,
        bathrooms_half: 0,
        square_feet: 1020,
        rent_amount_market_in_cents: 181000,
        is_vacant: true,
        is_available: false,
      },
      {
        x_id: '80',
        x_property_id: '8',
        number: 'House',
        bedrooms: '3',
        bathrooms: '2.5',
        bathrooms_full: 2,
        bathrooms_half: 1,
        square_feet: 1875,
        rent_amount_market_in_cents: 240000,
        is_vacant: false,
        is_available: false,
      },
      {
        x_id: '90',
        x_property_id: '9',
        number: 'L1',
        bedrooms: '0',
        bathrooms: '1',
        bathrooms_full: 1,
        bathrooms_half: 0,
        square_feet: null,
        rent_amount_market_in_cents: 99500,
        is_vacant: true,
        is_available: false,
      },
      {
        x_id: '91',
        x_property_id: '9',
        number: 'L2',
        bedrooms: '1',
        bathrooms: '1',
        bathrooms_full: 1,
        bathrooms_half: 0,
        square_feet: 720,
        rent_amount_market_in_cents: null,
        is_vacant: true,
        is_available: true,
      },
    ]);

    const residents = all.residents;
    const residentXId = new Map(residents.map((r) => [r.id, r.x_id]));
    const leases = all.leases.map((l) => ({
      ...pick(l, [
        'x_id',
        'x_unit_id',
        'x_resident_id',
        'status_raw',
        'status_normalized',
        'rent_amount_in_cents',
        'deposit_amount_in_cents',
      ]),
      dates: [
        l.start_date,
        l.end_date,
        l.realized_move_in_date,
        l.scheduled_move_in_date,
        l.scheduled_move_out_date,
      ].map(day),
      links: l.residents_meta_data
        .map((m: any) => [residentXId.get(m.resident_id), m.x_resident_type, m.resident_type_normalized])
        .sort(),
    }));
    expect(leases).toEqual([
      {
        x_id: '700',
        x_unit_id: '70',
        x_resident_id: '3101',
        status_raw: 'Current',
        status_normalized: 'ACTIVE',
        rent_amount_in_cents: 127500,
        deposit_amount_in_cents: 127500,
        dates: ['2025-02-01', '2026-01-31', '2025-02-03', null, null],
        links: [
          ['3101', 'Financially Responsible', 'PRIMARY'],
          ['3102', 'Occupant', 'OTHER'],
        ],
      },
      {
        x_id: '701',
        x_unit_id: '71',
        x_resident_id: '3103',
        status_raw: 'Notice-Rented',
        status_normalized: 'ACTIVE',
        rent_amount_in_cents: 160000,
        deposit_amount_in_cents: null,
        dates: ['2024-09-01', '2025-08-31', '2024-09-01', null, '2025-08-31'],
        links: [['3103', 'Financially Responsible', 'PRIMARY']],
      },
      {
        x_id: '702',
        x_unit_id: '72',
        x_resident_id: '3104',
        status_raw: 'Vacant-Rented',
        status_normalized: 'PENDING',
        rent_amount_in_cents: 181000,
        deposit_amount_in_cents: 50000,
        dates: ['2026-04-01', '2027-03-31', null, '2026-04-01', null],
        links: [
          ['3104', 'Financially Responsible', 'PRIMARY'],
          ['3105', 'Guarantor', 'GUARANTOR'],
        ],
      },
      {
        x_id: '800',
        x_unit_id: '80',
        x_resident_id: '3106',
        status_raw: 'Evict',
        status_normalized: 'EVICTED',
        rent_amount_in_cents: 235075,
        deposit_amount_in_cents: 0,
        dates: ['2023-06-15', null, '2023-06-15', null, '2025-11-30'],
        links: [['3106', 'Financially Responsible', 'PRIMARY']],
      },
      {
        x_id: '900',
        x_unit_id: '90',
        x_resident_id: '3107',
        status_raw: 'Future',
        status_normalized: 'PENDING',
        rent_amount_in_cents: 99500,
        deposit_amount_in_cents: 99500,
        dates: ['2026-05-01', '2027-04-30', null, '2026-05-01', null],
        links: [
          ['3107', 'Financially Responsible', 'PRIMARY'],
          ['3108', 'Financially Responsible', 'PRIMARY'],
        ],
      },
    ]);

    const residentKeys = [
      'x_id',
      'x_lease_id',
      'x_property_id',
      'first_name',
      'last_name',
      'email_1',
      'email_2',
      'phone_1',
      'phone_1_type',
      'phone_2',
      'phone_2_type',
    ];
    expect(residents.map((r) => ({ ...pick(r, residentKeys), dob: day(r.date_of_birth) }))).toEqual([
      {
        x_id: '3101',
        x_lease_id: '700',
        x_property_id: '7',
        first_name: 'Marisol',
        last_name: 'Ybarra',
        email_1: 'marisol.ybarra@harbor.example',
        email_2: null,
        phone_1: '9125550101',
        phone_1_type: 'MOBILE',
        phone_2: '9125550199',
        phone_2_type: 'WORK',
        dob: '1986-11-02',
      },
      {
        x_id: '3102',
        x_lease_id: '700',
        x_property_id: '7',
        first_name: 'Teo',
        last_name: 'Ybarra',
        email_1: null,
        email_2: null,
        phone_1: null,
        phone_1_type: 'OTHER',
        phone_2: null,
        phone_2_type: 'OTHER',
        dob: '2011-03-09',
      },
      {
        x_id: '3103',
        x_lease_id: '701',
        x_property_id: '7',
        first_name: 'Grainne',
        last_name: 'Ní Bhraonáin',
        email_1: 'grainne@example.ie',
        email_2: 'g.nib@work.example',
        phone_1: '9125550142',
        phone_1_type: 'HOME',
        phone_2: null,
        phone_2_type: 'OTHER',
        dob: null,
      },
      {
        x_id: '3104',
        x_lease_id: '702',
        x_property_id: '7',
        first_name: 'Obinna',
        last_name: 'Eze',
        email_1: 'obinna.eze@example.com',
        email_2: null,
        phone_1: '9125550177',
        phone_1_type: 'FAX',
        phone_2: '9125550178',
        phone_2_type: 'MOBILE',
        dob: '1979-07-21',
      },
      {
        x_id: '3105',
        x_lease_id: '702',
        x_property_id: '7',
        first_name: 'Ngozi',
        last_name: 'Eze',
        email_1: 'ngozi.eze@example.com',
        email_2: null,
        phone_1: '+234 803 555 0101',
        phone_1_type: 'MOBILE',
        phone_2: null,
        phone_2_type: 'OTHER',
        dob: '1953-01-30',
      },
      {
        x_id: '3106',
        x_lease_id: '800',
        x_property_id: '8',
        first_name: 'Dale',
        last_name: 'Pruitt',
        email_1: null,
        email_2: null,
        phone_1: null,
        phone_1_type: 'OTHER',
        phone_2: null,
        phone_2_type: 'OTHER',
        dob: null,
      },
      {
        x_id: '3107',
        x_lease_id: '900',
        x_property_id: '9',
        first_name: 'Signe',
        last_name: 'Halvorsen',
        email_1: 'signe@fjord.example',
        email_2: null,
        phone_1: null,
        phone_1_type: 'OTHER',
        phone_2: null,
        phone_2_type: 'OTHER',
        dob: '1992-12-31',
      },
      {
        x_id: '3108',
        x_lease_id: '900',
        x_property_id: '9',
        first_name: 'Arvid',
        last_name: 'Lund',
        email_1: null,
        email_2: null,
        phone_1: '8025550108',
        phone_1_type: 'HOME',
        phone_2: null,
        phone_2_type: 'OTHER',
        dob: null,
      },
    ]);
    // 3109 is a former tenant: its occupancy (650) is not on the rent roll and its row names no property, so it has
    // none the contract gives and is quarantined with that reason.
    const quarantine = await readQuarantine(harness.app, foreignId);
    expect(quarantined(quarantine)).toEqual([['residents', '3109']]);
    expect(quarantine.results[0].reason).toMatch(/occupancy 650 is not on the rent roll.*no property/);
    expect(quarantine.results[0].raw).toMatchObject({ tenant_id: 3109, occupancy_id: 650, status: 'Past' });
    const unknown = await readUnknownValues(harness.app, foreignId);
    expect(unknown.map((u: any) => [u.model, u.field, u.value, u.mapped_to, u.occurrences, u.sample_x_id])).toEqual([
      ['properties', 'type_normalized', 'Warehouse Loft', 'OTHER', 1, '9'],
    ]);
  });
});

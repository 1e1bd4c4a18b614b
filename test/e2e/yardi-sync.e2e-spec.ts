import request from 'supertest';
import { startYardiSandboxServer } from '../../src/sandbox/yardi/yardi-sandbox';
import {
  FOREIGN_YARDI_CREDENTIALS,
  FOREIGN_YARDI_DATA,
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
  readAllModels,
  readQuarantine,
  readUnknownValues,
  recordCount,
  sandboxControl,
  startSyncHarness,
  SYNC_TRIGGERS,
  type SyncHarness,
} from '../support/sync-helpers';

const CREDENTIALS = {
  username: 'e2e-user',
  password: 'e2e-password',
  database: 'e2e_live',
  serverName: 'e2e_sql',
  platform: 'SQL Server',
  entity: 'E2E Entity',
  license: 'e2e-license',
};
/** MM/DD/YYYY or ISO -> YYYY-MM-DD, as the test reads the sandbox's own data. */
const isoDay = (value: string | undefined) => {
  if (!value) return null;
  const us = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  return us ? `${us[3]}-${us[1]}-${us[2]}` : value.slice(0, 10);
};

describe('Yardi adapter end to end', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startYardiSandboxServer>>;
  let foreign: ForeignYardiServer;
  let integrationId: string;
  const auth = () => authHeader(harness.app);
  const byXId = (records: any[]) => new Map(records.map((r) => [r.x_id as string, r]));

  beforeAll(async () => {
    sandbox = await startYardiSandboxServer({
      residents: 500,
      seed: 21,
      unitsPerProperty: 40,
      credentials: [CREDENTIALS],
    });
    foreign = await startForeignYardiServer();
    harness = await startSyncHarness({
      name: 'yardi-sync',
      vendor: 'YARDI',
      env: { SYNC_RETRY_BASE_MS: '200' },
      triggers: [...SYNC_TRIGGERS, 'DATA_DELETED'],
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await foreign?.close();
  });

  it('refuses to create a Yardi integration without base_url (Voyager is hosted per customer)', async () => {
    const res = await request(harness.app.url)
      .post('/v1/admin/integrations/')
      .set(auth())
      .send({ name: 'No host', integration_vendor: 'YARDI', credentials: CREDENTIALS });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/base_url/);
  });

  it('first sync from the sandbox caches every property, unit, RT_Customer lease and person, as the data says', async () => {
    const first = await firstSync(harness, 'Yardi sandbox', sandbox.url, CREDENTIALS);
    integrationId = first.id;
    expect(first.done).toMatchObject({ vendor: 'YARDI', successful_job_count: 7, failed_job_count: 0 });

    const { properties, units } = sandbox.sandbox.data;
    const everyone = sandbox.sandbox.data.customers.flatMap((c) =>
      c.Customers.Customer.map((p: any, i: number) => ({
        rt: c,
        person: p,
        xId: i === 0 ? c.CustomerID : `${c.CustomerID}:${i + 1}`,
      })),
    );
    // Applicants are no residents, and a household of applicants only is no lease (docs/vendors/yardi.md).
    const applicants = everyone.filter((p) => p.person['@Type'] === 'applicant');
    const people = everyone.filter((p) => p.person['@Type'] !== 'applicant');
    const customers = sandbox.sandbox.data.customers.filter((c) =>
      c.Customers.Customer.some((p: any) => p['@Type'] !== 'applicant'),
    );
    expect(applicants.length).toBeGreaterThan(0);
    expect(customers.length).toBeLessThan(sandbox.sandbox.data.customers.length);
    const all = await readAllModels(harness.app, integrationId); // every list, validated against Propexo's schemas
    const cached = {
      properties: byXId(all.properties),
      units: byXId(all.units),
      leases: byXId(all.leases),
      residents: byXId(all.residents),
    };
    expect([cached.properties.size, cached.units.size, cached.leases.size, cached.residents.size]).toEqual([
      properties.length,
      units.length,
      customers.length,
      people.length,
    ]);
    expect(applicants.filter((a) => cached.residents.has(a.xId))).toEqual([]);
    for (const lease of all.leases)
      expect(lease.residents_meta_data.every((m: any) => all.residents.some((r) => r.id === m.resident_id))).toBe(true);
    expect([...cached.units.keys()].sort()).toEqual(units.map((u) => `${u.YardiPropertyId}:${u.UnitID}`).sort());

    const property = properties[1];
    expect(cached.properties.get(property.Code)).toMatchObject({
      x_id: property.Code,
      code: property.Code,
      name: property.MarketingName,
      address_1: property.AddressLine1,
      address_2: property.AddressLine2 || null,
      city: property.City,
      state: property.State,
      zip: property.PostalCode,
    });
    const unit = units.find((u) => u.YardiPropertyId === property.Code && u.UnitBathrooms === '1.50') ?? units[45];
    expect(cached.units.get(`${unit.YardiPropertyId}:${unit.UnitID}`)).toMatchObject({
      number: unit.UnitID,
      x_property_id: unit.YardiPropertyId,
      property_id: cached.properties.get(unit.YardiPropertyId).id,
      bedrooms: String(Number(unit.UnitBedrooms)),
      bathrooms: String(Number(unit.UnitBathrooms)),
      square_feet: Number(unit.MinSquareFeet),
      rent_amount_market_in_cents: Math.round(Number(unit.MarketRent) * 100),
      x_unit_type_id: unit.UnitType,
    });

    const household = customers.find(
      (c) =>
        c.Customers.Customer.length === 3 &&
        c.Lease.ActualMoveIn &&
        c.Customers.Customer.every((p: any) => p['@Type'] !== 'applicant'),
    )!;
    const lease = cached.leases.get(household.CustomerID);
    const leaseUnit = cached.units.get(`${household.YardiPropertyId}:${household.RT_Unit.UnitID}`);
    expect(lease).toMatchObject({
      x_property_id: household.YardiPropertyId,
      x_unit_id: `${household.YardiPropertyId}:${household.RT_Unit.UnitID}`,
      unit_id: leaseUnit.id,
      status_raw: household.Customers.Customer[0]['@Type'],
      rent_amount_in_cents: Math.round(Number(household.Lease.CurrentRent) * 100),
    });
    expect([day(lease.start_date), day(lease.end_date), day(lease.realized_move_in_date)]).toEqual([
      isoDay(household.Lease.LeaseFromDate),
      isoDay(household.Lease.LeaseToDate),
      isoDay(household.Lease.ActualMoveIn),
    ]);
    expect(lease.residents_meta_data.map((m: any) => [m.resident_id, m.resident_type_normalized]).sort()).toEqual(
      [
        [cached.residents.get(household.CustomerID).id, 'PRIMARY'],
        [cached.residents.get(`${household.CustomerID}:2`).id, 'SECONDARY'],
        [cached.residents.get(`${household.CustomerID}:3`).id, 'SECONDARY'],
      ].sort(),
    );

    const { person, rt } = people.find(
      (p) =>
        p.xId.endsWith(':2') &&
        p.person.Phone.length === 2 &&
        p.person.Email &&
        p.rt.Customers.Customer[0]['@Type'] !== 'applicant',
    )!;
    const resident = cached.residents.get(`${rt.CustomerID}:2`);
    expect(resident).toMatchObject({
      first_name: person.Name.FirstName,
      last_name: person.Name.LastName,
      email_1: person.Email.toLowerCase(),
      x_lease_id: rt.CustomerID,
      x_property_id: rt.YardiPropertyId,
      phone_1: person.Phone[0].PhoneNumber.replace(/\D/g, ''),
      phone_2: person.Phone[1].PhoneNumber.replace(/\D/g, ''),
      address_1: person.Address.AddressLine1,
      city: person.Address.City,
    });
  });

  it('a later sync (a full pull) reports exactly the changed, new and removed RT_Customers and people', async () => {
    const customers = sandbox.sandbox.data.customers.filter((c) =>
      c.Customers.Customer.every((p: any) => p['@Type'] !== 'applicant'),
    );
    const control = sandboxControl(sandbox.url);
    const renamed = [customers[1], customers[3]];
    const previousName = renamed[0].Customers.Customer[0].Name.FirstName;
    for (const [i, c] of renamed.entries()) {
      await control('PATCH', `customers/${c.CustomerID}`, {
        Customers: {
          Customer: [
            { ...c.Customers.Customer[0], Name: { ...c.Customers.Customer[0].Name, FirstName: `Renamed${i}` } },
            ...c.Customers.Customer.slice(1),
          ],
        },
      });
    }
    const rentChanged = customers[5];
    await control('PATCH', `customers/${rentChanged.CustomerID}`, {
      Lease: { ...rentChanged.Lease, CurrentRent: '4321.09' },
    });
    const created = await control('POST', 'customers', {
      YardiPropertyId: customers[0].YardiPropertyId,
      RT_Unit: { UnitID: customers[0].RT_Unit.UnitID },
      Customers: { Customer: [{ '@Type': 'future resident', Name: { FirstName: 'Newly', LastName: 'Signed' } }] },
      Lease: { LeaseFromDate: '09/01/2026', LeaseToDate: '08/31/2027', CurrentRent: '1500.00' },
    });
    const removed = customers[7];
    const removedPeople = removed.Customers.Customer.map((_: unknown, i: number) =>
      i === 0 ? removed.CustomerID : `${removed.CustomerID}:${i + 1}`,
    );
    await fetch(`${sandbox.url}/_control/customers/${removed.CustomerID}`, { method: 'DELETE' });

    const sync = await manualSync(harness, integrationId);
    const events = sync.events.filter((e) => e.data.root_job_id === sync.syncId);
    const ids = (trigger: string, object: string) =>
      events
        .filter((e) => e.trigger === trigger && e.data.object === object)
        .map((e) => e.data.payload.x_id)
        .sort();

    expect(ids('DATA_NEW', 'leases')).toEqual([created.CustomerID]);
    expect(ids('DATA_NEW', 'residents')).toEqual([created.CustomerID]);
    expect(ids('DATA_UPDATE', 'residents')).toEqual(renamed.map((c) => c.CustomerID).sort());
    expect(ids('DATA_UPDATE', 'leases')).toEqual([rentChanged.CustomerID]);
    expect(ids('DATA_DELETED', 'leases')).toEqual([removed.CustomerID]);
    expect(ids('DATA_DELETED', 'residents')).toEqual(removedPeople.sort());
    // The links follow (model residents_to_leases): the new household's person joins its lease, the removed
    // household's people leave theirs.
    const links = events
      .filter((e) => e.data.object === 'residents-to-leases')
      .map((e) => `${e.trigger} ${e.data.payload.x_lease_id} ${e.data.payload.x_resident_id}`);
    expect(links.sort()).toEqual(
      [
        `DATA_NEW ${created.CustomerID} ${created.CustomerID}`,
        ...removedPeople.map((p: string) => `DATA_DELETED ${removed.CustomerID} ${p}`),
      ].sort(),
    );
    expect(
      ids('DATA_NEW', 'units').concat(
        ids('DATA_UPDATE', 'units'),
        ids('DATA_NEW', 'properties'),
        ids('DATA_UPDATE', 'properties'),
      ),
    ).toEqual([]);
    const update = events.find((e) => e.trigger === 'DATA_UPDATE' && e.data.payload.x_id === renamed[0].CustomerID);
    expect(update.data.diff).toEqual({ new: { first_name: 'Renamed0' }, previous: { first_name: previousName } });
    const rent = events.find((e) => e.trigger === 'DATA_UPDATE' && e.data.object === 'leases');
    expect(rent.data.diff.new).toEqual({ rent_amount_in_cents: 432109 });
  });

  it('hides residents and leases cached before they were known to be applicants, more than the deletion guard would let vanish', async () => {
    const households = sandbox.sandbox.data.customers.filter((c) =>
      c.Customers.Customer.every((p: any) => p['@Type'] === 'current resident'),
    );
    const roommate = households.find((c) => c.Customers.Customer.length === 2)!;
    // A third of the households turn out to be applicants: far beyond DELETION_GUARD_SHARE (20 %) of the residents.
    const flipped = households.filter((c, i) => c !== roommate && i % 3 === 0);
    const cachedBefore = byXId(await readAll(harness.app, 'residents', integrationId));
    const hiddenPeople = flipped.flatMap((c) =>
      c.Customers.Customer.map((_: unknown, i: number) => (i === 0 ? c.CustomerID : `${c.CustomerID}:${i + 1}`)),
    );
    expect(hiddenPeople.length).toBeGreaterThan(cachedBefore.size * 0.2);
    expect(hiddenPeople.every((x) => cachedBefore.has(x)) && cachedBefore.has(`${roommate.CustomerID}:2`)).toBe(true);
    const control = sandboxControl(sandbox.url);
    const [first, second] = roommate.Customers.Customer;
    await control('PATCH', `customers/${roommate.CustomerID}`, {
      Customers: { Customer: [first, { ...second, '@Type': 'applicant' }] },
    });
    for (const c of flipped)
      await control('PATCH', `customers/${c.CustomerID}`, {
        Customers: { Customer: c.Customers.Customer.map((p: any) => ({ ...p, '@Type': 'applicant' })) },
      });

    const sync = await manualSync(harness, integrationId);
    expect(sync.complete.data).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    const events = sync.events.filter((e) => e.data.root_job_id === sync.syncId);
    expect(events.filter((e) => e.trigger === 'JOB_FAILURE')).toEqual([]);
    const ids = (trigger: string, object: string) =>
      events
        .filter((e) => e.trigger === trigger && e.data.object === object)
        .map((e) => e.data.payload.x_id)
        .sort();
    expect(ids('DATA_DELETED', 'residents')).toEqual([...hiddenPeople, `${roommate.CustomerID}:2`].sort());
    expect(ids('DATA_DELETED', 'leases')).toEqual(flipped.map((c) => c.CustomerID).sort());
    // Their links end with them, each once (whichever side hid it first): the households' and the roommate's.
    const links = events
      .filter((e) => e.data.object === 'residents-to-leases')
      .map((e) => `${e.trigger} ${e.data.payload.x_lease_id} ${e.data.payload.x_resident_id}`);
    const household = (c: any) =>
      c.Customers.Customer.map(
        (_: unknown, i: number) =>
          `DATA_DELETED ${c.CustomerID} ${i === 0 ? c.CustomerID : `${c.CustomerID}:${i + 1}`}`,
      );
    expect(links.sort()).toEqual(
      [...flipped.flatMap(household), `DATA_DELETED ${roommate.CustomerID} ${roommate.CustomerID}:2`].sort(),
    );
    // Not quarantined as errors: hidden, and reads leave them out.
    expect((await readQuarantine(harness.app, integrationId)).meta.total).toBe(0);
    const residents = byXId(await readAll(harness.app, 'residents', integrationId));
    expect(residents.size).toBe(cachedBefore.size - hiddenPeople.length - 1);
    expect([residents.has(`${roommate.CustomerID}:2`), residents.has(roommate.CustomerID)]).toEqual([false, true]);
    const leases = byXId(await readAll(harness.app, 'leases', integrationId));
    expect([leases.has(roommate.CustomerID), flipped.some((c) => leases.has(c.CustomerID))]).toEqual([true, false]);
  });

  it('gets through busy and failing answers, quarantines the one malformed RT_Customer and keeps every other record', async () => {
    // One property only, so each job asks GetResidentTransactions_Login exactly once.
    const flaky = await startYardiSandboxServer({
      residents: 150,
      seed: 4,
      unitsPerProperty: 500,
      credentials: [CREDENTIALS],
    });
    try {
      const { faults, data } = flaky.sandbox;
      expect(data.properties).toHaveLength(1);
      faults.add({ path: 'GetUnitInformation_Login', status: 429, times: 2 });
      faults.add({ path: 'GetPropertyConfigurations', status: 500, times: 1 });
      // The residents, leases, charges and payments jobs all read this RT_Customer; only the lease reads its Lease.
      faults.add({
        path: 'GetResidentTransactions_Login',
        malformed: { index: 3, field: 'Lease', value: { LeaseFromDate: '31/31/2025', CurrentRent: '900.00' } },
        times: 4,
      });
      const { id, done } = await firstSync(harness, 'Yardi flaky', flaky.url, CREDENTIALS);
      expect(done).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
      expect(eventsOf(harness, id, 'JOB_FAILURE')).toEqual([]);
      expect(faults.list()).toEqual([]); // every fault was met

      const people = data.customers
        .flatMap((c) => c.Customers.Customer)
        .filter((p: any) => p['@Type'] !== 'applicant').length;
      const households = data.customers.filter((c) =>
        c.Customers.Customer.some((p: any) => p['@Type'] !== 'applicant'),
      ).length;
      const total = (model: string) => recordCount(harness.app, model, id);
      expect([
        await total('properties'),
        await total('units'),
        await total('leases'),
        await total('residents'),
      ]).toEqual([1, data.units.length, households - 1, people]);
      const quarantine = await readQuarantine(harness.app, id);
      expect(quarantine.meta.total).toBe(1);
      expect(quarantine.results[0]).toMatchObject({
        model: 'leases',
        x_id: data.customers[3].CustomerID,
        raw: { CustomerID: data.customers[3].CustomerID, Lease: { LeaseFromDate: '31/31/2025' } },
      });
      expect(quarantine.results[0].reason).toMatch(/LeaseFromDate/);
    } finally {
      await flaky.close();
    }
  });

  it('syncs a foreign Yardi server exactly, retrying its "Database busy" answers', async () => {
    const { id, done } = await firstSync(harness, 'Foreign Yardi', foreign.url, { ...FOREIGN_YARDI_CREDENTIALS });
    expect(done).toMatchObject({ successful_job_count: 7, failed_job_count: 0 });
    const busy = foreign.log.filter((e) => e.answer === 'busy');
    expect(busy.length).toBeGreaterThan(0);
    for (const b of busy)
      expect(
        foreign.log.some((e) => e.answer === 'data' && e.method === b.method && e.propertyId === b.propertyId),
      ).toBe(true);

    const all = await readAllModels(harness.app, id); // every list, validated against Propexo's schemas
    const properties = byXId(all.properties);
    const units = byXId(all.units);
    const leases = byXId(all.leases);
    const residents = byXId(all.residents);
    const pick = (record: any, fields: string[]) =>
      Object.fromEntries(fields.map((f) => [f, f.endsWith('_date') ? day(record[f]) : record[f]]));

    expect([...properties.keys()].sort()).toEqual(['B7', 'oakr']);
    const P = ['name', 'code', 'address_1', 'address_2', 'city', 'state', 'zip', 'custom_data'];
    expect(pick(properties.get('oakr'), P)).toEqual({
      name: 'Oak Ridge Manor',
      code: 'oakr',
      address_1: '1 Oak Ridge Way',
      address_2: null,
      city: 'Boise',
      state: 'ID',
      zip: '83702',
      custom_data: { accounts_receivable: '02/2026', accounts_payable: '02/2026' },
    });
    expect(pick(properties.get('B7'), P)).toEqual({
      name: 'Brennan & Söhne Flats',
      code: 'B7',
      address_1: '77 Canal St',
      address_2: 'Suite 2',
      city: 'Providence',
      state: 'RI',
      zip: '02903',
      custom_data: { accounts_receivable: '01/2026' },
    });

    const U = [
      'number',
      'x_property_id',
      'x_unit_type_id',
      'bedrooms',
      'bathrooms',
      'bathrooms_full',
      'bathrooms_half',
      'square_feet',
      'rent_amount_market_in_cents',
      'is_vacant',
    ];
    expect(Object.fromEntries([...units].map(([x, u]) => [x, pick(u, U)]))).toEqual({
      'oakr:A-1': {
        number: 'A-1',
        x_property_id: 'oakr',
        x_unit_type_id: 'TH3',
        bedrooms: '3',
        bathrooms: '2.5',
        bathrooms_full: 2,
        bathrooms_half: 1,
        square_feet: 1410,
        rent_amount_market_in_cents: 215000,
        is_vacant: false,
      },
      'oakr:A-2': {
        number: 'A-2',
        x_property_id: 'oakr',
        x_unit_type_id: 'TH3',
        bedrooms: '3',
        bathrooms: '2.5',
        bathrooms_full: 2,
        bathrooms_half: 1,
        square_feet: 1410,
        rent_amount_market_in_cents: 215000,
        is_vacant: true,
      },
      'oakr:0003': {
        number: '0003',
        x_property_id: 'oakr',
        x_unit_type_id: 'S',
        bedrooms: '0',
        bathrooms: '1',
        bathrooms_full: 1,
        bathrooms_half: 0,
        square_feet: null,
        rent_amount_market_in_cents: null,
        is_vacant: true,
      },
      'B7:A-1': {
        number: 'A-1',
        x_property_id: 'B7',
        x_unit_type_id: '1x1',
        bedrooms: '1',
        bathrooms: '1',
        bathrooms_full: 1,
        bathrooms_half: 0,
        square_feet: 640,
        rent_amount_market_in_cents: 132550,
        is_vacant: false,
      },
    });
    expect(units.get('oakr:A-1').property_id).toBe(properties.get('oakr').id);

    const R = [
      'first_name',
      'middle_name',
      'last_name',
      'email_1',
      'phone_1',
      'phone_1_type',
      'phone_2',
      'phone_2_type',
      'x_lease_id',
      'x_property_id',
    ];
    expect(Object.fromEntries([...residents].map(([x, r]) => [x, pick(r, R)]))).toEqual({
      r000001: {
        first_name: 'Siobhán',
        middle_name: null,
        last_name: "O'Reilly-Nguyễn",
        email_1: 'siobhan@example.org',
        phone_1: '2085550141',
        phone_1_type: 'HOME',
        phone_2: '2085550142',
        phone_2_type: 'MOBILE',
        x_lease_id: 'r000001',
        x_property_id: 'oakr',
      },
      'r000001:2': {
        first_name: 'Tomás',
        middle_name: 'J',
        last_name: 'Ruiz',
        email_1: null,
        phone_1: '208-555-0143 x12',
        phone_1_type: 'WORK',
        phone_2: null,
        phone_2_type: 'OTHER',
        x_lease_id: 'r000001',
        x_property_id: 'oakr',
      },
      'r000001:3': {
        first_name: 'Ada',
        middle_name: null,
        last_name: 'Ruiz',
        email_1: null,
        phone_1: null,
        phone_1_type: 'OTHER',
        phone_2: null,
        phone_2_type: 'OTHER',
        x_lease_id: 'r000001',
        x_property_id: 'oakr',
      },
      r000002: {
        first_name: 'Bjørn',
        middle_name: null,
        last_name: 'Ødegaard',
        email_1: 'bjorn@example.net',
        phone_1: '2085550150',
        phone_1_type: 'FAX',
        phone_2: null,
        phone_2_type: 'OTHER',
        x_lease_id: 'r000002',
        x_property_id: 'oakr',
      },
      r000003: {
        first_name: 'Mei-Ling',
        middle_name: null,
        last_name: 'Chen',
        email_1: null,
        phone_1: '2085550160',
        phone_1_type: 'MOBILE',
        phone_2: null,
        phone_2_type: 'OTHER',
        x_lease_id: 'r000003',
        x_property_id: 'oakr',
      },
      r000005: {
        first_name: 'Hemi',
        middle_name: null,
        last_name: 'Walker',
        email_1: null,
        phone_1: '2085550190',
        phone_1_type: 'OTHER',
        phone_2: null,
        phone_2_type: 'OTHER',
        x_lease_id: 'r000005',
        x_property_id: 'oakr',
      },
      'B7-0001': {
        first_name: 'Zoë',
        middle_name: null,
        last_name: 'Smith & Wesson',
        email_1: null,
        phone_1: '4015550170',
        phone_1_type: 'HOME',
        phone_2: '4015550171',
        phone_2_type: 'MOBILE',
        x_lease_id: 'B7-0001',
        x_property_id: 'B7',
      },
    });

    const L = [
      'x_unit_id',
      'unit_number',
      'start_date',
      'end_date',
      'rent_amount_in_cents',
      'realized_move_in_date',
      'realized_move_out_date',
      'status_raw',
      'status_normalized',
      'x_resident_id',
    ];
    expect(Object.fromEntries([...leases].map(([x, l]) => [x, pick(l, L)]))).toEqual({
      r000001: {
        x_unit_id: 'oakr:A-1',
        unit_number: 'A-1',
        start_date: '2025-03-01',
        end_date: '2026-02-28',
        rent_amount_in_cents: 209500,
        realized_move_in_date: '2025-03-02',
        realized_move_out_date: null,
        status_raw: 'current resident',
        status_normalized: 'ACTIVE',
        x_resident_id: 'r000001',
      },
      r000002: {
        x_unit_id: 'oakr:A-2',
        unit_number: 'A-2',
        start_date: '2022-01-15',
        end_date: '2023-01-14',
        rent_amount_in_cents: 180000,
        realized_move_in_date: '2022-01-15',
        realized_move_out_date: '2023-01-31',
        status_raw: 'former resident',
        status_normalized: 'INACTIVE',
        x_resident_id: 'r000002',
      },
      r000003: {
        x_unit_id: 'oakr:A-2',
        unit_number: 'A-2',
        start_date: '2026-04-01',
        end_date: '2027-03-31',
        rent_amount_in_cents: 215000,
        realized_move_in_date: null,
        realized_move_out_date: null,
        status_raw: 'future resident',
        status_normalized: 'PENDING',
        x_resident_id: 'r000003',
      },
      r000005: {
        x_unit_id: 'oakr:0003',
        unit_number: '0003',
        start_date: '2025-06-01',
        end_date: '2026-05-31',
        rent_amount_in_cents: 99000,
        realized_move_in_date: '2025-06-01',
        realized_move_out_date: null,
        status_raw: 'current resident',
        status_normalized: 'ACTIVE',
        x_resident_id: 'r000005',
      },
      'B7-0001': {
        x_unit_id: 'B7:A-1',
        unit_number: 'A-1',
        start_date: '2024-09-01',
        end_date: '2025-08-31',
        rent_amount_in_cents: 130000,
        realized_move_in_date: '2024-09-01',
        realized_move_out_date: null,
        status_raw: 'current resident',
        status_normalized: 'ACTIVE',
        x_resident_id: 'B7-0001',
      },
    });
    const links = (x: string) =>
      leases
        .get(x)
        .residents_meta_data.map((m: any) => [
          m.resident_id,
          m.x_resident_type,
          m.resident_type_normalized,
          day(m.notice_date),
        ])
        .sort();
    expect(links('r000001')).toEqual(
      [
        [residents.get('r000001').id, 'current resident', 'PRIMARY', null],
        [residents.get('r000001:2').id, 'current resident', 'SECONDARY', null],
        [residents.get('r000001:3').id, 'current resident', 'SECONDARY', null],
      ].sort(),
    );
    expect(links('r000002')).toEqual([[residents.get('r000002').id, 'former resident', 'PRIMARY', '2022-12-01']]);
    expect(links('B7-0001')).toEqual([[residents.get('B7-0001').id, 'current resident', 'PRIMARY', '2025-07-01']]);
    expect(links('r000005')).toEqual([[residents.get('r000005').id, 'current resident', 'PRIMARY', null]]);
    // Applicants (Kwabena's household, Sina in Hemi's) are neither residents nor leases.
    expect(
      FOREIGN_YARDI_DATA.households.flatMap((h) => h.people).filter((p) => p.type.toLowerCase() !== 'applicant'),
    ).toHaveLength(residents.size);
    expect([residents.has('r000004'), leases.has('r000004'), residents.has('r000005:2')]).toEqual([
      false,
      false,
      false,
    ]);
    // The phone type no table knows is reported, as the vendor spelt it.
    const unknown = await readUnknownValues(harness.app, id);
    expect(unknown.map((u: any) => [u.model, u.field, u.value, u.mapped_to, u.occurrences, u.sample_x_id])).toEqual([
      ['residents', 'phone_1_type', 'Pager', 'OTHER', 1, 'r000005'],
    ]);
  });

  it('with a wrong interface license: can_authenticate false and one JOB_FAILURE per model, nothing retried', async () => {
    const from = foreign.log.length;
    const { id, done } = await firstSync(harness, 'Foreign Yardi, wrong license', foreign.url, {
      ...FOREIGN_YARDI_CREDENTIALS,
      license: 'LIC-WRONG',
    });
    expect(done).toMatchObject({ successful_job_count: 0, failed_job_count: 7 });
    await new Promise((r) => setTimeout(r, 500));
    const failures = eventsOf(harness, id, 'JOB_FAILURE');
    expect(failures).toHaveLength(7);
    for (const f of failures) expect(f.data.error).toMatch(/Invalid Interface Entity or License/);
    expect(foreign.log.slice(from).map((e) => e.answer)).toEqual(Array(7).fill('refused'));
    const integration = await request(harness.app.url).get(`/v1/admin/integrations/${id}/`).set(auth());
    expect(integration.body.results).toMatchObject({ can_authenticate: false, is_running_sync: false });
  });
});

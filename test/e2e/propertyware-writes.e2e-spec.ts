import request from 'supertest';
import { startPropertywareRestSandboxServer } from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { waitFor } from '../support/app-process';
import {
  FOREIGN_PW_CREDENTIALS,
  startForeignPropertywareRestServer,
  type ForeignPropertywareRestServer,
} from '../support/foreign-propertyware-rest-server';
import { assertValidResponse } from '../support/propexo-schema';
import {
  authHeader,
  eventsOf,
  firstSync,
  manualSync,
  sandboxControl,
  settledWrite,
  startSyncHarness,
  SYNC_TRIGGERS,
  type SyncHarness,
} from '../support/sync-helpers';

const CREDENTIALS = { clientId: 'pw-writes-client', clientSecret: 'pw-writes-secret', systemId: '5150' };
type Model = 'properties' | 'units' | 'residents' | 'leases';
const GET_PATH: Record<Model, string> = {
  properties: '/v1/properties/{id}',
  units: '/v1/units/{id}',
  residents: '/v1/residents/{id}',
  leases: '/v1/leases/{lease_id}',
};
const NOUN: Record<Model, string> = {
  properties: 'PROPERTY',
  units: 'UNIT',
  residents: 'RESIDENT',
  leases: 'LEASE',
};

/**
 * Propertyware REST writes (docs/vendors/propertyware-rest.md, Writes) through the real app: against our sandbox
 * and against the independent foreign server, create and update of properties, units, residents and leases.
 */
describe('Propertyware REST writes', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startPropertywareRestSandboxServer>>;
  let foreign: ForeignPropertywareRestServer;
  let sandboxId: string;
  let foreignId: string;
  /** Records each integration's writes made or changed: the next sync must send no event for them. */
  const written: Record<string, Array<{ model: Model; id: string }>> = {};
  const auth = () => authHeader(harness.app);
  /** The sandbox's count of one write operation (`/_control/writes`). */
  const writeCounts = async (operation: string) =>
    ((await sandboxControl(sandbox.url)('GET', 'writes')) as Record<string, { received: number; applied: number }>)[
      operation
    ] ?? { received: 0, applied: 0 };

  const settled = (rootJobId: string) => settledWrite(harness, rootJobId);
  /** Sends a write, checks the 200 {job_id} against the spec, and waits for its end. */
  const send = async (model: Model, body: Record<string, unknown>, id?: string) => {
    const res =
      id === undefined
        ? await request(harness.app.url).post(`/v1/${model}/`).set(auth()).send(body)
        : await request(harness.app.url).put(`/v1/${model}/${id}`).set(auth()).send(body);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: expect.anything() });
    if (id === undefined) assertValidResponse('POST', `/v1/${model}/`, 200, res.body);
    else assertValidResponse('PUT', GET_PATH[model], 200, res.body);
    return { jobId: res.body.job_id as string, status: await settled(res.body.job_id) };
  };
  const read = async (model: Model, id: string) => {
    const res = await request(harness.app.url).get(`/v1/${model}/${id}`).set(auth());
    expect(res.status).toBe(200);
    assertValidResponse('GET', GET_PATH[model], 200, res.body);
    return res.body.results;
  };
  const latchkeyId = async (integrationId: string, model: Model, xId: string | number) => {
    const res = await request(harness.app.url)
      .get(`/v1/${model}/`)
      .query({ integration_id: integrationId, x_id: String(xId) })
      .set(auth());
    expect(res.body.results).toHaveLength(1);
    return res.body.results[0].id as string;
  };
  /** Exactly one DATA_NEW of the record. */
  const oneNew = async (integrationId: string, recordId: string) => {
    const of = () => eventsOf(harness, integrationId, 'DATA_NEW').filter((e) => e.data.record_id === recordId);
    const event = await waitFor(async () => of()[0], `DATA_NEW of ${recordId}`, 30_000);
    expect(of()).toHaveLength(1);
    return event;
  };
  /** Create → SUCCESS with created_record_id → the record reads back → one DATA_NEW from the write's job. */
  const create = async (integrationId: string, model: Model, body: Record<string, unknown>) => {
    const { jobId, status } = await send(model, { integration_id: integrationId, ...body });
    expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
    const id = status.created_record_id as string;
    const record = await read(model, id);
    const event = await oneNew(integrationId, id);
    expect(event.data).toMatchObject({
      object: model,
      root_job_id: jobId,
      job_type: `PROPERTYWARE_REST_CREATE_${NOUN[model]}`,
    });
    (written[integrationId] ??= []).push({ model, id });
    return record;
  };
  /** Update → SUCCESS → reads back → one DATA_UPDATE from the write's job. */
  const update = async (integrationId: string, model: Model, id: string, body: Record<string, unknown>) => {
    const updatesBefore = eventsOf(harness, integrationId, 'DATA_UPDATE').filter((e) => e.data.record_id === id).length;
    const { jobId, status } = await send(model, body, id);
    expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
    const of = () => eventsOf(harness, integrationId, 'DATA_UPDATE').filter((e) => e.data.record_id === id);
    const event = await waitFor(async () => of()[updatesBefore], `DATA_UPDATE of ${id}`, 30_000);
    expect(event.data).toMatchObject({ root_job_id: jobId, job_type: `PROPERTYWARE_REST_UPDATE_${NOUN[model]}` });
    expect(of()).toHaveLength(updatesBefore + 1);
    (written[integrationId] ??= []).push({ model, id });
    return read(model, id);
  };

  beforeAll(async () => {
    sandbox = await startPropertywareRestSandboxServer({ residents: 40, seed: 20, credentials: [CREDENTIALS] });
    foreign = await startForeignPropertywareRestServer();
    harness = await startSyncHarness({
      name: 'propertyware-writes',
      vendor: 'PROPERTYWARE_REST',
      env: { VENDOR_WRITE_TIMEOUT_SECONDS: '10', SYNC_RETRY_BASE_MS: '200' },
      triggers: [...SYNC_TRIGGERS, 'WRITE_OPERATION_FAILURE'],
    });
    ({ id: sandboxId } = await firstSync(harness, 'PW writes', sandbox.url, CREDENTIALS));
    ({ id: foreignId } = await firstSync(harness, 'PW writes (foreign)', foreign.url, FOREIGN_PW_CREDENTIALS));
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await foreign?.close();
  });

  describe('against the sandbox', () => {
    let propertyId: string;
    let unitId: string;
    let residentId: string;

    it('properties: create (SaveBuilding, the type as its code) and update (UpdateBuilding, merged)', async () => {
      const portfolio = sandbox.sandbox.data.portfolios[0];
      const property = await create(sandboxId, 'properties', {
        name: 'Harbour View Duplex',
        x_portfolio_id: String(portfolio.id),
        category: 'Residential',
        type: 'Du/Fourplex',
        address_1: '12 Harbour Road',
        city: 'Portland',
        state: 'OR',
        zip: '97201',
        country: 'US',
        year_built: 1987,
        square_footage: '2400',
      });
      propertyId = property.id;
      const building = sandbox.sandbox.data.buildings.find((b) => String(b.id) === property.x_id)!;
      expect(building).toMatchObject({
        name: 'Harbour View Duplex',
        abbreviation: 'Harbour View',
        portfolioID: portfolio.id,
        category: 'RESIDENTIAL',
        propertyType: 'Du/Fourplex', // written as DU_FOUR_PLEX, read as its display string
        type: 'Du/Fourplex',
        countUnit: 1,
        rentable: true,
        yearBuilt: 1987,
        totalArea: 2400,
        address: {
          address: '12 Harbour Road',
          city: 'Portland',
          stateRegion: 'OR',
          postalCode: '97201',
          country: 'United States',
        },
      });
      expect(property).toMatchObject({
        name: 'Harbour View Duplex',
        type_normalized: 'MULTI_FAMILY',
        year_built: 1987,
      });

      const updated = await update(sandboxId, 'properties', propertyId, { name: 'Harbour View Flats' });
      expect(updated.name).toBe('Harbour View Flats');
      // A full replace that kept what the update left out.
      expect(sandbox.sandbox.data.buildings.find((b) => b.id === building.id)).toMatchObject({
        name: 'Harbour View Flats',
        propertyType: 'Du/Fourplex',
        yearBuilt: 1987,
        totalArea: 2400,
        address: { address: '12 Harbour Road', country: 'United States' },
      });
    });

    it('units: create (SaveUnit, the building and its portfolio) and update (merged)', async () => {
      const unit = await create(sandboxId, 'units', {
        property_id: propertyId,
        number: '2A',
        category: 'Residential',
        type: 'Apartment',
        bedrooms: '2',
        bathrooms: '1.5',
        square_feet: 900,
        rent_amount_market_in_cents: 185000,
      });
      unitId = unit.id;
      expect(unit).toMatchObject({
        number: '2A',
        property_id: propertyId,
        bedrooms: '2',
        bathrooms: '1.5',
        rent_amount_market_in_cents: 185000,
      });
      const record = sandbox.sandbox.data.units.find((u) => String(u.id) === unit.x_id)!;
      const building = sandbox.sandbox.data.buildings.find((b) => String(b.id) === unit.x_property_id)!;
      expect(record).toMatchObject({
        buildingID: building.id,
        portfolioID: building.portfolioID,
        category: 'RESIDENTIAL',
        type: 'Apartment',
        numberOfBedrooms: 2,
        numberOfBathrooms: 1.5,
        targetRent: 1850,
      });

      const updated = await update(sandboxId, 'units', unitId, { rent_amount_market_in_cents: 190050 });
      expect(updated).toMatchObject({
        rent_amount_market_in_cents: 190050,
        number: '2A',
        bedrooms: '2',
        bathrooms: '1.5',
      });
      expect(sandbox.sandbox.data.units.find((u) => u.id === record.id)).toMatchObject({
        targetRent: 1900.5,
        type: 'Apartment',
        numberOfBedrooms: 2,
      });
    });

    it('residents: create on a lease (SaveContact, then the lease names it) and update (merged)', async () => {
      const lease = sandbox.sandbox.data.leases.find((l) => l.status === 'Active' && l.endDate && l.moveInDate)!;
      const leaseId = await latchkeyId(sandboxId, 'leases', lease.id);
      const resident = await create(sandboxId, 'residents', {
        lease_id: leaseId,
        first_name: 'Wren',
        last_name: 'Okafor',
        email_1: 'wren.okafor@example.com',
        phone_1: '5035550100',
        phone_1_type: 'WORK',
        date_of_birth: '1990-04-05T00:00:00.000Z',
        address_1: '12 Harbour Road',
        city: 'Portland',
        state: 'OR',
        zip: '97201',
        country: 'US',
      });
      residentId = resident.id;
      expect(resident).toMatchObject({
        first_name: 'Wren',
        last_name: 'Okafor',
        phone_1_type: 'WORK',
        x_lease_id: String(lease.id),
      });
      const contact = sandbox.sandbox.data.contacts.find((c) => String(c.id) === resident.x_id)!;
      expect(contact).toMatchObject({
        type: 'TENANT',
        workPhone: '5035550100',
        birthDate: '1990-04-05',
        address: { country: 'United States' },
      });
      expect(sandbox.sandbox.data.leases.find((l) => l.id === lease.id)!.contacts.map((c: any) => c.id)).toContain(
        contact.id,
      );

      const updated = await update(sandboxId, 'residents', residentId, { email_1: 'wren@example.org' });
      expect(updated).toMatchObject({
        email_1: 'wren@example.org',
        first_name: 'Wren',
        phone_1: expect.stringContaining('555'),
      });
      expect(sandbox.sandbox.data.contacts.find((c) => c.id === contact.id)).toMatchObject({
        email: 'wren@example.org',
        workPhone: '5035550100',
        birthDate: '1990-04-05',
        address: { address: '12 Harbour Road', country: 'United States' },
      });
    });

    it('leases: create (SaveLease, the resident as tenant and primary) and update (merged, status by the table)', async () => {
      // A tenant other than the resident written above: a new lease changes its tenant's record (its leases).
      const tenant = sandbox.sandbox.data.leases.find((l) => l.status === 'Active')!.contacts[0].id;
      const lease = await create(sandboxId, 'leases', {
        unit_id: unitId,
        resident_id: await latchkeyId(sandboxId, 'residents', tenant),
        start_date: '2026-03-01T00:00:00.000Z',
        end_date: '2027-02-28T00:00:00.000Z',
        rent_amount_in_cents: 185000,
        status: 'PENDING',
      });
      expect(lease).toMatchObject({
        unit_id: unitId,
        status_raw: 'Draft',
        status_normalized: 'PENDING',
        rent_amount_in_cents: 185000,
      });
      const record = sandbox.sandbox.data.leases.find((l) => String(l.id) === lease.x_id)!;
      expect(record.contacts).toEqual([expect.objectContaining({ id: tenant, primary: true })]);
      expect(record).toMatchObject({
        startDate: '2026-03-01',
        endDate: '2027-02-28',
        moveInDate: '2026-03-01',
        baseRent: 1850,
        status: 'Draft',
      });

      const updated = await update(sandboxId, 'leases', lease.id, { status: 'SIGNED', signature_date: '2026-02-20' });
      expect(updated).toMatchObject({
        status_raw: 'Active',
        signature_date: expect.stringMatching(/^2026-02-20/),
        rent_amount_in_cents: 185000,
      });
      expect(sandbox.sandbox.data.leases.find((l) => l.id === record.id)).toMatchObject({
        status: 'Active',
        signedDate: '2026-02-20',
        startDate: '2026-03-01',
        endDate: '2027-02-28',
        baseRent: 1850,
      });
    });

    it('the next sync sends no event for any record written', async () => {
      const { events } = await manualSync(harness, sandboxId);
      const ids = new Set(written[sandboxId].map((w) => w.id));
      expect(written[sandboxId]).toHaveLength(8);
      expect(events.filter((e) => ids.has(e.data.record_id))).toEqual([]);
    });

    it('a create applied but answered 502 ends FAILURE "outcome unknown", sent once, made once', async () => {
      await sandboxControl(sandbox.url)('POST', 'faults', {
        path: '/buildings',
        method: 'POST',
        status: 502,
        afterApply: true,
        times: 1,
      });
      const before = await writeCounts('POST /buildings');
      const buildings = sandbox.sandbox.data.buildings.length;
      const { jobId, status } = await send('properties', {
        integration_id: sandboxId,
        name: 'Timeout Towers',
        x_portfolio_id: String(sandbox.sandbox.data.portfolios[0].id),
        category: 'Residential',
        type: 'Apartment',
      });
      expect(status.write_status).toBe('FAILURE');
      expect(status.created_record_id).toBeNull();
      expect(status.errors).toEqual([
        expect.stringMatching(/^outcome unknown: POST \/buildings .*502.*check the PMS before retry-write$/),
      ]);
      const after = await writeCounts('POST /buildings');
      expect(after.received - before.received).toBe(1);
      expect(after.applied - before.applied).toBe(1);
      expect(sandbox.sandbox.data.buildings.length - buildings).toBe(1);
      const failure = await waitFor(
        async () => eventsOf(harness, sandboxId, 'WRITE_OPERATION_FAILURE').find((e) => e.data.root_job_id === jobId),
        'WRITE_OPERATION_FAILURE',
        30_000,
      );
      expect(failure.data).toMatchObject({
        write_status: 'FAILURE',
        job_type: 'PROPERTYWARE_REST_CREATE_PROPERTY',
        errors: status.errors,
      });
    });

    it("Propertyware's validation error comes back as readable field errors", async () => {
      const { status } = await send('residents', {
        integration_id: sandboxId,
        first_name: 'Bartholomew-Maximilian-Alexander',
        last_name: 'Okafor',
        city: 'Portland',
      });
      expect(status.write_status).toBe('FAILURE');
      expect(status.errors).toEqual([
        'Propertyware refused the SaveContact (HTTP 400): firstName (first_name): firstName must be at most 30 characters; ' +
          'address.country (country): country is required',
      ]);
    });
  });

  describe('against the foreign server', () => {
    let propertyId: string;
    let unitId: string;
    let residentId: string;

    it('creates and updates a property, a unit, a resident and a lease the way the contract says', async () => {
      const property = await create(foreignId, 'properties', {
        name: 'Ørsted Court',
        x_portfolio_id: '90017',
        category: 'Commercial',
        type: 'Commercial',
        address_1: '4 Pier Road',
        city: 'Burlington',
        state: 'VT',
        zip: '05401',
        country: 'US',
      });
      propertyId = property.id;
      expect(foreign.data.buildings.find((b) => String(b.id) === property.x_id)).toMatchObject({
        propertyType: 'Commercial',
        category: 'COMMERCIAL',
        portfolioID: 90017,
        abbreviation: 'Ørsted Court',
      });
      expect((await update(foreignId, 'properties', propertyId, { year_built: 1921 })).year_built).toBe(1921);
      expect(foreign.data.buildings.find((b) => String(b.id) === property.x_id)).toMatchObject({
        name: 'Ørsted Court',
        yearBuilt: 1921,
        category: 'COMMERCIAL',
      });

      const unit = await create(foreignId, 'units', {
        property_id: propertyId,
        name: 'Suite 1',
        abbreviation: 'S1',
        category: 'Commercial',
        type: 'House',
        bathrooms: '2.5',
      });
      unitId = unit.id;
      expect(foreign.data.units.find((u) => String(u.id) === unit.x_id)).toMatchObject({
        buildingID: Number(property.x_id),
        portfolioID: 90017,
        numberOfBathrooms: 2.5,
      });
      expect(await update(foreignId, 'units', unitId, { bedrooms: '3' })).toMatchObject({
        bedrooms: '3',
        bathrooms: '2.5',
        number: 'Suite 1',
      });

      const leaseId = await latchkeyId(foreignId, 'leases', 550021);
      const resident = await create(foreignId, 'residents', {
        lease_id: leaseId,
        first_name: 'Saoirse',
        last_name: 'Ní Dhomhnaill',
        phone_1: '802 555 0142',
        phone_1_type: 'MOBILE',
      });
      residentId = resident.id;
      expect(resident).toMatchObject({ first_name: 'Saoirse', x_lease_id: '550021' });
      expect(foreign.data.leases.find((l) => l.id === 550021)!.contacts.map((c: any) => c.id)).toEqual([
        3007,
        2990,
        Number(resident.x_id),
      ]);
      expect(await update(foreignId, 'residents', residentId, { email_1: 'saoirse@example.ie' })).toMatchObject({
        email_1: 'saoirse@example.ie',
        first_name: 'Saoirse',
      });
      expect(foreign.data.contacts.find((c) => String(c.id) === resident.x_id)).toMatchObject({
        mobilePhone: '802 555 0142',
        type: 'TENANT',
      });

      // An existing record keeps what the update leaves out (its address, its other phones).
      const lukasz = await latchkeyId(foreignId, 'residents', 3007);
      await update(foreignId, 'residents', lukasz, { notes: 'Prefers post' });
      expect(foreign.data.contacts.find((c) => c.id === 3007)).toMatchObject({
        comments: 'Prefers post',
        workPhone: '+1 (802) 555-0199',
        otherPhone: '802-555-0100',
        birthDate: '1979-12-31',
        address: { address: '9 Rue Sainte-Catherine', addressCont: 'Loft A', country: 'United States' },
      });

      // A tenant other than the residents written above: a new lease changes its tenant's record (its leases).
      const lease = await create(foreignId, 'leases', {
        unit_id: unitId,
        resident_id: await latchkeyId(foreignId, 'residents', 2990),
        start_date: '2026-01-01',
        end_date: '2026-12-31',
        status: 'ACTIVE',
      });
      expect(lease).toMatchObject({ status_raw: 'Active', unit_id: unitId });
      expect(await update(foreignId, 'leases', lease.id, { move_out_date: '2026-12-30' })).toMatchObject({
        status_raw: 'Active',
        start_date: expect.stringMatching(/^2026-01-01/),
      });

      // The foreign server answered some of these with 429 (every 5th request): a create was sent again only then.
      const posts = foreign.log.filter((r) => r.method === 'POST');
      expect(posts.filter((r) => r.status === 201)).toHaveLength(4);
    });

    it('the next sync sends no event for any record written', async () => {
      const { events } = await manualSync(harness, foreignId);
      const ids = new Set(written[foreignId].map((w) => w.id));
      expect(written[foreignId]).toHaveLength(9);
      expect(events.filter((e) => ids.has(e.data.record_id))).toEqual([]);
    });
  });
});

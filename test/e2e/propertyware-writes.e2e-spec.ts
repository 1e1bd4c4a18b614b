import request from 'supertest';
import { startPropertywareRestSandboxServer } from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { BANK_GL_ACCOUNTS, INCOME_GL_ACCOUNTS } from '../../src/sandbox/propertyware-rest/propertyware-rest-ledger';
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
type Model =
  'properties' | 'units' | 'residents' | 'leases' | 'service_requests' | 'resident_charges' | 'resident_payments';
const PATH: Record<Model, string> = {
  properties: 'properties',
  units: 'units',
  residents: 'residents',
  leases: 'leases',
  service_requests: 'service-requests',
  resident_charges: 'resident-charges',
  resident_payments: 'resident-payments',
};
const GET_PATH: Record<Model, string> = {
  properties: '/v1/properties/{id}',
  units: '/v1/units/{id}',
  residents: '/v1/residents/{id}',
  leases: '/v1/leases/{lease_id}',
  service_requests: '/v1/service-requests/{service_request_id}',
  resident_charges: '/v1/resident-charges/{resident_charge_id}',
  resident_payments: '/v1/resident-payments/{resident_payment_id}',
};
const NOUN: Record<Model, string> = {
  properties: 'PROPERTY',
  units: 'UNIT',
  residents: 'RESIDENT',
  leases: 'LEASE',
  service_requests: 'SERVICE_REQUEST',
  resident_charges: 'RESIDENT_CHARGE',
  resident_payments: 'RESIDENT_PAYMENT',
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
        ? await request(harness.app.url).post(`/v1/${PATH[model]}/`).set(auth()).send(body)
        : await request(harness.app.url).put(`/v1/${PATH[model]}/${id}`).set(auth()).send(body);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: expect.anything() });
    if (id === undefined) assertValidResponse('POST', `/v1/${PATH[model]}/`, 200, res.body);
    else assertValidResponse('PUT', GET_PATH[model], 200, res.body);
    return { jobId: res.body.job_id as string, status: await settled(res.body.job_id) };
  };
  const read = async (model: Model, id: string) => {
    const res = await request(harness.app.url).get(`/v1/${PATH[model]}/${id}`).set(auth());
    expect(res.status).toBe(200);
    assertValidResponse('GET', GET_PATH[model], 200, res.body);
    return res.body.results;
  };
  const latchkeyId = async (integrationId: string, model: Model, xId: string | number) => {
    const res = await request(harness.app.url)
      .get(`/v1/${PATH[model]}/`)
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
  /** The WRITE_OPERATION_FAILURE event of a write. */
  const failureEvent = (integrationId: string, rootJobId: string) =>
    waitFor(
      async () =>
        eventsOf(harness, integrationId, 'WRITE_OPERATION_FAILURE').find((e) => e.data.root_job_id === rootJobId),
      'WRITE_OPERATION_FAILURE',
      30_000,
    );
  /** Create → SUCCESS with created_record_id → the record reads back → one DATA_NEW from the write's job. */
  const create = async (integrationId: string, model: Model, body: Record<string, unknown>) => {
    const { jobId, status } = await send(model, { integration_id: integrationId, ...body });
    expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
    const id = status.created_record_id as string;
    const record = await read(model, id);
    const event = await oneNew(integrationId, id);
    expect(event.data).toMatchObject({
      object: PATH[model],
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
    // This customer is in Propertyware's beta program: the work order close and the ledger creates are BETA.
    sandbox = await startPropertywareRestSandboxServer({
      residents: 40,
      seed: 20,
      credentials: [{ ...CREDENTIALS, beta: true }],
    });
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
      const failure = await failureEvent(sandboxId, jobId);
      expect(failure.data).toMatchObject({
        write_status: 'FAILURE',
        job_type: 'PROPERTYWARE_REST_CREATE_PROPERTY',
        errors: status.errors,
      });
    });

    it('a resident whose lease PUT fails after its contact: PARTIAL_SUCCESS, one contact; retry-write puts it on the lease alone', async () => {
      const lease = sandbox.sandbox.data.leases
        .filter((l) => l.status === 'Active' && l.endDate && l.moveInDate)
        .at(-1)!;
      const tenantsBefore = lease.contacts.map((c: any) => c.id);
      await sandboxControl(sandbox.url)('POST', 'faults', {
        path: `/leases/${lease.id}`,
        method: 'PUT',
        status: 409,
        times: 1,
      });
      const contactsBefore = await writeCounts('POST /contacts');
      const putsBefore = await writeCounts('PUT /leases/{id}');
      const { jobId, status } = await send('residents', {
        integration_id: sandboxId,
        lease_id: await latchkeyId(sandboxId, 'leases', lease.id),
        first_name: 'Niamh',
        last_name: 'Partial',
      });
      const made = () => sandbox.sandbox.data.contacts.filter((c) => c.lastName === 'Partial');
      const [contact] = made();
      // The contact is made but on no lease, so no resident Latchkey can hold yet: no created_record_id.
      expect(status).toEqual({
        write_status: 'PARTIAL_SUCCESS',
        errors: [
          `contact ${contact.id} was created, but not put on lease ${lease.id}, so it is no tenant (no resident) yet; ` +
            'retry-write puts it on the lease and creates no second contact',
          expect.stringMatching(new RegExp(`^PUT /leases/${lease.id} was rejected with HTTP 409`)),
        ],
        created_record_id: null,
      });
      const failure = await failureEvent(sandboxId, jobId);
      expect(failure.data).toMatchObject({
        write_status: 'PARTIAL_SUCCESS',
        errors: status.errors,
        job_type: 'PROPERTYWARE_REST_CREATE_RESIDENT',
      });
      expect(await writeCounts('POST /contacts')).toEqual({
        ...contactsBefore,
        received: contactsBefore.received + 1,
        applied: contactsBefore.applied + 1,
      });
      expect(await writeCounts('PUT /leases/{id}')).toMatchObject({
        received: putsBefore.received + 1,
        applied: putsBefore.applied,
      });
      expect(sandbox.sandbox.data.leases.find((l) => l.id === lease.id)!.contacts.map((c: any) => c.id)).toEqual(
        tenantsBefore,
      );

      // retry-write completes the contact the write made: the lease PUT alone, never a second contact.
      const retry = await request(harness.app.url).post(`/v1/admin/retry-write/${jobId}`).set(auth()).send({});
      expect([retry.status, retry.body]).toEqual([200, { success: true, job_id: expect.any(String) }]);
      const retried = await settled(jobId);
      expect(retried).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
      expect(made()).toHaveLength(1);
      expect((await writeCounts('POST /contacts')).received).toBe(contactsBefore.received + 1);
      expect((await writeCounts('PUT /leases/{id}')).applied).toBe(putsBefore.applied + 1);
      expect(sandbox.sandbox.data.leases.find((l) => l.id === lease.id)!.contacts.map((c: any) => c.id)).toEqual([
        ...tenantsBefore,
        contact.id,
      ]);
      const id = retried.created_record_id as string;
      expect(await read('residents', id)).toMatchObject({
        x_id: String(contact.id),
        first_name: 'Niamh',
        x_lease_id: String(lease.id),
      });
      expect((await oneNew(sandboxId, id)).data).toMatchObject({ root_job_id: jobId });
      expect(await latchkeyId(sandboxId, 'residents', contact.id)).toBe(id);
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

    it('a resident on a lease SaveLease cannot take (no endDate): PARTIAL_SUCCESS, and its retry-write makes no second contact', async () => {
      // A month-to-month lease has no end date, which SaveLease requires: the lease PUT is refused both times.
      const leaseId = await latchkeyId(foreignId, 'leases', 550034);
      const made = () => foreign.data.contacts.filter((c) => c.lastName === 'Holdover');
      const contactPosts = () =>
        foreign.log.filter((r) => r.method === 'POST' && r.path === '/contacts' && r.status === 201).length;
      const leasePuts = () =>
        foreign.log.filter((r) => r.method === 'PUT' && r.path === '/leases/550034' && r.status === 400).length;
      const postsBefore = contactPosts();
      const putsBefore = leasePuts();
      const { jobId, status } = await send('residents', {
        integration_id: foreignId,
        lease_id: leaseId,
        first_name: 'Oisín',
        last_name: 'Holdover',
      });
      const [contact] = made();
      const partial = {
        write_status: 'PARTIAL_SUCCESS',
        errors: [
          `contact ${contact.id} was created, but not put on lease 550034, so it is no tenant (no resident) yet; ` +
            'retry-write puts it on the lease and creates no second contact',
          expect.stringMatching(/^Propertyware refused the SaveLease \(HTTP 400\): endDate \(end_date\)/),
        ],
        created_record_id: null,
      };
      expect(status).toEqual(partial);
      const retry = await request(harness.app.url).post(`/v1/admin/retry-write/${jobId}`).set(auth()).send({});
      expect(retry.status).toBe(200);
      expect(await settled(jobId)).toEqual(partial);
      expect(made()).toHaveLength(1);
      expect(contactPosts() - postsBefore).toBe(1);
      // The retry sent the lease PUT again (refused again), and no POST.
      expect(leasePuts() - putsBefore).toBe(2);
      expect(foreign.data.leases.find((l) => l.id === 550034)!.contacts.map((c: any) => c.id)).toEqual([3023]);
    });
  });

  describe('service requests, resident charges and payments (the vendor file: work orders, BETA close and ledger)', () => {
    /** The records these writes made or changed, per integration: the next sync must send no event for them. */
    const ledgerWritten: Record<string, string[]> = {};
    const track = <T extends { id: string }>(integrationId: string, record: T) => {
      (ledgerWritten[integrationId] ??= []).push(record.id);
      return record;
    };
    const put = (path: string, id: string, body: object) =>
      request(harness.app.url).put(`/v1/${path}/${id}`).set(auth()).send(body);
    /** The sandbox lease the money goes to: in force, with a ledger and tenants. */
    const ledgerLease = () =>
      sandbox.sandbox.data.leases.find(
        (l) => l.status === 'Active' && sandbox.sandbox.data.charges.some((c) => c.leaseID === l.id),
      )!;

    it('sandbox: a service request is created, then closed through the BETA close; any other update is refused at once', async () => {
      const lease = ledgerLease();
      const unit = sandbox.sandbox.data.units.find((u) => u.id === lease.unitID)!;
      const tenant = sandbox.sandbox.data.contacts.find((c) => c.id === lease.contacts[0].id)!;
      const created = track(
        sandboxId,
        await create(sandboxId, 'service_requests', {
          property_id: await latchkeyId(sandboxId, 'properties', lease.buildingID),
          unit_id: await latchkeyId(sandboxId, 'units', unit.id),
          resident_id: await latchkeyId(sandboxId, 'residents', tenant.id),
          service_description: 'Fan',
          service_details: 'Bathroom fan rattles',
          service_priority: 'Med',
          service_category: 'Electrical',
          access_is_authorized_value: 'ENTER_AT_ANY_TIME',
          date_scheduled: '2026-12-10T00:00:00Z',
        }),
      );
      expect(created).toMatchObject({
        x_property_id: String(lease.buildingID),
        x_unit_id: String(unit.id),
        unit_number: unit.name,
        service_details: 'Bathroom fan rattles',
        service_priority: 'MEDIUM',
        service_category: 'Electrical',
        status_raw: 'Open',
        access_is_authorized: true,
        date_scheduled: '2026-12-10T00:00:00.000Z',
        date_completed: null,
      });
      expect(sandbox.sandbox.data.workorders.find((w) => String(w.id) === created.x_id)).toMatchObject({
        buildingID: lease.buildingID,
        unitIDs: [unit.id],
        priority: 'MEDIUM',
        authorizeEnter: 'ANYTIME',
        type: 'Service Request',
        requestedBy: `${tenant.firstName} ${tenant.lastName}`,
        description: 'Bathroom fan rattles',
      });

      // Anything but a close is refused before a job is made: another field, a status that does not close, no vendor.
      const other = await put('service-requests', created.id, { service_description: 'Louder fan' });
      expect([other.status, other.body.error.code, other.body.error.details.issues[0].path]).toEqual([
        400,
        'invalid_request',
        ['service_description'],
      ]);
      const notClosing = await put('service-requests', created.id, { status_raw: 'In Progress', vendor_id: '6200001' });
      expect([notClosing.status, notClosing.body.error.details.issues[0].message]).toEqual([
        400,
        expect.stringMatching(/^Propertyware can only close a work order/),
      ]);
      const noVendor = await put('service-requests', created.id, { date_completed: '2026-12-11T00:00:00Z' });
      expect([noVendor.status, noVendor.body.error.details.issues[0].path]).toEqual([400, ['vendor_id']]);
      expect((await writeCounts('PUT /workorders/closeworkorder/{id}')).received).toBe(0);

      const closed = await update(sandboxId, 'service_requests', created.id, {
        vendor_id: '6200001',
        date_completed: '2026-12-11T00:00:00Z',
        completion_notes: 'Fan replaced',
      });
      expect(closed).toMatchObject({ status_raw: 'Completed', date_completed: '2026-12-11T00:00:00.000Z' });
      expect(closed.vendors.map((v: any) => v.vendor_id)).toEqual(['6200001']);
      expect(await writeCounts('PUT /workorders/closeworkorder/{id}')).toMatchObject({ received: 1, applied: 1 });
    });

    it("sandbox: a charge and a payment are posted (BETA) in exact cents, readable at once; the lease's charges less payments stay its balance", async () => {
      const lease = ledgerLease();
      const leaseId = await latchkeyId(sandboxId, 'leases', lease.id);
      const before = { charges: sandbox.sandbox.data.charges.length, balance: Math.round(lease.leaseBalance * 100) };
      const large = track(
        sandboxId,
        await create(sandboxId, 'resident_charges', {
          lease_id: leaseId,
          amount_in_cents: 12345678901,
          transaction_date: '2026-12-01T00:00:00Z',
          financial_account_id: String(INCOME_GL_ACCOUNTS.other),
          description: 'Build-out',
          reference_number: 'BO-1',
        }),
      );
      expect(large).toMatchObject({
        lease_id: leaseId,
        x_property_id: String(lease.buildingID),
        x_unit_id: String(lease.unitID),
        amount_in_cents: 12345678901,
        amount_raw: '123456789.01',
        amount_open_in_cents: 12345678901,
        is_open: true,
        x_gl_account_id: String(INCOME_GL_ACCOUNTS.other),
        description: 'Build-out',
        reference_number: 'BO-1',
        transaction_date: '2026-12-01T00:00:00.000Z',
      });
      const small = track(
        sandboxId,
        await create(sandboxId, 'resident_charges', {
          lease_id: leaseId,
          amount_in_cents: 30,
          transaction_date: '2026-12-02T00:00:00Z',
          charge_code_id: String(INCOME_GL_ACCOUNTS.utility),
        }),
      );
      expect([small.amount_in_cents, small.amount_raw]).toEqual([30, '0.3']);
      expect(sandbox.sandbox.data.charges.slice(before.charges).map((c) => [c.amount, c.glAccountID])).toEqual([
        [123456789.01, INCOME_GL_ACCOUNTS.other],
        [0.3, INCOME_GL_ACCOUNTS.utility],
      ]);

      const tenant = lease.contacts[0].id;
      const payment = track(
        sandboxId,
        await create(sandboxId, 'resident_payments', {
          lease_id: leaseId,
          resident_id: await latchkeyId(sandboxId, 'residents', tenant),
          amount_in_cents: 10030,
          transaction_date: '2026-12-03T00:00:00Z',
          financial_account_id: String(BANK_GL_ACCOUNTS[0]),
          payment_type: 'Debit Card',
          reference_number: 'DC-77',
        }),
      );
      expect(payment).toMatchObject({
        lease_id: leaseId,
        x_resident_id: String(tenant),
        amount_in_cents: 10030,
        payment_method_raw: 'CREDIT_CARD',
        payment_method_normalized: 'CREDITCARD',
        reference_number: 'DC-77',
        x_gl_account_id: String(BANK_GL_ACCOUNTS[0]),
      });
      expect(Math.round(lease.leaseBalance * 100) - before.balance).toBe(12345678901 + 30 - 10030);

      // After a sync (the payment changed the charges it paid, and the lease's balance), the identity holds.
      await manualSync(harness, sandboxId);
      const sum = async (path: string) => {
        const res = await request(harness.app.url)
          .get(`/v1/${path}/`)
          .query({ integration_id: sandboxId, lease_id: leaseId, limit: 250 })
          .set(auth());
        expect([res.status, res.body.meta.hasMore]).toEqual([200, false]);
        return (res.body.results as any[]).reduce((total, r) => total + r.amount_in_cents, 0);
      };
      expect((await sum('resident-charges')) - (await sum('resident-payments'))).toBe(
        Math.round(lease.leaseBalance * 100),
      );
    });

    it('sandbox: a payment posted but answered 502 ends FAILURE "outcome unknown", sent once, posted once', async () => {
      const lease = ledgerLease();
      await sandboxControl(sandbox.url)('POST', 'faults', {
        path: '/leases/payments',
        method: 'POST',
        status: 502,
        afterApply: true,
        times: 1,
      });
      const before = await writeCounts('POST /leases/payments');
      const payments = sandbox.sandbox.data.payments.length;
      const { status } = await send('resident_payments', {
        integration_id: sandboxId,
        lease_id: await latchkeyId(sandboxId, 'leases', lease.id),
        resident_id: await latchkeyId(sandboxId, 'residents', lease.contacts[0].id),
        amount_in_cents: 5000,
        transaction_date: '2026-12-04T00:00:00Z',
        financial_account_id: String(BANK_GL_ACCOUNTS[0]),
        payment_type: 'Check',
        reference_number: '2001',
      });
      expect(status).toEqual({
        write_status: 'FAILURE',
        created_record_id: null,
        errors: [
          expect.stringMatching(/^outcome unknown: POST \/leases\/payments .*502.*check the PMS before retry-write$/),
        ],
      });
      const after = await writeCounts('POST /leases/payments');
      expect([after.received - before.received, after.applied - before.applied]).toEqual([1, 1]);
      expect(sandbox.sandbox.data.payments.length - payments).toBe(1);
    });

    it('foreign server: creates and closes a work order, posts a charge and a payment, each as its contract says', async () => {
      const created = track(
        foreignId,
        await create(foreignId, 'service_requests', {
          property_id: await latchkeyId(foreignId, 'properties', 77003),
          unit_id: await latchkeyId(foreignId, 'units', 8801),
          resident_id: await latchkeyId(foreignId, 'residents', 3007),
          service_description: 'Radiator cold',
          service_priority: 'Emergency',
          access_is_authorized: false,
        }),
      );
      expect(created).toMatchObject({
        unit_number: 'Loft A',
        service_priority: 'HIGH',
        access_is_authorized: false,
        service_details: 'Radiator cold',
        status_raw: 'New',
      });
      expect(foreign.data.workorders.find((w) => String(w.id) === created.x_id)).toMatchObject({
        requestedBy: 'Łukasz Kowalczyk',
        authorizeEnter: 'NO',
        unitIDs: [8801],
      });
      const closed = await update(foreignId, 'service_requests', created.id, {
        vendor_id: '5101',
        status_raw: 'Work Completed',
      });
      expect(closed.status_raw).toBe('Closed');
      expect(closed.vendors.map((v: any) => v.vendor_id)).toEqual(['5101']);

      const leaseId = await latchkeyId(foreignId, 'leases', 550021);
      const charge = track(
        foreignId,
        await create(foreignId, 'resident_charges', {
          lease_id: leaseId,
          amount_in_cents: 98765432199,
          transaction_date: '2026-02-01T00:00:00Z',
          financial_account_id: '4001',
          notes: 'Special assessment',
        }),
      );
      expect(charge).toMatchObject({
        amount_in_cents: 98765432199,
        amount_open_in_cents: 98765432199,
        x_property_id: '77003',
        x_unit_id: '8801',
        description: 'Special assessment',
      });
      const payment = track(
        foreignId,
        await create(foreignId, 'resident_payments', {
          lease_id: leaseId,
          resident_id: await latchkeyId(foreignId, 'residents', 2990),
          amount_in_cents: 7,
          transaction_date: '2026-02-02T00:00:00Z',
          financial_account_id: '1010',
          payment_type: 'eCheck',
          reference_number: 'EFT-99',
        }),
      );
      expect(payment).toMatchObject({ amount_in_cents: 7, payment_method_raw: 'ECHECK', x_resident_id: '2990' });
      expect(foreign.data.payments.find((p) => String(p.id) === payment.x_id)).toMatchObject({
        amount: 0.07,
        date: '2026-02-02',
        depositDate: '2026-02-02',
        destinationAccountID: 1010,
        refNo: 'EFT-99',
      });
    });

    it('the next sync sends no event for the service requests, charges and payments written', async () => {
      for (const integrationId of [sandboxId, foreignId]) {
        const { events } = await manualSync(harness, integrationId);
        const ids = new Set(ledgerWritten[integrationId]);
        expect(events.filter((e) => ids.has(e.data.record_id))).toEqual([]);
      }
      expect([ledgerWritten[sandboxId].length, ledgerWritten[foreignId].length]).toEqual([4, 3]);
    });
  });
});

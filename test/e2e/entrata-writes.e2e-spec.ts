import request from 'supertest';
import { BUILT_WRITES } from '../../src/fetch/registry/vendor-registry';
import { startEntrataSandboxServer } from '../../src/sandbox/entrata/entrata-sandbox';
import { waitFor } from '../support/app-process';
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
  sandboxControl,
  settledWrite,
  startSyncHarness,
  SYNC_TRIGGERS,
  type SyncHarness,
} from '../support/sync-helpers';

const CREDENTIALS = { apiKey: 'entrata-writes-key', companyId: 'acme' };
type Target = 'sandbox' | 'foreign';

/**
 * Writes to Entrata (entrata.md, Writes) through the real app: residents update, leases create and update, units
 * create, each read back at once with exactly one event and nothing from the next sync; Entrata's refusals in
 * HTTP 200; never twice at the vendor. Against our sandbox and a foreign server written from the contract alone.
 */
describe('Entrata writes', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startEntrataSandboxServer>>;
  let foreign: ForeignEntrataServer;
  const integrations = {} as Record<Target, string>;
  const auth = () => authHeader(harness.app);
  /** A write method's calls at the vendor: how many arrived and how many changed its data. */
  const vendorWrites = (target: Target, method: string): { received: number; applied: number } =>
    (target === 'sandbox' ? sandbox.sandbox.writes.snapshot()[method] : foreign.writes[method]) ?? {
      received: 0,
      applied: 0,
    };

  const settled = (rootJobId: string) => settledWrite(harness, rootJobId);
  /** Sends a write; its 200 answer checked against the spec; the write's end. */
  const write = async (method: 'post' | 'put', path: string, specPath: string, body: object) => {
    const res = await request(harness.app.url)[method](path).set(auth()).send(body);
    if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    assertValidResponse(method.toUpperCase(), specPath, 200, res.body);
    return { rootJobId: res.body.job_id as string, status: await settled(res.body.job_id) };
  };
  /** A record as the API serves it, checked against the spec. */
  const read = async (model: string, id: string, specPath: string) => {
    const res = await request(harness.app.url).get(`/v1/${model}/${id}`).set(auth());
    expect(res.status).toBe(200);
    assertValidResponse('GET', specPath, 200, res.body);
    return res.body.results;
  };
  /** The one DATA_NEW/DATA_UPDATE of a record; the next sync sends nothing for it, and it stays one. */
  const oneEventThenQuietSync = async (target: Target, trigger: string, recordId: string, rootJobId: string) => {
    const integrationId = integrations[target];
    const events = () => eventsOf(harness, integrationId, trigger).filter((e) => e.data.record_id === recordId);
    const event = await waitFor(async () => events()[0], `${trigger} of ${recordId}`, 30_000);
    expect(event.data).toMatchObject({ root_job_id: rootJobId });
    const { events: afterSync } = await manualSync(harness, integrationId);
    expect(afterSync.filter((e) => e.data.record_id === recordId)).toEqual([]);
    expect(events()).toHaveLength(1);
  };

  beforeAll(async () => {
    sandbox = await startEntrataSandboxServer({ residents: 60, seed: 20, credentials: [CREDENTIALS] });
    foreign = await startForeignEntrataServer();
    harness = await startSyncHarness({
      name: 'entrata-writes',
      vendor: 'ENTRATA',
      // Short, so the apply-then-time-out case ends soon; long enough for this loaded machine's answers.
      env: { VENDOR_WRITE_TIMEOUT_SECONDS: '10' },
      triggers: [...SYNC_TRIGGERS, 'WRITE_OPERATION_FAILURE'],
    });
    integrations.sandbox = (
      await firstSync(harness, 'Entrata sandbox', sandbox.url, CREDENTIALS, { max_request_cadence: 'SECOND' })
    ).id;
    integrations.foreign = (await firstSync(harness, 'Entrata foreign', foreign.url, FOREIGN_ENTRATA_CREDENTIALS)).id;
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await foreign?.close();
  });

  describe.each(['sandbox', 'foreign'] as const)('against the %s', (target) => {
    let createdLeaseId: string;
    let propertyId: string;

    it('updates a resident (updateCustomers): SUCCESS, read back with the new values, one DATA_UPDATE, nothing from the next sync', async () => {
      const residents = await readAll(harness.app, 'residents', integrations[target]);
      // A customer with at most one phone, whose phone type Entrata can write: phone_1 is then the one written.
      const resident = residents.find(
        (r) => r.phone_2 === null && (r.phone_1 === null || ['HOME', 'WORK', 'MOBILE', 'FAX'].includes(r.phone_1_type)),
      );
      const before = vendorWrites(target, 'updateCustomers');
      const { rootJobId, status } = await write('put', `/v1/residents/${resident.id}`, '/v1/residents/{id}', {
        first_name: 'Renata',
        email_1: 'renata.update@example.com',
        phone_1: '(720) 555-0199',
        phone_1_type: resident.phone_1_type ?? 'MOBILE',
        date_of_birth: '1984-04-05T00:00:00.000Z',
        address_1: '77 Write Back Rd',
      });
      expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
      expect(vendorWrites(target, 'updateCustomers').applied - before.applied).toBe(1);

      const after = await read('residents', resident.id, '/v1/residents/{id}');
      expect(after).toMatchObject({
        first_name: 'Renata',
        last_name: resident.last_name,
        email_1: 'renata.update@example.com',
        phone_1: '7205550199',
        phone_1_type: resident.phone_1_type ?? 'MOBILE',
        address_1: '77 Write Back Rd',
      });
      expect(day(after.date_of_birth)).toBe('1984-04-05');
      await oneEventThenQuietSync(target, 'DATA_UPDATE', resident.id, rootJobId);
    });

    it("creates a lease (sendLeases), sent again after Entrata's 429 body: SUCCESS with created_record_id, made once, read back at once, one DATA_NEW, nothing from the next sync", async () => {
      const [unit] = await readAll(harness.app, 'units', integrations[target]);
      propertyId = unit.property_id;
      // Entrata's 429 body first: it did nothing, so the create is sent again.
      if (target === 'sandbox')
        await sandboxControl(sandbox.url)('POST', 'faults', { path: '/leases', method: 'POST', status: 429, times: 1 });
      else foreign.throttleNext('sendLeases');
      const before = vendorWrites(target, 'sendLeases');
      const { rootJobId, status } = await write('post', '/v1/leases/', '/v1/leases/', {
        integration_id: integrations[target],
        property_id: unit.property_id,
        unit_id: unit.id,
        floor_plan_id: '31',
        lease_period_id: '12',
        start_date: '2031-01-01',
        end_date: '2031-12-31',
        scheduled_move_in_date: '2031-01-02',
        first_name: 'Odile',
        last_name: 'Marchetti',
        email_1: 'odile@example.com',
        phone_1: '3035550123',
        phone_1_type: 'HOME',
        address_1: '5 Lease Lane',
        city: 'Denver',
        state: 'CO',
        zip: '80202',
      });
      expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
      const after = vendorWrites(target, 'sendLeases');
      expect(after.applied - before.applied).toBe(1);
      expect(after.received - before.received).toBeGreaterThanOrEqual(2);
      createdLeaseId = status.created_record_id;

      const lease = await read('leases', createdLeaseId, '/v1/leases/{lease_id}');
      expect(lease).toMatchObject({ property_id: unit.property_id, unit_id: unit.id, status_normalized: 'PENDING' });
      expect([day(lease.start_date), day(lease.end_date), day(lease.scheduled_move_in_date)]).toEqual([
        '2031-01-01',
        '2031-12-31',
        '2031-01-02',
      ]);
      await oneEventThenQuietSync(target, 'DATA_NEW', createdLeaseId, rootJobId);
      // The lease's primary customer came with it, and the sync brought it in.
      const residents = await readAll(harness.app, 'residents', integrations[target]);
      expect(residents.find((r) => r.first_name === 'Odile')).toMatchObject({
        last_name: 'Marchetti',
        phone_1: '3035550123',
        phone_1_type: 'HOME',
      });
    });

    it('updates a lease (updateLease): SUCCESS, the new move-in date read back, one DATA_UPDATE, nothing from the next sync', async () => {
      const before = vendorWrites(target, 'updateLease');
      const { rootJobId, status } = await write('put', `/v1/leases/${createdLeaseId}`, '/v1/leases/{lease_id}', {
        // The foreign case leaves the lease's property out: the writer finds it (getLeases of each property).
        ...(target === 'sandbox' ? { property_id: propertyId } : {}),
        scheduled_move_in_date: '2031-01-09T00:00:00.000Z',
      });
      expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
      expect(vendorWrites(target, 'updateLease').applied - before.applied).toBe(1);
      const lease = await read('leases', createdLeaseId, '/v1/leases/{lease_id}');
      expect(day(lease.scheduled_move_in_date)).toBe('2031-01-09');
      expect(day(lease.start_date)).toBe('2031-01-01');
      await oneEventThenQuietSync(target, 'DATA_UPDATE', createdLeaseId, rootJobId);
    });

    it('creates a unit (sendPropertyUnits): SUCCESS with created_record_id, read back at once, one DATA_NEW, nothing from the next sync', async () => {
      const before = vendorWrites(target, 'sendPropertyUnits');
      const { rootJobId, status } = await write('post', '/v1/units/', '/v1/units/', {
        integration_id: integrations[target],
        property_id: propertyId,
        number: `W-${target}`,
        bedrooms: '3',
        bathrooms: '2',
        square_feet: 1010,
      });
      expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
      expect(vendorWrites(target, 'sendPropertyUnits').applied - before.applied).toBe(1);
      const unit = await read('units', status.created_record_id, '/v1/units/{id}');
      expect(unit).toMatchObject({
        property_id: propertyId,
        number: `W-${target}`,
        bedrooms: '3',
        bathrooms: '2',
        square_feet: 1010,
      });
      await oneEventThenQuietSync(target, 'DATA_NEW', status.created_record_id, rootJobId);
    });
  });

  it('an Entrata validation error (error 400 in HTTP 200) ends FAILURE with its message; nothing is made', async () => {
    const [unit] = await readAll(harness.app, 'units', integrations.sandbox);
    const leases = sandbox.sandbox.data.leases.length;
    const res = await request(harness.app.url).post('/v1/leases/').set(auth()).send({
      integration_id: integrations.sandbox,
      property_id: unit.property_id,
      unit_id: unit.id,
      floor_plan_id: '31',
      lease_period_id: 'twelve-months',
      start_date: '2031-02-01',
      end_date: '2032-01-31',
      move_in_date: '2031-02-01',
      first_name: 'Ines',
      last_name: 'Valid',
      phone_1: '3035550100',
      phone_1_type: 'WORK',
      address_1: '1 Error St',
      city: 'Denver',
      state: 'CO',
      zip: '80202',
    });
    expect(res.status).toBe(200);
    expect(await settled(res.body.job_id)).toEqual({
      write_status: 'FAILURE',
      errors: ['Entrata sendLeases error 400: leaseTermId must be a numeric id.'],
      created_record_id: null,
    });
    expect(sandbox.sandbox.data.leases.length).toBe(leases);
    const failure = await waitFor(
      async () =>
        eventsOf(harness, integrations.sandbox, 'WRITE_OPERATION_FAILURE').find(
          (e) => e.data.root_job_id === res.body.job_id,
        ),
      'WRITE_OPERATION_FAILURE',
      30_000,
    );
    expect(failure.data).toMatchObject({ write_status: 'FAILURE', job_type: 'ENTRATA_CREATE_LEASE' });
  });

  it("a record Entrata refuses (a Failed item in HTTP 200) ends FAILURE with Entrata's message", async () => {
    const [unit] = await readAll(harness.app, 'units', integrations.sandbox);
    const res = await request(harness.app.url)
      .post('/v1/units/')
      .set(auth())
      .send({ integration_id: integrations.sandbox, property_id: unit.property_id, number: unit.number });
    expect(res.status).toBe(200);
    expect(await settled(res.body.job_id)).toEqual({
      write_status: 'FAILURE',
      errors: [`Entrata sendPropertyUnits failed: Unit number ${unit.number} already exists.`],
      created_record_id: null,
    });
  });

  it('a create applied but never answered ends FAILURE "outcome unknown", sent exactly once', async () => {
    const control = sandboxControl(sandbox.url);
    await control('POST', 'faults', { path: '/propertyunits', method: 'POST', afterApply: true, hang: true, times: 1 });
    const counted = async () => ((await control('GET', 'writes')) as Record<string, any>).sendPropertyUnits;
    const before = await counted();
    const units = sandbox.sandbox.data.units.length;
    const [property] = await readAll(harness.app, 'properties', integrations.sandbox);
    const res = await request(harness.app.url)
      .post('/v1/units/')
      .set(auth())
      .send({ integration_id: integrations.sandbox, property_id: property.id, number: 'TIMEOUT-1' });
    expect(res.status).toBe(200);
    const status = await settled(res.body.job_id);
    expect(status.write_status).toBe('FAILURE');
    expect(status.created_record_id).toBeNull();
    expect(status.errors[0]).toMatch(/^outcome unknown: .*check the PMS before retry-write$/);
    const after = await counted();
    expect([after.received - before.received, after.applied - before.applied]).toEqual([1, 1]);
    expect(sandbox.sandbox.data.units.length - units).toBe(1);
  });

  it.each([
    ['residents', 'create'],
    ['properties', 'create'],
    ['properties', 'update'],
    ['units', 'update'],
  ] as const)("%s %s is not Entrata's: 400 unsupported_operation where the route is served", async (model, op) => {
    // Bodies the spec's input schemas accept, so the vendor check is what answers.
    const body =
      model === 'residents'
        ? { integration_id: integrations.sandbox, first_name: 'No', last_name: 'Way' }
        : op === 'create'
          ? { integration_id: integrations.sandbox, name: 'Nope' }
          : { name: 'Nope' };
    const [record] = await readAll(harness.app, model, integrations.sandbox);
    const call =
      op === 'create'
        ? request(harness.app.url).post(`/v1/${model}/`)
        : request(harness.app.url).put(`/v1/${model}/${record.id}`);
    const res = await call.set(auth()).send(body);
    // A route exists once some vendor's adapter sends that write (another vendor's); until then it is not served.
    if (!BUILT_WRITES.some((w) => w.model === model && w.operation === op)) {
      expect(res.status).toBe(404);
      return;
    }
    expect(res.status).toBe(400);
    assertValid('errorResponse', res.body);
    expect(res.body.error).toEqual({
      code: 'unsupported_operation',
      message: `ENTRATA does not support ${op} of ${model} (no upstream API)`,
      details: { integration_vendor: 'ENTRATA', model, operation: op },
    });
  });
});

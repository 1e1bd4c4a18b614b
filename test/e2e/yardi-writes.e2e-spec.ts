import request from 'supertest';
import { BUILT_WRITES } from '../../src/fetch/registry/vendor-registry';
import { YARDI_FACTS } from '../../src/fetch/yardi/yardi.facts';
import { startYardiSandboxServer } from '../../src/sandbox/yardi/yardi-sandbox';
import { waitFor } from '../support/app-process';
import {
  FOREIGN_YARDI_CREDENTIALS,
  startForeignYardiServer,
  type ForeignYardiServer,
} from '../support/foreign-yardi-server';
import { assertValid, assertValidResponse } from '../support/propexo-schema';
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

const CREDENTIALS = {
  username: 'writes-user',
  password: 'writes-password',
  database: 'writes_live',
  serverName: 'writes_sql',
  platform: 'SQL Server',
  entity: 'Writes Entity',
  license: 'writes-license',
};
const APPLICATION_TYPES = ['applicant', 'future resident'];

/**
 * Writes to Yardi (docs/vendors/yardi.md, Writes) through the sandbox and the foreign server: SOAP calls whose
 * outcome is a document inside HTTP 200, read back through the sync's own call.
 */
describe('Yardi writes', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startYardiSandboxServer>>;
  let foreign: ForeignYardiServer;
  let integrationId: string;
  let foreignId: string;
  const auth = () => authHeader(harness.app);
  const api = () => request(harness.app.url);
  const received = (method: string) => sandbox.sandbox.writes.snapshot()[method]?.received ?? 0;
  const customers = () => sandbox.sandbox.data.customers as any[];

  const settled = (rootJobId: string) => settledWrite(harness, rootJobId);
  const one = async (model: string, integration: string, query: string) => {
    const res = await api().get(`/v1/${model}?integration_id=${integration}&${query}`).set(auth());
    expect(res.status).toBe(200);
    return res.body.results as any[];
  };
  const eventsFor = (integration: string, trigger: string, recordId: string) =>
    eventsOf(harness, integration, trigger).filter((e) => e.data.record_id === recordId);
  /** The write's one event for the record, then a sync that sends nothing for it. */
  const oneEventThenQuietSync = async (integration: string, trigger: string, recordId: string, jobType: string) => {
    const event = await waitFor(async () => eventsFor(integration, trigger, recordId)[0], `${trigger}`, 30_000);
    expect(event.data).toMatchObject({ job_type: jobType });
    const { events } = await manualSync(harness, integration);
    expect(events.filter((e) => e.data.record_id === recordId)).toEqual([]);
    expect(eventsFor(integration, trigger, recordId)).toHaveLength(1);
  };
  const put = async (model: string, id: string, body: object, specPath: string) => {
    const res = await api().put(`/v1/${model}/${id}`).set(auth()).send(body);
    expect(res.status).toBe(200);
    assertValidResponse('PUT', specPath, 200, res.body);
    return settled(res.body.job_id);
  };
  const postLease = async (body: object) => {
    const res = await api().post('/v1/leases/').set(auth()).send(body);
    expect(res.status).toBe(200);
    assertValidResponse('POST', '/v1/leases/', 200, res.body);
    return settled(res.body.job_id);
  };

  beforeAll(async () => {
    sandbox = await startYardiSandboxServer({ residents: 60, seed: 20, credentials: [CREDENTIALS] });
    foreign = await startForeignYardiServer();
    harness = await startSyncHarness({
      name: 'yardi-writes',
      vendor: 'YARDI',
      // Short, so the apply-then-time-out case ends soon; long enough for this loaded machine's answers.
      env: { VENDOR_WRITE_TIMEOUT_SECONDS: '10', SYNC_RETRY_BASE_MS: '200' },
      triggers: [...SYNC_TRIGGERS, 'WRITE_OPERATION_FAILURE'],
    });
    ({ id: integrationId } = await firstSync(harness, 'Yardi writes', sandbox.url, CREDENTIALS));
    ({ id: foreignId } = await firstSync(harness, 'Foreign Yardi writes', foreign.url, {
      ...FOREIGN_YARDI_CREDENTIALS,
    }));
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await foreign?.close();
  });

  it('updates a resident (UpdateResidentData): SUCCESS, Yardi has it, read back at once, one DATA_UPDATE, nothing from the next sync', async () => {
    const [resident] = await one('residents', integrationId, 'limit=1&offset=3');
    const before = received('UpdateResidentData');
    const status = await put(
      'residents',
      resident.id,
      { first_name: 'Wren', email_1: 'wren.written@example.com', phone_1: '5035550188', phone_1_type: 'FAX' },
      '/v1/residents/{id}',
    );
    expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
    expect(received('UpdateResidentData') - before).toBe(1);

    const [household, position = '1'] = String(resident.x_id).split(':');
    const person = customers().find((c) => c.CustomerID === household).Customers.Customer[Number(position) - 1];
    expect(person.Name.FirstName).toBe('Wren');
    expect(person.Name.LastName).toBe(resident.last_name);
    expect(person.Email).toBe('wren.written@example.com');
    expect(person.Phone).toContainEqual({ '@PhoneType': 'fax', PhoneNumber: '5035550188' });

    const read = await api().get(`/v1/residents/${resident.id}`).set(auth());
    assertValidResponse('GET', '/v1/residents/{id}', 200, read.body);
    expect(read.body.results).toMatchObject({
      first_name: 'Wren',
      last_name: resident.last_name,
      email_1: 'wren.written@example.com',
    });
    await oneEventThenQuietSync(integrationId, 'DATA_UPDATE', resident.id, 'YARDI_UPDATE_RESIDENT');
  });

  it('creates an application (ImportApplication_Login): SUCCESS, Yardi has the applicant household, which Latchkey does not read as a lease, so created_record_id stays null and no event fires until Yardi makes it a future resident', async () => {
    const [unit] = await one('units', integrationId, 'limit=1');
    const before = customers().length;
    const status = await postLease({
      integration_id: integrationId,
      property_id: unit.property_id,
      unit_id: unit.id,
      first_name: 'Ngozi',
      last_name: 'Adeyemi',
      email_1: 'ngozi@example.com',
      phone_1: '5035550111',
      phone_1_type: 'MOBILE',
      start_date: '2027-01-01',
      end_date: '2027-12-31',
      scheduled_move_in_date: '2026-12-30T00:00:00Z',
      rent_amount_in_cents: 215050,
    });
    // An applicant household is no lease (docs/vendors/yardi.md): it cannot be read back, so there is no record id.
    expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
    expect(customers().length - before).toBe(1);
    const created = customers().at(-1);
    expect(created).toMatchObject({
      YardiPropertyId: unit.x_property_id,
      RT_Unit: { UnitID: unit.number },
      Lease: {
        LeaseFromDate: '01/01/2027',
        LeaseToDate: '12/31/2027',
        ExpectedMoveInDate: '2026-12-30',
        CurrentRent: '2150.50',
      },
    });
    expect(created.Customers.Customer[0]).toMatchObject({
      '@Type': 'applicant',
      Name: { FirstName: 'Ngozi', LastName: 'Adeyemi' },
      Email: 'ngozi@example.com',
      Phone: [{ '@PhoneType': 'cell', PhoneNumber: '5035550111' }],
    });
    const { events } = await manualSync(harness, integrationId);
    expect(events.filter((e) => JSON.stringify(e).includes(created.CustomerID))).toEqual([]);
    expect(await one('leases', integrationId, `x_id=${created.CustomerID}`)).toEqual([]);

    // Once Yardi makes the applicant a future resident, the household is a lease: the next sync brings it, new.
    const [applicant] = created.Customers.Customer;
    await sandboxControl(sandbox.url)('PATCH', `customers/${created.CustomerID}`, {
      Customers: { Customer: [{ ...applicant, '@Type': 'future resident' }] },
    });
    const next = await manualSync(harness, integrationId);
    const [lease] = await one('leases', integrationId, `x_id=${created.CustomerID}`);
    expect(lease).toMatchObject({ status_normalized: 'PENDING', rent_amount_in_cents: 215050, unit_id: unit.id });
    expect(next.events.filter((e) => e.trigger === 'DATA_NEW' && e.data.record_id === lease.id)).toHaveLength(1);
  });

  it('updates a future lease (its application): SUCCESS, read back at once, one DATA_UPDATE, nothing from the next sync', async () => {
    const pending = (await one('leases', integrationId, 'limit=100')).filter((l) => l.status_normalized === 'PENDING');
    const lease = pending.find((l) =>
      customers()
        .find((c) => c.CustomerID === l.x_id)
        .Customers.Customer.every((p: any) => APPLICATION_TYPES.includes(p['@Type'])),
    );
    expect(lease).toBeDefined();
    const status = await put(
      'leases',
      lease.id,
      { rent_amount_in_cents: 187525, end_date: '2028-06-30' },
      '/v1/leases/{lease_id}',
    );
    expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
    expect(customers().find((c) => c.CustomerID === lease.x_id).Lease).toMatchObject({
      CurrentRent: '1875.25',
      LeaseToDate: '06/30/2028',
    });
    const read = await api().get(`/v1/leases/${lease.id}`).set(auth());
    assertValidResponse('GET', '/v1/leases/{lease_id}', 200, read.body);
    expect(read.body.results).toMatchObject({ rent_amount_in_cents: 187525, end_date: '2028-06-30T00:00:00.000Z' });
    await oneEventThenQuietSync(integrationId, 'DATA_UPDATE', lease.id, 'YARDI_UPDATE_LEASE');
  });

  it("an Error inside Yardi's HTTP 200 answer is a FAILURE with its words, and WRITE_OPERATION_FAILURE", async () => {
    const active = (await one('leases', integrationId, 'limit=100')).find((l) => l.status_normalized === 'ACTIVE');
    const res = await api().put(`/v1/leases/${active.id}`).set(auth()).send({ rent_amount_in_cents: 100 });
    expect(res.status).toBe(200);
    const status = await settled(res.body.job_id);
    expect(status).toEqual({
      write_status: 'FAILURE',
      errors: [`ImportApplication_Login: Customer ${active.x_id} is not an applicant`],
      created_record_id: null,
    });
    const failure = await waitFor(
      async () =>
        eventsOf(harness, integrationId, 'WRITE_OPERATION_FAILURE').find((e) => e.data.root_job_id === res.body.job_id),
      'WRITE_OPERATION_FAILURE',
      30_000,
    );
    expect(failure.data).toMatchObject({ vendor: 'YARDI', errors: status.errors, job_type: 'YARDI_UPDATE_LEASE' });
    expect(customers().find((c) => c.CustomerID === active.x_id).Lease.CurrentRent).not.toBe('1.00');
  });

  it('a create applied but never answered ends FAILURE "outcome unknown", sent exactly once', async () => {
    await sandboxControl(sandbox.url)('POST', 'faults', {
      path: 'ImportApplication_Login',
      afterApply: true,
      hang: true,
      times: 1,
    });
    const [unit] = await one('units', integrationId, 'limit=1&offset=1');
    const before = received('ImportApplication_Login');
    const households = customers().length;
    const status = await postLease({
      integration_id: integrationId,
      property_id: unit.property_id,
      unit_id: unit.id,
      first_name: 'Timeout',
      last_name: 'Applicant',
    });
    expect(status.write_status).toBe('FAILURE');
    expect(status.created_record_id).toBeNull();
    expect(status.errors[0]).toMatch(/^outcome unknown: .*check the PMS before retry-write$/);
    expect(customers().length - households).toBe(1);
    expect(received('ImportApplication_Login') - before).toBe(1);
  });

  it('each operation Yardi lacks is a 400 unsupported_operation (a 404 where no vendor has the route yet)', async () => {
    const [property] = await one('properties', integrationId, 'limit=1');
    const [unit] = await one('units', integrationId, 'limit=1');
    const [resident] = await one('residents', integrationId, 'limit=1');
    const records: Record<string, string> = { properties: property.id, units: unit.id, residents: resident.id };
    const bodies: Record<string, object> = {
      residents: { first_name: 'No', last_name: 'Way' },
      properties: { name: 'No Way' },
      units: { property_id: property.id, number: 'NW-1' },
    };
    const before = JSON.stringify(sandbox.sandbox.writes.snapshot());
    expect(YARDI_FACTS.unsupportedWrites.length).toBe(5);
    for (const ref of YARDI_FACTS.unsupportedWrites) {
      const [model, operation] = ref.split('.');
      const res =
        operation === 'create'
          ? await api()
              .post(`/v1/${model}/`)
              .set(auth())
              .send({ integration_id: integrationId, ...bodies[model] })
          : await api().put(`/v1/${model}/${records[model]}`).set(auth()).send(bodies[model]);
      if (!BUILT_WRITES.some((w) => w.model === model && w.operation === operation)) {
        expect(res.status).toBe(404);
        continue;
      }
      expect(res.status).toBe(400);
      assertValid('errorResponse', res.body);
      expect(res.body.error).toEqual({
        code: 'unsupported_operation',
        message: `YARDI does not support ${operation} of ${model} (no upstream API)`,
        details: { integration_vendor: 'YARDI', model, operation },
      });
    }
    expect(JSON.stringify(sandbox.sandbox.writes.snapshot())).toBe(before);
  });

  it('the foreign Yardi server takes the same writes: resident update, application update and create, its "Database busy" answers resent, its errors a FAILURE', async () => {
    const writesLogged = (method: string) => foreign.log.filter((e) => e.method === method);
    // A resident: the household's second person.
    const [resident] = await one('residents', foreignId, 'x_id=r000001:2');
    foreign.failNext('UpdateResidentData', 'busy');
    expect(
      await put(
        'residents',
        resident.id,
        { last_name: 'Ruiz-Park', phone_1: '2085550144', phone_1_type: 'WORK' },
        '/v1/residents/{id}',
      ),
    ).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
    // Busy means nothing was done: sent again (the server may answer busy more than once) and done once.
    const answers = writesLogged('UpdateResidentData').map((e) => e.answer);
    expect(answers[0]).toBe('busy');
    expect(answers.filter((a) => a !== 'busy')).toEqual(['data']);
    expect(foreign.data.households[0].people[1]).toMatchObject({ first: 'Tomás', last: 'Ruiz-Park' });
    const readResident = await api().get(`/v1/residents/${resident.id}`).set(auth());
    expect(readResident.body.results).toMatchObject({ first_name: 'Tomás', last_name: 'Ruiz-Park' });
    await oneEventThenQuietSync(foreignId, 'DATA_UPDATE', resident.id, 'YARDI_UPDATE_RESIDENT');

    // The future household's application.
    const [future] = await one('leases', foreignId, 'x_id=r000003');
    expect(
      await put(
        'leases',
        future.id,
        { rent_amount_in_cents: 220000, start_date: '2026-05-01' },
        '/v1/leases/{lease_id}',
      ),
    ).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
    expect(foreign.data.households.find((h) => h.id === 'r000003')).toMatchObject({
      rent: '2200.00',
      from: '2026-05-01',
    });
    const readLease = await api().get(`/v1/leases/${future.id}`).set(auth());
    expect(readLease.body.results).toMatchObject({
      rent_amount_in_cents: 220000,
      start_date: '2026-05-01T00:00:00.000Z',
    });

    // A current household has no application to change: Yardi's words.
    const [current] = await one('leases', foreignId, 'x_id=r000001');
    expect(await put('leases', current.id, { rent_amount_in_cents: 100 }, '/v1/leases/{lease_id}')).toEqual({
      write_status: 'FAILURE',
      errors: ['ImportApplication_Login: Customer r000001 is not an applicant'],
      created_record_id: null,
    });

    // A new application; then one done but answered with a SOAP Fault and no Messages: outcome unknown, sent once.
    const [unit] = await one('units', foreignId, 'x_id=oakr:0003');
    const application = {
      integration_id: foreignId,
      property_id: unit.property_id,
      unit_id: unit.id,
      first_name: 'Ama',
      last_name: 'Mensah',
      scheduled_move_in_date: '2026-09-01T00:00:00Z',
    };
    const households = foreign.data.households.length;
    expect(await postLease(application)).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
    expect(foreign.data.households.at(-1)).toMatchObject({
      property: 'oakr',
      unit: '0003',
      expectedMoveIn: '2026-09-01',
      people: [{ type: 'applicant', first: 'Ama', last: 'Mensah' }],
    });
    foreign.failNext('ImportApplication_Login', 'fault');
    const sent = writesLogged('ImportApplication_Login').length;
    const unknown = await postLease({ ...application, first_name: 'Kofi' });
    expect(unknown.write_status).toBe('FAILURE');
    expect(unknown.errors[0]).toMatch(
      /^outcome unknown: .*Thread was being aborted.*check the PMS before retry-write$/,
    );
    expect(writesLogged('ImportApplication_Login').length - sent).toBe(1);
    expect(foreign.data.households.length - households).toBe(2);
  });
});

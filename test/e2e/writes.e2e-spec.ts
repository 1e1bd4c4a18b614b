import request from 'supertest';
import { APPFOLIO_SANDBOX_CREDENTIALS, startAppfolioSandboxServer } from '../../src/sandbox/appfolio/appfolio-sandbox';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { waitFor } from '../support/app-process';
import {
  FOREIGN_CREDENTIALS,
  startForeignBuildiumServer,
  type ForeignBuildiumServer,
} from '../support/foreign-buildium-server';
import { withClient } from '../support/database';
import { assertValid, assertValidResponse } from '../support/propexo-schema';
import {
  authHeader,
  CORE_MODELS,
  createIntegration,
  eventsOf,
  firstSync,
  manualSync,
  sandboxControl,
  settledWrite,
  startSyncHarness,
  SYNC_TRIGGERS,
  type SyncHarness,
} from '../support/sync-helpers';

const CREDENTIALS = { clientId: 'writes-client', secret: 'writes-secret' };

/** Writes to the PMS (API.md §6) through Buildium's sandbox: accepted at once, sent by a worker, read back. */
describe('writes to the PMS', () => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let foreign: ForeignBuildiumServer;
  let integrationId: string;
  let foreignIntegrationId: string;
  let leaseId: string;
  const auth = () => authHeader(harness.app);
  const posts = () => sandbox.sandbox.writes.snapshot()['POST /v1/leases/tenants']?.received ?? 0;

  /** A resident body Buildium accepts (its LeaseId, names, Address.AddressLine1 and Country are required). */
  const resident = (extra: Record<string, unknown> = {}) => ({
    integration_id: integrationId,
    lease_id: leaseId,
    first_name: 'Wren',
    last_name: 'Okafor',
    email_1: 'wren.okafor@example.com',
    phone_1: '5551234567',
    phone_1_type: 'MOBILE',
    address_1: '12 Harbour Road',
    city: 'Portland',
    state: 'OR',
    zip: '97201',
    country: 'US',
    ...extra,
  });

  const settled = (rootJobId: string) => settledWrite(harness, rootJobId);

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 40, seed: 20, credentials: [CREDENTIALS] });
    harness = await startSyncHarness({
      name: 'writes',
      vendor: 'BUILDIUM',
      // Short, so the apply-then-time-out case ends soon; long enough for this loaded machine's answers.
      env: { VENDOR_WRITE_TIMEOUT_SECONDS: '10' },
      triggers: [...SYNC_TRIGGERS, 'WRITE_OPERATION_FAILURE'],
    });
    ({ id: integrationId } = await firstSync(harness, 'Writes', sandbox.url, CREDENTIALS));
    // The independent Buildium server (test/support, from the vendor contract alone) takes the same writes.
    foreign = await startForeignBuildiumServer();
    ({ id: foreignIntegrationId } = await firstSync(harness, 'Foreign writes', foreign.url, FOREIGN_CREDENTIALS));
    const leases = await request(harness.app.url).get(`/v1/leases?integration_id=${integrationId}`).set(auth());
    leaseId = leases.body.results[0].id;
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
    await foreign?.close();
  });

  it('creates a resident: 200 {job_id}, SUCCESS with created_record_id, readable at once, one DATA_NEW, nothing from the next sync', async () => {
    const before = posts();
    const res = await request(harness.app.url).post('/v1/residents/').set(auth()).send(resident());
    expect(res.status).toBe(200);
    assertValidResponse('POST', '/v1/residents/', 200, res.body);
    const status = await settled(res.body.job_id);
    expect(status).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
    expect(posts() - before).toBe(1);

    // Readable at once, as Buildium has it.
    const id = status.created_record_id;
    const read = await request(harness.app.url).get(`/v1/residents/${id}`).set(auth());
    expect(read.status).toBe(200);
    const tenant = sandbox.sandbox.data.tenants.find((t) => String(t.Id) === read.body.results.x_id)!;
    expect(tenant).toMatchObject({ FirstName: 'Wren', LastName: 'Okafor', Address: { Country: 'UnitedStates' } });
    expect(read.body.results).toMatchObject({
      first_name: 'Wren',
      last_name: 'Okafor',
      email_1: 'wren.okafor@example.com',
    });

    const news = () => eventsOf(harness, integrationId, 'DATA_NEW').filter((e) => e.data.record_id === id);
    const event = await waitFor(async () => news()[0], 'DATA_NEW of the created resident', 30_000);
    expect(event.data).toMatchObject({
      object: 'residents',
      root_job_id: res.body.job_id,
      job_type: 'BUILDIUM_CREATE_RESIDENT',
    });

    const { events } = await manualSync(harness, integrationId);
    expect(events.filter((e) => e.data.record_id === id)).toEqual([]);
    expect(news()).toHaveLength(1);
  });

  it('an update sends the whole record (GET, merge, PUT): the fields it leaves out keep their values', async () => {
    const tenant = sandbox.sandbox.data.tenants.find((t) => t.Address && t.PhoneNumbers?.length > 0)!;
    const before = structuredClone(tenant);
    const cached = await request(harness.app.url)
      .get(`/v1/residents?integration_id=${integrationId}&x_id=${tenant.Id}`)
      .set(auth());
    const id = cached.body.results[0].id;
    const res = await request(harness.app.url)
      .put(`/v1/residents/${id}`)
      .set(auth())
      .send({ email_1: 'changed@example.com' });
    expect(res.status).toBe(200);
    assertValidResponse('PUT', '/v1/residents/{id}', 200, res.body);
    expect(await settled(res.body.job_id)).toMatchObject({ write_status: 'SUCCESS', created_record_id: null });

    const after = sandbox.sandbox.data.tenants.find((t) => t.Id === tenant.Id)!;
    expect(after.Email).toBe('changed@example.com');
    expect(after).toMatchObject({
      FirstName: before.FirstName,
      LastName: before.LastName,
      Address: before.Address,
      DateOfBirth: before.DateOfBirth,
    });
    expect(after.PhoneNumbers.map((p: any) => p.Number).sort()).toEqual(
      before.PhoneNumbers.map((p: any) => p.Number).sort(),
    );
    const read = await request(harness.app.url).get(`/v1/residents/${id}`).set(auth());
    expect(read.body.results.email_1).toBe('changed@example.com');
  });

  it('a create applied but never answered ends FAILURE "outcome unknown", sent exactly once', async () => {
    const control = sandboxControl(sandbox.url);
    await control('POST', 'faults', {
      path: '/v1/leases/tenants',
      method: 'POST',
      afterApply: true,
      hang: true,
      times: 1,
    });
    const before = posts();
    const tenantsBefore = sandbox.sandbox.data.tenants.length;
    const res = await request(harness.app.url)
      .post('/v1/residents/')
      .set(auth())
      .send(resident({ first_name: 'Timeout' }));
    expect(res.status).toBe(200);
    const status = await settled(res.body.job_id);
    expect(status.write_status).toBe('FAILURE');
    expect(status.created_record_id).toBeNull();
    expect(status.errors[0]).toMatch(/^outcome unknown: .*check the PMS before retry-write$/);
    // Buildium did it once; nothing was sent again.
    expect(sandbox.sandbox.data.tenants.length - tenantsBefore).toBe(1);
    expect(posts() - before).toBe(1);

    const failure = await waitFor(
      async () =>
        eventsOf(harness, integrationId, 'WRITE_OPERATION_FAILURE').find((e) => e.data.root_job_id === res.body.job_id),
      'WRITE_OPERATION_FAILURE',
      30_000,
    );
    expect(failure).toEqual({
      trigger: 'WRITE_OPERATION_FAILURE',
      data: {
        event: 'WRITE_OPERATION_FAILURE',
        integration_id: integrationId,
        vendor: 'BUILDIUM',
        root_job_id: res.body.job_id,
        write_status: 'FAILURE',
        errors: status.errors,
        job_type: 'BUILDIUM_CREATE_RESIDENT',
      },
      meta: { object: 'residents', integration_id: integrationId },
    });
    expect(posts() - before).toBe(1);
  });

  it('a field Buildium cannot write is a 400 naming it, and is dropped with ignore_unknown_fields=true', async () => {
    const before = posts();
    const refused = await request(harness.app.url)
      .post('/v1/residents/')
      .set(auth())
      .send(resident({ middle_name: 'Quill' }));
    expect(refused.status).toBe(400);
    assertValid('errorResponse', refused.body);
    expect(refused.body.error.code).toBe('invalid_request');
    expect(refused.body.error.details.issues).toEqual([
      { path: ['middle_name'], message: expect.stringContaining('BUILDIUM cannot write middle_name') },
    ]);

    const accepted = await request(harness.app.url)
      .post('/v1/residents/?ignore_unknown_fields=true')
      .set(auth())
      .send(resident({ middle_name: 'Quill', first_name: 'Ignored' }));
    expect(accepted.status).toBe(200);
    expect(accepted.body.data).toEqual({ ignored_fields: ['middle_name'] });
    expect((await settled(accepted.body.job_id)).write_status).toBe('SUCCESS');
    expect(posts() - before).toBe(1);
    const created = sandbox.sandbox.data.tenants.at(-1)!;
    expect(created.FirstName).toBe('Ignored');
    expect(JSON.stringify(created)).not.toContain('Quill');
  });

  it("passes over a field left at the spec's default that Buildium cannot write; another value of it is refused", async () => {
    // A unit whose leases all end (a new open-ended one overlaps none of them).
    const { units, leases } = sandbox.sandbox.data;
    const free = units.find((u) => leases.every((l) => l.UnitId !== u.Id || l.LeaseToDate))!;
    const unit = (
      await request(harness.app.url).get(`/v1/units?integration_id=${integrationId}&x_id=${free.Id}`).set(auth())
    ).body.results[0];
    // What a client generated from the spec sends unasked: its defaults ([] lists), which ask for no write.
    const lease = { integration_id: integrationId, unit_id: unit.id, type: 'AtWill', start_date: '2031-01-01' };
    const refused = await request(harness.app.url)
      .post('/v1/leases/')
      .set(auth())
      .send({ ...lease, pets: [{ type: 'dog', name: 'Biscuit' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues).toEqual([
      { path: ['pets'], message: expect.stringContaining('BUILDIUM cannot write pets') },
    ]);
    const leasesBefore = sandbox.sandbox.data.leases.length;
    const accepted = await request(harness.app.url)
      .post('/v1/leases/')
      .set(auth())
      .send({ ...lease, pets: [], vehicles: [], resident_charges: [] });
    expect(accepted.status).toBe(200);
    expect(accepted.body.data).toEqual({});
    expect(await settled(accepted.body.job_id)).toMatchObject({ write_status: 'SUCCESS' });
    expect(sandbox.sandbox.data.leases.length - leasesBefore).toBe(1);
  });

  it('checks the spec schema and the vendor required fields before any job: 400 naming the field', async () => {
    const before = posts();
    const badEmail = await request(harness.app.url)
      .post('/v1/residents/')
      .set(auth())
      .send(resident({ email_1: 'not-an-email' }));
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.details.issues).toEqual([{ path: ['email_1'], message: 'must be an email address' }]);
    const { lease_id: _lease, ...noLease } = resident();
    const missing = await request(harness.app.url).post('/v1/residents/').set(auth()).send(noLease);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues).toEqual([
      { path: ['lease_id'], message: 'is required by BUILDIUM to create residents' },
    ]);
    expect(posts()).toBe(before);
  });

  it('Idempotency-Key: the same key and body answer the first job and send nothing more; another body is a 409', async () => {
    const before = posts();
    const key = 'writes-e2e-key-1';
    const body = resident({ first_name: 'Once' });
    const first = await request(harness.app.url)
      .post('/v1/residents/')
      .set(auth())
      .set('Idempotency-Key', key)
      .send(body);
    expect(first.status).toBe(200);
    expect((await settled(first.body.job_id)).write_status).toBe('SUCCESS');
    const again = await request(harness.app.url)
      .post('/v1/residents/')
      .set(auth())
      .set('Idempotency-Key', key)
      .send(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await request(harness.app.url)
      .post('/v1/residents/')
      .set(auth())
      .set('Idempotency-Key', key)
      .send(resident({ first_name: 'Twice' }));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('conflict');
    expect(posts() - before).toBe(1);
  });

  it('Idempotency-Key: ten concurrent requests with one key and body make one job, one answer and one write', async () => {
    const before = posts();
    const tenants = sandbox.sandbox.data.tenants.length;
    const key = 'writes-e2e-concurrent-key';
    const send = (body: object) =>
      request(harness.app.url).post('/v1/residents/').set(auth()).set('Idempotency-Key', key).send(body);
    const body = resident({ first_name: 'Concurrent' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(body)));
    for (const answer of answers) expect(answer.status).toBe(200);
    expect(new Set(answers.map((a) => a.body.job_id))).toEqual(new Set([answers[0].body.job_id]));
    const jobs = await withClient(
      harness.databaseUrl,
      async (client) => (await client.query(`SELECT "id" FROM "write_jobs" WHERE "idempotency_key" = $1`, [key])).rows,
    );
    expect(jobs).toEqual([{ id: answers[0].body.job_id }]);
    expect((await settled(answers[0].body.job_id)).write_status).toBe('SUCCESS');
    expect(posts() - before).toBe(1);
    expect(sandbox.sandbox.data.tenants.length).toBe(tenants + 1);

    const other = await send(resident({ first_name: 'Other' }));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('conflict');
  });

  it("writes go ahead of a sync under way: at 2 requests a second each POST reaches Buildium before the sync's next GETs", async () => {
    const slow = await startBuildiumSandboxServer({ residents: 2500, seed: 21, credentials: [CREDENTIALS] });
    // The order requests reach the vendor in (the test's own control calls left out).
    const arrivals: string[] = [];
    const handle = slow.sandbox.handle.bind(slow.sandbox);
    slow.sandbox.handle = (req, res, path) => {
      if (!path.startsWith('/_control')) arrivals.push(`${req.method} ${path.split('?')[0]}`);
      return handle(req, res, path);
    };
    const gets = (from: number, to?: number) => arrivals.slice(from, to).filter((a) => a.startsWith('GET')).length;
    try {
      // The four models this was written around: at two requests a second, 2,500 residents' ledgers (two requests
      // per lease) would outlast the test, and four jobs already keep sync requests waiting at every slot.
      const { id } = await firstSync(harness, 'Writes ahead of sync', slow.url, CREDENTIALS, {
        models_to_sync: CORE_MODELS,
      });
      const lease = (await request(harness.app.url).get(`/v1/leases?integration_id=${id}`).set(auth())).body.results[0];
      // Every model's pull at once, so several sync requests wait for each slot of the budget.
      const budget = await request(harness.app.url)
        .put(`/v1/admin/integrations/${id}`)
        .set(auth())
        .send({ max_request_frequency: 2, max_request_cadence: 'SECOND', max_job_concurrency: 4 });
      expect(budget.status).toBe(200);

      const syncStart = arrivals.length;
      const sync = manualSync(harness, id);
      await waitFor(async () => arrivals.length > syncStart || undefined, 'the sync to reach Buildium');
      // Three writes in turn, each sent while the sync still has requests waiting: each POST arrives before any
      // sync GET but the one whose slot was taken when the write came in. A fair share of the budget would let
      // the sync's waiting requests go first about four times in five at each slot.
      const jobs: string[] = [];
      let lastPost = 0;
      for (const name of ['Ahead', 'Ahead Again', 'Ahead Thrice']) {
        const acceptedAt = arrivals.length;
        const accepted = await request(harness.app.url)
          .post('/v1/residents/')
          .set(auth())
          .send({ ...resident({ first_name: name }), integration_id: id, lease_id: lease.id });
        expect(accepted.status).toBe(200);
        jobs.push(accepted.body.job_id);
        lastPost = await waitFor(async () => {
          const post = arrivals.indexOf('POST /v1/leases/tenants', acceptedAt);
          return post < 0 ? undefined : post;
        }, `the POST of ${name} to reach Buildium`);
        expect(gets(acceptedAt, lastPost)).toBeLessThanOrEqual(1);
      }
      for (const job of jobs) expect((await settled(job)).write_status).toBe('SUCCESS');
      await sync;
      expect(gets(lastPost + 1)).toBeGreaterThan(0); // the sync was still under way after the last write
    } finally {
      await slow.close();
    }
  });

  it('an operation the vendor lacks is a 400 unsupported_operation naming vendor, model and operation', async () => {
    const appfolio = await startAppfolioSandboxServer({ residents: 5, seed: 3 });
    try {
      const other = await createIntegration(
        { ...harness, vendor: 'APPFOLIO' },
        'AppFolio',
        appfolio.url,
        APPFOLIO_SANDBOX_CREDENTIALS,
      );
      const res = await request(harness.app.url)
        .post('/v1/residents/')
        .set(auth())
        .send({ integration_id: other, first_name: 'No', last_name: 'Way' });
      expect(res.status).toBe(400);
      assertValid('errorResponse', res.body);
      expect(res.body.error).toEqual({
        code: 'unsupported_operation',
        message: 'APPFOLIO does not support create of residents (no upstream API)',
        details: { integration_vendor: 'APPFOLIO', model: 'residents', operation: 'create' },
      });
    } finally {
      await appfolio.close();
    }
  });
  /**
   * Every Buildium model and operation, against the sandbox and against the foreign server: each write ends
   * SUCCESS, reads back with its values, fires exactly one DATA_NEW or DATA_UPDATE (under its job), and the next
   * sync sends nothing for the records written; an update keeps at the vendor what it leaves out.
   */
  describe.each([
    {
      target: 'the sandbox',
      integration: () => integrationId,
      data: () => sandbox.sandbox.data as unknown as Record<'rentals' | 'units' | 'leases' | 'tenants', any[]>,
    },
    {
      target: 'the foreign Buildium server',
      integration: () => foreignIntegrationId,
      data: () => foreign.data,
    },
  ])('leases, properties, units and residents through $target', ({ integration, data }) => {
    const written = new Map<string, string>(); // root job id -> record id
    const vendorRecord = (kind: 'rentals' | 'units' | 'leases' | 'tenants', xId: string) =>
      data()[kind].find((r) => String(r.Id) === xId)!;
    const idOf = async (model: string, xId: unknown) => {
      const res = await request(harness.app.url)
        .get(`/v1/${model}?integration_id=${integration()}&x_id=${String(xId)}`)
        .set(auth());
      expect(res.body.results).toHaveLength(1);
      return res.body.results[0].id as string;
    };

    /** One write through the API to SUCCESS: its record read back, its one event. */
    async function write(model: string, operation: 'create' | 'update', body: object, recordId?: string) {
      const res =
        operation === 'create'
          ? await request(harness.app.url)
              .post(`/v1/${model}/`)
              .set(auth())
              .send({ integration_id: integration(), ...body })
          : await request(harness.app.url).put(`/v1/${model}/${recordId}`).set(auth()).send(body);
      expect(res.status).toBe(200);
      assertValidResponse(
        operation === 'create' ? 'POST' : 'PUT',
        operation === 'create' ? `/v1/${model}/` : `/v1/${model}/${model === 'leases' ? '{lease_id}' : '{id}'}`,
        200,
        res.body,
      );
      const status = await settled(res.body.job_id);
      expect(status).toEqual({
        write_status: 'SUCCESS',
        errors: [],
        created_record_id: operation === 'create' ? expect.any(String) : null,
      });
      const id: string = status.created_record_id ?? recordId;
      const trigger = operation === 'create' ? 'DATA_NEW' : 'DATA_UPDATE';
      // The record's one event (a lease create also links its residents: those are events of the links).
      const event = await waitFor(
        async () =>
          eventsOf(harness, integration()).find(
            (e) => e.data.root_job_id === res.body.job_id && e.data.record_id === id,
          ),
        `${trigger} of the written ${model}`,
        30_000,
      );
      expect(event).toMatchObject({ trigger, data: { object: model } });
      written.set(res.body.job_id, id);
      const read = await request(harness.app.url).get(`/v1/${model}/${id}`).set(auth());
      expect(read.status).toBe(200);
      return read.body.results;
    }

    let property: any;
    let unit: any;
    let lease: any;

    it('creates a property: RentalSubType from its type, the operating bank account from x_operating_bank_account_id', async () => {
      property = await write('properties', 'create', {
        name: 'Latchkey Row',
        address_1: '77 Ferry Lane',
        city: 'Astoria',
        state: 'OR',
        zip: '97103',
        country: 'US',
        type: 'House',
        year_built: 1988,
        x_operating_bank_account_id: '3',
      });
      expect(property).toMatchObject({
        name: 'Latchkey Row',
        address_1: '77 Ferry Lane',
        city: 'Astoria',
        zip: '97103',
        country: 'US',
        type: 'SingleFamily',
        year_built: 1988,
      });
      expect(vendorRecord('rentals', property.x_id)).toMatchObject({
        OperatingBankAccountId: 3,
        RentalSubType: 'SingleFamily',
        Address: { Country: 'UnitedStates' },
      });
    });

    it("creates a unit on it: bedrooms and bathrooms as Buildium's enums, the property's address when it gives none", async () => {
      unit = await write('units', 'create', {
        property_id: property.id,
        number: 'LK-2',
        bedrooms: '2',
        bathrooms: '1.5',
        square_feet: 640,
        rent_amount_market_in_cents: 155_050,
      });
      expect(unit).toMatchObject({
        property_id: property.id,
        number: 'LK-2',
        bedrooms: '2',
        bathrooms: '1.5',
        square_feet: 640,
        rent_amount_market_in_cents: 155_050,
        address_1: '77 Ferry Lane',
        city: 'Astoria',
      });
      expect(vendorRecord('units', unit.x_id)).toMatchObject({
        UnitBedrooms: 'TwoBed',
        UnitBathrooms: 'OnePointFiveBath',
        MarketRent: 1550.5,
      });
    });

    it('creates a lease on that unit with existing residents, a new tenant and its rent', async () => {
      const residents = await request(harness.app.url)
        .get(`/v1/residents?integration_id=${integration()}&limit=2`)
        .set(auth());
      const [existing, second] = residents.body.results;
      const body = {
        unit_id: unit.id,
        type: 'Fixed',
        start_date: '2025-02-01',
        end_date: '2099-01-31',
        // Residents named three ways (Buildium's TenantIds), each once.
        resident_id: existing.id,
        tenants: [{ id: second.id }],
        associated_resident_ids: [existing.id],
        first_name: 'Juniper',
        last_name: 'Achterberg',
        email_1: 'juniper@example.com',
        address_1: '5 Elm Court',
        city: 'Eugene',
        state: 'OR',
        zip: '97401',
        country: 'US',
        rent_cycle: 'Monthly',
        rent_amount_in_cents: 185_000,
        financial_account_id: '4000',
        rent_due_date: '2025-02-01',
      };
      const unknown = await request(harness.app.url)
        .post('/v1/leases/')
        .set(auth())
        .send({ integration_id: integration(), ...body, tenants: [{ id: 'no-such-resident' }] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details.issues).toEqual([
        { path: ['tenants', 0, 'id'], message: 'names no resident of this integration' },
      ]);
      lease = await write('leases', 'create', body);
      expect(lease).toMatchObject({
        unit_id: unit.id,
        property_id: property.id,
        type: 'Fixed',
        start_date: expect.stringMatching(/^2025-02-01/),
        end_date: expect.stringMatching(/^2099-01-31/),
        rent_amount_in_cents: 185_000,
        status_normalized: 'ACTIVE',
      });
      const atVendor = vendorRecord('leases', lease.x_id);
      expect(atVendor.Tenants.map((t: any) => t.Id).slice(0, 2)).toEqual([Number(existing.x_id), Number(second.x_id)]);
      expect(atVendor.Tenants).toHaveLength(3);
      expect(data().tenants.find((t) => t.Id === atVendor.Tenants[2].Id)).toMatchObject({
        FirstName: 'Juniper',
        Email: 'juniper@example.com',
      });
    });

    it('creates and updates a resident on the new lease', async () => {
      const created = await write('residents', 'create', {
        lease_id: lease.id,
        first_name: 'Tamsin',
        last_name: 'Vey',
        phone_1: '5035550142',
        phone_1_type: 'WORK',
        address_1: '5 Elm Court',
        country: 'US',
      });
      expect(created).toMatchObject({ first_name: 'Tamsin', phone_1_type: 'WORK' });
      const updated = await write('residents', 'update', { email_1: 'tamsin@example.com' }, created.id);
      expect(updated).toMatchObject({ first_name: 'Tamsin', email_1: 'tamsin@example.com', phone_1_type: 'WORK' });
    });

    it('updates a property: GET, merge, PUT keeps what the write leaves out', async () => {
      const rental = data().rentals.find(
        (r) => r.RentalSubType && r.RentalManager && r.YearBuilt && r.StructureDescription,
      )!;
      const before = structuredClone(rental);
      const read = await write(
        'properties',
        'update',
        { name: `${before.Name} (renamed)` },
        await idOf('properties', rental.Id),
      );
      expect(read).toMatchObject({
        name: `${before.Name} (renamed)`,
        year_built: before.YearBuilt,
        city: before.Address.City,
      });
      const { Name: _name, ...kept } = before;
      expect(vendorRecord('rentals', String(rental.Id))).toMatchObject(kept);
    });

    it('updates a unit: the market rent changes, bedrooms, size, description and address stay', async () => {
      const target = data().units.find(
        (u) => u.UnitBedrooms && u.UnitBathrooms && u.UnitSize && u.MarketRent && u.Description,
      )!;
      const before = structuredClone(target);
      const read = await write(
        'units',
        'update',
        { rent_amount_market_in_cents: 199_999 },
        await idOf('units', target.Id),
      );
      expect(read.rent_amount_market_in_cents).toBe(199_999);
      const { MarketRent: _rent, ...kept } = before;
      expect(vendorRecord('units', String(target.Id))).toMatchObject({ ...kept, MarketRent: 1999.99 });
    });

    it('updates a lease: the type changes, dates, rent, flags and tenants stay', async () => {
      const target = data().leases.find(
        (l) =>
          l.LeaseType === 'Fixed' && l.UnitId && l.LeaseToDate && l.LeaseStatus === 'Active' && l.Tenants.length > 0,
      )!;
      const before = structuredClone(target);
      const read = await write('leases', 'update', { type: 'FixedWithRollover' }, await idOf('leases', target.Id));
      expect(read).toMatchObject({
        type: 'FixedWithRollover',
        start_date: expect.stringMatching(new RegExp(`^${before.LeaseFromDate}`)),
      });
      const after = vendorRecord('leases', String(target.Id));
      expect(after).toMatchObject({
        LeaseType: 'FixedWithRollover',
        LeaseFromDate: before.LeaseFromDate,
        LeaseToDate: before.LeaseToDate,
        IsEvictionPending: before.IsEvictionPending,
        AutomaticallyMoveOutTenants: before.AutomaticallyMoveOutTenants,
        AccountDetails: before.AccountDetails,
        Tenants: before.Tenants,
      });
    });

    it('the next sync sends nothing for any record written, and each write fired exactly one event', async () => {
      expect(written.size).toBe(8);
      const { events } = await manualSync(harness, integration());
      const ids = new Set(written.values());
      // Nothing repeats a write. What a later write changed at the vendor is news: the property now counts the unit
      // created on it (besides its default one), and the unit may show the lease's occupant.
      const changes = events
        .filter((e) => ids.has(e.data.record_id))
        .map((e) => ({ trigger: e.trigger, id: e.data.record_id, fields: Object.keys(e.data.diff?.new ?? {}) }));
      const sideEffects = [
        { trigger: 'DATA_UPDATE', id: property.id, fields: ['number_of_units'] },
        { trigger: 'DATA_UPDATE', id: unit.id, fields: ['is_vacant'] },
      ];
      expect(changes).toContainEqual(sideEffects[0]);
      for (const change of changes) expect(sideEffects).toContainEqual(change);
      for (const [job, id] of written)
        expect(
          eventsOf(harness, integration()).filter((e) => e.data.record_id === id && e.data.root_job_id === job),
        ).toHaveLength(1);
    });
  });

  it("Buildium's refusal reaches write-status as readable field errors (a 422 from the sandbox, a 400 from the foreign server)", async () => {
    const property = (integration: string, extra: object) =>
      request(harness.app.url)
        .post('/v1/properties/')
        .set(auth())
        .send({
          integration_id: integration,
          name: 'Refused',
          address_1: '1 Nowhere',
          country: 'US',
          type: 'Condo',
          x_operating_bank_account_id: '3',
          ...extra,
        });
    const unknownAccount = await property(integrationId, { x_operating_bank_account_id: '99' });
    expect(await settled(unknownAccount.body.job_id)).toEqual({
      write_status: 'FAILURE',
      created_record_id: null,
      errors: [
        'Buildium refused the write (HTTP 422): The request could not be processed.',
        'OperatingBankAccountId: Bank account 99 does not exist.',
      ],
    });
    // Country is an enum of the spec's names: the foreign server checks the list (the sandbox only the form).
    const badCountry = await property(foreignIntegrationId, { country: 'Narnia' });
    const status = await settled(badCountry.body.job_id);
    expect(status.write_status).toBe('FAILURE');
    expect(status.errors).toEqual([
      'Buildium refused the write (HTTP 400): The request has validation errors.',
      expect.stringMatching(/^Address\.Country: /),
    ]);
    // A type Buildium has no RentalSubType for is refused before any job.
    const other = await property(integrationId, { type: 'Other' });
    expect(other.status).toBe(400);
    expect(other.body.error.details.issues).toEqual([
      { path: ['type'], message: expect.stringContaining('has no Buildium RentalSubType') },
    ]);
  });
});

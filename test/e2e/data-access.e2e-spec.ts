import request from 'supertest';
import { CANONICAL_MODEL_NAMES } from '../../src/catalogue/canonical-models';
import { VendorRegistry } from '../../src/fetch/registry/vendor-registry';
import { IntegrationVendor } from '../../src/generated/prisma/enums';
import {
  APPFOLIO_SANDBOX_CREDENTIALS,
  APPFOLIO_SANDBOX_LIMITED_CREDENTIALS,
} from '../../src/sandbox/appfolio/appfolio-sandbox';
import {
  BUILDIUM_SANDBOX_CREDENTIALS,
  BUILDIUM_SANDBOX_LIMITED_CREDENTIALS,
  BUILDIUM_SANDBOX_READ_ONLY_CREDENTIALS,
} from '../../src/sandbox/buildium/buildium-sandbox';
import { ENTRATA_SANDBOX_LIMITED_CREDENTIALS } from '../../src/sandbox/entrata/entrata-sandbox';
import { PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS } from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { YARDI_SANDBOX_LIMITED_CREDENTIALS } from '../../src/sandbox/yardi/yardi-sandbox';
import { waitFor } from '../support/app-process';
import { assertValid } from '../support/propexo-schema';
import {
  authHeader,
  eventsOf,
  manualSync,
  readAll,
  recordCount,
  sandboxControl,
  startSyncHarness,
  waitForFirstSync,
  type SyncHarness,
} from '../support/sync-helpers';

const MODELS: string[] = ['properties', 'units', 'residents', 'leases'];
/** The models a vendor syncs (issue 21's come vendor by vendor). */
const modelsOf = (vendor: string): string[] => [...new VendorRegistry().get(vendor as IntegrationVendor)!.models];
/** Charges and payments: created, never updated (the spec has no PUT for them). */
const LEDGER_MODELS: string[] = ['resident_charges', 'resident_payments'];

/**
 * Data-access checks end to end: the real app probing the sandboxes it mounts, each of which has a second
 * set of credentials that may read everything except residents.
 */
describe('data-access checks', () => {
  let harness: SyncHarness;
  const app = () => harness.app;
  const auth = () => authHeader(harness.app);
  const sandboxUrl = (slug: string) => `${harness.app.url}/sandbox/${slug}`;

  beforeAll(async () => {
    harness = await startSyncHarness({ name: 'data-access', vendor: 'BUILDIUM' });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  async function create(
    vendor: string,
    slug: string,
    credentials: object,
    settings: Record<string, unknown> = {},
  ): Promise<string> {
    const res = await request(app().url)
      .post('/v1/admin/integrations/')
      .set(auth())
      .send({
        name: `${vendor} access`,
        integration_vendor: vendor,
        credentials,
        base_url: sandboxUrl(slug),
        max_request_frequency: 100,
        ...settings,
      });
    expect(res.status).toBe(200);
    return res.body.result.id;
  }

  async function readAccess(id: string) {
    const res = await request(app().url).get(`/v1/admin/integrations/${id}/data-access`).set(auth());
    expect(res.status).toBe(200);
    assertValid('_v1_admin_integrations_{integration_id}_data-access_get_output', res.body);
    return res.body.result;
  }

  async function runCheck(id: string) {
    const began = await request(app().url).post(`/v1/admin/integrations/${id}/data-access`).set(auth()).send({});
    expect(began.status).toBe(200);
    assertValid('_v1_admin_integrations_{integration_id}_data-access_post_output', began.body);
    expect(began.body.result.began_data_access).toBe(true);
    return waitFor(
      async () => {
        const access = await readAccess(id);
        return access.data_access_check_in_process ? undefined : access;
      },
      `data-access check of ${id}`,
      60_000,
    );
  }

  async function getIntegration(id: string) {
    const res = await request(app().url).get(`/v1/admin/integrations/${id}`).set(auth());
    expect(res.status).toBe(200);
    assertValid('_v1_admin_integrations_{integration_id}__get_output', res.body);
    return res.body.results;
  }

  it('before any check, reads and the writes Buildium can do (every model of the four) are untested', async () => {
    const id = await create('BUILDIUM', 'buildium', BUILDIUM_SANDBOX_CREDENTIALS);
    const access = await readAccess(id);
    expect(access.last_data_access_check).toBeNull();
    expect(access.data_access_check_in_process).toBe(false);
    // Every model of the catalogue is listed. Buildium's writes (docs/vendors/buildium.md): create and update of
    // each model, but charges and payments, which have no update (the spec has no PUT for them).
    expect(Object.keys(access.models).sort()).toEqual([...CANONICAL_MODEL_NAMES].sort());
    for (const model of CANONICAL_MODEL_NAMES)
      expect([model, access.models[model]]).toEqual([
        model,
        {
          read: { untested: true },
          create: { untested: true },
          update: LEDGER_MODELS.includes(model) ? { unsupported: true } : { untested: true },
        },
      ]);
    const integration = await getIntegration(id);
    expect(integration).toMatchObject({ last_data_access_check: null, is_running_data_access_check: false });
  });

  /** What the Buildium sandbox received of tenant writes, and how many tenants it has. */
  async function buildiumWrites() {
    const control = sandboxControl(sandboxUrl('buildium'));
    const [writes, state] = await Promise.all([control('GET', 'writes'), control('GET', 'state')]);
    const counts = (operation: string) => writes[operation] ?? { received: 0, applied: 0, rejected: 0, refused: 0 };
    return {
      post: counts('POST /v1/leases/tenants'),
      put: counts('PUT /v1/leases/tenants/{id}'),
      tenants: state.counts.tenants as number,
    };
  }

  it("Buildium, a key that may write: every create and update SUCCESS by Buildium's validation error, nothing written", async () => {
    const id = await create('BUILDIUM', 'buildium', BUILDIUM_SANDBOX_CREDENTIALS);
    const control = sandboxControl(sandboxUrl('buildium'));
    const [before, counts] = await Promise.all([control('GET', 'writes'), control('GET', 'state')]);
    const access = await runCheck(id);
    const success = { status: 'SUCCESS', error_message: null };
    for (const model of CANONICAL_MODEL_NAMES)
      expect([model, access.models[model]]).toEqual([
        model,
        { read: success, create: success, update: LEDGER_MODELS.includes(model) ? { unsupported: true } : success },
      ]);
    // One probe per model and operation reached Buildium and was rejected; nothing was created or changed.
    const [after, state] = await Promise.all([control('GET', 'writes'), control('GET', 'state')]);
    const probes = Object.entries(after as Record<string, { received: number; applied: number; rejected: number }>)
      .map(([operation, c]) => [
        operation,
        c.received - (before[operation]?.received ?? 0),
        c.applied - (before[operation]?.applied ?? 0),
        c.rejected - (before[operation]?.rejected ?? 0),
      ])
      .filter(([, received]) => received !== 0);
    expect(probes).toHaveLength(CANONICAL_MODEL_NAMES.length * 2 - LEDGER_MODELS.length);
    for (const [, received, applied, rejected] of probes)
      expect({ received, applied, rejected }).toEqual({ received: 1, applied: 0, rejected: 1 });
    expect(state.counts).toEqual(counts.counts);
  });

  it("Buildium, a read-only key: reads SUCCESS, residents create and update FAILED with Buildium's refusal", async () => {
    const id = await create('BUILDIUM', 'buildium', BUILDIUM_SANDBOX_READ_ONLY_CREDENTIALS);
    const before = await buildiumWrites();
    const access = await runCheck(id);
    for (const model of MODELS) expect(access.models[model].read).toEqual({ status: 'SUCCESS', error_message: null });
    for (const operation of ['create', 'update']) {
      expect(access.models.residents[operation].status).toBe('FAILED');
      expect(access.models.residents[operation].error_message).toMatch(
        /HTTP 403.*don't have permissions to access the resource \/v1\/leases\/tenants/,
      );
    }
    expect(await buildiumWrites()).toEqual(before); // refused before the body: nothing reached the data
    expect(await getIntegration(id)).toMatchObject({ can_authenticate: true });
  });

  it('AppFolio: after a check every create and update is unsupported, and each write answers 400 unsupported_operation', async () => {
    const id = await create('APPFOLIO', 'appfolio', APPFOLIO_SANDBOX_CREDENTIALS, { active: true });
    await waitForFirstSync(harness, id);
    const access = await runCheck(id);
    for (const model of MODELS)
      expect(access.models[model]).toEqual({
        read: { status: 'SUCCESS', error_message: null },
        create: { unsupported: true },
        update: { unsupported: true },
      });

    // Every write route is served (another vendor sends each); AppFolio's answer is the same for all eight.
    const [property] = await readAll(app(), 'properties', id);
    for (const model of MODELS) {
      const [record] = await readAll(app(), model, id);
      expect(record).toBeDefined();
      const writes = [
        {
          operation: 'create',
          // The spec's units POST requires property_id: the body must pass the spec before the vendor is judged.
          send: () =>
            request(app().url)
              .post(`/v1/${model}/`)
              .send(model === 'units' ? { integration_id: id, property_id: property.id } : { integration_id: id }),
        },
        { operation: 'update', send: () => request(app().url).put(`/v1/${model}/${record.id}`).send({}) },
      ];
      for (const write of writes) {
        const res = await write.send().set(auth());
        expect(res.status).toBe(400);
        assertValid('errorResponse', res.body);
        expect(res.body.error).toEqual({
          code: 'unsupported_operation',
          message: `APPFOLIO does not support ${write.operation} of ${model} (no upstream API)`,
          details: { integration_vendor: 'APPFOLIO', model, operation: write.operation },
        });
      }
    }
  });

  // Each sandbox's limited credentials may not read residents, answered in the vendor's own way. Yardi serves
  // residents, leases, charges and payments from one call, so its licence refusal takes all four.
  it.each([
    [
      'BUILDIUM',
      'buildium',
      BUILDIUM_SANDBOX_LIMITED_CREDENTIALS,
      ['residents'],
      /don't have permissions to access the resource \/v1\/leases\/tenants/,
    ],
    [
      'PROPERTYWARE_REST',
      'propertyware-rest',
      PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS,
      ['residents'],
      /403.*FORBIDDEN/,
    ],
    [
      'YARDI',
      'yardi',
      YARDI_SANDBOX_LIMITED_CREDENTIALS,
      ['residents', 'leases', 'resident_charges', 'resident_payments'],
      /Invalid Interface Entity or License/,
    ],
    [
      'ENTRATA',
      'entrata',
      ENTRATA_SANDBOX_LIMITED_CREDENTIALS,
      ['residents'],
      /304.*Access to getCustomers is not permitted/,
    ],
    ['APPFOLIO', 'appfolio', APPFOLIO_SANDBOX_LIMITED_CREDENTIALS, ['residents'], /403.*may not access/],
  ])(
    "%s: a model the vendor forbids reads FAILED with the vendor's message, the others SUCCESS",
    async (vendor, slug, credentials, forbidden, vendorWords) => {
      const id = await create(vendor, slug, credentials);
      const access = await runCheck(id);
      for (const model of forbidden) {
        expect(access.models[model].read.status).toBe('FAILED');
        expect(access.models[model].read.error_message).toMatch(vendorWords);
      }
      for (const model of modelsOf(vendor).filter((m) => !forbidden.includes(m)))
        expect(access.models[model].read).toEqual({ status: 'SUCCESS', error_message: null });
      // AppFolio's API writes none of these models (models.md §3): unsupported, checked or not.
      if (vendor === 'APPFOLIO')
        for (const model of MODELS)
          expect([model, access.models[model].create, access.models[model].update]).toEqual([
            model,
            { unsupported: true },
            { unsupported: true },
          ]);
      expect(Date.now() - Date.parse(access.last_data_access_check)).toBeLessThan(60_000);

      const integration = await getIntegration(id);
      expect(integration).toMatchObject({
        can_authenticate: true,
        is_running_data_access_check: false,
        last_data_access_check: access.last_data_access_check,
      });
      for (const model of modelsOf(vendor)) {
        expect(integration.models[model]).toMatchObject({
          enabled: !forbidden.includes(model),
          from_interfaces: [integration.integration_interfaces[0].interface_name],
          source: expect.any(String),
        });
      }
    },
  );

  it("Buildium's refusal carries its own words, and the next sync skips the forbidden model and says so", async () => {
    const id = await create('BUILDIUM', 'buildium', BUILDIUM_SANDBOX_LIMITED_CREDENTIALS);
    const access = await runCheck(id);
    expect(access.models.residents.read.error_message).toMatch(/HTTP 403.*Forbidden/);

    const activated = await request(app().url).put(`/v1/admin/integrations/${id}`).set(auth()).send({ active: true });
    expect(activated.status).toBe(200);
    const done = await waitForFirstSync(harness, id);
    const synced = modelsOf('BUILDIUM').filter((m) => m !== 'residents');
    expect(done.data).toMatchObject({ successful_job_count: synced.length, failed_job_count: 0 });
    expect([...done.data.models_synced].sort()).toEqual([...synced].sort());
    expect(await recordCount(app(), 'residents', id)).toBe(0);
    expect(await recordCount(app(), 'properties', id)).toBeGreaterThan(0);
    expect(eventsOf(harness, id, 'JOB_FAILURE')).toHaveLength(0);

    const logs = await request(app().url)
      .get('/v1/admin/logs/jobs/')
      .query({ integration_id: id, job_type: 'FIRST_SYNC' })
      .set(auth());
    expect(logs.status).toBe(200);
    assertValid('_v1_admin_logs_jobs__get_output', logs.body);
    expect(logs.body.results).toHaveLength(1);
    const run = logs.body.results[0];
    expect(run.skipped_models).toEqual([
      { model: 'residents', reason: `read access check FAILED: ${access.models.residents.read.error_message}` },
    ]);
    expect(run.records_written).toBeGreaterThan(0);

    // Asking for nothing but the forbidden model is refused rather than run empty.
    const manual = await request(app().url)
      .post(`/v1/admin/integrations/${id}/manual-sync`)
      .set(auth())
      .send({ models_to_sync: ['residents'] });
    expect(manual.status).toBe(409);
    expect(manual.body.error).toMatchObject({
      code: 'conflict',
      details: { skipped_models: [{ model: 'residents' }] },
    });
    expect(manual.body.error.message).toMatch(/read access check/);
  });

  // Never checked first: the first sync itself meets the refusal. HTTP 403 (Buildium), an error inside a 200 JSON-RPC
  // body (Entrata's 304) and a SOAP fault in words (Yardi, whose one call serves residents, leases and the ledger).
  it.each([
    ['BUILDIUM', 'buildium', BUILDIUM_SANDBOX_LIMITED_CREDENTIALS, ['residents'], /HTTP 403.*Forbidden/],
    [
      'ENTRATA',
      'entrata',
      ENTRATA_SANDBOX_LIMITED_CREDENTIALS,
      ['residents'],
      /304.*Access to getCustomers is not permitted/,
    ],
    [
      'YARDI',
      'yardi',
      YARDI_SANDBOX_LIMITED_CREDENTIALS,
      ['residents', 'leases', 'resident_charges', 'resident_payments'],
      /Invalid Interface Entity or License/,
    ],
  ])(
    "%s synced at once with limited credentials: the run partly failed and says why, models_synced leaves the refused models out, their reads turn FAILED with the vendor's words",
    async (vendor, slug, credentials, refused, vendorWords) => {
      const id = await create(vendor, slug, credentials, { active: true });
      const done = (await waitForFirstSync(harness, id)).data;
      const synced = modelsOf(vendor).filter((m) => !refused.includes(m));
      expect(done).toMatchObject({
        successful_job_count: synced.length,
        failed_job_count: refused.length,
        is_sync_finished: true,
      });
      expect([...done.models_synced].sort()).toEqual([...synced].sort());
      expect(done.models_failed.map((f: any) => f.model).sort()).toEqual([...refused].sort());
      for (const failed of done.models_failed) expect(failed.error).toMatch(vendorWords);
      const failures = eventsOf(harness, id, 'JOB_FAILURE')
        .map((e) => e.data.error)
        .sort();
      expect(failures).toEqual(done.models_failed.map((f: any) => f.error).sort());
      expect(await recordCount(app(), synced[0], id)).toBeGreaterThan(0);

      // The job log: the run PARTIAL_SUCCESS, naming each failed model with its error; the failed jobs FAILURE.
      const logs = await request(app().url)
        .get('/v1/admin/logs/jobs/')
        .query({ integration_id: id, job_type: 'FIRST_SYNC' })
        .set(auth());
      expect(logs.status).toBe(200);
      assertValid('_v1_admin_logs_jobs__get_output', logs.body);
      const run = logs.body.results[0];
      expect(run).toMatchObject({
        id: done.sync_id,
        status: 'PARTIAL_SUCCESS',
        models_failed: done.models_failed,
        skipped_models: [],
      });
      for (const failed of done.models_failed) expect(run.error).toContain(`${failed.model}: ${failed.error}`);
      const byStatus = async (status: string) =>
        (
          await request(app().url).get('/v1/admin/logs/jobs/').query({ integration_id: id, status }).set(auth())
        ).body.results.map((r: any) => r.id);
      expect(await byStatus('PARTIAL_SUCCESS')).toEqual([run.id]);
      expect(await byStatus('SUCCESS')).not.toContain(run.id);
      const jobs = (await request(app().url).get(`/v1/admin/logs/jobs/${run.id}`).set(auth())).body.results.filter(
        (j: any) => j.parent_job_id === run.id,
      );
      expect(Object.fromEntries(jobs.map((j: any) => [j.model, j.status]))).toEqual(
        Object.fromEntries(modelsOf(vendor).map((m) => [m, refused.includes(m) ? 'FAILURE' : 'SUCCESS'])),
      );

      // Data access: the refused reads FAILED with the job's error (the vendor's words); nothing else was tested.
      const access = await readAccess(id);
      for (const failed of done.models_failed)
        expect(access.models[failed.model].read).toEqual({ status: 'FAILED', error_message: failed.error });
      for (const model of synced) expect(access.models[model].read).toEqual({ untested: true });
      const integration = await getIntegration(id);
      for (const model of modelsOf(vendor)) expect(integration.models[model].enabled).toBe(synced.includes(model));
      expect(integration.first_sync_completed_at).not.toBeNull(); // what did sync is in, and the schedule runs
      expect(integration.last_sync_run).toEqual({
        id: run.id,
        job_type: 'FIRST_SYNC',
        status: 'PARTIAL_SUCCESS',
        started_at: run.started_at,
        finished_at: run.finished_at,
      });

      const metrics = await request(app().url).get('/metrics');
      expect(
        Number(/latchkey_sync_runs_finished_total\{kind="FIRST",status="PARTIAL"\} (\d+)/.exec(metrics.text)?.[1]),
      ).toBeGreaterThanOrEqual(1);
    },
  );

  it('after a sync was refused a model, the next sync leaves it out and says why, as after a FAILED check', async () => {
    const id = await create('BUILDIUM', 'buildium', BUILDIUM_SANDBOX_LIMITED_CREDENTIALS, { active: true });
    const first = (await waitForFirstSync(harness, id)).data;
    const refusal = first.models_failed[0].error;
    const { complete, syncId } = await manualSync(harness, id);
    const synced = modelsOf('BUILDIUM').filter((m) => m !== 'residents');
    expect(complete.data).toMatchObject({
      successful_job_count: synced.length,
      failed_job_count: 0,
      models_failed: [],
    });
    expect([...complete.data.models_synced].sort()).toEqual([...synced].sort());
    const run = (
      await request(app().url).get(`/v1/admin/logs/jobs/${syncId}`).query({ include_all_jobs: 'false' }).set(auth())
    ).body.results[0];
    expect(run).toMatchObject({
      status: 'SUCCESS',
      skipped_models: [{ model: 'residents', reason: `read access check FAILED: ${refusal}` }],
      models_failed: [],
      error: null,
    });
    expect((await getIntegration(id)).last_sync_run).toMatchObject({
      id: syncId,
      job_type: 'MANUAL_SYNC',
      status: 'SUCCESS',
    });
  });

  it("bad credentials: can_authenticate false and every read FAILED with the vendor's refusal", async () => {
    const id = await create('BUILDIUM', 'buildium', { clientId: 'nobody', secret: 'wrong' });
    const access = await runCheck(id);
    for (const model of MODELS) {
      expect(access.models[model].read.status).toBe('FAILED');
      expect(access.models[model].read.error_message).toMatch(/401/);
    }
    expect(await getIntegration(id)).toMatchObject({ can_authenticate: false });
  });

  it('runs one check at a time per integration, PROCESSING while it runs; new credentials forget the old verdicts', async () => {
    const id = await create('BUILDIUM', 'buildium', BUILDIUM_SANDBOX_CREDENTIALS);
    const control = sandboxControl(sandboxUrl('buildium'));
    await control('POST', 'faults', { path: '/v1/rentals', delayMs: 2000, times: 1 });
    try {
      const first = await request(app().url).post(`/v1/admin/integrations/${id}/data-access`).set(auth()).send({});
      expect(first.body.result.began_data_access).toBe(true);
      const during = await readAccess(id);
      expect(during.data_access_check_in_process).toBe(true);
      expect(during.models.properties.read).toEqual({ status: 'PROCESSING', error_message: null });
      expect((await getIntegration(id)).is_running_data_access_check).toBe(true);
      const second = await request(app().url).post(`/v1/admin/integrations/${id}/data-access`).set(auth()).send({});
      expect(second.status).toBe(200);
      expect(second.body.result.began_data_access).toBe(false);
      const after = await waitFor(async () => {
        const access = await readAccess(id);
        return access.data_access_check_in_process ? undefined : access;
      }, 'the check to end');
      for (const model of MODELS) expect(after.models[model].read.status).toBe('SUCCESS');
    } finally {
      await control('DELETE', 'faults');
    }

    const changed = await request(app().url)
      .put(`/v1/admin/integrations/${id}`)
      .set(auth())
      .send({ credentials: BUILDIUM_SANDBOX_LIMITED_CREDENTIALS });
    expect(changed.status).toBe(200);
    const access = await readAccess(id);
    expect(access.last_data_access_check).toBeNull();
    for (const model of MODELS) expect(access.models[model].read).toEqual({ untested: true });
  });

  it('an unknown integration answers 404 on both verbs', async () => {
    const missing = await request(app().url).get('/v1/admin/integrations/no-such-integration/data-access').set(auth());
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const post = await request(app().url)
      .post('/v1/admin/integrations/no-such-integration/data-access')
      .set(auth())
      .send({});
    expect(post.status).toBe(404);
  });
});

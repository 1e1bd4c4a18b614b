import request from 'supertest';
import { APPFOLIO_SANDBOX_LIMITED_CREDENTIALS } from '../../src/sandbox/appfolio/appfolio-sandbox';
import { BUILDIUM_SANDBOX_CREDENTIALS, BUILDIUM_SANDBOX_LIMITED_CREDENTIALS } from '../../src/sandbox/buildium/buildium-sandbox';
import { ENTRATA_SANDBOX_LIMITED_CREDENTIALS } from '../../src/sandbox/entrata/entrata-sandbox';
import { PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS } from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { YARDI_SANDBOX_LIMITED_CREDENTIALS } from '../../src/sandbox/yardi/yardi-sandbox';
import { waitFor } from '../support/app-process';
import { assertValid } from '../support/propexo-schema';
import { authHeader, eventsOf, recordCount, sandboxControl, startSyncHarness, waitForFirstSync, type SyncHarness } from '../support/sync-helpers';

const MODELS = ['properties', 'units', 'residents', 'leases'];

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

  async function create(vendor: string, slug: string, credentials: object, settings: Record<string, unknown> = {}): Promise<string> {
    const res = await request(app().url).post('/v1/admin/integrations/').set(auth())
      .send({ name: `${vendor} access`, integration_vendor: vendor, credentials, base_url: sandboxUrl(slug), max_request_frequency: 100, ...settings });
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
    return waitFor(async () => {
      const access = await readAccess(id);
      return access.data_access_check_in_process ? undefined : access;
    }, `data-access check of ${id}`, 60_000);
  }

  async function getIntegration(id: string) {
    const res = await request(app().url).get(`/v1/admin/integrations/${id}`).set(auth());
    expect(res.status).toBe(200);
    assertValid('_v1_admin_integrations_{integration_id}__get_output', res.body);
    return res.body.results;
  }

  it('before any check, reads are untested and writes unsupported', async () => {
    const id = await create('BUILDIUM', 'buildium', BUILDIUM_SANDBOX_CREDENTIALS);
    const access = await readAccess(id);
    expect(access.last_data_access_check).toBeNull();
    expect(access.data_access_check_in_process).toBe(false);
    expect(Object.keys(access.models).sort()).toEqual([...MODELS].sort());
    for (const model of MODELS) expect(access.models[model]).toEqual({ read: { untested: true }, create: { unsupported: true }, update: { unsupported: true } });
    const integration = await getIntegration(id);
    expect(integration).toMatchObject({ last_data_access_check: null, is_running_data_access_check: false });
  });

  // Each sandbox's limited credentials may not read residents, answered in the vendor's own way. Yardi serves
  // residents and leases from one call, so its licence refusal takes both.
  it.each([
    ['BUILDIUM', 'buildium', BUILDIUM_SANDBOX_LIMITED_CREDENTIALS, ['residents'], /don't have permissions to access the resource \/v1\/leases\/tenants/],
    ['PROPERTYWARE_REST', 'propertyware-rest', PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS, ['residents'], /403.*FORBIDDEN/],
    ['YARDI', 'yardi', YARDI_SANDBOX_LIMITED_CREDENTIALS, ['residents', 'leases'], /Invalid Interface Entity or License/],
    ['ENTRATA', 'entrata', ENTRATA_SANDBOX_LIMITED_CREDENTIALS, ['residents'], /304.*Access to getCustomers is not permitted/],
    ['APPFOLIO', 'appfolio', APPFOLIO_SANDBOX_LIMITED_CREDENTIALS, ['residents'], /403.*may not access/],
  ])('%s: a model the vendor forbids reads FAILED with the vendor\'s message, the others SUCCESS', async (vendor, slug, credentials, forbidden, vendorWords) => {
    const id = await create(vendor, slug, credentials);
    const access = await runCheck(id);
    for (const model of forbidden) {
      expect(access.models[model].read.status).toBe('FAILED');
      expect(access.models[model].read.error_message).toMatch(vendorWords);
    }
    for (const model of MODELS.filter((m) => !forbidden.includes(m))) expect(access.models[model].read).toEqual({ status: 'SUCCESS', error_message: null });
    expect(Date.now() - Date.parse(access.last_data_access_check)).toBeLessThan(60_000);

    const integration = await getIntegration(id);
    expect(integration).toMatchObject({ can_authenticate: true, is_running_data_access_check: false, last_data_access_check: access.last_data_access_check });
    for (const model of MODELS) {
      expect(integration.models[model]).toMatchObject({ enabled: !forbidden.includes(model), from_interfaces: [integration.integration_interfaces[0].interface_name], source: expect.any(String) });
    }
  });

  it("Buildium's refusal carries its own words, and the next sync skips the forbidden model and says so", async () => {
    const id = await create('BUILDIUM', 'buildium', BUILDIUM_SANDBOX_LIMITED_CREDENTIALS);
    const access = await runCheck(id);
    expect(access.models.residents.read.error_message).toMatch(/HTTP 403.*Forbidden/);

    const activated = await request(app().url).put(`/v1/admin/integrations/${id}`).set(auth()).send({ active: true });
    expect(activated.status).toBe(200);
    const done = await waitForFirstSync(harness, id);
    expect(done.data).toMatchObject({ successful_job_count: 3, failed_job_count: 0 });
    expect([...done.data.models_synced].sort()).toEqual(['leases', 'properties', 'units']);
    expect(await recordCount(app(), 'residents', id)).toBe(0);
    expect(await recordCount(app(), 'properties', id)).toBeGreaterThan(0);
    expect(eventsOf(harness, id, 'JOB_FAILURE')).toHaveLength(0);

    const logs = await request(app().url).get('/v1/admin/logs/jobs/').query({ integration_id: id, job_type: 'FIRST_SYNC' }).set(auth());
    expect(logs.status).toBe(200);
    assertValid('_v1_admin_logs_jobs__get_output', logs.body);
    expect(logs.body.results).toHaveLength(1);
    const run = logs.body.results[0];
    expect(run.skipped_models).toEqual([{ model: 'residents', reason: `read access check FAILED: ${access.models.residents.read.error_message}` }]);
    expect(run.records_written).toBeGreaterThan(0);

    // Asking for nothing but the forbidden model is refused rather than run empty.
    const manual = await request(app().url).post(`/v1/admin/integrations/${id}/manual-sync`).set(auth()).send({ models_to_sync: ['residents'] });
    expect(manual.status).toBe(409);
    expect(manual.body.error).toMatchObject({ code: 'conflict', details: { skipped_models: [{ model: 'residents' }] } });
    expect(manual.body.error.message).toMatch(/read access check/);
  });

  it('bad credentials: can_authenticate false and every read FAILED with the vendor\'s refusal', async () => {
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

    const changed = await request(app().url).put(`/v1/admin/integrations/${id}`).set(auth()).send({ credentials: BUILDIUM_SANDBOX_LIMITED_CREDENTIALS });
    expect(changed.status).toBe(200);
    const access = await readAccess(id);
    expect(access.last_data_access_check).toBeNull();
    for (const model of MODELS) expect(access.models[model].read).toEqual({ untested: true });
  });

  it('an unknown integration answers 404 on both verbs', async () => {
    const missing = await request(app().url).get('/v1/admin/integrations/no-such-integration/data-access').set(auth());
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const post = await request(app().url).post('/v1/admin/integrations/no-such-integration/data-access').set(auth()).send({});
    expect(post.status).toBe(404);
  });
});

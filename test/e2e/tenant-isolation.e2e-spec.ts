import request from 'supertest';
import { BUILDIUM_SANDBOX_CREDENTIALS } from '../../src/sandbox/buildium/buildium-sandbox';
import { waitFor } from '../support/app-process';
import { addOtherOrganization } from '../support/database';
import {
  authHeader,
  firstSync,
  manualSync,
  sandboxControl,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync-helpers';

const OTHER_KEY = 'lk_other_tenant_isolation_0123456789abcdef';

/**
 * One organization's ids, used with another organization's key, name nothing: every endpoint that takes an
 * id answers 404, every list is empty, and nothing of the first organization changes.
 */
describe('tenant isolation', () => {
  let harness: SyncHarness;
  const ids: Record<string, string> = {};
  const ours = () => authHeader(harness.app);
  const other = { authorization: `Bearer ${OTHER_KEY}` };

  beforeAll(async () => {
    harness = await startSyncHarness({ name: 'tenant-isolation', vendor: 'BUILDIUM' });
    await addOtherOrganization(harness.databaseUrl, OTHER_KEY);
    const sandboxUrl = `${harness.app.url}/sandbox/buildium`;
    const { id } = await firstSync(harness, 'Ours', sandboxUrl, BUILDIUM_SANDBOX_CREDENTIALS);
    ids.integration = id;
    await sandboxControl(sandboxUrl)('POST', 'mutate', { tenants: 3 });
    await manualSync(harness, id);
    const app = harness.app.url;
    for (const model of ['properties', 'units', 'residents', 'leases']) {
      ids[model] = (await request(app).get(`/v1/${model}/`).query({ limit: 1 }).set(ours())).body.results[0].id;
    }
    ids.run = (
      await request(app).get('/v1/admin/logs/jobs/').query({ integration_id: id, limit: 1 }).set(ours())
    ).body.results[0].id;
    ids.schedule = (
      await request(app).get(`/v1/admin/integrations/${id}/job-schedules/`).set(ours())
    ).body.results[0].id;
    ids.webhook = (await request(app).get('/v1/webhooks/').set(ours())).body.results[0].id;
    ids.delivery = await waitFor(
      async () => (await request(app).get(`/v1/webhooks/${ids.webhook}/deliveries`).set(ours())).body.results[0]?.id,
      'a delivery',
    );
    const write = await request(app).post('/v1/residents/').set(ours()).send({
      integration_id: id,
      lease_id: ids.leases,
      first_name: 'Isolated',
      last_name: 'Write',
      address_1: '1 Own Street',
      country: 'US',
    });
    expect(write.status).toBe(200);
    ids.write = write.body.job_id;
    await waitFor(
      async () =>
        (await request(app).get(`/v1/admin/write-status/${ids.write}`).set(ours())).body.write_status === 'SUCCESS' ||
        undefined,
      'our write',
    );
    ids.jobLog = (
      await request(app).get('/v1/admin/logs/writes/').query({ integration_id: id }).set(ours())
    ).body.results.logs[0].job_log_id;
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("answers 404 for every endpoint given another organization's ids", async () => {
    const app = harness.app.url;
    const i = ids.integration;
    const w = ids.webhook;
    const calls: Array<[string, string, object?]> = [
      ...['properties', 'units', 'residents', 'leases'].map((m) => ['get', `/v1/${m}/${ids[m]}`] as [string, string]),
      ['get', `/v1/admin/integrations/${i}/`],
      ['put', `/v1/admin/integrations/${i}/`, { name: 'stolen' }],
      ['delete', `/v1/admin/integrations/${i}/`],
      ['post', `/v1/admin/integrations/${i}/manual-sync`, {}],
      ['get', `/v1/admin/integrations/${i}/data-access`],
      ['post', `/v1/admin/integrations/${i}/data-access`, {}],
      ['get', `/v1/admin/integrations/${i}/rate-limits/`],
      ['get', `/v1/admin/integrations/${i}/schema-drift`],
      ['get', `/v1/admin/integrations/${i}/vendor-status`],
      ['get', `/v1/admin/integrations/${i}/quarantine`],
      ['get', `/v1/admin/integrations/${i}/unknown-values`],
      ['get', `/v1/admin/integrations/${i}/job-schedules/`],
      ['get', `/v1/admin/integrations/${i}/job-schedules/${encodeURIComponent(ids.schedule)}`],
      ['get', `/v1/admin/logs/jobs/${ids.run}`],
      ['get', `/v1/webhooks/${w}`],
      ['put', `/v1/webhooks/${w}`, { active: false }],
      ['delete', `/v1/webhooks/${w}`],
      ['get', `/v1/webhooks/${w}/deliveries`],
      ['get', `/v1/webhooks/${w}/deliveries/${ids.delivery}`],
      ['post', `/v1/webhooks/${w}/deliveries/${ids.delivery}/retry`, {}],
      ['post', `/v1/webhooks/${w}/replay`, { since: '2020-01-01T00:00:00Z' }],
      ['post', `/v1/webhooks/${w}/test`, {}],
      ['post', '/v1/residents/', { integration_id: i, lease_id: ids.leases, first_name: 'A', last_name: 'B' }],
      ['put', `/v1/residents/${ids.residents}`, { notes: 'stolen' }],
      ['get', `/v1/admin/write-status/${ids.write}`],
      ['post', `/v1/admin/retry-write/${ids.write}`, {}],
      ['get', `/v1/admin/job-logs/${ids.jobLog}/data`],
    ];
    for (const [method, path, body] of calls) {
      let call = (request(app) as any)[method](path).set(other);
      if (body) call = call.send(body);
      const res = await call;
      expect({ method, path, status: res.status, code: res.body?.error?.code }).toEqual({
        method,
        path,
        status: 404,
        code: 'not_found',
      });
    }
  });

  it("shows another organization none of this one's records, runs, diffs, webhooks or events", async () => {
    const app = harness.app.url;
    const lists: Array<[string, Record<string, string>]> = [
      ...['properties', 'units', 'residents', 'leases'].map(
        (m) => [`/v1/${m}/`, { integration_id: ids.integration }] as [string, Record<string, string>],
      ),
      ...['properties', 'units', 'residents', 'leases'].map(
        (m) => [`/v1/${m}/`, {}] as [string, Record<string, string>],
      ),
      ['/v1/admin/integrations/', {}],
      ['/v1/webhooks/', {}],
      ['/v1/admin/logs/jobs/', { integration_id: ids.integration }],
      ['/v1/admin/logs/jobs/', {}],
      ['/v1/admin/data-diffs/', { integration_id: ids.integration }],
      ['/v1/admin/data-diffs/', {}],
    ];
    for (const [path, query] of lists) {
      const mine = await request(app).get(path).query(query).set(ours());
      expect(mine.body.results.length).toBeGreaterThan(0); // there is something to hide
      const theirs = await request(app).get(path).query(query).set(other);
      expect({
        path,
        query,
        status: theirs.status,
        results: theirs.body.results,
        total: theirs.body.meta.total,
      }).toEqual({ path, query, status: 200, results: [], total: 0 });
    }
    const feed = await request(app).get('/v1/events').set(other);
    expect(feed.status).toBe(200);
    expect(feed.body.results).toEqual([]);
    expect((await request(app).get('/v1/events').set(ours())).body.results.length).toBeGreaterThan(0);
  });

  it("leaves this organization's integration and webhook as they were", async () => {
    const integration = await request(harness.app.url).get(`/v1/admin/integrations/${ids.integration}/`).set(ours());
    expect(integration.status).toBe(200);
    expect(integration.body.results).toMatchObject({ name: 'Ours', active: true });
    const webhook = await request(harness.app.url).get(`/v1/webhooks/${ids.webhook}`).set(ours());
    expect(webhook.body.results).toMatchObject({ active: true });
  });
});

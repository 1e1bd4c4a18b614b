import request from 'supertest';
import { createBuildiumSandbox, startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { serveSandbox } from '../../src/sandbox/kit/sandbox-http';
import { startApp, waitFor } from '../support/app-process';
import { createTestDatabase, pipelineState } from '../support/database';
import {
  authHeader,
  eventsOf,
  manualSync,
  sandboxControl,
  startFirstSync,
  startSyncHarness,
  vendorModels,
  waitForFirstSync,
} from '../support/sync-helpers';
import { startWebhookReceiver } from '../support/webhook-receiver';

const CREDENTIALS = { clientId: 'resilient-client', secret: 'resilient-secret' };

/** The shared behaviour every vendor gets from the sync layer: one request budget, a circuit breaker, schema drift. */
describe('vendor resilience', () => {
  it('keeps the integration under its request budget across two worker processes', async () => {
    // Few residents: at one request a second every lease's ledger is two requests (Buildium has no cross-lease
    // listing), so a larger account would take minutes; some twenty requests show the budget as well.
    const sandbox = createBuildiumSandbox({ residents: 12, seed: 21, credentials: [CREDENTIALS] });
    const arrivals: number[] = [];
    const server = await serveSandbox({
      handle: (req, res, path) => (arrivals.push(Date.now()), sandbox.handle(req, res, path)),
    });
    const receiver = await startWebhookReceiver();
    const databaseUrl = await createTestDatabase();
    const env = { DATABASE_URL: databaseUrl, SYNC_WORKER_CONCURRENCY: '2' };
    const api = await startApp({ name: 'budget-api', role: 'api', env });
    const workers = await Promise.all(
      [1, 2].map((n) =>
        startApp({ name: `budget-worker-${n}`, role: 'worker', env: { ...env, LATCHKEY_API_KEY: api.apiKey } }),
      ),
    );
    try {
      await request(api.url)
        .post('/v1/webhooks/')
        .set(authHeader(api))
        .send({ url: receiver.url, triggers: ['FIRST_SYNC_COMPLETE'], active: true });
      // One request a second (Propexo's default), four model jobs at once: two per worker process.
      const created = await request(api.url).post('/v1/admin/integrations/').set(authHeader(api)).send({
        name: 'Resilient',
        integration_vendor: 'BUILDIUM',
        credentials: CREDENTIALS,
        base_url: server.url,
        active: true,
        max_request_frequency: 1,
        max_request_cadence: 'SECOND',
        max_job_concurrency: 4,
      });
      expect(created.status).toBe(200);
      const done = await waitFor(
        async () => receiver.received.find((r) => r.json?.trigger === 'FIRST_SYNC_COMPLETE')?.json,
        'FIRST_SYNC_COMPLETE',
        120_000,
        () => pipelineState(databaseUrl),
      );
      expect(done.data).toMatchObject({ successful_job_count: vendorModels('BUILDIUM').length, failed_job_count: 0 });
      // Requests are granted a second apart by the database's clock; a worker busy mapping a page may send its
      // granted request a little late, so the vendor sees the budget per window, not to the millisecond.
      // Unthrottled, the jobs' first requests alone arrive within a few milliseconds.
      expect(arrivals.length).toBeGreaterThanOrEqual(8);
      const inAnyTwoSeconds = Math.max(...arrivals.map((t) => arrivals.filter((u) => u >= t && u < t + 2000).length));
      expect(inAnyTwoSeconds).toBeLessThanOrEqual(3);
      expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThanOrEqual((arrivals.length - 2) * 1000);
    } finally {
      await Promise.all([api, ...workers].map((p) => p.stop()));
      await server.close();
      await receiver.close();
    }
  });

  it('opens the circuit when the vendor keeps failing, stops calling it, reports it, and closes again', async () => {
    const sandbox = await startBuildiumSandboxServer({ residents: 100, seed: 22, credentials: [CREDENTIALS] });
    const harness = await startSyncHarness({
      name: 'circuit',
      vendor: 'BUILDIUM',
      triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE', 'JOB_FAILURE'],
      env: {
        VENDOR_REQUEST_ATTEMPTS: '1',
        VENDOR_CIRCUIT_FAILURES: '3',
        VENDOR_CIRCUIT_OPEN_SECONDS: '10',
        SYNC_JOB_ATTEMPTS: '2',
        SYNC_RETRY_BASE_MS: '300',
      },
    });
    const { app } = harness;
    const rerun = async (nth: number) => {
      const manual = await request(app.url)
        .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
        .set(authHeader(app))
        .send({});
      expect(manual.status).toBe(200);
      // A first sync whose jobs all failed runs as a first sync again.
      return waitForFirstSync(harness, integrationId, { nth });
    };
    let integrationId = '';
    try {
      sandbox.sandbox.faults.add({ path: '/v1/*', status: 500 });
      integrationId = await startFirstSync(harness, 'Resilient', sandbox.url, CREDENTIALS, { max_job_concurrency: 4 });
      const failed = await waitForFirstSync(harness, integrationId);
      expect(failed.data).toMatchObject({ successful_job_count: 0, failed_job_count: vendorModels('BUILDIUM').length });
      // A job per model, two attempts each: without the breaker the vendor would have seen twice as many requests
      // as jobs; with it, at most one per job running at once (max_job_concurrency 4) before it opens.
      const seen = sandbox.sandbox.requestCount;
      expect(seen).toBeLessThanOrEqual(4);
      const failures = eventsOf(harness, integrationId, 'JOB_FAILURE').map((e) => e.data.error as string);
      expect(failures).toHaveLength(vendorModels('BUILDIUM').length);
      expect(failures.some((e) => /circuit open/.test(e))).toBe(true);

      const status = await request(app.url)
        .get(`/v1/admin/integrations/${integrationId}/vendor-status`)
        .set(authHeader(app));
      expect(status.status).toBe(200);
      expect(status.body.result.circuit).toMatchObject({ state: 'OPEN' });
      expect(status.body.result.circuit.last_error).toMatch(/HTTP 500/);
      const openUntil = new Date(status.body.result.circuit.open_until).getTime();

      // While open, a new run fails without a single request to the vendor.
      await rerun(1);
      expect(Date.now()).toBeLessThan(openUntil); // the run above really ran while the circuit was open
      expect(sandbox.sandbox.requestCount).toBe(seen);

      // The vendor recovers; once the open period is over the next run goes through and closes the circuit.
      sandbox.sandbox.faults.clear();
      await new Promise((r) => setTimeout(r, Math.max(0, openUntil - Date.now()) + 200));
      const recovered = await rerun(2);
      expect(recovered.data).toMatchObject({
        successful_job_count: vendorModels('BUILDIUM').length,
        failed_job_count: 0,
      });
      const closed = await request(app.url)
        .get(`/v1/admin/integrations/${integrationId}/vendor-status`)
        .set(authHeader(app));
      expect(closed.body.result.circuit).toMatchObject({ state: 'CLOSED', consecutive_failures: 0, open_until: null });
    } finally {
      await harness.stop();
      await sandbox.close();
    }
  });

  it('reports a renamed id as schema drift: those records are quarantined, never written with nulls, and nothing is deleted', async () => {
    const sandbox = await startBuildiumSandboxServer({ residents: 120, seed: 23, credentials: [CREDENTIALS] });
    const harness = await startSyncHarness({
      name: 'drift',
      vendor: 'BUILDIUM',
      triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE', 'DATA_UPDATE', 'DATA_DELETED'],
    });
    const { app } = harness;
    const auth = authHeader(app);
    try {
      const integrationId = await startFirstSync(harness, 'Resilient', sandbox.url, CREDENTIALS);
      await waitForFirstSync(harness, integrationId);
      const residents = async () =>
        (
          await request(app.url)
            .get('/v1/residents/')
            .query({ integration_id: integrationId, limit: 250, 'order-by': 'x_id:asc' })
            .set(auth)
        ).body.results;
      const before = await residents();
      expect(before).toHaveLength(sandbox.sandbox.data.tenants.length);

      // The vendor edits ten tenants and, at the same time, starts calling every tenant's Id "TenantId".
      await sandboxControl(sandbox.url)('POST', 'mutate', { tenants: 10 });
      sandbox.sandbox.faults.add({ path: '/v1/leases/tenants', renameField: { from: 'Id', to: 'TenantId' } });
      // A manual run is a full pull: the deletion pass would run.
      const { complete, events } = await manualSync(harness, integrationId);
      expect(complete.data).toMatchObject({ failed_job_count: 0 });

      // Not one resident was updated or deleted: the cache still holds what it had, field for field.
      expect(events.filter((e) => e.data?.model === 'residents')).toEqual([]);
      expect(await residents()).toEqual(before);
      const quarantine = await request(app.url)
        .get(`/v1/admin/integrations/${integrationId}/quarantine`)
        .query({ limit: 250 })
        .set(auth);
      expect(quarantine.body.meta.total).toBe(sandbox.sandbox.data.tenants.length);
      expect(quarantine.body.results[0].reason).toMatch(/schema drift: required field "Id" missing/);

      const drift = await request(app.url)
        .get(`/v1/admin/integrations/${integrationId}/schema-drift`)
        .query({ 'order-by': 'kind:asc' })
        .set(auth);
      expect(drift.status).toBe(200);
      expect(drift.body.results).toEqual([
        expect.objectContaining({
          model: 'residents',
          field: 'Id',
          kind: 'MISSING',
          occurrences: sandbox.sandbox.data.tenants.length,
        }),
        expect.objectContaining({
          model: 'residents',
          field: 'TenantId',
          kind: 'UNEXPECTED',
          occurrences: sandbox.sandbox.data.tenants.length,
        }),
      ]);
    } finally {
      await harness.stop();
      await sandbox.close();
    }
  });
});

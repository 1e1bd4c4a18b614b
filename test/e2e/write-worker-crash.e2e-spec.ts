import request from 'supertest';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { startApp, workerPool, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { sandboxControl } from '../support/sync-helpers';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const CREDENTIALS = { clientId: 'write-crash-client', secret: 'write-crash-secret' };

/**
 * Never twice at the vendor (API.md §6): a worker killed (SIGKILL) while its create is with the vendor leaves a
 * write whose outcome nobody knows. The next worker ends it FAILURE "outcome unknown" and does not send it again.
 * The same for a burst of creates with many in flight across two worker processes.
 */
describe('a write whose worker dies mid-request', () => {
  let api: AppProcess;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let receiver: WebhookReceiver;
  let databaseUrl: string;
  let env: Record<string, string | undefined>;
  let integrationId: string;
  const auth = () => ({ authorization: `Bearer ${api.apiKey}` });
  const workers = workerPool('write-crash-worker', () => ({ ...env, LATCHKEY_API_KEY: api.apiKey }));
  const tenantWrites = () =>
    sandbox.sandbox.writes.snapshot()['POST /v1/leases/tenants'] ?? {
      received: 0,
      applied: 0,
      rejected: 0,
      refused: 0,
    };
  const posts = () => tenantWrites().received;

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 20, seed: 33, credentials: [CREDENTIALS] });
    receiver = await startWebhookReceiver();
    databaseUrl = await createTestDatabase();
    env = { DATABASE_URL: databaseUrl, SANDBOX: 'false' };
    api = await startApp({ name: 'write-crash-api', role: 'api', env });
    await workers.start();
    const hook = await request(api.url)
      .post('/v1/webhooks/')
      .set(auth())
      .send({ url: receiver.url, triggers: ['FIRST_SYNC_COMPLETE', 'WRITE_OPERATION_FAILURE'], active: true });
    expect(hook.status).toBe(200);
    const created = await request(api.url).post('/v1/admin/integrations/').set(auth()).send({
      name: 'Write crash',
      integration_vendor: 'BUILDIUM',
      credentials: CREDENTIALS,
      base_url: sandbox.url,
      // The burst's 200 creates go out at once (the budget is not what is tested here).
      max_request_frequency: 60_000,
      active: true,
    });
    expect(created.status).toBe(200);
    integrationId = created.body.result.id;
    await waitFor(
      async () => receiver.received.find((r) => r.json?.trigger === 'FIRST_SYNC_COMPLETE'),
      'the first sync',
      90_000,
      () => pipelineState(databaseUrl),
    );
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), workers.stopAll()]);
    await receiver?.close();
    await sandbox?.close();
  });

  it('ends the create FAILURE "outcome unknown" and sends it no second time', async () => {
    const leases = await request(api.url).get(`/v1/leases?integration_id=${integrationId}`).set(auth());
    // Buildium holds the request for a while, then does it (to a caller that is gone by then).
    await sandboxControl(sandbox.url)('POST', 'faults', {
      path: '/v1/leases/tenants',
      method: 'POST',
      delayMs: 3000,
      times: 1,
    });
    const res = await request(api.url).post('/v1/residents/').set(auth()).send({
      integration_id: integrationId,
      lease_id: leases.body.results[0].id,
      first_name: 'Crash',
      last_name: 'Test',
      address_1: '1 Kill Street',
      country: 'US',
    });
    expect(res.status).toBe(200);
    await waitFor(async () => posts() > 0 || undefined, 'the create to reach Buildium', 60_000);
    await workers.killAll();
    await waitFor(
      async () => sandbox.sandbox.data.tenants.some((t) => t.FirstName === 'Crash') || undefined,
      'Buildium to do it',
      30_000,
    );

    await workers.start();
    const status = await waitFor(
      async () => {
        const s = await request(api.url).get(`/v1/admin/write-status/${res.body.job_id}`).set(auth());
        return s.body.write_status === 'PENDING' ? undefined : s.body;
      },
      'the write to end',
      120_000,
      () => pipelineState(databaseUrl),
    );
    expect(status).toEqual({
      write_status: 'FAILURE',
      errors: [expect.stringMatching(/^outcome unknown: the worker stopped .*check the PMS before retry-write$/)],
      created_record_id: null,
    });
    expect(posts()).toBe(1);
    expect(sandbox.sandbox.data.tenants.filter((t) => t.FirstName === 'Crash')).toHaveLength(1);
    await waitFor(
      async () =>
        receiver.received.find(
          (r) => r.json?.trigger === 'WRITE_OPERATION_FAILURE' && r.json.data.root_job_id === res.body.job_id,
        ),
      'WRITE_OPERATION_FAILURE',
      30_000,
    );
  });

  it('ends a burst of 200 creates cut by SIGKILL each SUCCESS or "outcome unknown", none created twice', async () => {
    const leases = await request(api.url).get(`/v1/leases?integration_id=${integrationId}`).set(auth());
    const leaseIds: string[] = leases.body.results.map((l: { id: string }) => l.id);
    await workers.start(); // two worker processes share the burst
    const before = tenantWrites();
    // Buildium holds the first creates long enough that the kill certainly lands while they are with it.
    await sandboxControl(sandbox.url)('POST', 'faults', {
      path: '/v1/leases/tenants',
      method: 'POST',
      delayMs: 4000,
      times: 6,
    });
    const names = Array.from({ length: 200 }, (_, i) => `Burst-${i}`);
    const accepted = await Promise.all(
      names.map((lastName, i) =>
        request(api.url)
          .post('/v1/residents/')
          .set(auth())
          .send({
            integration_id: integrationId,
            lease_id: leaseIds[i % leaseIds.length],
            first_name: 'Burst',
            last_name: lastName,
            address_1: '2 Kill Street',
            country: 'US',
          }),
      ),
    );
    expect(accepted.map((r) => r.status)).toEqual(names.map(() => 200));
    // Kill while some creates are held by Buildium (received, not yet applied).
    await waitFor(
      async () => (tenantWrites().received - before.received >= 6 ? true : undefined),
      'the held creates to reach Buildium',
      60_000,
    );
    expect(tenantWrites().applied - before.applied).toBeLessThan(tenantWrites().received - before.received);
    await workers.killAll();
    await workers.start();

    const unfinished = () =>
      withClient(databaseUrl, (db) =>
        db.query(`SELECT count(*)::int AS n FROM "write_jobs" WHERE "status" IN ('PENDING', 'RUNNING')`),
      ).then((r) => r.rows[0].n as number);
    await waitFor(
      async () => ((await unfinished()) === 0 ? true : undefined),
      'every write of the burst to end',
      180_000,
      () => pipelineState(databaseUrl),
    );
    const statuses = await Promise.all(
      accepted.map((r) =>
        request(api.url)
          .get(`/v1/admin/write-status/${r.body.job_id}`)
          .set(auth())
          .then((s) => s.body),
      ),
    );
    // At Buildium: no tenant twice, every create received exactly once it was applied.
    const created = sandbox.sandbox.data.tenants.filter((t) => t.FirstName === 'Burst').map((t) => t.LastName);
    expect(created.length).toBe(new Set(created).size);
    const after = tenantWrites();
    expect(after.received - before.received).toBe(created.length);
    expect(after.applied - before.applied).toBe(created.length);
    const succeeded = statuses.filter((s) => s.write_status === 'SUCCESS');
    const unknown = statuses.filter((s) => s.write_status === 'FAILURE');
    expect(succeeded.length + unknown.length).toBe(names.length);
    for (const s of unknown) expect(s.errors).toEqual([expect.stringMatching(/^outcome unknown: /)]);
    expect(unknown.length).toBeGreaterThan(0); // the kill did cut some writes
    expect(new Set(succeeded.map((s) => s.created_record_id)).size).toBe(succeeded.length);
    expect(created.length).toBeGreaterThanOrEqual(succeeded.length);
  });
});

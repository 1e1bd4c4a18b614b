import request from 'supertest';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { startApp, workerPool, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { sandboxControl, vendorModels } from '../support/sync-helpers';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const CREDENTIALS = { clientId: 'crash-client', secret: 'crash-secret' };

interface JobRow {
  id: string;
  status: string;
  attempts: number;
  interruptions: number;
  worker_lease: number | null;
  started_at: Date | null;
}

/**
 * A worker process that dies (SIGKILL) in the middle of a sync job: the job runs again as soon as a worker is
 * back, never while the worker running it is alive, and a job whose worker dies under it twice fails once
 * (as BullMQ's stalled-job limit would) instead of taking workers down for ever. Both queue backends.
 */
describe.each([['PostgreSQL'], ['Redis']])('a sync job whose worker dies (%s queue)', (backend) => {
  let api: AppProcess;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let receiver: WebhookReceiver;
  let databaseUrl: string;
  let env: Record<string, string | undefined>;
  let integrationId: string;
  const auth = () => ({ authorization: `Bearer ${api.apiKey}` });
  const workers = workerPool(`crash-worker-${backend}`, () => ({ ...env, LATCHKEY_API_KEY: api.apiKey }));
  const runStatus = async (runId: string) =>
    (await request(api.url).get(`/v1/admin/logs/jobs/${runId}`).query({ include_all_jobs: 'false' }).set(auth())).body
      .results?.[0]?.status;
  const waitForRunEnd = (runId: string) =>
    waitFor(
      async () => (['SUCCESS', 'PARTIAL_SUCCESS', 'FAILURE'].includes(await runStatus(runId)) ? true : undefined),
      'the run to end',
      120_000,
      () => pipelineState(databaseUrl),
    );
  const residentsJob = (runId: string) =>
    withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query<JobRow>(
            `SELECT id, status, attempts, interruptions, worker_lease, started_at FROM sync_jobs WHERE run_id = $1 AND model = 'residents'`,
            [runId],
          )
        ).rows[0],
    );
  const completes = () => receiver.received.filter((r) => r.json?.trigger === 'SYNC_COMPLETE');
  const failures = () => receiver.received.filter((r) => r.json?.trigger === 'JOB_FAILURE');

  /** A manual sync whose residents job is mid-pull, its vendor answering slowly; returns the run and that job. */
  async function syncStuckInResidents(delayMs: number): Promise<{ runId: string; job: JobRow }> {
    await sandboxControl(sandbox.url)('POST', 'faults', { path: '/v1/leases/tenants', delayMs, times: 1 });
    const sync = await request(api.url)
      .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
      .set(auth())
      .send({});
    expect(sync.status).toBe(200);
    const runId: string = sync.body.result.sync_id;
    const job = await waitFor(
      async () => {
        const row = await residentsJob(runId);
        return row?.status === 'RUNNING' ? row : undefined;
      },
      'the residents job to run',
      60_000,
      () => pipelineState(databaseUrl),
    );
    return { runId, job };
  }

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 200, seed: 31, credentials: [CREDENTIALS] });
    receiver = await startWebhookReceiver();
    databaseUrl = await createTestDatabase();
    env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: backend === 'Redis' ? await testRedisUrl() : undefined,
      SANDBOX: 'false',
    };
    api = await startApp({ name: `crash-api-${backend}`, role: 'api', env });
    await workers.start();
    expect(
      (
        await request(api.url)
          .post('/v1/webhooks/')
          .set(auth())
          .send({ url: receiver.url, triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE', 'JOB_FAILURE'], active: true })
      ).status,
    ).toBe(200);
    const created = await request(api.url).post('/v1/admin/integrations/').set(auth()).send({
      name: 'Crash',
      integration_vendor: 'BUILDIUM',
      credentials: CREDENTIALS,
      base_url: sandbox.url,
      max_request_frequency: 100,
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

  it('leaves a job alone while the worker running it is alive and busy, even as other workers start', async () => {
    const { runId, job } = await syncStuckInResidents(20_000);
    // A second worker starts (and looks for jobs of dead workers at once, then every 5 s) while the first is busy.
    await workers.start();
    await waitForRunEnd(runId);
    expect(await runStatus(runId)).toBe('SUCCESS');
    expect(await residentsJob(runId)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      interruptions: 0,
      worker_lease: job.worker_lease,
    });
  });

  it('runs the job again within 10 s of a worker being back after its worker was killed, and the run completes once', async () => {
    const { runId, job } = await syncStuckInResidents(30_000);
    await workers.killAll();
    await workers.start();
    const readyAt = Date.now();
    // Measured on the job's row: the attempt that starts after the kill.
    const resumed = await waitFor(
      async () => {
        const row = await residentsJob(runId);
        return row && row.attempts > job.attempts ? row : undefined;
      },
      'the residents job to run again',
      120_000,
      () => pipelineState(databaseUrl),
    );
    expect(resumed.interruptions).toBe(1);
    expect(resumed.worker_lease).not.toBe(job.worker_lease);
    expect(resumed.started_at!.getTime() - readyAt).toBeLessThan(10_000);

    await waitForRunEnd(runId);
    expect(await runStatus(runId)).toBe('SUCCESS');
    expect(await residentsJob(runId)).toMatchObject({ status: 'SUCCEEDED', attempts: 2, interruptions: 1 });
    await waitFor(
      async () => (completes().some((c) => c.json.data.sync_id === runId) ? true : undefined),
      'its SYNC_COMPLETE',
      30_000,
    );
    expect(completes().filter((c) => c.json.data.sync_id === runId)).toHaveLength(1);
    expect(failures()).toEqual([]);
  });

  it('fails a job whose worker dies under it a second time once, finishes its run once, and leaves the integration free to sync again', async () => {
    const { runId, job } = await syncStuckInResidents(30_000);
    // As if its worker had already died under it once, then it dies again.
    await withClient(databaseUrl, (db) => db.query('UPDATE sync_jobs SET interruptions = 1 WHERE id = $1', [job.id]));
    await workers.killAll();
    await workers.start();

    await waitForRunEnd(runId);
    expect(await runStatus(runId)).toBe('PARTIAL_SUCCESS');
    const failure = await waitFor(async () => failures()[0], 'the JOB_FAILURE', 30_000);
    expect(failure.json.data).toMatchObject({
      job_id: job.id,
      root_job_id: runId,
      job_type: 'READ_RESIDENTS',
      integration_id: integrationId,
    });
    expect(failure.json.data.error).toMatch(/worker stopped .* 2 times/);
    await waitFor(
      async () => (completes().some((c) => c.json.data.sync_id === runId) ? true : undefined),
      'the SYNC_COMPLETE',
      30_000,
    );
    const log = (await request(api.url).get(`/v1/admin/logs/jobs/${runId}`).set(auth())).body.results;
    expect(log.find((j: any) => j.id === job.id)).toMatchObject({
      status: 'FAILURE',
      error: expect.stringMatching(/2 times/),
    });
    const others = vendorModels('BUILDIUM').length - 1;
    expect(log.filter((j: any) => j.id !== runId && j.id !== job.id).map((j: any) => j.status)).toEqual(
      Array(others).fill('SUCCESS'),
    );
    expect(completes().find((c) => c.json.data.sync_id === runId)!.json.data).toMatchObject({
      successful_job_count: others,
      failed_job_count: 1,
    });

    // The integration is not stuck behind that run: the next sync runs and completes.
    await sandboxControl(sandbox.url)('DELETE', 'faults');
    const next = await request(api.url)
      .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
      .set(auth())
      .send({});
    expect(next.status).toBe(200);
    const nextRunId: string = next.body.result.sync_id;
    await waitForRunEnd(nextRunId);
    expect(await runStatus(nextRunId)).toBe('SUCCESS');
    await waitFor(
      async () => (completes().some((c) => c.json.data.sync_id === nextRunId) ? true : undefined),
      'its SYNC_COMPLETE',
      30_000,
    );
    expect(failures()).toHaveLength(1);
  });
});

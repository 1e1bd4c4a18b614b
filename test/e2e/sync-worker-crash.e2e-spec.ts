import request from 'supertest';
import { Redis } from 'ioredis';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { QueueName } from '../../src/queue/queue-names';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { sandboxControl } from '../support/sync-helpers';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const CREDENTIALS = { clientId: 'crash-client', secret: 'crash-secret' };

/**
 * BullMQ gives up on a job whose worker died under it more than once (it stalled twice): it fails the job
 * without running it again. The sync job must then end FAILED, with its JOB_FAILURE, and its run must still
 * finish once, or every later run of the integration would queue behind it for ever.
 */
describe('a sync job whose worker dies once too often', () => {
  let api: AppProcess;
  let worker: AppProcess;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let receiver: WebhookReceiver;
  let databaseUrl: string;
  let redisUrl: string;
  let env: Record<string, string | undefined>;
  const auth = () => ({ authorization: `Bearer ${api.apiKey}` });
  const startWorker = (name: string) => startApp({ name, role: 'worker', env: { ...env, LATCHKEY_API_KEY: api.apiKey } });
  const runStatus = async (runId: string) => (await request(api.url).get(`/v1/admin/logs/jobs/${runId}`).query({ include_all_jobs: 'false' }).set(auth())).body.results?.[0]?.status;

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 200, seed: 31, credentials: [CREDENTIALS] });
    receiver = await startWebhookReceiver();
    databaseUrl = await createTestDatabase();
    redisUrl = await testRedisUrl();
    env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, SANDBOX: 'false' };
    api = await startApp({ name: 'crash-api', role: 'api', env });
    worker = await startWorker('crash-worker');
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await receiver?.close();
    await sandbox?.close();
  });

  it('fails the job once, finishes its run once, and leaves the integration free to sync again', async () => {
    expect((await request(api.url).post('/v1/webhooks/').set(auth()).send({ url: receiver.url, triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE', 'JOB_FAILURE'], active: true })).status).toBe(200);
    const created = await request(api.url).post('/v1/admin/integrations/').set(auth())
      .send({ name: 'Crash', integration_vendor: 'BUILDIUM', credentials: CREDENTIALS, base_url: sandbox.url, max_request_frequency: 100, active: true });
    expect(created.status).toBe(200);
    const integrationId: string = created.body.result.id;
    await waitFor(async () => receiver.received.find((r) => r.json?.trigger === 'FIRST_SYNC_COMPLETE'), 'the first sync', 90_000, () => pipelineState(databaseUrl));

    // The vendor is slow to answer for residents, so the residents job is surely mid-pull when its worker dies.
    const control = sandboxControl(sandbox.url);
    await control('POST', 'faults', { path: '/v1/leases/tenants', delayMs: 25_000, times: 1 });
    const sync = await request(api.url).post(`/v1/admin/integrations/${integrationId}/manual-sync`).set(auth()).send({});
    expect(sync.status).toBe(200);
    const runId: string = sync.body.result.sync_id;
    const residentsJob = await waitFor(async () => withClient(databaseUrl, async (db) =>
      (await db.query(`SELECT id FROM sync_jobs WHERE run_id = $1 AND model = 'residents' AND status = 'RUNNING'`, [runId])).rows[0]?.id as string | undefined),
    'the residents job to run', 60_000, () => pipelineState(databaseUrl));

    // As if its worker had already died under it once (BullMQ counts that in the job's `stc`), then dies again.
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.hexists(`bull:${QueueName.SyncJobs}:${residentsJob}`, 'data')).toBe(1);
      await redis.hset(`bull:${QueueName.SyncJobs}:${residentsJob}`, 'stc', 1);
    } finally {
      await redis.quit();
    }
    await worker.kill();
    worker = await startWorker('crash-worker-restarted');

    // Once its lock expires (a minute at most) the queue fails the job: the job and its run end, once.
    await waitFor(async () => (['SUCCESS', 'PARTIAL_SUCCESS', 'FAILURE'].includes(await runStatus(runId)) ? true : undefined), 'the run to end', 150_000, () => pipelineState(databaseUrl));
    expect(await runStatus(runId)).toBe('PARTIAL_SUCCESS');
    const failure = await waitFor(async () => receiver.received.find((r) => r.json?.trigger === 'JOB_FAILURE'), 'the JOB_FAILURE', 30_000);
    expect(failure.json.data).toMatchObject({ job_id: residentsJob, root_job_id: runId, job_type: 'READ_RESIDENTS', integration_id: integrationId });
    expect(failure.json.data.error).toMatch(/stalled/);
    const completes = () => receiver.received.filter((r) => r.json?.trigger === 'SYNC_COMPLETE');
    await waitFor(async () => (completes().length > 0 ? true : undefined), 'the SYNC_COMPLETE', 30_000);
    const log = (await request(api.url).get(`/v1/admin/logs/jobs/${runId}`).set(auth())).body.results;
    expect(log.find((j: any) => j.id === residentsJob)).toMatchObject({ status: 'FAILURE', error: expect.stringMatching(/stalled/) });
    expect(log.filter((j: any) => j.id !== runId && j.id !== residentsJob).map((j: any) => j.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);

    // The integration is not stuck behind that run: the next sync runs and completes.
    await control('DELETE', 'faults');
    const next = await request(api.url).post(`/v1/admin/integrations/${integrationId}/manual-sync`).set(auth()).send({});
    expect(next.status).toBe(200);
    const nextRunId: string = next.body.result.sync_id;
    await waitFor(async () => ((await runStatus(nextRunId)) === 'SUCCESS' ? true : undefined), 'the next sync', 90_000, () => pipelineState(databaseUrl));
    await waitFor(async () => (completes().length >= 2 ? true : undefined), 'its SYNC_COMPLETE', 30_000);
    expect(completes().map((r) => r.json.data.sync_id)).toEqual([runId, nextRunId]);
    expect(completes()[0]!.json.data).toMatchObject({ successful_job_count: 3, failed_job_count: 1 });
    expect(receiver.received.filter((r) => r.json?.trigger === 'JOB_FAILURE')).toHaveLength(1);
  }, 300_000);
});

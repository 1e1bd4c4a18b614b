import fs from 'node:fs';
import request from 'supertest';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { testRedisUrl, waitFor } from '../support/app-process';
import { pipelineState, withClient } from '../support/database';
import { authHeader, sandboxControl, startSyncHarness, vendorModels, type SyncHarness } from '../support/sync-helpers';

const CREDENTIALS = { clientId: 'clean-client', secret: 'clean-secret' };

/**
 * Slows the PostgreSQL queue backend's wake-up of a delayed job (BullMQ's `promote` and `change_delay`)
 * between the read of the job's state and its update, as a loaded machine does: the window in which a
 * worker may claim the job meanwhile grows from microseconds to most of a re-check period. The queue's
 * behaviour is otherwise untouched.
 */
async function slowDelayedJobWakeUps(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, async (db) => {
    for (const fn of ['promote', 'change_delay']) {
      const { rows } = await db.query(
        `SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'bullmq' AND p.proname = $1`,
        [fn],
      );
      const read = 'SELECT state INTO v_state FROM job WHERE queue = p_queue AND id = p_id;';
      expect(rows).toHaveLength(1);
      expect(rows[0].def).toContain(read);
      await db.query(rows[0].def.replace(read, `${read} PERFORM pg_sleep(0.45);`));
    }
  });
}

/**
 * A run that goes right must not log an error: a first sync of about 2,500 records and a later sync with
 * changes, each job run once, on both queue backends; on the PostgreSQL one also with slow wake-ups of
 * held-back jobs (max_job_concurrency 1 holds three of the four jobs back in the queue while one runs).
 */
describe.each([
  ['PostgreSQL', false],
  ['PostgreSQL (slow wake-ups)', true],
  ['Redis', false],
])('a clean run on the %s queue', (backend, slow) => {
  let harness: SyncHarness;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 1300, seed: 18, credentials: [CREDENTIALS] });
    harness = await startSyncHarness({
      name: `clean-run-${backend.replace(/\W+/g, '-')}`,
      vendor: 'BUILDIUM',
      env: backend === 'Redis' ? { REDIS_URL: await testRedisUrl() } : {},
      triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE', 'JOB_FAILURE', 'DATA_NEW', 'DATA_UPDATE'],
    });
    if (slow) await slowDelayedJobWakeUps(harness.databaseUrl);
  });

  afterAll(async () => {
    await harness?.stop();
    await sandbox?.close();
  });

  it('logs no error line through a first sync and a later sync, and runs each sync job once', async () => {
    const { app, receiver, databaseUrl } = harness;
    const created = await request(app.url).post('/v1/admin/integrations/').set(authHeader(app)).send({
      name: 'Clean',
      integration_vendor: 'BUILDIUM',
      credentials: CREDENTIALS,
      base_url: sandbox.url,
      max_request_frequency: 1000,
      active: true,
    });
    expect(created.status).toBe(200);
    const integrationId: string = created.body.result.id;
    const explain = () => pipelineState(databaseUrl);
    await waitFor(
      async () => receiver.received.find((r) => r.json?.trigger === 'FIRST_SYNC_COMPLETE'),
      'FIRST_SYNC_COMPLETE',
      120_000,
      explain,
    );

    await sandboxControl(sandbox.url)('POST', 'mutate', { tenants: 25, leases: 10 });
    const sync = await request(app.url)
      .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
      .set(authHeader(app))
      .send({});
    expect(sync.status).toBe(200);
    const complete = await waitFor(
      async () => receiver.received.find((r) => r.json?.trigger === 'SYNC_COMPLETE'),
      'SYNC_COMPLETE',
      120_000,
      explain,
    );
    expect(complete.json.data).toMatchObject({
      successful_job_count: vendorModels('BUILDIUM').length,
      failed_job_count: 0,
    });
    expect(receiver.received.filter((r) => r.json?.trigger === 'DATA_UPDATE').length).toBeGreaterThan(0);
    expect(receiver.received.filter((r) => r.json?.trigger === 'JOB_FAILURE')).toEqual([]);

    // Each job started once: a job claimed by two workers counts two attempts.
    const jobs = await withClient(
      databaseUrl,
      async (db) => (await db.query(`SELECT model, status, attempts FROM sync_jobs ORDER BY created_at`)).rows,
    );
    expect(jobs).toHaveLength(2 * vendorModels('BUILDIUM').length); // a job per model, in each of the two syncs
    expect(jobs.filter((j) => j.status !== 'SUCCEEDED' || j.attempts !== 1)).toEqual([]);

    // The process ends as it should (SIGTERM), and nothing it wrote, start to stop, is an error.
    await app.stop();
    const errors = fs
      .readFileSync(app.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"level":"error"'));
    expect(errors).toEqual([]);
  });
});

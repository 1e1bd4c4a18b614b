import fs from 'node:fs';
import request from 'supertest';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { startWebhookReceiver } from '../support/webhook-receiver';

const CREDENTIALS = { clientId: 'ops-client', secret: 'ops-sandbox-secret-5c1e' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text format strictly: every line is a HELP, a TYPE or a sample; every sample's family is typed. */
function parsePrometheus(text: string): Sample[] {
  const typed = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n').filter(Boolean)) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
        typed.add(meta[2]);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key] = value!;
    const value = Number(sample[3]);
    expect(Number.isNaN(value) && sample[3] !== 'NaN').toBe(false);
    const family = sample[1].replace(/_(bucket|sum|count)$/, '');
    expect(typed.has(sample[1]) || typed.has(family)).toBe(true);
    samples.push({ name: sample[1], labels, value });
  }
  return samples;
}

/** The value of the one sample of `name` whose labels include `labels` (undefined when absent). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matching = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
}

async function scrape(app: AppProcess): Promise<Sample[]> {
  const res = await request(app.url).get('/metrics'); // no API key
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(res.text);
}

const logLines = (app: AppProcess) => fs.readFileSync(app.logFile, 'utf8').split('\n').filter(Boolean);

describe.each([['PostgreSQL'], ['Redis']])(
  'operations: metrics, JSON logs and graceful shutdown (%s queue)',
  (backend) => {
    let app: AppProcess;
    let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let databaseUrl: string;
    let redisUrl: string | undefined;
    let integrationId: string;
    let webhookSecret: string;
    const auth = () => ({ authorization: `Bearer ${app.apiKey}` });
    /** The app again, alone, on the same database (the running process, if any, is stopped first). */
    const restart = async (env: Record<string, string> = {}, role: 'api' | 'all' = 'all') => {
      await app.stop();
      app = await startApp({
        name: `operations-${backend}`,
        role,
        env: {
          DATABASE_URL: databaseUrl,
          REDIS_URL: redisUrl,
          LATCHKEY_API_KEY: app.apiKey,
          WEBHOOK_RETRY_SCHEDULE: '1,1,1',
          ...env,
        },
      });
    };

    beforeAll(async () => {
      sandbox = await startBuildiumSandboxServer({ residents: 500, seed: 11, credentials: [CREDENTIALS] });
      receiver = await startWebhookReceiver();
      databaseUrl = await createTestDatabase();
      redisUrl = backend === 'Redis' ? await testRedisUrl() : undefined;
      app = await startApp({
        name: `operations-${backend}`,
        env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, WEBHOOK_RETRY_SCHEDULE: '1,1,1' },
      });
    });

    afterAll(async () => {
      await app?.stop();
      await receiver?.close();
      await sandbox?.close();
    });

    it('serves Prometheus metrics without a key, with the sync, vendor-request and delivery series of a first sync', async () => {
      const webhook = await request(app.url)
        .post('/v1/webhooks/')
        .set(auth())
        .send({ url: receiver.url, triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE'], active: true });
      expect(webhook.status).toBe(200);
      const webhookId: string = webhook.body.result.id;
      webhookSecret = webhook.body.result.secret;
      const created = await request(app.url)
        .post('/v1/admin/integrations/')
        .set(auth())
        .set('x-request-id', 'ops-create-integration')
        .send({
          name: 'Ops',
          integration_vendor: 'BUILDIUM',
          credentials: CREDENTIALS,
          base_url: sandbox.url,
          max_request_frequency: 100,
          active: true,
        });
      expect(created.status).toBe(200);
      expect(created.headers['x-request-id']).toBe('ops-create-integration');
      integrationId = created.body.result.id;
      await waitFor(
        async () => receiver.received.find((r) => r.json?.trigger === 'FIRST_SYNC_COMPLETE'),
        'FIRST_SYNC_COMPLETE',
        120_000,
        () => pipelineState(databaseUrl),
      );

      // The attempt is counted once the receiver has answered: look again until it shows.
      const samples = await waitFor(
        async () => {
          const s = await scrape(app);
          return (valueOf(s, 'latchkey_webhook_attempts_total', { webhook_id: webhookId }) ?? 0) >= 1 ? s : undefined;
        },
        'the delivery attempt in /metrics',
        15_000,
      );

      expect(valueOf(samples, 'latchkey_sync_runs_started_total', { kind: 'FIRST' })).toBe(1);
      expect(valueOf(samples, 'latchkey_sync_runs_finished_total', { kind: 'FIRST', status: 'SUCCEEDED' })).toBe(1);
      expect(valueOf(samples, 'latchkey_sync_run_duration_seconds_count', { kind: 'FIRST', status: 'SUCCEEDED' })).toBe(
        1,
      );
      expect(
        valueOf(samples, 'latchkey_sync_run_duration_seconds_sum', { kind: 'FIRST', status: 'SUCCEEDED' }),
      ).toBeGreaterThan(0);
      const data = sandbox.sandbox.data;
      expect(
        valueOf(samples, 'latchkey_sync_records_processed_total', { vendor: 'BUILDIUM', model: 'residents' }),
      ).toBe(data.tenants.length);
      expect(valueOf(samples, 'latchkey_sync_records_processed_total', { vendor: 'BUILDIUM', model: 'units' })).toBe(
        data.units.length,
      );
      expect(valueOf(samples, 'latchkey_sync_records_processed_total', { vendor: 'BUILDIUM', model: 'leases' })).toBe(
        data.leases.length,
      );
      const vendorRequests = valueOf(samples, 'latchkey_vendor_request_duration_seconds_count', {
        vendor: 'BUILDIUM',
        outcome: 'ok',
      })!;
      expect(vendorRequests).toBeGreaterThanOrEqual(4); // at least one page per model
      expect(vendorRequests).toBeLessThanOrEqual(sandbox.sandbox.requestCount);
      expect(
        valueOf(samples, 'latchkey_vendor_request_duration_seconds_bucket', {
          vendor: 'BUILDIUM',
          outcome: 'ok',
          le: '+Inf',
        }),
      ).toBe(vendorRequests);
      expect(valueOf(samples, 'latchkey_webhook_attempts_total', { webhook_id: webhookId })).toBe(1);
      expect(valueOf(samples, 'latchkey_webhook_failures_total', { webhook_id: webhookId }) ?? 0).toBe(0);
      expect(valueOf(samples, 'latchkey_webhook_delivery_latency_seconds_count')).toBe(1);
      for (const queue of ['latchkey-sync-jobs', 'latchkey-webhook-deliveries', 'latchkey-data-access-checks']) {
        expect(valueOf(samples, 'latchkey_queue_jobs', { queue, state: 'waiting' })).toBeGreaterThanOrEqual(0);
        expect(valueOf(samples, 'latchkey_queue_oldest_waiting_age_seconds', { queue })).toBeGreaterThanOrEqual(0);
      }
      expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0); // Node's default metrics
    });

    it('puts an x-request-id on every response, echoing a sane one and replacing anything else', async () => {
      const probe = await request(app.url).get('/health').set('x-request-id', 'ops-probe-1');
      expect(probe.headers['x-request-id']).toBe('ops-probe-1');
      const bad = await request(app.url)
        .post('/v1/webhooks/')
        .set(auth())
        .set('x-request-id', 'ops-bad-body')
        .send({ url: 'not a url' });
      expect(bad.status).toBe(400);
      expect(bad.headers['x-request-id']).toBe('ops-bad-body');
      for (const res of [
        await request(app.url).get('/v1/residents/').query({ limit: 1 }).set(auth()),
        await request(app.url).get('/v1/residents/'), // 401
        await request(app.url).get('/no-such-route'), // 404
        await request(app.url).get('/metrics'),
        await request(app.url).get('/health').set('x-request-id', 'two words'),
        await request(app.url).get('/health').set('x-request-id', 'x'.repeat(129)),
      ]) {
        expect(res.headers['x-request-id']).toMatch(UUID);
      }
    });

    it('logs JSON lines; lines written during a request carry its id; no key, credential or webhook secret is logged', async () => {
      const query = await request(app.url)
        .get('/v1/residents/')
        .query({ limit: 1, unknown_param: 'ops-query-value' })
        .set(auth())
        .set('x-request-id', 'ops-query');
      expect(query.status).toBe(400);
      await new Promise((r) => setTimeout(r, 200));
      const lines = logLines(app).map((line) => {
        try {
          return JSON.parse(line);
        } catch {
          throw new Error(`not a JSON log line: ${line}`);
        }
      });
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) {
        expect(['debug', 'info', 'warn', 'error', 'fatal']).toContain(line.level);
        expect(new Date(line.time).toISOString()).toBe(line.time);
        expect(typeof line.msg).toBe('string');
      }
      expect(lines.some((l) => l.context === 'NestApplication')).toBe(true); // Nest's own messages are JSON too

      // The integration's creation: the request line and the sync service's line, both with the request's id.
      const ofCreate = lines.filter((l) => l.request_id === 'ops-create-integration');
      expect(ofCreate).toContainEqual(
        expect.objectContaining({
          context: 'HTTP',
          msg: 'request',
          method: 'POST',
          path: '/v1/admin/integrations/',
          status: 200,
          duration_ms: expect.any(Number),
        }),
      );
      expect(ofCreate).toContainEqual(
        expect.objectContaining({ context: 'Sync', msg: expect.stringContaining('first sync') }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({ request_id: 'ops-bad-body', msg: 'request', status: 400 }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({ request_id: 'ops-query', msg: 'request', path: '/v1/residents/', status: 400 }),
      );
      // Work done by the workers is not part of any request.
      expect(lines.find((l) => /sync \S+ finished/.test(l.msg))?.request_id).toBeUndefined();

      const text = fs.readFileSync(app.logFile, 'utf8');
      for (const secret of [app.apiKey, CREDENTIALS.secret, webhookSecret, 'ops-query-value'])
        expect(text).not.toContain(secret);
      expect(text).not.toMatch(/authorization/i);
    });

    /** The run's jobs as the database has them. */
    const jobsOf = (runId: string) =>
      withClient(
        databaseUrl,
        async (db) =>
          (
            await db.query<{ model: string; status: string; attempts: number }>(
              'SELECT model, status, attempts FROM sync_jobs WHERE run_id = $1',
              [runId],
            )
          ).rows,
      );

    /** Starts a manual sync and waits until its residents job is waiting on the vendor, which answers late or never. */
    async function syncStuckOnResidents(answer: { delayMs: number } | { hang: true }): Promise<string> {
      sandbox.sandbox.faults.add({ path: '/v1/leases/tenants', times: 1, ...answer });
      const res = await request(app.url)
        .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
        .set(auth())
        .send({});
      expect(res.status).toBe(200);
      const syncId: string = res.body.result.sync_id;
      await waitFor(
        async () =>
          (await jobsOf(syncId)).find((j) => j.model === 'residents')?.status === 'RUNNING' ? true : undefined,
        'the residents job running',
        60_000,
      );
      await new Promise((r) => setTimeout(r, 300)); // its vendor request is out
      return syncId;
    }

    /** SIGTERM; resolves with the exit code and how long the process took to go. */
    async function terminate(): Promise<{ code: number | null; signal: string | null; ms: number }> {
      const startedAt = Date.now();
      await app.stop();
      return { code: app.child.exitCode, signal: app.child.signalCode, ms: Date.now() - startedAt };
    }

    async function completesOnce(syncId: string): Promise<void> {
      const completions = () =>
        receiver.received.filter((r) => r.json?.trigger === 'SYNC_COMPLETE' && r.json.data.sync_id === syncId);
      await waitFor(
        async () => (completions().length > 0 ? true : undefined),
        `SYNC_COMPLETE of ${syncId}`,
        90_000,
        () => pipelineState(databaseUrl),
      );
      await new Promise((r) => setTimeout(r, 1500));
      expect(completions()).toHaveLength(1);
      expect((await jobsOf(syncId)).every((j) => j.status === 'SUCCEEDED')).toBe(true);
    }

    it('on SIGTERM, a running job finishes within the bound, the process exits 0, and the sync completes once after a restart', async () => {
      const syncId = await syncStuckOnResidents({ delayMs: 3000 });
      const stopped = await terminate();
      expect(stopped).toMatchObject({ code: 0, signal: null });
      expect(stopped.ms).toBeGreaterThan(1500); // it waited for the vendor's answer
      expect(stopped.ms).toBeLessThan(25_000);
      const residents = (await jobsOf(syncId)).find((j) => j.model === 'residents')!;
      expect(residents).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
      const log = logLines(app).map((l) => JSON.parse(l));
      expect(log).toContainEqual(
        expect.objectContaining({ msg: expect.stringMatching(/^SIGTERM: finishing in-flight work/) }),
      );
      expect(log[log.length - 1]).toMatchObject({ msg: 'stopped' });

      await restart();
      await completesOnce(syncId);
    });

    it('on SIGTERM, a job that overruns SHUTDOWN_TIMEOUT_SECONDS is handed back: exit 0 at the bound, and the job runs again after a restart', async () => {
      await restart({ SHUTDOWN_TIMEOUT_SECONDS: '1' });
      const syncId = await syncStuckOnResidents({ hang: true });
      const stopped = await terminate();
      expect(stopped).toMatchObject({ code: 0, signal: null });
      expect(stopped.ms).toBeLessThan(6000); // 1 s and the closing, not the vendor request's 30 s timeout
      expect(fs.readFileSync(app.logFile, 'utf8')).toMatch(/1 job\(s\) still running after 1 s: handing them back/);
      expect((await jobsOf(syncId)).find((j) => j.model === 'residents')!.status).toBe('PENDING'); // another worker may start it at once

      // An API process runs no jobs: the handed-back job waits in the queue, and its gauges say so.
      await restart({}, 'api');
      await new Promise((r) => setTimeout(r, 1100));
      const samples = await scrape(app);
      expect(
        valueOf(samples, 'latchkey_queue_jobs', { queue: 'latchkey-sync-jobs', state: 'waiting' }),
      ).toBeGreaterThanOrEqual(1);
      expect(valueOf(samples, 'latchkey_queue_jobs', { queue: 'latchkey-sync-jobs', state: 'active' })).toBe(0);
      expect(
        valueOf(samples, 'latchkey_queue_oldest_waiting_age_seconds', { queue: 'latchkey-sync-jobs' }),
      ).toBeGreaterThan(1);

      await restart();
      await completesOnce(syncId);
      expect((await jobsOf(syncId)).find((j) => j.model === 'residents')!.attempts).toBe(2);
    });
  },
);

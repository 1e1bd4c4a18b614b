import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { propexoSignature } from '../../src/deliver/webhooks/webhook-signing';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { startWebhookReceiver, type ReceivedRequest } from '../support/webhook-receiver';
import { CORE_MODELS } from '../support/sync-helpers';

const CREDENTIALS = { clientId: 'reliable-client', secret: 'reliable-secret' };

/** API and worker as separate processes, so the worker can be killed mid-flight. */
describe.each([['Redis'], ['PostgreSQL']])('webhook delivery that never loses an event (%s queue)', (backend) => {
  let api: AppProcess;
  let worker: AppProcess;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let databaseUrl: string;
  let env: Record<string, string | undefined>;
  let integrationId: string;
  const receivers: Array<Awaited<ReturnType<typeof startWebhookReceiver>>> = [];
  const auth = () => ({ authorization: `Bearer ${api.apiKey}` });
  const startWorker = (name: string) =>
    startApp({ name, role: 'worker', env: { ...env, LATCHKEY_API_KEY: api.apiKey } });

  async function receiver(respond?: (req: ReceivedRequest, index: number) => number) {
    const r = await startWebhookReceiver(respond);
    receivers.push(r);
    return r;
  }
  async function subscribe(url: string, body: Record<string, unknown>) {
    const res = await request(api.url)
      .post('/v1/webhooks/')
      .set(auth())
      .send({ url, active: true, ...body });
    expect(res.status).toBe(200);
    return res.body.result as { id: string; secret: string };
  }
  /** Changes `n` residents at the vendor and syncs; resolves with the run id once it has finished. */
  async function changeAndSync(n: number): Promise<string> {
    await fetch(`${sandbox.url}/_control/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenants: n }),
    });
    const res = await request(api.url)
      .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
      .set(auth())
      .send({ models_to_sync: ['residents'] });
    expect(res.status).toBe(200);
    const runId = res.body.result.sync_id;
    await waitFor(
      async () => {
        const rows = await withClient(databaseUrl, (db) =>
          db.query(`SELECT status FROM sync_runs WHERE id = $1`, [runId]),
        );
        return rows.rows[0]?.status === 'SUCCEEDED' ? true : undefined;
      },
      'the sync',
      120_000,
      () => pipelineState(databaseUrl),
    );
    return runId;
  }
  const attemptsOf = async (webhookId: string) =>
    withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query(
            `SELECT d.id, d.status, a.attempt_number, a.status_code FROM webhook_deliveries d JOIN webhook_attempts a ON a.delivery_id = d.id
     WHERE d.webhook_id = $1 ORDER BY d.id, a.attempt_number`,
            [webhookId],
          )
        ).rows,
    );

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 10_000, seed: 4, credentials: [CREDENTIALS] });
    databaseUrl = await createTestDatabase();
    env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: backend === 'Redis' ? await testRedisUrl() : undefined,
      SANDBOX: 'false',
      WEBHOOK_RETRY_SCHEDULE: '1,1,1,1,1',
      WEBHOOK_WORKER_CONCURRENCY: '50',
    };
    api = await startApp({ name: `reliable-api-${backend}`, role: 'api', env });
    worker = await startWorker(`reliable-worker-${backend}`);
    const created = await request(api.url).post('/v1/admin/integrations/').set(auth()).send({
      name: 'Reliable',
      integration_vendor: 'BUILDIUM',
      credentials: CREDENTIALS,
      base_url: sandbox.url,
      max_request_frequency: 100,
      active: true,
      max_job_concurrency: 4,
      // Deliveries are what this suite is about: the ledgers (two requests per lease) would only slow it.
      models_to_sync: CORE_MODELS,
    });
    integrationId = created.body.result.id;
    await waitFor(
      async () =>
        (await request(api.url).get(`/v1/admin/integrations/${integrationId}/`).set(auth())).body.results
          .last_completed_sync ?? undefined,
      'the first sync',
      120_000,
      () => pipelineState(databaseUrl),
    );
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await Promise.all(receivers.map((r) => r.close()));
    await sandbox?.close();
  });

  it('retries while the receiver is down and delivers once it is up, with one webhook-id throughout', async () => {
    const down = await receiver((_req, i) => (i < 3 ? 503 : 200));
    const hook = await subscribe(down.url, { triggers: ['DATA_UPDATE'], model: 'residents' });
    await changeAndSync(1);
    await waitFor(async () => (down.received.length >= 4 ? true : undefined), 'the fourth attempt', 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(down.received).toHaveLength(4);
    expect(new Set(down.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const attempts = await attemptsOf(hook.id);
    expect(attempts.map((a) => a.status_code)).toEqual([503, 503, 503, 200]);
    expect(attempts[3].status).toBe('SUCCEEDED');
    await request(api.url).put(`/v1/webhooks/${hook.id}`).set(auth()).send({ active: false });
  });

  it('keeps the events of one record in order under retries', async () => {
    // The first two requests fail: the record's first update is retried, and its second must wait for it.
    const flaky = await receiver((_req, i) => (i < 2 ? 500 : 200));
    const hook = await subscribe(flaky.url, { triggers: ['DATA_UPDATE'], model: 'residents' });
    await changeAndSync(1);
    await changeAndSync(1); // the same first tenant again (mutate edits evenly from the start)
    await waitFor(
      async () =>
        flaky.received.filter((r) => r.json?.trigger === 'DATA_UPDATE' && true).length >= 4 ? true : undefined,
      'both updates',
      60_000,
    );
    const successes = flaky.received.slice(2);
    expect(successes).toHaveLength(2);
    const [first, second] = successes.map((r) => r.json.data);
    expect(first.record_id).toBe(second.record_id);
    expect(second.diff.previous.first_name).toBe(first.diff.new.first_name); // second happened after first
    // The later event was not even tried before the earlier one got through.
    const firstIdAttempts = flaky.received.filter(
      (r) => r.headers['webhook-id'] === successes[0].headers['webhook-id'],
    );
    expect(firstIdAttempts).toHaveLength(3);
    expect(flaky.received.indexOf(successes[1])).toBe(3);
    await request(api.url).put(`/v1/webhooks/${hook.id}`).set(auth()).send({ active: false });
  });

  it('turns a webhook off at once on 410 Gone and says so with a JOB_FAILURE event', async () => {
    const gone = await receiver(() => 410);
    const watcher = await receiver();
    const hook = await subscribe(gone.url, { triggers: ['SYNC_COMPLETE'] });
    await subscribe(watcher.url, { triggers: ['JOB_FAILURE'] });
    await changeAndSync(1);
    const notice = await waitFor(
      async () => watcher.received.find((r) => r.json?.data?.webhook_id === hook.id),
      'the deactivation notice',
      60_000,
    );
    expect(notice.json.data).toMatchObject({ event: 'JOB_FAILURE', job_type: 'WEBHOOK_DELIVERY' });
    expect(notice.json.data.error).toMatch(/410/);
    expect(gone.received).toHaveLength(1);
    const after = await request(api.url).get(`/v1/webhooks/${hook.id}`).set(auth());
    expect(after.body.results.active).toBe(false);
  });

  it('signs with the old and the new secret during a rotation', async () => {
    const r = await receiver();
    const hook = await subscribe(r.url, { triggers: ['SYNC_COMPLETE'] });
    const rotated = await request(api.url)
      .put(`/v1/webhooks/${hook.id}`)
      .set(auth())
      .send({ secret: 'whsec_' + Buffer.alloc(24, 9).toString('base64') });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.result.secret;
    expect(newSecret).not.toBe(hook.secret);
    await changeAndSync(1);
    const delivery = await waitFor(async () => r.received[0], 'a delivery', 60_000);
    const headers = {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    };
    expect(new Webhook(newSecret).verify(delivery.body, headers)).toEqual(delivery.json);
    expect(new Webhook(hook.secret).verify(delivery.body, headers)).toEqual(delivery.json);
    expect(delivery.headers['propexo-signature']).toBe(propexoSignature(newSecret, delivery.body));
    await request(api.url).put(`/v1/webhooks/${hook.id}`).set(auth()).send({ active: false });
  });

  it('delivers every one of 10,000 events although the worker is killed mid-burst', async () => {
    const sink = await receiver();
    const hook = await subscribe(sink.url, { triggers: ['DATA_UPDATE'], model: 'residents' });
    const runId = await changeAndSync(10_000);
    const expected = await withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM events WHERE trigger = 'DATA_UPDATE' AND payload->'data'->>'root_job_id' = $1`,
            [runId],
          )
        ).rows[0].n,
    );
    expect(expected).toBe(10_000);
    await waitFor(async () => (sink.received.length >= 500 ? true : undefined), 'the burst to start', 60_000);
    await worker.kill(); // SIGKILL: no chance to finish or hand back anything
    const deliveredBeforeKill = sink.received.length;
    expect(deliveredBeforeKill).toBeLessThan(10_000);
    worker = await startWorker(`reliable-worker-2-${backend}`);
    await waitFor(
      async () => (new Set(sink.received.map((r) => r.headers['webhook-id'])).size >= 10_000 ? true : undefined),
      'all 10,000 deliveries',
      170_000,
      async () => ({
        received: sink.received.length,
        distinct: new Set(sink.received.map((r) => r.headers['webhook-id'])).size,
      }),
    );
    // Every delivery ends SUCCEEDED. Those the kill cut after their POST reached the receiver stay PENDING
    // until the queue hands their stalled job to the new worker, which sends them again: so this is waited for.
    const unsettled = () =>
      withClient(
        databaseUrl,
        async (db) =>
          (
            await db.query(
              `SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 AND status <> 'SUCCEEDED'`,
              [hook.id],
            )
          ).rows[0].n,
      );
    await waitFor(
      async () => ((await unsettled()) === 0 ? true : undefined),
      'every delivery SUCCEEDED',
      150_000,
      async () => ({ unsettled: await unsettled() }),
    );
    // Every event arrived; a repeat (the kill can cut an attempt after the receiver got it) reuses its webhook-id.
    const byId = new Map<string, string>();
    for (const r of sink.received) {
      const id = String(r.headers['webhook-id']);
      if (byId.has(id)) expect(r.body).toBe(byId.get(id));
      byId.set(id, r.body);
    }
    const records = new Set([...byId.values()].map((b) => JSON.parse(b).data.record_id));
    expect(records.size).toBe(10_000);
  }, 520_000);
});

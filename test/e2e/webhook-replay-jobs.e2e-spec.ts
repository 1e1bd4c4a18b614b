import { Client } from 'pg';
import request from 'supertest';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver';

const EVENTS = 2500;
const RECORDS = 100;
/** The replay job's batch (webhook-replay.service.ts): the test holds up its second batch. */
const REPLAY_BATCH = 1000;

/**
 * Replay runs as a job on a worker, not in the request: the api process answers 202 at once, the worker
 * replays batch by batch, and a worker SIGKILLed in the middle of a replay is replaced by one that resumes
 * after the last committed batch, with every event sent again and each record's events still in order.
 */
describe('webhook replay jobs: api + worker, a worker killed mid-replay', () => {
  let api: AppProcess;
  const workers: AppProcess[] = [];
  let receiver: WebhookReceiver;
  let databaseUrl: string;
  let env: Record<string, string | undefined>;
  const auth = () => ({ authorization: `Bearer ${api.apiKey}` });
  const q = async (sql: string, params: unknown[] = []) =>
    withClient(databaseUrl, async (db) => (await db.query(sql, params)).rows);
  const replayOf = async (webhookId: string, replayId: string) => {
    const res = await request(api.url).get(`/v1/webhooks/${webhookId}/replays/${replayId}`).set(auth());
    expect(res.status).toBe(200);
    return res.body.results;
  };
  /** Each record's event numbers, in the order the receiver got them. */
  const perRecord = (requests: ReceivedRequest[]) => {
    const out = new Map<string, number[]>();
    for (const r of requests)
      out.set(r.json.data.record_id, [...(out.get(r.json.data.record_id) ?? []), r.json.data.n]);
    return out;
  };
  const inOrder = (numbers: number[]) => numbers.every((n, i) => i === 0 || numbers[i - 1] <= n);

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    databaseUrl = await createTestDatabase();
    env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: await testRedisUrl(),
      SANDBOX: 'false',
      WEBHOOK_RETRY_SCHEDULE: '1,1,1',
    };
    api = await startApp({ name: 'replay-api', role: 'api', env });
    workers.push(await startApp({ name: 'replay-worker-1', role: 'worker', env }));
  });

  afterAll(async () => {
    await Promise.all([api, ...workers].map((p) => p?.stop()));
    await receiver?.close();
  });

  it('answers 202 with the queued replay, and a second worker finishes the replay the killed one started', async () => {
    const hook = await request(api.url)
      .post('/v1/webhooks/')
      .set(auth())
      .send({ url: receiver.url, triggers: ['DATA_UPDATE'], active: true });
    expect(hook.status).toBe(200);
    const webhookId: string = hook.body.result.id;
    const since = new Date(Date.now() - 1000);
    // 2,500 data events of 100 records, committed at once, and delivered live first.
    const [{ id: organizationId }] = await q('SELECT id FROM organizations');
    await q(
      `INSERT INTO events (id, organization_id, trigger, model, record_id, payload)
      SELECT 'ev-' || n, $1, 'DATA_UPDATE', 'residents', 'r-' || (n % ${RECORDS}),
             jsonb_build_object('trigger', 'DATA_UPDATE', 'data', jsonb_build_object('event', 'DATA_UPDATE', 'n', n, 'record_id', 'r-' || (n % ${RECORDS})), 'meta', '{}'::jsonb)
      FROM generate_series(1, ${EVENTS}) n ORDER BY n`,
      [organizationId],
    );
    await waitFor(
      async () => (receiver.received.length >= EVENTS ? true : undefined),
      'the live deliveries',
      120_000,
      () => pipelineState(databaseUrl),
    );
    await waitFor(
      async () =>
        (await q(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'SUCCEEDED'`))[0].n === EVENTS
          ? true
          : undefined,
      'the live deliveries logged',
      60_000,
    );
    for (const [record, numbers] of perRecord(receiver.received))
      expect([record, inOrder(numbers)]).toEqual([record, true]);
    const live = receiver.received.length;

    // Hold up the replay's second batch: this transaction locks the delivery of event 1,500, which that batch makes due again.
    const blocker = new Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT id FROM webhook_deliveries WHERE event_id = 'ev-1500' FOR UPDATE`);
    try {
      const requested = await request(api.url)
        .post(`/v1/webhooks/${webhookId}/replay`)
        .set(auth())
        .send({ since: since.toISOString() });
      expect(requested.status).toBe(202);
      expect(requested.body.result).toMatchObject({ status: 'QUEUED', replayed: 0 });
      const replayId: string = requested.body.result.id;
      const [{ sequence: batchEnd }] = await q(`SELECT sequence::int FROM events WHERE id = 'ev-${REPLAY_BATCH}'`);
      const firstBatch = await waitFor(
        async () => {
          const r = await replayOf(webhookId, replayId);
          return r.through_sequence === batchEnd ? r : undefined;
        },
        'the first batch',
        60_000,
        () => replayOf(webhookId, replayId),
      );
      expect(firstBatch).toMatchObject({ status: 'RUNNING', replayed: REPLAY_BATCH, attempts: 1, error: null });
      // The second batch waits for the lock; the worker dies there, its batch uncommitted.
      await waitFor(
        async () =>
          (
            await q(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%WITH matched%'`,
            )
          )[0].n > 0
            ? true
            : undefined,
        'the second batch to wait',
        30_000,
      );
      await workers[0].kill();
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    const midway = (await request(api.url).get(`/v1/webhooks/${webhookId}/replays`).set(auth())).body.results[0];
    expect(midway).toMatchObject({ status: 'RUNNING', replayed: REPLAY_BATCH });

    // Another worker takes the job over once BullMQ sees it stalled, and resumes after the first batch.
    workers.push(await startApp({ name: 'replay-worker-2', role: 'worker', env }));
    const done = await waitFor(
      async () => {
        const r = await replayOf(webhookId, midway.id);
        return r.status === 'SUCCEEDED' || r.status === 'FAILED' ? r : undefined;
      },
      'the replay to finish',
      150_000,
      () => replayOf(webhookId, midway.id),
    );
    const [{ sequence: lastSequence }] = await q(`SELECT max(sequence)::int AS sequence FROM events`);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      replayed: EVENTS,
      already_pending: 0,
      attempts: 2,
      last_sequence: lastSequence,
      through_sequence: lastSequence,
    });

    // Every event reached the webhook again (at least once: an attempt in flight when the worker died is sent
    // again under its webhook-id), and each record's events in order.
    await waitFor(
      async () =>
        (await q(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'SUCCEEDED'`))[0].n === 0
          ? true
          : undefined,
      'the replayed deliveries',
      120_000,
      () => pipelineState(databaseUrl),
    );
    const replayed = receiver.received.slice(live);
    expect(new Set(replayed.map((r) => r.json.data.n)).size).toBe(EVENTS);
    expect(replayed.length).toBeLessThan(EVENTS + 100);
    for (const [record, numbers] of perRecord(replayed)) expect([record, inOrder(numbers)]).toEqual([record, true]);
    const deliveryIds = new Set(
      (await q(`SELECT id FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId])).map((r) => r.id),
    );
    expect(replayed.every((r) => deliveryIds.has(String(r.headers['webhook-id'])))).toBe(true);
  });
});

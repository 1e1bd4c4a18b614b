import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const EVENTS = 300;
/** Attempt-log statements refused before the log works again: each carries a batch of finished attempts. */
const REFUSED_STATEMENTS = 3;
const BATCHED_EVENTS = 250;

/**
 * The dispatcher's batches. The relay hands a webhook's deliveries to the queue in batches of 100 (one job
 * each): a delivery whose first attempt fails is retried by a job of its own on the retry schedule, a later
 * event of the same record in the same batch waits for it. The attempts of many finished deliveries are
 * written in one statement: a statement that fails fails every attempt in it, each is sent again under the
 * same webhook-id, none is lost. Either way the log ends with every delivery delivered and its attempts
 * numbered 1, 2… without gaps.
 */
describe.each([['Redis'], ['PostgreSQL']])('deliveries and attempts in batches (%s queue)', (backend) => {
  let app: AppProcess;
  let databaseUrl: string;
  const receivers: WebhookReceiver[] = [];

  /** A receiver and its webhook, hearing residents' DATA_UPDATE events; `respond` decides each answer. */
  async function subscribe(respond?: Parameters<typeof startWebhookReceiver>[0]) {
    const receiver = await startWebhookReceiver(respond);
    receivers.push(receiver);
    const res = await request(app.url)
      .post('/v1/webhooks/')
      .set({ authorization: `Bearer ${app.apiKey}` })
      .send({ url: receiver.url, triggers: ['DATA_UPDATE'], model: 'residents', active: true });
    expect(res.status).toBe(200);
    return { receiver, webhookId: res.body.result.id as string };
  }

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    app = await startApp({
      name: `webhook-batches-${backend}`,
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: backend === 'Redis' ? await testRedisUrl() : undefined,
        SANDBOX: 'false',
        WEBHOOK_RETRY_SCHEDULE: '1,1,1,1,1',
        WEBHOOK_WORKER_CONCURRENCY: '50',
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('retries every delivery of a failed batch write and records each delivery once delivered', async () => {
    const { receiver, webhookId } = await subscribe();

    await withClient(databaseUrl, async (db) => {
      // The first attempt-log statements fail, as a lost connection or a full disk would fail them.
      await db.query(`CREATE SEQUENCE attempt_statements`);
      await db.query(`CREATE FUNCTION refuse_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF nextval('attempt_statements') <= ${REFUSED_STATEMENTS} THEN RAISE EXCEPTION 'attempt log unavailable'; END IF;
          RETURN NULL;
        END $$`);
      await db.query(`CREATE TRIGGER refuse_attempts BEFORE INSERT ON webhook_attempts
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_attempts()`);
      const { rows } = await db.query(`SELECT organization_id FROM webhooks WHERE id = $1`, [webhookId]);
      // Committed straight to the outbox; the relay finds them on its next poll.
      await db.query(
        `INSERT INTO events (id, organization_id, integration_id, trigger, model, record_id, payload)
         SELECT 'batch-ev-' || n, $1, 'batch-integration', 'DATA_UPDATE', 'residents', 'resident-' || n,
                jsonb_build_object('trigger', 'DATA_UPDATE', 'data', jsonb_build_object('record_id', 'resident-' || n))
         FROM generate_series(1, ${EVENTS}) n`,
        [rows[0].organization_id],
      );
    });

    const deliveries = await waitFor(
      async () => {
        const { rows } = await withClient(databaseUrl, (db) =>
          db.query<{ id: string; status: string; attempt_count: number; numbers: number[] }>(
            `SELECT d.id, d.status, d.attempt_count,
                    coalesce(array_agg(a.attempt_number ORDER BY a.attempt_number) FILTER (WHERE a.attempt_number IS NOT NULL), '{}') AS numbers
             FROM webhook_deliveries d LEFT JOIN webhook_attempts a ON a.delivery_id = d.id
             WHERE d.webhook_id = $1 GROUP BY d.id`,
            [webhookId],
          ),
        );
        return rows.length === EVENTS && rows.every((r) => r.status !== 'PENDING') ? rows : undefined;
      },
      'every delivery to leave PENDING',
      // Below the sweeper's 60 s before it re-enqueues an overdue delivery: the jobs themselves must retry.
      45_000,
      () => pipelineState(databaseUrl),
    );
    const refused = await withClient(
      databaseUrl,
      async (db) => (await db.query(`SELECT last_value::int AS n FROM attempt_statements`)).rows[0].n as number,
    );
    expect(refused).toBeGreaterThan(REFUSED_STATEMENTS); // the refusals happened, and the log worked after them

    expect(deliveries.filter((d) => d.status !== 'SUCCEEDED')).toEqual([]);
    for (const d of deliveries) {
      // Numbered by the log itself: 1..n, no gap where a refused statement was, matching the delivery's count.
      expect(d.numbers).toEqual(Array.from({ length: d.attempt_count }, (_, i) => i + 1));
      expect(d.attempt_count).toBeGreaterThanOrEqual(1);
    }
    // The receiver heard every delivery, and the deliveries of refused statements more than once.
    const heard = new Map<string, number>();
    for (const r of receiver.received) {
      const id = String(r.headers['webhook-id']);
      heard.set(id, (heard.get(id) ?? 0) + 1);
    }
    expect(deliveries.filter((d) => !heard.has(d.id))).toEqual([]);
    expect([...heard.values()].filter((n) => n > 1).length).toBeGreaterThan(0);
  });

  it('sends a batch at once, retries its failures alone and keeps each record in order', async () => {
    // Events 1, 11, 21… fail their first attempt.
    const failsFirst = (n: number) => n % 10 === 1;
    const firstTries = new Set<string>();
    const { receiver, webhookId } = await subscribe((req) => {
      const id = String(req.headers['webhook-id']);
      const firstTry = !firstTries.has(id);
      firstTries.add(id);
      return firstTry && failsFirst(req.json.data.n) ? 500 : 200;
    });

    await withClient(databaseUrl, async (db) => {
      // The batch each delivery was created in (the dispatcher clears it once the delivery is attempted).
      await db.query(
        `CREATE TABLE created_batches (delivery_id text, webhook_id text, event_sequence bigint, batch_id text)`,
      );
      await db.query(`CREATE FUNCTION note_batch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO created_batches VALUES (NEW.id, NEW.webhook_id, NEW.event_sequence, NEW.dispatch_batch_id);
          RETURN NULL;
        END $$`);
      await db.query(
        `CREATE TRIGGER note_batch AFTER INSERT ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION note_batch()`,
      );
      const { rows } = await db.query(`SELECT organization_id FROM webhooks WHERE id = $1`, [webhookId]);
      // Event 2 is a second change of event 1's record, in the same batch; committed straight to the outbox.
      await db.query(
        `INSERT INTO events (id, organization_id, integration_id, trigger, model, record_id, payload)
         SELECT 'dispatch-ev-' || n, $1, 'dispatch-integration', 'DATA_UPDATE', 'residents',
                'resident-' || CASE WHEN n = 2 THEN 1 ELSE n END,
                jsonb_build_object('trigger', 'DATA_UPDATE', 'data', jsonb_build_object('n', n))
         FROM generate_series(1, ${BATCHED_EVENTS}) n ORDER BY n`,
        [rows[0].organization_id],
      );
    });

    const deliveries = await waitFor(
      async () => {
        const { rows } = await withClient(databaseUrl, (db) =>
          db.query<{ id: string; status: string; batch: string | null; n: number; numbers: number[] }>(
            `SELECT d.id, d.status, d.dispatch_batch_id AS batch, (e.payload->'data'->>'n')::int AS n,
                    coalesce(array_agg(a.attempt_number ORDER BY a.attempt_number) FILTER (WHERE a.attempt_number IS NOT NULL), '{}') AS numbers
             FROM webhook_deliveries d JOIN events e ON e.id = d.event_id LEFT JOIN webhook_attempts a ON a.delivery_id = d.id
             WHERE d.webhook_id = $1 GROUP BY d.id, e.payload ORDER BY n`,
            [webhookId],
          ),
        );
        return rows.length === BATCHED_EVENTS && rows.every((r) => r.status !== 'PENDING') ? rows : undefined;
      },
      'every delivery to leave PENDING',
      // Below the sweeper's 60 s before it re-enqueues an overdue delivery: the jobs themselves must do it.
      45_000,
      () => pipelineState(databaseUrl),
    );

    // Batches of 100 in event order, each named after its first delivery (the first webhook has batches of its own).
    const created = await withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query<{ delivery_id: string; batch_id: string }>(
            `SELECT delivery_id, batch_id FROM created_batches WHERE webhook_id = $1 ORDER BY event_sequence`,
            [webhookId],
          )
        ).rows,
    );
    expect(created).toHaveLength(BATCHED_EVENTS);
    const batches = new Map<string, string[]>();
    for (const { delivery_id, batch_id } of created)
      batches.set(batch_id, [...(batches.get(batch_id) ?? []), delivery_id]);
    expect([...batches.values()].map((members) => members.length)).toEqual([100, 100, 50]);
    for (const [batchId, members] of batches) expect(members[0]).toBe(batchId);

    // Delivered, let go of by their batch; one attempt each, two for those whose first attempt failed.
    expect(deliveries.filter((d) => d.status !== 'SUCCEEDED' || d.batch !== null)).toEqual([]);
    for (const d of deliveries) expect(d.numbers).toEqual(failsFirst(d.n) ? [1, 2] : [1]);
    const posts = receiver.received.map((r) => r.json.data.n as number);
    expect(posts).toHaveLength(BATCHED_EVENTS + deliveries.filter((d) => failsFirst(d.n)).length);
    // Event 2 waited for event 1's retry: its record's changes arrived in order.
    expect(posts.filter((n) => n <= 2)).toEqual([1, 1, 2]);
  });
  it('refuses to retry a delivery while its batch is sending it, and retries it once the batch is done', async () => {
    // A receiver that holds every answer until let go: the batch's two deliveries stay in flight.
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const heard: string[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      heard.push(String(req.headers['webhook-id']));
      void held.then(() => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const auth = { authorization: `Bearer ${app.apiKey}` };
      const res = await request(app.url)
        .post('/v1/webhooks/')
        .set(auth)
        .send({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
          triggers: ['DATA_UPDATE'],
          model: 'leases',
          active: true,
        });
      expect(res.status).toBe(200);
      const webhookId = res.body.result.id as string;
      await withClient(databaseUrl, async (db) => {
        const { rows } = await db.query(`SELECT organization_id FROM webhooks WHERE id = $1`, [webhookId]);
        await db.query(
          `INSERT INTO events (id, organization_id, integration_id, trigger, model, record_id, payload)
           SELECT 'held-ev-' || n, $1, 'held-integration', 'DATA_UPDATE', 'leases', 'lease-' || n,
                  jsonb_build_object('trigger', 'DATA_UPDATE', 'data', jsonb_build_object('n', n))
           FROM generate_series(1, 2) n`,
          [rows[0].organization_id],
        );
      });
      await waitFor(async () => (heard.length === 2 ? true : undefined), 'both deliveries in flight', 20_000);

      const retry = () => request(app.url).post(`/v1/webhooks/${webhookId}/deliveries/${heard[0]}/retry`).set(auth);
      const refused = await retry();
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('conflict');

      letGo();
      const delivered = async () => {
        const { rows } = await withClient(databaseUrl, (db) =>
          db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'SUCCEEDED'`, [
            webhookId,
          ]),
        );
        return rows[0].n === 2 ? true : undefined;
      };
      await waitFor(delivered, 'both delivered', 20_000);
      // Sent once while refused; now it goes again, once.
      expect(heard.filter((id) => id === heard[0])).toHaveLength(1);
      expect((await retry()).status).toBe(202);
      await waitFor(async () => (heard.length === 3 ? true : undefined), 'the retry', 20_000);
      expect(heard[2]).toBe(heard[0]);
    } finally {
      letGo();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

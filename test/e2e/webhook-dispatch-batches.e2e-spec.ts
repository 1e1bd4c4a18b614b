import request from 'supertest';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { startWebhookReceiver } from '../support/webhook-receiver';

const EVENTS = 250;

/**
 * The relay hands a webhook's deliveries to the queue in batches of 100 (one job each). A delivery whose first
 * attempt fails is retried by a job of its own on the retry schedule; a later event of the same record in the
 * same batch waits for it; every delivery is attempted once per try and ends delivered, its batch let go of.
 */
describe.each([['Redis'], ['PostgreSQL']])('deliveries queued in batches (%s queue)', (backend) => {
  let app: AppProcess;
  let databaseUrl: string;
  const firstTries = new Set<string>();
  // Events 1, 11, 21… fail their first attempt.
  const failsFirst = (n: number) => n % 10 === 1;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver((req) => {
      const id = String(req.headers['webhook-id']);
      const firstTry = !firstTries.has(id);
      firstTries.add(id);
      return firstTry && failsFirst(req.json.data.n) ? 500 : 200;
    });
    databaseUrl = await createTestDatabase();
    app = await startApp({
      name: `dispatch-batches-${backend}`,
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: backend === 'Redis' ? await testRedisUrl() : undefined,
        SANDBOX: 'false',
        WEBHOOK_RETRY_SCHEDULE: '1,1,1,1,1',
        WEBHOOK_WORKER_CONCURRENCY: '20',
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('sends a batch at once, retries its failures alone and keeps each record in order', async () => {
    const res = await request(app.url)
      .post('/v1/webhooks/')
      .set({ authorization: `Bearer ${app.apiKey}` })
      .send({ url: receiver.url, triggers: ['DATA_UPDATE'], model: 'residents', active: true });
    expect(res.status).toBe(200);
    const webhookId = res.body.result.id as string;

    await withClient(databaseUrl, async (db) => {
      // The batch each delivery was created in (the dispatcher clears it once the delivery is attempted).
      await db.query(`CREATE TABLE created_batches (delivery_id text, event_sequence bigint, batch_id text)`);
      await db.query(`CREATE FUNCTION note_batch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO created_batches VALUES (NEW.id, NEW.event_sequence, NEW.dispatch_batch_id);
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
         FROM generate_series(1, ${EVENTS}) n ORDER BY n`,
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
        return rows.length === EVENTS && rows.every((r) => r.status !== 'PENDING') ? rows : undefined;
      },
      'every delivery to leave PENDING',
      // Below the sweeper's 60 s before it re-enqueues an overdue delivery: the jobs themselves must do it.
      45_000,
      () => pipelineState(databaseUrl),
    );

    // Batches of 100 in event order, each named after its first delivery.
    const created = await withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query<{ delivery_id: string; batch_id: string }>(
            `SELECT delivery_id, batch_id FROM created_batches ORDER BY event_sequence`,
          )
        ).rows,
    );
    expect(created).toHaveLength(EVENTS);
    const batches = new Map<string, string[]>();
    for (const { delivery_id, batch_id } of created)
      batches.set(batch_id, [...(batches.get(batch_id) ?? []), delivery_id]);
    expect([...batches.values()].map((members) => members.length)).toEqual([100, 100, 50]);
    for (const [batchId, members] of batches) expect(members[0]).toBe(batchId);

    // Delivered, let go of by their batch; one attempt each, two for those whose first attempt failed.
    expect(deliveries.filter((d) => d.status !== 'SUCCEEDED' || d.batch !== null)).toEqual([]);
    for (const d of deliveries) expect(d.numbers).toEqual(failsFirst(d.n) ? [1, 2] : [1]);
    const posts = receiver.received.map((r) => r.json.data.n as number);
    expect(posts).toHaveLength(EVENTS + deliveries.filter((d) => failsFirst(d.n)).length);
    // Event 2 waited for event 1's retry: its record's changes arrived in order.
    expect(posts.filter((n) => n <= 2)).toEqual([1, 1, 2]);
  });
});

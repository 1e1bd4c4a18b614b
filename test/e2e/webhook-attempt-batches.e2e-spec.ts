import request from 'supertest';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { startWebhookReceiver } from '../support/webhook-receiver';

const EVENTS = 300;
/** Attempt-log statements refused before the log works again: each carries a batch of finished attempts. */
const REFUSED_STATEMENTS = 3;

/**
 * The dispatcher writes the attempts of many finished jobs in one statement. A statement that fails fails every
 * attempt in it: each of those jobs is retried (its POST sent again under the same webhook-id), none is lost,
 * and the log ends with every delivery delivered and its attempts numbered 1, 2… without gaps.
 */
describe.each([['Redis'], ['PostgreSQL']])('attempts written in batches (%s queue)', (backend) => {
  let app: AppProcess;
  let databaseUrl: string;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    databaseUrl = await createTestDatabase();
    app = await startApp({
      name: `attempt-batches-${backend}`,
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
    await receiver?.close();
  });

  it('retries every delivery of a failed batch write and records each delivery once delivered', async () => {
    const res = await request(app.url)
      .post('/v1/webhooks/')
      .set({ authorization: `Bearer ${app.apiKey}` })
      .send({ url: receiver.url, triggers: ['DATA_UPDATE'], model: 'residents', active: true });
    expect(res.status).toBe(200);
    const webhookId = res.body.result.id as string;

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
});

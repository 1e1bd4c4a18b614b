import { Client } from 'pg';
import { migrate } from '../../src/platform/database/migrator';
import { ATTEMPTS_SQL, attemptsParams, type OutcomeOfAttempt } from '../../src/deliver/webhooks/attempt-log-sql';
import { createTestDatabase, withClient } from '../support/database';

/**
 * The attempt log's statement under the races a real dispatcher meets: a stalled job run again by a second
 * worker while the first still runs, two copies of one job in one batch, and a delivery deleted with its
 * webhook while its attempt was in flight. The database numbers attempts, so none of these fails a batch.
 */
describe('delivery attempt log', () => {
  let databaseUrl: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    await migrate(databaseUrl);
    await withClient(databaseUrl, async (db) => {
      await db.query(`INSERT INTO organizations (id, name) VALUES ('org', 'Org')`);
      await db.query(
        `INSERT INTO webhooks (id, organization_id, url, secret_encrypted, active) VALUES ('wh', 'org', 'http://127.0.0.1:1/hook', 'sealed', true)`,
      );
      await db.query(
        `INSERT INTO events (id, organization_id, trigger, payload) SELECT 'ev' || n, 'org', 'DATA_UPDATE', '{}' FROM generate_series(1, 4) n`,
      );
      await db.query(
        `INSERT INTO webhook_deliveries (id, organization_id, webhook_id, event_id, event_sequence, status, next_attempt_at)
         SELECT 'dl' || n, 'org', 'wh', 'ev' || n, n, 'PENDING', now() FROM generate_series(1, 4) n`,
      );
    });
    for (let i = 0; i < 2; i++) {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      clients.push(client);
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
  });

  const attempt = (deliveryId: string, statusCode: number): OutcomeOfAttempt => ({
    deliveryId,
    webhookId: 'wh',
    startedAt: new Date(),
    durationMs: 5,
    statusCode,
    responseExcerpt: String(statusCode),
    error: statusCode === 200 ? null : `HTTP ${statusCode}`,
    nextAttemptAt: null,
    droppedHeaders: null,
    outcome: statusCode === 200 ? 'SUCCEEDED' : 'PENDING',
  });
  const write = (client: Client, attempts: OutcomeOfAttempt[]) => client.query(ATTEMPTS_SQL, attemptsParams(attempts));
  const logOf = (deliveryId: string) =>
    withClient(databaseUrl, async (db) => ({
      attempts: (
        await db.query(
          `SELECT attempt_number, status_code FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt_number`,
          [deliveryId],
        )
      ).rows,
      delivery: (await db.query(`SELECT status, attempt_count FROM webhook_deliveries WHERE id = $1`, [deliveryId]))
        .rows[0],
    }));

  it('numbers 1 and 2 the attempts of one delivery written at once by two connections', async () => {
    // The first holds the delivery's row lock in an open transaction while the second writes: the second
    // waits for it, then numbers its attempt after it (an app-side count would have logged 1 twice).
    await clients[0].query('BEGIN');
    await write(clients[0], [attempt('dl1', 500)]);
    const second = write(clients[1], [attempt('dl1', 200)]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await clients[0].query('COMMIT');
    await second;
    expect(await logOf('dl1')).toEqual({
      attempts: [
        { attempt_number: 1, status_code: 500 },
        { attempt_number: 2, status_code: 200 },
      ],
      delivery: { status: 'SUCCEEDED', attempt_count: 2 },
    });
  });

  it('logs one attempt when a batch carries the same delivery twice, and writes the rest of the batch', async () => {
    await write(clients[0], [attempt('dl2', 200), attempt('dl2', 200), attempt('dl3', 200)]);
    expect(await logOf('dl2')).toEqual({
      attempts: [{ attempt_number: 1, status_code: 200 }],
      delivery: { status: 'SUCCEEDED', attempt_count: 1 },
    });
    expect(await logOf('dl3')).toEqual({
      attempts: [{ attempt_number: 1, status_code: 200 }],
      delivery: { status: 'SUCCEEDED', attempt_count: 1 },
    });
  });

  it('skips the attempt of a delivery deleted meanwhile without failing its batch', async () => {
    await write(clients[0], [attempt('deleted-with-its-webhook', 200), attempt('dl4', 200)]);
    expect((await logOf('dl4')).attempts).toEqual([{ attempt_number: 1, status_code: 200 }]);
    expect((await logOf('deleted-with-its-webhook')).attempts).toEqual([]);
  });

  it('keeps the custom headers an attempt dropped, in their order, and none for the others', async () => {
    await clients[1].query(
      `INSERT INTO events (id, organization_id, trigger, payload) VALUES ('ev5', 'org', 'DATA_UPDATE', '{}')`,
    );
    await clients[1].query(
      `INSERT INTO webhook_deliveries (id, organization_id, webhook_id, event_id, event_sequence, status, next_attempt_at) VALUES ('dl5', 'org', 'wh', 'ev5', 5, 'PENDING', now())`,
    );
    await write(clients[0], [{ ...attempt('dl5', 200), droppedHeaders: ['host', 'Webhook-Signature'] }]);
    const rows = await withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query(
            `SELECT delivery_id, dropped_headers FROM webhook_attempts WHERE delivery_id IN ('dl3', 'dl5') ORDER BY delivery_id`,
          )
        ).rows,
    );
    expect(rows).toEqual([
      { delivery_id: 'dl3', dropped_headers: null },
      { delivery_id: 'dl5', dropped_headers: ['host', 'Webhook-Signature'] },
    ]);
  });

  it('marks the receiver slow at a slow answer and clears it at a fast one, the failure streak kept apart', async () => {
    await clients[1].query(
      `INSERT INTO events (id, organization_id, trigger, payload) SELECT 'ev' || n, 'org', 'DATA_UPDATE', '{}' FROM generate_series(6, 9) n`,
    );
    await clients[1].query(
      `INSERT INTO webhook_deliveries (id, organization_id, webhook_id, event_id, event_sequence, status, next_attempt_at)
       SELECT 'dl' || n, 'org', 'wh', 'ev' || n, n, 'PENDING', now() FROM generate_series(6, 9) n`,
    );
    const webhook = () =>
      withClient(
        databaseUrl,
        async (db) =>
          (await db.query(`SELECT failing_since, receiver_slow_since FROM webhooks WHERE id = 'wh'`)).rows[0] as {
            failing_since: Date | null;
            receiver_slow_since: Date | null;
          },
      );
    await write(clients[0], [attempt('dl6', 500)]); // fast and failed: failing, not slow
    const failing = await webhook();
    expect(failing.failing_since).toBeInstanceOf(Date);
    expect(failing.receiver_slow_since).toBeNull();
    await write(clients[0], [{ ...attempt('dl7', 500), durationMs: 1000 }]); // slow and failed
    const slow = await webhook();
    expect(slow).toEqual({ failing_since: failing.failing_since, receiver_slow_since: expect.any(Date) });
    // A slow success ends the failure streak and keeps the first slow mark; a batch with any slow answer is slow.
    await write(clients[0], [{ ...attempt('dl8', 200), durationMs: 4000 }, attempt('dl9', 200)]);
    expect(await webhook()).toEqual({ failing_since: null, receiver_slow_since: slow.receiver_slow_since });
    await write(clients[0], [{ ...attempt('dl6', 200), durationMs: 999 }]); // a faster answer clears it
    expect(await webhook()).toEqual({ failing_since: null, receiver_slow_since: null });
  });
});

import { Client } from 'pg';
import request from 'supertest';
import { migrate } from '../../src/platform/database/migrator';
import { PRUNE_EVENTS_SQL, PRUNE_LOCK_SQL, SHARE_PRUNE_LOCK_SQL } from '../../src/emit/event-retention-sql';
import { startApp, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const DAY_MS = 86_400_000;

/**
 * Events are pruned after EVENT_RETENTION_DAYS, never at the cost of at-least-once: the prune statement on
 * PostgreSQL directly (what it keeps and why, and its lock against a replay batch committing meanwhile),
 * then the app's workers pruning the /v1/events feed and the delivery log.
 */
describe('events retention', () => {
  describe('the prune statement', () => {
    let databaseUrl: string;
    const clients: Client[] = [];
    const q = async (sql: string, params: unknown[] = []) =>
      withClient(databaseUrl, async (db) => (await db.query(sql, params)).rows);
    const prune = (client: Client, organizationId: string, limit = 100) =>
      client
        .query(PRUNE_EVENTS_SQL, [organizationId, new Date(Date.now() - 30 * DAY_MS), limit])
        .then((r) => r.rows[0]);

    beforeAll(async () => {
      databaseUrl = await createTestDatabase();
      await migrate(databaseUrl);
      for (let i = 0; i < 2; i++) {
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        clients.push(client);
      }
      await q(`INSERT INTO organizations (id, name) VALUES ('org', 'Org'), ('other', 'Other')`);
      await q(`INSERT INTO webhooks (id, organization_id, url, secret_encrypted, active) VALUES ('wh', 'org', 'http://127.0.0.1:1/hook', 'sealed', true),
        ('wh2', 'org', 'http://127.0.0.1:2/hook', 'sealed', true), ('whx', 'other', 'http://127.0.0.1:3/hook', 'sealed', true)`);
      // Sequences 1-8 of org, 9 of the other organization: old (40 days) but for 6; the relay has fanned out up to 8 only.
      const events: Array<[string, string, number]> = [
        ['delivered', 'org', 40],
        ['failed', 'org', 40],
        ['pending', 'org', 40],
        ['pending-elsewhere', 'org', 40],
        ['no-deliveries', 'org', 40],
        ['recent', 'org', 1],
        ['replayed-meanwhile', 'org', 40],
        ['other-org', 'other', 40],
        ['not-relayed', 'org', 40],
      ];
      for (const [id, organization, age] of events) {
        await q(
          `INSERT INTO events (id, organization_id, trigger, payload, created_at) VALUES ($1, $2, 'DATA_UPDATE', '{}', now() - $3 * interval '1 day')`,
          [id, organization, age],
        );
      }
      await q(`UPDATE outbox_cursor SET sequence = (SELECT sequence FROM events WHERE id = 'other-org')`);
      const deliveries: Array<[string, string, string, string]> = [
        ['d-delivered', 'wh', 'delivered', 'SUCCEEDED'],
        ['d-delivered-2', 'wh2', 'delivered', 'SUCCEEDED'],
        ['d-failed', 'wh', 'failed', 'FAILED'],
        ['d-pending', 'wh', 'pending', 'PENDING'],
        ['d-pending-done', 'wh', 'pending-elsewhere', 'SUCCEEDED'],
        ['d-pending-elsewhere', 'wh2', 'pending-elsewhere', 'PENDING'],
        ['d-recent', 'wh', 'recent', 'SUCCEEDED'],
        ['d-replayed', 'wh', 'replayed-meanwhile', 'SUCCEEDED'],
        ['d-other', 'whx', 'other-org', 'SUCCEEDED'],
      ];
      for (const [id, webhook, event, status] of deliveries) {
        await q(
          `INSERT INTO webhook_deliveries (id, organization_id, webhook_id, event_id, event_sequence, status)
          SELECT $1, e.organization_id, $2, e.id, e.sequence, $4::"DeliveryStatus" FROM events e WHERE e.id = $3`,
          [id, webhook, event, status],
        );
        await q(
          `INSERT INTO webhook_attempts (delivery_id, attempt_number, started_at, duration_ms, status_code) VALUES ($1, 1, now(), 5, 200)`,
          [id],
        );
      }
    });

    afterAll(async () => {
      await Promise.all(clients.map((c) => c.end()));
    });

    it("deletes old, relayed events with their deliveries and attempts; keeps pending, unrelayed and recent ones, and other organizations'", async () => {
      // A replay batch holds the shared lock and makes an old event's delivery due again; a prune batch waits for it.
      await clients[0].query('BEGIN');
      await clients[0].query(SHARE_PRUNE_LOCK_SQL);
      await clients[0].query(`UPDATE webhook_deliveries SET status = 'PENDING' WHERE id = 'd-replayed'`);
      await clients[1].query('BEGIN');
      const pruning = clients[1].query(PRUNE_LOCK_SQL).then(() => prune(clients[1], 'org'));
      let pruned = false;
      void pruning.then(() => (pruned = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pruned).toBe(false);
      await clients[0].query('COMMIT');
      expect(await pruning).toEqual({ events: 3, deliveries: 3 });
      await clients[1].query('COMMIT');

      const left = (await q(`SELECT id FROM events ORDER BY sequence`)).map((r) => r.id);
      expect(left).toEqual([
        'pending',
        'pending-elsewhere',
        'recent',
        'replayed-meanwhile',
        'other-org',
        'not-relayed',
      ]);
      const deliveriesLeft = (await q(`SELECT id FROM webhook_deliveries ORDER BY id`)).map((r) => r.id);
      expect(deliveriesLeft).toEqual([
        'd-other',
        'd-pending',
        'd-pending-done',
        'd-pending-elsewhere',
        'd-recent',
        'd-replayed',
      ]);
      const attemptsLeft = (await q(`SELECT delivery_id FROM webhook_attempts ORDER BY delivery_id`)).map(
        (r) => r.delivery_id,
      );
      expect(attemptsLeft).toEqual(deliveriesLeft);

      // Once the pending deliveries are done and the relay has passed the last one, those go too.
      await q(`UPDATE webhook_deliveries SET status = 'SUCCEEDED' WHERE status = 'PENDING'`);
      await q(`UPDATE outbox_cursor SET sequence = (SELECT max(sequence) FROM events)`);
      expect(await prune(clients[0], 'org')).toEqual({ events: 4, deliveries: 4 });
      expect((await q(`SELECT id FROM events ORDER BY sequence`)).map((r) => r.id)).toEqual(['recent', 'other-org']);
      expect(await prune(clients[0], 'other')).toEqual({ events: 1, deliveries: 1 });
    });

    it('deletes at most the batch size, oldest first', async () => {
      await q(`INSERT INTO events (id, organization_id, trigger, payload, created_at)
        SELECT 'batch-' || n, 'org', 'DATA_UPDATE', '{}', now() - interval '60 days' + n * interval '1 second' FROM generate_series(1, 5) n`);
      await q(`UPDATE outbox_cursor SET sequence = (SELECT max(sequence) FROM events)`);
      expect(await prune(clients[0], 'org', 2)).toEqual({ events: 2, deliveries: 0 });
      expect((await q(`SELECT id FROM events WHERE id LIKE 'batch-%' ORDER BY id`)).map((r) => r.id)).toEqual([
        'batch-3',
        'batch-4',
        'batch-5',
      ]);
    });
  });

  describe('the app', () => {
    let databaseUrl: string;
    let app: AppProcess;
    let worker: AppProcess | undefined;
    let healthy: WebhookReceiver;
    let down: WebhookReceiver;
    const auth = () => ({ authorization: `Bearer ${app.apiKey}` });
    const q = async (sql: string, params: unknown[] = []) =>
      withClient(databaseUrl, async (db) => (await db.query(sql, params)).rows);

    beforeAll(async () => {
      databaseUrl = await createTestDatabase();
      healthy = await startWebhookReceiver();
      down = await startWebhookReceiver(() => 503);
      // Long retry delays: the failing receiver's delivery stays PENDING throughout.
      app = await startApp({
        name: 'event-retention',
        env: {
          DATABASE_URL: databaseUrl,
          SANDBOX: 'false',
          EVENT_RETENTION_DAYS: '7',
          WEBHOOK_RETRY_SCHEDULE: '600,600',
        },
      });
    });

    afterAll(async () => {
      await worker?.stop();
      await app?.stop();
      await healthy?.close();
      await down?.close();
    });

    async function testEvent(webhookId: string): Promise<string> {
      const res = await request(app.url).post(`/v1/webhooks/${webhookId}/test`).set(auth());
      expect(res.status).toBe(202);
      return res.body.result.id;
    }

    it('prunes events older than EVENT_RETENTION_DAYS from the feed and the delivery log, but not one still pending; replay says how far back it reaches', async () => {
      const make = async (url: string) =>
        (
          await request(app.url)
            .post('/v1/webhooks/')
            .set(auth())
            .send({ url, triggers: ['SYNC_COMPLETE'], active: true })
        ).body.result.id as string;
      const fine = await make(healthy.url);
      const failing = await make(down.url);
      const delivered = [await testEvent(fine), await testEvent(fine)];
      const pending = await testEvent(failing);
      await waitFor(
        async () => (healthy.received.length >= 2 && down.received.length >= 1 ? true : undefined),
        'the first attempts',
        30_000,
        () => pipelineState(databaseUrl),
      );
      await waitFor(
        async () =>
          (await q(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'SUCCEEDED'`))[0].n === 2
            ? true
            : undefined,
        'the deliveries logged',
        30_000,
      );
      const recent = await testEvent(fine);
      // A data event in the feed, fanned out to no webhook (none hears DATA_UPDATE).
      const organizationId = (await q(`SELECT id FROM organizations`))[0].id;
      await q(
        `INSERT INTO events (id, organization_id, trigger, model, record_id, payload) VALUES ('feed-event', $1, 'DATA_UPDATE', 'residents', 'r1', '{}')`,
        [organizationId],
      );
      await waitFor(
        async () =>
          (
            await q(
              `SELECT (SELECT sequence FROM outbox_cursor) >= (SELECT sequence FROM events WHERE id = 'feed-event') AS relayed`,
            )
          )[0].relayed
            ? true
            : undefined,
        'the relay',
        30_000,
      );
      const feed = async () =>
        (await request(app.url).get('/v1/events').set(auth())).body.results.map((e: { id: string }) => e.id);
      expect(await feed()).toEqual(['feed-event']);
      // Four events age past the retention (the two delivered, the pending one, the feed's); the last stays young.
      await q(
        `UPDATE events SET created_at = now() - interval '8 days' WHERE id = 'feed-event' OR id IN (SELECT event_id FROM webhook_deliveries WHERE id = ANY($1))`,
        [[...delivered, pending]],
      );
      const eventOf = async (deliveryId: string) =>
        (await q(`SELECT event_id FROM webhook_deliveries WHERE id = $1`, [deliveryId]))[0]?.event_id as string;
      const pendingEvent = await eventOf(pending);
      const recentEvent = await eventOf(recent);

      // Workers prune at start (then every ten minutes): a second one starts and prunes.
      worker = await startApp({
        name: 'event-retention-worker',
        role: 'worker',
        env: {
          DATABASE_URL: databaseUrl,
          SANDBOX: 'false',
          EVENT_RETENTION_DAYS: '7',
          WEBHOOK_RETRY_SCHEDULE: '600,600',
        },
      });
      await waitFor(
        async () => ((await q(`SELECT count(*)::int AS n FROM events`))[0].n === 2 ? true : undefined),
        'the prune',
        30_000,
        () => pipelineState(databaseUrl),
      );
      expect((await q(`SELECT id FROM events ORDER BY sequence`)).map((r) => r.id)).toEqual([
        pendingEvent,
        recentEvent,
      ]);
      expect(await feed()).toEqual([]);
      const log = await request(app.url).get(`/v1/webhooks/${fine}/deliveries`).set(auth());
      expect(log.body.results.map((d: { id: string }) => d.id)).toEqual([recent]);
      expect(
        (await q(`SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = ANY($1)`, [delivered]))[0].n,
      ).toBe(0);
      const stillPending = await request(app.url).get(`/v1/webhooks/${failing}/deliveries/${pending}`).set(auth());
      expect(stillPending.body.results).toMatchObject({ status: 'PENDING', attempt_count: 1 });

      const tooOld = await request(app.url)
        .post(`/v1/webhooks/${fine}/replay`)
        .set(auth())
        .send({ since: new Date(Date.now() - 8 * DAY_MS).toISOString() });
      expect(tooOld.status).toBe(400);
      expect(tooOld.body.error.details.fields.since[0]).toMatch(
        /events are kept 7 days \(EVENT_RETENTION_DAYS\), older ones are pruned/,
      );
      const inReach = await request(app.url)
        .post(`/v1/webhooks/${fine}/replay`)
        .set(auth())
        .send({ since: new Date(Date.now() - 6 * DAY_MS).toISOString() });
      expect(inReach.status).toBe(202);
    });
  });
});

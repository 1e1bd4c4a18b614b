import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { migrate } from '../../src/platform/database/migrator';
import { Pool } from 'pg';
import { PostgresWebhookLimitStore } from '../../src/deliver/webhooks/webhook-limit.repository';
import { RedisWebhookLimitStore, type WebhookLimitStore } from '../../src/deliver/webhooks/webhook-limit.store';
import { WebhookLimiter } from '../../src/deliver/webhooks/webhook-limiter';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A receiver that answers every request after `delayMs`, recording when each arrived and when it was answered. */
async function timedReceiver(delayMs: number) {
  const requests: Array<{ arrived: number; answered: number | null; webhookId: string }> = [];
  const server = http.createServer((req, res) => {
    const entry = {
      arrived: Date.now(),
      answered: null as number | null,
      webhookId: String(req.headers['webhook-id']),
    };
    requests.push(entry);
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        entry.answered = Date.now();
        res.writeHead(200).end('ok');
      }, delayMs),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The requests that arrived after the first wave (those that arrived before the first answer, sent before anything
 * was known) was answered, and the most in flight at the receiver when any of them arrived.
 */
function afterFirstWave(requests: Awaited<ReturnType<typeof timedReceiver>>['requests']) {
  const firstAnswer = Math.min(...requests.map((r) => r.answered!));
  const firstWaveDone = Math.max(...requests.filter((r) => r.arrived < firstAnswer).map((r) => r.answered!));
  const inFlightAt = (t: number) => requests.filter((r) => r.arrived <= t && r.answered! > t).length;
  const later = requests.filter((r) => r.arrived >= firstWaveDone);
  return { later: later.length, maxInFlight: Math.max(...later.map((r) => inFlightAt(r.arrived))) };
}

/**
 * The per-webhook concurrency cap and rate limit hold across worker processes: their stores on PostgreSQL
 * and Redis directly (concurrent acquisitions from two "processes", adoption, expiry of a dead process's
 * leases, one-second windows), then two real worker processes sending to one slow receiver.
 */
describe('webhook limits across worker processes', () => {
  describe.each([['PostgreSQL'], ['Redis']])('the %s store', (backend) => {
    const stores: WebhookLimitStore[] = [];
    const pools: Pool[] = [];
    let databaseUrl: string;

    beforeAll(async () => {
      databaseUrl = await createTestDatabase();
      await migrate(databaseUrl);
      await withClient(databaseUrl, async (db) => {
        await db.query(`INSERT INTO organizations (id, name) VALUES ('org', 'Org')`);
        await db.query(
          `INSERT INTO webhooks (id, organization_id, url, secret_encrypted, active) SELECT 'wh-' || n, 'org', 'http://127.0.0.1:1/hook', 'sealed', true FROM generate_series(1, 5) n`,
        );
      });
      const redisUrl = backend === 'Redis' ? await testRedisUrl() : null;
      for (let i = 0; i < 2; i++) {
        if (redisUrl) {
          stores.push(new RedisWebhookLimitStore(redisUrl));
        } else {
          // Each "process" has its own pool, as each app process has (PrismaService.sql runs on it the same way).
          const pool = new Pool({ connectionString: databaseUrl, max: 10 });
          pools.push(pool);
          stores.push(
            new PostgresWebhookLimitStore({
              sql: async (text, params, name) => (await pool.query({ text, values: params, name })).rows,
            }),
          );
        }
      }
    });

    afterAll(async () => {
      await Promise.all(stores.filter((s) => s instanceof RedisWebhookLimitStore).map((s) => s.onModuleDestroy()));
      await Promise.all(pools.map((p) => p.end()));
    });

    it('grants exactly `max` leases to twenty acquisitions at once from two processes, then one per release', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => stores[i % 2].acquire('wh-1', `lease-${i}`, 3, [], 30_000)),
      );
      const granted = results.flatMap((ok, i) => (ok ? [`lease-${i}`] : []));
      expect(granted).toHaveLength(3);
      expect(await stores[0].acquire('wh-1', 'late', 3, [], 30_000)).toBe(false);
      await stores[1].release('wh-1', [granted[0]]);
      expect(await stores[0].acquire('wh-1', 'late', 3, [], 30_000)).toBe(true);
      expect(await stores[1].acquire('wh-1', 'later', 3, [], 30_000)).toBe(false);
      expect(await stores[1].acquire('wh-2', 'elsewhere', 3, [], 30_000)).toBe(true); // per webhook
    });

    it("counts adopted leases, granted or not, and frees a dead process's leases when they expire", async () => {
      // Process 1 adopts two attempts already in flight and takes a third; process 2 is then refused at max 3.
      expect(await stores[0].acquire('wh-3', 'new-1', 3, ['inflight-1', 'inflight-2'], 1000)).toBe(true);
      expect(await stores[1].acquire('wh-3', 'new-2', 3, [], 1000)).toBe(false);
      await stores[0].release('wh-3', ['new-1']);
      // Process 2 adopts one of its own: that fills the third slot, so its new attempt is refused, but the adopted one counts.
      expect(await stores[1].acquire('wh-3', 'new-3', 3, ['inflight-3'], 1000)).toBe(false);
      expect(await stores[0].acquire('wh-3', 'new-4', 4, [], 1000)).toBe(true);
      expect(await stores[0].acquire('wh-3', 'new-5', 4, [], 1000)).toBe(false); // inflight-1, -2, -3 and new-4 are held
      // Nobody releases them (their process died): a second later they have expired.
      await sleep(1100);
      expect(await stores[1].acquire('wh-3', 'new-6', 1, [], 1000)).toBe(true);
      expect(await stores[0].acquire('wh-3', 'new-7', 1, [], 1000)).toBe(false);
    });

    it('leaves no lease behind when an adopted attempt ends while the store is still registering it', async () => {
      let now = Date.now();
      const limiter = new WebhookLimiter({ maxConcurrent: 2, perSecond: 0, store: stores[0], now: () => now });
      const early = await limiter.acquire('wh-5'); // the receiver is not known slow yet: no lease
      if (!('release' in early)) throw new Error('the first attempt was held back');
      expect(await early.start(false)).toBeNull(); // its request goes
      now += 1000; // it has run a second: the receiver is slow
      // The webhook's first acquisition from the store (on PostgreSQL: no row yet, so it is created and asked again)
      // adopts the early attempt, which ends before the store has answered.
      const asking = limiter.acquire('wh-5');
      early.release();
      const next = await asking;
      if (!('release' in next)) throw new Error('the second attempt was held back');
      next.release();
      // Both attempts are over: another process gets the webhook's only slot at once, not when a lease expires (30 s).
      await waitFor(
        async () => ((await stores[1].acquire('wh-5', 'probe', 1, [], 30_000)) ? true : undefined),
        'the slot to be free',
        5_000,
      );
    });

    it("counts attempts per second of the store's clock, across processes", async () => {
      // Start just after a second begins (the store runs on this machine, on its clock) so the burst fits in one window.
      await sleep(1000 - (Date.now() % 1000) + 50);
      const hits = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2].hit('wh-4')));
      expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (const hit of hits) expect(hit.msUntilReset).toBeGreaterThan(0);
      for (const hit of hits) expect(hit.msUntilReset).toBeLessThanOrEqual(1000);
      await sleep(Math.max(...hits.map((h) => h.msUntilReset)) + 20);
      expect((await stores[1].hit('wh-4')).count).toBe(1);
    });
  });

  describe.each([['PostgreSQL'], ['Redis']])('two worker processes (%s queue)', (backend) => {
    let api: AppProcess;
    let workers: AppProcess[] = [];
    let databaseUrl: string;
    const receivers: Array<Awaited<ReturnType<typeof timedReceiver>>> = [];
    const auth = () => ({ authorization: `Bearer ${api.apiKey}` });

    let env: Record<string, string | undefined>;

    beforeAll(async () => {
      databaseUrl = await createTestDatabase();
      env = {
        DATABASE_URL: databaseUrl,
        REDIS_URL: backend === 'Redis' ? await testRedisUrl() : undefined,
        SANDBOX: 'false',
        WEBHOOK_WORKER_CONCURRENCY: '4',
        WEBHOOK_MAX_CONCURRENCY: '2',
        WEBHOOK_RATE_LIMIT_PER_SECOND: '5',
        WEBHOOK_RETRY_SCHEDULE: '1,1',
      };
      api = await startApp({ name: `limits-api-${backend}`, role: 'api', env });
      workers = await Promise.all(
        [1, 2].map((n) => startApp({ name: `limits-worker-${n}-${backend}`, role: 'worker', env })),
      );
    });

    afterAll(async () => {
      await Promise.all([api, ...workers].map((p) => p?.stop()));
      await Promise.all(receivers.map((r) => r.close()));
    });

    async function webhookTo(url: string): Promise<string> {
      const res = await request(api.url)
        .post('/v1/webhooks/')
        .set(auth())
        .send({ url, triggers: ['SYNC_COMPLETE'], active: true });
      expect(res.status).toBe(200);
      return res.body.result.id;
    }
    async function sendTests(webhookId: string, n: number): Promise<void> {
      for (let i = 0; i < n; i++)
        expect((await request(api.url).post(`/v1/webhooks/${webhookId}/test`).set(auth())).status).toBe(202);
    }

    it('holds a slow receiver to WEBHOOK_MAX_CONCURRENCY in flight in total, not per process', async () => {
      const slow = await timedReceiver(1200);
      receivers.push(slow);
      const webhookId = await webhookTo(slow.url);
      await sendTests(webhookId, 20);
      await waitFor(
        async () => (slow.requests.filter((r) => r.answered !== null).length >= 20 ? true : undefined),
        'all twenty answered',
        90_000,
        () => pipelineState(databaseUrl),
      );
      // The first wave went out before either process knew the receiver was slow (up to 4 each). Once every
      // attempt of it has been answered, each attempt in flight holds a lease: at most 2 at any moment, across
      // both processes (a cap per process would allow 4).
      const { later, maxInFlight } = afterFirstWave(slow.requests);
      expect(later).toBeGreaterThanOrEqual(8);
      expect(maxInFlight).toBe(2);
      // Every delivery was attempted once: the held-back ones waited, none failed.
      const byWorker = await withClient(
        databaseUrl,
        async (db) =>
          (
            await db.query(
              `SELECT count(*)::int AS n FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.webhook_id = $1`,
              [webhookId],
            )
          ).rows[0].n,
      );
      expect(byWorker).toBe(20);
    });

    it('holds a webhook to WEBHOOK_RATE_LIMIT_PER_SECOND attempts per second in total, not per process', async () => {
      const fast = await timedReceiver(0);
      receivers.push(fast);
      const webhookId = await webhookTo(fast.url);
      await sendTests(webhookId, 30);
      await waitFor(
        async () => (fast.requests.length >= 30 ? true : undefined),
        'thirty deliveries',
        60_000,
        () => pipelineState(databaseUrl),
      );
      // 30 attempts at 5 per second of the store's clock need six windows: the last starts at least four seconds after
      // the first (two processes limited each to 5 per second would be done in about two).
      const arrivals = fast.requests.map((r) => r.arrived).sort((a, b) => a - b);
      expect(arrivals[29] - arrivals[0]).toBeGreaterThan(4000);
      // And never more than two windows' worth in any second.
      for (const t of arrivals) expect(arrivals.filter((a) => a >= t && a < t + 1000).length).toBeLessThanOrEqual(10);
    });

    it('holds a worker that never met the receiver to the cap from its first attempt, once another saw it slow', async () => {
      // One worker meets the slow receiver alone; a second starts only after the first slow answer. The second has
      // no attempt of its own to judge by: the webhook's row (marked by the first worker's attempt log) tells it.
      await workers[1].stop();
      const slow = await timedReceiver(1200);
      receivers.push(slow);
      const webhookId = await webhookTo(slow.url);
      // Thirty: the backlog lasts ~15 s after the first wave, long enough for a worker to start under CI's load.
      await sendTests(webhookId, 30);
      await waitFor(async () => (slow.requests.some((r) => r.answered !== null) ? true : undefined), 'a slow answer');
      const late = await startApp({ name: `limits-worker-late-${backend}`, role: 'worker', env });
      workers.push(late);
      await waitFor(
        async () => (slow.requests.filter((r) => r.answered !== null).length >= 30 ? true : undefined),
        'all thirty answered',
        90_000,
        () => pipelineState(databaseUrl),
      );
      const metrics = await request(late.url).get('/metrics');
      const lateAttempts = Number(
        new RegExp(`latchkey_webhook_attempts_total\\{webhook_id="${webhookId}"\\} (\\d+)`).exec(metrics.text)?.[1] ??
          0,
      );
      expect(lateAttempts).toBeGreaterThanOrEqual(1);
      // The first worker's first wave (up to 4) went out before anything was known; every attempt after it, the late
      // worker's included, held a lease. Without the row, the late worker would have sent up to 4 beside the 2.
      const { later, maxInFlight } = afterFirstWave(slow.requests);
      expect(later).toBeGreaterThanOrEqual(8);
      expect(maxInFlight).toBeLessThanOrEqual(2);
    });
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startApp, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, withClient } from '../support/database';

/** A receiver whose every answer is decided by `handle`; records what it got. */
async function receiver(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const received: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.headers);
      handle(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Receiver = Awaited<ReturnType<typeof receiver>>;

/**
 * Guard rails of webhook delivery (issue 4): the outbound guard at create and at send time, redirects,
 * custom headers, and one slow receiver not starving the others. PostgreSQL queue (the rails do not
 * depend on the backend).
 */
describe('webhook guard rails', () => {
  const receivers: Receiver[] = [];
  const apps: AppProcess[] = [];
  const auth = (app: AppProcess) => ({ authorization: `Bearer ${app.apiKey}` });
  const track = async (r: Promise<Receiver>) => {
    const x = await r;
    receivers.push(x);
    return x;
  };
  const ok = (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200).end('ok');

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(receivers.map((r) => r.close()));
  });

  const databases = new Map<AppProcess, string>();
  async function start(name: string, env: Record<string, string>) {
    const databaseUrl = await createTestDatabase();
    const app = await startApp({
      name,
      env: { DATABASE_URL: databaseUrl, SANDBOX: 'false', WEBHOOK_RETRY_SCHEDULE: '1,1', ...env },
    });
    apps.push(app);
    databases.set(app, databaseUrl);
    return app;
  }
  async function subscribe(app: AppProcess, body: Record<string, unknown>) {
    const res = await request(app.url)
      .post('/v1/webhooks/')
      .set(auth(app))
      .send({ triggers: ['SYNC_COMPLETE'], active: true, ...body });
    expect(res.status).toBe(200);
    return res.body.result as { id: string; secret: string };
  }
  async function sendTest(app: AppProcess, webhookId: string) {
    const res = await request(app.url).post(`/v1/webhooks/${webhookId}/test`).set(auth(app));
    expect(res.status).toBe(202);
    return res.body.result as { id: string };
  }
  const attemptsOf = (app: AppProcess, webhookId: string, deliveryId: string) =>
    waitFor(
      async () => {
        const res = await request(app.url).get(`/v1/webhooks/${webhookId}/deliveries/${deliveryId}`).set(auth(app));
        return res.body.results?.attempts?.length ? res.body.results.attempts : undefined;
      },
      'an attempt',
      30_000,
    );

  describe('where loopback is not allowed', () => {
    let app: AppProcess;
    beforeAll(async () => {
      app = await start('guarded', { OUTBOUND_ALLOW_CIDRS: '203.0.113.0/24' });
    });

    it.each([
      ['loopback', 'http://127.0.0.1:8080/hook'],
      ['cloud metadata', 'http://169.254.169.254/latest/meta-data'],
      ['RFC 1918', 'http://10.1.2.3/hook'],
      ['IPv6 loopback', 'http://[::1]:8080/hook'],
    ])('refuses a %s address when the webhook is created', async (_what, url) => {
      const res = await request(app.url)
        .post('/v1/webhooks/')
        .set(auth(app))
        .send({ url, triggers: ['SYNC_COMPLETE'] });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(JSON.stringify(res.body.error)).toMatch(/blocked/);
    });

    it('refuses at send time a hostname that resolves to loopback, and nothing reaches it', async () => {
      const target = await track(receiver(ok));
      const hook = await subscribe(app, { url: `http://localhost:${target.port}/hook` });
      const delivery = await sendTest(app, hook.id);
      const [attempt] = await attemptsOf(app, hook.id, delivery.id);
      expect(attempt.status_code).toBeNull();
      expect(attempt.error).toMatch(/localhost \((127\.0\.0\.1|::1)\) are blocked/);
      expect(target.received).toHaveLength(0);
    });
  });

  describe('where loopback is allowed', () => {
    let app: AppProcess;
    beforeAll(async () => {
      app = await start('open', {
        OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8,::1/128',
        WEBHOOK_WORKER_CONCURRENCY: '4',
        WEBHOOK_MAX_CONCURRENCY: '2',
      });
    });

    it('does not follow a redirect: the attempt fails and the target of the redirect hears nothing', async () => {
      const elsewhere = await track(receiver(ok));
      const redirecting = await track(receiver((_req, res) => res.writeHead(302, { location: elsewhere.url }).end()));
      const hook = await subscribe(app, { url: redirecting.url });
      const delivery = await sendTest(app, hook.id);
      const [attempt] = await attemptsOf(app, hook.id, delivery.id);
      expect(attempt).toMatchObject({ status_code: 302, error: 'redirect (HTTP 302) not followed' });
      expect(elsewhere.received).toHaveLength(0);
    });

    it('refuses, at create and at update, custom headers that would steer a delivery, naming each', async () => {
      const target = await track(receiver(ok));
      const create = (headers: { header: string; value: string }[]) =>
        request(app.url)
          .post('/v1/webhooks/')
          .set(auth(app))
          .send({ url: target.url, triggers: ['SYNC_COMPLETE'], headers });
      const forbidden = [
        'host',
        'Host',
        'Connection',
        'Content-Length',
        'Transfer-Encoding',
        'Upgrade',
        'TE',
        'Trailer',
        'Keep-Alive',
        'Proxy-Authorization',
        'content-type',
        'User-Agent',
        'Propexo-Signature',
        'webhook-id',
        'Webhook-Signature',
        'WEBHOOK-TIMESTAMP',
      ];
      for (const name of forbidden) {
        const res = await create([
          { header: 'X-Tenant', value: 'acme' },
          { header: name, value: 'evil' },
        ]);
        expect({ name, status: res.status, code: res.body.error?.code }).toEqual({
          name,
          status: 400,
          code: 'invalid_request',
        });
        expect({ name, fields: Object.keys(res.body.error.details.fields) }).toEqual({
          name,
          fields: ['headers.1.header'],
        });
        expect(res.body.error.details.fields['headers.1.header'][0]).toContain(`${name} cannot be set`);
      }
      expect(
        await withClient(
          databases.get(app)!,
          async (db) =>
            (await db.query(`SELECT count(*)::int AS n FROM webhooks WHERE url = $1`, [target.url])).rows[0].n,
        ),
      ).toBe(0);

      const created = await create([
        { header: 'X-Tenant', value: 'acme' },
        { header: 'X-Webhook-Source', value: 'latchkey' },
      ]);
      expect(created.status).toBe(200);
      const id = created.body.result.id;
      const update = await request(app.url)
        .put(`/v1/webhooks/${id}`)
        .set(auth(app))
        .send({
          headers: [
            { header: 'X-Tenant', value: 'acme' },
            { header: 'Host', value: 'evil' },
          ],
        });
      expect(update.status).toBe(400);
      expect(update.body.error.details.fields).toEqual({
        'headers.1.header': [expect.stringMatching(/^Host cannot be set/)],
      });
      const unchanged = await request(app.url).get(`/v1/webhooks/${id}`).set(auth(app));
      expect(unchanged.body.results.headers).toEqual([
        { header: 'X-Tenant', value: 'acme' },
        { header: 'X-Webhook-Source', value: 'latchkey' },
      ]);
    });

    it("drops forbidden headers stored behind the API's back, reports them in the attempt, and the receiver never sees them", async () => {
      const target = await track(receiver(ok));
      const hook = await subscribe(app, { url: target.url, headers: [{ header: 'X-Tenant', value: 'acme' }] });
      const stored = [
        { header: 'X-Tenant', value: 'acme' },
        { header: 'host', value: 'evil' },
        { header: 'Transfer-Encoding', value: 'chunked' },
        { header: 'Webhook-Signature', value: 'v1,forged' },
        { header: 'Content-Type', value: 'text/plain' },
        { header: 'Proxy-Authorization', value: 'Basic c3B5' },
      ];
      await withClient(databases.get(app)!, (db) =>
        db.query(`UPDATE webhooks SET headers = $2::jsonb WHERE id = $1`, [hook.id, JSON.stringify(stored)]),
      );
      const delivery = await sendTest(app, hook.id);
      const headers = await waitFor(async () => target.received[0], 'the delivery', 30_000);
      expect(headers.host).toBe(`127.0.0.1:${target.port}`);
      expect(headers['x-tenant']).toBe('acme');
      expect(headers['transfer-encoding']).toBeUndefined();
      expect(headers['content-length']).toMatch(/^\d+$/);
      expect(headers['content-type']).toBe('application/json');
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
      expect(headers['proxy-authorization']).toBeUndefined();
      expect(headers['webhook-id']).toBe(delivery.id);
      const [attempt] = await attemptsOf(app, hook.id, delivery.id);
      expect(attempt).toMatchObject({
        status_code: 200,
        error: null,
        dropped_headers: ['host', 'Transfer-Encoding', 'Webhook-Signature', 'Content-Type', 'Proxy-Authorization'],
      });
    });

    it('keeps delivering to other webhooks while one receiver is slow', async () => {
      // The slow receiver answers after 4 s. With 4 delivery slots and no cap it would hold all of them.
      const slow = await track(receiver((_req, res) => setTimeout(() => res.writeHead(200).end('late'), 4000)));
      const fast = await track(receiver(ok));
      const slowHook = await subscribe(app, { url: slow.url });
      const fastHook = await subscribe(app, { url: fast.url });
      const warmUp = await sendTest(app, slowHook.id);
      await attemptsOf(app, slowHook.id, warmUp.id); // one slow answer: the dispatcher now knows it is slow
      for (let i = 0; i < 12; i++) await sendTest(app, slowHook.id);
      await waitFor(async () => (slow.received.length >= 3 ? true : undefined), 'the slow receiver to be busy', 30_000);
      const sentAt = Date.now();
      for (let i = 0; i < 5; i++) await sendTest(app, fastHook.id);
      await waitFor(async () => (fast.received.length >= 5 ? true : undefined), 'the fast receiver', 30_000);
      // Queued behind twelve 4-second answers on every slot, the fast deliveries would wait 4 s or more.
      expect(Date.now() - sentAt).toBeLessThan(3000);
      expect(slow.received.length).toBeLessThanOrEqual(1 + 2 + 1); // the warm-up, the capped two (and at most one more answered)
    });
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import request from 'supertest';
import { startApp, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase } from '../support/database';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

type Verify = (secret: string, body: string, headers: Record<string, string>) => unknown;

/** The README's verification snippet (section "Verifying deliveries"), run as it is written. */
function readmeVerifier(): Verify {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Verifying deliveries'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toContain('function verifyDelivery');
  // Compiled as a script body whose `require` is this file's, so the snippet's require('standardwebhooks') resolves.
  const snippet = vm.runInThisContext(`(function (require) {\n${code}\nreturn verifyDelivery;\n})`, {
    filename: 'README.md',
  }) as (load: NodeJS.Require) => Verify;
  return snippet(require);
}

/**
 * Every kind of webhook secret verifies a real delivery with the standardwebhooks library exactly as the
 * README shows, and with Propexo's hex HMAC: generated `whsec_`, your own `whsec_`, your own ASCII secret,
 * your own secret with non-ASCII characters. A `whsec_` secret that is not base64 after the prefix (which
 * the library could not decode) is refused.
 */
describe('webhook secrets', () => {
  let app: AppProcess;
  let receiver: WebhookReceiver;
  const auth = () => ({ authorization: `Bearer ${app.apiKey}` });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await startApp({ name: 'webhook-secrets', env: { DATABASE_URL: await createTestDatabase() } });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it.each([
    ['generated', undefined],
    ['self-chosen whsec_', `whsec_${Buffer.from('a key of my own, 32 bytes long!!').toString('base64')}`],
    ['self-chosen ASCII', 'my-own-secret-123'],
    ['self-chosen non-ASCII', 'clé secrète – 2026 ✓'],
  ])('a %s secret verifies a delivery as the README shows', async (_kind, given) => {
    const created = await request(app.url)
      .post('/v1/webhooks/')
      .set(auth())
      .send({
        url: receiver.url,
        triggers: ['SYNC_COMPLETE'],
        active: true,
        ...(given === undefined ? {} : { secret: given }),
      });
    expect(created.status).toBe(200);
    const { id, secret } = created.body.result as { id: string; secret: string };
    if (given === undefined) expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    else expect(secret).toBe(given);

    expect((await request(app.url).post(`/v1/webhooks/${id}/test`).set(auth()).send({})).status).toBe(202);
    const delivery = await waitFor(
      async () => receiver.received.find((r) => r.json?.data?.webhook_id === id),
      'the TEST delivery',
      30_000,
    );
    const headers = Object.fromEntries(
      ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(delivery.headers[h])]),
    );

    const verifyDelivery = readmeVerifier();
    expect(verifyDelivery(secret, delivery.body, headers)).toEqual(delivery.json);
    expect(() => verifyDelivery(secret, `${delivery.body} `, headers)).toThrow();
    const stranger = secret.startsWith('whsec_') ? `whsec_${Buffer.alloc(24, 7).toString('base64')}` : `${secret}x`;
    expect(() => verifyDelivery(stranger, delivery.body, headers)).toThrow();
    const expected = createHmac('sha256', secret).update(delivery.body).digest('hex');
    expect(timingSafeEqual(Buffer.from(String(delivery.headers['propexo-signature'])), Buffer.from(expected))).toBe(
      true,
    );
  });

  it('refuses a whsec_ secret that is not base64 after the prefix, on create and on update', async () => {
    for (const secret of ['whsec_my own secret', 'whsec_abcdefg', 'whsec_QUJDRA']) {
      const created = await request(app.url)
        .post('/v1/webhooks/')
        .set(auth())
        .send({ url: receiver.url, triggers: ['SYNC_COMPLETE'], secret });
      expect(created.status).toBe(400);
      expect(created.body.error.code).toBe('invalid_request');
      expect(JSON.stringify(created.body.error.details)).toContain('secret');
      expect(JSON.stringify(created.body)).not.toContain(secret);
    }
    const webhook = await request(app.url)
      .post('/v1/webhooks/')
      .set(auth())
      .send({ url: receiver.url, triggers: ['SYNC_COMPLETE'] });
    const updated = await request(app.url)
      .put(`/v1/webhooks/${webhook.body.result.id}`)
      .set(auth())
      .send({ secret: 'whsec_not base64!' });
    expect(updated.status).toBe(400);
    expect(JSON.stringify(updated.body.error.details)).toContain('secret');
  });
});

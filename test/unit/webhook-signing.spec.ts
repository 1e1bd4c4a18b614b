import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook as SvixWebhook } from 'svix';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, propexoSignature, signedHeaders } from '../../src/deliver/webhooks/webhook-signing';
import { maxAttempts, retryDelayMs } from '../../src/deliver/webhooks/retry-schedule';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE } from '../../src/platform/config/app-config';

describe('webhook signing', () => {
  const body = JSON.stringify({ trigger: 'SYNC_COMPLETE', data: { event: 'SYNC_COMPLETE' } });

  it('signs propexo-signature as Propexo documents (hex HMAC-SHA256 of the raw body with the secret string)', () => {
    const secret = generateWebhookSecret();
    expect(propexoSignature(secret, body)).toBe(createHmac('sha256', secret).update(body).digest('hex'));
  });

  it('produces Standard Webhooks headers that the standardwebhooks library verifies, for whsec_ and raw secrets', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const now = Math.floor(Date.now() / 1000);
    const headers = signedHeaders([secret], 'msg_1', now, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    const raw = 'my-own-secret-123';
    expect(new Webhook(raw, { format: 'raw' }).verify(body, signedHeaders([raw], 'msg_2', now, body))).toEqual(
      JSON.parse(body),
    );
    // A tampered body fails.
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it("verifies with the svix library and with the Node snippet from Propexo's docs", () => {
    const secret = generateWebhookSecret();
    const now = Math.floor(Date.now() / 1000);
    const headers = signedHeaders([secret], 'msg_svix', now, body);
    const svixHeaders = {
      'svix-id': headers['webhook-id'],
      'svix-timestamp': headers['webhook-timestamp'],
      'svix-signature': headers['webhook-signature'],
    };
    expect(new SvixWebhook(secret).verify(body, svixHeaders)).toEqual(JSON.parse(body));
    expect(() => new SvixWebhook(generateWebhookSecret()).verify(body, svixHeaders)).toThrow();
    // Propexo's documented check: createHmac('sha256', secret).update(body).digest('hex') compared with timingSafeEqual.
    const expected = createHmac('sha256', secret).update(body).digest('hex');
    expect(timingSafeEqual(Buffer.from(headers['propexo-signature']), Buffer.from(expected))).toBe(true);
  });

  it('signs with the old and the new secret during a rotation: receivers holding either verify', () => {
    const [current, previous, stranger] = [generateWebhookSecret(), generateWebhookSecret(), generateWebhookSecret()];
    const now = Math.floor(Date.now() / 1000);
    const headers = signedHeaders([current, previous], 'msg_rot', now, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
    expect(headers['propexo-signature']).toBe(propexoSignature(current, body));
  });
});

describe('retry schedule', () => {
  it('follows the table with ±20 % jitter and 10 attempts by default', () => {
    expect(maxAttempts(DEFAULT_WEBHOOK_RETRY_SCHEDULE)).toBe(10);
    expect(retryDelayMs(DEFAULT_WEBHOOK_RETRY_SCHEDULE, 1, null, () => 0.5)).toBe(5000);
    expect(retryDelayMs(DEFAULT_WEBHOOK_RETRY_SCHEDULE, 1, null, () => 0)).toBe(4000);
    expect(retryDelayMs(DEFAULT_WEBHOOK_RETRY_SCHEDULE, 1, null, () => 1)).toBe(6000);
    expect(retryDelayMs(DEFAULT_WEBHOOK_RETRY_SCHEDULE, 9, null, () => 0.5)).toBe(86_400_000);
    const total = DEFAULT_WEBHOOK_RETRY_SCHEDULE.reduce((a, b) => a + b, 0);
    expect(total / 86400).toBeGreaterThan(2.9);
    expect(total / 86400).toBeLessThan(3.2);
  });

  it('honours Retry-After within [delay, 2 × delay]', () => {
    const half = () => 0.5;
    expect(retryDelayMs([10], 1, 15_000, half)).toBe(15_000);
    expect(retryDelayMs([10], 1, 1_000, half)).toBe(10_000);
    expect(retryDelayMs([10], 1, 600_000, half)).toBe(20_000);
  });
});

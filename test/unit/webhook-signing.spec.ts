import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, propexoSignature, signedHeaders } from '../../src/webhooks/webhook-signing';
import { maxAttempts, retryDelayMs } from '../../src/webhooks/retry-schedule';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE } from '../../src/config/app-config';

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
    const headers = signedHeaders(secret, 'msg_1', now, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    const raw = 'my-own-secret-123';
    expect(new Webhook(raw, { format: 'raw' }).verify(body, signedHeaders(raw, 'msg_2', now, body))).toEqual(JSON.parse(body));
    // A tampered body fails.
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
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

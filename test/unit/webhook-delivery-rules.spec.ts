import { deliveryBody, MAX_BODY_BYTES } from '../../src/webhooks/thin-payload';
import { WebhookLimiter } from '../../src/webhooks/webhook-limiter';

describe('deliveryBody', () => {
  const event = (payload: Record<string, unknown>, diff?: unknown) => ({ trigger: 'DATA_UPDATE', data: { event: 'DATA_UPDATE', record_id: 'r1', payload, ...(diff ? { diff } : {}) }, meta: { object: 'residents' } });

  it('sends small events whole', () => {
    const e = event({ id: 'r1', x_id: '7', notes: 'short' });
    expect(deliveryBody(e)).toBe(JSON.stringify(e));
  });

  it('sends an event over 256 kB thin: ids, a flag, and the diff', () => {
    const big = 'x'.repeat(MAX_BODY_BYTES);
    const body = JSON.parse(deliveryBody(event({ id: 'r1', x_id: '7', integration_id: 'i1', notes: big }, { new: { first_name: 'B' }, previous: { first_name: 'A' } })));
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(body.data.payload).toEqual({ id: 'r1', x_id: '7', integration_id: 'i1' });
    expect(body.data.payload_truncated).toBe(true);
    expect(body.data.diff).toEqual({ new: { first_name: 'B' }, previous: { first_name: 'A' } });
  });

  it('keeps only the changed field names when the diff itself is too big', () => {
    const big = 'y'.repeat(MAX_BODY_BYTES);
    const body = JSON.parse(deliveryBody(event({ id: 'r1', notes: big }, { new: { notes: big }, previous: { notes: 'old' } })));
    expect(body.data.diff).toEqual({ changed_fields: ['notes'] });
    expect(body.data.diff_truncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_BODY_BYTES);
  });
});

describe('WebhookLimiter', () => {
  it('caps deliveries in flight per webhook once its receiver is slow, independently of other webhooks', () => {
    let now = 1_000_000;
    const limiter = new WebhookLimiter(2, 0, 1000, () => now);
    const first = limiter.tryAcquire('slow')!;
    const second = limiter.tryAcquire('slow')!;
    const third = limiter.tryAcquire('slow')!;
    expect(third).toEqual(expect.any(Function)); // at the cap, but its attempts are young: not slow yet
    now += 1000;
    expect(limiter.tryAcquire('slow')).toBeNull(); // its oldest attempt has run for a second: held to the cap
    expect(limiter.tryAcquire('other')).not.toBeNull();
    first();
    second();
    third();
    // All answered, slowly: the next wave is held to the cap from its first attempt on.
    expect(limiter.tryAcquire('slow')).not.toBeNull();
    expect(limiter.tryAcquire('slow')).not.toBeNull();
    expect(limiter.tryAcquire('slow')).toBeNull();
  });

  it('stops holding a webhook back once its receiver answers fast again', () => {
    let now = 1_000_000;
    const limiter = new WebhookLimiter(1, 0, 1000, () => now);
    const slowAttempt = limiter.tryAcquire('w')!;
    now += 2000;
    slowAttempt();
    const fastAttempt = limiter.tryAcquire('w')!;
    expect(limiter.tryAcquire('w')).toBeNull();
    now += 5;
    fastAttempt();
    const a = limiter.tryAcquire('w');
    const b = limiter.tryAcquire('w');
    expect([a, b].every((release) => typeof release === 'function')).toBe(true);
  });

  it('limits attempts started per second when a rate is set', () => {
    let now = 1_000_000;
    const limiter = new WebhookLimiter(100, 3, 1000, () => now);
    for (let i = 0; i < 3; i++) expect(limiter.tryAcquire('w')).not.toBeNull();
    expect(limiter.tryAcquire('w')).toBeNull();
    now += 1001;
    expect(limiter.tryAcquire('w')).not.toBeNull();
  });
});

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
    expect(limiter.tryAcquire('slow')).toBe(true);
    expect(limiter.tryAcquire('slow')).toBe(true);
    expect(limiter.tryAcquire('slow')).toBe(true); // at the cap, but its attempts are young: not slow yet
    now += 1000;
    expect(limiter.tryAcquire('slow')).toBe(false); // its oldest attempt has run for a second: held to the cap
    expect(limiter.tryAcquire('other')).toBe(true);
    limiter.release('slow');
    limiter.release('slow');
    expect(limiter.tryAcquire('slow')).toBe(true); // back under the cap
  });

  it('limits attempts started per second when a rate is set', () => {
    let now = 1_000_000;
    const limiter = new WebhookLimiter(100, 3, 1000, () => now);
    for (let i = 0; i < 3; i++) expect(limiter.tryAcquire('w')).toBe(true);
    expect(limiter.tryAcquire('w')).toBe(false);
    now += 1001;
    expect(limiter.tryAcquire('w')).toBe(true);
  });
});

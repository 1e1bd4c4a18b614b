import { deliveryBody, deliveryBodyOfText, MAX_BODY_BYTES } from '../../src/emit/thin-payload';
import type { WebhookLimitStore } from '../../src/deliver/webhooks/webhook-limit.store';
import { LEASE_TTL_MS, WebhookLimiter, type HeldBack, type Slot } from '../../src/deliver/webhooks/webhook-limiter';

describe('deliveryBody', () => {
  const event = (payload: Record<string, unknown>, diff?: unknown) => ({
    trigger: 'DATA_UPDATE',
    data: { event: 'DATA_UPDATE', record_id: 'r1', payload, ...(diff ? { diff } : {}) },
    meta: { object: 'residents' },
  });

  it('sends small events whole', () => {
    const e = event({ id: 'r1', x_id: '7', notes: 'short' });
    expect(deliveryBody(e)).toBe(JSON.stringify(e));
  });

  it('sends an event over 256 kB thin: ids, a flag, and the diff', () => {
    const big = 'x'.repeat(MAX_BODY_BYTES);
    const body = JSON.parse(
      deliveryBody(
        event(
          { id: 'r1', x_id: '7', integration_id: 'i1', notes: big },
          { new: { first_name: 'B' }, previous: { first_name: 'A' } },
        ),
      ),
    );
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(body.data.payload).toEqual({ id: 'r1', x_id: '7', integration_id: 'i1' });
    expect(body.data.payload_truncated).toBe(true);
    expect(body.data.diff).toEqual({ new: { first_name: 'B' }, previous: { first_name: 'A' } });
  });

  it('keeps only the changed field names when the diff itself is too big', () => {
    const big = 'y'.repeat(MAX_BODY_BYTES);
    const body = JSON.parse(
      deliveryBody(event({ id: 'r1', notes: big }, { new: { notes: big }, previous: { notes: 'old' } })),
    );
    expect(body.data.diff).toEqual({ changed_fields: ['notes'] });
    expect(body.data.diff_truncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_BODY_BYTES);
  });
});

describe('deliveryBodyOfText', () => {
  it('sends a stored payload within the limit as its text, byte for byte (digits beyond a double kept)', () => {
    const stored = '{"data": {"payload": {"id": "r1", "amount": 12345678901234567890.10}}, "trigger": "DATA_UPDATE"}';
    expect(deliveryBodyOfText(stored)).toBe(stored);
  });

  it('thins a stored payload over the limit as deliveryBody does', () => {
    const big = 'x'.repeat(MAX_BODY_BYTES);
    const e = {
      trigger: 'DATA_UPDATE',
      data: { event: 'DATA_UPDATE', record_id: 'r1', payload: { id: 'r1', x_id: '7', notes: big } },
    };
    const body = deliveryBodyOfText(JSON.stringify(e));
    expect(body).toBe(deliveryBody(e));
    expect(JSON.parse(body).data.payload_truncated).toBe(true);
  });
});

/**
 * The store's side, in memory: leases with expiry and one-second windows on the test's clock. The real
 * stores (Redis and PostgreSQL) are tested against those servers in test/e2e/webhook-limits.e2e-spec.ts.
 */
class MemoryLimitStore implements WebhookLimitStore {
  readonly leases = new Map<string, Map<string, number>>();
  readonly windows = new Map<string, { second: number; count: number }>();
  calls = 0;

  constructor(private readonly now: () => number) {}

  async acquire(
    webhookId: string,
    leaseId: string,
    max: number,
    adopt: readonly string[],
    ttlMs: number,
  ): Promise<boolean> {
    this.calls++;
    const held = this.leases.get(webhookId) ?? new Map<string, number>();
    this.leases.set(webhookId, held);
    for (const [id, expires] of held) if (expires <= this.now()) held.delete(id);
    for (const id of adopt) held.set(id, this.now() + ttlMs);
    if (held.size >= max) return false;
    held.set(leaseId, this.now() + ttlMs);
    return true;
  }

  async release(webhookId: string, leaseIds: readonly string[]): Promise<void> {
    this.calls++;
    for (const id of leaseIds) this.leases.get(webhookId)?.delete(id);
  }

  async hit(webhookId: string) {
    this.calls++;
    const second = Math.floor(this.now() / 1000);
    const window = this.windows.get(webhookId);
    const count = window?.second === second ? window.count + 1 : 1;
    this.windows.set(webhookId, { second, count });
    return { count, msUntilReset: 1000 - (this.now() % 1000) };
  }

  held(webhookId: string): number {
    return this.leases.get(webhookId)?.size ?? 0;
  }
}

/** A store whose acquisitions take effect only when the test answers them (a slow round trip). */
class LateAcquireStore extends MemoryLimitStore {
  private pending: Array<() => void> = [];

  override async acquire(...args: Parameters<MemoryLimitStore['acquire']>): Promise<boolean> {
    await new Promise<void>((resolve) => this.pending.push(resolve));
    return super.acquire(...args);
  }

  answer(): void {
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('WebhookLimiter', () => {
  let now: number;
  let store: MemoryLimitStore;
  /** Two limiters on one store: two worker processes. */
  const limiters = (maxConcurrent: number, perSecond = 0) =>
    [1, 2].map(() => new WebhookLimiter({ maxConcurrent, perSecond, store, now: () => now }));
  const granted = (result: Slot | HeldBack): Slot => {
    expect(result).toEqual({ start: expect.any(Function), release: expect.any(Function) });
    return result as Slot;
  };
  const heldBack = (result: Slot | HeldBack | null) => expect(result).toEqual({ waitMs: expect.any(Number) });
  /** An attempt that goes: a slot, started with what the webhook's row says (`markedSlow`). */
  const attempt = async (limiter: WebhookLimiter, webhookId: string, markedSlow = false): Promise<Slot> => {
    const slot = granted(await limiter.acquire(webhookId));
    expect(await slot.start(markedSlow)).toBeNull();
    return slot;
  };

  beforeEach(() => {
    now = 1_000_000;
    store = new MemoryLimitStore(() => now);
  });

  it('never asks the store while the receiver answers fast and no rate is set (the hot path)', async () => {
    const [limiter] = limiters(2);
    for (let i = 0; i < 50; i++) {
      const slot = await attempt(limiter, 'fast');
      now += 5;
      slot.release();
    }
    const many = await Promise.all(Array.from({ length: 10 }, () => attempt(limiter, 'fast')));
    expect(many).toHaveLength(10); // ten at once, over the cap of 2: a fast receiver is not held back
    expect(store.calls).toBe(0);
  });

  it('caps the attempts in flight to a slow receiver in total across processes, adopting those already in flight', async () => {
    const [a, b] = limiters(2);
    // Process A starts three attempts before anything is known: the receiver is not slow yet.
    const early = [await attempt(a, 'slow'), await attempt(a, 'slow'), await attempt(a, 'slow')];
    now += 1000; // they have run a second: the receiver is slow
    heldBack(await a.acquire('slow')); // A's three are adopted as leases: 3 ≥ 2
    expect(store.held('slow')).toBe(3);
    // Process B has its own slow answer behind it, so it asks the store too, and is refused: the cap is in total.
    const bFirst = await attempt(b, 'slow');
    now += 1500;
    heldBack(await b.acquire('slow')); // its own attempt in flight for 1.5 s: slow, and 4 held ≥ 2
    bFirst.release();
    early.forEach((slot) => slot.release());
    expect(store.held('slow')).toBe(0);
    now += 200; // past the refusal's short memory
    // Now both processes judge the receiver slow (their last answers were slow): two leases between them, no more.
    const first = await attempt(a, 'slow');
    const second = await attempt(b, 'slow');
    heldBack(await b.acquire('slow'));
    now += 200;
    heldBack(await a.acquire('slow'));
    expect(store.held('slow')).toBe(2);
    first.release();
    now += 200;
    await attempt(a, 'slow');
    second.release();
    granted(await a.acquire('other')); // other webhooks are not held
  });

  it("holds a process that has not met the receiver to the cap once the webhook's row says it is slow", async () => {
    const [a, b] = limiters(2);
    const own = await attempt(b, 'w');
    now += 5;
    own.release(); // B met the receiver answering fast
    const seen = [await attempt(a, 'w'), await attempt(a, 'w')];
    now += 1200;
    seen.forEach((slot) => slot.release()); // A saw slow answers (the attempt log marked the row)
    const leased = [await attempt(a, 'w', true), await attempt(a, 'w', true)];
    expect(store.held('w')).toBe(2);
    const calls = store.calls;
    const late = granted(await b.acquire('w')); // B judges the receiver fast: no store call...
    expect(store.calls).toBe(calls);
    heldBack(await late.start(true)); // ...until the row says slow: A's two leases fill the cap
    expect(store.calls).toBe(calls + 1);
    late.release();
    heldBack(await b.acquire('w')); // the refusal remembered, no store call
    expect(store.calls).toBe(calls + 1);
    leased[0].release();
    now += 200;
    const next = await attempt(b, 'w');
    expect(store.held('w')).toBe(2);
    next.release();
    leased[1].release();
  });

  it('adopts the attempts a process already has in flight when the row tells it the receiver is slow', async () => {
    const [a, b] = limiters(3);
    const early = [await attempt(b, 'w'), await attempt(b, 'w')]; // unleased: B knew nothing
    const marked = granted(await b.acquire('w'));
    expect(await marked.start(true)).toBeNull(); // its lease, and the two early ones adopted: 3 held
    expect(store.held('w')).toBe(3);
    const fromA = granted(await a.acquire('w')); // A has met nothing yet...
    heldBack(await fromA.start(true)); // ...but the row says slow, and the cap of 3 is full
    [...early, marked].forEach((slot) => slot.release());
    await flush();
    expect(store.held('w')).toBe(0);
  });

  it('adopts no slot whose request has not gone: each asks for its own lease, within the cap', async () => {
    const [limiter] = limiters(2);
    // Four deliveries take slots while the receiver is thought fast; their targets load, and the row says slow.
    const slots = await Promise.all([1, 2, 3, 4].map(async () => granted(await limiter.acquire('w'))));
    expect(await slots[0].start(true)).toBeNull();
    expect(store.held('w')).toBe(1); // the three others, not started, were not adopted past the cap
    expect(await slots[1].start(false)).toBeNull(); // a row read before the mark: slow is known here already
    expect(store.held('w')).toBe(2);
    heldBack(await slots[2].start(true));
    heldBack(await slots[3].start(true));
    expect(store.held('w')).toBe(2);
    slots.forEach((slot) => slot.release());
    await flush();
    expect(store.held('w')).toBe(0);
  });

  it('learns nothing about the receiver from a slot that made no attempt', async () => {
    const [limiter] = limiters(1);
    const slowAttempt = await attempt(limiter, 'w');
    now += 2000;
    slowAttempt.release(); // slow
    const skipped = granted(await limiter.acquire('w')); // e.g. the delivery was no longer pending
    now += 5;
    skipped.release();
    const calls = store.calls;
    await attempt(limiter, 'w'); // still judged slow: asks the store
    expect(store.calls).toBe(calls + 1);
  });

  it('releases an adopted lease only once the store has registered it, so a slot is never left held', async () => {
    // The store answers late (PostgreSQL's first acquisition of a webhook creates its row and asks again), and the
    // adopted attempt ends in between: its release must not reach the store before the lease does.
    const late = new LateAcquireStore(() => now);
    store = late;
    const [limiter] = limiters(2);
    const early = await attempt(limiter, 'w'); // the receiver is not known slow yet: no lease
    now += 1000;
    const asking = limiter.acquire('w'); // slow now: adopts the early attempt as a lease, and asks the store
    early.release(); // the adopted attempt ends before the store has answered
    await flush();
    late.answer();
    const next = granted(await asking);
    await flush();
    expect(late.held('w')).toBe(1); // the new attempt's lease alone: the early one was released after it was registered
    next.release();
    await flush();
    expect(late.held('w')).toBe(0);
  });

  it('remembers a refusal briefly, so held-back jobs do not each ask the store', async () => {
    const [a] = limiters(1);
    const first = await attempt(a, 'w');
    now += 1000;
    heldBack(await a.acquire('w'));
    const calls = store.calls;
    for (let i = 0; i < 20; i++) heldBack(await a.acquire('w'));
    expect(store.calls).toBe(calls);
    first.release();
  });

  it('frees the slots of a process that died once their leases expire', async () => {
    const [dead, alive] = limiters(1);
    const before = await attempt(alive, 'w');
    now += 2000;
    before.release(); // alive has seen the receiver slow
    await attempt(dead, 'w'); // the dead process's attempt, never released
    now += 1000;
    heldBack(await dead.acquire('w')); // it adopted its attempt as a lease before it died
    now += 200;
    heldBack(await alive.acquire('w'));
    now += LEASE_TTL_MS;
    await attempt(alive, 'w');
  });

  it('stops holding a webhook back once its receiver answers fast again, the mark on its row included', async () => {
    const [limiter] = limiters(1);
    const slowAttempt = await attempt(limiter, 'w', true);
    now += 2000;
    slowAttempt.release();
    const fastAttempt = await attempt(limiter, 'w', true);
    heldBack(await limiter.acquire('w'));
    now += 5;
    fastAttempt.release(); // a fast answer: the attempt log cleared the row's mark, and this process knows it
    const calls = store.calls;
    await attempt(limiter, 'w');
    await attempt(limiter, 'w');
    expect(store.calls).toBe(calls);
  });

  it('limits attempts started per second across processes when a rate is set, and says when the window ends', async () => {
    const [a, b] = limiters(100, 3);
    now = 1_000_200;
    granted(await a.acquire('w'));
    granted(await b.acquire('w'));
    granted(await a.acquire('w'));
    const held = await b.acquire('w');
    expect(held).toEqual({ waitMs: 800 });
    heldBack(await a.acquire('w'));
    now += 800;
    granted(await a.acquire('w'));
  });

  it('lets attempts through when the store fails, and says so', async () => {
    const errors: Error[] = [];
    const broken: WebhookLimitStore = {
      acquire: () => Promise.reject(new Error('store down')),
      release: () => Promise.reject(new Error('store down')),
      hit: () => Promise.reject(new Error('store down')),
    };
    const limiter = new WebhookLimiter({
      maxConcurrent: 1,
      perSecond: 1,
      store: broken,
      now: () => now,
      onStoreError: (e) => errors.push(e),
    });
    const first = await attempt(limiter, 'w');
    now += 1000;
    await attempt(limiter, 'w', true);
    first.release();
    await new Promise((r) => setImmediate(r));
    expect(errors.map((e) => e.message)).toEqual(expect.arrayContaining(['store down']));
  });
});

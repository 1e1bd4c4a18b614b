import { rateLimitVerdict, windowAt } from '../../src/platform/rate-limit/rate-limit-window';

describe('rate-limit windows', () => {
  it('places a time in its one-minute window and says how long the window has left', () => {
    const start = Date.UTC(2026, 10, 30, 12, 34, 0);
    expect(windowAt(start)).toEqual({ startMs: start, msUntilReset: 60_000 });
    expect(windowAt(start + 59_999)).toEqual({ startMs: start, msUntilReset: 1 });
    expect(windowAt(start + 60_000)).toEqual({ startMs: start + 60_000, msUntilReset: 60_000 });
    expect(windowAt(start + 12_345)).toEqual({ startMs: start, msUntilReset: 47_655 });
  });

  it('allows up to the limit, counts the remaining requests down to 0 and never below', () => {
    expect(rateLimitVerdict(20, { count: 1, msUntilReset: 30_000 })).toMatchObject({ allowed: true, remaining: 19 });
    expect(rateLimitVerdict(20, { count: 20, msUntilReset: 30_000 })).toMatchObject({ allowed: true, remaining: 0 });
    expect(rateLimitVerdict(20, { count: 21, msUntilReset: 30_000 })).toMatchObject({ allowed: false, remaining: 0 });
    expect(rateLimitVerdict(20, { count: 500, msUntilReset: 30_000 })).toMatchObject({ allowed: false, remaining: 0 });
  });

  it('slows the requests from 80 % of the limit up to the limit, not before and not the refused ones', () => {
    const slowed = (limit: number, count: number) => rateLimitVerdict(limit, { count, msUntilReset: 30_000 }).slowed;
    expect([119, 120, 150, 151].map((count) => slowed(150, count))).toEqual([false, true, true, false]);
    expect([3, 4, 5, 6].map((count) => slowed(5, count))).toEqual([false, true, true, false]);
    expect(slowed(1, 1)).toBe(true);
  });

  it('asks to retry when the window resets, in whole seconds rounded up and at least 1', () => {
    expect(rateLimitVerdict(1, { count: 2, msUntilReset: 12_001 }).retryAfterSeconds).toBe(13);
    expect(rateLimitVerdict(1, { count: 2, msUntilReset: 12_000 }).retryAfterSeconds).toBe(12);
    expect(rateLimitVerdict(1, { count: 2, msUntilReset: 0 }).retryAfterSeconds).toBe(1);
    // A store whose clock runs ahead never asks for more than a window.
    expect(rateLimitVerdict(1, { count: 2, msUntilReset: 95_000 }).retryAfterSeconds).toBe(60);
  });
});

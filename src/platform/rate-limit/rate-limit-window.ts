/** Fixed one-minute windows, as Propexo's limit: a key's count restarts at each minute of the store's clock. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** What a store answers for one request: the key's count in the current window (this request included). */
export interface WindowHit {
  count: number;
  /** Time left until the window ends and the count restarts. */
  msUntilReset: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** `x-ratelimit-remaining`: requests still allowed in this window. */
  remaining: number;
  /** `Retry-After` when not allowed: whole seconds until the window resets, at least 1. */
  retryAfterSeconds: number;
  /** Allowed, but the key has used 80 % of its limit or more: Propexo delays such responses. */
  slowed: boolean;
}

/** Share of the limit from which allowed requests are slowed down, as Propexo's API does. */
export const SLOWDOWN_SHARE = 0.8;

export function rateLimitVerdict(limit: number, hit: WindowHit): RateLimitVerdict {
  const msUntilReset = Math.min(RATE_LIMIT_WINDOW_MS, Math.max(0, hit.msUntilReset));
  const allowed = hit.count <= limit;
  return {
    allowed,
    remaining: Math.max(0, limit - hit.count),
    retryAfterSeconds: Math.max(1, Math.ceil(msUntilReset / 1000)),
    slowed: allowed && hit.count >= Math.ceil(SLOWDOWN_SHARE * limit),
  };
}

/** Start and time left of the window holding `nowMs` (the Redis script does the same arithmetic on Redis's clock). */
export function windowAt(nowMs: number): { startMs: number; msUntilReset: number } {
  const startMs = Math.floor(nowMs / RATE_LIMIT_WINDOW_MS) * RATE_LIMIT_WINDOW_MS;
  return { startMs, msUntilReset: startMs + RATE_LIMIT_WINDOW_MS - nowMs };
}

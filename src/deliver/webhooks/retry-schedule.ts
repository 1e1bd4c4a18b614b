/**
 * Delay before attempt `attemptsMade + 1`, from the retry table (seconds), with ±20 % jitter. A
 * Retry-After from a 429/503 is honoured within [delay, 2 × delay].
 */
export function retryDelayMs(
  scheduleSeconds: number[],
  attemptsMade: number,
  retryAfterMs: number | null,
  random = Math.random,
): number {
  const base =
    scheduleSeconds[Math.min(attemptsMade, scheduleSeconds.length) - 1] ??
    scheduleSeconds[scheduleSeconds.length - 1] ??
    0;
  const delay = base * 1000 * (0.8 + 0.4 * random());
  if (retryAfterMs === null) return Math.round(delay);
  return Math.round(Math.min(Math.max(retryAfterMs, delay), 2 * delay));
}

/** Total attempts: the first plus one per delay in the table. */
export function maxAttempts(scheduleSeconds: number[]): number {
  return scheduleSeconds.length + 1;
}

/** A request budget over a sliding time window, kept per key (one caller, or one per customer). */
export class SlidingWindowThrottle {
  private recent = new Map<string, number[]>();

  /**
   * Counts a request when fewer than `limit` were counted in the last `windowMs`, and returns 0; otherwise
   * returns how many milliseconds until one would fit (the refused request is not counted).
   */
  admit(limit: number, windowMs: number, key = ''): number {
    const now = Date.now();
    const recent = (this.recent.get(key) ?? []).filter((t) => now - t < windowMs);
    this.recent.set(key, recent);
    if (recent.length >= limit) return recent[0] + windowMs - now;
    recent.push(now);
    return 0;
  }

  clear(): void {
    this.recent.clear();
  }
}

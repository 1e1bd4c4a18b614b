/**
 * Per-webhook limits inside one worker process, so one slow or flooded receiver cannot take every
 * delivery slot:
 * - at most `maxConcurrent` deliveries of a webhook in flight while its receiver is slow: its last
 *   finished attempt took `slowAfterMs` or more, or its oldest attempt in flight has run that long. A fast
 *   receiver frees its slots within milliseconds and is not held back (holding it would only make its
 *   backlog churn through the queue);
 * - when `perSecond` > 0, at most that many attempts started per second.
 */
export class WebhookLimiter {
  /** The attempts in flight, per webhook, with their start times. */
  private readonly inFlight = new Map<string, Set<{ startedAt: number }>>();
  private readonly lastDurationMs = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly maxConcurrent: number,
    private readonly perSecond: number,
    private readonly slowAfterMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot for the webhook: the function that gives it back, or null when the webhook is at its limit. */
  tryAcquire(webhookId: string): (() => void) | null {
    const now = this.now();
    const inFlight = this.inFlight.get(webhookId) ?? new Set<{ startedAt: number }>();
    if (inFlight.size >= this.maxConcurrent && this.isSlow(webhookId, inFlight, now)) return null;
    if (this.perSecond > 0) {
      const starts = (this.recent.get(webhookId) ?? []).filter((t) => now - t < 1000);
      this.recent.set(webhookId, starts);
      if (starts.length >= this.perSecond) return null;
      starts.push(now);
    }
    const slot = { startedAt: now };
    inFlight.add(slot);
    this.inFlight.set(webhookId, inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.lastDurationMs.set(webhookId, this.now() - slot.startedAt);
      inFlight.delete(slot);
      if (inFlight.size === 0) this.inFlight.delete(webhookId);
    };
  }

  private isSlow(webhookId: string, inFlight: Set<{ startedAt: number }>, now: number): boolean {
    if ((this.lastDurationMs.get(webhookId) ?? 0) >= this.slowAfterMs) return true;
    for (const slot of inFlight) if (now - slot.startedAt >= this.slowAfterMs) return true;
    return false;
  }
}

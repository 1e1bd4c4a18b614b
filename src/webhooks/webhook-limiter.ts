/**
 * Per-webhook limits inside one worker process, so one slow or flooded receiver cannot take every
 * delivery slot:
 * - at most `maxConcurrent` deliveries of a webhook in flight while the receiver is slow (its oldest
 *   attempt in flight has run for `slowAfterMs`). A fast receiver frees its slots within milliseconds and
 *   is not held back: holding it would only make its backlog churn through the queue;
 * - when `perSecond` > 0, at most that many attempts started per second.
 */
export class WebhookLimiter {
  /** Start times of the attempts in flight, per webhook, oldest first. */
  private readonly inFlight = new Map<string, number[]>();
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly maxConcurrent: number,
    private readonly perSecond: number,
    private readonly slowAfterMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot for the webhook; false when it is at its limit (try again later). */
  tryAcquire(webhookId: string): boolean {
    const now = this.now();
    const inFlight = this.inFlight.get(webhookId) ?? [];
    if (inFlight.length >= this.maxConcurrent && now - inFlight[0]! >= this.slowAfterMs) return false;
    if (this.perSecond > 0) {
      const starts = (this.recent.get(webhookId) ?? []).filter((t) => now - t < 1000);
      this.recent.set(webhookId, starts);
      if (starts.length >= this.perSecond) return false;
      starts.push(now);
    }
    inFlight.push(now);
    this.inFlight.set(webhookId, inFlight);
    return true;
  }

  /** Gives back the webhook's oldest slot (which attempt ended does not matter for the limits). */
  release(webhookId: string): void {
    const inFlight = this.inFlight.get(webhookId);
    if (!inFlight) return;
    inFlight.shift();
    if (inFlight.length === 0) this.inFlight.delete(webhookId);
  }
}

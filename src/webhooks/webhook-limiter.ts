/**
 * Per-webhook limits inside one worker process: at most `maxConcurrent` deliveries of a webhook in flight,
 * and (when `perSecond` > 0) at most that many attempts started per second. A slow or flooded receiver
 * so uses a bounded share of the process's delivery slots and the others keep flowing.
 */
export class WebhookLimiter {
  private readonly inFlight = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly maxConcurrent: number, private readonly perSecond: number, private readonly now: () => number = Date.now) {}

  /** Takes a slot for the webhook; false when it is at its limit (try again later). */
  tryAcquire(webhookId: string): boolean {
    const inFlight = this.inFlight.get(webhookId) ?? 0;
    if (inFlight >= this.maxConcurrent) return false;
    if (this.perSecond > 0) {
      const now = this.now();
      const starts = (this.recent.get(webhookId) ?? []).filter((t) => now - t < 1000);
      if (starts.length >= this.perSecond) {
        this.recent.set(webhookId, starts);
        return false;
      }
      starts.push(now);
      this.recent.set(webhookId, starts);
    }
    this.inFlight.set(webhookId, inFlight + 1);
    return true;
  }

  release(webhookId: string): void {
    const inFlight = (this.inFlight.get(webhookId) ?? 1) - 1;
    if (inFlight <= 0) this.inFlight.delete(webhookId);
    else this.inFlight.set(webhookId, inFlight);
  }
}

import { randomBytes } from 'node:crypto';
import type { WebhookLimitStore } from './webhook-limit.store';

/** A lease outlives any attempt (15 s timeout, then its record); a worker that died frees its slots after it. */
export const LEASE_TTL_MS = 30_000;
/** After the store refused a slot, further attempts of the webhook are held back here without asking it for this long. */
const REFUSED_FOR_MS = 100;
/**
 * A receiver is slow once an answer took this long, or an attempt in flight has run this long (the attempt log
 * marks its webhook's row by the same rule, for answers).
 */
export const SLOW_AFTER_MS = 1000;

export interface WebhookLimitsOptions {
  maxConcurrent: number;
  /** Attempts started per second (store's one-second windows); 0: no limit. */
  perSecond: number;
  store: WebhookLimitStore;
  now?: () => number;
  /** The store failed: the attempt goes ahead (the limits protect receivers, they must not stop deliveries). */
  onStoreError?: (error: Error) => void;
}

/** An attempt's slot: `start` just before the request goes, `release` once the attempt is over (or skipped). */
export interface Slot {
  /**
   * The attempt goes now. `markedSlow`: the webhook's row says a process saw its receiver answer slowly. If
   * this process did not know, the attempt takes a lease now (adopting the others it has in flight), and is held
   * back when the receiver's slots are all taken.
   */
  start(markedSlow: boolean): Promise<HeldBack | null>;
  release(): void;
}

/** The webhook is at a limit: look again in `waitMs`. */
export interface HeldBack {
  waitMs: number;
}

interface InFlight {
  /** When its request went (`start`); null before: only a request's duration says how fast the receiver is. */
  startedAt: number | null;
  /** Set once the attempt holds a lease in the store (it was taken, or adopted, while the receiver was slow). */
  leaseId: string | null;
  /**
   * An adopted lease: the store call that registers it. Its release waits for that call: sent first, over another
   * connection, the release would find nothing to remove and the lease would hold a slot until it expired.
   */
  registering: Promise<unknown> | null;
}

interface WebhookState {
  inFlight: Set<InFlight>;
  lastDurationMs: number;
  /** The webhook's row said its receiver is slow, and this process has seen no fast answer since. */
  markedSlow: boolean;
  /** Until when the store's last refusal holds attempts back (cap, then rate). */
  capRefusedUntil: number;
  rateRefusedUntil: number;
}

/**
 * Per-webhook limits across every worker process, so one slow or flooded receiver cannot take every
 * delivery slot:
 * - at most `maxConcurrent` deliveries of a webhook in flight, in total, while its receiver is slow: an
 *   answer took SLOW_AFTER_MS or more. A process knows it from its own attempts (its last answer, or an
 *   attempt in flight that has run that long) and from the webhook's row, which the attempt log marks at a
 *   slow answer and clears at a fast one (read with every attempt's target, so knowing costs no round trip).
 *   While it holds, every attempt of the webhook takes a lease in the store, and the process's attempts
 *   already in flight are adopted as leases, so the count is of all of them. A fast receiver frees its slots
 *   within milliseconds and is not held back: its attempts never touch the store (the delivery hot path stays
 *   as it was);
 * - when `perSecond` > 0, at most that many attempts started per second, counted in the store.
 */
export class WebhookLimiter {
  private readonly states = new Map<string, WebhookState>();
  private readonly now: () => number;
  private readonly leasePrefix = randomBytes(6).toString('hex');
  private leaseCount = 0;

  constructor(private readonly options: WebhookLimitsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Takes a slot for one attempt of the webhook, or says how long to hold the attempt back. */
  async acquire(webhookId: string): Promise<Slot | HeldBack> {
    const state = this.state(webhookId);
    const now = this.now();
    if (this.options.perSecond > 0) {
      if (now < state.rateRefusedUntil) return { waitMs: state.rateRefusedUntil - now };
      const hit = await this.ask(() => this.options.store.hit(webhookId), null);
      if (hit && hit.count > this.options.perSecond) {
        state.rateRefusedUntil = this.now() + hit.msUntilReset;
        return { waitMs: Math.max(1, hit.msUntilReset) };
      }
    }
    const slot: InFlight = { startedAt: null, leaseId: null, registering: null };
    if (this.isSlow(state, this.now())) {
      const refused = await this.lease(webhookId, state, slot);
      if (refused) return refused;
    }
    state.inFlight.add(slot);
    let released = false;
    return {
      start: async (markedSlow) => {
        // Kept until this process sees a fast answer: a row read concurrently may predate the mark.
        if (markedSlow) state.markedSlow = true;
        // Slow, and not known to be when the slot was taken: another process saw it first (the row says so), or
        // this one did while the slot's target was loading. The attempt asks for its lease like any other.
        if (slot.leaseId === null && this.isSlow(state, this.now())) {
          const refused = await this.lease(webhookId, state, slot);
          if (refused) return refused;
        }
        slot.startedAt = this.now();
        return null;
      },
      release: () => {
        if (released) return;
        released = true;
        if (slot.startedAt !== null) {
          state.lastDurationMs = this.now() - slot.startedAt;
          // The attempt log cleared the row's mark at this fast answer (a slow one set it).
          if (state.lastDurationMs < SLOW_AFTER_MS) state.markedSlow = false;
        }
        state.inFlight.delete(slot);
        const leaseId = slot.leaseId;
        if (leaseId === null) return;
        const send = () => this.ask(() => this.options.store.release(webhookId, [leaseId]), undefined);
        if (slot.registering) void slot.registering.then(send);
        else void send();
      },
    };
  }

  /**
   * Takes a lease for `slot`, adopting the process's other attempts of the webhook in flight without one: null
   * when granted, else how long to hold the attempt back (a refusal is remembered briefly).
   */
  private async lease(webhookId: string, state: WebhookState, slot: InFlight): Promise<HeldBack | null> {
    const now = this.now();
    if (now < state.capRefusedUntil) return { waitMs: state.capRefusedUntil - now };
    const leaseId = (slot.leaseId = this.newLeaseId());
    // Attempts whose requests went before the receiver was known slow are counted too, from now on (ids set
    // before the await, so a concurrent acquisition adopts none of them again). Slots whose requests have not
    // gone yet are not adopted: each asks for its own lease at `start`, within the cap.
    const adopted = [...state.inFlight].filter((other) => other.startedAt !== null && other.leaseId === null);
    const adoptedIds = adopted.map((other) => (other.leaseId = this.newLeaseId()));
    const asking = this.ask(
      () => this.options.store.acquire(webhookId, leaseId, this.options.maxConcurrent, adoptedIds, LEASE_TTL_MS),
      true,
    );
    for (const other of adopted) other.registering = asking;
    const granted = await asking;
    for (const other of adopted) other.registering = null;
    if (!granted) {
      slot.leaseId = null;
      state.capRefusedUntil = this.now() + REFUSED_FOR_MS;
      return { waitMs: REFUSED_FOR_MS };
    }
    return null;
  }

  private state(webhookId: string): WebhookState {
    let state = this.states.get(webhookId);
    if (!state) {
      state = { inFlight: new Set(), lastDurationMs: 0, markedSlow: false, capRefusedUntil: 0, rateRefusedUntil: 0 };
      this.states.set(webhookId, state);
    }
    return state;
  }

  private isSlow(state: WebhookState, now: number): boolean {
    if (state.markedSlow || state.lastDurationMs >= SLOW_AFTER_MS) return true;
    for (const slot of state.inFlight) {
      if (slot.startedAt !== null && now - slot.startedAt >= SLOW_AFTER_MS) return true;
    }
    return false;
  }

  private newLeaseId(): string {
    return `${this.leasePrefix}-${++this.leaseCount}`;
  }

  /** A store call; when the store fails, `fallback` (the attempt goes ahead) and the error is reported. */
  private async ask<T>(call: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.options.onStoreError?.(error as Error);
      return fallback;
    }
  }
}

import type { Cadence } from '../generated/prisma/enums';
import { VendorCircuitOpenError, type VendorRequestGate } from '../fetch/adapter/vendor-http';
import { CADENCE_MS } from './sync-schedule';
import type { CircuitPolicy, VendorStateRepository } from './vendor-state.repository';

/** Propexo: "Requests cannot be made less frequently than once per minute." */
const SLOWEST_INTERVAL_MS = 60_000;

/**
 * The time between two requests to one integration's vendor: `max_request_frequency` requests per
 * `max_request_cadence`, rounded up (never faster than the budget) to the millisecond, or to the microsecond below
 * one: a budget of more than 1,000 requests a second is kept, not capped at 1,000.
 */
export function requestIntervalMs(budget: { max_request_frequency: number; max_request_cadence: Cadence }): number {
  const exact = CADENCE_MS[budget.max_request_cadence] / Math.max(1, budget.max_request_frequency);
  return Math.min(SLOWEST_INTERVAL_MS, exact >= 1 ? Math.ceil(exact) : Math.ceil(exact * 1000) / 1000);
}

/**
 * How long a run of slots one claim may take: a generous budget lets a claim take several slots at once (one
 * statement for many requests), a tight one a single slot, so a write never waits behind a long run of sync slots.
 */
const CLAIM_SPAN_MS = 20;
/** At most this many slots per claim, however generous the budget. */
const MAX_SLOTS_PER_CLAIM = 16;

/** Slots one claim may take at an interval between requests of `intervalMs`. */
export function slotsPerClaim(intervalMs: number): number {
  return Math.max(1, Math.min(MAX_SLOTS_PER_CLAIM, Math.floor(CLAIM_SPAN_MS / Math.max(1, intervalMs))));
}

interface Waiter {
  go: () => void;
  stop: (error: unknown) => void;
}

/**
 * One integration's request gate: a budget slot before each request, the circuit told how each ended. Claims are
 * one at a time and take a run of slotsPerClaim slots an interval apart, so requests keep the budget's pace: the
 * requests waiting get the first slots, and the rest are banked for the requests that come within the run's span
 * (a sliding window of ledger reads asks for a slot as each read ends). Under a generous budget most requests then
 * find a slot banked and wait for no claim: a claim is a statement on a row every process of the integration
 * updates, and its round trip would otherwise pace the reads. A banked slot is used no earlier than its time and
 * expires a span after it (budget not used is not saved up); a failed request drops the bank, so a failing vendor
 * gets no more requests than its circuit's claims allow.
 */
export class IntegrationRequestGate implements VendorRequestGate {
  /** Failures are on record (seen at a claim, or recorded here): the next success must clear them. */
  private failuresOnRecord = false;
  private readonly waiting: Waiter[] = [];
  /** The times (on `now`'s clock) of slots claimed and not yet used, earliest first. */
  private readonly banked: number[] = [];
  private claiming = false;

  constructor(
    private readonly states: VendorStateRepository,
    private readonly integrationId: string,
    private readonly intervalMs: number,
    private readonly policy: CircuitPolicy,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** A write's gate: its claims go ahead of sync requests'. */
    private readonly write = false,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Waits until this integration may send its next request, or throws while its circuit is open. */
  acquire(): Promise<void> {
    const slot = this.takeBanked();
    if (slot !== undefined) return this.at(slot);
    return new Promise((go, stop) => {
      this.waiting.push({ go, stop });
      if (!this.claiming) void this.claimForWaiting();
    });
  }

  /** Claims (a claim per try) until every waiting request has its slot, or the circuit is open. */
  private async claimForWaiting(): Promise<void> {
    this.claiming = true;
    try {
      while (this.waiting.length > 0) {
        const slots = slotsPerClaim(this.intervalMs);
        const claim = await this.states.claimSlot(this.integrationId, this.intervalMs, this.write, slots);
        if (claim.granted) {
          this.failuresOnRecord ||= claim.failing;
          const start = this.now();
          const times = Array.from({ length: slots }, (_, i) => start + i * this.intervalMs);
          for (const waiter of this.waiting.splice(0, slots)) void this.at(times.shift()!).then(waiter.go);
          this.banked.push(...times);
        } else if (claim.circuit) {
          throw new VendorCircuitOpenError(
            `the vendor kept failing, so requests are paused until ${claim.circuit.openUntil.toISOString()} (circuit open; last error: ${claim.circuit.lastError ?? 'unknown'})`,
          );
        } else {
          // A little jitter so claimers from several workers do not wake in lockstep; never more than the wait
          // itself, which under a generous budget is a fraction of a millisecond.
          await this.sleep(claim.waitMs + Math.floor(Math.random() * Math.min(10, claim.waitMs + 1)));
        }
      }
    } catch (error) {
      for (const waiter of this.waiting.splice(0)) waiter.stop(error);
    } finally {
      this.claiming = false;
    }
  }

  /** The earliest banked slot still usable, taken from the bank; the expired ones are dropped. */
  private takeBanked(): number | undefined {
    const oldest = this.now() - CLAIM_SPAN_MS;
    while (this.banked.length > 0 && this.banked[0] < oldest) this.banked.shift();
    return this.banked.shift();
  }

  /** Resolves at a slot's time; at once when that is less than a millisecond away (a timer's least wait). */
  private at(slot: number): Promise<void> {
    const waitMs = slot - this.now();
    return waitMs < 1 ? Promise.resolve() : this.sleep(waitMs);
  }

  /** A healthy vendor costs no write: a success touches the state only when failures are on record. */
  async settle(ok: boolean, error?: string): Promise<void> {
    if (!ok) {
      this.failuresOnRecord = true;
      this.banked.length = 0;
      await this.states.recordFailure(this.integrationId, error ?? 'request failed', this.policy);
    } else if (this.failuresOnRecord) {
      this.failuresOnRecord = false;
      await this.states.recordSuccess(this.integrationId);
    }
  }
}

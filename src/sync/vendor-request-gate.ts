import type { Cadence } from '../generated/prisma/enums';
import { VendorCircuitOpenError, type VendorRequestGate } from '../fetch/adapter/vendor-http';
import { CADENCE_MS } from './sync-schedule';
import type { CircuitPolicy, VendorStateRepository } from './vendor-state.repository';

/** Propexo: "Requests cannot be made less frequently than once per minute." */
const SLOWEST_INTERVAL_MS = 60_000;

/** The time between two requests to one integration's vendor: `max_request_frequency` requests per `max_request_cadence`. */
export function requestIntervalMs(budget: { max_request_frequency: number; max_request_cadence: Cadence }): number {
  return Math.min(
    SLOWEST_INTERVAL_MS,
    Math.ceil(CADENCE_MS[budget.max_request_cadence] / Math.max(1, budget.max_request_frequency)),
  );
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
 * One integration's request gate: a budget slot before each request, the circuit told how each ended. The
 * requests waiting at this gate claim their slots together, one claim at a time: a claim takes a slot for each
 * of them, up to slotsPerClaim, and lets them go a slot's interval apart, so they keep the budget's pace.
 */
export class IntegrationRequestGate implements VendorRequestGate {
  /** Failures are on record (seen at a claim, or recorded here): the next success must clear them. */
  private failuresOnRecord = false;
  private readonly waiting: Waiter[] = [];
  private claiming = false;

  constructor(
    private readonly states: VendorStateRepository,
    private readonly integrationId: string,
    private readonly intervalMs: number,
    private readonly policy: CircuitPolicy,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** A write's gate: its claims go ahead of sync requests'. */
    private readonly write = false,
  ) {}

  /** Waits until this integration may send its next request, or throws while its circuit is open. */
  acquire(): Promise<void> {
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
        const slots = Math.min(this.waiting.length, slotsPerClaim(this.intervalMs));
        const claim = await this.states.claimSlot(this.integrationId, this.intervalMs, this.write, slots);
        if (claim.granted) {
          this.failuresOnRecord ||= claim.failing;
          this.waiting.splice(0, slots).forEach((waiter, i) => {
            if (i === 0) waiter.go();
            else void this.sleep(i * this.intervalMs).then(waiter.go);
          });
        } else if (claim.circuit) {
          throw new VendorCircuitOpenError(
            `the vendor kept failing, so requests are paused until ${claim.circuit.openUntil.toISOString()} (circuit open; last error: ${claim.circuit.lastError ?? 'unknown'})`,
          );
        } else {
          // A little jitter so claimers from several workers do not wake in lockstep.
          await this.sleep(claim.waitMs + Math.floor(Math.random() * 10));
        }
      }
    } catch (error) {
      for (const waiter of this.waiting.splice(0)) waiter.stop(error);
    } finally {
      this.claiming = false;
    }
  }

  /** A healthy vendor costs no write: a success touches the state only when failures are on record. */
  async settle(ok: boolean, error?: string): Promise<void> {
    if (!ok) {
      this.failuresOnRecord = true;
      await this.states.recordFailure(this.integrationId, error ?? 'request failed', this.policy);
    } else if (this.failuresOnRecord) {
      this.failuresOnRecord = false;
      await this.states.recordSuccess(this.integrationId);
    }
  }
}

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

/** One integration's request gate: a budget slot before each request, the circuit told how each ended. */
export class IntegrationRequestGate implements VendorRequestGate {
  /** Failures are on record (seen at a claim, or recorded here): the next success must clear them. */
  private failuresOnRecord = false;

  constructor(
    private readonly states: VendorStateRepository,
    private readonly integrationId: string,
    private readonly intervalMs: number,
    private readonly policy: CircuitPolicy,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** A write's gate: its claims go ahead of sync requests'. */
    private readonly write = false,
  ) {}

  /** Waits until this integration may send its next request (a claim per try), or throws while its circuit is open. */
  async acquire(): Promise<void> {
    for (;;) {
      const claim = await this.states.claimSlot(this.integrationId, this.intervalMs, this.write);
      if (claim.granted) {
        this.failuresOnRecord ||= claim.failing;
        return;
      }
      if (claim.circuit) {
        throw new VendorCircuitOpenError(
          `the vendor kept failing, so requests are paused until ${claim.circuit.openUntil.toISOString()} (circuit open; last error: ${claim.circuit.lastError ?? 'unknown'})`,
        );
      }
      // A little jitter so claimers from several workers do not wake in lockstep.
      await this.sleep(claim.waitMs + Math.floor(Math.random() * 10));
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

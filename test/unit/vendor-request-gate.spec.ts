import { VendorCircuitOpenError } from '../../src/fetch/adapter/vendor-http';
import { IntegrationRequestGate, slotsPerClaim } from '../../src/sync/vendor-request-gate';
import type { SlotClaim, VendorStateRepository } from '../../src/sync/vendor-state.repository';

const POLICY = { failureThreshold: 5, openMs: 1000, maxOpenMs: 20_000 };
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A budget in memory: the claims asked, answered by `answer` (granted unless told otherwise). */
function budget(answer: (slots: number) => SlotClaim = () => ({ granted: true, failing: false })) {
  const claims: number[] = [];
  const states = {
    claimSlot: (_id: string, _interval: number, _write: boolean, slots = 1) => {
      claims.push(slots);
      return Promise.resolve(answer(slots));
    },
  } as unknown as VendorStateRepository;
  return { claims, states };
}

describe('IntegrationRequestGate', () => {
  it('claims the slots of the requests waiting together in one claim, and lets them go an interval apart', async () => {
    const { claims, states } = budget();
    const slept: number[] = [];
    const wakes: (() => void)[] = [];
    const sleep = (ms: number) => {
      slept.push(ms);
      return new Promise<void>((resolve) => wakes.push(resolve));
    };
    const gate = new IntegrationRequestGate(states, 'int_1', 2, POLICY, sleep);
    const gone: number[] = [];
    const requests = [0, 1, 2, 3, 4].map((i) => gate.acquire().then(() => gone.push(i)));
    await flush();
    // The first claim was for the one request that came first; the four that queued behind it share the next.
    expect(claims).toEqual([1, 4]);
    expect(gone).toEqual([0, 1]);
    expect(slept).toEqual([2, 4, 6]);
    for (const wake of wakes) wake();
    await Promise.all(requests);
    expect(gone).toEqual([0, 1, 2, 3, 4]);
  });

  it('takes one slot per claim when the budget is tight, so no run of slots holds a write back', async () => {
    expect(slotsPerClaim(100)).toBe(1);
    expect(slotsPerClaim(1)).toBe(16);
    const { claims, states } = budget();
    const gate = new IntegrationRequestGate(states, 'int_1', 100, POLICY, () => Promise.resolve());
    await Promise.all([gate.acquire(), gate.acquire(), gate.acquire()]);
    expect(claims).toEqual([1, 1, 1]);
  });

  it('waits as the budget says, and stops every waiting request while the circuit is open', async () => {
    let answers = 0;
    const { claims, states } = budget(() =>
      ++answers === 1
        ? { granted: false, waitMs: 30, circuit: null }
        : { granted: false, waitMs: 0, circuit: { openUntil: new Date('2026-12-05T12:00:00Z'), lastError: '503' } },
    );
    const slept: number[] = [];
    const gate = new IntegrationRequestGate(states, 'int_1', 1, POLICY, (ms) => {
      slept.push(ms);
      return Promise.resolve();
    });
    const results = await Promise.allSettled([gate.acquire(), gate.acquire()]);
    expect(claims).toEqual([1, 2]);
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThanOrEqual(30);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(VendorCircuitOpenError);
    }
  });
});

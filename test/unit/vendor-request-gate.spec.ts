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
  it('claims a run of slots at once: the waiting requests go an interval apart, later ones use the banked slots', async () => {
    const { claims, states } = budget();
    let now = 1_000;
    const slept: number[] = [];
    const wakes: (() => void)[] = [];
    const sleep = (ms: number) => {
      slept.push(ms);
      return new Promise<void>((resolve) => wakes.push(resolve));
    };
    const gate = new IntegrationRequestGate(states, 'int_1', 2, POLICY, sleep, false, () => now);
    const gone: number[] = [];
    const requests = [0, 1, 2].map((i) => gate.acquire().then(() => gone.push(i)));
    await flush();
    // One claim for the run (slotsPerClaim(2) = 10): the first request goes now, the next two at +2 and +4 ms.
    expect(claims).toEqual([10]);
    expect(gone).toEqual([0]);
    expect(slept).toEqual([2, 4]);
    // A request that comes 5 ms later takes the run's next slot (at +6 ms) without a claim.
    now += 5;
    const later = gate.acquire().then(() => gone.push(3));
    await flush();
    expect(claims).toEqual([10]);
    expect(slept).toEqual([2, 4, 1]);
    for (const wake of wakes) wake();
    await Promise.all([...requests, later]);
    expect(gone.sort()).toEqual([0, 1, 2, 3]);
  });

  it('lets banked slots expire a run span after their time, and drops them when a request failed', async () => {
    const { claims, states } = budget();
    let now = 0;
    const gate = new IntegrationRequestGate(
      states,
      'int_1',
      2,
      POLICY,
      () => Promise.resolve(),
      false,
      () => now,
    );
    (states as unknown as { recordFailure: () => Promise<void> }).recordFailure = () => Promise.resolve();
    await gate.acquire();
    expect(claims).toEqual([10]);
    // Slots at 0, 2, …, 18 ms: 40 ms on, all are older than the 20 ms span and the next request claims again.
    now = 40;
    await gate.acquire();
    expect(claims).toEqual([10, 10]);
    await gate.acquire(); // the new run's second slot: no claim
    expect(claims).toEqual([10, 10]);
    await gate.settle(false, '503');
    await gate.acquire();
    expect(claims).toEqual([10, 10, 10]);
  });

  it('lets slots closer than a millisecond go together (no timer waits less)', async () => {
    const { claims, states } = budget();
    const slept: number[] = [];
    const gate = new IntegrationRequestGate(states, 'int_1', 0.01, POLICY, (ms) => {
      slept.push(ms);
      return Promise.resolve();
    });
    await Promise.all(Array.from({ length: 16 }, () => gate.acquire()));
    expect(claims).toEqual([16]);
    expect(slept).toEqual([]);
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
    expect(claims).toEqual([16, 16]); // a run of slots per try (slotsPerClaim(1)), whoever waits
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThanOrEqual(30);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(VendorCircuitOpenError);
    }
  });
});

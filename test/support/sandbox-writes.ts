/** Polls until `condition` holds (the machine is loaded: wait for the state, never for a fixed time). */
export async function waitFor(condition: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

export interface WriteCounts {
  received: number;
  applied: number;
  rejected: number;
  refused: number;
}

/** A sandbox's control API as the write tests use it: its write log and its fault injector. */
export function sandboxControl(url: () => string) {
  const writes = async () => (await (await fetch(`${url()}/_control/writes`)).json()) as Record<string, WriteCounts>;
  return {
    writes,
    addFault: (fault: object) =>
      fetch(`${url()}/_control/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fault),
      }),
    /**
     * Sends a write the sandbox will never answer (a hang fault), waits until its write log shows `operation`
     * received `received` times, then gives up as a client that timed out; answers whether a response came.
     */
    sendUnanswered: async (target: string, init: RequestInit, operation: string, received: number) => {
      const abort = new AbortController();
      const outcome = fetch(target, { ...init, signal: abort.signal }).then(
        () => 'answered',
        () => 'no answer',
      );
      await waitFor(async () => (await writes())[operation]?.received === received);
      abort.abort();
      return outcome;
    },
  };
}

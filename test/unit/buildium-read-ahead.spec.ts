import { readAhead } from '../../src/fetch/buildium/buildium.requests';

/** A call whose end the test decides. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('readAhead (Buildium ledgers in a sliding window)', () => {
  it('keeps `ahead` calls running, starts the next as soon as a result is taken, and yields in the items’ order', async () => {
    let drawn = 0;
    async function* items() {
      for (let i = 0; i < 6; i++) {
        drawn++;
        yield i;
      }
    }
    const calls = new Map<number, ReturnType<typeof deferred<string>>>();
    const results = readAhead(items(), 3, (i) => {
      const call = deferred<string>();
      calls.set(i, call);
      return call.promise;
    })[Symbol.asyncIterator]();

    const first = results.next();
    await flush();
    expect([...calls.keys()]).toEqual([0, 1, 2]);
    expect(drawn).toBe(3); // the items are drawn as the window moves, not all at once
    // Later calls may end first; results still come in order.
    calls.get(2)!.resolve('two');
    calls.get(1)!.resolve('one');
    calls.get(0)!.resolve('zero');
    expect(await first).toEqual({ done: false, value: 'zero' });
    // No batch to wait for: taking one result started the next call.
    const second = results.next();
    await flush();
    expect([...calls.keys()]).toEqual([0, 1, 2, 3]);
    expect(await second).toEqual({ done: false, value: 'one' });
    expect(await results.next()).toEqual({ done: false, value: 'two' });
    const rest: string[] = [];
    for (;;) {
      const next = results.next();
      await flush();
      for (const [i, call] of calls) if (i >= 3) call.resolve(`#${i}`);
      const result = await next;
      if (result.done) break;
      rest.push(result.value);
    }
    expect(rest).toEqual(['#3', '#4', '#5']);
  });

  it('throws a failed call’s error when its result is taken, and stops drawing items', async () => {
    let drawn = 0;
    async function* items() {
      for (let i = 0; i < 100; i++) {
        drawn++;
        yield i;
      }
    }
    const taken: number[] = [];
    const read = async () => {
      for await (const value of readAhead(items(), 2, (i) =>
        i === 1 ? Promise.reject(new Error('429 for ever')) : Promise.resolve(i),
      ))
        taken.push(value);
    };
    await expect(read()).rejects.toThrow('429 for ever');
    expect(taken).toEqual([0]);
    expect(drawn).toBeLessThanOrEqual(3);
  });
});

import { MicroBatcher } from '../../src/platform/common/micro-batch';

describe('MicroBatcher', () => {
  it('runs the calls of one turn as one batch and hands each caller its own output', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(async (inputs) => {
      batches.push(inputs);
      return inputs.map((n) => n * 10);
    });
    const outputs = await Promise.all([1, 2, 3].map((n) => batcher.call(n)));
    expect(outputs).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await batcher.call(4)).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('splits at the batch size and fails every caller of a failed batch', async () => {
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>(async (inputs) => {
      sizes.push(inputs.length);
      if (inputs.includes(13)) throw new Error('unlucky');
      return inputs;
    }, 2);
    const results = await Promise.allSettled([11, 12, 13, 14, 15].map((n) => batcher.call(n)));
    expect(sizes).toEqual([2, 2, 1]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
  });

  it('with one run in flight, gathers the calls made meanwhile into the next batch', async () => {
    const batches: number[][] = [];
    const ends: (() => void)[] = [];
    const batcher = new MicroBatcher<number, number>(
      (inputs) => {
        batches.push(inputs);
        return new Promise((resolve) => ends.push(() => resolve(inputs)));
      },
      200,
      1,
    );
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const first = batcher.call(1);
    await turn();
    const later = [2, 3, 4].map(async (n) => {
      await new Promise((resolve) => setTimeout(resolve, n)); // three separate turns, while the first runs
      return batcher.call(n);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toEqual([[1]]);
    ends.shift()!();
    expect(await first).toBe(1);
    await turn();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    ends.shift()!();
    expect(await Promise.all(later)).toEqual([2, 3, 4]);
  });

  it('with one run in flight, a failed run lets the next batch go and fails only its own callers', async () => {
    const batches: number[][] = [];
    let fail: (() => void) | undefined;
    const batcher = new MicroBatcher<number, number>(
      (inputs) => {
        batches.push(inputs);
        if (batches.length === 1) return new Promise((_, reject) => (fail = () => reject(new Error('down'))));
        return Promise.resolve(inputs);
      },
      200,
      1,
    );
    const first = batcher.call(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batcher.call(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(batches).toEqual([[1]]); // the second waits for the first to end
    fail!();
    await expect(first).rejects.toThrow('down');
    expect(await second).toBe(2);
    expect(batches).toEqual([[1], [2]]);
  });
});

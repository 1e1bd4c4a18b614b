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
});

import { BoundedMemo } from '../../src/platform/common/bounded-memo';

describe('BoundedMemo', () => {
  it('computes each key once while it is remembered', () => {
    const computed: string[] = [];
    const memo = new BoundedMemo(10, (key) => {
      computed.push(key);
      return key.toUpperCase();
    });
    expect([memo.get('a'), memo.get('b'), memo.get('a'), memo.get('b')]).toEqual(['A', 'B', 'A', 'B']);
    expect(computed).toEqual(['a', 'b']);
  });

  it('starts over when full, so memory stays bounded', () => {
    const computed: string[] = [];
    const memo = new BoundedMemo(2, (key) => {
      computed.push(key);
      return key;
    });
    memo.get('a');
    memo.get('b');
    memo.get('c'); // full: forgets a and b
    memo.get('c');
    memo.get('a');
    expect(computed).toEqual(['a', 'b', 'c', 'a']);
  });

  it('does not remember a failure: the next call computes again', () => {
    let calls = 0;
    const memo = new BoundedMemo(10, (key) => {
      calls += 1;
      if (calls === 1) throw new Error(`blocked ${key}`);
      return key;
    });
    expect(() => memo.get('x')).toThrow('blocked x');
    expect(memo.get('x')).toBe('x');
    expect(calls).toBe(2);
  });
});

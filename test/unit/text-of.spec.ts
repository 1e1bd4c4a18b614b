import { integer, lookup } from '../../src/normalise/normalise';
import { textOf } from '../../src/platform/text/text-of';

describe('textOf', () => {
  it('spells scalars as String does', () => {
    expect([textOf('a b'), textOf(12.5), textOf(true), textOf(10n), textOf(undefined), textOf(null)]).toEqual([
      'a b',
      '12.5',
      'true',
      '10',
      'undefined',
      'null',
    ]);
  });

  it('spells objects and arrays as JSON, and a cycle by its kind', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect([textOf({ a: [1, { b: 'c' }] }), textOf([1, 'x']), textOf(cycle)]).toEqual([
      '{"a":[1,{"b":"c"}]}',
      '[1,"x"]',
      '[object Object]',
    ]);
  });

  it('shows a malformed vendor object in the quarantine reason, and looks it up as no table key', () => {
    expect(() => integer({ value: 3 }, 'units_count')).toThrow('units_count: "{"value":3}" is not an integer');
    expect(lookup({ '[object Object]': 'wrong' }, { a: 1 }, 'fallback')).toBe('fallback');
  });
});

import { StatementNames } from '../../src/platform/database/statement-names';

describe('StatementNames', () => {
  it('names each distinct text once, up to its limit; texts past it run unnamed', () => {
    const names = new StatementNames('read_', 2);
    const a = names.nameOf('SELECT 1');
    const b = names.nameOf('SELECT 2');
    expect(a).toBe('read_0_0');
    expect(b).toBe('read_0_1');
    expect(names.nameOf('SELECT 1')).toBe(a);
    expect(names.nameOf('SELECT 3')).toBeUndefined();
    expect(names.nameOf('SELECT 2')).toBe(b);
  });

  it('starts afresh once per refused name: reads refused with an old name keep the new names', () => {
    const names = new StatementNames('read_', 2);
    const old = names.nameOf('SELECT 1')!;
    names.nameOf('SELECT 2');
    names.renew(old);
    const fresh = names.nameOf('SELECT 2');
    expect(fresh).toBe('read_1_0');
    names.renew(old); // a second read refused under the same stale name
    expect(names.nameOf('SELECT 2')).toBe(fresh);
    expect(names.nameOf('SELECT 1')).toBe('read_1_1');
    expect(names.nameOf('SELECT 3')).toBeUndefined();
  });
});

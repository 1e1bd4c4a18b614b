import { diffRecords } from '../../src/store/diff/record-diff';

describe('diffRecords', () => {
  const base = {
    id: 'r1',
    first_name: 'Ava',
    last_name: 'Kim',
    updated_at: '2026-01-01T00:00:00.000Z',
    last_seen: '2026-01-01T00:00:00.000Z',
    custom_data: { a: 1, b: [1, 2] },
    phone_2: null,
  };

  it('holds only the changed fields, with their previous and new values', () => {
    expect(diffRecords(base, { ...base, first_name: 'Eva', phone_2: '5551234567' })).toEqual({
      previous: { first_name: 'Ava', phone_2: null },
      new: { first_name: 'Eva', phone_2: '5551234567' },
    });
  });

  it('ignores volatile fields and is null when nothing else changed', () => {
    expect(
      diffRecords(base, { ...base, updated_at: '2026-02-01T00:00:00.000Z', last_seen: '2026-02-01T00:00:00.000Z' }),
    ).toBeNull();
  });

  it('compares objects and arrays by value, key order ignored', () => {
    expect(diffRecords(base, { ...base, custom_data: { b: [1, 2], a: 1 } })).toBeNull();
    expect(diffRecords(base, { ...base, custom_data: { a: 1, b: [2, 1] } })).toEqual({
      previous: { custom_data: { a: 1, b: [1, 2] } },
      new: { custom_data: { a: 1, b: [2, 1] } },
    });
  });

  it('treats a missing field as null and reports fields on one side only', () => {
    const { phone_2: _dropped, ...withoutPhone } = base;
    expect(diffRecords(base, withoutPhone)).toBeNull();
    expect(diffRecords(base, { ...base, deleted_at: '2026-03-01T00:00:00.000Z' })).toEqual({
      previous: { deleted_at: null },
      new: { deleted_at: '2026-03-01T00:00:00.000Z' },
    });
  });
});

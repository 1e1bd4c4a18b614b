import {
  bathroomCounts,
  cents,
  email,
  isoDate,
  lookup,
  lookupReported,
  phoneNumber,
  requiredId,
  text,
} from '../../src/normalise/normalise';
import type { MappingContext } from '../../src/normalise/canonical-record';
import { MAX_UNKNOWN_VALUE_LENGTH, UnknownValueTally } from '../../src/normalise/unknown-values';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { canonicalJson, contentHash, recordHasher, scalarJson } from '../../src/normalise/content-hash';
import { recordId } from '../../src/platform/common/ids';

describe('enum tables: lookups and unknown values', () => {
  const TABLE: Record<string, 'ACTIVE' | 'INACTIVE'> = { Active: 'ACTIVE', Past: 'INACTIVE' };

  it('finds own keys only, and reports what the table does not know as the vendor spelt it', () => {
    const reported: Array<[string, string, string | null]> = [];
    const ctx: MappingContext = {
      integrationId: 'i',
      ref: () => null,
      unknownValue: (field, value, mappedTo) => reported.push([field, value, mappedTo]),
    };
    expect(lookupReported(ctx, 'status_normalized', TABLE, 'Active', 'OTHER')).toBe('ACTIVE');
    expect(lookupReported(ctx, 'status_normalized', TABLE, null, 'OTHER')).toBeNull();
    expect(lookupReported(ctx, 'status_normalized', TABLE, 'Holdover', 'OTHER')).toBe('OTHER');
    expect(lookupReported(ctx, 'status_normalized', TABLE, 'constructor', 'OTHER')).toBe('OTHER');
    expect(lookupReported(ctx, 'is_vacant', { vacant: true }, 'Model Unit', null, (v) => v.toLowerCase())).toBeNull();
    expect(lookupReported(ctx, 'is_vacant', { vacant: true }, 'VACANT', null, (v) => v.toLowerCase())).toBe(true);
    expect(reported).toEqual([
      ['status_normalized', 'Holdover', 'OTHER'],
      ['status_normalized', 'constructor', 'OTHER'],
      ['is_vacant', 'Model Unit', null],
    ]);
    // Without a reporter (a caller that does not count), the lookup is the same.
    expect(
      lookupReported({ integrationId: 'i', ref: () => null }, 'status_normalized', TABLE, 'Holdover', 'OTHER'),
    ).toBe('OTHER');
    expect(lookup(TABLE, 'toString', null)).toBeNull();
  });

  it('counts unknown values per field and value over a page, with one example, only for records that were mapped', () => {
    const tally = new UnknownValueTally();
    tally.note('status_normalized', 'Holdover', 'OTHER');
    tally.settle('l1');
    tally.note('status_normalized', 'Holdover', 'OTHER');
    tally.note('type_normalized', 'Houseboat', 'OTHER');
    tally.settle('l2');
    tally.note('status_normalized', 'Holdover', 'OTHER');
    tally.drop(); // that record was quarantined
    tally.settle('l3'); // nothing noted for it
    tally.note('phone_1_type', 'x'.repeat(MAX_UNKNOWN_VALUE_LENGTH + 50), 'OTHER');
    tally.settle(null);
    expect(tally.entries()).toEqual([
      { field: 'status_normalized', value: 'Holdover', mappedTo: 'OTHER', occurrences: 2, sampleXId: 'l1' },
      { field: 'type_normalized', value: 'Houseboat', mappedTo: 'OTHER', occurrences: 1, sampleXId: 'l2' },
      {
        field: 'phone_1_type',
        value: 'x'.repeat(MAX_UNKNOWN_VALUE_LENGTH),
        mappedTo: 'OTHER',
        occurrences: 1,
        sampleXId: null,
      },
    ]);
  });
});

describe('normalise', () => {
  it('splits a decimal bathroom count into full and half bathrooms', () => {
    expect(bathroomCounts(2.5)).toEqual({ bathrooms_full: 2, bathrooms_half: 1 });
    expect(bathroomCounts(3)).toEqual({ bathrooms_full: 3, bathrooms_half: 0 });
    expect(bathroomCounts(0.5)).toEqual({ bathrooms_full: 0, bathrooms_half: 1 });
    expect(bathroomCounts(null)).toEqual({ bathrooms_full: null, bathrooms_half: null });
  });

  it('turns decimal dollars into integer cents without float drift', () => {
    expect(cents(1850.5, 'x')).toBe(185050);
    expect(cents(0.29, 'x')).toBe(29);
    expect(cents(1.005, 'x')).toBe(101);
    expect(cents('1,234.56', 'x')).toBe(123456);
    expect(cents(-12.345, 'x')).toBe(-1235);
    // Exact at any size a double keeps whole, and from a float's shortest form.
    expect(cents('90071992547409.91', 'x')).toBe(Number.MAX_SAFE_INTEGER);
    expect(cents(0.1 + 0.2, 'x')).toBe(30);
    expect(cents('-0.004', 'x')).toBe(0);
    expect(Object.is(cents('-0.004', 'x'), -0)).toBe(false);
    expect(cents('-0.005', 'x')).toBe(-1);
    expect(cents('1e3', 'x')).toBe(100000);
    expect(cents('.5', 'x')).toBe(50);
    expect(cents('12.', 'x')).toBe(1200);
    expect(() => cents('90071992547409.92', 'Amount')).toThrow(
      'Amount: "90071992547409.92" is beyond the cents kept exactly',
    );
    expect(() => cents(1e21, 'x')).toThrow(MalformedRecordError);
    for (const bad of ['.', '-', '1.2.3', '12e', Infinity, NaN, true, {}])
      expect(() => cents(bad, 'x')).toThrow(MalformedRecordError);
    expect(cents(null, 'x')).toBeNull();
    expect(() => cents('twelve', 'Rent')).toThrow(MalformedRecordError);
  });

  it('gives the same cents for plain amounts (up to 2 decimals) as for every other spelling of them', () => {
    expect(cents('+5.5', 'x')).toBe(550);
    expect(Object.is(cents('-0.00', 'x'), 0)).toBe(true);
    expect(cents('9999999999999.99', 'x')).toBe(999_999_999_999_999);
    expect(cents('-$1,000.1', 'x')).toBe(-100_010);
    for (let n = -100_000; n <= 100_000; n += 7) {
      const dollars = `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 100)}.${String(Math.abs(n) % 100).padStart(2, '0')}`;
      expect(cents(dollars, 'x')).toBe(n);
      expect(cents(`${dollars}0`, 'x')).toBe(n); // 3 decimals: the exact path
      expect(cents(Number(dollars), 'x')).toBe(n);
    }
  });

  it('reads dates and date-times as UTC instants and rejects impossible ones', () => {
    expect(isoDate('2024-07-01', 'd')).toBe('2024-07-01T00:00:00.000Z');
    expect(isoDate('2024-06-20T12:00:00Z', 'd')).toBe('2024-06-20T12:00:00.000Z');
    expect(isoDate('2024-06-20 12:00:00', 'd')).toBe('2024-06-20T12:00:00.000Z');
    expect(isoDate('2024-06-20T12:00:00+02:00', 'd')).toBe('2024-06-20T10:00:00.000Z');
    expect(isoDate(null, 'd')).toBeNull();
    expect(() => isoDate('2024-02-30', 'd')).toThrow(MalformedRecordError);
    expect(() => isoDate('2024-13-01T00:00:00Z', 'd')).toThrow(MalformedRecordError);
    expect(() => isoDate('2024-02-30 08:00', 'd')).toThrow(MalformedRecordError);
    expect(() => isoDate('not-a-date', 'DateOfBirth')).toThrow(/DateOfBirth/);
    expect(() => isoDate(20240101, 'd')).toThrow(MalformedRecordError);
  });

  it('takes a date only if it is a day of the calendar (leap years, no rolling over)', () => {
    expect(isoDate(' 2024-02-29 ', 'd')).toBe('2024-02-29T00:00:00.000Z');
    expect(isoDate('2000-02-29', 'd')).toBe('2000-02-29T00:00:00.000Z');
    expect(isoDate('2024-12-31', 'd')).toBe('2024-12-31T00:00:00.000Z');
    expect(isoDate('0050-01-01', 'd')).toBe(new Date('0050-01-01T00:00:00Z').toISOString());
    for (const bad of ['2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00'])
      expect(() => isoDate(bad, 'd')).toThrow(MalformedRecordError);
  });

  it('keeps North American phone numbers as 10 digits and others as given', () => {
    expect(phoneNumber('(555) 010-2000')).toBe('5550102000');
    expect(phoneNumber('+1 555 010 2000')).toBe('5550102000');
    expect(phoneNumber('+44 20 7946 0958')).toBe('+44 20 7946 0958');
    expect(phoneNumber('555-010-2000 x12')).toBe('555-010-2000 x12');
    expect(phoneNumber('  ')).toBeNull();
  });

  it('trims text, lowercases email and insists on ids', () => {
    expect(text('  Ana ')).toBe('Ana');
    expect(text('')).toBeNull();
    expect(email(' Ana@Example.COM ')).toBe('ana@example.com');
    expect(requiredId(501, 'Id')).toBe('501');
    expect(() => requiredId(undefined, 'Id')).toThrow(/Id is missing/);
    expect(() => requiredId({}, 'Id')).toThrow(MalformedRecordError);
  });
});

describe('content hash', () => {
  it('does not depend on key order at any depth, but on every value', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(contentHash({ a: 1, b: { c: 2, d: 3 } })).toBe(contentHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(contentHash({ a: 1, b: 2 })).not.toBe(contentHash({ a: 1, b: 3 }));
    expect(contentHash({ a: [1, 2] })).not.toBe(contentHash({ a: [2, 1] }));
  });

  it('writes every scalar as JSON.stringify does (the hash of each stored record depends on it)', () => {
    const strings = ['', 'plain', 'a"b', 'a\\b', '\n\t\r\b\f', '\u0000\u0001\u001f', '\u007f', 'é€', '\u2028\u2029'];
    const surrogates = ['\ud800', '\udfff', 'x\ud83dy', '\ud83d\ude00', '\ude00\ud83d'];
    for (const value of [...strings, ...surrogates, 0, -0, 1.5, -3, 1e21, 2 ** 53, true, false, null])
      expect(scalarJson(value)).toBe(JSON.stringify(value));
    expect(canonicalJson({ s: 'q"\u0001\ud800', n: [null, false] })).toBe(
      JSON.stringify({ n: [null, false], s: 'q"\u0001\ud800' }),
    );
  });
});

describe('recordHasher', () => {
  it('gives exactly contentHash for records of a known field list, whatever the build order', () => {
    const hasher = recordHasher(['b', 'a', 'c', 'z']);
    const record = { z: null, a: 'x', c: { y: [1, { q: 2, p: 1 }], x: true }, b: 3.5 };
    expect(hasher(record)).toBe(contentHash(record));
    expect(hasher({ a: 'x', b: 3.5, c: { x: true, y: [1, { p: 1, q: 2 }] }, z: null })).toBe(contentHash(record));
    expect(hasher({ ...record, a: 'y' })).not.toBe(contentHash(record));
  });

  it('gives the hashes and ids that earlier versions stored (a changed one would report every cached record as changed)', () => {
    // Values computed by the createHash-based code these replaced; ids are what every cached row is keyed by.
    const hasher = recordHasher(['b', 'a', 'c', 'z', 'u']);
    expect(hasher({ a: 'x"\\é', b: 3.5, c: { y: [1, { q: 2, p: 1 }], x: true }, z: null, u: undefined })).toBe(
      'dEbv6zZvR8XXOgX1hSyaoXetwdSvuWh3OsB_ujKubQQ',
    );
    expect(hasher({ a: 'x', b: 1, c: null, z: null }, 'links\u0000x')).toBe(
      'C9Zrd-gf6hls_Cpv0O8I9fiTMNY9C6QCxdeB2WKyhKM',
    );
    expect(contentHash({ k: [1, 'a', { b: null }] })).toBe('sdi2tc4OP77VXutwJ_Tg5MneyQAf6VYrlPvAf1Dadz8');
    expect(recordId('int_1', 'residents', '42')).toBe('corr6yo8bvhxpz0p90gfivp2t');
  });
});

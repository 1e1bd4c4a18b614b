import { types } from 'pg';
import { iso } from '../../src/catalogue/record-presenter';
import { ISO_TIMESTAMPS, isoTimestamptz } from '../../src/platform/database/iso-timestamps';

const pgParse = types.getTypeParser(types.builtins.TIMESTAMPTZ, 'text') as (text: string) => unknown;

/** timestamptz as PostgreSQL writes it (DateStyle ISO): UTC at every precision, other zones, extreme years. */
const TEXTS = [
  '2026-12-05 16:53:39.793+00',
  '2026-12-05 16:53:39.79+00',
  '2026-12-05 16:53:39.7+00',
  '2026-12-05 16:53:39+00',
  '2026-12-05 16:53:39.29+00',
  '1991-03-18 00:00:00+00',
  '2024-02-29 23:59:59.999+00',
  '0099-01-01 00:00:00.001+00',
  '2026-12-05 16:53:39.793+05:30',
  '2026-12-05 16:53:39.793-08',
  '2026-12-05 16:53:39.123456+00',
  '12026-12-05 16:53:39+00',
];

describe('timestamptz as ISO strings (the read API)', () => {
  it.each(TEXTS.map((t) => [t]))('%s presents as pg Date would', (text) => {
    expect(iso(isoTimestamptz(text))).toBe(iso(pgParse(text)));
  });

  it('rearranges UTC text with at most milliseconds without a Date; every 3-digit fraction as pg rounds it', () => {
    expect(isoTimestamptz('2026-12-05 16:53:39.7+00')).toBe('2026-12-05T16:53:39.700Z');
    for (let ms = 0; ms < 1000; ms++) {
      const text = `2026-01-02 03:04:05.${String(ms).padStart(3, '0').replace(/0+$/, '') || '0'}+00`;
      expect([text, isoTimestamptz(text)]).toEqual([text, (pgParse(text) as Date).toISOString()]);
    }
  });

  it('parses other types as pg does', () => {
    expect(ISO_TIMESTAMPS.getTypeParser(types.builtins.TIMESTAMPTZ, 'text')).toBe(isoTimestamptz);
    for (const oid of [types.builtins.INT8, types.builtins.DATE, types.builtins.JSONB, types.builtins.TIMESTAMP])
      expect(ISO_TIMESTAMPS.getTypeParser(oid, 'text')).toBe(types.getTypeParser(oid, 'text'));
  });

  it('takes text already in toISOString form as its own ISO string', () => {
    expect(iso('2026-12-05T16:53:39.793Z')).toBe('2026-12-05T16:53:39.793Z');
    expect(iso('2026-12-05T16:53:39Z')).toBe('2026-12-05T16:53:39.000Z');
    expect(iso('2026-12-05 16:53:39.793+01')).toBe('2026-12-05T15:53:39.793Z');
  });
});

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parseTimeFilter } from '../../src/platform/common/http/query-rules';
import { LIST_QUERY_DTOS } from '../../src/serve/data/record-query.dto';

const { leases: LeaseListQueryDto, units: UnitListQueryDto } = LIST_QUERY_DTOS;

const iso = (value: string) => parseTimeFilter(value)?.toISOString() ?? null;
/** What DtoValidationPipe does with a query (Nest itself is ES modules, which these unit tests cannot load). */
const validated = <T extends object>(dto: new () => T, value: Record<string, string>) => {
  const instance = plainToInstance(dto, value, { enableImplicitConversion: false });
  return {
    instance,
    errors: validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false }),
  };
};
const query = <T extends object>(dto: new () => T, value: Record<string, string>) => validated(dto, value).instance;
const refusedFields = <T extends object>(dto: new () => T, value: Record<string, string>) =>
  validated(dto, value).errors.map((e) => e.property);

describe('time filters', () => {
  it('read every ISO 8601 extended spelling of an instant, a date as its midnight and a time without zone in UTC', () => {
    expect(iso('2026-01-31')).toBe('2026-01-31T00:00:00.000Z');
    expect(iso('2026-01-31T09:30:00Z')).toBe('2026-01-31T09:30:00.000Z');
    expect(iso('2026-01-31t09:30:00z')).toBe('2026-01-31T09:30:00.000Z');
    expect(iso('2026-01-31 09:30:00Z')).toBe('2026-01-31T09:30:00.000Z');
    expect(iso('2026-01-31T09:30Z')).toBe('2026-01-31T09:30:00.000Z');
    expect(iso('2026-01-31T09:30:00')).toBe('2026-01-31T09:30:00.000Z');
    expect(iso('2026-01-31T09:30:00.123456789Z')).toBe('2026-01-31T09:30:00.123Z');
    expect(iso('2026-01-31T09:30:00,5Z')).toBe('2026-01-31T09:30:00.500Z');
    expect(iso('2026-01-31T09:30:00+05:30')).toBe('2026-01-31T04:00:00.000Z');
    expect(iso('2026-01-31T09:30:00-0800')).toBe('2026-01-31T17:30:00.000Z');
    expect(iso('2026-01-01T01:00:00+02')).toBe('2025-12-31T23:00:00.000Z');
    expect(iso('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00.000Z');
    expect(iso('2000-02-29')).toBe('2000-02-29T00:00:00.000Z');
  });

  it('name no instant for anything else: other ISO 8601 forms, days off the calendar, times out of range', () => {
    for (const value of [
      '2026-W05',
      '2026-W05-6',
      '2026-031',
      '2026',
      '2026-01',
      '20260131T093000Z',
      '2026-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-01-31T24:00:00Z',
      '2026-01-31T09:60:00Z',
      '2026-01-31T09:30:60Z',
      '2026-01-31T09:30:00+24:00',
      '2026-01-31T09:30:00+05:60',
      '2026-01-31T09:30:00 05:30',
      '2026-01-31T9:30Z',
      'yesterday',
      '',
      ' 2026-01-31',
    ]) {
      expect([value, parseTimeFilter(value)]).toEqual([value, null]);
    }
    expect(parseTimeFilter(['2026-01-31'])).toBeNull(); // a parameter given twice
    expect(parseTimeFilter(undefined)).toBeNull();
  });

  it('reach the service as canonical ISO strings, and a bad one is a 400 naming it', () => {
    expect(
      query(LeaseListQueryDto, { updated_at_gte: '2026-01-31T09:30:00+05:30', last_seen_lte: '2026-01-31' }),
    ).toMatchObject({
      updated_at_gte: '2026-01-31T04:00:00.000Z',
      last_seen_lte: '2026-01-31T00:00:00.000Z',
    });
    expect(refusedFields(LeaseListQueryDto, { updated_at_gte: '2026-W05', last_seen_gte: '2026-01-31' })).toEqual([
      'updated_at_gte',
    ]);
    // The spec's move dates are days: YYYY-MM-DD on the calendar.
    expect(query(LeaseListQueryDto, { before_move_in_date: '2024-02-29' })).toMatchObject({
      before_move_in_date: '2024-02-29',
    });
    expect(
      refusedFields(LeaseListQueryDto, {
        before_move_in_date: '2026-02-30',
        after_move_out_date: '2026-01-31T00:00:00Z',
      }).sort(),
    ).toEqual(['after_move_out_date', 'before_move_in_date']);
  });
});

describe('filters that need another', () => {
  it('are refused alone, naming the filter, and taken together', () => {
    expect(
      refusedFields(LeaseListQueryDto, { x_id: '7', x_unit_id: '8', x_property_id: '9', unit_number: '1A' }).sort(),
    ).toEqual(['unit_number', 'x_id', 'x_property_id', 'x_unit_id']);
    expect(
      refusedFields(LeaseListQueryDto, {
        x_id: '7',
        x_unit_id: '8',
        x_property_id: '9',
        integration_id: 'i',
        unit_number: '1A',
        property_id: 'p',
      }),
    ).toEqual([]);
    expect(refusedFields(UnitListQueryDto, { unit_number: '1A', integration_id: 'i' })).toEqual(['unit_number']);
  });
});

describe('paging', () => {
  it('takes limit 0 to 250', () => {
    expect(refusedFields(UnitListQueryDto, { limit: '0' })).toEqual([]);
    expect(refusedFields(UnitListQueryDto, { limit: '250' })).toEqual([]);
    for (const limit of ['251', '-1', '1.5', '01', ''])
      expect([limit, refusedFields(UnitListQueryDto, { limit })]).toEqual([limit, ['limit']]);
  });
});

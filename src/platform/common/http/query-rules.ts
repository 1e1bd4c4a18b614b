import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { isCalendarDay } from '../calendar';

/**
 * ISO 8601 in its extended format (RFC 3339 and its usual relaxations): a date, or a date and a time with
 * optional seconds, fraction (`.` or `,`) and zone (`Z`, `±hh`, `±hhmm`, `±hh:mm`), `T`, `t` or a space between.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/**
 * The instant a time filter names, or null when it names none. A date is its midnight and a time without a
 * zone is read in UTC, so the answer never depends on the database session's time zone.
 */
export function parseTimeFilter(value: unknown): Date | null {
  const match = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!match) return null;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  if (!isCalendarDay(year, month, day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  let offset = 'Z';
  if (zone.toUpperCase() !== 'Z') {
    const [sign, hours, minutes] = [zone[0], zone.slice(1, 3), zone.slice(3).replace(':', '') || '00'];
    if (Number(hours) > 23 || Number(minutes) > 59) return null;
    offset = `${sign}${hours}:${minutes}`;
  }
  const instant = new Date(
    `${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0').slice(0, 3)}${offset}`,
  );
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/**
 * A query parameter naming an instant (API.md §2's time filters, the spec's date-time filters): any ISO 8601
 * date-time or date, handed on as its canonical ISO string (UTC, milliseconds); anything else is a 400 naming it.
 */
export function IsTimeFilter(): PropertyDecorator {
  const canonical = Transform(({ value }) => parseTimeFilter(value)?.toISOString() ?? value);
  const rule = ValidateBy({
    name: 'isTimeFilter',
    validator: {
      validate: (value) => parseTimeFilter(value) !== null,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} must be an ISO 8601 date-time (e.g. 2026-01-31T09:30:00Z) or date (2026-01-31)`,
    },
  });
  return (target, key) => {
    canonical(target, key);
    rule(target, key);
  };
}

/** A query parameter naming a calendar day, `YYYY-MM-DD` (the spec's move-in and move-out filters). */
export function IsDateFilter(): PropertyDecorator {
  return ValidateBy({
    name: 'isDateFilter',
    validator: {
      validate: (value) =>
        typeof value === 'string' &&
        DATE.test(value) &&
        isCalendarDay(...(DATE.exec(value)!.slice(1) as [string, string, string])),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be a date, YYYY-MM-DD`,
    },
  });
}

/**
 * A filter that means something only together with another (Propexo's docs: x_id needs integration_id,
 * unit_number needs property_id): without it, a 400 naming the filter. The API docs state the rule.
 */
export function RequiresParam(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'requiresParam',
    constraints: [other],
    validator: {
      validate: (value, args) => !value || Boolean((args?.object as Record<string, unknown>)[other]),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} requires ${other}`,
    },
  });
}

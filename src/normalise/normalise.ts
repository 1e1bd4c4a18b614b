import type { MappingContext } from './canonical-record';
import { MalformedRecordError } from './malformed-record.error';
import { isCalendarDay } from '../platform/common/calendar';
import { textOf } from '../platform/text/text-of';

/** Small, pure conversions every vendor mapping needs. All return null for "unknown". */

export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new MalformedRecordError(`expected text, got ${typeof value}`);
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;
/** Most amounts: up to 13 whole digits and 2 decimals, whose cents are exact in plain numbers (no BigInt). */
const PLAIN_AMOUNT = /^([+-])?(\d{1,13})(?:\.(\d{0,2}))?$/;

/**
 * Decimal currency (dollars) to integer cents, exactly: the decimal as written (a number as its shortest form,
 * `String(0.1 + 0.2)`), scaled in integer arithmetic and rounded half away from zero on the literal value
 * (1.005 -> 101, not 100). An amount beyond a double's exact integers (2^53 - 1 cents) is malformed, never rounded.
 */
export function cents(value: unknown, field: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  const literal =
    typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : typeof value === 'string'
        ? value.replace(/[$,\s]/g, '')
        : '';
  const plain = PLAIN_AMOUNT.exec(literal);
  if (plain) {
    const [, plainSign, whole, fraction = ''] = plain;
    const amount = Number(whole) * 100 + (fraction === '' ? 0 : Number(fraction.padEnd(2, '0')));
    return plainSign === '-' && amount !== 0 ? -amount : amount;
  }
  const parts = DECIMAL.exec(literal);
  if (!parts || `${parts[2]}${parts[3] ?? ''}` === '')
    throw new MalformedRecordError(`${field}: "${textOf(value)}" is not an amount`);
  const [, sign, whole, fraction = '', exponent = '0'] = parts;
  const digits = BigInt(`${whole}${fraction}` || '0');
  // amount = digits * 10^(exponent - fraction digits); in cents, two places more.
  const shift = Number(exponent) - fraction.length + 2;
  let amount: bigint;
  if (shift >= 0) {
    amount = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    amount = digits / divisor + (2n * (digits % divisor) >= divisor ? 1n : 0n);
  }
  if (amount > BigInt(Number.MAX_SAFE_INTEGER))
    throw new MalformedRecordError(`${field}: "${textOf(value)}" is beyond the cents kept exactly`);
  return sign === '-' && amount !== 0n ? -Number(amount) : Number(amount);
}

export function integer(value: unknown, field: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw new MalformedRecordError(`${field}: "${textOf(value)}" is not an integer`);
  return n;
}

export function bool(value: unknown, field: string): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True' || value === 1) return true;
  if (value === 'false' || value === 'False' || value === 0) return false;
  throw new MalformedRecordError(`${field}: "${textOf(value)}" is not a boolean`);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A vendor date or date-time as an ISO 8601 instant. Date-only values are taken as midnight UTC so the
 * calendar day never shifts; date-times without a zone are read as UTC.
 */
export function isoDate(value: unknown, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string')
    throw new MalformedRecordError(`${field}: expected a date string, got ${typeof value}`);
  const trimmed = value.trim();
  const dateOnly = DATE_ONLY.exec(trimmed);
  if (dateOnly) {
    // A calendar day is its own instant at midnight UTC: checked without a Date (dates are a hot path of mapping).
    if (!isCalendarDay(dateOnly[1]!, dateOnly[2]!, dateOnly[3]!))
      throw new MalformedRecordError(`${field}: "${value}" is not a date`);
    return `${trimmed}T00:00:00.000Z`;
  }
  let date: Date;
  if (DATE_TIME.test(trimmed)) {
    // Date would roll 2024-13-01 over into 2025; the calendar part must be a real day.
    if (!isCalendarDay(trimmed.slice(0, 4), trimmed.slice(5, 7), trimmed.slice(8, 10)))
      throw new MalformedRecordError(`${field}: "${value}" is not a date`);
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed);
    date = new Date(hasZone ? trimmed.replace(' ', 'T') : `${trimmed.replace(' ', 'T')}Z`);
  } else {
    throw new MalformedRecordError(`${field}: "${value}" is not a date`);
  }
  if (Number.isNaN(date.getTime())) throw new MalformedRecordError(`${field}: "${value}" is not a date`);
  return date.toISOString();
}

/** North American numbers as 10 digits (the form Propexo filters by); anything else trimmed as given. */
export function phoneNumber(value: unknown): string | null {
  const raw = text(value);
  if (raw === null) return null;
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 10 && !/x|ext/i.test(raw)) return digits;
  if (digits.length === 11 && digits.startsWith('1') && !/x|ext/i.test(raw)) return digits.slice(1);
  return raw;
}

export function email(value: unknown): string | null {
  const raw = text(value);
  return raw === null ? null : raw.toLowerCase();
}

/** A plain object (a record or an element with children): not null, not a list. */
export const isObject = (value: unknown): value is Record<string, any> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The vendor's id as a string (ids are often integers), or null when the value is no id. */
export function idOrNull(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return null;
}

/** The vendor's id as a string (ids are often integers); a missing id makes the record unusable. */
export function requiredId(value: unknown, field: string): string {
  const id = idOrNull(value);
  if (id === null)
    throw new MalformedRecordError(`${field} is missing or not an id (${JSON.stringify(value) ?? 'undefined'})`);
  return id;
}

export function optionalId(value: unknown, field: string): string | null {
  return value === null || value === undefined || value === '' ? null : requiredId(value, field);
}

/** Looks a raw enum value up in a vendor table; unknown values map to `fallback` and keep their raw form elsewhere. */
export function lookup<T>(table: Record<string, T>, raw: unknown, fallback: T | null = null): T | null {
  if (raw === null || raw === undefined) return null;
  const key = textOf(raw);
  // Own keys only: a vendor value such as "constructor" must not find Object's prototype.
  return Object.hasOwn(table, key) ? table[key] : fallback;
}

/**
 * `lookup` for a canonical `field`, reporting a value the table does not know through the mapping context
 * (the sync counts them per field and value) before it falls back. `keyOf` spells the value as the table
 * does (e.g. lower case); the value is reported as the vendor sent it.
 */
export function lookupReported<T>(
  ctx: MappingContext,
  field: string,
  table: Record<string, T>,
  raw: unknown,
  fallback: T | null = null,
  keyOf: (value: string) => string = (v) => v,
): T | null {
  if (raw === null || raw === undefined) return null;
  const value = textOf(raw);
  const key = keyOf(value);
  if (Object.hasOwn(table, key)) return table[key];
  ctx.unknownValue?.(field, value, fallback === null ? null : String(fallback));
  return fallback;
}

/** Propexo's full/half bathroom counts from a decimal count (2.5 = 2 full, 1 half); both null when unknown. */
export function bathroomCounts(bathrooms: number | null): {
  bathrooms_full: number | null;
  bathrooms_half: number | null;
} {
  if (bathrooms === null) return { bathrooms_full: null, bathrooms_half: null };
  return { bathrooms_full: Math.floor(bathrooms), bathrooms_half: bathrooms % 1 === 0 ? 0 : 1 };
}

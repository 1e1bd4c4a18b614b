import { MalformedRecordError } from '../../normalise/malformed-record.error';
import { isObject } from '../../normalise/normalise';
import { textOf } from '../../platform/text/text-of';

/** Entrata's JSON is converted from XML; these undo the artefacts of that conversion (pure). */

type Json = Record<string, unknown>;

/** A list however it arrived: a one-element list comes as the element itself, an empty one as `{}`, `""` or nothing. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  if (isObject(value) && Object.keys(value).length === 0) return [];
  return [value];
}

/** The list `container[key]` of a double-wrapped collection (`leases.lease`, `Customers.Customer`). */
export function listOf(container: unknown, key: string): unknown[] {
  return isObject(container) ? asArray(container[key]) : [];
}

/** Moves `@attributes` into their element at every depth; an element's own field wins over an attribute of the same name. */
export function liftAttributes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(liftAttributes);
  if (!isObject(value)) return value;
  const { '@attributes': attributes, ...own } = value;
  const lifted: Json = isObject(attributes) ? { ...attributes } : {};
  for (const [key, v] of Object.entries(own)) lifted[key] = liftAttributes(v);
  return lifted;
}

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?$/;

const MOUNTAIN = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Denver',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** How far US Mountain wall time is from UTC at an instant (-7 h in winter, -6 h in summer). */
function mountainOffsetMs(instant: number): number {
  const part = Object.fromEntries(MOUNTAIN.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second) - instant;
}

/** An instant as Entrata writes times: US Mountain wall time `MM/DD/YYYY HH:mm:ss`, without an offset. */
export function mountainWallTime(instant: number): string {
  const part = Object.fromEntries(MOUNTAIN.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return `${part.month}/${part.day}/${part.year} ${part.hour}:${part.minute}:${part.second}`;
}

/**
 * A Mountain wall time (given as if it were UTC) as the real instant. The offset is taken where the result
 * lands, so DST applies; an hour repeated in autumn resolves to its first (daylight) occurrence.
 */
export function mountainWallTimeToInstant(wallAsUtc: number): number {
  const guess = wallAsUtc - mountainOffsetMs(wallAsUtc);
  return wallAsUtc - mountainOffsetMs(guess);
}

/**
 * An Entrata date (`MM/DD/YYYY`, also ISO `YYYY-MM-DD`) or date-time (Mountain time, no offset) as an ISO
 * instant. A date alone is that calendar day at midnight UTC, as every vendor's dates are kept.
 */
export function entrataDate(value: unknown, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string')
    throw new MalformedRecordError(`${field}: expected a date string, got ${typeof value}`);
  const trimmed = value.trim();
  const us = US_DATE.exec(trimmed);
  const iso = us ? null : ISO_LOCAL.exec(trimmed);
  if (!us && !iso) throw new MalformedRecordError(`${field}: "${value}" is not a date`);
  const [year, month, day] = us ? [us[3], us[1], us[2]].map(Number) : [iso![1], iso![2], iso![3]].map(Number);
  const [hourText, minuteText, secondText, meridiem] = us
    ? [us[4], us[5], us[6], us[7]]
    : [iso![4], iso![5], iso![6], undefined];
  let hour = Number(hourText ?? 0);
  if (meridiem) {
    if (hour < 1 || hour > 12) throw new MalformedRecordError(`${field}: "${value}" is not a time`);
    hour = (hour % 12) + (/p/i.test(meridiem) ? 12 : 0);
  }
  const minute = Number(minuteText ?? 0);
  const second = Number(secondText ?? 0);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new MalformedRecordError(`${field}: "${value}" is not a date`);
  }
  return new Date(hourText === undefined ? wall : mountainWallTimeToInstant(wall)).toISOString();
}

/** Entrata booleans: true/false, 1/0, and their text forms. */
export function flag(value: unknown, field: string): boolean | null {
  if (value === null || value === undefined || value === '') return null;
  if (value === true || value === 1 || value === '1' || value === 'true' || value === 'True') return true;
  if (value === false || value === 0 || value === '0' || value === 'false' || value === 'False') return false;
  throw new MalformedRecordError(`${field}: "${textOf(value)}" is not a boolean`);
}

/** A number sent as a number or as decimal text. */
export function decimal(value: unknown, field: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n)) throw new MalformedRecordError(`${field}: "${textOf(value)}" is not a number`);
  return n;
}

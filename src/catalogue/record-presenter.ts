import {
  CANONICAL_MODELS,
  LINK_MODEL,
  type CanonicalModelName,
  type ColumnType,
  type EmbeddedItem,
} from './canonical-models';
import { textOf } from '../platform/text/text-of';

/**
 * A cache row as the spec's record object, without embedded links (the read API adds those; webhook
 * payloads leave them out): system fields first, then every field of the model, timestamps as ISO strings.
 * Items of the record's own arrays (a request's `history`) are in the spec's field order; with `stampItems`
 * (the read API) they carry the record's `created_at`, `updated_at` and `last_seen` as the spec requires, without
 * it (events, diffs) they leave out those volatile times.
 */
export function presentRecord(
  model: CanonicalModelName,
  row: Record<string, unknown>,
  { stampItems = false } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of planOf(model)) out[field.key] = field.value(row, stampItems);
  return out;
}

/**
 * presentRecord's object as JSON text, written straight from the row (the read API's pages: no object per record
 * to build, walk and collect). `tail` is JSON members to append (`"pets":[],…`), none of them a key of the record.
 * The same text as `JSON.stringify(presentRecord(…))` with those members assigned: a unit test holds it so.
 */
export function presentRecordJson(
  model: CanonicalModelName,
  row: Record<string, unknown>,
  { stampItems = false } = {},
  tail = '',
): string {
  let json = '{';
  let separator = '';
  for (const field of planOf(model)) {
    const value = field.value(row, stampItems);
    if (value === undefined) continue; // as JSON.stringify leaves the key out
    json += separator + field.jsonKey + jsonOf(value);
    separator = ',';
  }
  return `${json}${tail && separator}${tail}}`;
}

/** One key of a presented record and how its value comes from the row. */
interface PresentedField {
  key: string;
  /** `"key":` */
  jsonKey: string;
  value: (row: Record<string, unknown>, stampItems: boolean) => unknown;
}

const plans = new Map<CanonicalModelName, PresentedField[]>();

/** A model's presented fields in order, made once from its declaration. */
function planOf(model: CanonicalModelName): PresentedField[] {
  let plan = plans.get(model);
  if (plan) return plan;
  const { fields, embeddedItems = {} } = CANONICAL_MODELS[model];
  const field = (key: string, value: PresentedField['value']): PresentedField => ({
    key,
    jsonKey: `${JSON.stringify(key)}:`,
    value,
  });
  const stamps = (row: Record<string, unknown>) => ({
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    last_seen: iso(row.last_seen),
  });
  plan = [
    field('id', (row) => row.id),
    field('created_at', (row) => iso(row.created_at)),
    field('updated_at', (row) => iso(row.updated_at)),
    field('last_seen', (row) => iso(row.last_seen)),
    field('x_id', (row) => row.x_id),
    ...Object.entries(fields).map(([name, type]) => {
      const item = embeddedItems[name];
      return field(name, (row, stampItems) => {
        const value = row[name];
        if (!item || !Array.isArray(value)) return serialise(value, type);
        const recordStamps = stampItems ? stamps(row) : null;
        return (value as Record<string, unknown>[]).map((given) => presentItem(item, given, recordStamps));
      });
    }),
    field('integration_id', (row) => row.integration_id),
    field('integration_vendor', (row) => row.integration_vendor),
    field('deleted_at', (row) => iso(row.deleted_at)),
  ];
  plans.set(model, plan);
  return plan;
}

/** A residents_to_leases row as the Connect stream presents it, which is also the payload of its events. */
export function presentLink(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, type] of LINK_MODEL.presentedFields) out[field] = serialise(row[field], type);
  return out;
}

/** An embedded item in its declared field order; with `record`, the record's timestamps as the item's. */
function presentItem(
  item: EmbeddedItem,
  given: Record<string, unknown>,
  record: Record<string, unknown> | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(item.fields)) {
    if (kind !== 'record_stamp') out[field] = given[field] ?? null;
    else if (record) out[field] = record[field];
  }
  return out;
}

/** Strings JSON.stringify writes other than between two quotes: control characters, `"`, `\\` and surrogates. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A presented value (never undefined) as JSON.stringify writes it; a plain string without its call. */
export function jsonOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(value);
  }
}

/** What Date.prototype.toISOString writes (of a year 0–9999): text in that form is its own ISO string. */
const ISO_STRING = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const text = textOf(value);
  return ISO_STRING.test(text) ? text : new Date(text).toISOString();
}

function serialise(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'timestamptz') return iso(value);
  // bigint (cents) comes back from pg as text; a cached amount is a safe integer (the ETL checked it), so exact.
  if (type === 'float' || type === 'int' || type === 'cents') return Number(value);
  return value;
}

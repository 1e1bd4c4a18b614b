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
  const out: Record<string, unknown> = {
    id: row.id,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    last_seen: iso(row.last_seen),
    x_id: row.x_id,
  };
  const { fields, embeddedItems = {} } = CANONICAL_MODELS[model];
  for (const [field, type] of Object.entries(fields)) {
    const item = embeddedItems[field];
    out[field] =
      item && Array.isArray(row[field])
        ? (row[field] as Record<string, unknown>[]).map((given) => presentItem(item, given, stampItems ? out : null))
        : serialise(row[field], type);
  }
  out.integration_id = row.integration_id;
  out.integration_vendor = row.integration_vendor;
  out.deleted_at = iso(row.deleted_at);
  return out;
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

export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(textOf(value)).toISOString();
}

function serialise(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'timestamptz') return iso(value);
  // bigint (cents) comes back from pg as text; a cached amount is a safe integer (the ETL checked it), so exact.
  if (type === 'float' || type === 'int' || type === 'cents') return Number(value);
  return value;
}

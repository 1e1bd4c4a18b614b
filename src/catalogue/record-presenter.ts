import { CANONICAL_MODELS, LINK_MODEL, type CanonicalModelName, type ColumnType } from './canonical-models';
import { textOf } from '../platform/text/text-of';

/**
 * A cache row as the spec's record object, without embedded arrays (the read API adds those; webhook
 * payloads leave them out): system fields first, then every field of the model, timestamps as ISO strings.
 */
export function presentRecord(model: CanonicalModelName, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: row.id,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    last_seen: iso(row.last_seen),
    x_id: row.x_id,
  };
  for (const [field, type] of Object.entries(CANONICAL_MODELS[model].fields)) out[field] = serialise(row[field], type);
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

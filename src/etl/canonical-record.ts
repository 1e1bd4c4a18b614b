import { CANONICAL_MODELS, RESIDENT_LEASE_FIELDS, type CanonicalModelName, type ColumnType } from '../canonical/canonical-models';
import { recordHasher } from './content-hash';
import { MalformedRecordError } from './malformed-record.error';

/** What a vendor mapping returns for one raw record: canonical field values keyed by Propexo name. */
export interface MappedRecord {
  x_id: string;
  values: Record<string, unknown>;
  /** Lease records only: the residents on the lease (residents_to_leases). */
  links?: MappedLink[];
}

export interface MappedLink {
  x_resident_id: string;
  x_resident_type?: string | null;
  resident_type_normalized?: string | null;
  move_in_date?: string | null;
  move_out_date?: string | null;
  notice_date?: string | null;
  custom_data?: Record<string, unknown> | null;
}

/** Given to mappings so they can name related records by our id without any lookup. */
export interface MappingContext {
  integrationId: string;
  ref(model: CanonicalModelName, xId: string | null | undefined): string | null;
  /**
   * Reports a vendor value that a mapping table does not know: `field` (canonical) got `mappedTo` instead
   * (OTHER or null; the raw value is kept in `*_raw` where the model has one). The sync counts these per
   * field and value; callers that do not count (tests, one-off mappings) leave it out.
   */
  unknownValue?(field: string, value: string, mappedTo: string | null): void;
}

export interface CanonicalRecord {
  id: string;
  x_id: string;
  /** Every field of the model, typed for its column, null where unknown. */
  values: Record<string, unknown>;
  hash: string;
  links?: CanonicalLink[];
}

export interface CanonicalLink {
  id: string;
  values: Record<string, unknown>;
  hash: string;
}

/**
 * Completes and type-checks a mapped record against the canonical model: every field present (null when
 * unknown), each value of its column's type, required fields set. A vendor value of the wrong type is a
 * MalformedRecordError (quarantined); a field the model lacks is a bug in the mapping and throws.
 */
const hashers = new Map<string, (values: Record<string, unknown>) => string>();
function hashOf(kind: string, fields: Record<string, unknown>, values: Record<string, unknown>): string {
  let hasher = hashers.get(kind);
  if (!hasher) hashers.set(kind, (hasher = recordHasher(Object.keys(fields))));
  return hasher(values);
}

export function toCanonicalRecord(modelName: CanonicalModelName, mapped: MappedRecord, ctx: MappingContext): CanonicalRecord {
  const model = CANONICAL_MODELS[modelName];
  const values = completeValues(model.fields, mapped.values, modelName);
  for (const [field, fallback] of Object.entries(model.nullDefaults)) values[field] ??= fallback;
  for (const field of model.required) {
    if (values[field] === null) throw new MalformedRecordError(`${field} is required but missing`);
  }
  const id = ctx.ref(modelName, mapped.x_id)!;
  const record: CanonicalRecord = { id, x_id: mapped.x_id, values, hash: hashOf(modelName, model.fields, values) };
  if (mapped.links) {
    record.links = mapped.links.map((link) => {
      const linkValues = completeValues(
        RESIDENT_LEASE_FIELDS,
        { ...link, resident_id: ctx.ref('residents', link.x_resident_id), lease_id: id, x_lease_id: mapped.x_id },
        'residents_to_leases',
      );
      return { id: `${id}:${linkValues.resident_id}`, values: linkValues, hash: hashOf('residents_to_leases', RESIDENT_LEASE_FIELDS, linkValues) };
    });
  }
  return record;
}

function completeValues(fields: Record<string, ColumnType>, given: Record<string, unknown>, where: string): Record<string, unknown> {
  for (const key of Object.keys(given)) {
    if (!(key in fields)) throw new Error(`Mapping bug: ${where} has no field "${key}"`);
  }
  const values: Record<string, unknown> = {};
  for (const [field, type] of Object.entries(fields)) {
    const value = given[field] ?? null;
    if (value !== null && !hasType(value, type)) {
      throw new MalformedRecordError(`${field}: ${JSON.stringify(value)} is not of type ${type}`);
    }
    values[field] = value;
  }
  return values;
}

function hasType(value: unknown, type: ColumnType): boolean {
  switch (type) {
    case 'text': return typeof value === 'string';
    case 'int': return Number.isInteger(value);
    case 'float': return typeof value === 'number' && Number.isFinite(value);
    case 'bool': return typeof value === 'boolean';
    case 'timestamptz': return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'jsonb': return typeof value === 'object';
  }
}

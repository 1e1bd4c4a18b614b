import { CANONICAL_MODELS, LINK_MODEL, RESIDENT_LEASE_FIELDS, type CanonicalModelName, type ColumnType } from '../canonical/canonical-models';
import { recordHasher } from './content-hash';
import { MalformedRecordError } from './malformed-record.error';

/** What a vendor mapping returns for one raw record: canonical field values keyed by Propexo name. */
export interface MappedRecord {
  x_id: string;
  values: Record<string, unknown>;
  /**
   * Residents and leases: the links the vendor sends with this record (a lease's customers, a tenant's
   * leases), each with its details. The record is then the truth about its own links: whenever it changes,
   * the links it no longer names end and those it names are written as given.
   */
  links?: MappedLink[];
  /**
   * Instead of `links`, when the vendor names the records on the other side but gives no link details
   * (Entrata's customer LeaseId, a Yardi person's household): their vendor ids. The record's other links
   * end; a link is never created or changed from ids alone (the other side, which has the details, does).
   */
  linkedTo?: string[];
}

/** One link as a side sends it: the record on the other side by its vendor id, and the link's details. */
export interface MappedLink {
  /** Set by a lease's mapping (the resident it names). */
  x_resident_id?: string;
  /** Set by a resident's mapping (the lease it names). */
  x_lease_id?: string;
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
}

export interface CanonicalRecord {
  id: string;
  x_id: string;
  /** Every field of the model, typed for its column, null where unknown. */
  values: Record<string, unknown>;
  /** Covers the record's links too: a record whose links changed is a changed record. */
  hash: string;
  /** The links the record names, with their details (MappedRecord.links). */
  links?: CanonicalLink[];
  /** The ids (`<lease id>:<resident id>`) of the links the record names without details (MappedRecord.linkedTo). */
  linkedTo?: string[];
}

export interface CanonicalLink {
  /** `<lease id>:<resident id>`. */
  id: string;
  values: Record<string, unknown>;
  hash: string;
}

/**
 * Completes and type-checks a mapped record against the canonical model: every field present (null when
 * unknown), each value of its column's type, required fields set. A vendor value of the wrong type is a
 * MalformedRecordError (quarantined); a field the model lacks is a bug in the mapping and throws.
 */
const hashers = new Map<string, (values: Record<string, unknown>, more?: string) => string>();
function hashOf(kind: string, fields: Record<string, unknown>, values: Record<string, unknown>, more?: string): string {
  let hasher = hashers.get(kind);
  if (!hasher) hashers.set(kind, (hasher = recordHasher(Object.keys(fields))));
  return hasher(values, more);
}

export function toCanonicalRecord(modelName: CanonicalModelName, mapped: MappedRecord, ctx: MappingContext): CanonicalRecord {
  const model = CANONICAL_MODELS[modelName];
  const values = completeValues(model.fields, mapped.values, modelName);
  for (const [field, fallback] of Object.entries(model.nullDefaults)) values[field] ??= fallback;
  for (const field of model.required) {
    if (values[field] === null) throw new MalformedRecordError(`${field} is required but missing`);
  }
  const id = ctx.ref(modelName, mapped.x_id)!;
  const record: CanonicalRecord = { id, x_id: mapped.x_id, values, hash: '' };
  if (mapped.links === undefined && mapped.linkedTo === undefined) {
    record.hash = hashOf(modelName, model.fields, values);
    return record;
  }
  const side = CANONICAL_MODELS[modelName].linkSide;
  if (!side) throw new Error(`Mapping bug: ${modelName} records have no links`);
  const partner = CANONICAL_MODELS[side.partner].linkSide!;
  const isResident = side.column === 'resident_id';
  /** The link to the record of the other side with this vendor id: its key, and its values when `details` are given. */
  const link = (partnerXId: string, details?: MappedLink) => {
    const partnerId = ctx.ref(side.partner, partnerXId)!;
    const [residentId, leaseId, xResidentId, xLeaseId] = isResident ? [id, partnerId, mapped.x_id, partnerXId] : [partnerId, id, partnerXId, mapped.x_id];
    return { key: `${leaseId}:${residentId}`, values: details && linkValues(residentId, leaseId, xResidentId, xLeaseId, details) };
  };
  let parts: string[];
  if (mapped.links !== undefined) {
    const links: CanonicalLink[] = [];
    for (const given of mapped.links) {
      const partnerXId = given[partner.xColumn];
      if (typeof partnerXId !== 'string') throw new Error(`Mapping bug: a ${modelName} link names no ${partner.xColumn}`);
      const { key, values: linkRow } = link(partnerXId, given);
      links.push({ id: key, values: linkRow!, hash: hashOf(LINK_MODEL.name, RESIDENT_LEASE_FIELDS, linkRow!) });
    }
    // A vendor that lists one person twice on a lease gives one link (the last listed).
    record.links = links.length > 1 ? [...new Map(links.map((l) => [l.id, l])).values()] : links;
    parts = record.links.map((l) => l.hash);
  } else {
    record.linkedTo = [...new Set(mapped.linkedTo!.map((xId) => link(xId).key))];
    parts = [...record.linkedTo];
  }
  // The record's hash covers its links, so a record whose links changed is written, and its links with it.
  record.hash = hashOf(modelName, model.fields, values, parts.sort().join('\u0000'));
  return record;
}

/** The link fields a side gives (the others name its two records), with their column types. */
const LINK_DETAILS = Object.entries(RESIDENT_LEASE_FIELDS).filter(([field]) => !['resident_id', 'lease_id', 'x_resident_id', 'x_lease_id'].includes(field));

/** A link's values, in the model's field order: its two records, then its details type-checked (as completeValues does). */
function linkValues(residentId: string, leaseId: string, xResidentId: string, xLeaseId: string, details: MappedLink): Record<string, unknown> {
  const values: Record<string, unknown> = { resident_id: residentId, lease_id: leaseId, x_resident_id: xResidentId, x_lease_id: xLeaseId };
  for (const [field, type] of LINK_DETAILS) {
    const value = details[field as keyof MappedLink] ?? null;
    if (value !== null && !hasType(value, type)) throw new MalformedRecordError(`${field}: ${JSON.stringify(value)} is not of type ${type}`);
    values[field] = value;
  }
  return values;
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

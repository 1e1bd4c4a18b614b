import {
  CANONICAL_MODELS,
  LINK_MODEL,
  RESIDENT_LEASE_FIELDS,
  type CanonicalModelName,
  type ColumnType,
  type EmbeddedItem,
  type EmbeddedItemField,
  type LinkSide,
} from '../catalogue/canonical-models';
import { recordId as itemId } from '../platform/common/ids';
import { canonicalJson, recordHasher, scalarJson } from './content-hash';
import { MalformedRecordError } from './malformed-record.error';
import { textOf } from '../platform/text/text-of';

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
  /**
   * Reports a vendor value that a mapping table does not know: `field` (canonical) got `mappedTo` instead
   * (OTHER or null; the raw value is kept in `*_raw` where the model has one). The sync counts these per
   * field and value; callers that do not count (tests, one-off mappings) leave it out.
   */
  unknownValue?(field: string, value: string, mappedTo: string | null): void;
}

/** Where a record is: its property and unit, by the vendor's ids and ours (the fields most models place it with). */
export function placement(ctx: MappingContext, xPropertyId: string, xUnitId: string | null) {
  return {
    x_property_id: xPropertyId,
    property_id: ctx.ref('properties', xPropertyId),
    x_unit_id: xUnitId,
    unit_id: ctx.ref('units', xUnitId),
  };
}

export interface CanonicalRecord {
  id: string;
  x_id: string;
  /** Every field of the model, typed for its column, null where unknown. */
  values: Record<string, unknown>;
  /** Covers the record's links too: a record whose links changed is a changed record. */
  hash: string;
  /** Whether the record names its links: with their details (`links`), or the other side's ids only (`linkedTo`). */
  names?: 'links' | 'ids';
  /** The links the record names, with their details (MappedRecord.links); made when read. */
  readonly links?: CanonicalLink[];
  /** The ids (`<lease id>:<resident id>`) of the links the record names without details (MappedRecord.linkedTo); made when read. */
  readonly linkedTo?: string[];
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

export function toCanonicalRecord(
  modelName: CanonicalModelName,
  mapped: MappedRecord,
  ctx: MappingContext,
): CanonicalRecord {
  const model = CANONICAL_MODELS[modelName];
  const values = completeValues(model.fields, mapped.values, modelName);
  for (const [field, fallback] of entriesOf(model.nullDefaults)) values[field] ??= fallback;
  for (const field of model.required) {
    if (values[field] === null) throw new MalformedRecordError(`${field} is required but missing`);
  }
  const id = ctx.ref(modelName, mapped.x_id)!;
  for (const [field, item] of entriesOf(model.embeddedItems ?? NONE)) {
    if (values[field] !== null) values[field] = completeItems(`${modelName}.${field}`, item, values[field], id, ctx);
  }
  if (mapped.links === undefined && mapped.linkedTo === undefined)
    return { id, x_id: mapped.x_id, values, hash: hashOf(modelName, model.fields, values) };
  const side = CANONICAL_MODELS[modelName].linkSide;
  if (!side) throw new Error(`Mapping bug: ${modelName} records have no links`);
  const partner = CANONICAL_MODELS[side.partner].linkSide!;
  // The links are checked now (a malformed detail quarantines the record) but made into rows only when
  // read, which the cache does for new and changed records alone; the hash covers what names them.
  let partners: Array<[xId: string, details: unknown[] | null]>;
  if (mapped.links !== undefined) {
    const byPartner = new Map<string, unknown[]>(); // a person listed twice is one link (the last listed)
    for (const given of mapped.links) {
      const partnerXId = given[partner.xColumn];
      if (typeof partnerXId !== 'string')
        throw new Error(`Mapping bug: a ${modelName} link names no ${partner.xColumn}`);
      byPartner.set(partnerXId, linkDetails(given));
    }
    partners = [...byPartner];
  } else {
    partners = [...new Set(mapped.linkedTo)].map((xId) => [xId, null]);
  }
  const named = partners
    .map(([xId, details]) => (details ? `${xId}\u0001${detailsKey(details)}` : xId))
    .sort()
    .join('\u0000');
  const names = mapped.links !== undefined ? 'links' : 'ids';
  return new NamedLinks(
    id,
    mapped.x_id,
    values,
    hashOf(modelName, model.fields, values, `${names}\u0000${named}`),
    names,
    side,
    partners,
    ctx,
  );
}

/** A record that names its links: they are made into rows (ids from the mapping context, hashes) when read. */
class NamedLinks implements CanonicalRecord {
  private made?: CanonicalLink[] | string[];

  constructor(
    readonly id: string,
    readonly x_id: string,
    readonly values: Record<string, unknown>,
    readonly hash: string,
    readonly names: 'links' | 'ids',
    private readonly side: LinkSide,
    private readonly partners: Array<[xId: string, details: unknown[] | null]>,
    private readonly ctx: MappingContext,
  ) {}

  get links(): CanonicalLink[] | undefined {
    if (this.names !== 'links') return undefined;
    return (this.made ??= this.partners.map(([xId, details]): CanonicalLink => {
      const row = this.ends(xId);
      for (let i = 0; i < LINK_DETAILS.length; i++) row[LINK_DETAILS[i][0]] = details![i];
      return {
        id: `${textOf(row.lease_id)}:${textOf(row.resident_id)}`,
        values: row,
        hash: hashOf(LINK_MODEL.name, RESIDENT_LEASE_FIELDS, row),
      };
    })) as CanonicalLink[];
  }

  get linkedTo(): string[] | undefined {
    if (this.names !== 'ids') return undefined;
    return (this.made ??= this.partners.map(([xId]) => {
      const row = this.ends(xId);
      return `${textOf(row.lease_id)}:${textOf(row.resident_id)}`;
    })) as string[];
  }

  /** The values naming the link to the record of the other side with this vendor id, in the model's field order. */
  private ends(partnerXId: string): Record<string, unknown> {
    const partnerId = this.ctx.ref(this.side.partner, partnerXId)!;
    return this.side.column === 'resident_id'
      ? { resident_id: this.id, lease_id: partnerId, x_resident_id: this.x_id, x_lease_id: partnerXId }
      : { resident_id: partnerId, lease_id: this.id, x_resident_id: partnerXId, x_lease_id: this.x_id };
  }
}

/** The link fields a side gives (the others name its two records), with their column types. */
const LINK_DETAILS = Object.entries(RESIDENT_LEASE_FIELDS).filter(
  ([field]) => !['resident_id', 'lease_id', 'x_resident_id', 'x_lease_id'].includes(field),
);

/** Link details as the record's hash takes them: JSON, objects with their keys sorted. */
function detailsKey(details: unknown[]): string {
  return details
    .map((value) => (value !== null && typeof value === 'object' ? canonicalJson(value) : scalarJson(value)))
    .join('\u0001');
}

/** A side's link details in LINK_DETAILS order, type-checked as completeValues checks a record's fields. */
function linkDetails(given: MappedLink): unknown[] {
  return LINK_DETAILS.map(([field, type]) => {
    const value = given[field as keyof MappedLink] ?? null;
    if (value !== null && !hasType(value, type))
      throw new MalformedRecordError(`${field}: ${JSON.stringify(value)} is not of type ${type}`);
    return value;
  });
}

/**
 * An embedded array's items, each completed as a record is (every vendor field present, typed) plus its `id`
 * (from the item's `x_id`) and the record's id; the record's timestamps are the read API's to add.
 */
function completeItems(
  where: string,
  item: EmbeddedItem,
  given: unknown,
  recordId: string,
  ctx: MappingContext,
): Record<string, unknown>[] {
  if (!Array.isArray(given)) throw new MalformedRecordError(`${where}: ${JSON.stringify(given)} is not an array`);
  const vendorFields = itemVendorFields(item);
  return given.map((entry: unknown) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw new MalformedRecordError(`${where}: ${JSON.stringify(entry)} is not an object`);
    const typed = completeValues(vendorFields, entry as Record<string, unknown>, where);
    for (const [field, fallback] of Object.entries(item.nullDefaults ?? {})) typed[field] ??= fallback;
    for (const field of item.required ?? []) {
      if (typed[field] === null) throw new MalformedRecordError(`${where}: an item has no ${field}`);
    }
    const out: Record<string, unknown> = {};
    for (const [field, kind] of Object.entries(item.fields)) {
      if (kind === 'record_stamp') continue;
      if (kind === 'item_id') {
        const xId = typed.x_id;
        if (typeof xId !== 'string') throw new MalformedRecordError(`${where}: an item has no x_id`);
        out[field] = itemId(ctx.integrationId, where, xId);
      } else out[field] = kind === 'record_id' ? recordId : typed[field];
    }
    return out;
  });
}

const vendorFieldsOf = new Map<EmbeddedItem, Record<string, ColumnType>>();
/** The fields of an item a mapping gives (its vendor values), with their types. */
function itemVendorFields(item: EmbeddedItem): Record<string, ColumnType> {
  let fields = vendorFieldsOf.get(item);
  if (!fields) {
    fields = Object.fromEntries(
      Object.entries(item.fields).filter((entry): entry is [string, ColumnType] => !ITEM_KINDS.has(entry[1])),
    );
    vendorFieldsOf.set(item, fields);
  }
  return fields;
}
const ITEM_KINDS: ReadonlySet<EmbeddedItemField> = new Set(['item_id', 'record_id', 'record_stamp']);

const NONE: Readonly<Record<string, never>> = {};
const entries = new WeakMap<object, [string, unknown][]>();
/** A catalogue object's entries, listed once: records are completed by the million, the catalogue never changes. */
function entriesOf<T>(object: Readonly<Record<string, T>>): [string, T][] {
  let listed = entries.get(object);
  if (!listed) entries.set(object, (listed = Object.entries(object)));
  return listed as [string, T][];
}

const templates = new WeakMap<object, Record<string, null>>();
/** Every field of `fields` at null, in the catalogue's order, built once: a record's values start as a copy of it. */
function templateOf(fields: Record<string, ColumnType>): Record<string, null> {
  let template = templates.get(fields);
  if (!template) templates.set(fields, (template = Object.fromEntries(Object.keys(fields).map((f) => [f, null]))));
  return template;
}

function completeValues(
  fields: Record<string, ColumnType>,
  given: Record<string, unknown>,
  where: string,
): Record<string, unknown> {
  // A copy of the all-null template, then only the given fields set: one pass over what the mapping gave, and no
  // property added one by one (which would rebuild the object's shape field after field, a record at a time).
  const values: Record<string, unknown> = { ...templateOf(fields) };
  let malformed: MalformedRecordError | undefined; // thrown after the pass: a mapping bug is reported first
  for (const field in given) {
    const type = fields[field];
    if (type === undefined) throw new Error(`Mapping bug: ${where} has no field "${field}"`);
    const value = given[field] ?? null;
    if (value === null || malformed) continue;
    if (hasType(value, type)) values[field] = value;
    else malformed = new MalformedRecordError(`${field}: ${JSON.stringify(value)} is not of type ${type}`);
  }
  if (malformed) throw malformed;
  return values;
}

function hasType(value: unknown, type: ColumnType): boolean {
  switch (type) {
    case 'text':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value);
    case 'cents':
      // Whole cents within a double's exact range: a float (12.5) or an inexact integer (2 ** 60) is a bad value.
      return Number.isSafeInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'timestamptz':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'jsonb':
      return typeof value === 'object';
  }
}

/**
 * The canonical models: Propexo's field names, in its output order, with the column type each is stored
 * as. The ETL type-checks against it, the cache writer builds its set-based upsert from it, and the read
 * API serialises and filters by it. prisma/schema.prisma declares the same columns (a unit test keeps the
 * two in step).
 */
import { IntegrationVendor } from '../generated/prisma/enums';

/**
 * `cents`: money in whole cents, stored as bigint and checked as a safe integer (never a float: a vendor's
 * decimal is converted exactly by the mapping, and totals beyond int4's 21 million dollars stay exact).
 */
export type ColumnType = 'text' | 'int' | 'cents' | 'float' | 'bool' | 'timestamptz' | 'jsonb';

export const CANONICAL_MODEL_NAMES = [
  'properties',
  'units',
  'residents',
  'leases',
  'service_requests',
  'resident_charges',
  'resident_payments',
] as const;
export type CanonicalModelName = (typeof CANONICAL_MODEL_NAMES)[number];

/**
 * A model that is one side of the resident <-> lease link (residents_to_leases): the link's columns naming
 * its record, the model on the other side, and the read API's array of the record's links.
 */
export interface LinkSide {
  column: 'resident_id' | 'lease_id';
  xColumn: 'x_resident_id' | 'x_lease_id';
  partner: CanonicalModelName;
  embeddedAs: 'leases_meta_data' | 'residents_meta_data';
  /**
   * A first sync takes every link from this side alone: each vendor's contract lists all of a lease's
   * residents with it, so the other side adds nothing then (from the next sync on, both sides count).
   */
  firstSyncSource: boolean;
  /**
   * Extension: fields of the record on the other side that each embedded link carries, by name, with that
   * record's column (a resident's leases show their lease's status without fetching the leases).
   */
  partnerFields?: Readonly<Record<string, string>>;
}

/**
 * What a list filter's value must be: any text, `true`/`false`, a calendar day (YYYY-MM-DD), an instant (ISO
 * 8601 date-time or date), a 10-digit phone number, or one of a list.
 */
export type FilterValue = 'text' | 'flag' | 'date' | 'instant' | 'phone' | { oneOf: readonly string[] };

/**
 * How a list filter matches a record `r` (the read API turns it into SQL): a column compared with the value
 * (`ignoreCase` compares lower-cased), nothing at all, or the record's resident <-> lease links `l` (only the
 * showing ones unless include_deleted): some link whose column compares with the value, or, for a `true`
 * flag, no link with a value in that column; or an embedded array (a jsonb column of objects) holding an item
 * whose `key` is the value (a service request's `vendors[].vendor_id`).
 */
export type FilterMatch =
  | { column: string; op?: '=' | '>=' | '<='; ignoreCase?: true }
  | { nothing: true }
  | { linkColumn: string; op: '=' | '<' | '>' }
  | { noLinkWith: string }
  | { arrayColumn: string; key: string };

/** A query parameter of a model's list endpoint. */
export interface ListFilter {
  param: string;
  value: FilterValue;
  match: FilterMatch;
  /** The filter means something only with this one (a PMS id only within an integration): a 400 without it. */
  requires?: string;
}

/** Operations a model may offer beyond reads (the data-access matrix's columns, the write API's POST and PUT). */
export const WRITE_OPERATIONS = ['create', 'update'] as const;
export type WriteOperation = (typeof WRITE_OPERATIONS)[number];

/**
 * One write operation of a model, as Propexo's spec declares it: the request body's component schema (validated
 * at the edge) and the answer's (`{job_id, data}`), both in docs/reference/propexo-openapi.yml.
 */
export interface ModelWrite {
  input: string;
  output: string;
}

/** The spec's write schemas of a model: POST `/v1/<path>/` and PUT `/v1/<path>/{<idParam>}`. */
function specWrites(path: string, idParam: string): Readonly<Record<WriteOperation, ModelWrite>> {
  return {
    create: { input: `_v1_${path}__post_input`, output: `_v1_${path}__post_output` },
    update: { input: `_v1_${path}_{${idParam}}_put_input`, output: `_v1_${path}_{${idParam}}_put_output` },
  };
}

/**
 * Fields of write bodies that name another record by its Latchkey id, and that record's model: the write sends
 * the vendor that record's `x_id` (docs/vendors/models.md §2, Ids).
 */
export const WRITE_REFERENCES: Readonly<Record<string, CanonicalModelName>> = {
  property_id: 'properties',
  unit_id: 'units',
  lease_id: 'leases',
  resident_id: 'residents',
  service_request_id: 'service_requests',
  // Lists of ids (a lease's tenants): each id, or each item's `id`, is replaced.
  associated_resident_ids: 'residents',
  tenants: 'residents',
};

/** How our /openapi.json documents a model's read endpoints. */
export interface ModelDocs {
  /** The model's record with its article, for the get endpoint's summary ("Get a property"). */
  aRecord: string;
  /** Propexo's output envelopes of the list and the get endpoint (components of docs/reference/propexo-openapi.yml). */
  listOutput: string;
  getOutput: string;
  /** Notes on both endpoints (CommonMark): where the vendors' records come from, what is left out. */
  notes?: string;
  /** List filters the model takes (COMMON_FILTERS among them) that the spec's list of it lacks: extensions. */
  extensionFilters?: readonly string[];
  /** A side of the link: what each of its `partnerFields` on the embedded links is. */
  partnerFieldNotes?: Readonly<Record<string, string>>;
}

export interface CanonicalModel {
  name: CanonicalModelName;
  /** The read and write endpoints' path segment, as the spec spells it: `/v1/<path>/` (`service-requests`). */
  path: string;
  table: string;
  /** The record in a "not found" error ("property"). */
  noun: string;
  /** Kebab-case object name used in webhook payloads. */
  object: string;
  /** Sync job type, as Propexo names job types (READ_…). */
  jobType: string;
  /** Vendor-data fields, stored one column each, in the spec's output order. */
  fields: Record<string, ColumnType>;
  /** Fields that must not be null (beyond x_id). */
  required: string[];
  /** Output-only arrays the spec lists that no supported vendor fills yet: always []. */
  emptyArrays: string[];
  /**
   * Values used instead of null where the spec's schema admits no null: some enums (phone types, lease
   * status_normalized) leave null out although their type lists it, so an unknown value reads OTHER.
   */
  nullDefaults: Record<string, unknown>;
  /** Set when the model is a side of the resident <-> lease link. */
  linkSide?: LinkSide;
  /** The item of each embedded array (a jsonb field of `fields`), in the spec's field order. */
  embeddedItems?: Readonly<Record<string, EmbeddedItem>>;
  /** The read API's list filters beyond the ones every model takes (COMMON_FILTERS), in the order documented. */
  filters: readonly ListFilter[];
  /**
   * Write operations the model offers (the spec's POST and PUT): which vendors can do each, and which fields,
   * is in each vendor's facts and writer; the data-access matrix says `unsupported` for the rest.
   */
  writes: Readonly<Partial<Record<WriteOperation, ModelWrite>>>;
  docs: ModelDocs;
}

/**
 * What each field of an embedded item is. A mapping gives only the vendor's values (a ColumnType each, checked as
 * a record's are); the ETL adds the item's `id` (derived from the record's model, the array and the item's `x_id`,
 * so stable across syncs) and the record's own id (`service_request_id`); `created_at`, `updated_at` and
 * `last_seen` are the record's, added by the read API only (stored, they would change the content hash on every
 * sync; in events and diffs they would report nothing the vendor changed).
 */
export type EmbeddedItemField = ColumnType | 'item_id' | 'record_id' | 'record_stamp';
export interface EmbeddedItem {
  fields: Readonly<Record<string, EmbeddedItemField>>;
  /** Vendor fields the spec's item admits no null for: an item without one is malformed. */
  required?: readonly string[];
  /** Values used instead of null where the spec admits none but an item may lack it (a history entry's notes). */
  nullDefaults?: Readonly<Record<string, unknown>>;
}

const STAMPS = { created_at: 'record_stamp', updated_at: 'record_stamp', last_seen: 'record_stamp' } as const;

/** An allocation of a payment to a charge, as the spec's `allocations[]` items of both ledger models. */
const ALLOCATION_ITEM: EmbeddedItem = {
  fields: {
    id: 'item_id',
    x_id: 'text',
    x_source_id: 'text',
    x_destination_id: 'text',
    financial_account_id: 'text',
    amount_in_cents: 'cents',
    amount_raw: 'text',
    resident_charge_id: 'text',
    resident_payment_id: 'text',
    ...STAMPS,
    custom_data: 'jsonb',
  },
};

/** Columns every canonical table has, maintained by the cache rather than the vendor mapping. */
export const SYSTEM_COLUMNS = [
  'id',
  'organization_id',
  'integration_id',
  'integration_vendor',
  'x_id',
  'content_hash',
  'created_at',
  'updated_at',
  'last_seen',
  'deleted_at',
] as const;

/**
 * The system columns no row leaves null (schema.prisma declares them so): an order by one needs no NULLS LAST,
 * which would keep PostgreSQL from reading it off an index (a page of the default created_at:desc order was a sort
 * of every record of the organization).
 */
export const NOT_NULL_SYSTEM_COLUMNS: readonly (typeof SYSTEM_COLUMNS)[number][] = [
  'id',
  'organization_id',
  'integration_id',
  'integration_vendor',
  'x_id',
  'created_at',
  'updated_at',
];

const t = 'text',
  i = 'int',
  c = 'cents',
  f = 'float',
  b = 'bool',
  ts = 'timestamptz',
  j = 'jsonb';

export const LEASE_STATUS_NORMALIZED = ['ACTIVE', 'INACTIVE', 'OTHER', 'PENDING', 'EVICTED'] as const;
export const PHONE_TYPES = ['FAX', 'HOME', 'MOBILE', 'OTHER', 'WORK'] as const;
export const RESIDENT_TYPES = ['PRIMARY', 'SECONDARY', 'GUARANTOR', 'OTHER'] as const;
export const PROPERTY_TYPES = [
  'SINGLE_FAMILY',
  'MULTI_FAMILY',
  'STUDENT_HOUSING',
  'VACATION',
  'COMMERCIAL',
  'OTHER',
] as const;

/** Where each vendor's residents get their `property_id` (never null), and who is not a resident. */
const RESIDENTS_NOTES = [
  "`property_id` is never null. Each vendor's own link to the resident's property:",
  "- BUILDIUM: the property of the tenant's leases (`TenantMessage.Leases`); a tenant has no property of its own.",
  '- PROPERTYWARE_REST: the building of the leases naming the contact; a contact has no building of its own.',
  '- YARDI: the property whose `GetResidentTransactions_Login` lists the customer.',
  '- ENTRATA: the property `getCustomers` was asked for.',
  "- APPFOLIO: the `property_id` of the tenant's occupancy on the `rent_roll` (`tenant_directory` names the occupancy, not the property).",
  '',
  'Where a vendor names no property for a resident (a Buildium tenant or Propertyware tenant contact on no lease, an AppFolio tenant',
  'whose occupancy is not on the rent roll, such as a past tenant), the record is quarantined with that reason',
  '(`GET /v1/admin/integrations/{id}/quarantine`) rather than given an invented one.',
  '',
  "Applicants and prospects are not residents: Yardi's `applicant` customers, Entrata's customers whose leases are Applicant",
  "intervals only (told from the property's `getLeases`: the customer's `LeaseId` and the leases' customer lists), Propertyware's",
  "PROSPECT contacts, Buildium's and AppFolio's applicants (their own resources) never appear here, and their applications are",
  'not leases. A record cached before it was known to be an applicant is hidden (`deleted_at`, DATA_DELETED).',
].join('\n');

const LEASES_NOTES = [
  "`status_normalized`, like every normalized or typed field, comes from a per-vendor table that covers every value the vendor's",
  'contract or spec lists. A value the table does not know reads OTHER, keeps its raw form (`status_raw`), and is counted per integration, model,',
  'field and value at `GET /v1/admin/integrations/{id}/unknown-values`. Applications (Yardi households of applicants, Entrata Applicant',
  'intervals) are not leases.',
].join('\n');

const VENDORS = Object.values(IntegrationVendor);

/**
 * Filters every model's list takes, in the order documented: Propexo's common ones and the time windows. A PMS
 * id repeats across customers, so an external id means something only within one integration. location_id is
 * Rent Manager's; it is null for every vendor we serve, so it matches nothing.
 */
export const COMMON_FILTERS: readonly ListFilter[] = [
  { param: 'x_id', value: 'text', match: { column: 'x_id' }, requires: 'integration_id' },
  { param: 'x_property_id', value: 'text', match: { column: 'x_property_id' }, requires: 'integration_id' },
  { param: 'location_id', value: 'text', match: { nothing: true } },
  { param: 'integration_id', value: 'text', match: { column: 'integration_id' } },
  { param: 'integration_vendor', value: { oneOf: VENDORS }, match: { column: 'integration_vendor' } },
  { param: 'updated_at_gte', value: 'instant', match: { column: 'updated_at', op: '>=' } },
  { param: 'updated_at_lte', value: 'instant', match: { column: 'updated_at', op: '<=' } },
  { param: 'last_seen_gte', value: 'instant', match: { column: 'last_seen', op: '>=' } },
  { param: 'last_seen_lte', value: 'instant', match: { column: 'last_seen', op: '<=' } },
];

const byProperty: ListFilter = { param: 'property_id', value: 'text', match: { column: 'property_id' } };
const byUnitNumber = (column: string): ListFilter => ({
  param: 'unit_number',
  value: 'text',
  match: { column },
  requires: 'property_id',
});

/**
 * Where a model's embedded arrays live: in jsonb columns of its own row (service requests' `vendors`, `history`,
 * `employees`; charges' and payments' `allocations`), not in child tables. Every vendor sends them inside the
 * record (Yardi's `StatusHistory`, Propertyware's `ChargeTx.payments`, AppFolio's `AppliedTo`), nothing reads them
 * apart from their record, and so the record's content hash covers them (a new history entry is a DATA_UPDATE of
 * the request) and the page's one set-based upsert writes them with it.
 */
const SERVICE_REQUEST_NOTES = [
  '`vendors`, `history` and `employees` are always arrays (`[]` where the vendor sends none). `vendor_id` matches',
  "a request with that vendor among its `vendors`. `status_raw` is the vendor's own status: the spec's reads have no",
  'normalized status.',
].join('\n');

const LEDGER_NOTES = [
  "Amounts are whole cents (`*_in_cents`), converted exactly from the vendor's decimal, which `*_raw` keeps as sent;",
  'credits are negative. `allocations` is always an array (`[]` where the vendor sends none).',
  '`transaction_date_start` and `transaction_date_end` are inclusive and take a date or an ISO 8601 date-time.',
].join('\n');

/** A charge's and a payment's vendor ids, in the spec's order. */
const LEDGER_IDS: Record<string, ColumnType> = {
  x_property_id: t,
  x_gl_account_id: t,
  x_location_id: t,
  x_lease_id: t,
  x_resident_id: t,
  x_unit_id: t,
  x_charge_code_id: t,
};

const LEDGER_DETAILS: Record<string, ColumnType> = {
  name: t,
  description: t,
  reference_number: t,
  transaction_date: ts,
};

/** A charge's and a payment's last fields: `post_month` is `YYYY-MM` (the spec's pattern). */
const LEDGER_TAIL: Record<string, ColumnType> = {
  is_open: b,
  post_month: t,
  custom_data: j,
  property_id: t,
  resident_id: t,
  financial_account_id: t,
  unit_id: t,
  lease_id: t,
  charge_code_id: t,
  allocations: j,
};

/** The common filters the spec's lists of charges and payments lack. */
const LEDGER_EXTENSION_FILTERS = ['x_id', 'x_property_id', 'location_id'];

/** The list filters of charges and payments (the spec's, beyond COMMON_FILTERS). */
const LEDGER_FILTERS: readonly ListFilter[] = [
  byProperty,
  { param: 'resident_id', value: 'text', match: { column: 'resident_id' } },
  { param: 'lease_id', value: 'text', match: { column: 'lease_id' } },
  { param: 'transaction_date_start', value: 'instant', match: { column: 'transaction_date', op: '>=' } },
  { param: 'transaction_date_end', value: 'instant', match: { column: 'transaction_date', op: '<=' } },
];

export const CANONICAL_MODELS: Record<CanonicalModelName, CanonicalModel> = {
  properties: {
    name: 'properties',
    path: 'properties',
    table: 'properties',
    noun: 'property',
    object: 'properties',
    jobType: 'READ_PROPERTIES',
    fields: {
      property_id: t,
      x_created_at: ts,
      x_property_id: t,
      x_building_id: t,
      building_number: t,
      city: t,
      code: t,
      country: t,
      county: t,
      custom_data: j,
      is_active: b,
      manager_email: t,
      manager_name: t,
      manager_phone_1: t,
      manager_phone_1_type: t,
      manager_phone_2: t,
      manager_phone_2_type: t,
      name: t,
      notes: t,
      number_of_units: i,
      square_footage: i,
      square_feet: i,
      state: t,
      street_address_1: t,
      street_address_2: t,
      address_1: t,
      address_2: t,
      type: t,
      type_raw: t,
      type_normalized: t,
      website: t,
      year_built: i,
      zip: t,
      long_description: t,
      short_description: t,
    },
    required: ['property_id', 'x_property_id'],
    emptyArrays: ['office_hours', 'pet_types', 'associated_owner_ids'],
    nullDefaults: { manager_phone_1_type: 'OTHER', manager_phone_2_type: 'OTHER' },
    filters: [{ param: 'is_active', value: 'flag', match: { column: 'is_active' } }],
    writes: specWrites('properties', 'id'),
    docs: {
      aRecord: 'a property',
      listOutput: '_v1_properties__get_output',
      getOutput: '_v1_properties_{id}_get_output',
    },
  },
  units: {
    name: 'units',
    path: 'units',
    table: 'units',
    noun: 'unit',
    object: 'units',
    jobType: 'READ_UNITS',
    fields: {
      x_property_id: t,
      x_floor_plan_id: t,
      x_unit_type_id: t,
      bathrooms: t,
      bathrooms_full: f,
      bathrooms_half: f,
      bedrooms: t,
      building_name: t,
      building_number: t,
      city: t,
      country: t,
      custom_data: j,
      floor_plan_code: t,
      floor_plan_name: t,
      floor: t,
      is_available: b,
      is_furnished: b,
      is_listed: b,
      is_vacant: b,
      number: t,
      rent_amount_market_in_cents: f,
      rent_amount_max_in_cents: f,
      rent_amount_min_in_cents: f,
      square_feet: i,
      state: t,
      street_address_1: t,
      street_address_2: t,
      address_1: t,
      address_2: t,
      zip: t,
      pets_allowed: b,
      dogs_allowed: b,
      cats_allowed: b,
      pet_policy: t,
      floor_plan_id: t,
      property_id: t,
      unit_type_id: t,
    },
    required: ['x_property_id', 'property_id'],
    emptyArrays: [],
    nullDefaults: {},
    filters: [byProperty, byUnitNumber('number')],
    writes: specWrites('units', 'id'),
    docs: { aRecord: 'a unit', listOutput: '_v1_units__get_output', getOutput: '_v1_units_{id}_get_output' },
  },
  residents: {
    name: 'residents',
    path: 'residents',
    table: 'residents',
    noun: 'resident',
    object: 'residents',
    jobType: 'READ_RESIDENTS',
    fields: {
      x_lease_id: t,
      x_property_id: t,
      address_1_alternate: t,
      address_1: t,
      address_2_alternate: t,
      address_2: t,
      balance_in_cents: f,
      city_alternate: t,
      city: t,
      country_alternate: t,
      country: t,
      custom_data: j,
      date_of_birth: ts,
      email_1: t,
      email_2: t,
      first_name: t,
      is_employee: b,
      last_name: t,
      late_balance_in_cents: f,
      middle_name: t,
      notes: t,
      phone_1_type: t,
      phone_1: t,
      phone_2_type: t,
      phone_2: t,
      state_alternate: t,
      state: t,
      zip_alternate: t,
      zip: t,
      property_id: t,
    },
    // Propexo's resident has a non-null property_id: a resident no vendor link places is quarantined, never invented.
    required: ['property_id'],
    emptyArrays: ['pets', 'vehicles'],
    nullDefaults: { phone_1_type: 'OTHER', phone_2_type: 'OTHER' },
    linkSide: {
      column: 'resident_id',
      xColumn: 'x_resident_id',
      partner: 'leases',
      embeddedAs: 'leases_meta_data',
      firstSyncSource: false,
      partnerFields: { lease_status_normalized: 'status_normalized' },
    },
    filters: [
      byProperty,
      { param: 'lease_id', value: 'text', match: { linkColumn: 'lease_id', op: '=' } },
      { param: 'email_1', value: 'text', match: { column: 'email_1', ignoreCase: true } },
      { param: 'phone_1', value: 'phone', match: { column: 'phone_1' } },
    ],
    writes: specWrites('residents', 'id'),
    docs: {
      aRecord: 'a resident',
      listOutput: '_v1_residents__get_output',
      getOutput: '_v1_residents_{id}_get_output',
      notes: RESIDENTS_NOTES,
      partnerFieldNotes: {
        lease_status_normalized: `The lease's status_normalized (${LEASE_STATUS_NORMALIZED.join(', ')})`,
      },
    },
  },
  leases: {
    name: 'leases',
    path: 'leases',
    table: 'leases',
    noun: 'lease',
    object: 'leases',
    jobType: 'READ_LEASES',
    fields: {
      x_property_id: t,
      x_resident_id: t,
      x_unit_id: t,
      application_date: ts,
      custom_data: j,
      deposit_amount: t,
      deposit_amount_in_cents: f,
      deposit_date: ts,
      end_date: ts,
      realized_move_in_date: ts,
      realized_move_out_date: ts,
      rent_amount_in_cents: f,
      rent_amount_market_in_cents: f,
      rent_due_day: i,
      rent_due_date: ts,
      scheduled_move_in_date: ts,
      scheduled_move_out_date: ts,
      signature_date: ts,
      start_date: ts,
      status: t,
      status_normalized: t,
      status_raw: t,
      term: t,
      type: t,
      unit_number: t,
      write_off_amount_in_cents: f,
      write_off_amount_raw: t,
      balance_amount_in_cents: f,
      balance_amount_raw: t,
      past_due_balance_in_cents: f,
      past_due_balance_raw: t,
      unit_id: t,
      property_id: t,
    },
    required: ['x_property_id', 'property_id'],
    emptyArrays: ['services'],
    nullDefaults: { status_normalized: 'OTHER' },
    linkSide: {
      column: 'lease_id',
      xColumn: 'x_lease_id',
      partner: 'residents',
      embeddedAs: 'residents_meta_data',
      firstSyncSource: true,
    },
    filters: [
      { param: 'x_unit_id', value: 'text', match: { column: 'x_unit_id' }, requires: 'integration_id' },
      { param: 'unit_id', value: 'text', match: { column: 'unit_id' } },
      { param: 'resident_id', value: 'text', match: { linkColumn: 'resident_id', op: '=' } },
      byProperty,
      { param: 'before_move_in_date', value: 'date', match: { linkColumn: 'move_in_date', op: '<' } },
      { param: 'after_move_in_date', value: 'date', match: { linkColumn: 'move_in_date', op: '>' } },
      { param: 'before_move_out_date', value: 'date', match: { linkColumn: 'move_out_date', op: '<' } },
      { param: 'after_move_out_date', value: 'date', match: { linkColumn: 'move_out_date', op: '>' } },
      { param: 'only_null_move_outs', value: 'flag', match: { noLinkWith: 'move_out_date' } },
      {
        param: 'status_normalized',
        value: { oneOf: LEASE_STATUS_NORMALIZED },
        match: { column: 'status_normalized' },
      },
      { param: 'status_raw', value: 'text', match: { column: 'status_raw' } },
      byUnitNumber('unit_number'),
    ],
    writes: specWrites('leases', 'lease_id'),
    docs: {
      aRecord: 'a lease',
      listOutput: '_v1_leases__get_output',
      getOutput: '_v1_leases_{lease_id}_get_output',
      notes: LEASES_NOTES,
    },
  },
  service_requests: {
    name: 'service_requests',
    path: 'service-requests',
    table: 'service_requests',
    noun: 'service request',
    object: 'service-requests',
    jobType: 'READ_SERVICE_REQUESTS',
    fields: {
      x_property_id: t,
      x_location_id: t,
      x_unit_id: t,
      x_sub_task_id: t,
      access_is_authorized: b,
      access_notes: t,
      building: t,
      completion_notes: t,
      date_completed: ts,
      date_created: ts,
      date_due: ts,
      date_scheduled: ts,
      notes: t,
      service_category: t,
      service_description: t,
      service_details: t,
      service_priority: t,
      status_raw: t,
      vendor_notes: t,
      unit_number: t,
      order_number: t,
      property_id: t,
      unit_id: t,
      employee_id: t,
      vendors: j,
      history: j,
      employees: j,
    },
    required: ['x_property_id', 'property_id'],
    emptyArrays: [],
    nullDefaults: { vendors: [], history: [], employees: [] },
    embeddedItems: {
      vendors: { fields: { vendor_id: 'text' }, required: ['vendor_id'] },
      history: {
        fields: {
          id: 'item_id',
          ...STAMPS,
          x_id: 'text',
          x_created_at: 'timestamptz',
          notes: 'text',
          creator_name: 'text',
          status_raw: 'text',
          service_request_id: 'record_id',
        },
        nullDefaults: { notes: '' },
      },
      employees: { fields: { id: 'item_id', ...STAMPS, x_id: 'text', name: 'text' } },
    },
    filters: [
      { param: 'unit_id', value: 'text', match: { column: 'unit_id' } },
      { param: 'employee_id', value: 'text', match: { column: 'employee_id' } },
      { param: 'vendor_id', value: 'text', match: { arrayColumn: 'vendors', key: 'vendor_id' } },
      byProperty,
      byUnitNumber('unit_number'),
    ],
    writes: specWrites('service-requests', 'service_request_id'),
    docs: {
      aRecord: 'a service request',
      listOutput: '_v1_service-requests__get_output',
      getOutput: '_v1_service-requests_{service_request_id}_get_output',
      notes: SERVICE_REQUEST_NOTES,
      extensionFilters: ['x_property_id'],
    },
  },
  resident_charges: {
    name: 'resident_charges',
    path: 'resident-charges',
    table: 'resident_charges',
    noun: 'resident charge',
    object: 'resident-charges',
    jobType: 'READ_RESIDENT_CHARGES',
    fields: {
      ...LEDGER_IDS,
      amount_in_cents: c,
      amount_raw: t,
      amount_open_in_cents: c,
      amount_open_raw: t,
      amount_paid_in_cents: c,
      amount_paid_raw: t,
      due_date: ts,
      ...LEDGER_DETAILS,
      transaction_source: t,
      ...LEDGER_TAIL,
    },
    required: ['x_property_id', 'property_id'],
    emptyArrays: [],
    nullDefaults: { allocations: [] },
    embeddedItems: { allocations: ALLOCATION_ITEM },
    filters: LEDGER_FILTERS,
    writes: { create: specWrites('resident-charges', 'resident_charge_id').create },
    docs: {
      aRecord: 'a resident charge',
      listOutput: '_v1_resident-charges__get_output',
      getOutput: '_v1_resident-charges_{resident_charge_id}_get_output',
      notes: LEDGER_NOTES,
      extensionFilters: LEDGER_EXTENSION_FILTERS,
    },
  },
  resident_payments: {
    name: 'resident_payments',
    path: 'resident-payments',
    table: 'resident_payments',
    noun: 'resident payment',
    object: 'resident-payments',
    jobType: 'READ_RESIDENT_PAYMENTS',
    fields: {
      ...LEDGER_IDS,
      payment_method_normalized: t,
      payment_method_raw: t,
      amount_in_cents: c,
      amount_raw: t,
      ...LEDGER_DETAILS,
      ...LEDGER_TAIL,
    },
    required: ['x_property_id', 'property_id'],
    emptyArrays: [],
    nullDefaults: { allocations: [] },
    embeddedItems: { allocations: ALLOCATION_ITEM },
    filters: LEDGER_FILTERS,
    writes: { create: specWrites('resident-payments', 'resident_payment_id').create },
    docs: {
      aRecord: 'a resident payment',
      listOutput: '_v1_resident-payments__get_output',
      getOutput: '_v1_resident-payments_{resident_payment_id}_get_output',
      notes: LEDGER_NOTES,
      extensionFilters: LEDGER_EXTENSION_FILTERS,
    },
  },
};

/**
 * The resident <-> lease link (residents_to_leases), written by the residents and the leases jobs: each
 * record names its links when its vendor sends them with it (see RecordCacheRepository).
 */
export const RESIDENT_LEASE_FIELDS: Record<string, ColumnType> = {
  resident_id: t,
  lease_id: t,
  x_resident_id: t,
  x_lease_id: t,
  x_resident_type: t,
  resident_type_normalized: t,
  move_in_date: ts,
  move_out_date: ts,
  notice_date: ts,
  custom_data: j,
};

/** The link as a model of its own: Connect's stream and the link events (webhook `model`, payload `object`). */
export const LINK_MODEL = {
  name: 'residents_to_leases',
  table: 'residents_to_leases',
  object: 'residents-to-leases',
  /** Its fields as the Connect stream and event payloads present them, in order, with their column types. */
  presentedFields: [
    ['id', t],
    ['created_at', ts],
    ['updated_at', ts],
    ['last_seen', ts],
    ...Object.entries(RESIDENT_LEASE_FIELDS),
    ['integration_id', t],
  ] as ReadonlyArray<readonly [string, ColumnType]>,
} as const;

/** The cache tables an integration's data lives in: each model's and the links'. */
export const CACHE_TABLES: readonly string[] = [
  ...Object.values(CANONICAL_MODELS).map((m) => m.table),
  LINK_MODEL.table,
];

/** The models data events are about (the events' `model`, a webhook's `model`). */
export const EVENT_MODELS = [...CANONICAL_MODEL_NAMES, LINK_MODEL.name] as const;
export type EventModelName = (typeof EVENT_MODELS)[number];

export function isCanonicalModelName(name: string): name is CanonicalModelName {
  return (CANONICAL_MODEL_NAMES as readonly string[]).includes(name);
}

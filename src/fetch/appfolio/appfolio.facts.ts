import type { ExpectedFields } from '../../normalise/schema-drift';
import { modelsExcept, type VendorFacts } from '../adapter/vendor-adapter';

/** The catalogue's models AppFolio has: all of them (four from reports, three from v0). */
export const APPFOLIO_MODELS = modelsExcept();
export type AppfolioModel = (typeof APPFOLIO_MODELS)[number];
/** The models read from v2 reports; the others are v0 lists. */
export type AppfolioReportModel = 'properties' | 'units' | 'leases' | 'residents';
export type AppfolioV0Model = Exclude<AppfolioModel, AppfolioReportModel>;
export const isReportModel = (model: AppfolioModel): model is AppfolioReportModel => model in APPFOLIO_REPORTS;

export interface AppfolioReport {
  /** POST /api/v2/reports/<name>.json */
  name: string;
  /** The row fields the contract lists, asked for as `columns`. */
  columns: readonly string[];
  /** The row's own id. */
  idField: string;
  /** Accepts `from_date` (filtering on last_updated). */
  incremental: boolean;
}

export const APPFOLIO_REPORTS: Record<AppfolioReportModel, AppfolioReport> = {
  properties: {
    name: 'property_directory',
    columns: [
      'property_id',
      'property_name',
      'property_address',
      'property_city',
      'property_state',
      'property_zip',
      'property_type',
      'units',
    ],
    idField: 'property_id',
    incremental: false,
  },
  units: {
    name: 'unit_directory',
    columns: ['unit_id', 'property_id', 'unit_name', 'bedrooms', 'bathrooms', 'sqft', 'market_rent', 'unit_status'],
    idField: 'unit_id',
    incremental: false,
  },
  leases: {
    name: 'rent_roll',
    columns: [
      'occupancy_id',
      'unit_id',
      'property_id',
      'status',
      'lease_from',
      'lease_to',
      'move_in',
      'move_out',
      'rent',
      'deposit',
      'tenant_ids',
    ],
    idField: 'occupancy_id',
    incremental: true,
  },
  residents: {
    name: 'tenant_directory',
    columns: ['tenant_id', 'occupancy_id', 'first_name', 'last_name', 'status', 'tenant_type'],
    idField: 'tenant_id',
    incremental: true,
  },
};

export const reportPath = (report: string) => `/api/v2/reports/${report}.json`;

/** The directory lookup that completes tenant_directory's minimal rows with contact details. */
export const TENANT_LOOKUP = {
  path: '/api/v0/tenants',
  /** `filters[Id]` takes at most this many ids a call. */
  maxIds: 100,
  developerIdHeader: 'X-AppFolio-Developer-ID',
  /** The fields a lookup answer adds to a tenant_directory row. */
  fields: ['Emails', 'PhoneNumbers', 'DateOfBirth'],
} as const;

/** The v0 API (docs/vendors/appfolio.md, Writes and the v0 API): lists, paging, the filter every list needs. */
export const V0 = {
  /** `page[size]` at most. */
  maxPageSize: 1000,
  /** A list with no filter is a 400: a full pull of work orders filters on a time before any record. */
  everything: '1970-01-01T00:00:00Z',
  /** The first day a full read of the tenant ledger asks for (`filters[PostedOnFrom]` is required). */
  firstPostedOn: '1970-01-01',
} as const;

/** v0 work orders (service requests) and the fields the contract lists on them. */
export const WORK_ORDERS = {
  path: '/api/v0/work_orders',
  notesPath: (id: string) => `/api/v0/work_orders/${id}/notes`,
  fields: [
    'Id',
    'WorkOrderNumber',
    'PropertyId',
    'UnitId',
    'OccupancyId',
    'Status',
    'Priority',
    'WorkOrderType',
    'JobDescription',
    'Instructions',
    'PermissionToEnter',
    'VendorId',
    'AssignedUsers',
    'CreatedAt',
    'ScheduledStart',
    'ScheduledEnd',
    'WorkDoneOn',
    'CompletedOn',
    'Amount',
    'ServiceRequestDescription',
    'LastUpdatedAt',
  ],
} as const;

/** v0 tenant ledger rows, which hold both charges and payments. */
export const TENANT_LEDGER = {
  path: '/api/v0/tenant_ledgers',
  fields: [
    'Id',
    'Type',
    'OccupancyId',
    'PropertyId',
    'UnitId',
    'PostedOn',
    'Amount',
    'AmountDue',
    'Description',
    'GlAccountId',
    'Reference',
    'PaymentType',
    'AppliedTo',
    'LastUpdatedAt',
  ],
} as const;

/**
 * Which model each ledger row `Type` is, and its sign there (decision 3 in docs/issue21/README.md: Σ charges − Σ payments is the
 * occupancy's balance). Amounts are sent positive, the sign in `Type`: a Credit lowers what is owed, so it is a
 * charge of minus its amount (credits stay negative); an Adjustment raises it (AppFolio shows a payment reversed,
 * e.g. NSF, as an Adjustment naming the payment), so it is a payment of minus its amount.
 */
export const LEDGER_ROW_TYPES: Record<string, { model: 'resident_charges' | 'resident_payments'; sign: 1 | -1 }> = {
  Charge: { model: 'resident_charges', sign: 1 },
  Credit: { model: 'resident_charges', sign: -1 },
  Payment: { model: 'resident_payments', sign: 1 },
  Adjustment: { model: 'resident_payments', sign: -1 },
};

/**
 * Fields our client adds to a v0 row, under names of ours: a work order's newest note (`GET …/notes`,
 * `sort=-CreatedAt`) and its unit's name (unit_directory's `unit_name`, by UnitId).
 */
export const LAST_NOTE_FIELD = 'last_note';
export const UNIT_NAME_FIELD = 'unit_name';

const reportCall = (model: AppfolioReportModel) => `POST ${reportPath(APPFOLIO_REPORTS[model].name)}`;

export const APPFOLIO_FACTS: VendorFacts = {
  // Every customer has a host of its own (https://<customer>.appfolio.com): base_url is required.
  defaultBaseUrl: null,
  pageSize: 5000,
  slug: 'appfolio',
  interfaceName: 'APPFOLIO_BASE',
  // docs/vendors/models.md §3: AppFolio's API writes none of the four.
  unsupportedWrites: [
    'residents.create',
    'residents.update',
    'leases.create',
    'leases.update',
    'properties.create',
    'properties.update',
    'units.create',
    'units.update',
    // v0 has no payment-create endpoint.
    'resident_payments.create',
  ],
  // A 429 without Retry-After: one slot of the 7-per-15 s budget frees about every 2 s.
  throttleBackoffMs: 2_000,
  requestBudget: { requests: 7, perSeconds: 15 },
  sources: {
    properties: reportCall('properties'),
    units: reportCall('units'),
    leases: reportCall('leases'),
    // tenant_directory rows are minimal: the lookup completes them, and the rent roll's occupancy places them.
    residents: `${reportCall('residents')} + GET ${TENANT_LOOKUP.path} + ${reportCall('leases')} (a tenant's property is its occupancy's; a tenant whose occupancy is not on the rent roll is quarantined)`,
    service_requests: `GET ${WORK_ORDERS.path} + GET /api/v0/work_orders/{Id}/notes (the newest) + ${reportCall('units')} (unit names)`,
    resident_charges: `GET ${TENANT_LEDGER.path} (rows of Type Charge, and Credit as a negative charge; the whole ledger)`,
    resident_payments: `GET ${TENANT_LEDGER.path} (rows of Type Payment, and Adjustment, a reversal, as a negative payment; the whole ledger)`,
  },
};

/**
 * Fields our client adds to a row from another report, under names of ours: rent_roll names its tenants
 * but not their role (tenant_directory's tenant_type, by tenant id), and tenant_directory names a tenant's
 * occupancy but not its property nor its move dates (rent_roll's property_id, move_in, move_out, by occupancy
 * id, which place the tenant and date its link to its occupancy): the tenant's occupancy fields, set when
 * rent_roll has it.
 */
export const TENANT_TYPES_FIELD = 'tenant_types';
export const OCCUPANCY_PROPERTY_FIELD = 'occupancy_property_id';
export const OCCUPANCY_FIELDS: Readonly<Record<string, string>> = {
  property_id: OCCUPANCY_PROPERTY_FIELD,
  move_in: 'occupancy_move_in',
  move_out: 'occupancy_move_out',
};

/**
 * A tenant_directory column the contract does not list, read when a server sends it (one that sends more than
 * asked): the tenant's own property, which places it without its occupancy.
 */
export const TENANT_OWN_PROPERTY_FIELD = 'property_id';

/** An expired next_page_url (410) restarts its report this many times before the job fails. */
export const MAX_REPORT_RESTARTS = 3;

/** Report rows are tabular, so every contract column is on every row; the lookup's fields are not. */
export const APPFOLIO_EXPECTED_FIELDS: Record<AppfolioModel, ExpectedFields> = {
  service_requests: {
    required: ['Id', 'PropertyId'],
    known: [...WORK_ORDERS.fields, LAST_NOTE_FIELD, UNIT_NAME_FIELD],
  },
  // Charges carry AmountDue, payments PaymentType and AppliedTo: each row only its own.
  resident_charges: { required: ['Id', 'Type', 'PropertyId', 'Amount'], known: TENANT_LEDGER.fields },
  resident_payments: { required: ['Id', 'Type', 'PropertyId', 'Amount'], known: TENANT_LEDGER.fields },
  properties: { required: APPFOLIO_REPORTS.properties.columns, known: APPFOLIO_REPORTS.properties.columns },
  units: { required: APPFOLIO_REPORTS.units.columns, known: APPFOLIO_REPORTS.units.columns },
  leases: {
    required: APPFOLIO_REPORTS.leases.columns,
    known: [...APPFOLIO_REPORTS.leases.columns, TENANT_TYPES_FIELD],
  },
  residents: {
    required: APPFOLIO_REPORTS.residents.columns,
    known: [
      ...APPFOLIO_REPORTS.residents.columns,
      ...TENANT_LOOKUP.fields,
      ...Object.values(OCCUPANCY_FIELDS),
      TENANT_OWN_PROPERTY_FIELD,
    ],
  },
};

/**
 * Ledger `PaymentType` -> payment_method_normalized (the vendor file's table, value by value; anything else OTHER,
 * reported).
 */
export const PAYMENT_METHOD: Record<string, string> = {
  Check: 'CHECK',
  Cash: 'CASH',
  'Money Order': 'MONEYORDER',
  "Cashier's Check": 'CASHIERCHECK',
  'Credit Card': 'CREDITCARD',
  'Debit Card': 'CREDITCARD',
  ACH: 'ELECTRONICPAYMENT',
  eCheck: 'ELECTRONICPAYMENT',
  Online: 'ELECTRONICPAYMENT',
};

type LeaseStatus = 'ACTIVE' | 'PENDING' | 'INACTIVE' | 'EVICTED' | 'OTHER';

/**
 * rent_roll `status` (the contract's values, each mapped); the Notice-* tenants still live there, Vacant-Rented
 * is a unit waiting for its next tenant.
 */
export const LEASE_STATUS: Record<string, LeaseStatus> = {
  Current: 'ACTIVE',
  'Notice-Unrented': 'ACTIVE',
  'Notice-Rented': 'ACTIVE',
  'Vacant-Rented': 'PENDING',
  Future: 'PENDING',
  Evict: 'EVICTED',
};

/** tenant_directory `tenant_type` (the contract's values) -> the lease ↔ resident link type. */
export const RESIDENT_TYPE: Record<string, 'PRIMARY' | 'SECONDARY' | 'GUARANTOR' | 'OTHER'> = {
  'Financially Responsible': 'PRIMARY',
  Occupant: 'OTHER',
  Guarantor: 'GUARANTOR',
};

/** Lookup `PhoneNumbers[].Label`. */
export const PHONE_LABEL: Record<string, 'MOBILE' | 'HOME' | 'WORK' | 'FAX' | 'OTHER'> = {
  Mobile: 'MOBILE',
  Cell: 'MOBILE',
  Home: 'HOME',
  Work: 'WORK',
  Office: 'WORK',
  Fax: 'FAX',
  Other: 'OTHER',
};

/** property_directory `property_type`. */
export const PROPERTY_TYPE: Record<
  string,
  'SINGLE_FAMILY' | 'MULTI_FAMILY' | 'STUDENT_HOUSING' | 'VACATION' | 'COMMERCIAL' | 'OTHER'
> = {
  'Single-Family': 'SINGLE_FAMILY',
  'Multi-Family': 'MULTI_FAMILY',
  Condo: 'MULTI_FAMILY',
  Townhouse: 'MULTI_FAMILY',
  'Student Housing': 'STUDENT_HOUSING',
  'Vacation Rental': 'VACATION',
  Commercial: 'COMMERCIAL',
  Office: 'COMMERCIAL',
  Retail: 'COMMERCIAL',
  Industrial: 'COMMERCIAL',
  'Self-Storage': 'COMMERCIAL',
  'Mixed-Use': 'OTHER',
};

/** unit_directory `unit_status` (the rent-roll vocabulary of a unit) -> vacancy and availability. */
export const UNIT_STATUS: Record<string, { vacant: boolean; available: boolean }> = {
  'Vacant-Unrented': { vacant: true, available: true },
  'Vacant-Rented': { vacant: true, available: false },
  'Notice-Unrented': { vacant: false, available: true },
  'Notice-Rented': { vacant: false, available: false },
  Current: { vacant: false, available: false },
  Evict: { vacant: false, available: false },
  Future: { vacant: true, available: false },
};

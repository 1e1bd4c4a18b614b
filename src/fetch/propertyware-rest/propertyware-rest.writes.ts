import type { WriteOperation } from '../../catalogue/canonical-models';
import { isObject } from '../../normalise/normalise';
import type { VendorWrite, VendorWriteResult, VendorWriter, WriteFields } from '../adapter/vendor-adapter';
import { VendorAccessDeniedError, VendorRequestError, type VendorHttp } from '../adapter/vendor-http';
import { SQUARE_FEET_PER, type PropertywareRestModel } from './propertyware-rest.facts';

type Raw = Record<string, any>;
/** The models written by a Save schema at their own path (create and full-replace update). */
type SavedModel = 'residents' | 'leases' | 'properties' | 'units';
const isSaved = (model: PropertywareRestModel): model is SavedModel => model in PROPERTYWARE_REST_WRITE_PATHS;
type Fields = Record<string, unknown>;

const ADDRESS_FIELDS = ['address_1', 'address_2', 'city', 'state', 'zip', 'country'] as const;
const CONTACT_FIELDS = [
  'first_name',
  'middle_name',
  'last_name',
  'email_1',
  'email_2',
  'phone_1',
  'phone_1_type',
  'phone_2',
  'phone_2_type',
  'date_of_birth',
  'notes',
  ...ADDRESS_FIELDS,
];
const LEASE_FIELDS = [
  'unit_id',
  'start_date',
  'end_date',
  'move_in_date',
  'scheduled_move_out_date',
  'move_out_date',
  'rent_amount_in_cents',
  'status',
  'notes',
];
const BUILDING_FIELDS = [
  'name',
  'abbreviation',
  'type',
  'city',
  'state',
  'zip',
  'country',
  'year_built',
  'square_footage',
  'notes',
];
const UNIT_FIELDS = [
  'name',
  'abbreviation',
  'category',
  'type',
  'bedrooms',
  'bathrooms',
  'square_feet',
  'rent_amount_market_in_cents',
  'notes',
  ...ADDRESS_FIELDS,
];

/** SavePayment requires all of these (refNo included: the vendor file). */
const PAYMENT_REQUIRED = [
  'lease_id',
  'resident_id',
  'amount_in_cents',
  'transaction_date',
  'financial_account_id',
  'payment_type',
  'reference_number',
];

/**
 * The canonical fields each Propertyware write takes (docs/vendors/propertyware-rest.md, Writes). Required: the
 * fields Propertyware's Save schema requires that have no default in the table (abbreviation, moveInDate,
 * primaryContactID, countUnit, rentable, a unit's portfolioID are derived). An update merges into the current
 * record, so it requires nothing.
 */
export const PROPERTYWARE_REST_WRITE_FIELDS: Readonly<
  Partial<Record<PropertywareRestModel, Partial<Record<WriteOperation, WriteFields>>>>
> = {
  residents: {
    create: { required: ['first_name', 'last_name'], writable: ['lease_id', ...CONTACT_FIELDS] },
    update: { required: [], writable: CONTACT_FIELDS },
  },
  leases: {
    create: {
      required: ['unit_id', 'start_date', 'end_date', 'resident_id'],
      writable: [...LEASE_FIELDS, 'scheduled_move_in_date', 'resident_id'],
    },
    update: { required: [], writable: [...LEASE_FIELDS, 'signature_date', 'deposit_amount_in_cents'] },
  },
  properties: {
    create: {
      required: ['name', 'x_portfolio_id', 'category', 'type'],
      writable: [...BUILDING_FIELDS, 'x_portfolio_id', 'category', 'address_1', 'address_2'],
    },
    // UpdateBuilding has no category or portfolioID: neither can change. The spec's PUT names the street lines street_address_*.
    update: { required: [], writable: [...BUILDING_FIELDS, 'street_address_1', 'street_address_2'] },
  },
  units: {
    create: {
      required: ['property_id', 'category', 'type'],
      writable: [...UNIT_FIELDS, 'property_id', 'number', 'date_available', 'street_address_1', 'street_address_2'],
    },
    update: { required: [], writable: UNIT_FIELDS },
  },
  service_requests: {
    create: {
      required: ['property_id'],
      writable: [
        'property_id',
        'unit_id',
        'resident_id',
        'service_description',
        'service_details',
        'service_priority',
        'service_category',
        'access_is_authorized',
        'access_is_authorized_value',
        'date_scheduled',
        'scheduled_start_date',
        'scheduled_end_date',
      ],
      checks: { service_priority: (v) => known(WORK_ORDER_PRIORITY, v, 'service_priority') },
    },
    // The only update is the BETA close, which needs a vendor for its time card.
    // (`service_status`, the vendor file's PUT extension, is not in the spec's PUT input the pipeline validates.)
    update: {
      required: ['vendor_id'],
      writable: ['date_completed', 'status_raw', 'vendor_id', 'completion_notes'],
      checks: { status_raw: (v) => (CLOSING_STATUS_RAW.includes(String(v)) ? null : CLOSE_ONLY) },
    },
  },
  resident_charges: {
    create: {
      required: ['lease_id', 'amount_in_cents', 'transaction_date'],
      writable: [
        'lease_id',
        'amount_in_cents',
        'transaction_date',
        'financial_account_id',
        'charge_code_id',
        'reference_number',
        'description',
        'notes',
      ],
    },
  },
  resident_payments: {
    create: {
      required: PAYMENT_REQUIRED,
      writable: [...PAYMENT_REQUIRED, 'description', 'notes'],
      checks: { payment_type: (v) => known(PAYMENT_TYPE_WRITE, v, 'payment_type') },
    },
  },
};

/** Canonical service_priority -> SaveWorkOrder.priority (the vendor file's table). */
export const WORK_ORDER_PRIORITY: Record<string, string> = {
  High: 'HIGH',
  Emergency: 'HIGH',
  '24 hours': 'HIGH',
  Med: 'MEDIUM',
  Low: 'LOW',
};
/** access_is_authorized_value -> SaveWorkOrder.authorizeEnter (the vendor file's table). */
export const AUTHORIZE_ENTER_WRITE: Record<string, string> = {
  ENTER_AT_ANY_TIME: 'ANYTIME',
  BY_PERMISSION_ONLY: 'SPECIFIEDTIME',
  CALL_FOR_ENTRY: 'SPECIFIEDTIME',
};
/** Canonical payment_type -> SavePayment.paymentType (the vendor file's table; every value of the spec's enum). */
export const PAYMENT_TYPE_WRITE: Record<string, string> = {
  Check: 'CHECK',
  'Cashiers Check': 'CASHIERS_CHECK',
  Cash: 'CASH',
  'Credit Card': 'CREDIT_CARD',
  'Debit Card': 'CREDIT_CARD',
  'Money Order': 'MONEY_ORDER',
  eCheck: 'ECHECK',
  ACH: 'NACHA',
};
/** The values of an update that close a work order (the vendor file: the only update Propertyware has). */
export const CLOSING_STATUS_RAW = ['Completed', 'Work Completed'];
export const CLOSING_SERVICE_STATUS = ['Completed', 'Closed'];
const CLOSE_ONLY =
  'Propertyware can only close a work order (PUT /workorders/closeworkorder, BETA): status_raw Completed or Work Completed, service_status Completed or Closed, or date_completed';

/** A write check: the value is one the table maps, else the reason naming the values it takes. */
function known(table: Record<string, string>, value: unknown, field: string): string | null {
  return Object.hasOwn(table, String(value)) ? null : `${field} must be one of ${Object.keys(table).join(', ')}`;
}

/** The endpoint of each model's writes and one-record reads. */
export const PROPERTYWARE_REST_WRITE_PATHS: Record<SavedModel, string> = {
  residents: '/contacts',
  leases: '/leases',
  properties: '/buildings',
  units: '/units',
};

/** The schema each write sends, for messages. */
export const PROPERTYWARE_REST_WRITE_SCHEMAS: Record<PropertywareRestModel, Partial<Record<WriteOperation, string>>> = {
  residents: { create: 'SaveContact', update: 'SaveContact' },
  leases: { create: 'SaveLease', update: 'SaveLease' },
  properties: { create: 'SaveBuilding', update: 'UpdateBuilding' },
  units: { create: 'SaveUnit', update: 'SaveUnit' },
  service_requests: { create: 'SaveWorkOrder', update: 'CloseWorkOrder' },
  resident_charges: { create: 'SaveCharge' },
  resident_payments: { create: 'SavePayment' },
};

/**
 * Where the models Propertyware writes by their own endpoints go (the vendor file: work orders, the BETA lease
 * charges and payments), and whether the endpoint is BETA (a 403 then means the customer has not joined the beta
 * program). The work orders' only update is the BETA close.
 */
const CREATE_PATHS: Record<Exclude<PropertywareRestModel, SavedModel>, { path: string; beta: boolean }> = {
  service_requests: { path: '/workorders', beta: false },
  resident_charges: { path: '/leases/charges', beta: true },
  resident_payments: { path: '/leases/payments', beta: true },
};
const CLOSE_PATH = '/workorders/closeworkorder';

/** Canonical phone type -> the SaveContact field it is written to (no type: homePhone). */
export const PHONE_FIELD: Record<string, string> = {
  MOBILE: 'mobilePhone',
  HOME: 'homePhone',
  WORK: 'workPhone',
  OTHER: 'otherPhone',
  FAX: 'fax',
};

/** Canonical lease status -> Propertyware's (configurable per organisation; these are the spec's own values). */
export const LEASE_STATUS_WRITE: Record<string, string> = {
  PENDING: 'Draft',
  ACTIVE: 'Active',
  APPROVED: 'Active',
  SIGNED: 'Active',
  CANCELED: 'Terminated',
  DENIED: 'Terminated',
};

/** Canonical property `type` (and the display strings reads return) -> SaveBuilding.propertyType. */
export const PROPERTY_TYPE_CODE: Record<string, string> = {
  Apartment: 'APARTMENT',
  Condo: 'CONDO',
  Commercial: 'COMMERCIAL',
  'Du/Fourplex': 'DU_FOUR_PLEX',
  House: 'HOUSE',
  'Section 8/Affordable': 'SECTION_8_AFFORDABLE',
  Senior: 'SENIOR',
  'Short-term/vacation': 'SHORT_TERM_VACATION',
  Student: 'STUDENT',
  Townhouse: 'TOWNHOUSE',
  Other: 'OTHER',
  None: 'NONE',
};
const PROPERTY_TYPE_CODES = new Set(Object.values(PROPERTY_TYPE_CODE));

/** Canonical category (Residential|Commercial) -> SaveBuilding/SaveUnit.category. */
export const CATEGORY: Record<string, string> = { Residential: 'RESIDENTIAL', Commercial: 'COMMERCIAL' };

/** Canonical country codes -> the full name Propertyware wants ("United States", SaveAddress.country). */
const COUNTRY_NAME: Record<string, string> = { US: 'United States', USA: 'United States', CA: 'Canada' };

/**
 * A read record's fields that its Save schema takes back, so a full-replace PUT keeps them: the Save field, the
 * read field when named otherwise, and the conversion when the read serves another form.
 */
interface Carried {
  save: string;
  read?: string;
  convert?: (value: any) => unknown;
}
const same = (...names: string[]): Carried[] => names.map((save) => ({ save }));
const ADDRESS: Carried = { save: 'address', convert: saveAddress };
const ROOMS: Carried[] = [
  { save: 'numberBathrooms', read: 'numberOfBathrooms' },
  { save: 'numberBedrooms', read: 'numberOfBedrooms' },
];

/** SaveContact from Contact: `category` is taken on create only, so a PUT never carries it. */
export const CONTACT_CARRIED: Carried[] = [
  ...same(
    'firstName',
    'middleName',
    'lastName',
    'email',
    'altEmail',
    'homePhone',
    'mobilePhone',
    'workPhone',
    'otherPhone',
    'fax',
    'birthDate',
    'comments',
    'company',
    'jobTitle',
    'gender',
    'salutation',
    'suffix',
    'nameOnCheck',
    'namedOnLease',
    'allowESignature',
  ),
  ADDRESS,
];
/** SaveLease from Lease; tenantIDs and primaryContactID come from `contacts[]`. */
export const LEASE_CARRIED: Carried[] = same(
  'unitID',
  'startDate',
  'endDate',
  'moveInDate',
  'moveOutDate',
  'scheduleMoveOutDate',
  'noticeGivenDate',
  'reasonForLeaving',
  'baseRent',
  'comments',
  'signedDate',
  'status',
  'searchTag',
  'publicAssistanceProgram',
  'paymentRestriction',
);
/** UpdateBuilding from Building: reads serve propertyType as display strings, writes take the codes. */
export const BUILDING_CARRIED: Carried[] = [
  ...same(
    'abbreviation',
    'baseYear',
    'baseYearOperatingExpenses',
    'baseYearPropertyInsurance',
    'baseYearPropertyTaxes',
    'countUnit',
    'featuredForRent',
    'floorNumber',
    'moveInDays',
    'name',
    'neighborhood',
    'numberFloors',
    'ready',
    'rentable',
    'searchTag',
    'syndicate',
    'targetDeposit',
    'targetRent',
    'targetRentUnits',
    'totalArea',
    'type',
    'yearBuilt',
  ),
  ADDRESS,
  ...ROOMS,
  { save: 'propertyType', convert: (value: string) => PROPERTY_TYPE_CODE[value] ?? value },
];
/** SaveUnit from Unit: targetDeposit is a string in reads, a number in SaveUnit. */
export const UNIT_CARRIED: Carried[] = [
  ...same(
    'abbreviation',
    'buildingID',
    'category',
    'county',
    'floorNumber',
    'name',
    'neighborhood',
    'portfolioID',
    'ready',
    'searchTag',
    'targetRent',
    'targetRentUnits',
    'totalArea',
    'type',
  ),
  ADDRESS,
  ...ROOMS,
  { save: 'targetDeposit', convert: (value: unknown) => (value === '' ? undefined : Number(value)) },
];

/** Propertyware's Address as a SaveAddress: the same six fields, nulls left out. */
function saveAddress(address: Raw): Raw | undefined {
  if (address === null || typeof address !== 'object') return undefined;
  const kept = present(pick(address, ['address', 'addressCont', 'city', 'stateRegion', 'postalCode', 'country']));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** The Save fields a read record holds, converted: what a full-replace PUT must send again to keep them. */
export function carried(current: Raw, table: readonly Carried[]): Raw {
  const message: Raw = {};
  for (const { save, read, convert } of table) {
    const value = current[read ?? save];
    if (value === null || value === undefined || value === '') continue;
    message[save] = convert ? convert(value) : value;
  }
  return present(message);
}

/** A problem with the write found before anything is sent: final, with the field named. */
function invalid(message: string): VendorRequestError {
  return new VendorRequestError(`Propertyware cannot take this write: ${message}`, null, false);
}

/** A canonical date or date-time as Propertyware's YYYY-MM-DD. */
function date(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 10) : undefined;
}

/** Cents as Propertyware's decimal amount. */
function amount(cents: unknown): number | undefined {
  return typeof cents === 'number' ? cents / 100 : undefined;
}

/**
 * Sets a Save field from a canonical one when the write gives it: its converted value, or nothing (the field is
 * cleared: a full replace blanks what it leaves out) when the write gives null or ''.
 */
function overlay(message: Raw, fields: Fields, canonical: string, save: string, convert = (v: unknown) => v): void {
  if (!(canonical in fields)) return;
  const value = fields[canonical];
  const converted = value === null || value === '' ? undefined : convert(value);
  if (converted === undefined) delete message[save];
  else message[save] = converted;
}

/** The address given by canonical fields (`prefix` for the spec's street_address_* spelling), over the current one. */
function overlayAddress(message: Raw, fields: Fields, streetPrefix = 'address_'): void {
  const street = [`${streetPrefix}1`, `${streetPrefix}2`];
  if (![...street, 'city', 'state', 'zip', 'country'].some((f) => f in fields)) return;
  const address: Raw = { ...(message.address ?? {}) };
  overlay(address, fields, street[0], 'address');
  overlay(address, fields, street[1], 'addressCont');
  overlay(address, fields, 'city', 'city');
  overlay(address, fields, 'state', 'stateRegion');
  overlay(address, fields, 'zip', 'postalCode');
  overlay(address, fields, 'country', 'country', (c) => COUNTRY_NAME[String(c).toUpperCase()] ?? c);
  if (Object.keys(address).length > 0) message.address = address;
  else delete message.address;
}

/** SaveContact: the current contact's fields, overlaid with the canonical ones given. */
export function contactMessage(current: Raw, fields: Fields): Raw {
  const message = carried(current, CONTACT_CARRIED);
  overlay(message, fields, 'first_name', 'firstName');
  overlay(message, fields, 'middle_name', 'middleName');
  overlay(message, fields, 'last_name', 'lastName');
  overlay(message, fields, 'email_1', 'email');
  overlay(message, fields, 'email_2', 'altEmail');
  for (const n of [1, 2]) {
    if (!(`phone_${n}` in fields)) continue;
    const type = fields[`phone_${n}_type`];
    const target = (typeof type === 'string' ? PHONE_FIELD[type] : undefined) ?? 'homePhone';
    overlay(message, fields, `phone_${n}`, target);
  }
  overlay(message, fields, 'date_of_birth', 'birthDate', date);
  overlay(message, fields, 'notes', 'comments');
  overlayAddress(message, fields);
  return message;
}

/** The ids of a Lease's contacts[], the primary first-named (else the first contact). */
function leaseTenants(current: Raw): { tenantIDs: number[]; primaryContactID?: number } {
  const contacts = (Array.isArray(current.contacts) ? current.contacts : []) as Raw[];
  const tenantIDs = contacts.map((c) => Number(c?.id)).filter((id) => Number.isInteger(id));
  const primary = contacts.find((c) => c?.primary === true)?.id ?? tenantIDs[0];
  return { tenantIDs, ...(primary === undefined ? {} : { primaryContactID: Number(primary) }) };
}

/**
 * SaveLease: on create from the canonical fields (moveInDate ← move_in_date ?? scheduled_move_in_date ??
 * start_date; the resident is the tenant and the primary contact); on update the current lease overlaid.
 * `addTenant` puts a contact on the lease (a resident created with lease_id).
 */
export function leaseMessage(current: Raw, fields: Fields, addTenant?: number): Raw {
  const message: Raw = { ...carried(current, LEASE_CARRIED), ...leaseTenants(current) };
  overlay(message, fields, 'unit_id', 'unitID', Number);
  overlay(message, fields, 'start_date', 'startDate', date);
  overlay(message, fields, 'end_date', 'endDate', date);
  overlay(message, fields, 'scheduled_move_in_date', 'moveInDate', date);
  overlay(message, fields, 'move_in_date', 'moveInDate', date);
  message.moveInDate ??= message.startDate;
  overlay(message, fields, 'scheduled_move_out_date', 'scheduleMoveOutDate', date);
  overlay(message, fields, 'move_out_date', 'moveOutDate', date);
  overlay(message, fields, 'rent_amount_in_cents', 'baseRent', amount);
  overlay(message, fields, 'deposit_amount_in_cents', 'secDepAmount', amount);
  overlay(message, fields, 'signature_date', 'signedDate', date);
  overlay(message, fields, 'notes', 'comments');
  overlay(message, fields, 'status', 'status', (s) => LEASE_STATUS_WRITE[String(s)] ?? s);
  if (typeof fields.resident_id === 'string') {
    message.tenantIDs = [Number(fields.resident_id)];
    message.primaryContactID = Number(fields.resident_id);
  }
  if (addTenant !== undefined && !message.tenantIDs.includes(addTenant))
    message.tenantIDs = [...message.tenantIDs, addTenant];
  message.primaryContactID ??= message.tenantIDs[0];
  return message;
}

/**
 * SaveBuilding (create) or UpdateBuilding (update, without category and portfolioID). propertyType and the
 * free-text type both come from the canonical type; abbreviation defaults to the first 12 characters of the
 * name, countUnit to 1 and rentable to true (for one unit).
 */
export function buildingMessage(current: Raw, fields: Fields, operation: WriteOperation): Raw {
  const message = carried(current, BUILDING_CARRIED);
  if (operation === 'create') {
    overlay(message, fields, 'x_portfolio_id', 'portfolioID', Number);
    overlay(message, fields, 'category', 'category', (c) => CATEGORY[String(c)] ?? c);
  }
  overlay(message, fields, 'name', 'name');
  overlay(message, fields, 'abbreviation', 'abbreviation');
  if (typeof message.name === 'string') message.abbreviation ??= message.name.slice(0, 12);
  overlay(message, fields, 'type', 'propertyType', (t) => PROPERTY_TYPE_CODE[String(t)] ?? t);
  overlay(message, fields, 'type', 'type');
  // The free-text type is required too: a building that has none gets its property type's name, as a create would.
  if (typeof current.propertyType === 'string') message.type ??= current.propertyType;
  overlay(message, fields, 'year_built', 'yearBuilt');
  overlay(message, fields, 'square_footage', 'totalArea', (area) => inAreaUnits(area, 'square_footage', current));
  overlay(message, fields, 'notes', 'description');
  overlayAddress(message, fields, operation === 'create' ? 'address_' : 'street_address_');
  message.countUnit ??= 1;
  // rentable false = a multi-unit building (the spec): a building read without it keeps what its unit count says.
  message.rentable ??= message.countUnit <= 1;
  if (message.propertyType !== undefined && !PROPERTY_TYPE_CODES.has(message.propertyType))
    throw invalid(
      `propertyType "${String(message.propertyType)}" is not one of Propertyware's codes; send type (${Object.keys(PROPERTY_TYPE_CODE).join(', ')})`,
    );
  return message;
}

/**
 * SaveUnit: name ← name ?? number, abbreviation ← abbreviation ?? number (else the name), the building and its portfolio (a
 * unit's portfolio is its building's), bedrooms and bathrooms as numbers, square feet in the unit's area units.
 */
export function unitMessage(current: Raw, fields: Fields, building?: Raw): Raw {
  const message = carried(current, UNIT_CARRIED);
  if (building) {
    message.buildingID = Number(building.id);
    message.portfolioID = Number(building.portfolioID);
  }
  overlay(message, fields, 'number', 'name');
  overlay(message, fields, 'name', 'name');
  overlay(message, fields, 'number', 'abbreviation');
  overlay(message, fields, 'abbreviation', 'abbreviation');
  overlay(message, fields, 'category', 'category', (c) => CATEGORY[String(c)] ?? c);
  overlay(message, fields, 'type', 'type');
  overlay(message, fields, 'bedrooms', 'numberBedrooms', (v) => numeric(v, 'bedrooms'));
  overlay(message, fields, 'bathrooms', 'numberBathrooms', (v) => numeric(v, 'bathrooms'));
  overlay(message, fields, 'square_feet', 'totalArea', (area) => inAreaUnits(area, 'square_feet', current));
  overlay(message, fields, 'rent_amount_market_in_cents', 'targetRent', amount);
  overlay(message, fields, 'date_available', 'availableDate', date);
  overlay(message, fields, 'notes', 'description');
  overlayAddress(
    message,
    fields,
    'street_address_1' in fields || 'street_address_2' in fields ? 'street_address_' : 'address_',
  );
  if (message.name === undefined) throw invalid('a unit needs a name: send name or number');
  message.abbreviation ??= message.name;
  return message;
}

function numeric(value: unknown, field: string): number {
  const n = Number(value);
  if (typeof value !== 'string' && typeof value !== 'number') throw invalid(`${field} must be a number`);
  if (!Number.isFinite(n)) throw invalid(`${field} "${String(value)}" is not a number`);
  return n;
}

/** Square feet as totalArea in the record's area units (reads convert Sq M back to square feet). */
function inAreaUnits(area: unknown, field: string, current: Raw): number {
  const factor = SQUARE_FEET_PER[current.areaUnits ?? 'Sq Ft'] ?? 1;
  const squareFeet = numeric(area, field);
  return factor === 1 ? squareFeet : Math.round((squareFeet / factor) * 100) / 100;
}

/** How the writer hydrates a contact with the leases naming it, as the resident sync does. */
export interface ContactHydration {
  /** The contact with every lease that names it (the sync's view). */
  all(contact: Raw): Promise<unknown>;
  /** The contact with these leases, when they are known to be all that name it (a contact just created). */
  withLeases(contact: Raw, leases: Raw[]): unknown;
  /** A work order, charge or payment as the sync lists it (with its unit's name, its lease's place). */
  record(model: PropertywareRestModel, record: Raw): Promise<unknown>;
}

/**
 * Writes through Propertyware's REST API: one record per call, a create answers 201 with the record; a PUT
 * replaces the whole record (the vendor file's contract), so an update is GET → overlay → PUT of the complete
 * Save object.
 */
export class PropertywareRestWriter implements VendorWriter<PropertywareRestModel> {
  constructor(
    private readonly http: VendorHttp,
    private readonly hydration: ContactHydration,
  ) {}

  async write(write: VendorWrite & { model: PropertywareRestModel }): Promise<VendorWriteResult> {
    const { model, operation, fields } = write;
    if (!isSaved(model)) return this.writeOwn(model, operation, fields, write.xId);
    const path = PROPERTYWARE_REST_WRITE_PATHS[model];
    if (operation === 'create') {
      // A retry of a partial create: the contact exists (the job kept its id), so it is only put on its lease.
      if (model === 'residents' && write.xId !== undefined)
        return this.placedResident(write.xId, null, fields.lease_id);
      const message = await this.createMessage(model, fields);
      // No idempotency at Propertyware: a resent POST makes a second record, so it goes again only if unsent.
      const created = (
        await this.refusals(model, operation, () => this.http.post<Raw>(path, message, { resend: 'unlessSent' }))
      ).data;
      const result = recordResult(created);
      if (model === 'residents' && result.xId !== null)
        return this.placedResident(result.xId, created, fields.lease_id);
      return result;
    }
    const xId = write.xId!;
    const current = (await this.http.get<Raw>(`${path}/${xId}`)).data;
    const message = this.updateMessage(model, current, fields);
    // A complete replacement: sending it again sets the same values, so it may be resent.
    const answer = (await this.refusals(model, operation, () => this.http.put<Raw>(`${path}/${xId}`, message))).data;
    // A contact names no lease: the read-back adds the leases naming it, as the resident sync does.
    if (model === 'residents') return { xId: String(answer.id), readBackFrom: { answer } };
    return recordResult(answer);
  }

  /**
   * `{}` to the model's create endpoint, for either operation (propertyware-rest.md, Access probe): Propertyware
   * checks the key's Write permission on the entity before the body, so its 400 for the empty body proves the key
   * may write, and a body without the required fields creates nothing. An empty PUT is never sent: to a vendor
   * that replaces whole records, one accepted would blank a record.
   */
  async probe(model: PropertywareRestModel, operation: WriteOperation): Promise<void> {
    // The close of a work order: an empty body to no work order (id 0), refused for its body or its id only once
    // the key passed the permission and beta checks; an empty close is never sent to a real one.
    const close = model === 'service_requests' && operation === 'update';
    const beta = close || (!isSaved(model) && CREATE_PATHS[model].beta);
    try {
      if (close) await this.http.put(`${CLOSE_PATH}/0`, {});
      else await this.http.post(isSaved(model) ? PROPERTYWARE_REST_WRITE_PATHS[model] : CREATE_PATHS[model].path, {});
    } catch (error) {
      if (error instanceof VendorRequestError && (error.status === 400 || (close && error.status === 404))) return;
      throw beta ? notInBeta(error) : error;
    }
    throw new VendorRequestError(`Propertyware accepted an empty ${operation} of ${model}`, null, false);
  }

  /**
   * The record a write answered, hydrated as the sync lists it (a contact with the leases naming it; a work order,
   * charge or payment with its unit's name or its lease's place), else read by its id (a closed work order).
   */
  async readBack(model: PropertywareRestModel, xId: string, from: Record<string, unknown>): Promise<unknown> {
    if (isObject(from.answer))
      return model === 'residents' ? this.hydration.all(from.answer) : this.hydration.record(model, from.answer);
    // Charges and payments have no read by id (the spec): their creates answer with the record instead.
    if (model === 'resident_charges' || model === 'resident_payments') return null;
    if (model === 'service_requests') {
      try {
        return await this.hydration.record(model, (await this.http.get<Raw>(`/workorders/${xId}`)).data);
      } catch (error) {
        if (error instanceof VendorRequestError && error.status === 404) return null;
        throw error;
      }
    }
    try {
      const record = (await this.http.get<Raw>(`${PROPERTYWARE_REST_WRITE_PATHS[model]}/${xId}`)).data;
      return model === 'residents' ? await this.hydration.all(record) : record;
    } catch (error) {
      if (error instanceof VendorRequestError && error.status === 404) return null;
      throw error;
    }
  }

  private async createMessage(model: SavedModel, fields: Fields): Promise<Raw> {
    switch (model) {
      case 'residents':
        return contactMessage({}, fields);
      case 'leases':
        return leaseMessage({}, fields);
      case 'properties':
        return buildingMessage({}, fields, 'create');
      case 'units': {
        // A unit's portfolio is its building's: SaveUnit requires both.
        const building = (await this.http.get<Raw>(`/buildings/${String(fields.property_id)}`)).data;
        return unitMessage({}, fields, building);
      }
    }
  }

  private updateMessage(model: SavedModel, current: Raw, fields: Fields): Raw {
    switch (model) {
      case 'residents':
        return contactMessage(current, fields);
      case 'leases':
        return leaseMessage(current, fields);
      case 'properties':
        return buildingMessage(current, fields, 'update');
      case 'units':
        return unitMessage(current, fields);
    }
  }

  /**
   * A contact put on the lease the write names (GET the lease → tenantIDs + the contact → PUT): only then is it a
   * tenant, which the resident sync reads. `contact` is the one this write just made, named by that lease alone, so
   * it is the record; on a retry (null) the contact was made by an earlier attempt and is read back with every lease
   * naming it. A lease call that fails leaves the contact made: the write is partial (`partialErrors`), and its
   * retry-write comes back here with the contact's id, never creating a second contact.
   */
  private async placedResident(xId: string, contact: Raw | null, leaseId: unknown): Promise<VendorWriteResult> {
    if (typeof leaseId !== 'string')
      return contact ? { xId, record: this.hydration.withLeases(contact, []) } : { xId, readBackFrom: {} };
    try {
      const lease = await this.leaseNaming(Number(xId), leaseId);
      return contact ? { xId, record: this.hydration.withLeases(contact, [lease]) } : { xId, readBackFrom: {} };
    } catch (error) {
      return {
        xId,
        partialErrors: [
          `contact ${xId} was created, but not put on lease ${leaseId}, so it is no tenant (no resident) yet; ` +
            'retry-write puts it on the lease and creates no second contact',
          (error as Error).message,
        ],
      };
    }
  }

  /**
   * The lease with the contact among its tenants: PUT with it added, unless the lease names it already (an earlier
   * attempt's PUT arrived): the PUT replaces the whole lease, and would blank what reads never show (its deposit).
   */
  private async leaseNaming(contactId: number, leaseId: string): Promise<Raw> {
    const lease = (await this.http.get<Raw>(`/leases/${leaseId}`)).data;
    if (leaseTenants(lease).tenantIDs.includes(contactId)) return lease;
    const message = leaseMessage(lease, {}, contactId);
    return (await this.refusals('leases', 'update', () => this.http.put<Raw>(`/leases/${leaseId}`, message))).data;
  }

  /**
   * A work order's create or close, or a lease charge's or payment's create (BETA). Creates are sent once (no
   * idempotency: a resent POST posts the money twice) and answer the record; the close answers no record, so the
   * work order is read back by its id.
   */
  private async writeOwn(
    model: Exclude<PropertywareRestModel, SavedModel>,
    operation: WriteOperation,
    fields: Fields,
    xId: string | undefined,
  ): Promise<VendorWriteResult> {
    if (operation === 'update') {
      const message = closeMessage(fields);
      // A close adds a time card entry: sent again it may add another, so it too goes again only if unsent.
      await this.refusals(model, operation, () =>
        this.http.put(`${CLOSE_PATH}/${xId!}`, message, { resend: 'unlessSent' }),
      ).catch((error: unknown) => {
        throw notInBeta(error);
      });
      return { xId: xId!, readBackFrom: {} };
    }
    const { path, beta } = CREATE_PATHS[model];
    const message =
      model === 'service_requests'
        ? workOrderMessage(fields)
        : model === 'resident_charges'
          ? chargeMessage(fields)
          : paymentMessage(fields);
    const created = (
      await this.refusals(model, operation, () => this.http.post<Raw>(path, message, { resend: 'unlessSent' })).catch(
        (error: unknown) => {
          throw beta ? notInBeta(error) : error;
        },
      )
    ).data;
    const result = recordResult(created);
    return result.xId === null ? result : { xId: result.xId, readBackFrom: { answer: created } };
  }

  /** A 400 ErrorResponse as readable field errors: "Propertyware refused the SaveContact: lastName (last_name): …". */
  private async refusals<T>(
    model: PropertywareRestModel,
    operation: WriteOperation,
    send: () => Promise<T>,
  ): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof VendorRequestError) || error.status !== 400) throw error;
      const readable = fieldErrors(model, error.body);
      if (readable === null) throw error;
      throw new VendorRequestError(
        `Propertyware refused the ${PROPERTYWARE_REST_WRITE_SCHEMAS[model][operation] ?? operation} (HTTP 400): ${readable}`,
        400,
        false,
        error.body,
      );
    }
  }
}

/** A 403 of a BETA endpoint: the customer has not joined Propertyware's beta program (the vendor file). */
function notInBeta(error: unknown): unknown {
  if (!(error instanceof VendorRequestError) || error.status !== 403) return error;
  return new VendorAccessDeniedError(`not in Propertyware beta program: ${error.message}`, 403);
}

/** A vendor id of a model Latchkey stores (the pipeline has put the vendor's id in place of ours) as an int64. */
function vendorNumber(value: unknown, field: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw invalid(`${field} "${String(value)}" is not a Propertyware id`);
  return n;
}

/** Cents as Propertyware's decimal amount: exact, since cents / 100 is the nearest double to the decimal. */
function money(cents: unknown, field: string): number {
  if (typeof cents !== 'number' || !Number.isSafeInteger(cents)) throw invalid(`${field} must be whole cents`);
  return cents / 100;
}

/**
 * SaveWorkOrder from a service request create (the vendor file's table): the building and unit, the description
 * (details, else the summary), priority and entry permission through their tables, dates as YYYY-MM-DD, the
 * requester by contact id, type "Service Request".
 */
export function workOrderMessage(fields: Fields): Raw {
  const enterValue = fields.access_is_authorized_value;
  const authorizeEnter =
    typeof enterValue === 'string'
      ? AUTHORIZE_ENTER_WRITE[enterValue]
      : typeof fields.access_is_authorized === 'boolean'
        ? fields.access_is_authorized
          ? 'ANYTIME'
          : 'NO'
        : undefined;
  return present({
    buildingID: vendorNumber(fields.property_id, 'property_id'),
    unitIDs: fields.unit_id == null ? undefined : [vendorNumber(fields.unit_id, 'unit_id')],
    description: fields.service_details ?? fields.service_description,
    priority: typeof fields.service_priority === 'string' ? WORK_ORDER_PRIORITY[fields.service_priority] : undefined,
    category: fields.service_category,
    type: 'Service Request',
    authorizeEnter,
    dateToEnter: date(fields.date_scheduled),
    requestedBy: fields.resident_id == null ? undefined : vendorNumber(fields.resident_id, 'resident_id'),
    startDate: date(fields.scheduled_start_date),
    scheduledEndDate: date(fields.scheduled_end_date),
  });
}

/**
 * CloseWorkOrder from a service request update (the vendor file): a time card entry of the vendor (no hours),
 * the completion date and notes. An update that does not close (no completion date nor a closing status) is
 * not one Propertyware can make.
 */
export function closeMessage(fields: Fields): Raw {
  const closes =
    fields.date_completed != null ||
    CLOSING_STATUS_RAW.includes(String(fields.status_raw)) ||
    CLOSING_SERVICE_STATUS.includes(String(fields.service_status));
  if (!closes) throw invalid(CLOSE_ONLY);
  if (fields.vendor_id == null) throw invalid('Propertyware needs a vendor to close a work order');
  const completed = typeof fields.date_completed === 'string' ? fields.date_completed : undefined;
  return present({
    timeCardEntry: [
      present({
        vendorID: vendorNumber(fields.vendor_id, 'vendor_id'),
        workDate: completed === undefined ? undefined : `${date(completed)}T00:00:00Z`,
        hours: 0,
      }),
    ],
    completedDate: date(completed),
    comments: fields.completion_notes,
  });
}

/** SaveCharge from a charge create: the GL account is financial_account_id, else charge_code_id (Propertyware's ids). */
export function chargeMessage(fields: Fields): Raw {
  const account = fields.financial_account_id ?? fields.charge_code_id;
  if (account == null) throw invalid('a charge needs a GL account: send financial_account_id or charge_code_id');
  return present({
    leaseID: vendorNumber(fields.lease_id, 'lease_id'),
    amount: money(fields.amount_in_cents, 'amount_in_cents'),
    date: date(fields.transaction_date),
    glAccountID: vendorNumber(account, 'financial_account_id'),
    refNo: fields.reference_number,
    comments: fields.description ?? fields.notes,
  });
}

/** SavePayment from a payment create: posted and deposited on the transaction date, into the bank GL account given. */
export function paymentMessage(fields: Fields): Raw {
  return present({
    leaseID: vendorNumber(fields.lease_id, 'lease_id'),
    contactID: vendorNumber(fields.resident_id, 'resident_id'),
    amount: money(fields.amount_in_cents, 'amount_in_cents'),
    date: date(fields.transaction_date),
    depositDate: date(fields.transaction_date),
    destinationAccountID: vendorNumber(fields.financial_account_id, 'financial_account_id'),
    paymentType: PAYMENT_TYPE_WRITE[String(fields.payment_type)],
    refNo: fields.reference_number,
    comments: fields.description ?? fields.notes,
  });
}

/** Save field -> the canonical field it is written from, per model, to name both in a vendor's field error. */
const CANONICAL_OF: Record<PropertywareRestModel, Record<string, string>> = {
  residents: {
    firstName: 'first_name',
    middleName: 'middle_name',
    lastName: 'last_name',
    email: 'email_1',
    altEmail: 'email_2',
    birthDate: 'date_of_birth',
    comments: 'notes',
    'address.address': 'address_1',
    'address.addressCont': 'address_2',
    'address.city': 'city',
    'address.stateRegion': 'state',
    'address.postalCode': 'zip',
    'address.country': 'country',
  },
  leases: {
    unitID: 'unit_id',
    startDate: 'start_date',
    endDate: 'end_date',
    moveInDate: 'move_in_date',
    moveOutDate: 'move_out_date',
    scheduleMoveOutDate: 'scheduled_move_out_date',
    baseRent: 'rent_amount_in_cents',
    secDepAmount: 'deposit_amount_in_cents',
    signedDate: 'signature_date',
    tenantIDs: 'resident_id',
    primaryContactID: 'resident_id',
    comments: 'notes',
    status: 'status',
  },
  properties: {
    name: 'name',
    abbreviation: 'abbreviation',
    portfolioID: 'x_portfolio_id',
    category: 'category',
    propertyType: 'type',
    type: 'type',
    yearBuilt: 'year_built',
    totalArea: 'square_footage',
    description: 'notes',
    'address.country': 'country',
  },
  units: {
    name: 'name',
    abbreviation: 'abbreviation',
    buildingID: 'property_id',
    category: 'category',
    type: 'type',
    numberBedrooms: 'bedrooms',
    numberBathrooms: 'bathrooms',
    totalArea: 'square_feet',
    targetRent: 'rent_amount_market_in_cents',
    availableDate: 'date_available',
    description: 'notes',
    'address.country': 'country',
  },
  service_requests: {
    buildingID: 'property_id',
    unitIDs: 'unit_id',
    description: 'service_details',
    priority: 'service_priority',
    category: 'service_category',
    authorizeEnter: 'access_is_authorized_value',
    dateToEnter: 'date_scheduled',
    requestedBy: 'resident_id',
    startDate: 'scheduled_start_date',
    scheduledEndDate: 'scheduled_end_date',
    timeCardEntry: 'vendor_id',
    completedDate: 'date_completed',
    comments: 'completion_notes',
  },
  resident_charges: {
    leaseID: 'lease_id',
    amount: 'amount_in_cents',
    date: 'transaction_date',
    glAccountID: 'financial_account_id',
    refNo: 'reference_number',
    comments: 'description',
  },
  resident_payments: {
    leaseID: 'lease_id',
    contactID: 'resident_id',
    amount: 'amount_in_cents',
    date: 'transaction_date',
    depositDate: 'transaction_date',
    destinationAccountID: 'financial_account_id',
    paymentType: 'payment_type',
    refNo: 'reference_number',
    comments: 'description',
  },
};

/** ErrorResponse {userMessage, errors[{key, message}]} as one readable line; null when the body is not one. */
export function fieldErrors(model: PropertywareRestModel, body: unknown): string | null {
  if (body === null || typeof body !== 'object') return null;
  const { userMessage, errors } = body as { userMessage?: unknown; errors?: unknown };
  const items = (Array.isArray(errors) ? errors : []) as Array<{ key?: unknown; message?: unknown } | null>;
  const named = items
    .filter((e) => e && typeof e.message === 'string')
    .map((e) => {
      const key = typeof e!.key === 'string' ? e!.key : '';
      const canonical = CANONICAL_OF[model][key];
      return `${key}${canonical && canonical !== key ? ` (${canonical})` : ''}: ${String(e!.message)}`;
    });
  if (named.length === 0) return typeof userMessage === 'string' ? userMessage : null;
  return named.join('; ');
}

function recordResult(data: Raw): VendorWriteResult {
  const id = data?.id;
  return typeof id === 'number' || typeof id === 'string' ? { xId: String(id), record: data } : { xId: null };
}

function pick(record: Raw, names: readonly string[]): Raw {
  return Object.fromEntries(names.filter((n) => n in record).map((n) => [n, record[n]]));
}

/** Without null, undefined and '' values: an empty string is no value (and breaks the spec's minLength 1). */
function present(record: Raw): Raw {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

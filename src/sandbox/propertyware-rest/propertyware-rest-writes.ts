import { PROPERTY_TYPE_CODES, PROPERTY_TYPE_DISPLAY } from './propertyware-rest-dataset';

type Rec = Record<string, any>;

/**
 * One field of a Propertyware Save/Update schema (docs/reference/propertyware-openapi.json, checked field by
 * field in test/unit/propertyware-rest-sandbox.spec.ts): its JSON type, length limit and enum, and what a read
 * shows of it (`read`: the read schema's name when it differs; `hidden`: reads do not show it).
 */
export interface FieldRule {
  type: 'string' | 'date' | 'integer' | 'number' | 'boolean' | 'integer[]' | 'address' | 'object' | 'object[]';
  max?: number;
  values?: readonly (string | number)[];
  read?: string;
  hidden?: true;
  /** The value as reads serve it, when it is not the written one. */
  toRead?: (value: any) => unknown;
}

export interface SaveSchema {
  name: string;
  required: readonly string[];
  fields: Record<string, FieldRule>;
}

const S: FieldRule = { type: 'string' };
const HIDDEN_S: FieldRule = { type: 'string', hidden: true };
const DATE: FieldRule = { type: 'date' };
const BOOL: FieldRule = { type: 'boolean' };
const INT: FieldRule = { type: 'integer' };
const NUM: FieldRule = { type: 'number' };
const str = (max: number): FieldRule => ({ type: 'string', max });
const RENT_UNITS = [
  'DOLLAR_PER_SQ_FT_MONTH',
  'DOLLAR_PER_SQ_FT_YEAR',
  'DOLLAR_PER_SQ_M_MONTH',
  'DOLLAR_PER_SQ_M_YEAR',
  'DOLLAR_PER_MONTH',
  'DOLLAR_PER_WEEK',
  'DOLLAR_PER_NIGHT',
] as const;
const CATEGORIES = ['RESIDENTIAL', 'COMMERCIAL'] as const;
const BATHROOMS = [0, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10] as const;
const DISPLAY_OF_CODE = Object.fromEntries(
  Object.entries(PROPERTY_TYPE_DISPLAY).map(([display, code]) => [code, display]),
);

/** SaveAddress: `country` is required whenever an address is sent. */
export const SAVE_ADDRESS: SaveSchema = {
  name: 'SaveAddress',
  required: ['country'],
  fields: {
    address: str(50),
    addressCont: str(20),
    city: str(30),
    stateRegion: str(20),
    postalCode: str(20),
    country: str(30),
  },
};

export const SAVE_CONTACT: SaveSchema = {
  name: 'SaveContact',
  required: ['firstName', 'lastName'],
  fields: {
    address: { type: 'address' },
    allowESignature: BOOL,
    altEmail: S,
    birthDate: DATE,
    category: S,
    comments: S,
    company: str(75),
    email: S,
    fax: S,
    firstName: str(30),
    gender: { type: 'string', values: ['UNKNOWN', 'MALE', 'FEMALE', 'DECLINE_TO_STATE'] },
    homePhone: str(22),
    jobTitle: str(75),
    lastName: str(30),
    middleName: str(30),
    mobilePhone: str(22),
    nameOnCheck: str(100),
    namedOnLease: BOOL,
    otherPhone: str(22),
    salutation: S,
    searchTag: HIDDEN_S,
    suffix: S,
    workPhone: str(22),
  },
};

export const SAVE_LEASE: SaveSchema = {
  name: 'SaveLease',
  required: ['endDate', 'moveInDate', 'primaryContactID', 'startDate', 'tenantIDs', 'unitID'],
  fields: {
    baseRent: NUM,
    comments: S,
    endDate: DATE,
    leasingFeeAmount: { type: 'number', hidden: true },
    leasingFeeDate: { type: 'date', hidden: true },
    leasingFeeRefNo: HIDDEN_S,
    moveInDate: DATE,
    moveOutDate: DATE,
    noticeGivenDate: DATE,
    paymentRestriction: S,
    postFirstCharge: { type: 'boolean', hidden: true },
    // Served as the lease's contacts[] (primary flag), with tenantIDs.
    primaryContactID: { type: 'integer', hidden: true },
    prorateMonth: {
      type: 'string',
      values: ['DO_NOT_PRORATE', 'FIRST_MONTH_PRORATE', 'SECOND_MONTH_PRORATE'],
      hidden: true,
    },
    publicAssistanceProgram: S,
    reasonForLeaving: S,
    rentAutoCharge: { type: 'object', hidden: true },
    scheduleMoveOutDate: DATE,
    searchTag: S,
    secDepAmount: { type: 'number', hidden: true },
    secDepChargeDate: { type: 'date', hidden: true },
    signedDate: DATE,
    startDate: DATE,
    status: S,
    tenantIDs: { type: 'integer[]', hidden: true },
    unitID: INT,
  },
};

const BUILDING_FIELDS: Record<string, FieldRule> = {
  abbreviation: str(12),
  address: { type: 'address' },
  allocationMethod: { type: 'string', values: ['By Square Foot', 'By Percent'], hidden: true },
  availableDate: { type: 'date', hidden: true },
  baseYear: INT,
  baseYearOperatingExpenses: S,
  baseYearPropertyInsurance: S,
  baseYearPropertyTaxes: S,
  category: { type: 'string', values: CATEGORIES },
  countUnit: INT,
  customNaming: HIDDEN_S,
  description: HIDDEN_S,
  featuredForRent: BOOL,
  floorNumber: INT,
  managementContractEndDate: { type: 'date', hidden: true },
  managementContractStartDate: { type: 'date', hidden: true },
  managementFeeType: HIDDEN_S,
  managementFeesType: {
    type: 'string',
    values: ['MANAGE_FEE_NONE', 'MANAGE_FEE_GREATER_OF_FLAT_OR_PERCENTAGE', 'MANAGE_FEE_FLAT_PLUS_PERCENTAGE'],
    hidden: true,
  },
  managementFlatFee: { type: 'number', hidden: true },
  marketingName: HIDDEN_S,
  moveInDays: INT,
  name: str(100),
  naming: { type: 'string', values: ['UNIT', 'SUITE', 'SPACE', 'CUSTOM'], hidden: true },
  neighborhood: str(30),
  numberBathrooms: { type: 'number', read: 'numberOfBathrooms' },
  numberBedrooms: { type: 'integer', read: 'numberOfBedrooms' },
  numberFloors: INT,
  numbered: { type: 'string', values: ['Alpha', 'Numeric'], hidden: true },
  otherTenantCharges: HIDDEN_S,
  parcelNumber: HIDDEN_S,
  petsAllowed: { type: 'boolean', hidden: true },
  portfolioID: INT,
  postingTitle: HIDDEN_S,
  // Writes take the codes, reads serve the display strings (docs/vendors/propertyware-rest.md).
  propertyType: { type: 'string', values: PROPERTY_TYPE_CODES, toRead: (code: string) => DISPLAY_OF_CODE[code] },
  publishedForRent: { type: 'string', values: ['Yes', 'No'], hidden: true },
  ready: BOOL,
  rentable: BOOL,
  searchTag: str(25),
  shortDescription: HIDDEN_S,
  syndicate: BOOL,
  // The spec's enum for this string is its two example values ("$1.2", "1.2"): any string is taken.
  targetDeposit: S,
  targetRent: NUM,
  targetRentUnits: { type: 'string', values: RENT_UNITS },
  totalArea: NUM,
  type: S,
  unitType: HIDDEN_S,
  yearBuilt: INT,
};

export const SAVE_BUILDING: SaveSchema = {
  name: 'SaveBuilding',
  required: ['abbreviation', 'category', 'countUnit', 'name', 'portfolioID', 'propertyType', 'rentable', 'type'],
  fields: BUILDING_FIELDS,
};

/** UpdateBuilding: SaveBuilding without `category` and `portfolioID`, which cannot change. */
export const UPDATE_BUILDING: SaveSchema = {
  name: 'UpdateBuilding',
  required: ['abbreviation', 'countUnit', 'name', 'propertyType', 'rentable', 'type'],
  fields: Object.fromEntries(
    Object.entries(BUILDING_FIELDS).filter(([name]) => name !== 'category' && name !== 'portfolioID'),
  ),
};

export const SAVE_UNIT: SaveSchema = {
  name: 'SaveUnit',
  required: ['abbreviation', 'buildingID', 'category', 'name', 'portfolioID', 'type'],
  fields: {
    abbreviation: str(12),
    address: { type: 'address' },
    availableDate: { type: 'date', hidden: true },
    buildingID: INT,
    category: { type: 'string', values: CATEGORIES },
    county: S,
    description: { type: 'string', max: 65535, hidden: true },
    floorNumber: { type: 'integer', values: [0, 1, 2] },
    name: S,
    neighborhood: str(30),
    numberBathrooms: { type: 'number', values: BATHROOMS, read: 'numberOfBathrooms' },
    numberBedrooms: { type: 'integer', read: 'numberOfBedrooms' },
    portfolioID: INT,
    ready: BOOL,
    reasonForPropertyLost: {
      type: 'string',
      values: [
        'EMPTY',
        'ABANDONED',
        'FORECLOSURE',
        'MGR_RETURNED_TO_OWNER',
        'OTB_AS_FRBO',
        'OWNER_MOVED_BACK',
        'REFERRED_TO_SALES',
        'REFERRED_TO_SALES_OR_SOLD',
      ],
      hidden: true,
    },
    residential: { type: 'boolean', hidden: true },
    searchTag: str(25),
    // A number on SaveUnit, a string on the Unit reads serve.
    targetDeposit: { type: 'number', toRead: (value: number) => String(value) },
    targetRent: NUM,
    targetRentUnits: { type: 'string', values: RENT_UNITS },
    totalArea: NUM,
    type: S,
  },
};

export type FieldError = { key: string; message: string };

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function typeError(rule: FieldRule, value: unknown): string | null {
  switch (rule.type) {
    case 'string':
      return typeof value === 'string' ? null : 'must be a string';
    case 'date':
      return typeof value === 'string' && DATE_PATTERN.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : 'must be a date formatted YYYY-MM-DD';
    case 'integer':
      return Number.isInteger(value) ? null : 'must be an integer';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'integer[]':
      return Array.isArray(value) && value.every((v) => Number.isInteger(v)) ? null : 'must be an array of integers';
    case 'object[]':
      return Array.isArray(value) && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))
        ? null
        : 'must be an array of objects';
    case 'address':
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : 'must be an object';
  }
}

/**
 * What is wrong with a body for `schema`, as ErrorResponse.errors: a missing required field, an unknown field,
 * a wrong type, a value over the length limit or outside the enum. Address fields are keyed `address.<field>`.
 */
export function validateSave(schema: SaveSchema, body: Rec, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of schema.required)
    if (body[name] === undefined || body[name] === null || body[name] === '')
      errors.push({ key: prefix + name, message: `${name} is required` });
  for (const [name, value] of Object.entries(body)) {
    const rule = schema.fields[name];
    if (!rule) {
      errors.push({ key: prefix + name, message: `${name} is not a field of ${schema.name}` });
      continue;
    }
    if (value === undefined || value === null) continue;
    const problem = typeError(rule, value);
    if (problem) errors.push({ key: prefix + name, message: `${name} ${problem}` });
    else if (rule.max !== undefined && (value as string).length > rule.max)
      errors.push({ key: prefix + name, message: `${name} must be at most ${rule.max} characters` });
    else if (rule.values && !rule.values.includes(value as string | number))
      errors.push({ key: prefix + name, message: `${name} must be one of ${rule.values.join(', ')}` });
    else if (rule.type === 'address') errors.push(...validateSave(SAVE_ADDRESS, value as Rec, `${prefix}${name}.`));
  }
  return errors;
}

/** The read-record fields a Save body sets (hidden fields left out, renamed and converted as reads serve them). */
export function readFields(schema: SaveSchema, body: Rec): Rec {
  const fields: Rec = {};
  for (const [name, value] of Object.entries(body)) {
    const rule = schema.fields[name];
    if (!rule || rule.hidden || value === undefined || value === null) continue;
    fields[rule.read ?? name] = rule.toRead ? rule.toRead(value) : value;
  }
  return fields;
}

/** Every read field a schema can set: what a full-replace PUT blanks when the body leaves it out. */
export function replaceableFields(schema: SaveSchema): string[] {
  return Object.entries(schema.fields)
    .filter(([, rule]) => !rule.hidden)
    .map(([name, rule]) => rule.read ?? name);
}

/** SaveWorkOrder (POST /workorders). `requestedBy` is a contact id here, a name in reads; `dateToEnter` a date here, a date-time in reads. */
export const SAVE_WORK_ORDER: SaveSchema = {
  name: 'SaveWorkOrder',
  required: ['buildingID'],
  fields: {
    authorizeEnter: { type: 'string', values: ['NO', 'ANYTIME', 'SPECIFIEDTIME'] },
    buildingID: INT,
    category: S,
    costEstimate: NUM,
    dateToEnter: { type: 'date', toRead: (date: string) => `${date}T00:00:00Z` },
    description: S,
    hourEstimate: NUM,
    hourToEnter: { type: 'integer', hidden: true },
    minuteToEnter: { type: 'integer', hidden: true },
    priority: { type: 'string', values: ['HIGH', 'MEDIUM', 'LOW'] },
    publishToOwnerPortal: BOOL,
    publishToTenantPortal: BOOL,
    // Served as the contact's name, resolved by the simulator.
    requestedBy: { type: 'integer', hidden: true },
    requiredMaterials: S,
    scheduledEndDate: DATE,
    searchTag: S,
    source: S,
    specificLocation: S,
    startDate: DATE,
    type: S,
    unitIDs: { type: 'integer[]' },
  },
};

/** CloseWorkOrder (PUT /workorders/closeworkorder/{id}, BETA) and its TimeCardEntry items. */
export const CLOSE_WORK_ORDER: SaveSchema = {
  name: 'CloseWorkOrder',
  required: ['timeCardEntry'],
  fields: {
    category: S,
    comments: HIDDEN_S,
    completedDate: DATE,
    startDate: DATE,
    timeCardEntry: { type: 'object[]', hidden: true },
  },
};

export const TIME_CARD_ENTRY: SaveSchema = {
  name: 'TimeCardEntry',
  required: ['vendorID'],
  fields: {
    billID: INT,
    comments: S,
    hourlyRate: NUM,
    hourlySurcharge: NUM,
    hours: NUM,
    id: INT,
    vendorID: INT,
    workDate: { type: 'string' },
  },
};

/** SaveCharge (POST /leases/charges, BETA): every field is also a ChargeTx field. */
export const SAVE_CHARGE: SaveSchema = {
  name: 'SaveCharge',
  required: ['amount', 'date', 'glAccountID', 'leaseID'],
  fields: { amount: NUM, comments: S, date: DATE, glAccountID: INT, leaseID: INT, refNo: S },
};

export const PAYMENT_TYPE_VALUES = [
  'CHECK',
  'CHECK21',
  'CASHIERS_CHECK',
  'CREDIT_CARD',
  'CASH',
  'MONEY_ORDER',
  'OTHER',
  'CLICKPAY',
  'SECTION8',
  'EPAY',
  'ECHECK',
  'NACHA',
  'RENTMONEY',
  'PUBLIC_ASSISTANCE',
  'PAYMENT_TYPE_NA',
] as const;

/** SavePayment (POST /leases/payments, BETA): every field is also a Payment field; `refNo` is required. */
export const SAVE_PAYMENT: SaveSchema = {
  name: 'SavePayment',
  required: ['amount', 'contactID', 'date', 'depositDate', 'destinationAccountID', 'leaseID', 'paymentType', 'refNo'],
  fields: {
    amount: NUM,
    comments: S,
    contactID: INT,
    date: DATE,
    depositDate: DATE,
    destinationAccountID: INT,
    leaseID: INT,
    paymentType: { type: 'string', values: PAYMENT_TYPE_VALUES },
    refNo: S,
  },
};

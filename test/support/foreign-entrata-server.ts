import { createAsyncServer, listenOnLoopback, readBody } from './loopback-server';

/**
 * A minimal Entrata API written from docs/vendors/entrata.md alone (no project code), with a small
 * hand-picked portfolio. Where the contract leaves a choice open it chooses differently from our sandbox:
 * the property of getPropertyUnits is a plain `propertyId`, customer ids are plain `Id` fields, phone types
 * and lease ids sit under `@attributes`, times use a 12-hour clock, getLeases lists every lease whatever
 * leaseStatusTypeIds asks for. Applications (Applicant intervals) are listed with the leases and their
 * applicants with the customers, as getCustomers takes no status. Every 6th request is answered with the 429
 * error body; every answer carries the X-RateLimit-* headers.
 *
 * Writes (entrata.md, Writes): updateCustomers, sendLeases, updateLease and sendPropertyUnits, params checked as
 * the contract states them (required `*` params, ids and digits-only phones as JSON numbers, flags 0/1,
 * YYYY-MM-DD for sendLeases/updateLease and MM/DD/YYYY elsewhere, the modelled type ids), the first problem
 * answered as the error 400 envelope naming the parameter; a record it cannot take is a `Failed` item. Its own
 * choices: result items carry their fields under `@attributes`, a phone sent without a type replaces the
 * customer's first phone, a new phone goes first, and a key may be limited to some methods (error 304).
 *
 * Ledgers (entrata.md, Resident charges and payments): getLeaseArTransactions and getArPayments over one lease's
 * hand-picked ledger (see LEDGER_ROWS).
 *
 * Maintenance (entrata.md, Service requests): getWorkOrders per property and getWorkOrderPickLists' CompanyEmployees
 * (see SEEDED_WORK_ORDERS).
 */

type Json = Record<string, any>;

export const FOREIGN_ENTRATA_CREDENTIALS = { apiKey: 'foreign-entrata-key', companyId: 'pinecrest' };
const THROTTLE_EVERY = 6;

const PROPERTIES: Json[] = [
  {
    PropertyID: 7001,
    MarketingName: 'Pinecrest Commons',
    Type: 'Apartment',
    Address: {
      '@attributes': { AddressType: 'property' },
      Address: '500 Larimer St',
      City: 'Denver',
      State: 'CO',
      PostalCode: '80204',
    },
    IsDisabled: 0,
  },
  {
    PropertyID: 7002,
    MarketingName: 'Mesa Student Village',
    Type: 'Student',
    Address: {
      '@attributes': { AddressType: 'property' },
      Address: '12 College Ave',
      City: 'Fort Collins',
      State: 'CO',
      PostalCode: '80524',
    },
    IsDisabled: 0,
  },
  {
    PropertyID: 7003,
    MarketingName: 'Old Mill Flats',
    Type: 'Lighthouse',
    Address: {
      '@attributes': { AddressType: 'property' },
      Address: '3 Mill Rd',
      City: 'Golden',
      State: 'CO',
      PostalCode: '80401',
    },
    IsDisabled: 1,
  },
];

/** Units by property (7003 has one unit: the list collapses to an object). */
const UNITS: Record<number, Json[]> = {
  7001: [
    {
      id: 81,
      unitNumber: 'A-1',
      unitTypeId: 5,
      bedrooms: 1,
      bathrooms: 1,
      squareFeet: 640,
      marketRent: '1095.00',
      isVacant: false,
    },
    {
      id: 82,
      unitNumber: 'A-2',
      unitTypeId: 6,
      bedrooms: 2,
      bathrooms: 2.5,
      squareFeet: 1020,
      marketRent: '1540.25',
      isVacant: false,
    },
    {
      id: 83,
      unitNumber: 'A-3',
      unitTypeId: 6,
      bedrooms: 2,
      bathrooms: 2,
      squareFeet: 990,
      marketRent: '1510.00',
      isVacant: true,
    },
  ],
  7002: [
    {
      id: 91,
      unitNumber: '101',
      unitTypeId: 9,
      bedrooms: 4,
      bathrooms: 2,
      squareFeet: 1400,
      marketRent: '2800.00',
      isVacant: false,
    },
    {
      id: 92,
      unitNumber: '102',
      unitTypeId: 9,
      bedrooms: 4,
      bathrooms: 2,
      squareFeet: 1400,
      marketRent: '2800.00',
      isVacant: false,
    },
  ],
  7003: [
    { id: 99, unitNumber: 'Loft', bedrooms: 0, bathrooms: 1, squareFeet: 520, marketRent: '875.5', isVacant: true },
  ],
};

/** Leases by property (7003 has none). */
const SEEDED_LEASES: Record<number, Json[]> = {
  7001: [
    {
      '@attributes': { id: '5001' },
      unitId: 81,
      leaseIntervalStatus: 'Current',
      startDate: '03/01/2025',
      endDate: '02/28/2026',
      moveInDate: '03/01/2025',
      rent: '1095.00',
      customers: { customer: { id: 601, customerType: 'Primary' } },
    },
    {
      '@attributes': { id: '5002' },
      unitId: 82,
      leaseIntervalStatus: 'Notice',
      startDate: '06/15/2024',
      endDate: '06/14/2025',
      moveInDate: '06/16/2024',
      moveOutDate: '06/14/2025',
      noticeDate: '04/10/2025 4:45 PM',
      rent: '1499.99',
      customers: {
        customer: [
          { id: 602, customerType: 'Primary' },
          { id: 603, customerType: 'Responsible' },
        ],
      },
    },
  ],
  7002: [
    {
      '@attributes': { id: '5003' },
      unitId: 91,
      leaseIntervalStatus: 'Past',
      startDate: '08/20/2023',
      endDate: '05/15/2024',
      moveInDate: '08/20/2023',
      moveOutDate: '05/15/2024',
      noticeDate: '01/31/2024 8:05 AM',
      rent: '700.00',
      customers: {
        customer: [
          { id: 604, customerType: 'Primary' },
          { id: 605, customerType: 'Guarantor' },
        ],
      },
    },
    {
      '@attributes': { id: '5004' },
      unitId: 92,
      leaseIntervalStatus: 'Applicant',
      startDate: '08/15/2026',
      endDate: '05/31/2027',
      rent: '725',
      customers: { customer: { id: 606, customerType: 'Primary' } },
    },
    // Liam (a past resident) applies again with Aroha: an application naming a resident and an applicant.
    {
      '@attributes': { id: '5005' },
      unitId: 91,
      leaseIntervalStatus: 'Applicant',
      startDate: '09/01/2026',
      endDate: '08/31/2027',
      rent: '760.00',
      customers: {
        customer: [
          { id: 607, customerType: 'Primary' },
          { id: 604, customerType: 'Responsible' },
        ],
      },
    },
  ],
};

/** Customers by property. */
const SEEDED_CUSTOMERS: Record<number, Json[]> = {
  7001: [
    {
      Id: 601,
      FirstName: 'Marisol',
      LastName: 'Vega',
      Email: 'Marisol.Vega@Example.org',
      Phone: { '@attributes': { PhoneType: 'Mobile' }, PhoneNumber: '+1 (303) 555-0142' },
      Address: '500 Larimer St A-1',
      DateOfBirth: '09/09/1990',
      LeaseId: 5001,
    },
    {
      Id: 602,
      FirstName: 'Tomasz',
      MiddleName: 'J',
      LastName: 'Wiśniewski',
      Phone: [
        { '@attributes': { PhoneType: 'Home' }, PhoneNumber: '303-555-0177' },
        { '@attributes': { PhoneType: 'Fax' }, PhoneNumber: '303.555.0178' },
      ],
      Address: '500 Larimer St A-2',
      LeaseId: 5002,
    },
    {
      Id: 603,
      FirstName: 'Ngozi',
      LastName: 'Adeyemi',
      Email: 'ngozi@example.net',
      Address: '500 Larimer St A-2',
      DateOfBirth: '02/29/2000',
      LeaseId: 5002,
    },
  ],
  7002: [
    {
      Id: 604,
      FirstName: 'Liam',
      LastName: 'Byrne',
      Email: 'LIAM.BYRNE@EXAMPLE.COM',
      Phone: { '@attributes': { PhoneType: 'Satellite' }, PhoneNumber: '970 555 0101' },
      Address: '12 College Ave 101',
      LeaseId: 5003,
    },
    {
      Id: 605,
      FirstName: 'Siobhan',
      LastName: 'Byrne',
      Address: '44 Shore Rd',
      DateOfBirth: '12/12/1965',
      LeaseId: 5003,
    },
    {
      Id: 606,
      FirstName: 'Kai',
      LastName: 'Nakamura',
      Email: 'kai@example.com',
      Phone: { '@attributes': { PhoneType: 'Office' }, PhoneNumber: '9705550199' },
      Address: '12 College Ave 102',
      LeaseId: 5004,
    },
    // Aroha's customer record names no lease; the application 5005 lists her.
    { Id: 607, FirstName: 'Aroha', LastName: 'Ngata', Email: 'aroha@example.nz', Address: '9 Tui St' },
    // Mateo's LeaseId is the application 5004, whose customer list leaves him out.
    {
      Id: 608,
      FirstName: 'Mateo',
      LastName: 'Rossi',
      Phone: { '@attributes': { PhoneType: 'Mobile' }, PhoneNumber: '9705550123' },
      Address: '12 College Ave 102',
      LeaseId: 5004,
    },
  ],
};

const SERVICES: Record<string, string> = {
  '/properties': 'getProperties',
  '/propertyunits': 'getPropertyUnits',
  '/leases': 'getLeases',
  '/customers': 'getCustomers',
  '/artransactions': 'getLeaseArTransactions',
  '/arpayments': 'getArPayments',
  '/maintenance': 'getWorkOrders',
};
/** Read methods beside a service's main one. */
const LOOKUPS: Record<string, string> = { '/maintenance': 'getWorkOrderPickLists' };

/**
 * Work orders by property (entrata.md, Service requests). Its own choices: times on a 12-hour clock, flags as JSON
 * numbers, deleted work orders listed whatever includeDeletedWorkOrders says, a work order on a unit number the
 * property does not have, one assigned to a name the pick lists do not list, and property 7002's one live work
 * order beside a deleted one.
 */
const SEEDED_WORK_ORDERS: Record<number, Json[]> = {
  7001: [
    {
      maintenanceRequestId: 88001,
      propertyId: 7001,
      buildingName: 'North',
      unitNumber: 'A-1',
      customerId: 601,
      nameFirst: 'Marisol',
      nameLast: 'Vega',
      primaryPhoneNumber: '3035550142',
      createdOn: '11/30/2025 4:45 PM',
      assignedTo: 'Priya Shah',
      maintenanceStatus: 'In Progress',
      maintenancePriority: 'Urgent',
      maintenanceCategoryName: 'Plumbing',
      maintenanceProblem: 'Toilet running',
      maintenanceDescription: 'The toilet runs all night.',
      scheduledStartDate: '12/02/2025 8:00 AM',
      scheduledEndDate: '12/02/2025 10:30 AM',
      dueDate: '12/03/2025',
      permissionToEnter: 1,
      petInfo: 'Cat',
      isDeleted: 0,
    },
    {
      maintenanceRequestId: 88002,
      propertyId: 7001,
      unitNumber: 'A-2',
      createdOn: '01/05/2026 12:10 AM',
      assignedTo: 'Front Desk',
      maintenanceStatus: 'Open',
      maintenanceCategoryName: 'Appliances',
      maintenanceProblem: 'Dishwasher',
      maintenanceDescription: 'Dishwasher will not drain.',
      permissionToEnter: 0,
      isDeleted: 0,
    },
  ],
  7002: [
    {
      maintenanceRequestId: 88003,
      propertyId: 7002,
      unitNumber: 'Garage',
      createdOn: '02/14/2026 1:00 PM',
      maintenanceStatus: 'Completed',
      maintenancePriority: 'Low',
      maintenanceCategoryName: 'Grounds',
      maintenanceProblem: 'Light out',
      maintenanceDescription: 'Garage light flickers.',
      isDeleted: 0,
    },
    {
      maintenanceRequestId: 88004,
      propertyId: 7002,
      unitNumber: '101',
      createdOn: '02/20/2026 9:30 AM',
      maintenanceStatus: 'Cancelled',
      maintenanceCategoryName: 'Pest Control',
      maintenanceProblem: 'Ants',
      maintenanceDescription: 'Ants in the kitchen.',
      isDeleted: 1,
    },
  ],
};
/** The company's employees (getWorkOrderPickLists' CompanyEmployees), as plain Id/Name fields. */
const EMPLOYEES: Json[] = [
  { Id: 31, Name: 'Priya Shah' },
  { Id: 32, Name: 'Omar Haddad' },
];
/** Its pick lists (every property shares them): problems flat, without sub-problems (its own choice). */
const PICKS = {
  Locations: { 1: 'Unit', 2: 'Grounds' },
  Categories: { 7: 'Plumbing', 8: 'Appliances', 9: 'Grounds', 10: 'Pest Control' },
  Problems: { 70: 'Toilet running', 71: 'Leak', 80: 'Dishwasher', 90: 'Light out', 100: 'Ants' },
  Priorities: { 1: 'Low', 2: 'Urgent' },
  StatusTypes: { 1: 'Open', 2: 'In Progress', 3: 'Completed', 4: 'Cancelled' },
} as const;
const pickName = (list: keyof typeof PICKS, id: unknown) => (PICKS[list] as Record<number, string>)[Number(id)];
const pickList = (list: keyof typeof PICKS, element: string) => ({
  [element]: Object.entries(PICKS[list]).map(([Id, Name]) => ({ Id: Number(Id), Name })),
});

/**
 * Lease 5001's ledger (entrata.md, Resident charges and payments). Its own choices: amounts as plain decimal
 * text without padding ("1095", "0.1"), payments shown as negative rows of type 2, every row listed whatever
 * showFullLedger says, and one ArPayment paying three charges.
 */
const LEDGER_ROWS: Json[] = [
  ['9001', 1, '1', 'Rent', '12/01/2025', '1095', '1095', '0'],
  ['9002', 1, '7', 'Water', '12/15/2025', '0.1', '0.1', '0'],
  ['9003', 1, '7', 'Water', '12/15/2025', '0.2', '0.2', '0'],
  ['9004', 2, '90', 'Payment', '12/20/2025', '-1095.3', '0', '0'],
  ['9005', 1, '1', 'Rent', '01/01/2026', '1095', '0', '1095'],
  ['9006', 1, '44', 'Amenity fee', '01/09/2026', '87654321.09', '0', '87654321.09'],
].map(([id, transactionTypeId, arCodeId, arCodeName, date, amount, amountPaid, balanceDue]) => ({
  id,
  transactionTypeId,
  arCodeId,
  arCodeName,
  description: arCodeName,
  transactionDate: date,
  postDate: date,
  postMonth: `${String(date).slice(0, 2)}/${String(date).slice(6)}`,
  amount,
  amountPaid,
  balanceDue,
  ...(transactionTypeId === 2 ? { arPaymentId: '3301' } : {}),
  leaseIntervalId: 5001,
}));
const AR_PAYMENTS: Json[] = [
  {
    ArPaymentId: 3301,
    PropertyName: 'Pinecrest Commons',
    CustomerId: 601,
    UnitNumber: 'A-1',
    PaymentAmount: '1095.3',
    PaymentDate: '12/20/2025',
    PaymentType: 'eCheck',
    PaymentStatus: 'Captured',
    CapturedOn: '12/20/2025 9:12 AM',
    ArAllocations: {
      ArAllocation: [
        ['9001', '1095'],
        ['9002', '0.1'],
        ['9003', '0.2'],
      ].map(([id, amount]) => ({
        ArTransactionId: Number(id),
        ChargeCodeId: LEDGER_ROWS.find((r) => r.id === id)!.arCodeId,
        ChargeCodeName: LEDGER_ROWS.find((r) => r.id === id)!.arCodeName,
        Amount: amount,
        AllocationDateTime: '12/20/2025 9:12 AM',
      })),
    },
  },
];
/** MM/DD/YYYY as a sortable YYYYMMDD. */
const dayKey = (us: string) => `${us.slice(6, 10)}${us.slice(0, 2)}${us.slice(3, 5)}`;

/** How a write param is given, per the contract's Values rule. */
type Kind =
  | 'id'
  | 'number'
  | 'digits'
  | 'flag'
  | 'text'
  | 'isoDate'
  | 'usDate'
  | 'usDateTime'
  | 'occupants'
  | 'decimal'
  | number[];
const required = (kind: Kind) => ({ kind, required: true });
const optional = (kind: Kind) => ({ kind, required: false });
const PHONE_TYPES: Record<number, string> = { 1: 'Home', 2: 'Work', 3: 'Mobile', 4: 'Fax' };

/** Each write method's params, as the contract's Writes table lists them (`*` = required). */
const WRITES: Record<string, Record<string, Record<string, { kind: Kind; required: boolean }>>> = {
  '/customers': {
    updateCustomers: {
      id: required('id'),
      firstName: optional('text'),
      middleName: optional('text'),
      lastName: optional('text'),
      email: optional('text'),
      birthDate: optional('usDate'),
      streetLine1: optional('text'),
      streetLine2: optional('text'),
      city: optional('text'),
      state: optional('text'),
      postalCode: optional('text'),
      country: optional('text'),
      phoneNumber: optional('digits'),
      phoneNumberTypeId: optional([1, 2, 3, 4]),
      isPrimary: optional('flag'),
    },
  },
  '/leases': {
    sendLeases: {
      propertyId: required('id'),
      unitSpaceId: required('id'),
      floorplanId: required('id'),
      leaseTermId: required('id'),
      leaseStartDate: required('isoDate'),
      leaseEndDate: required('isoDate'),
      moveInDate: required('isoDate'),
      firstName: required('text'),
      middleName: optional('text'),
      lastName: required('text'),
      emailAddress: optional('text'),
      birthDate: optional('isoDate'),
      phoneNumber: required('digits'),
      phoneNumberTypeId: required([1, 2, 3, 4]),
      addressTypeId: required([1]),
      streetLine1: required('text'),
      streetLine2: optional('text'),
      city: required('text'),
      stateCode: required('text'),
      postalCode: required('text'),
      customerRelationshipTypeId: required([1]),
    },
    updateLease: {
      propertyId: required('id'),
      leaseId: required('id'),
      unitSpaceId: optional('id'),
      moveInDate: optional('isoDate'),
      occupants: optional('occupants'),
      customerRelationshipTypeId: required([1]),
    },
  },
  '/artransactions': {
    sendLeaseArTransactions: {
      transactionId: required('text'),
      leaseId: required('id'),
      arCodeId: required('id'),
      transactionAmount: required('decimal'),
      transactionDate: required('usDate'),
      arPostMonth: optional('text'),
      description: required('text'),
    },
  },
  '/maintenance': {
    sendWorkOrders: {
      propertyId: required('id'),
      customerId: optional('id'),
      leaseId: optional('id'),
      unitNumber: optional('text'),
      mainPhoneNumber: required('digits'),
      altPhoneNumber: optional('digits'),
      emailAddress: optional('text'),
      permissionToEnter: required('flag'),
      maintenanceLocationId: required('id'),
      maintenanceCategoryId: required('id'),
      maintenanceProblemId: required('id'),
      maintenancePriorityId: optional('id'),
      problemDescription: required('text'),
      petsDescription: optional('text'),
      assignedTo: optional('id'),
      scheduledStartDateTime: optional('usDateTime'),
      scheduledEndDateTime: optional('usDateTime'),
      dueDate: optional('usDate'),
      isFloatingWorkOrder: optional('flag'),
    },
    updateWorkOrders: {
      propertyId: required('id'),
      workOrderId: required('id'),
      maintenanceProblemId: required('id'),
      maintenanceStatusTypeId: optional('id'),
      maintenancePriorityId: optional('id'),
      maintenanceLocationId: optional('id'),
      maintenanceCategoryId: optional('id'),
      mainPhoneNumber: optional('digits'),
      emailAddress: optional('text'),
      problemDescription: optional('text'),
      completedDateTime: optional('usDateTime'),
      closingComments: optional('text'),
      scheduledStartDate: optional('usDateTime'),
      scheduledEndDate: optional('usDateTime'),
      vendorId: optional('id'),
      assignedTo: optional('id'),
      dueDate: optional('usDate'),
      permissionToEnter: optional('flag'),
    },
  },
  '/propertyunits': {
    sendPropertyUnits: {
      propertyId: required('id'),
      unitNumber: required('text'),
      unitPrefix: optional('text'),
      unitSuffix: optional('text'),
      numberOfBedRooms: optional('number'),
      numberOfBathRooms: optional('number'),
      squareFeet: optional('number'),
      maxOccupants: optional('number'),
      note: optional('text'),
    },
  },
};

const isDay = (value: unknown, pattern: RegExp, iso: (v: string) => string) =>
  typeof value === 'string' && pattern.test(value) && !Number.isNaN(Date.parse(iso(value)));

/** Why a param's value is not of its kind, or null. */
function kindProblem(kind: Kind, value: unknown): string | null {
  if (Array.isArray(kind)) return kind.includes(value as number) ? null : `must be one of ${kind.join(', ')}`;
  switch (kind) {
    case 'id':
    case 'digits':
      return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? null : 'must be a number';
    case 'number':
      return typeof value === 'number' && value >= 0 ? null : 'must be a number';
    case 'flag':
      return value === 0 || value === 1 ? null : 'must be 0 or 1';
    case 'text':
      return typeof value === 'string' && value !== '' ? null : 'must be a string';
    case 'isoDate':
      return isDay(value, /^\d{4}-\d{2}-\d{2}$/, (v) => v) ? null : 'must be a date as YYYY-MM-DD';
    case 'usDate':
      return isDay(value, /^\d{2}\/\d{2}\/\d{4}$/, (v) => `${v.slice(6)}-${v.slice(0, 2)}-${v.slice(3, 5)}`)
        ? null
        : 'must be a date as MM/DD/YYYY';
    case 'usDateTime':
      return typeof value === 'string' && /^\d{2}\/\d{2}\/\d{4}( \d{1,2}:\d{2}(:\d{2})?( [AP]M)?)?$/.test(value)
        ? null
        : 'must be a date-time as MM/DD/YYYY HH:MM:SS';
    case 'decimal':
      return /^-?\d+(\.\d{1,2})?$/.test(String(value)) && Number(value) !== 0 ? null : 'must be a decimal amount';
    case 'occupants': {
      const list = asList((value as Json | null)?.occupant);
      return list.length > 0 && list.every((o) => typeof o?.firstName === 'string' && typeof o?.lastName === 'string')
        ? null
        : 'must list occupant {firstName, lastName}';
    }
  }
}

/** The first problem with a write's params, as the error 400 message names it. */
function paramsProblem(method: string, specs: Record<string, { kind: Kind; required: boolean }>, params: Json) {
  for (const [name, spec] of Object.entries(specs))
    if (spec.required && (params[name] === undefined || params[name] === null)) return `${name} is required.`;
  for (const [name, value] of Object.entries(params)) {
    if (!specs[name])
      return method === 'updateLease' && /date|rent|status/i.test(name)
        ? `${name} cannot be updated.`
        : `${name} is not a parameter of ${method}.`;
    const problem = kindProblem(specs[name].kind, value);
    if (problem) return `${name} ${problem}.`;
  }
  return null;
}

/** MM/DD/YYYY of a YYYY-MM-DD day, as reads show dates. */
const usDay = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;

/** XML-to-JSON as the contract describes it: a one-element list is the element itself. */
const collapse = (list: Json[]) => (list.length === 1 ? list[0] : list);
const asList = (value: unknown): Json[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
const leaseIdOf = (lease: Json) => String(lease['@attributes'].id);

export interface ForeignEntrataServer {
  url: string;
  /** Every request: service, method name, params and the error code answered (200 for results). */
  log: Array<{ service: string; method: string; params: Json; code: number }>;
  /** This server's own portfolio (a copy per server), which the changes below edit between syncs. */
  leases: Record<number, Json[]>;
  customers: Record<number, Json[]>;
  /** Every link it shows: a lease's customers list, as [lease id, customer id]. */
  links(): Array<[string, string]>;
  /** A new customer of the lease's property, on the lease's customers list with that type. */
  addCustomer(leaseId: string, customer: Json, customerType: string): void;
  /**
   * Takes a customer off its lease and/or puts it on another: the leases' customers lists and its LeaseId.
   * Here a customer stays listed under its property without a lease (LeaseId gone), and moves to the new
   * lease's property.
   */
  moveCustomer(customerId: number, toLeaseId: string | null): void;
  /** The customer is gone: from its property and from every lease's customers list. */
  deleteCustomer(customerId: number): void;
  /** This server's work orders, by property (writes add to them). */
  workOrders: Record<number, Json[]>;
  /** Its ledger rows (getLeaseArTransactions), payments included, and its ArPayments. */
  ledgerRows: Json[];
  arPayments: Json[];
  /** This server's units, by property (writes add to them). */
  units: Record<number, Json[]>;
  /** Write calls by method: how many arrived (throttled ones too) and how many changed the data. */
  writes: Record<string, { received: number; applied: number }>;
  /** The next call of the method is answered with the 429 error body (nothing done). */
  throttleNext(method: string): void;
  close(): Promise<void>;
}

export async function startForeignEntrataServer(
  /** `methods`: the only methods the key may call (others answer error 304); all when absent. */
  options: { methods?: string[] } = {},
): Promise<ForeignEntrataServer> {
  const log: ForeignEntrataServer['log'] = [];
  const UNIT_LISTS: Record<number, Json[]> = structuredClone(UNITS);
  const writes: ForeignEntrataServer['writes'] = {};
  const LEASES: Record<number, Json[]> = structuredClone(SEEDED_LEASES);
  const CUSTOMERS: Record<number, Json[]> = structuredClone(SEEDED_CUSTOMERS);
  const WORK_ORDERS: Record<number, Json[]> = structuredClone(SEEDED_WORK_ORDERS);
  const findLease = (leaseId: string) =>
    Object.entries(LEASES)
      .flatMap(([property, leases]) => leases.map((lease) => ({ property: Number(property), lease })))
      .find(({ lease }) => leaseIdOf(lease) === leaseId);
  const setCustomers = (lease: Json, list: Json[]) => {
    if (list.length === 0) delete lease.customers;
    else lease.customers = { customer: collapse(list) };
  };
  const offLeases = (customerId: number) => {
    for (const lease of Object.values(LEASES).flat())
      setCustomers(
        lease,
        asList(lease.customers?.customer).filter((c) => c.id !== customerId),
      );
  };
  /** Takes a customer out of its property's list: the customer and that property. */
  const takeCustomer = (customerId: number): { property: number; customer: Json } => {
    for (const [property, list] of Object.entries(CUSTOMERS)) {
      const i = list.findIndex((c) => c.Id === customerId);
      if (i >= 0) return { property: Number(property), customer: list.splice(i, 1)[0] };
    }
    throw new Error(`no customer ${customerId}`);
  };
  const allCustomers = () => Object.values(CUSTOMERS).flat();
  const nextId = (ids: number[], base: number) => Math.max(base, ...ids) + 1;
  const item = (node: string, attributes: Json) => ({ '@attributes': { node, ...attributes } });

  /** A write method's effect on the portfolio: its `result`, and whether it changed anything. */
  const ledgerRows = structuredClone(LEDGER_ROWS);
  const transactionKeys = new Set<string>();
  const apply: Record<string, (p: Json) => { applied: boolean; result: Json }> = {
    // Its own choice: no record id, so transaction_id is empty; the client's key comes back as reference_id.
    sendLeaseArTransactions: (p) => {
      const answer = (status: string, message: string) => ({
        Transactions: {
          Transaction: { '@attributes': { reference_id: p.transactionId, transaction_id: '', status, message } },
        },
      });
      if (
        !Object.values(LEASES)
          .flat()
          .some((l) => leaseIdOf(l) === String(p.leaseId))
      )
        return { applied: false, result: answer('Failed', 'Lease not found.') };
      if (transactionKeys.has(p.transactionId))
        return { applied: false, result: answer('Failed', 'Duplicate transaction ID') };
      transactionKeys.add(p.transactionId);
      const amount = String(p.transactionAmount);
      ledgerRows.push({
        id: String(9100 + ledgerRows.length),
        transactionTypeId: amount.startsWith('-') ? 3 : 1,
        arCodeId: String(p.arCodeId),
        arCodeName: p.description,
        description: p.description,
        transactionDate: p.transactionDate,
        postDate: p.transactionDate,
        postMonth: p.arPostMonth ?? `${p.transactionDate.slice(0, 2)}/${p.transactionDate.slice(6)}`,
        amount,
        amountPaid: '0',
        balanceDue: amount,
        leaseIntervalId: p.leaseId,
      });
      return { applied: true, result: answer('Success', 'Posted.') };
    },
    // Its own choices: a new work order is "Open" and gets the next id past 88000; the assignee is named.
    sendWorkOrders: (p) => {
      const failed = (message: string) => ({ applied: false, result: { Failed: item('workOrder', { message }) } });
      const list = WORK_ORDERS[p.propertyId];
      if (!PROPERTIES.some((property) => property.PropertyID === p.propertyId)) return failed('Property not found.');
      if (!pickName('Problems', p.maintenanceProblemId)) return failed('Invalid maintenanceProblemId.');
      if (p.unitNumber !== undefined && !(UNIT_LISTS[p.propertyId] ?? []).some((u) => u.unitNumber === p.unitNumber))
        return failed('Unit not found.');
      if ((p.scheduledStartDateTime === undefined) !== (p.scheduledEndDateTime === undefined))
        return failed('Both scheduled dates are required.');
      const id = nextId(
        Object.values(WORK_ORDERS)
          .flat()
          .map((w) => Number(w.maintenanceRequestId)),
        88000,
      );
      const customer = allCustomers().find((c) => c.Id === p.customerId);
      (WORK_ORDERS[p.propertyId] = list ?? []).push(
        Object.fromEntries(
          Object.entries({
            maintenanceRequestId: id,
            propertyId: p.propertyId,
            unitNumber: p.unitNumber,
            customerId: p.customerId,
            nameFirst: customer?.FirstName,
            nameLast: customer?.LastName,
            primaryPhoneNumber: String(p.mainPhoneNumber),
            emailAddress: p.emailAddress,
            createdOn: '12/05/2026 8:00 AM',
            assignedTo: EMPLOYEES.find((e) => e.Id === p.assignedTo)?.Name,
            maintenanceStatus: 'Open',
            maintenancePriority: pickName('Priorities', p.maintenancePriorityId),
            maintenanceCategoryName: pickName('Categories', p.maintenanceCategoryId),
            maintenanceProblem: pickName('Problems', p.maintenanceProblemId),
            maintenanceDescription: p.problemDescription,
            scheduledStartDate: p.scheduledStartDateTime,
            scheduledEndDate: p.scheduledEndDateTime,
            dueDate: p.dueDate,
            permissionToEnter: p.permissionToEnter,
            petInfo: p.petsDescription,
            isDeleted: 0,
          }).filter(([, value]) => value !== undefined),
        ),
      );
      return {
        applied: true,
        result: { Success: item('workOrder', { message: 'Created.', reference_id: String(id) }) },
      };
    },
    updateWorkOrders: (p) => {
      const answer = (status: string, message: string) => ({
        workOrders: { workOrder: { '@attributes': { workOrderId: p.workOrderId, status, message } } },
      });
      const order = (WORK_ORDERS[p.propertyId] ?? []).find((w) => w.maintenanceRequestId === p.workOrderId);
      if (!order) return { applied: false, result: answer('Failed', 'Work order not found.') };
      if (!pickName('Problems', p.maintenanceProblemId))
        return { applied: false, result: answer('Failed', 'Invalid maintenanceProblemId.') };
      const changes: Json = {
        maintenanceProblem: pickName('Problems', p.maintenanceProblemId),
        maintenanceStatus: p.maintenanceStatusTypeId && pickName('StatusTypes', p.maintenanceStatusTypeId),
        maintenancePriority: p.maintenancePriorityId && pickName('Priorities', p.maintenancePriorityId),
        maintenanceCategoryName: p.maintenanceCategoryId && pickName('Categories', p.maintenanceCategoryId),
        maintenanceDescription: p.problemDescription,
        assignedTo: p.assignedTo && EMPLOYEES.find((e) => e.Id === p.assignedTo)?.Name,
        dueDate: p.dueDate,
        permissionToEnter: p.permissionToEnter,
      };
      for (const [field, value] of Object.entries(changes)) if (value !== undefined) order[field] = value;
      return { applied: true, result: answer('Success', 'Updated.') };
    },
    updateCustomers: (p) => {
      const customer = allCustomers().find((c) => c.Id === p.id);
      const answer = (status: string, message: string) => ({
        customers: { customer: item('customer', { referenceId: p.id, status, message }) },
      });
      if (!customer) return { applied: false, result: answer('Failed', `Customer ID ${p.id} not found.`) };
      const fields: Json = {
        FirstName: p.firstName,
        MiddleName: p.middleName,
        LastName: p.lastName,
        Email: p.email,
        DateOfBirth: p.birthDate,
        Address: p.streetLine1,
      };
      for (const [field, value] of Object.entries(fields)) if (value !== undefined) customer[field] = value;
      if (p.phoneNumber !== undefined) {
        const phones = asList(customer.Phone);
        const type = PHONE_TYPES[p.phoneNumberTypeId] ?? phones[0]?.['@attributes']?.PhoneType ?? 'Home';
        const others = phones.filter((phone, i) =>
          p.phoneNumberTypeId === undefined ? i > 0 : phone['@attributes']?.PhoneType !== type,
        );
        customer.Phone = collapse([
          { '@attributes': { PhoneType: type }, PhoneNumber: String(p.phoneNumber) },
          ...others,
        ]);
      }
      return { applied: true, result: answer('Success', 'Customer updated.') };
    },
    sendLeases: (p) => {
      const answer = (attributes: Json) => ({ leases: { lease: item('lease', attributes) } });
      const unit = (UNIT_LISTS[p.propertyId] ?? []).find((u) => u.id === p.unitSpaceId);
      if (!PROPERTIES.some((property) => property.PropertyID === p.propertyId) || !unit)
        return {
          applied: false,
          result: answer({ status: 'Failed', message: `Unit space ${p.unitSpaceId} not found for property.` }),
        };
      const leaseId = nextId(
        Object.values(LEASES)
          .flat()
          .map((l) => Number(leaseIdOf(l))),
        5000,
      );
      const customerId = nextId(
        allCustomers().map((c) => c.Id),
        600,
      );
      (LEASES[p.propertyId] ??= []).push({
        '@attributes': { id: String(leaseId) },
        unitId: unit.id,
        leaseIntervalStatus: p.leaseStartDate <= new Date().toISOString().slice(0, 10) ? 'Current' : 'Future',
        startDate: usDay(p.leaseStartDate),
        endDate: usDay(p.leaseEndDate),
        moveInDate: usDay(p.moveInDate),
        customers: { customer: { id: customerId, customerType: 'Primary' } },
      });
      const customer: Json = { Id: customerId, FirstName: p.firstName, LastName: p.lastName };
      if (p.middleName) customer.MiddleName = p.middleName;
      if (p.emailAddress) customer.Email = p.emailAddress;
      customer.Phone = {
        '@attributes': { PhoneType: PHONE_TYPES[p.phoneNumberTypeId] },
        PhoneNumber: String(p.phoneNumber),
      };
      customer.Address = p.streetLine1;
      if (p.birthDate) customer.DateOfBirth = usDay(p.birthDate);
      customer.LeaseId = leaseId;
      (CUSTOMERS[p.propertyId] ??= []).push(customer);
      unit.isVacant = false;
      return { applied: true, result: answer({ leaseId, status: 'Success', message: 'Lease sent.' }) };
    },
    updateLease: (p) => {
      const found = findLease(String(p.leaseId));
      const answer = (status: string, message: string) => ({ status, leaseId: p.leaseId, message });
      if (!found || found.property !== p.propertyId)
        return { applied: false, result: answer('Failed', `Lease ${p.leaseId} not found for property.`) };
      const { lease } = found;
      if (p.unitSpaceId !== undefined) {
        if (!(UNIT_LISTS[p.propertyId] ?? []).some((u) => u.id === p.unitSpaceId))
          return { applied: false, result: answer('Failed', `Unit space ${p.unitSpaceId} not found for property.`) };
        lease.unitId = p.unitSpaceId;
      }
      if (p.moveInDate !== undefined) lease.moveInDate = usDay(p.moveInDate);
      for (const occupant of asList(p.occupants?.occupant)) {
        const Id = nextId(
          allCustomers().map((c) => c.Id),
          600,
        );
        (CUSTOMERS[p.propertyId] ??= []).push({
          Id,
          FirstName: occupant.firstName,
          LastName: occupant.lastName,
          LeaseId: Number(p.leaseId),
        });
        setCustomers(lease, [...asList(lease.customers?.customer), { id: Id, customerType: 'Occupant' }]);
      }
      return { applied: true, result: answer('Success', 'Lease updated.') };
    },
    sendPropertyUnits: (p) => {
      const number = `${p.unitPrefix ?? ''}${p.unitNumber}${p.unitSuffix ?? ''}`;
      const answer = (attributes: Json) => ({ units: { unit: item('unit', { unitNumber: number, ...attributes }) } });
      if (!PROPERTIES.some((property) => property.PropertyID === p.propertyId))
        return { applied: false, result: answer({ status: 'Failed', message: `Property ${p.propertyId} not found.` }) };
      const list = (UNIT_LISTS[p.propertyId] ??= []);
      if (list.some((u) => u.unitNumber === number))
        return { applied: false, result: answer({ status: 'Failed', message: `Unit ${number} already exists.` }) };
      const unitId = nextId(
        Object.values(UNIT_LISTS)
          .flat()
          .map((u) => Number(u.id)),
        100,
      );
      const unit: Json = { id: unitId, unitNumber: number };
      if (p.numberOfBedRooms !== undefined) unit.bedrooms = p.numberOfBedRooms;
      if (p.numberOfBathRooms !== undefined) unit.bathrooms = p.numberOfBathRooms;
      if (p.squareFeet !== undefined) unit.squareFeet = p.squareFeet;
      unit.isVacant = true;
      list.push(unit);
      return { applied: true, result: answer({ unitId, status: 'Success', message: 'Unit created.' }) };
    },
  };

  const throttled = new Set<string>();
  const changes = {
    units: UNIT_LISTS,
    workOrders: WORK_ORDERS,
    ledgerRows,
    arPayments: AR_PAYMENTS,
    writes,
    throttleNext: (method: string) => void throttled.add(method),
    leases: LEASES,
    customers: CUSTOMERS,
    links: () =>
      Object.values(LEASES)
        .flat()
        .flatMap((lease) =>
          asList(lease.customers?.customer).map((c): [string, string] => [leaseIdOf(lease), String(c.id)]),
        ),
    addCustomer: (leaseId: string, customer: Json, customerType: string) => {
      const { property, lease } = findLease(leaseId)!;
      (CUSTOMERS[property] ??= []).push({ ...customer, LeaseId: Number(leaseId) });
      setCustomers(lease, [...asList(lease.customers?.customer), { id: customer.Id, customerType }]);
    },
    moveCustomer: (customerId: number, toLeaseId: string | null) => {
      const { property: home, customer } = takeCustomer(customerId);
      offLeases(customerId);
      if (toLeaseId === null) {
        delete customer.LeaseId;
        CUSTOMERS[home].push(customer);
        return;
      }
      const { property, lease } = findLease(toLeaseId)!;
      (CUSTOMERS[property] ??= []).push({ ...customer, LeaseId: Number(toLeaseId) });
      setCustomers(lease, [...asList(lease.customers?.customer), { id: customerId, customerType: 'Responsible' }]);
    },
    deleteCustomer: (customerId: number) => {
      takeCustomer(customerId);
      offLeases(customerId);
    },
  };
  let served = 0;
  const server = createAsyncServer(async (req, res) => {
    const text = await readBody(req);
    served += 1;
    const remaining = Math.max(0, 150 - served);
    const headers = {
      'content-type': 'application/json',
      'X-RateLimit-Limit-Minute': '150',
      'X-RateLimit-Remaining-Minute': String(remaining),
      'X-RateLimit-Limit-Hour': '1000',
      'X-RateLimit-Remaining-Hour': String(1000 - served),
      'X-RateLimit-Limit-Day': '15000',
      'X-RateLimit-Remaining-Day': String(15000 - served),
    };
    let body: Json = {};
    try {
      body = JSON.parse(text || '{}');
    } catch {
      // answered below as a bad request
    }
    const service = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    const params: Json = body.method?.params ?? {};
    const entry = { service, method: String(body.method?.name), params, code: 200 };
    log.push(entry);
    const answer = (payload: Json) =>
      res.writeHead(200, headers).end(JSON.stringify({ response: { requestId: body.requestId ?? null, ...payload } }));
    const error = (code: number, message: string) => {
      entry.code = code;
      answer({ error: { code, message } });
    };
    const writeSpecs = WRITES[service]?.[entry.method];
    if (writeSpecs) (writes[entry.method] ??= { received: 0, applied: 0 }).received += 1;
    if (served % THROTTLE_EVERY === 0 || throttled.delete(entry.method))
      return error(429, 'Rate limit reached. Try again later.');
    if (req.method !== 'POST' || !SERVICES[service]) return res.writeHead(404, headers).end('{}');
    if (req.headers['x-api-key'] !== FOREIGN_ENTRATA_CREDENTIALS.apiKey || body.auth?.type !== 'apikey')
      return error(301, 'Authentication failed.');
    const lookup = LOOKUPS[service] !== undefined && body.method?.name === LOOKUPS[service];
    const version = entry.method === 'updateWorkOrders' ? 'r2' : 'r1';
    if ((body.method?.name !== SERVICES[service] && !writeSpecs && !lookup) || body.method?.version !== version)
      return error(400, 'Unknown method or version.');
    if (options.methods && !options.methods.includes(entry.method))
      return error(304, `API key has no permission for ${entry.method}.`);
    if (writeSpecs) {
      const problem = paramsProblem(entry.method, writeSpecs, params);
      if (problem) return error(400, problem);
      const { applied, result } = apply[entry.method](params);
      if (applied) writes[entry.method].applied += 1;
      return answer({ code: 200, result });
    }

    if (service === '/properties')
      return answer({ code: 200, result: { PhysicalProperty: { Property: collapse(PROPERTIES) } } });
    if (lookup) {
      if (params.propertyIds === undefined) return error(400, 'propertyIds is required.');
      const property = (Id: number) => ({
        Id,
        Locations: pickList('Locations', 'Location'),
        Priorities: pickList('Priorities', 'Priority'),
        StatusTypes: pickList('StatusTypes', 'StatusType'),
        Categories: pickList('Categories', 'Category'),
        Problems: pickList('Problems', 'Problem'),
      });
      const ids = String(params.propertyIds).split(',').map(Number);
      return answer({
        code: 200,
        result: {
          Properties: { Property: collapse(ids.map(property)) },
          CompanyEmployees: { CompanyEmployee: collapse(EMPLOYEES) },
        },
      });
    }
    if (service === '/maintenance') {
      if (!Number.isInteger(Number(params.propertyId)) || params.propertyId === undefined)
        return error(400, 'propertyId is required.');
      const orders = (WORK_ORDERS[Number(params.propertyId)] ?? []).filter(
        (w) => params.workOrderId === undefined || String(w.maintenanceRequestId) === String(params.workOrderId),
      );
      return answer({ code: 200, result: { workOrders: orders.length ? { workOrder: collapse(orders) } : {} } });
    }
    if (service === '/propertyunits') {
      const ids = String(params.propertyIds ?? '')
        .split(',')
        .map(Number)
        .filter((id) => UNIT_LISTS[id]);
      return answer({
        code: 200,
        result: {
          properties: {
            property: collapse(ids.map((id) => ({ propertyId: id, units: { unit: collapse(UNIT_LISTS[id]) } }))),
          },
        },
      });
    }
    if (service === '/arpayments') {
      const within = (p: Json) =>
        (!params.fromDate || dayKey(p.PaymentDate) >= dayKey(params.fromDate)) &&
        (!params.toDate || dayKey(p.PaymentDate) <= dayKey(params.toDate));
      const payments = AR_PAYMENTS.filter(within).map(({ ArAllocations, ...p }) =>
        String(params.isIncludeAllocations) === '1' ? { ...p, ArAllocations } : p,
      );
      return answer({ code: 200, result: { ArPayments: payments.length ? { ArPayment: collapse(payments) } : {} } });
    }
    if (service === '/artransactions') {
      const leaseIds = params.leaseIds === undefined ? null : String(params.leaseIds).split(',');
      const rows = ledgerRows.filter(
        (r) =>
          (!params.transactionFromDate || dayKey(r.transactionDate) >= dayKey(params.transactionFromDate)) &&
          (!params.transactionToDate || dayKey(r.transactionDate) <= dayKey(params.transactionToDate)),
      );
      const leases = (LEASES[Number(params.propertyId)] ?? [])
        .map((l) => ({ lease: l, own: rows.filter((r) => String(r.leaseIntervalId) === leaseIdOf(l)) }))
        .filter(({ lease, own }) => own.length > 0 && (!leaseIds || leaseIds.includes(leaseIdOf(lease))))
        .map(({ lease, own }) => ({
          id: Number(leaseIdOf(lease)),
          customers: { customer: collapse(asList(lease.customers?.customer).map((c) => ({ id: c.id }))) },
          ledgers: { ledger: { id: 1, name: 'Resident', transactions: { transaction: collapse(own) } } },
        }));
      return answer({ code: 200, result: { leases: leases.length ? { lease: collapse(leases) } : {} } });
    }
    const propertyId = Number(params.propertyId);
    const pageNo = Number(params.pageNo ?? 1);
    const perPage = Number(params.perPageCount ?? 1000);
    if (
      !Number.isInteger(propertyId) ||
      !Number.isInteger(pageNo) ||
      pageNo < 1 ||
      !Number.isInteger(perPage) ||
      perPage < 1 ||
      perPage > 1000
    ) {
      return error(400, 'Invalid propertyId, pageNo or perPageCount.');
    }
    // The contract names getLeases' leaseStatusTypeIds but not its ids: every lease is listed, whatever is asked.
    const all = (service === '/leases' ? LEASES : CUSTOMERS)[propertyId] ?? [];
    const page = all.slice((pageNo - 1) * perPage, pageNo * perPage);
    const [outer, inner] = service === '/leases' ? ['leases', 'lease'] : ['Customers', 'Customer'];
    return answer({ code: 200, result: { [outer]: page.length ? { [inner]: collapse(page) } : {} } });
  });
  return { ...(await listenOnLoopback(server)), log, ...changes };
}

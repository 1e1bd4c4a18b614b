import type { ExpectedFields } from '../../normalise/schema-drift';
import { modelsExcept, type VendorFacts } from '../adapter/vendor-adapter';

/** The catalogue's models Buildium has: all of them. */
export const BUILDIUM_MODELS = modelsExcept();
export type BuildiumModel = (typeof BUILDIUM_MODELS)[number];

/** A lease ledger's models: read per lease, from GET /v1/leases/{leaseId}/transactions. */
export type BuildiumLedgerModel = 'resident_charges' | 'resident_payments';

export const BUILDIUM_ENDPOINTS: Record<BuildiumModel, string> = {
  properties: '/v1/rentals',
  units: '/v1/rentals/units',
  leases: '/v1/leases',
  residents: '/v1/leases/tenants',
  service_requests: '/v1/tasks/residentrequests',
  resident_charges: '/v1/leases/{leaseId}/transactions',
  resident_payments: '/v1/leases/{leaseId}/transactions',
};

/** A resident request's vendor assignments (buildium.md: joined on `Task.Id`). */
export const BUILDIUM_WORK_ORDERS = '/v1/workorders';

/**
 * The ledger's transaction types each model reads (`transactiontypes`, repeated). Payments include the
 * reversals of payments (decision 3 of issue 21): a bounced payment is a negative payment, so that a lease's
 * charges minus its payments is what Buildium says it owes. `Unreversed*` types are unexplained by the spec
 * and not read (see docs/vendor-notes.md).
 */
export const LEDGER_TRANSACTION_TYPES: Record<BuildiumLedgerModel, readonly string[]> = {
  resident_charges: ['Charge'],
  resident_payments: ['Payment', 'ElectronicFundsTransfer', 'ReversePayment', 'ReverseElectronicFundsTransfer'],
};

/** The transaction types that undo a payment: read as negative payments. */
export const REVERSAL_TYPES: ReadonlySet<string> = new Set(['ReversePayment', 'ReverseElectronicFundsTransfer']);

/** How far back a later (incremental) sync re-reads each ledger, by transaction date (buildium.md: 90 days). */
export const LEDGER_WINDOW_DAYS = 90;

export const BUILDIUM_FACTS: VendorFacts = {
  defaultBaseUrl: 'https://api.buildium.com',
  pageSize: 1000,
  slug: 'buildium',
  interfaceName: 'BUILDIUM_BASE',
  unsupportedWrites: [],
  // Buildium: "retry the request after a short interval (~200ms)" and back off exponentially; no Retry-After.
  throttleBackoffMs: 200,
  // buildium.md: "about 10 requests per second before 429". A ledger sync is two requests per lease, so
  // Propexo's default of one a second would take most of an hour for 1,500 leases.
  requestBudget: { requests: 10, perSeconds: 1 },
  sources: {
    ...Object.fromEntries(Object.entries(BUILDIUM_ENDPOINTS).map(([model, path]) => [model, `GET ${path}`])),
    // Applicants are a resource of their own at Buildium, which a resident sync never reads.
    residents: `GET ${BUILDIUM_ENDPOINTS.residents} (tenants only: applicants, GET /v1/applicants, are not residents)`,
    service_requests: `GET ${BUILDIUM_ENDPOINTS.service_requests} with GET ${BUILDIUM_WORK_ORDERS}?taskids=… (vendors)`,
    resident_charges: `GET /v1/leases/{leaseId}/transactions?transactiontypes=Charge, per lease of GET /v1/leases`,
    resident_payments: `GET /v1/leases/{leaseId}/transactions?transactiontypes=${LEDGER_TRANSACTION_TYPES.resident_payments.join(',')}, per lease of GET /v1/leases`,
  },
};

/** Every field of the spec's LeaseTransactionMessage. */
const LEASE_TRANSACTION_FIELDS = [
  'Id',
  'Date',
  'TransactionType',
  'TransactionTypeEnum',
  'TotalAmount',
  'CheckNumber',
  'LeaseId',
  'PayeeTenantId',
  'PaymentMethod',
  'Journal',
];

/**
 * Buildium's spec marks no field required (a company tenant has no FirstName), so only the id is; `known` is
 * every field of the spec's RentalMessage, RentalUnitMessage, LeaseMessage and TenantMessage.
 */
export const BUILDIUM_EXPECTED_FIELDS: Record<BuildiumModel, ExpectedFields> = {
  properties: {
    required: ['Id'],
    known: [
      'Id',
      'Name',
      'StructureDescription',
      'NumberUnits',
      'IsActive',
      'OperatingBankAccountId',
      'Reserve',
      'Address',
      'YearBuilt',
      'RentalType',
      'RentalSubType',
      'RentalManager',
    ],
  },
  units: {
    required: ['Id'],
    known: [
      'Id',
      'PropertyId',
      'BuildingName',
      'UnitNumber',
      'Description',
      'MarketRent',
      'Address',
      'UnitBedrooms',
      'UnitBathrooms',
      'UnitSize',
      'IsUnitListed',
      'IsUnitOccupied',
    ],
  },
  leases: {
    required: ['Id'],
    known: [
      'Id',
      'PropertyId',
      'UnitId',
      'UnitNumber',
      'LeaseFromDate',
      'LeaseToDate',
      'LeaseType',
      'LeaseStatus',
      'IsEvictionPending',
      'TermType',
      'RenewalOfferStatus',
      'CurrentTenants',
      'CurrentNumberOfOccupants',
      'AccountDetails',
      'Cosigners',
      'AutomaticallyMoveOutTenants',
      'CreatedDateTime',
      'LastUpdatedDateTime',
      'MoveOutData',
      'PaymentDueDay',
      'Tenants',
    ],
  },
  residents: {
    required: ['Id'],
    known: [
      'Id',
      'FirstName',
      'LastName',
      'Email',
      'AlternateEmail',
      'PhoneNumbers',
      'CreatedDateTime',
      'EmergencyContact',
      'DateOfBirth',
      'SMSOptInStatus',
      'Address',
      'AlternateAddress',
      'MailingPreference',
      'Leases',
      'Comment',
      'TaxId',
    ],
  },
  service_requests: {
    required: ['Id'],
    known: [
      'Id',
      'Category',
      'Title',
      'Description',
      'Property',
      'UnitId',
      'UnitAgreement',
      'RequestedByUserEntity',
      'AssignedToUserId',
      'TaskStatus',
      'Priority',
      'DueDate',
      'CreatedDateTime',
      'LastUpdatedDateTime',
      'Appliance',
      'IsEntryPermittedByResident',
      'DoesResidentHavePets',
      'ResidentEntryNotes',
      // Added by the client: the request's work orders (GET /v1/workorders) and its unit's number.
      'WorkOrders',
      'UnitNumber',
    ],
  },
  resident_charges: { required: ['Id'], known: LEASE_TRANSACTION_FIELDS },
  resident_payments: { required: ['Id'], known: LEASE_TRANSACTION_FIELDS },
};

/** LeaseMessage.LeaseStatus (the spec's enum: Active, Past, Future). */
export const LEASE_STATUS: Record<string, 'ACTIVE' | 'PENDING' | 'INACTIVE'> = {
  Active: 'ACTIVE',
  Future: 'PENDING',
  Past: 'INACTIVE',
};

/** PhoneNumberMessage.Type (the spec's enum). */
export const PHONE_TYPE: Record<string, 'MOBILE' | 'HOME' | 'WORK' | 'FAX' | 'OTHER'> = {
  Cell: 'MOBILE',
  Home: 'HOME',
  Office: 'WORK',
  Fax: 'FAX',
  Personal: 'OTHER',
  Other: 'OTHER',
  NotSet: 'OTHER',
};

/**
 * RentalMessage.RentalSubType, or RentalType when a rental has no subtype (the spec's enums). A residential
 * rental without a subtype says nothing of its kind: OTHER.
 */
export const PROPERTY_TYPE: Record<string, 'SINGLE_FAMILY' | 'MULTI_FAMILY' | 'COMMERCIAL' | 'OTHER'> = {
  SingleFamily: 'SINGLE_FAMILY',
  MultiFamily: 'MULTI_FAMILY',
  CondoTownhome: 'MULTI_FAMILY',
  Industrial: 'COMMERCIAL',
  Office: 'COMMERCIAL',
  Retail: 'COMMERCIAL',
  ShoppingCenter: 'COMMERCIAL',
  Storage: 'COMMERCIAL',
  ParkingSpace: 'COMMERCIAL',
  Commercial: 'COMMERCIAL',
  Residential: 'OTHER',
  None: 'OTHER',
};

export const BEDROOMS: Record<string, string | null> = {
  NotSet: null,
  Studio: '0',
  OneBed: '1',
  TwoBed: '2',
  ThreeBed: '3',
  FourBed: '4',
  FiveBed: '5',
  SixBed: '6',
  SevenBed: '7',
  EightBed: '8',
  NineBedPlus: '9',
};

export const BATHROOMS: Record<string, number | null> = {
  NotSet: null,
  OneBath: 1,
  OnePointFiveBath: 1.5,
  TwoBath: 2,
  TwoPointFiveBath: 2.5,
  ThreeBath: 3,
  ThreePointFiveBath: 3.5,
  FourBath: 4,
  FourPointFiveBath: 4.5,
  FiveBath: 5,
  FivePlusBath: 5,
};

/** Buildium spells countries as enum names; the common ones as ISO codes, others kept as given. */
export const COUNTRY: Record<string, string> = {
  UnitedStates: 'US',
  Canada: 'CA',
  Mexico: 'MX',
  UnitedKingdom: 'GB',
  PuertoRico: 'PR',
};

/**
 * LeaseTransactionMessage.PaymentMethod (a string in the spec; buildium.md's table): Buildium's own processing
 * (BuildiumEFT, BuildiumCC) is electronic, RetailCash is cash, `None` (no method recorded) is OTHER.
 */
export const PAYMENT_METHOD: Record<string, string> = {
  Check: 'CHECK',
  Cash: 'CASH',
  RetailCash: 'CASH',
  MoneyOrder: 'MONEYORDER',
  CashierCheck: 'CASHIERCHECK',
  DirectDeposit: 'DIRECTDEPOSIT',
  CreditCard: 'CREDITCARD',
  ElectronicPayment: 'ELECTRONICPAYMENT',
  BuildiumEFT: 'ELECTRONICPAYMENT',
  BuildiumCC: 'ELECTRONICPAYMENT',
  None: 'OTHER',
};

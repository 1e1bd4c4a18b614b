import type { ExpectedFields } from '../../normalise/schema-drift';
import { modelsExcept, type VendorFacts } from '../adapter/vendor-adapter';

/** The catalogue's models Yardi has: every one (a model it lacked would be named here, and nowhere else). */
export const YARDI_MODELS = modelsExcept();
export type YardiModel = (typeof YARDI_MODELS)[number];

const SERVICE_NAME = 'ItfResidentTransactions20';

/** A Voyager interface (an ASMX service): its path under base_url and its SOAP namespace. */
export interface YardiInterface {
  path: string;
  namespace: string;
}
export const yardiInterface = (name: string, path: string): YardiInterface => ({
  path,
  namespace: `http://tempuri.org/YSI.Interfaces.WebServices/${name}`,
});

/** SOAP 1.1 service of the Resident Transactions (Billing & Payments) interface. */
export const YARDI_SERVICE = yardiInterface(SERVICE_NAME, `/Webservices/${SERVICE_NAME}.asmx`);
/** The Service Requests interface (docs/vendors/yardi.md, "Writes and the other interfaces"). */
export const YARDI_SERVICE_REQUESTS = yardiInterface('ItfServiceRequests', '/Webservices/itfservicerequests.asmx');

export const soapAction = (method: string, iface: YardiInterface = YARDI_SERVICE) => `"${iface.namespace}/${method}"`;

export type YardiMethod =
  | 'GetPropertyConfigurations'
  | 'GetUnitInformation_Login'
  | 'GetResidentTransactions_Login'
  | 'GetResidentTransactions_ByChargeDate_Login'
  | 'GetServiceRequest_Search';

/**
 * The method each model is read with in a full pull; every one but GetPropertyConfigurations takes a
 * YardiPropertyId. Charges and payments come in each household's `RTServiceTransactions`; an incremental pull
 * reads them with GetResidentTransactions_ByChargeDate_Login instead (`LEDGER_WINDOW`).
 */
export const YARDI_METHODS: Record<YardiModel, YardiMethod> = {
  properties: 'GetPropertyConfigurations',
  units: 'GetUnitInformation_Login',
  residents: 'GetResidentTransactions_Login',
  leases: 'GetResidentTransactions_Login',
  service_requests: 'GetServiceRequest_Search',
  resident_charges: 'GetResidentTransactions_Login',
  resident_payments: 'GetResidentTransactions_Login',
};

/** The interface each method is on. */
export const METHOD_INTERFACE: Record<YardiMethod, YardiInterface> = {
  GetPropertyConfigurations: YARDI_SERVICE,
  GetUnitInformation_Login: YARDI_SERVICE,
  GetResidentTransactions_Login: YARDI_SERVICE,
  GetResidentTransactions_ByChargeDate_Login: YARDI_SERVICE,
  GetServiceRequest_Search: YARDI_SERVICE_REQUESTS,
};

/**
 * Incremental reads (docs/vendors/yardi.md): service requests by GetServiceRequest_Search's FromDate/ToDate, charges
 * and payments by GetResidentTransactions_ByChargeDate_Login, whose range is at most 31 days, so the window is
 * walked in slices of 31 calendar days (FromDate and ToDate both count). The window reaches back from tomorrow
 * (a property ahead of UTC) to the checkpoint or `lookBackDays` ago, whichever is earlier: a charge dated in the
 * past but posted late, or paid since, is read again.
 */
export const LEDGER_WINDOW = { lookBackDays: 90, sliceDays: 31 } as const;
export const YARDI_INCREMENTAL_MODELS = ['service_requests', 'resident_charges', 'resident_payments'] as const;

const SOURCE_NOTES: Partial<Record<YardiModel, string>> = {
  residents: ': applicants are not residents',
  leases: ': applicant households are not leases',
  resident_charges: ': RTServiceTransactions Charge; incremental by GetResidentTransactions_ByChargeDate_Login',
  resident_payments: ': RTServiceTransactions Payment; incremental by GetResidentTransactions_ByChargeDate_Login',
};

export const YARDI_FACTS: VendorFacts = {
  // Voyager is hosted per customer (https://www.yardiasp14.com/<customer-id>): an integration must name its own.
  defaultBaseUrl: null,
  // No paging: one call answers every record of one property.
  pageSize: 1,
  slug: 'yardi',
  // Voyager's ItfResidentTransactions20, which every call of this adapter goes through.
  interfaceName: 'YARDI_RESIDENT_TRANSACTIONS',
  // docs/vendors/models.md §3: Yardi creates no residents and writes no properties or units.
  // (The spec has no update of charges or payments: the catalogue offers none.)
  unsupportedWrites: ['residents.create', 'properties.create', 'properties.update', 'units.create', 'units.update'],
  // "Error: Database busy" carries no Retry-After: start at one second and double.
  throttleBackoffMs: 1000,
  sources: Object.fromEntries(
    Object.entries(YARDI_METHODS).map(([model, method]) => [
      model,
      `SOAP ${method} (${model === 'service_requests' ? 'ItfServiceRequests' : SERVICE_NAME})${SOURCE_NOTES[model as YardiModel] ?? ''}`,
    ]),
  ),
};

/**
 * Fields of the raw records as the client yields them: the vendor's elements (attributes as `@Name`), plus
 * `YardiPropertyId`, the property the call asked for (units and RT_Customers do not name it themselves),
 * and for residents `CustomerIndex`, the person's 1-based place among the RT_Customer's Customers.
 */
const CUSTOMER_FIELDS = ['@Type', 'Name.FirstName', 'Name.MiddleName', 'Name.LastName', 'Address', 'Phone', 'Email'];
const LEASE_FIELDS = [
  'LeaseFromDate',
  'LeaseToDate',
  'CurrentRent',
  'ExpectedMoveInDate',
  'ActualMoveIn',
  'ExpectedMoveOutDate',
  'ActualMoveOut',
  'NoticeGiven',
];

/** A `<ServiceRequest>`'s elements (docs/vendors/yardi.md, Service requests). */
const SERVICE_REQUEST_FIELDS = [
  'ServiceRequestId',
  'Origin',
  'PropertyCode',
  'UnitCode',
  'TenantCode',
  'ServiceRequestBriefDescription',
  'ServiceRequestFullDescription',
  'ProblemDescriptionNotes',
  'TechnicianNotes',
  'Category',
  'SubCategory',
  'Priority',
  'HasPermissionToEnter',
  'AccessNotes',
  'TenantCaused',
  'RequestorName',
  'RequestorPhoneNumber',
  'RequestorEmail',
  'ServiceRequestDate',
  'CreatedBy',
  'UpdateDate',
  'UpdatedBy',
  'CurrentStatus',
];
/** `Charge/Detail` and `Payment/Detail` (docs/vendors/yardi.md, Resident charges and payments). */
const CHARGE_FIELDS = [
  'TransactionID',
  'Description',
  'TransactionDate',
  'ChargeCode',
  'GLAccountNumber',
  'CustomerID',
  'UnitID',
  'Amount',
  'AmountPaid',
  'BalanceDue',
  'Comment',
  'PropertyPrimaryID',
];
const PAYMENT_FIELDS = [
  'TransactionID',
  'DocumentNumber',
  'TransactionDate',
  'CustomerID',
  'PaidBy',
  'Amount',
  'Description',
  'Comment',
  'PropertyPrimaryID',
];

export const YARDI_EXPECTED_FIELDS: Record<YardiModel, ExpectedFields> = {
  properties: {
    required: ['Code'],
    known: [
      'Code',
      'MarketingName',
      'AddressLine1',
      'AddressLine2',
      'City',
      'State',
      'PostalCode',
      'AccountsReceivable',
      'AccountsPayable',
    ],
  },
  units: {
    required: ['YardiPropertyId', 'UnitID'],
    known: [
      'YardiPropertyId',
      'UnitID',
      'UnitType',
      'UnitBedrooms',
      'UnitBathrooms',
      'MinSquareFeet',
      'MarketRent',
      'UnitEconomicStatus',
      'UnitOccpStatus',
    ],
  },
  leases: {
    required: ['YardiPropertyId', 'CustomerID'],
    known: [
      'YardiPropertyId',
      'CustomerID',
      ...CUSTOMER_FIELDS.map((f) => `Customers.Customer.${f}`),
      ...LEASE_FIELDS.map((f) => `Lease.${f}`),
      'RT_Unit.UnitID',
    ],
  },
  residents: {
    required: ['YardiPropertyId', 'CustomerID', 'CustomerIndex'],
    known: ['YardiPropertyId', 'CustomerID', 'CustomerIndex', ...CUSTOMER_FIELDS.map((f) => `Customer.${f}`)],
  },
  service_requests: {
    required: ['YardiPropertyId', 'ServiceRequestId'],
    known: ['YardiPropertyId', ...SERVICE_REQUEST_FIELDS, 'StatusHistory.Status'],
  },
  resident_charges: {
    required: ['YardiPropertyId', 'HouseholdID', 'Detail.TransactionID'],
    known: ['YardiPropertyId', 'HouseholdID', 'HouseholdUnitID', ...CHARGE_FIELDS.map((f) => `Detail.${f}`)],
  },
  resident_payments: {
    required: ['YardiPropertyId', 'HouseholdID', 'Detail.TransactionID'],
    known: ['YardiPropertyId', 'HouseholdID', 'HouseholdUnitID', '@Type', ...PAYMENT_FIELDS.map((f) => `Detail.${f}`)],
  },
};

/** Service request `HasPermissionToEnter` (compared in lower case) -> access_is_authorized. */
export const PERMISSION_TO_ENTER: Record<string, boolean> = { true: true, yes: true, false: false, no: false };

/** The StatusHistory entry whose time is a request's date_completed (models.md §5). */
export const WORK_COMPLETED = 'work completed';

/**
 * Payment `Type` -> payment_method_normalized (docs/vendors/yardi.md): Cash → CASH, Check → CHECK,
 * CreditCard/DebitCard → CREDITCARD, ACH → ELECTRONICPAYMENT, MoneyOrder → MONEYORDER, anything else → OTHER
 * (a Type off the vendor's list is also reported; `Other` is on it). Compared in lower case.
 */
export const PAYMENT_METHOD: Record<string, string> = {
  cash: 'CASH',
  check: 'CHECK',
  creditcard: 'CREDITCARD',
  debitcard: 'CREDITCARD',
  ach: 'ELECTRONICPAYMENT',
  moneyorder: 'MONEYORDER',
  other: 'OTHER',
};

/**
 * Customer `Type` (compared case-insensitively). `applicant` customers are not residents and a household of
 * applicants is no lease (docs/vendors/yardi.md): they belong to Propexo's applicants model.
 */
export const APPLICANT_TYPE = 'applicant';

/** Customer `Type` of a household's first resident -> the lease's status (others -> OTHER, raw value kept). */
export const LEASE_STATUS: Record<string, 'ACTIVE' | 'PENDING' | 'INACTIVE'> = {
  'current resident': 'ACTIVE',
  'future resident': 'PENDING',
  'former resident': 'INACTIVE',
};

/** Phone `PhoneType` (MITS spells them in lower case; compared case-insensitively) -> Propexo phone type. */
export const PHONE_TYPE: Record<string, 'MOBILE' | 'HOME' | 'WORK' | 'FAX' | 'OTHER'> = {
  cell: 'MOBILE',
  mobile: 'MOBILE',
  home: 'HOME',
  office: 'WORK',
  work: 'WORK',
  business: 'WORK',
  fax: 'FAX',
  other: 'OTHER',
};

/** UnitOccpStatus -> whether the unit is vacant (Voyager's occupancy statuses). */
export const UNIT_VACANT: Record<string, boolean> = {
  occupied: false,
  'occupied no notice': false,
  'notice rented': false,
  'notice unrented': false,
  vacant: true,
  'vacant rented': true,
  'vacant unrented': true,
};

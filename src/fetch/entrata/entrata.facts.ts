import type { ExpectedFields } from '../../normalise/schema-drift';
import { modelsExcept, type VendorFacts } from '../adapter/vendor-adapter';

/** The catalogue's models Entrata has: all of them. */
export const ENTRATA_MODELS = modelsExcept();
export type EntrataModel = (typeof ENTRATA_MODELS)[number];

export const ENTRATA_API_VERSION = 'r1';

/** `POST {base_url}/<service>` with `method.name`, per canonical model. */
export const ENTRATA_METHODS: Record<EntrataModel, { service: string; method: string }> = {
  properties: { service: 'properties', method: 'getProperties' },
  units: { service: 'propertyunits', method: 'getPropertyUnits' },
  leases: { service: 'leases', method: 'getLeases' },
  residents: { service: 'customers', method: 'getCustomers' },
  service_requests: { service: 'maintenance', method: 'getWorkOrders' },
  resident_charges: { service: 'artransactions', method: 'getLeaseArTransactions' },
  resident_payments: { service: 'arpayments', method: 'getArPayments' },
};

/** The maintenance pick lists (their CompanyEmployees name the employees work orders are assigned to). */
export const PICK_LISTS_METHOD = { service: 'maintenance', method: 'getWorkOrderPickLists' } as const;

export const ENTRATA_FACTS: VendorFacts = {
  // Production lives at https://<companyId>.entrata.com/api/v1, a host per customer: base_url is required and used as given.
  defaultBaseUrl: null,
  // getLeases and getCustomers accept perPageCount up to 1000.
  pageSize: 1000,
  slug: 'entrata',
  interfaceName: 'ENTRATA_BASE',
  // docs/vendors/models.md §3: Entrata creates no residents, writes no properties and updates no units.
  unsupportedWrites: [
    'residents.create',
    'properties.create',
    'properties.update',
    'units.update',
    'resident_payments.create',
  ],
  // Limits are per minute/hour/day and Entrata sends no Retry-After: start at a second and double.
  throttleBackoffMs: 1000,
  sources: {
    ...Object.fromEntries(
      Object.entries(ENTRATA_METHODS).map(([model, { service, method }]) => [model, `POST /${service} ${method}`]),
    ),
    leases: `POST /${ENTRATA_METHODS.leases.service} ${ENTRATA_METHODS.leases.method} (Applicant intervals are applications, not leases)`,
    residents: `POST /${ENTRATA_METHODS.residents.service} ${ENTRATA_METHODS.residents.method} + POST /${ENTRATA_METHODS.leases.service} ${ENTRATA_METHODS.leases.method} (customers on Applicant leases only are applicants, not residents)`,
    service_requests: `POST /maintenance getWorkOrders (deleted ones too) + getWorkOrderPickLists (employee ids) + POST /propertyunits getPropertyUnits (unit by unitNumber)`,
    resident_charges: `POST /artransactions getLeaseArTransactions (transactionTypeIds 1 charge, 3 credit; full ledger, reversals) + POST /leases getLeases (the lease's unit)`,
    resident_payments: `POST /arpayments getArPayments (portfolio-wide, with ArAllocations; a Reversed payment also as its negative reversal) + POST /properties getProperties (PropertyName) + POST /leases getLeases (CustomerId -> lease)`,
  },
};

/** Error codes Entrata reports inside HTTP 200 bodies. */
export const ENTRATA_ERROR = { badCredentials: 301, noPermission: 304, rateLimited: 429 } as const;

/** getPropertyUnits takes a comma list of property ids; this many per call keeps the request and answer modest. */
export const UNIT_PROPERTY_CHUNK = 50;

/**
 * The key under which the client puts the property a unit, lease or customer was listed under: Entrata gives
 * it on the enclosing element or in the request, not on the record itself.
 */
export const LISTED_UNDER_PROPERTY = 'propertyId';

/**
 * Keys the client adds to a record beside LISTED_UNDER_PROPERTY, for what Entrata gives on an enclosing element or
 * only through another call: the unit (a work order's matched by its unitNumber, a ledger row's and a payment's
 * the lease's), the lease and its first customer of a ledger row, the lease of a payment's customer, the
 * CompanyEmployee id of a work order's assignedTo name, and the reversal made of a Reversed payment.
 */
export const RESOLVED = {
  unitId: 'resolvedUnitId',
  leaseId: 'resolvedLeaseId',
  customerId: 'resolvedCustomerId',
  employeeId: 'resolvedEmployeeId',
  reversal: 'reversalOfPayment',
} as const;

/** getLeaseArTransactions' modelled transactionTypeId codes: charges are 1, credits (negative charges) 3. */
export const TRANSACTION_TYPE = { charge: 1, payment: 2, credit: 3 } as const;
export const CHARGE_TRANSACTION_TYPE_IDS: readonly number[] = [TRANSACTION_TYPE.charge, TRANSACTION_TYPE.credit];

/** ArPayment PaymentStatus of a payment taken back (modelled): it is kept, and a negative reversal is added. */
export const REVERSED_PAYMENT_STATUS = 'Reversed';

/** PaymentType -> payment_method_normalized (entrata.md, Resident payments; the strings are modelled there). */
export const PAYMENT_METHOD: Record<
  string,
  'CASH' | 'CASHIERCHECK' | 'CHECK' | 'CREDITCARD' | 'MONEYORDER' | 'DIRECTDEPOSIT' | 'ELECTRONICPAYMENT' | 'OTHER'
> = {
  Check: 'CHECK',
  "Cashier's Check": 'CASHIERCHECK',
  'Money Order': 'MONEYORDER',
  Cash: 'CASH',
  'Credit Card': 'CREDITCARD',
  'Debit Card': 'CREDITCARD',
  ACH: 'ELECTRONICPAYMENT',
  eCheck: 'ELECTRONICPAYMENT',
};

/** Rate-limit headers, per window. */
export const RATE_LIMIT_HEADERS = {
  minute_limit: 'x-ratelimit-limit-minute',
  hour_limit: 'x-ratelimit-limit-hour',
  day_limit: 'x-ratelimit-limit-day',
  minute_remaining: 'x-ratelimit-remaining-minute',
  hour_remaining: 'x-ratelimit-remaining-hour',
  day_remaining: 'x-ratelimit-remaining-day',
} as const;

/**
 * leaseIntervalStatus of a lease -> Propexo's status_normalized, and the status's leaseStatusTypeId. An
 * `Applicant` interval is an application, not a lease (an applicants model's), so it has no status here.
 */
export const LEASE_STATUS: Record<string, 'ACTIVE' | 'PENDING' | 'INACTIVE'> = {
  Cancelled: 'INACTIVE',
  Future: 'PENDING',
  Current: 'ACTIVE',
  Notice: 'ACTIVE',
  Past: 'INACTIVE',
};
export const APPLICANT_STATUS = 'Applicant';
export const LEASE_STATUS_TYPE_ID: Record<string, number> = {
  Cancelled: 1,
  [APPLICANT_STATUS]: 2,
  Future: 3,
  Current: 4,
  Notice: 5,
  Past: 6,
};

/**
 * getLeases' leaseStatusTypeIds: every lease status type, so a full pull has them all (applications too, to hide
 * any cached before). Which lease is an application is read from each lease's own leaseIntervalStatus.
 */
export const ALL_LEASE_STATUS_TYPE_IDS = Object.values(LEASE_STATUS_TYPE_ID).join(',');

/**
 * The key under which the client marks a customer whose leases are Applicant intervals only (by its LeaseId or
 * by the Applicant leases' customer lists): an applicant, no resident. Listed so a copy cached earlier is hidden.
 */
export const APPLICANT_ONLY = 'applicantOnly';

/**
 * The key under which the client marks a customer that is a resident (another lease lists it) although its LeaseId
 * is an application: that LeaseId names no lease, so the customer names none of its links.
 */
export const LEASE_ID_IS_APPLICATION = 'leaseIdIsApplication';

export const RESIDENT_TYPE: Record<string, 'PRIMARY' | 'SECONDARY' | 'GUARANTOR' | 'OTHER'> = {
  Primary: 'PRIMARY',
  Responsible: 'SECONDARY',
  Guarantor: 'GUARANTOR',
  'Not Responsible': 'OTHER',
  Occupant: 'OTHER',
};

export const PHONE_TYPE: Record<string, 'MOBILE' | 'HOME' | 'WORK' | 'FAX' | 'OTHER'> = {
  Mobile: 'MOBILE',
  Cell: 'MOBILE',
  Home: 'HOME',
  Office: 'WORK',
  Work: 'WORK',
  Fax: 'FAX',
  Other: 'OTHER',
};

export const PROPERTY_TYPE: Record<
  string,
  'SINGLE_FAMILY' | 'MULTI_FAMILY' | 'STUDENT_HOUSING' | 'VACATION' | 'COMMERCIAL' | 'OTHER'
> = {
  Apartment: 'MULTI_FAMILY',
  Affordable: 'MULTI_FAMILY',
  Senior: 'MULTI_FAMILY',
  Condo: 'MULTI_FAMILY',
  Townhome: 'MULTI_FAMILY',
  Duplex: 'MULTI_FAMILY',
  Student: 'STUDENT_HOUSING',
  'Single Family': 'SINGLE_FAMILY',
  Commercial: 'COMMERCIAL',
  Vacation: 'VACATION',
  Military: 'OTHER',
};

/**
 * Field paths of the records the client yields: `@attributes` lifted into their element, and the property a
 * record was listed under added as `propertyId` (see LISTED_UNDER_PROPERTY).
 */
export const ENTRATA_EXPECTED_FIELDS: Record<EntrataModel, ExpectedFields> = {
  properties: {
    required: ['PropertyID', 'MarketingName'],
    known: [
      'PropertyID',
      'MarketingName',
      'Type',
      'IsDisabled',
      'Address',
      'Address.AddressType',
      'Address.Address',
      'Address.City',
      'Address.State',
      'Address.PostalCode',
    ],
  },
  units: {
    required: ['id', LISTED_UNDER_PROPERTY],
    known: [
      'id',
      'unitNumber',
      'unitTypeId',
      'bedrooms',
      'bathrooms',
      'squareFeet',
      'marketRent',
      'isVacant',
      LISTED_UNDER_PROPERTY,
    ],
  },
  leases: {
    required: ['id', LISTED_UNDER_PROPERTY, 'leaseIntervalStatus'],
    known: [
      'id',
      'unitId',
      'leaseIntervalStatus',
      'startDate',
      'endDate',
      'moveInDate',
      'moveOutDate',
      'noticeDate',
      'rent',
      'customers',
      'customers.customer',
      'customers.customer.id',
      'customers.customer.customerType',
      LISTED_UNDER_PROPERTY,
    ],
  },
  residents: {
    required: ['Id', 'FirstName', 'LastName'],
    known: [
      'Id',
      'FirstName',
      'MiddleName',
      'LastName',
      'Email',
      'Phone',
      'Phone.PhoneNumber',
      'Phone.PhoneType',
      'Address',
      'DateOfBirth',
      'LeaseId',
      LISTED_UNDER_PROPERTY,
      APPLICANT_ONLY,
      LEASE_ID_IS_APPLICATION,
    ],
  },
  service_requests: {
    required: ['maintenanceRequestId', LISTED_UNDER_PROPERTY],
    known: [
      'maintenanceRequestId',
      'propertyId',
      'buildingName',
      'unitNumber',
      'customerId',
      'nameFirst',
      'nameLast',
      'primaryPhoneNumber',
      'emailAddress',
      'createdOn',
      'assignedTo',
      'maintenanceStatus',
      'maintenancePriority',
      'maintenanceCategoryName',
      'maintenanceProblem',
      'maintenanceDescription',
      'scheduledStartDate',
      'scheduledEndDate',
      'dueDate',
      'permissionToEnter',
      'petInfo',
      'alarmInfo',
      'isDeleted',
      'labors',
      'childWorkOrders',
      RESOLVED.unitId,
      RESOLVED.employeeId,
    ],
  },
  resident_charges: {
    required: ['id', 'transactionTypeId', 'amount', LISTED_UNDER_PROPERTY, RESOLVED.leaseId],
    known: [
      'id',
      'transactionTypeId',
      'arCodeId',
      'arCodeName',
      'description',
      'transactionDate',
      'postDate',
      'postMonth',
      'amount',
      'amountPaid',
      'balanceDue',
      'arPaymentId',
      'leaseIntervalId',
      'scheduledChargeId',
      LISTED_UNDER_PROPERTY,
      RESOLVED.leaseId,
      RESOLVED.customerId,
      RESOLVED.unitId,
    ],
  },
  resident_payments: {
    required: ['ArPaymentId', 'PaymentAmount', LISTED_UNDER_PROPERTY],
    known: [
      'ArPaymentId',
      'PropertyName',
      'CustomerId',
      'CustomerFirstName',
      'CustomerLastName',
      'UnitNumber',
      'PaymentAmount',
      'PaymentDate',
      'PaymentType',
      'PaymentStatus',
      'CapturedOn',
      'ReturnedOn',
      'ArAllocations',
      'ArAllocations.ArAllocation',
      'ArAllocations.ArAllocation.ArTransactionId',
      'ArAllocations.ArAllocation.ChargeCodeId',
      'ArAllocations.ArAllocation.ChargeCodeName',
      'ArAllocations.ArAllocation.Amount',
      'ArAllocations.ArAllocation.AllocationDateTime',
      LISTED_UNDER_PROPERTY,
      RESOLVED.leaseId,
      RESOLVED.unitId,
      RESOLVED.reversal,
    ],
  },
};

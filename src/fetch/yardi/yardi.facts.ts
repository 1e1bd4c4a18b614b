import type { ExpectedFields } from '../../normalise/schema-drift';
import { modelsExcept, type VendorFacts } from '../adapter/vendor-adapter';

/**
 * The catalogue's models Yardi has. A model it lacks is named here, and nothing else of the vendor mentions it.
 * Service requests, resident charges and resident payments wait for their mapping (issue 21): until then they
 * are lacked, so they are neither synced nor written, and the data-access matrix says `unsupported`.
 */
export const YARDI_MODELS = modelsExcept('service_requests', 'resident_charges', 'resident_payments');
export type YardiModel = (typeof YARDI_MODELS)[number];

const SERVICE_NAME = 'ItfResidentTransactions20';

/** SOAP 1.1 service of the Resident Transactions interface. */
export const YARDI_SERVICE = {
  path: `/Webservices/${SERVICE_NAME}.asmx`,
  namespace: `http://tempuri.org/YSI.Interfaces.WebServices/${SERVICE_NAME}`,
} as const;

export const soapAction = (method: string) => `"${YARDI_SERVICE.namespace}/${method}"`;

export type YardiMethod = 'GetPropertyConfigurations' | 'GetUnitInformation_Login' | 'GetResidentTransactions_Login';

/** The method each model is read with; every one but GetPropertyConfigurations takes a YardiPropertyId. */
export const YARDI_METHODS: Record<YardiModel, YardiMethod> = {
  properties: 'GetPropertyConfigurations',
  units: 'GetUnitInformation_Login',
  residents: 'GetResidentTransactions_Login',
  leases: 'GetResidentTransactions_Login',
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
  unsupportedWrites: ['residents.create', 'properties.create', 'properties.update', 'units.create', 'units.update'],
  // "Error: Database busy" carries no Retry-After: start at one second and double.
  throttleBackoffMs: 1000,
  sources: Object.fromEntries(
    Object.entries(YARDI_METHODS).map(([model, method]) => [
      model,
      `SOAP ${method} (${SERVICE_NAME})${model === 'residents' ? ': applicants are not residents' : model === 'leases' ? ': applicant households are not leases' : ''}`,
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

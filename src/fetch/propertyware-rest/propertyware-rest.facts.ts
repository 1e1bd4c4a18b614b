import type { ExpectedFields } from '../../normalise/schema-drift';
import { modelsExcept, type VendorFacts } from '../adapter/vendor-adapter';

/** The catalogue's models Propertyware has: all of them. A model it lacked would be named in `modelsExcept`. */
export const PROPERTYWARE_REST_MODELS = modelsExcept();
export type PropertywareRestModel = (typeof PROPERTYWARE_REST_MODELS)[number];

export const PROPERTYWARE_REST_HEADERS = {
  clientId: 'x-propertyware-client-id',
  clientSecret: 'x-propertyware-client-secret',
  systemId: 'x-propertyware-system-id',
} as const;

/** List endpoint per model and the query it always carries. */
export const PROPERTYWARE_REST_ENDPOINTS: Record<
  PropertywareRestModel,
  { path: string; params: Record<string, string> }
> = {
  // Deactivated buildings and units are only listed on request; without them a deactivation would read as a deletion.
  properties: { path: '/buildings', params: { includeDeactivated: 'true' } },
  units: { path: '/units', params: { includeDeactivated: 'true' } },
  leases: { path: '/leases', params: {} },
  // Tenants only: prospects (type PROSPECT) are applicants, not residents.
  residents: { path: '/contacts', params: { type: 'TENANT' } },
  service_requests: { path: '/workorders', params: {} },
  resident_charges: { path: '/leases/charges', params: {} },
  resident_payments: { path: '/leases/payments', params: {} },
};

export const PROPERTYWARE_REST_FACTS: VendorFacts = {
  defaultBaseUrl: 'https://api.propertyware.com/pw/api/rest/v1',
  // The most a page holds: a larger `limit` is silently cut to 500.
  pageSize: 500,
  slug: 'propertyware-rest',
  // Propexo names Propertyware's REST interface PROPERTYWARE_BASE.
  interfaceName: 'PROPERTYWARE_BASE',
  unsupportedWrites: [],
  // Propertyware: "retry the request after a short interval (~200ms)" with exponential back-off; no Retry-After.
  throttleBackoffMs: 200,
  sources: Object.fromEntries(
    Object.entries(PROPERTYWARE_REST_ENDPOINTS).map(([model, { path, params }]) => {
      const query = new URLSearchParams(params).toString();
      return [
        model,
        `GET ${path}${query ? `?${query}` : ''}${model === 'residents' ? ' (prospects are applicants, not residents)' : ''}`,
      ];
    }),
  ),
};

/** Field names of the spec's schemas (propertyware-openapi.json), the records each model's endpoint returns. */
const BUILDING_FIELDS = [
  'abbreviation',
  'active',
  'address',
  'amenities',
  'applicationFeeRule',
  'areaUnits',
  'baseYear',
  'baseYearOperatingExpenses',
  'baseYearPropertyInsurance',
  'baseYearPropertyTaxes',
  'category',
  'countUnit',
  'county',
  'createdBy',
  'createdDateTime',
  'customFields',
  'featuredForRent',
  'floorNumber',
  'ftbDeductable',
  'ftbWithholdingPercentage',
  'ftbWithholdingType',
  'id',
  'idNumber',
  'lastModifiedBy',
  'lastModifiedDateTime',
  'leaseID',
  'maintenanceLaborSurchargeAmount',
  'maintenanceLaborSurchargeType',
  'maintenanceNotice',
  'maintenanceSpendingLimitAmount',
  'maintenanceSpendingLimitTime',
  'management',
  'marketing',
  'moveInDays',
  'multiUnit',
  'name',
  'neighborhood',
  'numberFloors',
  'numberOfBathrooms',
  'numberOfBedrooms',
  'portfolioID',
  'propertyManagerList',
  'propertyType',
  'ready',
  'reasonForPropertyLost',
  'rentable',
  'searchTag',
  'status',
  'syndicate',
  'targetDeposit',
  'targetRent',
  'targetRentUnits',
  'totalArea',
  'type',
  'website',
  'yearBuilt',
];
const UNIT_FIELDS = [
  'abbreviation',
  'active',
  'address',
  'amenities',
  'areaUnits',
  'buildingID',
  'category',
  'county',
  'createdBy',
  'createdDateTime',
  'customFields',
  'floorNumber',
  'id',
  'idNumber',
  'lastModifiedBy',
  'lastModifiedDateTime',
  'leaseID',
  'maintenanceNotice',
  'maintenanceSpendingLimitTime',
  'management',
  'marketing',
  'name',
  'neighborhood',
  'numberFloors',
  'numberOfBathrooms',
  'numberOfBedrooms',
  'portfolioID',
  'propertyManagerList',
  'ready',
  'rentable',
  'searchTag',
  'status',
  'syndicate',
  'targetDeposit',
  'targetRent',
  'targetRentUnits',
  'totalArea',
  'type',
  'website',
  'yearBuilt',
];
const LEASE_FIELDS = [
  'active',
  'addendums',
  'arBalance',
  'baseRent',
  'buildingID',
  'comments',
  'contacts',
  'createdBy',
  'createdDateTime',
  'customFields',
  'endDate',
  'id',
  'idNumber',
  'lastModifiedBy',
  'lastModifiedDateTime',
  'lateFeeRule',
  'leaseBalance',
  'leaseName',
  'location',
  'moveInDate',
  'moveOutDate',
  'noticeGivenDate',
  'paymentRestriction',
  'portfolioID',
  'publicAssistanceProgram',
  'reasonForLeaving',
  'scheduleMoveOutDate',
  'searchTag',
  'signedDate',
  'startDate',
  'status',
  'tenantsOptsIntoAssetProtectionPlan',
  'terminatedDate',
  'unitID',
];
const CONTACT_FIELDS = [
  'address',
  'allowESignature',
  'altEmail',
  'birthDate',
  'category',
  'comments',
  'company',
  'createdBy',
  'createdDateTime',
  'customFields',
  'email',
  'fax',
  'firstName',
  'gender',
  'homePhone',
  'id',
  'jobTitle',
  'lastModifiedBy',
  'lastModifiedDateTime',
  'lastName',
  'middleName',
  'mobilePhone',
  'nameOnCheck',
  'namedOnLease',
  'otherPhone',
  'salutation',
  'suffix',
  'type',
  'workPhone',
];

const WORK_ORDER_FIELDS = [
  'age',
  'approved',
  'approvedDate',
  'assignedVendors',
  'authorizeEnter',
  'buildingID',
  'category',
  'completedDate',
  'contractNumber',
  'costEstimate',
  'createdBy',
  'createdDateTime',
  'customFields',
  'dateToEnter',
  'description',
  'hourEstimate',
  'id',
  'lastModifiedBy',
  'lastModifiedDateTime',
  'lease',
  'location',
  'maintenanceNotice',
  'managedBy',
  'number',
  'portfolioID',
  'priority',
  'publishToOwnerPortal',
  'publishToTenantPortal',
  'requestedBy',
  'requiredMaterials',
  'scheduledEndDate',
  'searchTag',
  'source',
  'specificLocation',
  'startDate',
  'status',
  'type',
  'unitID',
  'unitIDs',
];
const CHARGE_FIELDS = [
  'amount',
  'amountDue',
  'amountPaid',
  'comments',
  'createdBy',
  'createdDateTime',
  'date',
  'glAccountID',
  'id',
  'lastModifiedBy',
  'lastModifiedDateTime',
  'leaseID',
  'parentTxID',
  'payments',
  'portfolioID',
  'refNo',
];
const PAYMENT_FIELDS = [
  'amount',
  'comments',
  'contactID',
  'createdBy',
  'createdDateTime',
  'date',
  'depositDate',
  'destinationAccountID',
  'glAccountID',
  'id',
  'isDeposited',
  'lastModifiedBy',
  'lastModifiedDateTime',
  'leaseID',
  'lines',
  'paymentType',
  'portfolioID',
  'refNo',
  'status',
];

/**
 * What the client adds to a ledger record or work order (hydration; never the vendor's): a charge's or payment's
 * `leaseLocation` (its lease's building and unit, which ChargeTx and Payment do not name), a charge's
 * `hiddenRecharge` (a recharge dated as its parent: not in the ledger), a work order's `unitName`.
 */
export const HYDRATED = { leaseLocation: 'leaseLocation', hiddenRecharge: 'hiddenRecharge', unitName: 'unitName' };

/** The spec marks no field required; these are the ones a record cannot be placed without. */
export const PROPERTYWARE_REST_EXPECTED_FIELDS: Record<PropertywareRestModel, ExpectedFields> = {
  properties: { required: ['id', 'name'], known: BUILDING_FIELDS },
  units: { required: ['id', 'buildingID'], known: UNIT_FIELDS },
  leases: { required: ['id', 'buildingID', 'status'], known: LEASE_FIELDS },
  // `leases` is not the vendor's: the client adds it (hydration) from the leases' contacts[].
  residents: { required: ['id'], known: [...CONTACT_FIELDS, 'leases'] },
  service_requests: { required: ['id', 'buildingID'], known: [...WORK_ORDER_FIELDS, HYDRATED.unitName] },
  resident_charges: {
    required: ['id', 'leaseID', 'amount'],
    known: [...CHARGE_FIELDS, HYDRATED.leaseLocation, HYDRATED.hiddenRecharge],
  },
  resident_payments: { required: ['id', 'leaseID', 'amount'], known: [...PAYMENT_FIELDS, HYDRATED.leaseLocation] },
};

type PaymentMethod = 'CASH' | 'CASHIERCHECK' | 'CHECK' | 'CREDITCARD' | 'MONEYORDER' | 'ELECTRONICPAYMENT' | 'OTHER';

/**
 * Payment.paymentType (the spec's enum, every value) -> payment_method_normalized, as the vendor file's table
 * says; its "anything else -> OTHER" covers the spec's OTHER, SECTION8, PUBLIC_ASSISTANCE and PAYMENT_TYPE_NA.
 * A value outside the spec reads OTHER too, and is reported.
 */
export const PAYMENT_METHOD: Record<string, PaymentMethod> = {
  CHECK: 'CHECK',
  CHECK21: 'CHECK',
  CASHIERS_CHECK: 'CASHIERCHECK',
  CREDIT_CARD: 'CREDITCARD',
  CASH: 'CASH',
  MONEY_ORDER: 'MONEYORDER',
  EPAY: 'ELECTRONICPAYMENT',
  ECHECK: 'ELECTRONICPAYMENT',
  NACHA: 'ELECTRONICPAYMENT',
  CLICKPAY: 'ELECTRONICPAYMENT',
  RENTMONEY: 'ELECTRONICPAYMENT',
  OTHER: 'OTHER',
  SECTION8: 'OTHER',
  PUBLIC_ASSISTANCE: 'OTHER',
  PAYMENT_TYPE_NA: 'OTHER',
};

/**
 * Lease.status is free text configured per organization (GET /leases/statuses). The spec's description names
 * 'Active', 'Active - Notice Given', 'Draft', 'Eviction' and 'Terminated' "etc."; the rest are other
 * spellings of the same states. Anything else reads OTHER (raw value kept) and is reported.
 */
export const LEASE_STATUS: Record<string, 'ACTIVE' | 'PENDING' | 'INACTIVE' | 'EVICTED'> = {
  // The spec's values.
  Active: 'ACTIVE',
  'Active - Notice Given': 'ACTIVE',
  Draft: 'PENDING',
  Eviction: 'EVICTED',
  Terminated: 'INACTIVE',
  // Other spellings of those states.
  'Active - Month to Month': 'ACTIVE',
  Future: 'PENDING',
  Pending: 'PENDING',
  Inactive: 'INACTIVE',
  Closed: 'INACTIVE',
  Evicted: 'EVICTED',
};

type PropertyType = 'SINGLE_FAMILY' | 'MULTI_FAMILY' | 'STUDENT_HOUSING' | 'VACATION' | 'COMMERCIAL' | 'OTHER';

/**
 * Building.propertyType -> Propexo type_normalized: the spec's enum codes (what writes take), and the display
 * strings reads return instead (docs/vendors/propertyware-rest.md: `Du/Fourplex` for DU_FOUR_PLEX).
 */
export const PROPERTY_TYPE: Record<string, PropertyType> = {
  APARTMENT: 'MULTI_FAMILY',
  CONDO: 'MULTI_FAMILY',
  DU_FOUR_PLEX: 'MULTI_FAMILY',
  SECTION_8_AFFORDABLE: 'MULTI_FAMILY',
  SENIOR: 'MULTI_FAMILY',
  TOWNHOUSE: 'MULTI_FAMILY',
  HOUSE: 'SINGLE_FAMILY',
  STUDENT: 'STUDENT_HOUSING',
  SHORT_TERM_VACATION: 'VACATION',
  COMMERCIAL: 'COMMERCIAL',
  NONE: 'OTHER',
  OTHER: 'OTHER',
  Apartment: 'MULTI_FAMILY',
  Condo: 'MULTI_FAMILY',
  'Du/Fourplex': 'MULTI_FAMILY',
  'Section 8/Affordable': 'MULTI_FAMILY',
  Senior: 'MULTI_FAMILY',
  Townhouse: 'MULTI_FAMILY',
  House: 'SINGLE_FAMILY',
  Student: 'STUDENT_HOUSING',
  'Short-term/vacation': 'VACATION',
  Commercial: 'COMMERCIAL',
  None: 'OTHER',
  Other: 'OTHER',
};

/** A contact's four phone fields in the order they fill phone_1 and phone_2 (first two non-empty win). */
export const PHONE_PRIORITY = [
  { field: 'mobilePhone', type: 'MOBILE' },
  { field: 'homePhone', type: 'HOME' },
  { field: 'workPhone', type: 'WORK' },
  { field: 'otherPhone', type: 'OTHER' },
] as const;

/** LeaseContact.role (free text) of a contact that is not the lease's primary -> resident_type_normalized. */
export const CONTACT_ROLE: Record<string, 'SECONDARY' | 'GUARANTOR' | 'OTHER'> = {
  Tenant: 'SECONDARY',
  'Co-Tenant': 'SECONDARY',
  Occupant: 'OTHER',
  Cosigner: 'GUARANTOR',
  Guarantor: 'GUARANTOR',
};

/** Building/Unit areaUnits (the spec's enum): square feet per unit of totalArea. */
export const SQUARE_FEET_PER: Record<string, number> = { 'Sq Ft': 1, 'Sq M': 10.7639 };

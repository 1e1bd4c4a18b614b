import type { ExpectedFields } from '../../normalise/schema-drift';
import { modelsExcept, type VendorFacts } from '../adapter/vendor-adapter';

/**
 * The catalogue's models Buildium has. A model it lacks is named here, and nothing else of the vendor mentions it.
 * Service requests, resident charges and resident payments wait for their mapping (issue 21): until then they
 * are lacked, so they are neither synced nor written, and the data-access matrix says `unsupported`.
 */
export const BUILDIUM_MODELS = modelsExcept('service_requests', 'resident_charges', 'resident_payments');
export type BuildiumModel = (typeof BUILDIUM_MODELS)[number];

export const BUILDIUM_ENDPOINTS: Record<BuildiumModel, string> = {
  properties: '/v1/rentals',
  units: '/v1/rentals/units',
  leases: '/v1/leases',
  residents: '/v1/leases/tenants',
};

export const BUILDIUM_FACTS: VendorFacts = {
  defaultBaseUrl: 'https://api.buildium.com',
  pageSize: 1000,
  slug: 'buildium',
  interfaceName: 'BUILDIUM_BASE',
  unsupportedWrites: [],
  // Buildium: "retry the request after a short interval (~200ms)" and back off exponentially; no Retry-After.
  throttleBackoffMs: 200,
  sources: {
    ...Object.fromEntries(Object.entries(BUILDIUM_ENDPOINTS).map(([model, path]) => [model, `GET ${path}`])),
    // Applicants are a resource of their own at Buildium, which a resident sync never reads.
    residents: `GET ${BUILDIUM_ENDPOINTS.residents} (tenants only: applicants, GET /v1/applicants, are not residents)`,
  },
};

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

import {
  CITIES,
  dropUndefined,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  oneYearLater,
  phoneNumber,
  type PhoneStyle,
  Prng,
  streetLine,
  zipCode,
} from '../kit/prng';
import { generateLedgers, generateTasks, type LedgerSeeding } from './buildium-ledger-dataset';

const PHONE_STYLES: readonly PhoneStyle[] = ['paren', 'dash', 'intl', 'plain'];

type Rec = Record<string, any>;

/**
 * The Buildium collections as stored (derived fields such as TenantMessage.Leases are added when served).
 * Applicants are Buildium's own resource (`/v1/applicants`), apart from tenants.
 */
export interface BuildiumData {
  rentals: Rec[];
  units: Rec[];
  leases: Rec[];
  tenants: Rec[];
  applicants: Rec[];
  /** ResidentRequestTaskMessage (GET /v1/tasks/residentrequests). */
  tasks: Rec[];
  /** WorkOrderMessage without its Task summary, which is the linked task's (`TaskId`) as served. */
  workorders: Rec[];
  /**
   * LeaseTransactionMessage of every lease ledger (GET /v1/leases/{leaseId}/transactions); with `every-lease`
   * ledgers only the written ones (the seeded ones are generated when served).
   */
  transactions: Rec[];
}

export interface BuildiumDatasetOptions {
  seed?: number;
  /** Number of tenants on leases (Buildium's residents). Leases ≈ residents / 2, ~20 units per property. */
  residents?: number;
  /** Tenants on no lease (theirs was removed), added after the others; none unless asked for. */
  tenantsOnNoLease?: number;
  /** Which leases have a seeded ledger (LedgerSeeding): the first 2,000 begun ones unless asked otherwise. */
  ledgers?: LedgerSeeding;
}

/** When the seeded records were last changed: fixed, so a seeded dataset is identical on every run. */
export const SEEDED_AT = Date.UTC(2026, 0, 15, 12, 0, 0);

export const ID_BASE = {
  rentals: 1_000,
  units: 20_000,
  leases: 100_000,
  tenants: 500_000,
  applicants: 800_000,
} as const;

/** Every PhoneNumberMessage.Type of the spec. */
const PHONE_TYPES = ['Cell', 'Home', 'Office', 'Fax', 'Other', 'Personal', 'Cell', 'Home', 'NotSet'];
/**
 * Every RentalType / RentalSubType pair the spec allows (a rental may have no subtype). The first rentals
 * take each once, so a portfolio of 12 rentals or more shows them all; the rest are mostly residential.
 */
const RENTAL_KINDS: ReadonlyArray<readonly [string, string | undefined]> = [
  ['Residential', 'MultiFamily'],
  ['Residential', 'SingleFamily'],
  ['Residential', 'CondoTownhome'],
  ['Residential', undefined],
  ['Commercial', 'Industrial'],
  ['Commercial', 'Office'],
  ['Commercial', 'Retail'],
  ['Commercial', 'ShoppingCenter'],
  ['Commercial', 'Storage'],
  ['Commercial', 'ParkingSpace'],
  ['Commercial', undefined],
  ['None', undefined],
];
const COMMON_RENTAL_KINDS = [RENTAL_KINDS[0], RENTAL_KINDS[0], RENTAL_KINDS[1], RENTAL_KINDS[2]];
const BEDROOMS = [
  'Studio',
  'OneBed',
  'OneBed',
  'TwoBed',
  'TwoBed',
  'ThreeBed',
  'FourBed',
  'FiveBed',
  'SixBed',
  'SevenBed',
  'EightBed',
  'NineBedPlus',
  'NotSet',
];
const BATHROOMS = [
  'OneBath',
  'OneBath',
  'OnePointFiveBath',
  'TwoBath',
  'TwoPointFiveBath',
  'ThreeBath',
  'ThreePointFiveBath',
  'FourBath',
  'FourPointFiveBath',
  'FiveBath',
  'FivePlusBath',
  'NotSet',
];
const APPLICANT_STATUSES = [
  'Unknown',
  'Undecided',
  'Approved',
  'Rejected',
  'AddedToLease',
  'Cancelled',
  'Deferred',
  'New',
  'Draft',
  'AddedToDraftLease',
];

function address(prng: Prng): Rec {
  const [city, state, zip] = prng.pick(CITIES);
  const a: Rec = {
    AddressLine1: streetLine(prng),
    City: city,
    State: state,
    PostalCode: zipCode(prng, zip),
    Country: 'UnitedStates',
  };
  if (prng.chance(0.3)) a.AddressLine2 = `Apt ${prng.int(1, 40)}${prng.pick(['A', 'B', 'C', ''])}`;
  return a;
}

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** A seeded, deterministic Buildium portfolio whose records follow buildium-openapi.json. */
export function generateBuildiumData(options: BuildiumDatasetOptions = {}): BuildiumData {
  const prng = new Prng(options.seed ?? 1);
  const residentCount = Math.max(1, options.residents ?? 60);

  // Tenants, grouped into households of 1-3 that share a lease.
  const tenants: Rec[] = [];
  for (let i = 0; i < residentCount; i++) tenants.push(makeTenant(prng, ID_BASE.tenants + i + 1));
  const households: Rec[][] = [];
  for (let i = 0; i < tenants.length;) {
    const size = Math.min(
      prng.weighted([
        [1, 3],
        [2, 4],
        [3, 3],
      ] as const),
      tenants.length - i,
    );
    households.push(tenants.slice(i, i + size));
    i += size;
  }

  const unitCount = Math.ceil(households.length * 1.05);
  const rentals: Rec[] = [];
  const units: Rec[] = [];
  for (let u = 0; u < unitCount; u++) {
    if (u % 20 === 0) rentals.push(makeRental(prng, ID_BASE.rentals + rentals.length + 1, Math.min(20, unitCount - u)));
    const rental = rentals[rentals.length - 1];
    units.push(makeUnit(prng, ID_BASE.units + u + 1, rental, (u % 20) + 1));
  }

  const leases: Rec[] = households.map((household, i) => {
    const lease = makeLease(prng, ID_BASE.leases + i + 1, units[i], household);
    if (lease.LeaseStatus === 'Active') units[i].IsUnitOccupied = true;
    return lease;
  });
  // About 5 % of tenants also appear on a second lease (a renewal or a move within the portfolio).
  for (const tenant of tenants) {
    if (!prng.chance(0.05) || leases.length < 2) continue;
    const lease = prng.pick(leases);
    if (lease.Tenants.some((t: Rec) => t.Id === tenant.Id) || lease.Tenants.length >= 4) continue;
    addTenantToLease(prng, lease, tenant.Id);
  }
  for (let i = 0; i < (options.tenantsOnNoLease ?? 0); i++)
    tenants.push(makeTenant(prng, ID_BASE.tenants + tenants.length + 1));
  // Applicants (GET /v1/applicants), one in 20 tenants: none of them is a resident.
  const applicants = Array.from({ length: Math.ceil(residentCount / 20) }, (_, i) =>
    makeApplicant(prng, ID_BASE.applicants + i + 1, prng.pick(units), i),
  );
  // Tasks and ledgers draw from their own seeded streams, so the records above stay as they were before them.
  const seed = options.seed ?? 1;
  const { tasks, workorders } = generateTasks(leases, units, tenants, seed);
  return {
    rentals,
    units,
    leases,
    tenants,
    applicants,
    tasks,
    workorders,
    transactions: (options.ledgers ?? 'first-leases') === 'first-leases' ? generateLedgers(leases, seed) : [],
  };
}

function makeApplicant(prng: Prng, id: number, unit: Rec, n: number): Rec {
  const first = prng.pick(FIRST_NAMES);
  const last = prng.pick(LAST_NAMES);
  return {
    Id: id,
    ApplicantGroupId: 900_000 + id,
    PropertyId: unit.PropertyId,
    UnitId: unit.Id,
    FirstName: first,
    LastName: last,
    Email: `${first}.${last}.applicant${id}@example.com`
      .normalize('NFD')
      .replace(/[^A-Za-z0-9.@]/g, '')
      .toLowerCase(),
    PhoneNumbers: [{ Number: phoneNumber(prng, PHONE_STYLES), Type: 'Cell' }],
    Status: APPLICANT_STATUSES[n % APPLICANT_STATUSES.length],
    LastUpdatedDateTime: iso(SEEDED_AT),
  };
}

function makeTenant(prng: Prng, id: number): Rec {
  const first = prng.pick(FIRST_NAMES);
  const last = prng.pick(LAST_NAMES);
  const handle = `${first}.${last}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  const tenant: Rec = {
    Id: id,
    FirstName: first,
    LastName: last,
    Email: prng.chance(0.9)
      ? `${prng.chance(0.2) ? handle.toUpperCase() : handle}${id}@${prng.pick(EMAIL_DOMAINS)}`
      : undefined,
    AlternateEmail: prng.chance(0.2) ? `${handle}.alt${id}@example.net` : undefined,
    PhoneNumbers: Array.from(
      {
        length: prng.weighted([
          [0, 1],
          [1, 6],
          [2, 3],
        ] as const),
      },
      () => ({ Number: phoneNumber(prng, PHONE_STYLES), Type: prng.pick(PHONE_TYPES) }),
    ),
    CreatedDateTime: iso(SEEDED_AT - prng.int(1, 1000) * 86_400_000),
    DateOfBirth: prng.chance(0.8) ? prng.date(1950, 2004) : undefined,
    SMSOptInStatus: prng.pick(['OptedIn', 'NotSet', 'OptedOut']),
    Address: address(prng),
    AlternateAddress: prng.chance(0.1) ? address(prng) : undefined,
    MailingPreference: 'PrimaryAddress',
    Comment: prng.chance(0.15) ? 'Prefers contact by email.' : undefined,
    EmergencyContact: prng.chance(0.3)
      ? {
          Name: `${prng.pick(FIRST_NAMES)} ${last}`,
          RelationshipDescription: 'Relative',
          Phone: phoneNumber(prng, PHONE_STYLES),
          Email: `${handle}.family@example.org`,
        }
      : undefined,
  };
  return dropUndefined(tenant);
}

function makeRental(prng: Prng, id: number, numberUnits: number): Rec {
  const a = address(prng);
  delete a.AddressLine2;
  const manager = {
    Id: 9_000 + prng.int(1, 20),
    FirstName: prng.pick(FIRST_NAMES),
    LastName: prng.pick(LAST_NAMES),
    IsCompany: false,
    Email: `manager${prng.int(1, 20)}@example.com`,
    PhoneNumbers: [{ Number: phoneNumber(prng, PHONE_STYLES), Type: 'Office' }],
  };
  const drawn = prng.pick(COMMON_RENTAL_KINDS);
  const [rentalType, subType] = RENTAL_KINDS[id - ID_BASE.rentals - 1] ?? drawn;
  return dropUndefined({
    Id: id,
    Name: `${a.AddressLine1.split(' ').slice(1).join(' ')} ${prng.pick(['Apartments', 'Residences', 'Commons', 'Lofts', 'Flats'])} ${id}`,
    StructureDescription: prng.chance(0.5) ? 'Garden-style buildings with on-site laundry.' : undefined,
    NumberUnits: numberUnits,
    IsActive: prng.chance(0.95),
    OperatingBankAccountId: prng.int(1, 5),
    Reserve: prng.money(0, 5000),
    Address: a,
    YearBuilt: prng.int(1920, 2024),
    RentalType: rentalType,
    RentalSubType: subType,
    RentalManager: manager,
  });
}

function makeUnit(prng: Prng, id: number, rental: Rec, n: number): Rec {
  return dropUndefined({
    Id: id,
    PropertyId: rental.Id,
    BuildingName: prng.chance(0.3) ? `Building ${prng.pick(['A', 'B', 'C'])}` : undefined,
    UnitNumber: `${Math.ceil(n / 4)}${String(((n - 1) % 4) + 1).padStart(2, '0')}`,
    Description: prng.chance(0.3) ? 'Corner unit' : undefined,
    MarketRent: prng.money(800, 3500),
    Address: { ...rental.Address, AddressLine2: `Unit ${n}` },
    UnitBedrooms: prng.pick(BEDROOMS),
    UnitBathrooms: prng.pick(BATHROOMS),
    UnitSize: prng.int(350, 2200),
    IsUnitListed: prng.chance(0.2),
    IsUnitOccupied: false,
  });
}

function makeLease(prng: Prng, id: number, unit: Rec, household: Rec[]): Rec {
  const status = prng.weighted([
    ['Active', 75],
    ['Future', 10],
    ['Past', 15],
  ] as const);
  const type = prng.weighted([
    ['Fixed', 58],
    ['FixedWithRollover', 25],
    ['AtWill', 15],
    ['None', 2],
  ] as const);
  const startYear = status === 'Future' ? 2027 : status === 'Past' ? prng.int(2019, 2024) : prng.int(2024, 2026);
  const from = prng.date(startYear, startYear);
  const to = type === 'AtWill' ? undefined : oneYearLater(from);
  const created = SEEDED_AT - prng.int(30, 900) * 86_400_000;
  const lease: Rec = dropUndefined({
    Id: id,
    PropertyId: unit.PropertyId,
    UnitId: unit.Id,
    UnitNumber: unit.UnitNumber,
    LeaseFromDate: from,
    LeaseToDate: to,
    LeaseType: type,
    LeaseStatus: status,
    IsEvictionPending: prng.chance(0.02),
    TermType: type === 'AtWill' ? 'MonthToMonth' : 'Standard',
    RenewalOfferStatus: 'NotSet',
    CurrentNumberOfOccupants: household.length,
    AccountDetails: { SecurityDeposit: prng.chance(0.85) ? prng.money(200, 3000) : 0, Rent: prng.money(700, 4200) },
    Cosigners: [],
    AutomaticallyMoveOutTenants: prng.chance(0.5),
    CreatedDateTime: iso(created),
    LastUpdatedDateTime: iso(SEEDED_AT),
    MoveOutData: [],
    PaymentDueDay: prng.pick([1, 1, 1, 5, 15]),
    Tenants: [],
  });
  for (const tenant of household) addTenantToLease(prng, lease, tenant.Id);
  return lease;
}

function addTenantToLease(prng: Prng, lease: Rec, tenantId: number): void {
  const status = lease.LeaseStatus === 'Past' ? 'MovedOut' : lease.LeaseStatus === 'Future' ? 'Future' : 'Current';
  const moveIn = prng.chance(0.9) ? lease.LeaseFromDate : undefined;
  lease.Tenants.push(dropUndefined({ Id: tenantId, Status: status, MoveInDate: moveIn }));
  lease.CurrentNumberOfOccupants = lease.Tenants.length;
  if (status === 'MovedOut') {
    lease.MoveOutData.push(
      dropUndefined({
        TenantId: tenantId,
        MoveOutDate: lease.LeaseToDate ?? oneYearLater(lease.LeaseFromDate),
        NoticeGivenDate: prng.chance(0.7) ? lease.LeaseFromDate : undefined,
      }),
    );
  }
}

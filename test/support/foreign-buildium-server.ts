import http from 'node:http';
import { listenOnLoopback } from './loopback-server';
import { openapiValidator, referenceDocument } from './propexo-schema';

/**
 * A second, independent Buildium Open API v1 server, written from docs/vendors/buildium.md and
 * docs/reference/buildium-openapi.json only (never from src/sandbox), so the adapter is tested against
 * choices our own simulator did not make: small page caps whatever `limit` asks, a 429 without Retry-After
 * on every 7th request, ids out of creation order, and hand-picked awkward (schema-valid) values.
 *
 * Resident requests (`/v1/tasks/residentrequests`), their work orders (`/v1/workorders`) and each lease's ledger
 * (`/v1/leases/{leaseId}/transactions`), from buildium.md's sections on service requests, charges and payments:
 * small pages, ledgers served newest first, task dates filtered as dates only, amounts with awkward cents.
 *
 * Writes (buildium.md, Writes): POST and PUT of tenants, leases, rentals and units; POST and PUT of resident requests,
 * POST of a lease's charges and payments (buildium.md, service requests, charges and payments). A body is checked against
 * the spec's own Post/Put message schema, closed (a field the spec does not name is a 400, so a misspelt field
 * cannot pass unnoticed), enums included: Country is the spec's list of names, not a pattern.
 */

export const FOREIGN_CREDENTIALS = { clientId: 'foreign-client', secret: 'foreign-secret-9f2' } as const;

type Json = Record<string, any>;

export interface ForeignRequestLog {
  /** 1-based arrival number across every request the server received. */
  n: number;
  at: number;
  path: string;
  offset: number | null;
  limit: number | null;
  status: number;
  /** Records in the body of a 200. */
  count: number;
}

export interface ForeignBuildiumServer {
  url: string;
  data: {
    rentals: any[];
    units: any[];
    leases: any[];
    tenants: any[];
    tasks: any[];
    workOrders: any[];
    transactions: any[];
  };
  /** Vendor requests received and answered (every status, 429 and 401 included). */
  readonly requests: number;
  log: ForeignRequestLog[];
  pageCap: Record<string, number>;
  close(): Promise<void>;
}

/**
 * Most records a page holds, whatever `limit` asks: never more than 300, and less for the small models so
 * that every model takes several pages (a server may always return fewer than `limit`; the client must go
 * on by offset until X-Total-Count).
 */
const PAGE_CAP: Record<string, number> = {
  '/v1/rentals': 2,
  '/v1/rentals/units': 16,
  '/v1/leases': 100,
  '/v1/leases/tenants': 300,
  '/v1/tasks/residentrequests': 7,
  '/v1/workorders': 5,
  '/v1/leases/{leaseId}/transactions': 9,
};
const THROTTLE_EVERY = 7;
const MAX_LIMIT = 1000;

// ---------------------------------------------------------------------------------------------------------
// Data. Deterministic (no randomness): arithmetic on the index with strides coprime to the id range, so
// ids are unique, scattered and unrelated to creation order or to the order pages are served in.
// ---------------------------------------------------------------------------------------------------------

const FIRST_NAMES = [
  'Zoë',
  'Siobhán',
  'Mateo',
  'Aigerim',
  'Chloé',
  'Dmitri',
  'Amara',
  'Bjørn',
  'Ngozi',
  'José',
  'Priya',
  'Łukasz',
  'Hana',
  'Renée',
  'Oluwaseun',
  'Mei-Ling',
  'Thảo',
  'Kai',
  'Ana María',
  'Jürgen',
  'Leilani',
  'Søren',
  'Fatima',
  'Yusuf',
  'Émile',
  'Noor',
  'Inês',
  'Kwame',
  'Saoirse',
  'Ravi',
  "D'Andre",
  'Mary Kate',
  'Grzegorz',
  'Tomás',
  'Ayşe',
  'Björn',
  'Nguyệt',
  'Seán',
  'Zuzanna',
  'Ólafur',
  'Dana',
];
const LAST_NAMES = [
  "O'Connor",
  'Nguyễn',
  'García-López',
  'Müller',
  'Kowalczyk',
  'Smith',
  'Oyelaran',
  "D'Souza",
  'van der Berg',
  'Ødegaard',
  'Tanaka',
  'Papadopoulos',
  'MacLeod',
  'Núñez',
  'Al-Farsi',
  'Lefèvre',
  'Chen',
  'Okafor',
  'St. John',
  'Björk',
  'Trần',
  'Ó Súilleabháin',
  'Łęcka',
  'Johnson',
  "O'Neil-Wright",
  'Hernández',
  'Kim',
  'Petrov',
  'Dubois',
  'Lê',
];
const PHONE_TYPES = ['Home', 'Office', 'Cell', 'Fax', 'Other', 'NotSet', 'Personal'];
/** Every spelling a person types into a PMS; the last four digits vary by tenant. */
const PHONE_FORMATS: Array<(last4: string) => string> = [
  (d) => `+1 (415) 555-${d}`,
  (d) => `415.555.${d}`,
  (d) => `(503) 555-${d}`,
  (d) => `514-555-${d}`,
  (d) => `1415555${d}`,
  (d) => `+1 604 555 ${d}`,
  (d) => `415-555-${d} ext. 12`,
  (d) => `+44 20 7946 ${d}`,
  (d) => ` 971 555 ${d} `,
];

const RENTALS: Json[] = [
  {
    Id: 7_100_417,
    Name: "O'Hara Court",
    StructureDescription: 'Brick walk-up, three storeys, coin laundry in the basement',
    NumberUnits: 24,
    IsActive: true,
    OperatingBankAccountId: 55_012,
    Reserve: 2500.75,
    Address: {
      AddressLine1: '2291 Folsom St',
      AddressLine2: '',
      City: 'San Francisco',
      State: 'CA',
      PostalCode: '94110',
      Country: 'UnitedStates',
    },
    YearBuilt: 1962,
    RentalType: 'Residential',
    RentalSubType: 'MultiFamily',
    RentalManager: {
      Id: 301,
      FirstName: 'Aoife',
      LastName: 'Ní Bhriain',
      IsCompany: false,
      Email: 'Aoife.NiBhriain@OHaraCourt.Example.com',
      PhoneNumbers: [
        { Number: '415.555.0199', Type: 'Office' },
        { Number: '+1 (415) 555-0101', Type: 'Cell' },
      ],
    },
  },
  {
    Id: 7_100_093,
    Name: 'Zoë Gardens',
    StructureDescription: 'Garden-style townhomes around a courtyard',
    NumberUnits: 13,
    IsActive: true,
    OperatingBankAccountId: 55_013,
    Reserve: 0,
    Address: {
      AddressLine1: '4410 SE Belmont St',
      AddressLine2: 'Leasing office',
      AddressLine3: '',
      City: 'Portland',
      State: 'OR',
      PostalCode: '97215-1732',
      Country: 'UnitedStates',
    },
    YearBuilt: 2004,
    RentalType: 'Residential',
    RentalSubType: 'CondoTownhome',
    RentalManager: {
      Id: 302,
      CompanyName: 'Nguyễn & Daughters Property Co.',
      IsCompany: true,
      Email: 'OFFICE@nguyen-daughters.example',
      PhoneNumbers: [],
    },
  },
  {
    Id: 7_100_250,
    Name: 'Résidence Saint-Urbain',
    StructureDescription: 'Triplex',
    NumberUnits: 3,
    IsActive: false,
    Address: {
      AddressLine1: '5120 Rue Saint-Urbain',
      City: 'Montréal',
      State: 'QC',
      PostalCode: 'H2T 2W8',
      Country: 'Canada',
    },
    YearBuilt: 1921,
    RentalType: 'Residential',
    RentalSubType: 'MultiFamily',
  },
  // Rentals of every other RentalType / RentalSubType the spec allows (without units of their own).
  ...(
    [
      ['Residential', 'SingleFamily'],
      ['Residential', undefined],
      ['Commercial', 'Industrial'],
      ['Commercial', 'Office'],
      ['Commercial', 'Retail'],
      ['Commercial', 'ShoppingCenter'],
      ['Commercial', 'Storage'],
      ['Commercial', 'ParkingSpace'],
      ['Commercial', undefined],
      ['None', undefined],
    ] as const
  ).map(([RentalType, RentalSubType], i): Json => ({
    Id: 7_100_600 + i * 31,
    Name: `${RentalSubType ?? RentalType} lot ${i + 1}`,
    NumberUnits: 0,
    IsActive: true,
    Address: {
      AddressLine1: `${10 + i} Harbor Rd`,
      City: 'Oakland',
      State: 'CA',
      PostalCode: '94607',
      Country: 'UnitedStates',
    },
    RentalType,
    ...(RentalSubType ? { RentalSubType } : {}),
  })),
];

const BEDROOMS = ['Studio', 'OneBed', 'TwoBed', 'ThreeBed', 'NotSet', 'FourBed'];
const BATHROOMS = ['OneBath', 'OnePointFiveBath', 'TwoBath', 'NotSet', 'TwoPointFiveBath'];

/** Two-decimal dollar amounts; the float nearest the literal, as JSON.parse would give it. */
const dollars = (whole: number, centsPart: number) => Math.round(whole * 100 + centsPart) / 100;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function buildUnits(): Json[] {
  const units: Json[] = [];
  let i = 0;
  for (const rental of RENTALS) {
    for (let u = 0; u < rental.NumberUnits; u++, i++) {
      const number =
        rental.Id === 7_100_250
          ? ['Rez-de-chaussée', '2e étage', '3e étage'][u]
          : `${100 * (1 + Math.floor(u / 8)) + (u % 8) + 1}`;
      const unit: Json = {
        Id: 8_200_000 + ((i * 7_919) % 100_000),
        PropertyId: rental.Id,
        UnitNumber: number,
        MarketRent: i % 9 === 4 ? null : dollars(1150 + ((i * 173) % 1900), (i * 37) % 100),
        Address: { ...rental.Address, AddressLine2: i % 5 === 2 ? '' : `Unit ${number}` },
        UnitBedrooms: i % 11 === 3 ? null : BEDROOMS[i % BEDROOMS.length],
        UnitBathrooms: i % 13 === 5 ? null : BATHROOMS[i % BATHROOMS.length],
        UnitSize: i % 7 === 2 ? null : 420 + ((i * 53) % 900),
        IsUnitListed: i % 6 === 0,
        IsUnitOccupied: i % 5 !== 0,
      };
      if (rental.Id === 7_100_417) unit.BuildingName = u % 2 === 0 ? 'North' : 'South';
      if (i % 4 === 1) unit.Description = 'Corner unit, "quiet" side — no street noise';
      units.push(unit);
    }
  }
  return units;
}

const TENANT_COUNT = 450;
const tenantId = (i: number) => 4_400_000 + ((i * 7_727) % 100_000);
const leaseId = (k: number) => 9_300_000 + ((k * 4_099) % 100_000);
/** Tenants (by index) that also appear on a second lease. */
const isTwoLeaseTenant = (i: number) => i % 15 === 7;
/** Tenants per lease, cycled. */
const LEASE_SIZES = [2, 1, 3, 2, 1, 2, 2, 3, 1, 2];

interface Link {
  tenant: number;
  status: 'MovedOut' | 'Current' | 'Future';
  moveIn: string | undefined;
}

function leaseStatus(k: number): 'Active' | 'Past' | 'Future' {
  const r = k % 10;
  return r < 5 ? 'Active' : r < 8 ? 'Past' : 'Future';
}
const LEASE_TYPES = ['Fixed', 'FixedWithRollover', 'AtWill', 'None'];

function buildDataset() {
  const units = buildUnits();
  // Who is on which lease: every tenant once in a scrambled order, then the two-lease tenants again.
  const order = Array.from({ length: TENANT_COUNT }, (_, i) => (i * 13) % TENANT_COUNT);
  const seconds = order.filter(isTwoLeaseTenant).reverse();
  const sequence = [...order, ...seconds];
  const leaseTenants: number[][] = [];
  for (let pos = 0, k = 0; pos < sequence.length; k++) {
    // One lease (a future one, k = 18) has nobody on it yet.
    const size = k === 18 ? 0 : LEASE_SIZES[k % LEASE_SIZES.length];
    const group = sequence.slice(pos, pos + size);
    if (new Set(group).size !== group.length) throw new Error(`foreign data: a tenant twice on lease #${k}`);
    leaseTenants.push(group);
    pos += size;
  }

  const leases: Json[] = leaseTenants.map((group, k) => {
    const status = leaseStatus(k);
    const type = LEASE_TYPES[k % LEASE_TYPES.length];
    const unit = k % 17 === 5 ? null : units[(k * 7) % units.length];
    const propertyId = unit ? unit.PropertyId : RENTALS[k % RENTALS.length].Id;
    const year = status === 'Past' ? 2019 + (k % 4) : status === 'Active' ? 2024 + (k % 2) : 2026;
    const month = 1 + ((k * 5) % 12);
    const from = `${year}-${pad(month)}-${pad(1 + (k % 28))}`;
    const to = type === 'AtWill' ? undefined : `${year + 1}-${pad(month)}-${pad(1 + (k % 28))}`;
    const linkStatus = status === 'Past' ? 'MovedOut' : status === 'Future' ? 'Future' : 'Current';
    const links: Link[] = group.map((tenant, j) => ({
      tenant,
      // An Active lease with three tenants has one who already left.
      status: status === 'Active' && group.length === 3 && j === 2 ? 'MovedOut' : linkStatus,
      moveIn: (k + j) % 6 === 0 ? undefined : from.slice(0, 8) + pad(1 + ((k + j * 3) % 28)),
    }));
    const lease: Json = {
      Id: leaseId(k),
      PropertyId: propertyId,
      LeaseFromDate: from,
      LeaseType: type,
      LeaseStatus: status,
      IsEvictionPending: k % 37 === 0,
      TermType: type === 'AtWill' ? 'MonthToMonth' : k % 29 === 0 ? 'Owner' : 'Standard',
      RenewalOfferStatus: k % 3 === 0 ? null : k % 3 === 1 ? 'NotStarted' : 'Renewed',
      AutomaticallyMoveOutTenants: k % 2 === 0,
      CreatedDateTime: `${year - 1}-${pad(1 + ((k * 7) % 12))}-${pad(1 + ((k * 11) % 28))}T${pad((k * 5) % 24)}:${pad((k * 13) % 60)}:07Z`,
      LastUpdatedDateTime: `2025-${pad(1 + (k % 12))}-${pad(1 + ((k * 3) % 28))}T08:15:${pad(k % 60)}.123Z`,
      PaymentDueDay: k % 8 === 3 ? 15 : 1,
      Tenants: links.map((l) =>
        l.moveIn === undefined
          ? { Id: tenantId(l.tenant), Status: l.status }
          : { Id: tenantId(l.tenant), Status: l.status, MoveInDate: l.moveIn },
      ),
    };
    if (to !== undefined) lease.LeaseToDate = to;
    if (unit) {
      lease.UnitId = unit.Id;
      lease.UnitNumber = unit.UnitNumber;
    }
    if (k !== 41) {
      // Lease #0 carries the textbook amount; #41 has no AccountDetails at all.
      const rent = k === 0 ? 1234.56 : k % 23 === 9 ? null : dollars(800 + ((k * 137) % 2400), (k * 61) % 100);
      const deposit = k % 5 === 0 ? 0 : k % 5 === 1 ? null : dollars(500 + ((k * 89) % 1500), (k * 29) % 100);
      lease.AccountDetails = { Rent: rent, SecurityDeposit: deposit };
    }
    if (status === 'Past') {
      lease.MoveOutData = links.map((l, j) =>
        j % 2 === 0
          ? {
              TenantId: tenantId(l.tenant),
              MoveOutDate: to ?? `${year + 1}-06-30`,
              NoticeGivenDate: `${year + 1}-${pad(Math.max(1, month - 1))}-01`,
            }
          : { TenantId: tenantId(l.tenant), MoveOutDate: to ?? `${year + 1}-06-30` },
      );
    }
    return lease;
  });

  // The lease each tenant lives on (their first), for their address.
  const homeLease = new Map<number, { lease: Json; unit: Json | undefined }>();
  leaseTenants.forEach((group, k) => {
    for (const t of group) {
      if (!homeLease.has(t)) homeLease.set(t, { lease: leases[k], unit: units.find((u) => u.Id === leases[k].UnitId) });
    }
  });

  const baseTenants: Json[] = Array.from({ length: TENANT_COUNT }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length];
    const last = LAST_NAMES[(i * 7) % LAST_NAMES.length];
    const ascii = (s: string) =>
      s
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/ł/gi, 'l')
        .replace(/[øØ]/g, 'o')
        .replace(/[^A-Za-z]/g, '');
    const tenant: Json = { Id: tenantId(i), LastName: last };
    // A few tenants are known by last name only.
    if (i % 97 !== 50) tenant.FirstName = first;
    if (i % 9 !== 4)
      tenant.Email =
        i % 2 === 0
          ? `${ascii(first)}.${ascii(last)}${i}@Mail.Example.COM`
          : `${ascii(last).toUpperCase()}_${i}@example.org`;
    if (i % 8 === 3) tenant.AlternateEmail = `Backup.${ascii(first)}${i}@Example.NET`;
    const last4 = pad(100 + ((i * 37) % 9_900), 4);
    const numbers = i % 5;
    if (i % 31 !== 0) {
      tenant.PhoneNumbers = Array.from({ length: numbers }, (_, p) => ({
        Number: PHONE_FORMATS[(i + p * 3) % PHONE_FORMATS.length](pad((Number(last4) + p) % 10_000, 4)),
        Type: PHONE_TYPES[(i + p) % PHONE_TYPES.length],
      }));
      // A blank entry first: the first *usable* number is the primary one.
      if (numbers === 4) tenant.PhoneNumbers[0] = { Number: '', Type: 'NotSet' };
    }
    tenant.CreatedDateTime = `20${pad(15 + ((i * 37) % 10))}-${pad(1 + ((i * 7) % 12))}-${pad(1 + ((i * 19) % 28))}T${pad((i * 3) % 24)}:${pad((i * 17) % 60)}:${pad((i * 23) % 60)}Z`;
    if (i === 3) tenant.DateOfBirth = '2000-02-29';
    else if (i % 4 !== 0) tenant.DateOfBirth = `${1950 + (i % 50)}-${pad(1 + (i % 12))}-${pad(1 + ((i * 5) % 28))}`;
    if (i % 6 === 1) tenant.SMSOptInStatus = null;
    else if (i % 6 === 2) tenant.SMSOptInStatus = 'OptedIn';
    const home = homeLease.get(i);
    if (!home) throw new Error(`foreign data: tenant #${i} is on no lease`);
    if (i % 19 !== 11) {
      const base = home.unit?.Address ?? RENTALS.find((r) => r.Id === home.lease.PropertyId)!.Address;
      tenant.Address = { ...base, AddressLine2: i % 3 === 0 ? '' : (base.AddressLine2 ?? '') };
    }
    if (i % 23 === 0)
      tenant.AlternateAddress = {
        AddressLine1: '88 Queen St W',
        AddressLine2: 'Suite 1400',
        City: 'Toronto',
        State: 'ON',
        PostalCode: 'M5H 2N2',
        Country: 'Canada',
      };
    if (i % 10 === 6) tenant.MailingPreference = 'PrimaryAddress';
    if (i % 12 === 5) tenant.Comment = `Prefers e-mail; dog named "Biscuit".\nKey #${i} with the concierge.`;
    return tenant;
  });

  // Embed each side in the other as the spec does: a lease's CurrentTenants are TenantMessages (without
  // their Leases), a tenant's Leases are LeaseMessages (without their CurrentTenants).
  const byTenantId = new Map(baseTenants.map((t) => [t.Id as number, t]));
  for (const lease of leases) {
    lease.CurrentTenants = lease.Tenants.filter((t: Json) => t.Status === 'Current').map((t: Json) => ({
      ...byTenantId.get(t.Id)!,
    }));
    lease.CurrentNumberOfOccupants = lease.CurrentTenants.length;
  }
  const tenants: Json[] = baseTenants.map((t) => {
    const own = leases
      .filter((l) => l.Tenants.some((x: Json) => x.Id === t.Id))
      .map(({ CurrentTenants: _omit, ...rest }) => rest);
    return { ...t, Leases: own };
  });
  // A tenant whose lease was deleted: on no lease, so Buildium names no property for it.
  tenants.push({
    Id: 4_399_001,
    FirstName: 'Wren',
    LastName: 'Ó Dálaigh',
    Email: 'wren@example.ie',
    PhoneNumbers: [],
    CreatedDateTime: '2019-04-01T10:00:00Z',
    Leases: [],
  });

  // Serve in an order that is neither id nor creation order (stable across pages).
  // A multiplicative hash of the id: no linear relation left between position, id and creation time.
  const scramble = <T extends Json>(list: T[], salt: number) =>
    [...list].sort(
      (a, b) => (Math.imul(a.Id ^ salt, 2_654_435_761) >>> 0) - (Math.imul(b.Id ^ salt, 2_654_435_761) >>> 0),
    );
  return {
    rentals: RENTALS,
    units: scramble(units, 11),
    leases: scramble(leases, 31),
    tenants: scramble(tenants, 53),
    ...buildRequestsAndLedgers(leases, tenants),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Resident requests, work orders and lease ledgers (buildium.md: service requests, charges, payments)
// ---------------------------------------------------------------------------------------------------------

const TASK_STATUSES = ['New', 'InProgress', 'Completed', 'Deferred', 'Closed'];
const PRIORITIES = ['Low', 'Normal', 'High'];
/** Every PaymentMethod the vendor file maps, and one it does not (None → OTHER). */
const PAYMENT_METHODS = [
  'Check',
  'Cash',
  'RetailCash',
  'MoneyOrder',
  'CashierCheck',
  'DirectDeposit',
  'CreditCard',
  'ElectronicPayment',
  'BuildiumEFT',
  'BuildiumCC',
  'None',
];
const GL = {
  rent: { Id: 71, AccountNumber: '4100', Name: 'Rent Income', Type: 'Income' },
  fees: { Id: 74, AccountNumber: '4400', Name: 'Late Fees', Type: 'Income' },
  utilities: { Id: 79, AccountNumber: '4900', Name: 'Utility Reimbursements', Type: 'Income' },
};
const transactionId = (n: number) => 61_000_000 + ((n * 7_919) % 1_000_000);

function buildRequestsAndLedgers(leases: Json[], tenants: Json[]) {
  const withUnit = leases.filter((l) => l.UnitId !== undefined && l.Tenants.length > 0);
  const tenantOf = new Map(tenants.map((t) => [t.Id as number, t]));
  const tasks: Json[] = [];
  const workOrders: Json[] = [];
  for (let k = 0; k < 40; k++) {
    const lease = withUnit[(k * 11) % withUnit.length];
    const requester = tenantOf.get(lease.Tenants[k % lease.Tenants.length].Id)!;
    const status = TASK_STATUSES[(k * 3) % 5];
    const task: Json = {
      Id: 880_000 + ((k * 613) % 10_000),
      Title: ['Leaking faucet – kitchen', 'Heat not working', 'Broken blind', "Door won't latch", 'Mold in bathroom'][
        k % 5
      ],
      Description: k % 6 === 0 ? '' : `Reported by phone.\nUnit entry: ${k % 2 ? 'any time' : 'call first'}.`,
      Property: {
        Id: lease.PropertyId,
        Type: 'Rental',
        Href: `https://api.buildium.com/v1/rentals/${lease.PropertyId}`,
      },
      UnitId: lease.UnitId,
      UnitAgreement: { Id: lease.Id, Type: 'Lease', Href: `https://api.buildium.com/v1/leases/${lease.Id}` },
      RequestedByUserEntity: {
        Type: 'RentalTenant',
        Id: requester.Id,
        FirstName: requester.FirstName ?? '',
        LastName: requester.LastName,
        IsCompany: false,
      },
      TaskStatus: status,
      Priority: PRIORITIES[k % 3],
      CreatedDateTime: `2025-${pad(1 + (k % 12))}-${pad(1 + ((k * 7) % 28))}T${pad((k * 5) % 24)}:${pad((k * 11) % 60)}:00Z`,
      // Several requests change on the same day at different times: a date filter must take the whole day.
      LastUpdatedDateTime: `2025-12-${pad(1 + (k % 9))}T${pad((k * 7) % 24)}:${pad((k * 13) % 60)}:${pad(k % 60)}Z`,
      IsEntryPermittedByResident: k % 3 === 0,
      DoesResidentHavePets: k % 4 === 1,
    };
    if (k % 4 !== 2) task.Category = { Id: 3 + (k % 4), Name: ['Plumbing', 'HVAC', 'Windows', 'Doors'][k % 4] };
    if (k % 8 === 1) task.Category.SubCategory = { Id: 90 + k, Name: 'Urgent' };
    if (k % 5 !== 4) task.AssignedToUserId = 3_100 + (k % 6);
    if (k % 3 !== 1) task.DueDate = `2026-01-${pad(1 + (k % 28))}`;
    if (k % 7 === 3) task.ResidentEntryNotes = 'Dog is friendly; ring twice.';
    tasks.push(task);
    // Work orders with a vendor on most requests past New, one request with two.
    if (status !== 'New' && k % 4 !== 3)
      for (let w = 0; w < (k === 6 ? 2 : 1); w++)
        workOrders.push({
          Id: 540_000 + k * 10 + w,
          Task: {
            Id: task.Id,
            Type: 'ResidentRequest',
            UnitId: task.UnitId,
            UnitAgreement: task.UnitAgreement,
            Title: task.Title,
            Priority: task.Priority,
            Status: task.TaskStatus,
          },
          Title: task.Title,
          Priority: task.Priority,
          Status: task.TaskStatus,
          WorkDetails: `Vendor visit ${w + 1}`,
          InvoiceNumber: status === 'Completed' ? `V-${k}${w}` : '',
          EntryAllowed: k % 3 === 0 ? 'Yes' : k % 3 === 1 ? 'No' : 'Unknown',
          VendorId: 12_000 + (k % 5),
          VendorNotes: w === 0 ? 'Bring the long ladder.' : 'Second visit: parts arrived.',
          EntryContacts: [],
          Amount: dollars(150 + k, (k * 17) % 100),
          LineItems: [],
        });
  }

  const transactions: Json[] = [];
  let n = 0;
  const add = (
    lease: Json,
    type: string,
    date: string,
    memo: string,
    lines: Array<[Json, number]>,
    extra: Json = {},
  ) => {
    const totalCents = lines.reduce((sum, [, cents]) => sum + cents, 0);
    transactions.push({
      Id: transactionId(++n),
      Date: date,
      TransactionType: type,
      TransactionTypeEnum: type,
      TotalAmount: totalCents / 100,
      LeaseId: lease.Id,
      ...extra,
      Journal: {
        Memo: memo,
        Lines: lines.map(([gl, cents]) => ({
          GLAccount: gl,
          Amount: cents / 100,
          IsCashPosting: type !== 'Charge',
          PropertyId: lease.PropertyId,
          ...(lease.UnitId === undefined ? {} : { UnitId: lease.UnitId }),
        })),
      },
    });
  };
  leases.forEach((lease, k) => {
    // Only some ledgers, so paging over many leases meets empty ones; lease #0 keeps the textbook amount.
    if (lease.LeaseStatus === 'Future' || k % 3 === 2) return;
    const rent = Math.round((lease.AccountDetails?.Rent ?? 999.99) * 100);
    const payer = lease.Tenants[0]?.Id;
    const [y, m] = lease.LeaseFromDate.split('-').map(Number);
    for (let i = 0; i < 12; i++) {
      const month = `${y + Math.floor((m - 1 + i) / 12)}-${pad(((m - 1 + i) % 12) + 1)}`;
      add(lease, 'Charge', `${month}-01`, `Rent ${month}`, [[GL.rent, rent]]);
      const method = PAYMENT_METHODS[(k + i) % PAYMENT_METHODS.length];
      const pay = {
        PaymentMethod: method,
        PayeeTenantId: payer,
        ...(method === 'Check' ? { CheckNumber: String(1000 + k * 12 + i) } : {}),
      };
      const type = method === 'BuildiumEFT' ? 'ElectronicFundsTransfer' : 'Payment';
      if (k % 5 === 1 && i % 2 === 1) {
        // Partial: a third now (rounded to the cent), the rest a week later.
        const part = Math.round(rent / 3);
        add(lease, type, `${month}-03`, 'Partial', [[GL.rent, part]], pay);
        add(lease, type, `${month}-10`, 'Rest', [[GL.rent, rent - part]], pay);
      } else add(lease, type, `${month}-0${1 + (i % 5)}`, '', [[GL.rent, rent]], pay);
      if (k % 11 === 4 && i === 5)
        add(lease, 'ReversePayment', `${month}-12`, 'Returned: insufficient funds', [[GL.rent, rent]], pay);
    }
    if (k % 4 === 0) {
      add(lease, 'Charge', `${y}-${pad(m)}-15`, 'Water/sewer', [
        [GL.utilities, 10],
        [GL.utilities, 20],
        [GL.fees, 70],
      ]);
      add(
        lease,
        'Payment',
        `${y}-${pad(m)}-16`,
        '',
        [
          [GL.utilities, 30],
          [GL.fees, 70],
        ],
        {
          PaymentMethod: 'CreditCard',
          PayeeTenantId: payer,
        },
      );
    }
    if (k === 3) add(lease, 'Charge', `${y}-${pad(m)}-20`, 'Settlement', [[GL.fees, 987_654_321_99]]);
  });
  // Served newest first (not the order of ids or of creation): a reader must not assume any order.
  transactions.sort((a, b) => (a.Date === b.Date ? b.Id - a.Id : a.Date < b.Date ? 1 : -1));
  return { tasks, workOrders, transactions };
}

// ---------------------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------------------

function apiError(message: string, code: string, errors: Array<{ Key: string; Value: string }> = []) {
  return { UserMessage: message, ErrorCode: code, Errors: errors };
}

/** A non-negative integer query value, undefined when absent, NaN when malformed. */
function intParam(value: string | null): number | undefined {
  if (value === null) return undefined;
  return /^\d+$/.test(value) ? Number(value) : NaN;
}

// ---------------------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------------------

/** The Post and Put message of each writable resource (buildium-openapi.json). */
const MESSAGES: Record<string, { post: string; put: string }> = {
  '/v1/leases/tenants': { post: 'RentalTenantPostMessage', put: 'RentalTenantPutMessage' },
  '/v1/leases': { post: 'LeasePostMessage', put: 'LeasePutMessage' },
  '/v1/rentals': { post: 'RentalPropertyPostMessage', put: 'RentalPropertyPutMessage' },
  '/v1/rentals/units': { post: 'RentalUnitsPostMessage', put: 'RentalUnitPutMessage' },
};
/** Limits the spec states in its descriptions rather than as keywords, by field path ([] = any item). */
const TEXT_LIMITS: Array<[RegExp, number, number]> = [
  [/^(Tenants\[\]\.)?(FirstName|LastName)$/, 1, 127],
  [/^Name$/, 1, 127],
  [/^(Units\[\]\.)?UnitNumber$/, 1, 30],
  [/(^|\.)PhoneNumbers\.(Home|Work|Mobile|Fax)$/, 10, 20],
];
/** PhoneNumbersMessage slot -> PhoneNumberMessage.Type as the tenant is read (the read enum has Office, not Work). */
const PHONE_TYPE_OF_SLOT: Record<string, string> = { Home: 'Home', Work: 'Office', Mobile: 'Cell', Fax: 'Fax' };
const RESIDENTIAL = ['CondoTownhome', 'MultiFamily', 'SingleFamily'];

type FieldErrors = Array<{ Key: string; Value: string }>;

/** The spec's 400: every schema error as `Errors[{Key, Value}]`, Key the field's dotted path. */
function messageErrors(schema: string, body: unknown): FieldErrors {
  const validate = openapiValidator('buildium-openapi.json', schema, { closed: true });
  const errors: FieldErrors = [];
  if (!validate(body))
    for (const e of validate.errors ?? []) {
      const at = e.instancePath
        .split('/')
        .filter(Boolean)
        .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '');
      const field = (e.params as Json).missingProperty ?? (e.params as Json).additionalProperty;
      const key = field ? (at ? `${at}.${field}` : String(field)) : at;
      if (e.keyword === 'allOf' || errors.some((x) => x.Key === key)) continue;
      errors.push({
        Key: key,
        Value: e.keyword === 'additionalProperties' ? 'is not a field of this message' : `${e.message}`,
      });
    }
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      const limit = TEXT_LIMITS.find(([pattern]) => pattern.test(path.replace(/\[\d+\]/g, '[]')));
      if (limit && (value.trim().length < limit[1] || value.length > limit[2]))
        errors.push({ Key: path, Value: `must be ${limit[1]} to ${limit[2]} characters` });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(body, '');
  return errors;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function leaseStatusOn(from: string, to: string | undefined): 'Active' | 'Past' | 'Future' {
  if (from > today()) return 'Future';
  return to !== undefined && to < today() ? 'Past' : 'Active';
}

/** Sets what a message gives and removes what it leaves out (a PUT: "set to either an empty string or null"). */
function replaceFields(record: Json, schema: string, message: Json): void {
  const fields = Object.keys(referenceDocument('buildium-openapi.json').components.schemas[schema].properties);
  for (const field of fields) {
    if (message[field] === undefined || message[field] === null) delete record[field];
    else record[field] = structuredClone(message[field]);
  }
}

/** The writes of one server's data: each returns [status, body]. */
class ForeignWrites {
  private nextId = 5_000_001;

  constructor(private readonly data: ReturnType<typeof buildDataset>) {}

  write(base: string, id: number | undefined, body: Json): [number, unknown] {
    const records = this.collection(base);
    const current = id === undefined ? undefined : records.find((r) => r.Id === id);
    if (id !== undefined && !current) return [404, apiError('Resource not found.', 'NotFound')];
    const unusable = this.unknownIds(base, body, current);
    if (unusable.length > 0)
      return [422, apiError('The request could not be completed.', 'UnprocessableEntity', unusable)];
    const record = current ?? { Id: this.nextId++ };
    const put = current !== undefined;
    switch (base) {
      case '/v1/leases/tenants':
        this.writeTenant(record, body, put);
        break;
      case '/v1/leases':
        this.writeLease(record, body, put);
        break;
      case '/v1/rentals':
        this.writeRental(record, body, put);
        break;
      default:
        this.writeUnit(record, body, put);
    }
    if (!put) records.push(record);
    this.reembed();
    return [put ? 200 : 201, records.find((r) => r.Id === record.Id)];
  }

  private collection(base: string): Json[] {
    const name = ({ '/v1/leases/tenants': 'tenants', '/v1/leases': 'leases', '/v1/rentals': 'rentals' } as const)[
      base as '/v1/leases'
    ];
    return this.data[name ?? 'units'];
  }

  /** 422: ids the message names that this server does not have, or a lease over another on its unit. */
  private unknownIds(base: string, body: Json, current: Json | undefined): FieldErrors {
    const errors: FieldErrors = [];
    const need = (key: string, list: Json[], id: number | undefined) => {
      if (id !== undefined && !list.some((r) => r.Id === id)) errors.push({ Key: key, Value: `${id} does not exist` });
    };
    if (base === '/v1/leases/tenants' && !current) need('LeaseId', this.data.leases, body.LeaseId);
    if (base === '/v1/rentals/units' && !current) need('PropertyId', this.data.rentals, body.PropertyId);
    if (base === '/v1/leases') {
      need('UnitId', this.data.units, body.UnitId);
      (body.TenantIds ?? []).forEach((t: number, i: number) => need(`TenantIds[${i}]`, this.data.tenants, t));
      const end = (to: string | undefined) => to ?? '9999-12-31';
      const clash =
        !current &&
        this.data.leases.some(
          (l) =>
            l.UnitId === body.UnitId &&
            l.LeaseFromDate <= end(body.LeaseToDate) &&
            body.LeaseFromDate <= end(l.LeaseToDate),
        );
      if (clash) errors.push({ Key: 'LeaseFromDate', Value: 'The lease overlaps another lease of the unit' });
    }
    return errors;
  }

  private writeTenant(record: Json, body: Json, put: boolean): void {
    const { LeaseId, PhoneNumbers, ...rest } = body;
    replaceFields(record, 'RentalTenantPutMessage', rest);
    record.PhoneNumbers = Object.entries(PHONE_TYPE_OF_SLOT)
      .filter(([slot]) => typeof PhoneNumbers?.[slot] === 'string')
      .map(([slot, Type]) => ({ Number: PhoneNumbers[slot], Type }));
    if (put) return;
    record.CreatedDateTime = new Date().toISOString();
    const lease = this.data.leases.find((l) => l.Id === LeaseId)!;
    lease.Tenants.push({ Id: record.Id, Status: lease.LeaseStatus === 'Future' ? 'Future' : 'Current' });
    lease.LastUpdatedDateTime = new Date().toISOString();
  }

  private writeLease(record: Json, body: Json, put: boolean): void {
    const unit = this.data.units.find((u) => u.Id === body.UnitId)!;
    replaceFields(record, 'LeasePutMessage', { ...body, IsEvictionPending: body.IsEvictionPending ?? false });
    Object.assign(record, {
      PropertyId: unit.PropertyId,
      UnitNumber: unit.UnitNumber,
      LeaseStatus: leaseStatusOn(body.LeaseFromDate, body.LeaseToDate),
      TermType: body.LeaseType === 'AtWill' ? 'MonthToMonth' : 'Standard',
      LastUpdatedDateTime: new Date().toISOString(),
    });
    if (put) return;
    const status = record.LeaseStatus === 'Future' ? 'Future' : record.LeaseStatus === 'Past' ? 'MovedOut' : 'Current';
    const charges: Json[] = body.Rent?.Charges ?? [];
    Object.assign(record, {
      CreatedDateTime: new Date().toISOString(),
      RenewalOfferStatus: 'NotSet',
      AccountDetails: {
        Rent: Math.round(charges.reduce((sum, c) => sum + c.Amount * 100, 0)) / 100,
        SecurityDeposit: body.SecurityDeposit?.Amount ?? 0,
      },
      Tenants: (body.TenantIds ?? []).map((Id: number) => ({ Id, Status: status, MoveInDate: body.LeaseFromDate })),
    });
    this.data.leases.push(record);
    for (const tenant of body.Tenants ?? [])
      this.write('/v1/leases/tenants', undefined, { ...tenant, LeaseId: record.Id });
    this.data.leases.pop();
  }

  private writeRental(record: Json, body: Json, put: boolean): void {
    const { Units, RentalOwnerIds: _owners, PropertyManagerId, ...rest } = body;
    replaceFields(record, 'RentalPropertyPutMessage', rest);
    record.RentalType = RESIDENTIAL.includes(body.RentalSubType) ? 'Residential' : 'Commercial';
    if (PropertyManagerId === undefined) delete record.RentalManager;
    else if (record.RentalManager?.Id !== PropertyManagerId) record.RentalManager = { Id: PropertyManagerId };
    if (put) return;
    record.IsActive = true;
    record.NumberUnits = 0;
    this.data.rentals.push(record);
    // No Units[]: one unit for the whole property (spec: "a default unit will be created").
    for (const unit of Units ?? [{ UnitNumber: record.Name.slice(0, 30), Address: body.Address }])
      this.write('/v1/rentals/units', undefined, { ...unit, PropertyId: record.Id });
    this.data.rentals.pop();
  }

  private writeUnit(record: Json, body: Json, put: boolean): void {
    const { PropertyId, ...rest } = body;
    replaceFields(record, 'RentalUnitPutMessage', rest);
    if (put) return;
    Object.assign(record, { PropertyId, IsUnitListed: false, IsUnitOccupied: false });
    const rental = this.data.rentals.find((r) => r.Id === PropertyId);
    if (rental) rental.NumberUnits = (rental.NumberUnits ?? 0) + 1;
  }

  /** Each side embedded in the other again, as the reads serve them (see buildDataset). */
  private reembed(): void {
    const tenants = new Map(this.data.tenants.map((t) => [t.Id as number, t]));
    for (const lease of this.data.leases) {
      lease.CurrentTenants = lease.Tenants.filter((t: Json) => t.Status === 'Current')
        .map((t: Json) => tenants.get(t.Id))
        .filter(Boolean)
        .map(({ Leases: _omit, ...t }: Json) => t);
      lease.CurrentNumberOfOccupants = lease.CurrentTenants.length;
    }
    for (const tenant of this.data.tenants)
      tenant.Leases = this.data.leases
        .filter((l) => l.Tenants.some((x: Json) => x.Id === tenant.Id))
        .map(({ CurrentTenants: _omit, ...rest }) => structuredClone(rest));
  }
}

/**
 * GET of resident requests, work orders and a lease's transactions: [status, body, X-Total-Count], or null when
 * the path is none of them. Requests filter by `lastupdatedfrom/to` as dates (a date-time is a 400: buildium.md),
 * `statuses` and `unitagreementid`; work orders by `type` and `taskids`; a ledger by repeated `transactiontypes`
 * and `transactiondatefrom/to` (no last-updated filter: the parameter is ignored).
 */
function readRequestsAndLedgers(
  method: string,
  url: URL,
  data: ReturnType<typeof buildDataset>,
): [number, unknown, number?] | null {
  const pathname = url.pathname.replace(/\/+$/, '');
  const task = /^\/v1\/tasks\/residentrequests(?:\/(\d+))?$/.exec(pathname);
  const order = /^\/v1\/workorders(?:\/(\d+))?$/.exec(pathname);
  const ledger = /^\/v1\/leases\/(\d+)\/transactions(?:\/(\d+))?$/.exec(pathname);
  const match = task ?? order ?? ledger;
  if (!match) return null;
  if (method !== 'GET') return [405, apiError('Method not allowed.', 'MethodNotAllowed')];
  const params = url.searchParams;
  const invalid: FieldErrors = [];
  const day = (name: string) => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) invalid.push({ Key: name, Value: 'must be a date (yyyy-MM-dd)' });
    return raw;
  };
  const many = (name: string) => params.getAll(name);
  let records: Json[];
  let cap: number;
  if (ledger) {
    const lease = data.leases.find((l) => l.Id === Number(ledger[1]));
    if (!lease) return [404, apiError('Lease not found.', 'NotFound')];
    records = data.transactions.filter((t) => t.LeaseId === lease.Id);
    if (ledger[2] !== undefined) {
      const one = records.find((t) => t.Id === Number(ledger[2]));
      return one ? [200, one] : [404, apiError('Transaction not found.', 'NotFound')];
    }
    const [from, to, types] = [day('transactiondatefrom'), day('transactiondateto'), many('transactiontypes')];
    records = records.filter(
      (t) =>
        (types.length === 0 || types.includes(t.TransactionTypeEnum)) &&
        (from === undefined || t.Date >= from) &&
        (to === undefined || t.Date <= to),
    );
    cap = PAGE_CAP['/v1/leases/{leaseId}/transactions'];
  } else if (task) {
    if (task[1] !== undefined) {
      const one = data.tasks.find((t) => t.Id === Number(task[1]));
      return one ? [200, one] : [404, apiError('Resident request not found.', 'NotFound')];
    }
    const [from, to, statuses] = [day('lastupdatedfrom'), day('lastupdatedto'), many('statuses')];
    const lease = intParam(params.get('unitagreementid'));
    records = data.tasks.filter(
      (t) =>
        (from === undefined || t.LastUpdatedDateTime.slice(0, 10) >= from) &&
        (to === undefined || t.LastUpdatedDateTime.slice(0, 10) <= to) &&
        (statuses.length === 0 || statuses.includes(t.TaskStatus)) &&
        (lease === undefined || t.UnitAgreement.Id === lease),
    );
    cap = PAGE_CAP['/v1/tasks/residentrequests'];
  } else {
    if (order![1] !== undefined) {
      const one = data.workOrders.find((w) => w.Id === Number(order![1]));
      return one ? [200, one] : [404, apiError('Work order not found.', 'NotFound')];
    }
    const type = params.get('type');
    const taskIds = many('taskids').map(Number);
    records = data.workOrders.filter(
      (w) => (type === null || w.Task.Type === type) && (taskIds.length === 0 || taskIds.includes(w.Task.Id)),
    );
    cap = PAGE_CAP['/v1/workorders'];
  }
  const offset = intParam(params.get('offset')) ?? 0;
  const limit = intParam(params.get('limit')) ?? 50;
  if (Number.isNaN(offset)) invalid.push({ Key: 'offset', Value: 'must be a non-negative integer' });
  if (Number.isNaN(limit) || limit < 1 || limit > MAX_LIMIT)
    invalid.push({ Key: 'limit', Value: `must be an integer from 1 to ${MAX_LIMIT}` });
  if (invalid.length > 0) return [400, apiError('The request has invalid parameters.', 'ValidationError', invalid)];
  return [200, records.slice(offset, offset + Math.min(limit, cap)), records.length];
}

// ---------------------------------------------------------------------------------------------------------
// Writes of resident requests and lease ledgers (buildium.md: service requests, resident charges and payments)
// ---------------------------------------------------------------------------------------------------------

/** This server's task categories: the ones its data uses (ids 3 to 6). */
const CATEGORY_NAMES: Record<number, string> = { 3: 'Plumbing', 4: 'HVAC', 5: 'Windows', 6: 'Doors' };
const GL_BY_ID = new Map(Object.values(GL).map((gl) => [gl.Id, gl]));

/** An amount the ledger takes: positive, with at most two decimals as written. */
const badAmount = (amount: unknown) =>
  typeof amount !== 'number' || !(amount > 0) || !/^\d+(\.\d{1,2})?$/.test(String(amount));

/**
 * POST /v1/tasks/residentrequests, PUT /v1/tasks/residentrequests/{id}, POST /v1/leases/{leaseId}/charges,
 * POST /v1/leases/{leaseId}/payments, POST /v1/workorders and PUT /v1/workorders/{id}: [status, body], or null when
 * the request is none of them. Bodies are the
 * spec's messages, closed; this server's own choices: a ledger posting needs at least one line, amounts positive
 * with at most two decimals, GL accounts of its chart only; a request's requester must be on its lease.
 */
function writeRequestsAndLedgers(
  method: string,
  pathname: string,
  text: string,
  contentType: string,
  data: ReturnType<typeof buildDataset>,
  nextId: () => number,
): [number, unknown] | null {
  const task = /^\/v1\/tasks\/residentrequests(?:\/(\d+))?$/.exec(pathname);
  const posting = /^\/v1\/leases\/(\d+)\/(charges|payments)$/.exec(pathname);
  const order = /^\/v1\/workorders(?:\/(\d+))?$/.exec(pathname);
  if (order && method !== 'GET') return writeWorkOrder(method, order[1], text, contentType, data, nextId);
  if ((!task || method === 'GET') && !posting) return null;
  if (posting ? method !== 'POST' : (method === 'POST') !== (task![1] === undefined) || method === 'DELETE')
    return [405, apiError('Method not allowed.', 'MethodNotAllowed')];
  const read = jsonBody(contentType, text);
  if ('refused' in read) return read.refused;
  const body = read.body;
  const schema = posting
    ? posting[2] === 'charges'
      ? 'LeaseChargePostMessage'
      : 'LeaseLedgerPaymentPostMessage'
    : method === 'POST'
      ? 'ResidentRequestTaskPostMessage'
      : 'ResidentRequestTaskPutMessage';
  const invalid = messageErrors(schema, body);
  if (posting) {
    const lines: Json[] = Array.isArray(body.Lines) ? body.Lines : [];
    if (lines.length === 0) invalid.push({ Key: 'Lines', Value: 'at least one line is required' });
    lines.forEach((l, i) => {
      if (badAmount(l?.Amount)) invalid.push({ Key: `Lines[${i}].Amount`, Value: 'must be positive, in cents' });
    });
  }
  if (invalid.length > 0) return [400, apiError('The request has validation errors.', 'ValidationError', invalid)];
  const now = new Date().toISOString();
  if (posting) {
    const lease = data.leases.find((l) => l.Id === Number(posting[1]));
    if (!lease) return [404, apiError('Lease not found.', 'NotFound')];
    const lines: Json[] = body.Lines;
    const unknown = lines.flatMap((l, i) =>
      GL_BY_ID.has(l.GLAccountId) ? [] : [{ Key: `Lines[${i}].GLAccountId`, Value: `${l.GLAccountId} does not exist` }],
    );
    if (body.PayeeUserId !== undefined && !lease.Tenants.some((t: Json) => t.Id === body.PayeeUserId))
      unknown.push({ Key: 'PayeeUserId', Value: 'is not a tenant of the lease' });
    if (unknown.length > 0)
      return [422, apiError('The request could not be completed.', 'UnprocessableEntity', unknown)];
    const charge = posting[2] === 'charges';
    const totalCents = lines.reduce((sum, l) => sum + Math.round(l.Amount * 100), 0);
    const type = charge ? 'Charge' : 'Payment';
    const record: Json = {
      Id: nextId(),
      Date: body.Date ?? now.slice(0, 10),
      TransactionType: type,
      TransactionTypeEnum: type,
      TotalAmount: totalCents / 100,
      LeaseId: lease.Id,
      ...(charge
        ? {}
        : {
            PaymentMethod: body.PaymentMethod,
            ...(body.PayeeUserId === undefined ? {} : { PayeeTenantId: body.PayeeUserId }),
            ...(body.PaymentMethod === 'Check' && body.ReferenceNumber ? { CheckNumber: body.ReferenceNumber } : {}),
          }),
      Journal: {
        Memo: body.Memo ?? '',
        Lines: lines.map((l) => ({
          GLAccount: GL_BY_ID.get(l.GLAccountId),
          Amount: l.Amount,
          IsCashPosting: !charge,
          ...((l.ReferenceNumber ?? body.ReferenceNumber)
            ? { ReferenceNumber: l.ReferenceNumber ?? body.ReferenceNumber }
            : {}),
          PropertyId: lease.PropertyId,
          ...(lease.UnitId === undefined ? {} : { UnitId: lease.UnitId }),
        })),
      },
    };
    data.transactions.unshift(record); // newest first, as this server serves ledgers
    return [201, charge ? [record] : record];
  }
  const category = (id: number | undefined, sub: number | undefined): Json | undefined =>
    id === undefined
      ? undefined
      : { Id: id, Name: CATEGORY_NAMES[id], ...(sub === undefined ? {} : { SubCategory: { Id: sub, Name: 'Other' } }) };
  if (body.CategoryId !== undefined && !CATEGORY_NAMES[body.CategoryId])
    return [
      422,
      apiError('The request could not be completed.', 'UnprocessableEntity', [
        { Key: 'CategoryId', Value: 'does not exist' },
      ]),
    ];
  if (method === 'PUT') {
    const current = data.tasks.find((t) => t.Id === Number(task![1]));
    if (!current) return [404, apiError('Resident request not found.', 'NotFound')];
    // A full replace of what the Put message names; Message is an update note, not a field of the task.
    for (const [field, value] of Object.entries({
      Title: body.Title,
      Category: category(body.CategoryId, body.SubCategoryId),
      AssignedToUserId: body.AssignedToUserId,
      TaskStatus: body.TaskStatus,
      Priority: body.Priority,
      DueDate: body.DueDate,
    }))
      if (value === undefined) delete current[field];
      else current[field] = value;
    current.LastUpdatedDateTime = now;
    return [200, current];
  }
  const lease = data.leases.find((l) => l.Id === body.UnitAgreementId);
  const requester = data.tenants.find((t) => t.Id === body.RequestedByEntityId);
  if (!lease || !requester || !lease.Tenants.some((t: Json) => t.Id === requester.Id))
    return [
      422,
      apiError('The request could not be completed.', 'UnprocessableEntity', [
        { Key: lease ? 'RequestedByEntityId' : 'UnitAgreementId', Value: 'does not exist on the lease' },
      ]),
    ];
  const created: Json = {
    Id: nextId(),
    Title: body.Title,
    Description: body.Description ?? '',
    Property: { Id: lease.PropertyId, Type: 'Rental', Href: `https://api.buildium.com/v1/rentals/${lease.PropertyId}` },
    ...(lease.UnitId === undefined ? {} : { UnitId: lease.UnitId }),
    UnitAgreement: { Id: lease.Id, Type: 'Lease', Href: `https://api.buildium.com/v1/leases/${lease.Id}` },
    RequestedByUserEntity: {
      Type: 'RentalTenant',
      Id: requester.Id,
      FirstName: requester.FirstName ?? '',
      LastName: requester.LastName,
      IsCompany: false,
    },
    TaskStatus: body.TaskStatus,
    Priority: body.Priority,
    CreatedDateTime: now,
    LastUpdatedDateTime: now,
  };
  for (const [field, value] of Object.entries({
    Category: category(body.CategoryId, body.SubCategoryId),
    AssignedToUserId: body.AssignedToUserId,
    DueDate: body.DueDate,
    IsEntryPermittedByResident: body.IsEntryPermittedByResident,
    DoesResidentHavePets: body.DoesResidentHavePets,
    ResidentEntryNotes: body.ResidentEntryNotes,
  }))
    if (value !== undefined) created[field] = value;
  data.tasks.push(created);
  return [201, created];
}

/** A write's JSON body, or the answer refusing it: 415 without a JSON content type, 400 when it does not parse. */
function jsonBody(contentType: string, text: string): { body: Json } | { refused: [number, unknown] } {
  if (!/^application\/json\b/i.test(contentType))
    return { refused: [415, apiError('The request content type must be application/json.', 'UnsupportedMediaType')] };
  try {
    return { body: JSON.parse(text) as Json };
  } catch {
    return { refused: [400, apiError('The request body could not be read.', 'ValidationError')] };
  }
}

/** This server's vendors: the ones its work orders name. */
const VENDOR_IDS = new Set([12_000, 12_001, 12_002, 12_003, 12_004]);

/**
 * POST /v1/workorders (WorkOrderPostMessage) and PUT /v1/workorders/{id} (WorkOrderPutMessage, a full replace):
 * [status, body]. The spec's closed messages; this server's own choices: a new work order links to an existing
 * resident request by `TaskId` (a `Task` to create with it is not served: 422), the vendor must be one of its
 * vendors (422), and a work order is answered as GET /v1/workorders serves it.
 */
function writeWorkOrder(
  method: string,
  id: string | undefined,
  text: string,
  contentType: string,
  data: ReturnType<typeof buildDataset>,
  nextId: () => number,
): [number, unknown] {
  if (method !== (id === undefined ? 'POST' : 'PUT')) return [405, apiError('Method not allowed.', 'MethodNotAllowed')];
  const read = jsonBody(contentType, text);
  if ('refused' in read) return read.refused;
  const body = read.body;
  const invalid = messageErrors(method === 'POST' ? 'WorkOrderPostMessage' : 'WorkOrderPutMessage', body);
  if (invalid.length > 0) return [400, apiError('The request has validation errors.', 'ValidationError', invalid)];
  const current = id === undefined ? undefined : data.workOrders.find((w) => w.Id === Number(id));
  if (id !== undefined && !current) return [404, apiError('Work order not found.', 'NotFound')];
  const linked = current
    ? data.tasks.find((t) => t.Id === current.Task.Id)
    : data.tasks.find((t) => t.Id === body.TaskId);
  const unusable: FieldErrors = [];
  if (!VENDOR_IDS.has(body.VendorId)) unusable.push({ Key: 'VendorId', Value: 'does not exist' });
  if (!current && !linked) unusable.push({ Key: 'TaskId', Value: 'is not a resident request of this account' });
  if (unusable.length > 0)
    return [422, apiError('The request could not be completed.', 'UnprocessableEntity', unusable)];
  const record: Json = current ?? { Id: nextId() };
  const { TaskId: _taskId, EntryContactId, EntryContactIds, LineItems, ...values } = body;
  replaceFields(record, 'WorkOrderPutMessage', values);
  const contacts: number[] = [...(EntryContactId === undefined ? [] : [EntryContactId]), ...(EntryContactIds ?? [])];
  const lines: Json[] = LineItems ?? [];
  Object.assign(record, {
    Task: {
      Id: linked!.Id,
      Type: 'ResidentRequest',
      UnitId: linked!.UnitId,
      UnitAgreement: linked!.UnitAgreement,
      Title: linked!.Title,
      Priority: linked!.Priority,
      Status: linked!.TaskStatus,
    },
    Title: linked!.Title,
    Priority: linked!.Priority,
    Status: linked!.TaskStatus,
    EntryContacts: contacts.map((c) => ({ Id: c, Resources: [] })),
    LineItems: lines,
    Amount: lines.reduce((sum, l) => sum + Math.round(l.Quantity * l.UnitPrice * 100), 0) / 100,
  });
  delete record.EntryContactId;
  delete record.EntryContactIds;
  if (!current) data.workOrders.push(record);
  return [current ? 200 : 201, record];
}

export async function startForeignBuildiumServer(): Promise<ForeignBuildiumServer> {
  const data = buildDataset();
  const endpoints: Record<string, Json[]> = {
    '/v1/rentals': data.rentals,
    '/v1/rentals/units': data.units,
    '/v1/leases': data.leases,
    '/v1/leases/tenants': data.tenants,
  };
  const log: ForeignRequestLog[] = [];
  const writes = new ForeignWrites(data);
  let writtenCount = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => serve(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const serve = (req: http.IncomingMessage, res: http.ServerResponse, text: string) => {
    const url = new URL(req.url ?? '/', 'http://foreign.invalid');
    const route = /^(\/v1\/(?:rentals\/units|leases\/tenants|rentals|leases))(?:\/(\d+))?$/.exec(
      url.pathname.replace(/\/+$/, ''),
    );
    const path = route?.[1] ?? url.pathname.replace(/\/+$/, '');
    const id = route?.[2] === undefined ? undefined : Number(route[2]);
    // Parameter names are case-sensitive: `Limit` or `OFFSET` are not ours and are ignored.
    const offset = intParam(url.searchParams.get('offset')) ?? 0;
    const limit = intParam(url.searchParams.get('limit')) ?? 50;
    const entry: ForeignRequestLog = {
      n: log.length + 1,
      at: Date.now(),
      path,
      offset: Number.isNaN(offset) ? null : offset,
      limit: Number.isNaN(limit) ? null : limit,
      status: 0,
      count: 0,
    };
    log.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res
        .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
        .end(JSON.stringify(body));
    };
    // The throttle sits in front of everything, as an API gateway's would; no Retry-After.
    if (entry.n % THROTTLE_EVERY === 0)
      return send(429, apiError('Too many requests. Please retry after a short interval.', 'TooManyRequests'));
    if (
      req.headers['x-buildium-client-id'] !== FOREIGN_CREDENTIALS.clientId ||
      req.headers['x-buildium-client-secret'] !== FOREIGN_CREDENTIALS.secret
    ) {
      return send(401, apiError("The API key couldn't be authorized.", 'Unauthorized'));
    }
    const written = writeRequestsAndLedgers(
      req.method ?? 'GET',
      url.pathname.replace(/\/+$/, ''),
      text,
      String(req.headers['content-type'] ?? ''),
      data,
      () => 7_000_001 + writtenCount++,
    );
    if (written) return send(written[0], written[1]);
    const ledgerOrTasks = readRequestsAndLedgers(req.method ?? 'GET', url, data);
    if (ledgerOrTasks) {
      const [status, body, total] = ledgerOrTasks;
      entry.count = status === 200 && Array.isArray(body) ? body.length : 0;
      return send(status, body, total === undefined ? {} : { 'X-Total-Count': String(total) });
    }
    const records = endpoints[path];
    if (!records) return send(404, apiError('Resource not found.', 'NotFound'));
    if (req.method === 'POST' || req.method === 'PUT') {
      if ((req.method === 'POST') !== (id === undefined))
        return send(405, apiError('Method not allowed.', 'MethodNotAllowed'));
      if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? '')))
        return send(415, apiError('The request content type must be application/json.', 'UnsupportedMediaType'));
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return send(400, apiError('The request body could not be read.', 'ValidationError'));
      }
      const schema = MESSAGES[path][req.method === 'POST' ? 'post' : 'put'];
      const invalid = messageErrors(schema, body);
      if (invalid.length > 0)
        return send(400, apiError('The request has validation errors.', 'ValidationError', invalid));
      const [status, answer] = writes.write(path, id, body as Json);
      return send(status, answer);
    }
    if (req.method !== 'GET') return send(405, apiError('Method not allowed.', 'MethodNotAllowed'));
    if (id !== undefined) {
      const record = records.find((r) => r.Id === id);
      return record ? send(200, record) : send(404, apiError('Resource not found.', 'NotFound'));
    }

    const invalid: Array<{ Key: string; Value: string }> = [];
    if (Number.isNaN(offset)) invalid.push({ Key: 'offset', Value: 'must be a non-negative integer' });
    if (Number.isNaN(limit) || limit < 1 || limit > MAX_LIMIT)
      invalid.push({ Key: 'limit', Value: `must be an integer from 1 to ${MAX_LIMIT}` });
    const window: Array<[string, (a: number, b: number) => boolean]> = [
      ['lastupdatedfrom', (t, f) => t >= f],
      ['lastupdatedto', (t, f) => t <= f],
    ];
    let selected = records;
    for (const [name, keep] of window) {
      const raw = url.searchParams.get(name);
      if (raw === null) continue;
      const at = Date.parse(raw);
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw) || Number.isNaN(at)) {
        invalid.push({ Key: name, Value: 'must be a date-time' });
        continue;
      }
      // Only LeaseMessage carries a last-updated time; the other models answer in full (a superset is safe).
      if (path === '/v1/leases') selected = selected.filter((l) => keep(Date.parse(l.LastUpdatedDateTime), at));
    }
    if (invalid.length > 0)
      return send(400, apiError('The request has invalid parameters.', 'ValidationError', invalid));

    const page = selected.slice(offset, offset + Math.min(limit, PAGE_CAP[path]));
    entry.count = page.length;
    return send(200, page, { 'X-Total-Count': String(selected.length) });
  };

  return {
    ...(await listenOnLoopback(server)),
    data,
    get requests() {
      return log.length;
    },
    log,
    pageCap: { ...PAGE_CAP },
  };
}

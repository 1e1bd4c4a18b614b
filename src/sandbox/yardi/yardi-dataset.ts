import {
  CITIES,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  oneYearLater,
  phoneNumber,
  type PhoneStyle,
  Prng,
  STREET_NAMES,
  streetLine,
  zipCode,
} from '../kit/prng';
import { generateYardiTransactions } from './yardi-ledger';
import { generateYardiServiceRequests } from './yardi-service-requests';

const PHONE_STYLES: readonly PhoneStyle[] = ['paren', 'dash', 'dot', 'plain'];

type Rec = Record<string, any>;

/**
 * The Yardi collections as stored: MITS elements ready to serialise (attributes as `@Name`), units and
 * RT_Customers with the `YardiPropertyId` of their property beside them (Yardi sends it in no element; it
 * is the call's parameter).
 */
export interface YardiData {
  properties: Rec[];
  units: Rec[];
  customers: Rec[];
  /** Service requests (ItfServiceRequests): about one household in three has one (yardi-service-requests.ts). */
  service_requests: Rec[];
  /** Billing & Payments: each household's charges and payments (see yardi-ledger.ts). */
  transactions: Rec[];
}

export interface YardiDatasetOptions {
  seed?: number;
  /** Number of people (Customer elements). RT_Customers (households) ≈ residents / 2. */
  residents?: number;
  /** Units per property: Voyager customers run large communities. */
  unitsPerProperty?: number;
  /** Service requests seeded; about one per three households when absent. */
  serviceRequests?: number;
  /** `none`: households without charges or payments (the sync benchmarks' data, and big datasets served fast). */
  ledgers?: 'none';
}

/** Every Customer Type of the contract; applicants are no residents, a household of them no lease. */
const CUSTOMER_TYPES = [
  ['current resident', 72],
  ['future resident', 8],
  ['former resident', 12],
  ['applicant', 8],
] as const;
/** Phone types of the contract (home, work, cell, fax) and the other MITS spellings. */
const PHONE_TYPES = ['cell', 'home', 'office', 'work', 'fax', 'other', 'mobile', 'business'];
/** UnitOccpStatus of a unit that someone lives in, and of one no one does. */
const OCCUPIED_STATUSES = [
  ['occupied', 70],
  ['occupied no notice', 15],
  ['notice rented', 8],
  ['notice unrented', 7],
] as const;
const VACANT_STATUSES = [
  ['vacant', 60],
  ['vacant rented', 20],
  ['vacant unrented', 20],
] as const;
const ECONOMIC_STATUSES = [
  ['residential', 94],
  ['model', 2],
  ['down', 2],
  ['admin', 2],
] as const;
const BEDROOMS = [0, 1, 1, 2, 2, 3];

/** MM/DD/YYYY, as Voyager writes lease dates. */
const usDate = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
const money = (amount: number) => amount.toFixed(2);
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A seeded, deterministic Voyager database: properties of ~120 units, RT_Customers of 1-3 people. */
export function generateYardiData(options: YardiDatasetOptions = {}): YardiData {
  const prng = new Prng(options.seed ?? 1);
  const people = Math.max(1, options.residents ?? 60);
  const perProperty = Math.max(1, options.unitsPerProperty ?? 120);

  const households: number[] = [];
  for (let left = people; left > 0;) {
    const size = Math.min(
      prng.weighted([
        [1, 3],
        [2, 4],
        [3, 3],
      ] as const),
      left,
    );
    households.push(size);
    left -= size;
  }
  const unitCount = Math.ceil(households.length * 1.05);
  const properties: Rec[] = [];
  const units: Rec[] = [];
  for (let u = 0; u < unitCount; u++) {
    if (u % perProperty === 0) properties.push(makeProperty(prng, properties.length + 1));
    units.push(makeUnit(prng, properties[properties.length - 1], u % perProperty));
  }
  const propertyByCode = new Map(properties.map((p) => [p.Code as string, p]));
  const customers = households.map((size, i) =>
    makeRtCustomer(prng, i + 1, size, units[i], propertyByCode.get(units[i].YardiPropertyId)!),
  );
  return {
    properties,
    units,
    customers,
    service_requests: generateYardiServiceRequests(customers, options.seed ?? 1, options.serviceRequests),
    transactions: options.ledgers === 'none' ? [] : generateYardiTransactions(customers, options.seed ?? 1),
  };
}

function makeProperty(prng: Prng, n: number): Rec {
  const [city, state, zip] = prng.pick(CITIES);
  return {
    Code: `p${pad(n, 4)}`,
    MarketingName: `${prng.pick(STREET_NAMES)} ${prng.pick(['Commons', 'Apartments', 'Lofts', 'Flats', 'Residences'])} ${n}`,
    AddressLine1: streetLine(prng),
    AddressLine2: prng.chance(0.2) ? 'Leasing Office' : '',
    City: city,
    State: state,
    PostalCode: zipCode(prng, zip),
    AccountsReceivable: '01/2026',
    AccountsPayable: prng.pick(['12/2025', '01/2026']),
  };
}

/** Unit codes repeat across properties ("101" in each), as in Voyager. */
function makeUnit(prng: Prng, property: Rec, index: number): Rec {
  const bedrooms = prng.pick(BEDROOMS);
  const baths = bedrooms <= 1 ? 1 : prng.pick([1, 1.5, 2, 2.5]);
  return {
    UnitID: `${Math.floor(index / 30) + 1}${pad((index % 30) + 1, 2)}`,
    UnitType: `${bedrooms}b${baths}ba`,
    UnitBedrooms: String(bedrooms),
    UnitBathrooms: baths.toFixed(2),
    MinSquareFeet: String(prng.int(350, 1600)),
    MarketRent: (prng.int(80_000, 350_000) / 100).toFixed(4),
    UnitEconomicStatus: prng.weighted(ECONOMIC_STATUSES),
    UnitOccpStatus: prng.weighted(VACANT_STATUSES),
    YardiPropertyId: property.Code,
  };
}

function makeCustomer(prng: Prng, type: string, lastName: string, property: Rec): Rec {
  const first = prng.pick(FIRST_NAMES);
  const handle = `${first}.${lastName}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  const customer: Rec = {
    '@Type': type,
    Name: {
      FirstName: first,
      MiddleName: prng.chance(0.3) ? prng.pick(['A', 'Marie', 'J.', '']) : undefined,
      LastName: lastName,
    },
    Address: {
      '@AddressType': 'current',
      AddressLine1: property.AddressLine1,
      AddressLine2: prng.chance(0.7) ? `Unit ${prng.int(100, 499)}` : '',
      City: property.City,
      State: property.State,
      PostalCode: property.PostalCode,
    },
    Phone: Array.from(
      {
        length: prng.weighted([
          [0, 1],
          [1, 6],
          [2, 3],
        ] as const),
      },
      () => ({ '@PhoneType': prng.pick(PHONE_TYPES), PhoneNumber: phoneNumber(prng, PHONE_STYLES) }),
    ),
    Email: prng.chance(0.85)
      ? `${prng.chance(0.2) ? handle.toUpperCase() : handle}${prng.int(1, 9999)}@${prng.pick(EMAIL_DOMAINS)}`
      : undefined,
  };
  if (customer.Name.MiddleName === undefined) delete customer.Name.MiddleName;
  if (customer.Email === undefined) delete customer.Email;
  return customer;
}

function makeRtCustomer(prng: Prng, n: number, size: number, unit: Rec, property: Rec): Rec {
  const type = prng.weighted(CUSTOMER_TYPES);
  const lastName = prng.pick(LAST_NAMES);
  const people = Array.from({ length: size }, (_, i) =>
    makeCustomer(prng, type, i === 0 || prng.chance(0.6) ? lastName : prng.pick(LAST_NAMES), property),
  );
  // Now and then a roommate applies to join a current household: an applicant among residents.
  if (type === 'current resident' && size > 1 && prng.chance(0.15)) people[size - 1]['@Type'] = 'applicant';
  if (type === 'current resident') unit.UnitOccpStatus = prng.weighted(OCCUPIED_STATUSES);
  return {
    CustomerID: `t${pad(n, 7)}`,
    Customers: { Customer: people },
    Lease: makeLease(prng, type),
    RT_Unit: { UnitID: unit.UnitID },
    YardiPropertyId: unit.YardiPropertyId,
  };
}

/** Lease dates in MM/DD/YYYY, move dates in ISO 8601 (both forms Voyager uses); empty where unknown. */
function makeLease(prng: Prng, type: string): Rec {
  const startYear =
    type === 'future resident' || type === 'applicant'
      ? 2026
      : type === 'former resident'
        ? prng.int(2019, 2024)
        : prng.int(2024, 2025);
  const from = prng.date(startYear, startYear);
  const to = oneYearLater(from);
  const rent = money(prng.int(80_000, 380_000) / 100);
  switch (type) {
    case 'applicant':
      return { LeaseFromDate: '', LeaseToDate: '', CurrentRent: rent, ExpectedMoveInDate: from };
    case 'future resident':
      return { LeaseFromDate: usDate(from), LeaseToDate: usDate(to), CurrentRent: rent, ExpectedMoveInDate: from };
    case 'former resident':
      return {
        LeaseFromDate: usDate(from),
        LeaseToDate: usDate(to),
        CurrentRent: rent,
        ActualMoveIn: `${from}T00:00:00`,
        ExpectedMoveOutDate: to,
        ActualMoveOut: `${to}T00:00:00`,
        NoticeGiven: prng.chance(0.8) ? oneMonthBefore(to) : '',
      };
    default: {
      const lease: Rec = {
        LeaseFromDate: usDate(from),
        LeaseToDate: usDate(to),
        CurrentRent: rent,
        ActualMoveIn: `${from}T00:00:00`,
      };
      if (prng.chance(0.1)) Object.assign(lease, { ExpectedMoveOutDate: to, NoticeGiven: oneMonthBefore(to) });
      return lease;
    }
  }
}

function oneMonthBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 2, Math.min(d, 28))).toISOString().slice(0, 10);
}

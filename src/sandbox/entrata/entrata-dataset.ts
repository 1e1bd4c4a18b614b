import {
  CITIES,
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
import { generateEntrataLedgers } from './entrata-ledger';
import { generateEntrataWorkOrders } from './entrata-work-orders';

const PHONE_STYLES: readonly PhoneStyle[] = ['paren', 'dash', 'plain'];

type Rec = Record<string, any>;

/**
 * The four Entrata collections as stored: records in the shapes the API sends (lists as arrays; the
 * XML-to-JSON collapsing happens when served). Units and leases keep the property they belong to under
 * `propertyId`, which the API gives on the enclosing element or takes from the request instead.
 */
export interface EntrataData {
  properties: Rec[];
  units: Rec[];
  leases: Rec[];
  customers: Rec[];
  /** Maintenance work orders (service requests): see entrata-work-orders.ts; writes and the control API add more. */
  work_orders: Rec[];
  /** Lease ledger rows (getLeaseArTransactions) and ArPayments (getArPayments): see entrata-ledger.ts. */
  ar_transactions: Rec[];
  ar_payments: Rec[];
}

export interface EntrataDatasetOptions {
  seed?: number;
  /** Number of customers (Entrata's residents). Leases ≈ residents / 2. */
  residents?: number;
  /** Units per property (20 by default). */
  unitsPerProperty?: number;
}

export const ID_BASE = { properties: 100_000, units: 2_000_000, leases: 3_000_000, customers: 4_000_000 } as const;

/** Every property Type the mapping knows; the first properties take each once. */
const EVERY_PROPERTY_TYPE = [
  'Apartment',
  'Affordable',
  'Senior',
  'Condo',
  'Townhome',
  'Duplex',
  'Student',
  'Single Family',
  'Commercial',
  'Vacation',
  'Military',
];
const PROPERTY_TYPES = ['Apartment', 'Apartment', 'Student', 'Senior', 'Single Family', 'Townhome', 'Military'];
const PHONE_TYPES = ['Mobile', 'Home', 'Office', 'Fax', 'Other', 'Cell', 'Work'];
const CO_CUSTOMER_TYPES = ['Responsible', 'Responsible', 'Guarantor', 'Not Responsible', 'Occupant'];
const STATUSES: ReadonlyArray<readonly [string, number]> = [
  ['Current', 62],
  ['Notice', 8],
  ['Future', 10],
  ['Applicant', 4],
  ['Past', 13],
  ['Cancelled', 3],
];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** YYYY-MM-DD -> Entrata's MM/DD/YYYY. */
export const usDate = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
const money = (amount: number) => amount.toFixed(2);

/** A seeded, deterministic Entrata portfolio following docs/vendors/entrata.md. */
export function generateEntrataData(options: EntrataDatasetOptions = {}): EntrataData {
  const prng = new Prng(options.seed ?? 1);
  const residentCount = Math.max(1, options.residents ?? 60);
  const perProperty = Math.max(1, options.unitsPerProperty ?? 20);

  const customers: Rec[] = Array.from({ length: residentCount }, (_, i) =>
    makeCustomer(prng, ID_BASE.customers + i + 1),
  );
  const households: Rec[][] = [];
  for (let i = 0; i < customers.length;) {
    const size = Math.min(
      prng.weighted([
        [1, 3],
        [2, 4],
        [3, 3],
      ] as const),
      customers.length - i,
    );
    households.push(customers.slice(i, i + size));
    i += size;
  }

  const unitCount = Math.ceil(households.length * 1.05);
  const properties: Rec[] = [];
  const units: Rec[] = [];
  for (let u = 0; u < unitCount; u++) {
    if (u % perProperty === 0) properties.push(makeProperty(prng, ID_BASE.properties + properties.length + 1));
    units.push(
      makeUnit(prng, ID_BASE.units + u + 1, properties[properties.length - 1].PropertyID, (u % perProperty) + 1),
    );
  }

  const leases = households.map((household, i) => makeLease(prng, ID_BASE.leases + i + 1, units[i], household));
  const ledgers = generateEntrataLedgers(leases, options.seed ?? 1);
  const workOrders = generateEntrataWorkOrders(leases, units, customers, options.seed ?? 1);
  return { properties, units, leases, customers, work_orders: workOrders, ...ledgers };
}

function makeProperty(prng: Prng, id: number): Rec {
  const [city, state, zip] = prng.pick(CITIES);
  const street = streetLine(prng);
  const drawnType = prng.pick(PROPERTY_TYPES);
  return {
    PropertyID: id,
    MarketingName: `${street.split(' ').slice(1).join(' ')} ${prng.pick(['Apartments', 'Residences', 'Commons', 'Lofts'])} ${id}`,
    Type: EVERY_PROPERTY_TYPE[id - ID_BASE.properties - 1] ?? drawnType,
    Address: {
      '@attributes': { AddressType: 'property' },
      Address: street,
      City: city,
      State: state,
      PostalCode: zipCode(prng, zip),
    },
    IsDisabled: prng.chance(0.05) ? '1' : '0',
  };
}

function makeUnit(prng: Prng, id: number, propertyId: number, n: number): Rec {
  const bedrooms = prng.pick([0, 1, 1, 2, 2, 3, 4]);
  return {
    propertyId,
    id: String(id),
    unitNumber: `${Math.ceil(n / 4)}${pad(((n - 1) % 4) + 1)}`,
    unitTypeId: 700 + bedrooms,
    bedrooms,
    bathrooms: prng.pick(['1', '1', '1.5', '2', '2.5']),
    squareFeet: prng.int(350, 2200),
    marketRent: money(prng.money(800, 3500)),
    isVacant: true,
  };
}

function makeCustomer(prng: Prng, id: number): Rec {
  const first = prng.pick(FIRST_NAMES);
  const last = prng.pick(LAST_NAMES);
  const handle = `${first}.${last}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  const customer: Rec = { '@attributes': { Id: String(id) }, FirstName: first };
  if (prng.chance(0.3)) customer.MiddleName = prng.pick(['A', 'J', 'Lee', 'Marie']);
  customer.LastName = last;
  if (prng.chance(0.9))
    customer.Email = `${prng.chance(0.2) ? handle.toUpperCase() : handle}${id}@${prng.pick(EMAIL_DOMAINS)}`;
  const phones = prng.weighted([
    [0, 1],
    [1, 6],
    [2, 3],
  ] as const);
  if (phones > 0)
    customer.Phone = Array.from({ length: phones }, () => ({
      PhoneNumber: phoneNumber(prng, PHONE_STYLES),
      PhoneType: prng.pick(PHONE_TYPES),
    }));
  customer.Address = streetLine(prng);
  if (prng.chance(0.8)) customer.DateOfBirth = usDate(prng.date(1950, 2004));
  return customer;
}

function makeLease(prng: Prng, id: number, unit: Rec, household: Rec[]): Rec {
  const status = prng.weighted(STATUSES);
  const startYear =
    status === 'Future' || status === 'Applicant'
      ? 2027
      : status === 'Past' || status === 'Cancelled'
        ? prng.int(2019, 2024)
        : prng.int(2024, 2026);
  const start = prng.date(startYear, startYear);
  const end = oneYearLater(start);
  const lease: Rec = {
    propertyId: unit.propertyId,
    id: String(id),
    unitId: unit.id,
    leaseIntervalStatus: status,
    startDate: usDate(start),
    endDate: usDate(end),
  };
  if (status !== 'Applicant' && status !== 'Cancelled') lease.moveInDate = usDate(start);
  if (status === 'Notice' || status === 'Past') {
    lease.moveOutDate = usDate(end);
    // Notice is recorded with the time it was given, in Mountain time like every Entrata time.
    const notice = new Date(Date.parse(end) - prng.int(30, 60) * 86_400_000).toISOString().slice(0, 10);
    lease.noticeDate = `${usDate(notice)} ${pad(prng.int(8, 18))}:${pad(prng.int(0, 59))}:${pad(prng.int(0, 59))}`;
  }
  lease.rent = money(prng.money(700, 4200));
  lease.customers = {
    customer: household.map((c, i) => ({
      id: Number(c['@attributes'].Id),
      customerType: i === 0 ? 'Primary' : prng.pick(CO_CUSTOMER_TYPES),
    })),
  };
  for (const c of household) c.LeaseId = id;
  if (status === 'Current' || status === 'Notice') unit.isVacant = false;
  return lease;
}

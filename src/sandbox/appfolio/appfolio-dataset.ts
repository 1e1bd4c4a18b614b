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
import { generateAppfolioLedger } from './appfolio-ledger';
import { generateWorkOrders } from './appfolio-work-orders';

const PHONE_STYLES: readonly PhoneStyle[] = ['paren', 'dash', 'intl'];

type Rec = Record<string, any>;

/**
 * One AppFolio customer database as stored. Reports are views over it (a property's `units`, an
 * occupancy's `tenant_ids` are derived when served); `contacts` are the v0 directory's tenants
 * (`Id` = tenant_id), which a few tenants lack.
 */
export interface AppfolioData {
  properties: Rec[];
  units: Rec[];
  occupancies: Rec[];
  tenants: Rec[];
  contacts: Rec[];
  /** v0 work orders (service requests): see appfolio-work-orders.ts; their notes are the simulator's. */
  work_orders: Rec[];
  /** v0 tenant ledger rows (charges, payments, adjustments): see appfolio-ledger.ts. */
  ledger: Rec[];
}

export interface AppfolioDatasetOptions {
  seed?: number;
  /** Number of tenants (AppFolio's residents). Occupancies ≈ residents / 2, ~20 units per property. */
  residents?: number;
}

/** When the seeded records were last updated: fixed, so a seeded dataset is identical on every run. */
export const SEEDED_AT = Date.UTC(2026, 0, 15, 12, 0, 0);

export const ID_BASE = { properties: 100, units: 1_000, occupancies: 5_000, tenants: 20_000 } as const;

const PROPERTY_TYPES = ['Multi-Family', 'Multi-Family', 'Single-Family', 'Condo', 'Mixed-Use', 'Student Housing'];
/** Every property_type the mapping knows; the first properties take each once. */
const EVERY_PROPERTY_TYPE = [
  'Single-Family',
  'Multi-Family',
  'Condo',
  'Townhouse',
  'Student Housing',
  'Vacation Rental',
  'Commercial',
  'Office',
  'Retail',
  'Industrial',
  'Self-Storage',
  'Mixed-Use',
];
const PHONE_LABELS = ['Mobile', 'Mobile', 'Home', 'Work', 'Fax', 'Other', 'Cell', 'Office'];
/** The rent_roll statuses of the contract, weighted as a typical portfolio. */
const OCCUPANCY_STATUSES = [
  ['Current', 70],
  ['Notice-Unrented', 6],
  ['Notice-Rented', 4],
  ['Vacant-Rented', 5],
  ['Future', 10],
  ['Evict', 5],
] as const;
/** tenant_directory `status` of the tenants of an occupancy in each rent_roll status. */
export const TENANT_STATUS: Record<string, string> = {
  Current: 'Current',
  'Notice-Unrented': 'Notice',
  'Notice-Rented': 'Notice',
  'Vacant-Rented': 'Future',
  Future: 'Future',
  Evict: 'Evict',
};
/** Where the occupancies of former tenants start: the rent roll lists none of them. */
const PAST_OCCUPANCY_BASE = 90_000;

/** AppFolio reports send amounts as strings with two decimals. */
export const amount = (dollars: number) => dollars.toFixed(2);

/** A seeded, deterministic AppFolio database whose report rows follow docs/vendors/appfolio.md. */
export function generateAppfolioData(options: AppfolioDatasetOptions = {}): AppfolioData {
  const prng = new Prng(options.seed ?? 1);
  const residentCount = Math.max(1, options.residents ?? 60);

  // Tenants in households of 1-3 that share an occupancy.
  const households: number[] = [];
  for (let left = residentCount; left > 0;) {
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

  const unitCount = Math.ceil(households.length * 1.1);
  const properties: Rec[] = [];
  const units: Rec[] = [];
  for (let u = 0; u < unitCount; u++) {
    if (u % 20 === 0) properties.push(makeProperty(prng, ID_BASE.properties + properties.length + 1));
    units.push(makeUnit(prng, ID_BASE.units + u + 1, properties[properties.length - 1].property_id, (u % 20) + 1));
  }

  const occupancies: Rec[] = [];
  const tenants: Rec[] = [];
  const contacts: Rec[] = [];
  households.forEach((size, i) => {
    const unit = units[i];
    const occupancy = makeOccupancy(prng, ID_BASE.occupancies + i + 1, unit);
    occupancies.push(occupancy);
    unit.unit_status = occupancy.status;
    for (let m = 0; m < size; m++) {
      const tenant = makeTenant(prng, ID_BASE.tenants + tenants.length + 1, occupancy, m);
      tenants.push(tenant);
      // About 3 % of tenants are missing from the v0 directory: the lookup does not return them.
      if (!prng.chance(0.03)) contacts.push(makeContact(prng, tenant));
    }
  });
  // Former tenants: their occupancies ended, so the rent roll (none of whose contract statuses is a past one)
  // lists none of them, and their directory rows name only the occupancy: no property.
  for (let i = 0; i < Math.ceil(residentCount / 20); i++) {
    const past = { occupancy_id: ID_BASE.occupancies + PAST_OCCUPANCY_BASE + i, status: 'Past' };
    const tenant = { ...makeTenant(prng, ID_BASE.tenants + tenants.length + 1, past, 0), status: 'Past' };
    tenants.push(tenant);
    contacts.push(makeContact(prng, tenant));
  }
  const stampedAt = `${new Date(SEEDED_AT).toISOString().slice(0, 19)}Z`;
  const ledger = generateAppfolioLedger(occupancies, options.seed ?? 1, stampedAt);
  const workOrders = generateWorkOrders(occupancies, options.seed ?? 1, stampedAt);
  return { properties, units, occupancies, tenants, contacts, work_orders: workOrders, ledger };
}

function makeProperty(prng: Prng, id: number): Rec {
  const [city, state, zip] = prng.pick(CITIES);
  const street = streetLine(prng);
  return {
    property_id: id,
    property_name: `${street.split(' ').slice(1).join(' ')} ${prng.pick(['Apartments', 'Residences', 'Commons', 'Lofts'])} ${id}`,
    property_address: street,
    property_city: city,
    property_state: state,
    property_zip: zipCode(prng, zip),
    property_type: EVERY_PROPERTY_TYPE[id - ID_BASE.properties - 1] ?? prng.pick(PROPERTY_TYPES),
  };
}

function makeUnit(prng: Prng, id: number, propertyId: number, n: number): Rec {
  return {
    unit_id: id,
    property_id: propertyId,
    unit_name: `${Math.ceil(n / 4)}${String(((n - 1) % 4) + 1).padStart(2, '0')}`,
    bedrooms: prng.pick([0, 1, 1, 2, 2, 3, 4]),
    bathrooms: prng.pick([1, 1, 1.5, 2, 2.5, 3]),
    sqft: prng.chance(0.95) ? prng.int(350, 2200) : null,
    market_rent: amount(prng.money(800, 3500)),
    unit_status: 'Vacant-Unrented',
  };
}

function makeOccupancy(prng: Prng, id: number, unit: Rec): Rec {
  const status = prng.weighted(OCCUPANCY_STATUSES);
  const future = status === 'Future' || status === 'Vacant-Rented';
  const year = future ? 2026 : prng.int(2022, 2025);
  const from = prng.date(year, year);
  const to = prng.chance(0.9) ? oneYearLater(from) : null; // month-to-month leases have no end
  const notice = status.startsWith('Notice') || status === 'Evict';
  return {
    occupancy_id: id,
    unit_id: unit.unit_id,
    property_id: unit.property_id,
    status,
    lease_from: from,
    lease_to: to,
    move_in: from,
    move_out: notice ? (to ?? oneYearLater(from)) : null,
    rent: amount(prng.money(700, 4200)),
    deposit: prng.chance(0.85) ? amount(prng.money(200, 3000)) : null,
  };
}

function makeTenant(prng: Prng, id: number, occupancy: Rec, member: number): Rec {
  const type =
    member === 0
      ? 'Financially Responsible'
      : prng.weighted([
          ['Financially Responsible', 6],
          ['Occupant', 3],
          ['Guarantor', 1],
        ] as const);
  return {
    tenant_id: id,
    occupancy_id: occupancy.occupancy_id,
    first_name: prng.pick(FIRST_NAMES),
    last_name: prng.pick(LAST_NAMES),
    status: TENANT_STATUS[occupancy.status],
    tenant_type: type,
  };
}

function makeContact(prng: Prng, tenant: Rec): Rec {
  const handle = `${tenant.first_name}.${tenant.last_name}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  const emails = Array.from(
    {
      length: prng.weighted([
        [0, 1],
        [1, 7],
        [2, 2],
      ] as const),
    },
    (_, i) =>
      `${i === 0 && prng.chance(0.2) ? handle.toUpperCase() : handle}${i ? '.alt' : ''}${tenant.tenant_id}@${prng.pick(EMAIL_DOMAINS)}`,
  );
  return {
    Id: tenant.tenant_id,
    Emails: emails,
    PhoneNumbers: Array.from(
      {
        length: prng.weighted([
          [0, 1],
          [1, 6],
          [2, 3],
        ] as const),
      },
      () => ({ Number: phoneNumber(prng, PHONE_STYLES), Label: prng.pick(PHONE_LABELS) }),
    ),
    DateOfBirth: prng.chance(0.8) ? prng.date(1950, 2004) : null,
  };
}

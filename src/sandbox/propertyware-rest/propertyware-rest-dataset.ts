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
import { generatePropertywareLedgers } from './propertyware-rest-ledger';
import { generatePropertywareWorkOrders } from './propertyware-rest-workorders';

const PHONE_STYLES: readonly PhoneStyle[] = ['paren', 'dash', 'intl'];

type Rec = Record<string, any>;

/**
 * The Propertyware collections as stored. A lease stores its contacts as `{id, primary, role}`; the
 * served LeaseContact is completed from the contact when the lease is served.
 */
export interface PropertywareRestData {
  portfolios: Rec[];
  buildings: Rec[];
  units: Rec[];
  leases: Rec[];
  contacts: Rec[];
  /** Work orders (service requests, `WorkOrder`): about one per three leases (propertyware-rest-workorders.ts). */
  workorders: Rec[];
  /** Lease charges (`ChargeTx`, GET /leases/charges) and payments (`Payment`, GET /leases/payments). */
  charges: Rec[];
  payments: Rec[];
}

export interface PropertywareRestDatasetOptions {
  seed?: number;
  /** Number of tenant contacts (Propertyware's residents). Leases ≈ residents / 2, ~12 units per building. */
  residents?: number;
}

/** When the seeded records were last modified: fixed, so a seeded dataset is identical on every run. */
export const SEEDED_AT = Date.UTC(2026, 0, 15, 12, 0, 0);

export const ID_BASE = {
  portfolios: 4_653_000,
  buildings: 4_718_000,
  units: 4_849_000,
  leases: 14_680_000,
  contacts: 5_242_000,
} as const;

const UNITS_PER_BUILDING = 12;
const BUILDINGS_PER_PORTFOLIO = 3;
/**
 * Every value of the spec's propertyType enum, and the display strings reads return instead of the codes
 * (docs/vendors/propertyware-rest.md).
 */
export const PROPERTY_TYPE_CODES = [
  'NONE',
  'APARTMENT',
  'CONDO',
  'COMMERCIAL',
  'DU_FOUR_PLEX',
  'HOUSE',
  'SECTION_8_AFFORDABLE',
  'SENIOR',
  'SHORT_TERM_VACATION',
  'STUDENT',
  'TOWNHOUSE',
  'OTHER',
] as const;
export const PROPERTY_TYPE_DISPLAY: Record<string, (typeof PROPERTY_TYPE_CODES)[number]> = {
  None: 'NONE',
  Apartment: 'APARTMENT',
  Condo: 'CONDO',
  Commercial: 'COMMERCIAL',
  'Du/Fourplex': 'DU_FOUR_PLEX',
  House: 'HOUSE',
  'Section 8/Affordable': 'SECTION_8_AFFORDABLE',
  Senior: 'SENIOR',
  'Short-term/vacation': 'SHORT_TERM_VACATION',
  Student: 'STUDENT',
  Townhouse: 'TOWNHOUSE',
  Other: 'OTHER',
};
const EVERY_PROPERTY_TYPE = [...PROPERTY_TYPE_CODES, ...Object.keys(PROPERTY_TYPE_DISPLAY)];
const PROPERTY_TYPES: ReadonlyArray<readonly [string, number]> = [
  ...PROPERTY_TYPE_CODES.map((code) => [code, code === 'APARTMENT' ? 30 : 2] as const),
  ...Object.keys(PROPERTY_TYPE_DISPLAY).map((display) => [display, display === 'Apartment' ? 10 : 2] as const),
];
/**
 * The lease statuses the spec names ('Active', 'Active - Notice Given', 'Draft', 'Eviction', 'Terminated'),
 * plus "Holdover", an organization's own status no table knows.
 */
export const LEASE_STATUSES = [
  ['Active', 60],
  ['Active - Notice Given', 6],
  ['Draft', 10],
  ['Terminated', 13],
  ['Eviction', 4],
  ['Holdover', 7],
] as const;

export const isoSeconds = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

function address(prng: Prng): Rec {
  const [city, state, zip] = prng.pick(CITIES);
  return {
    address: streetLine(prng),
    city,
    stateRegion: state,
    postalCode: zipCode(prng, zip),
    country: 'USA',
  };
}

function stamps(prng: Prng): Rec {
  return {
    createdBy: 'Pat Admin',
    createdDateTime: isoSeconds(SEEDED_AT - prng.int(30, 1500) * 86_400_000),
    lastModifiedBy: 'Pat Admin',
    lastModifiedDateTime: isoSeconds(SEEDED_AT),
  };
}

/** A seeded, deterministic Propertyware account whose records follow propertyware-openapi.json. */
export function generatePropertywareRestData(options: PropertywareRestDatasetOptions = {}): PropertywareRestData {
  const prng = new Prng(options.seed ?? 1);
  const residentCount = Math.max(1, options.residents ?? 60);

  const contacts: Rec[] = [];
  for (let i = 0; i < residentCount; i++) contacts.push(makeTenant(prng, ID_BASE.contacts + i + 1));
  const households: Rec[][] = [];
  for (let i = 0; i < contacts.length;) {
    const size = Math.min(
      prng.weighted([
        [1, 3],
        [2, 4],
        [3, 3],
      ] as const),
      contacts.length - i,
    );
    households.push(contacts.slice(i, i + size));
    i += size;
  }

  const unitCount = Math.ceil(households.length * 1.1);
  const portfolios: Rec[] = [];
  const buildings: Rec[] = [];
  const units: Rec[] = [];
  for (let u = 0; u < unitCount; u++) {
    if (u % UNITS_PER_BUILDING === 0) {
      if (buildings.length % BUILDINGS_PER_PORTFOLIO === 0)
        portfolios.push(makePortfolio(prng, ID_BASE.portfolios + portfolios.length + 1));
      buildings.push(
        makeBuilding(
          prng,
          ID_BASE.buildings + buildings.length + 1,
          portfolios[portfolios.length - 1],
          Math.min(UNITS_PER_BUILDING, unitCount - u),
        ),
      );
    }
    units.push(makeUnit(prng, ID_BASE.units + u + 1, buildings[buildings.length - 1], (u % UNITS_PER_BUILDING) + 1));
  }
  const leases = households.map((household, i) => makeLease(prng, ID_BASE.leases + i + 1, units[i], household));
  // Owners are contacts too: /contacts?type=TENANT must leave them out.
  for (const portfolio of portfolios) contacts.push(makeOwner(prng, ID_BASE.contacts + contacts.length + 1, portfolio));
  // Prospects (applicants) are contacts of their own type, and a few tenants are on no lease (theirs was
  // removed): neither is a resident Propexo can place.
  for (let i = 0; i < Math.ceil(residentCount / 25); i++)
    contacts.push({
      ...makeTenant(prng, ID_BASE.contacts + contacts.length + 1),
      type: 'PROSPECT',
      namedOnLease: false,
    });
  for (let i = 0; i < Math.ceil(residentCount / 50); i++)
    contacts.push({ ...makeTenant(prng, ID_BASE.contacts + contacts.length + 1), namedOnLease: false });
  const { charges, payments } = generatePropertywareLedgers(leases, options.seed ?? 1, (date) => ({
    createdBy: 'Sandbox',
    createdDateTime: `${date}T14:00:00Z`,
    lastModifiedBy: 'Sandbox',
    lastModifiedDateTime: isoSeconds(SEEDED_AT),
  }));
  const workorders = generatePropertywareWorkOrders(leases, units, contacts, options.seed ?? 1, isoSeconds(SEEDED_AT));
  return { portfolios, buildings, units, leases, contacts, workorders, charges, payments };
}

function makePortfolio(prng: Prng, id: number): Rec {
  const last = prng.pick(LAST_NAMES);
  return {
    id,
    name: `${last} Holdings ${id}`,
    abbreviation: `${last
      .replace(/[^A-Za-z]/g, '')
      .slice(0, 4)
      .toUpperCase()}${id % 1000}`,
    active: true,
    cashAccrual: 'COMPANY_DEFAULT',
    ...stamps(prng),
  };
}

function makeBuilding(prng: Prng, id: number, portfolio: Rec, countUnit: number): Rec {
  const a = address(prng);
  const manager = prng.int(1, 8);
  const drawnType = prng.weighted(PROPERTY_TYPES);
  return {
    id,
    idNumber: id - ID_BASE.buildings,
    name: `${a.address.split(' ').slice(1).join(' ')} ${prng.pick(['Apartments', 'Residences', 'Commons', 'Lofts'])} ${id}`,
    abbreviation: `B${id - ID_BASE.buildings}`,
    active: prng.chance(0.93),
    address: a,
    category: 'RESIDENTIAL',
    // The first buildings take every type once, so an account of 24 buildings or more shows them all.
    propertyType: EVERY_PROPERTY_TYPE[id - ID_BASE.buildings - 1] ?? drawnType,
    countUnit,
    portfolioID: portfolio.id,
    status: 'Occupied',
    yearBuilt: prng.int(1920, 2024),
    totalArea: prng.int(4000, 60000),
    areaUnits: 'Sq Ft',
    county: `${a.city} County`,
    propertyManagerList: [
      {
        id: 700 + manager,
        userID: 900 + manager,
        name: `${prng.pick(FIRST_NAMES)} ${prng.pick(LAST_NAMES)}`,
        email: `manager${manager}@example.com`,
        roleAsString: 'Property Manager',
      },
    ],
    ...stamps(prng),
  };
}

function makeUnit(prng: Prng, id: number, building: Rec, n: number): Rec {
  const sqM = prng.chance(0.1);
  const unit: Rec = {
    id,
    idNumber: id - ID_BASE.units,
    name: `${Math.ceil(n / 4)}${String(((n - 1) % 4) + 1).padStart(2, '0')}`,
    active: building.active,
    address: { ...building.address, addressCont: `Unit ${n}` },
    buildingID: building.id,
    portfolioID: building.portfolioID,
    category: 'RESIDENTIAL',
    numberOfBedrooms: prng.int(0, 4),
    numberOfBathrooms: prng.pick([1, 1, 1.5, 2, 2.5, 3]),
    totalArea: sqM ? prng.int(35, 200) : prng.int(350, 2200),
    areaUnits: sqM ? 'Sq M' : 'Sq Ft',
    targetRent: prng.money(800, 3500),
    status: 'Vacant',
    rentable: true,
    syndicate: prng.chance(0.2),
    // SaveUnit takes floors 0-2 and requires a free-text type: seeded units are ones a client can PUT back.
    floorNumber: (n - 1) % 3,
    type: 'Apartment',
    ...stamps(prng),
  };
  return unit;
}

function makeLease(prng: Prng, id: number, unit: Rec, household: Rec[]): Rec {
  const status = prng.weighted(LEASE_STATUSES);
  const startYear =
    status === 'Draft'
      ? 2027
      : status === 'Terminated' || status === 'Eviction'
        ? prng.int(2019, 2024)
        : prng.int(2024, 2026);
  const startDate = prng.date(startYear, startYear);
  const endDate = oneYearLater(startDate);
  const ended = status === 'Terminated' || status === 'Eviction';
  const current = status.startsWith('Active') || status === 'Holdover';
  if (current) {
    unit.status = 'Occupied';
    unit.leaseID = id;
  }
  const lease: Rec = {
    id,
    idNumber: id - ID_BASE.leases,
    leaseName: `${household[0].lastName} - ${unit.name}`,
    buildingID: unit.buildingID,
    unitID: unit.id,
    portfolioID: unit.portfolioID,
    location: `Unit ${unit.name}`,
    status,
    active: current,
    startDate,
    endDate,
    signedDate: startDate,
    baseRent: prng.money(700, 4200),
    leaseBalance: prng.chance(0.2) ? prng.money(10, 900) : 0,
    contacts: household.map((c, i) => ({ id: c.id, primary: i === 0, role: 'Tenant' })),
    ...stamps(prng),
  };
  if (status !== 'Draft' && prng.chance(0.9)) lease.moveInDate = startDate;
  if (ended) lease.moveOutDate = endDate;
  if (ended || status === 'Active - Notice Given') lease.noticeGivenDate = shiftDays(endDate, -30);
  if (status === 'Active - Notice Given') lease.scheduleMoveOutDate = endDate;
  return lease;
}

function makeTenant(prng: Prng, id: number): Rec {
  const first = prng.pick(FIRST_NAMES);
  const last = prng.pick(LAST_NAMES);
  const handle = `${first}.${last}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  const tenant: Rec = {
    id,
    type: 'TENANT',
    firstName: first,
    middleName: prng.chance(0.2) ? prng.pick(['A.', 'Marie', 'J', 'Lee']) : undefined,
    lastName: last,
    email: prng.chance(0.9)
      ? `${prng.chance(0.2) ? handle.toUpperCase() : handle}${id}@${prng.pick(EMAIL_DOMAINS)}`
      : undefined,
    altEmail: prng.chance(0.2) ? `${handle}.alt${id}@example.net` : undefined,
    // Any of the four phone fields may be empty; phone_1/phone_2 take the first two filled in priority order.
    mobilePhone: prng.chance(0.7) ? phoneNumber(prng, PHONE_STYLES) : undefined,
    homePhone: prng.chance(0.4) ? phoneNumber(prng, PHONE_STYLES) : undefined,
    workPhone: prng.chance(0.3) ? phoneNumber(prng, PHONE_STYLES) : undefined,
    otherPhone: prng.chance(0.1) ? phoneNumber(prng, PHONE_STYLES) : undefined,
    birthDate: prng.chance(0.8) ? prng.date(1950, 2004) : undefined,
    gender: prng.pick(['UNKNOWN', 'MALE', 'FEMALE', 'DECLINE_TO_STATE']),
    address: address(prng),
    namedOnLease: true,
    allowESignature: prng.chance(0.6),
    comments: prng.chance(0.15) ? 'Prefers contact by email.' : undefined,
    ...stamps(prng),
  };
  return dropUndefined(tenant);
}

function makeOwner(prng: Prng, id: number, portfolio: Rec): Rec {
  return {
    id,
    type: 'OWNER',
    firstName: prng.pick(FIRST_NAMES),
    lastName: portfolio.name.split(' ')[0],
    company: portfolio.name,
    email: `owner${id}@example.org`,
    address: address(prng),
    ...stamps(prng),
  };
}

function shiftDays(date: string, days: number): string {
  return new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);
}

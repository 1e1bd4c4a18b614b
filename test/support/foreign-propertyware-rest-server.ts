import http from 'node:http';
import { listenOnLoopback } from './loopback-server';

/**
 * A second, independent Propertyware REST v1 server, written from docs/vendors/propertyware-rest.md and
 * docs/reference/propertyware-openapi.json only (never from src/sandbox), so the adapter meets choices our
 * own simulator did not make: pages of at most two records whatever `limit` asks, a 429 (no Retry-After, an
 * empty body) on every 5th request, ids out of creation order unless `orderby` asks, nulls where the vendor
 * sends them, and hand-picked values the project has never seen.
 */

export const FOREIGN_PW_CREDENTIALS = {
  clientId: 'pw-foreign-7c1',
  clientSecret: 'pw-foreign-secret-e55',
  systemId: '88311',
} as const;

type Json = Record<string, any>;

const PAGE_CAP = 2;
const THROTTLE_EVERY = 5;
const MODIFIED = '2025-11-02T17:45:09Z';

const address = (street: string, cont: string | null, city: string, state: string, zip: string) => ({
  address: street,
  addressCont: cont,
  city,
  stateRegion: state,
  postalCode: zip,
  country: 'United States',
});

/** The spec's propertyType enum, then the display strings of the contract's write table. */
export const PROPERTY_TYPES = [
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
  'Apartment',
  'Condo',
  'Commercial',
  'Du/Fourplex',
  'House',
  'Section 8/Affordable',
  'Senior',
  'Short-term/vacation',
  'Student',
  'Townhouse',
  'Other',
];

export const FOREIGN_PW_DATA: Record<'portfolios' | 'buildings' | 'units' | 'leases' | 'contacts', Json[]> = {
  portfolios: [{ id: 90017, name: 'Kowalczyk Family Trust', active: true, lastModifiedDateTime: MODIFIED }],
  buildings: [
    {
      id: 77003,
      name: 'Ødegaard Lofts',
      abbreviation: 'ODL',
      active: true,
      portfolioID: 90017,
      propertyType: 'SHORT_TERM_VACATION',
      countUnit: 2,
      address: address('9 Rue Sainte-Catherine', null, 'Burlington', 'VT', '05401'),
      yearBuilt: 1899,
      totalArea: 5400,
      areaUnits: 'Sq Ft',
      propertyManagerList: [
        { id: 3, name: 'Siobhán Ní Bhriain', email: 'SIOBHAN@pm.example', roleAsString: 'Manager' },
      ],
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 61002,
      name: 'Mill Race Cottages',
      active: false,
      portfolioID: 90017,
      propertyType: 'Single Family',
      countUnit: 1,
      category: 'RESIDENTIAL',
      address: address('1 Mill Race Ln', 'Lot 4', 'Bristol', 'VT', '05443'),
      lastModifiedDateTime: MODIFIED,
    },
    // One building of every propertyType the spec lists, and of the display strings reads return instead.
    ...PROPERTY_TYPES.map((propertyType, i) => ({
      id: 78000 + i,
      name: `Type test ${propertyType}`,
      active: true,
      portfolioID: 90017,
      propertyType,
      countUnit: 0,
      lastModifiedDateTime: MODIFIED,
    })),
  ],
  units: [
    {
      id: 8801,
      buildingID: 77003,
      name: 'Loft A',
      numberOfBedrooms: 1,
      numberOfBathrooms: 1,
      totalArea: 58,
      areaUnits: 'Sq M',
      targetRent: 2100,
      status: 'Occupied',
      active: true,
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 8799,
      buildingID: 77003,
      name: 'Loft B',
      numberOfBedrooms: 3,
      numberOfBathrooms: 2.5,
      totalArea: 1400,
      targetRent: 3333.33,
      status: 'Vacant',
      rentable: true,
      active: true,
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 8805,
      buildingID: 61002,
      name: 'Cottage',
      numberOfBedrooms: 2,
      numberOfBathrooms: 1,
      status: 'Vacant',
      active: false,
      lastModifiedDateTime: MODIFIED,
    },
  ],
  leases: [
    {
      id: 550021,
      buildingID: 77003,
      unitID: 8801,
      status: 'Active',
      active: true,
      startDate: '2025-02-28',
      endDate: '2026-02-27',
      moveInDate: '2025-03-01',
      baseRent: 2099.995,
      leaseBalance: -15.1,
      contacts: [
        {
          id: 3007,
          firstName: 'Łukasz',
          lastName: 'Kowalczyk',
          mobilePhone: '802 555 0107',
          primary: true,
          role: 'Tenant',
        },
        { id: 2990, firstName: 'Thảo', lastName: 'Nguyễn', primary: false, role: 'Tenant' },
      ],
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 550020,
      buildingID: 61002,
      unitID: 8805,
      status: 'Month-to-Month Holdover',
      active: false,
      startDate: '2019-06-01',
      endDate: null,
      moveOutDate: '2025-10-31',
      noticeGivenDate: '2025-09-30',
      baseRent: 1150,
      contacts: [{ id: 3011, firstName: "D'Andre", lastName: 'St. John', primary: true, role: 'Tenant' }],
      lastModifiedDateTime: MODIFIED,
    },
    // The other statuses the spec names, one lease each.
    {
      id: 550030,
      buildingID: 77003,
      unitID: 8799,
      status: 'Draft',
      active: false,
      startDate: '2026-09-01',
      endDate: '2027-08-31',
      baseRent: 3333.33,
      contacts: [{ id: 3020, primary: true, role: 'Tenant' }],
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 550031,
      buildingID: 61002,
      unitID: 8805,
      status: 'Eviction',
      active: false,
      startDate: '2018-01-01',
      endDate: '2019-05-31',
      moveOutDate: '2019-05-20',
      contacts: [
        { id: 3021, primary: true, role: 'Tenant' },
        { id: 3022, primary: false, role: 'Roommate' },
      ],
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 550032,
      buildingID: 77003,
      unitID: 8801,
      status: 'Terminated',
      active: false,
      startDate: '2023-02-01',
      endDate: '2024-01-31',
      moveOutDate: '2024-01-31',
      contacts: [{ id: 3022, primary: true, role: 'Tenant' }],
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 550033,
      buildingID: 77003,
      unitID: 8799,
      status: 'Active - Notice Given',
      active: true,
      startDate: '2025-01-01',
      endDate: '2026-06-30',
      noticeGivenDate: '2026-05-01',
      contacts: [{ id: 3023, primary: true, role: 'Tenant' }],
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 550034,
      buildingID: 61002,
      unitID: 8805,
      status: 'Month-to-Month Holdover',
      active: true,
      startDate: '2025-11-01',
      endDate: null,
      contacts: [{ id: 3023, primary: false, role: 'Co-Tenant' }],
      lastModifiedDateTime: MODIFIED,
    },
  ],
  contacts: [
    {
      id: 3007,
      type: 'TENANT',
      firstName: 'Łukasz',
      lastName: 'Kowalczyk',
      email: 'LUKASZ.K@Example.PL',
      homePhone: null,
      mobilePhone: '802 555 0107',
      workPhone: '+1 (802) 555-0199',
      otherPhone: '802-555-0100',
      birthDate: '1979-12-31',
      address: address('9 Rue Sainte-Catherine', 'Loft A', 'Burlington', 'VT', '05401'),
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 2990,
      type: 'TENANT',
      firstName: 'Thảo',
      middleName: 'Minh',
      lastName: 'Nguyễn',
      altEmail: 'thao@example.vn',
      homePhone: '8025550150',
      otherPhone: '+84 28 3823 4567',
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 3011,
      type: 'TENANT',
      firstName: "D'Andre",
      lastName: 'St. John',
      email: 'dandre@example.com',
      workPhone: '802.555.0123',
      comments: 'Moved out; forwarding address on file.',
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 3001,
      type: 'VENDOR',
      firstName: 'Grzegorz',
      lastName: 'Plumbing',
      company: 'GP Plumbing LLC',
      lastModifiedDateTime: MODIFIED,
    },
    { id: 3020, type: 'TENANT', firstName: 'Amara', lastName: 'Okafor', lastModifiedDateTime: MODIFIED },
    { id: 3021, type: 'TENANT', firstName: 'Rory', lastName: 'Gallagher', lastModifiedDateTime: MODIFIED },
    { id: 3022, type: 'TENANT', firstName: 'Ines', lastName: 'Duarte', lastModifiedDateTime: MODIFIED },
    { id: 3023, type: 'TENANT', firstName: 'Yusuf', lastName: 'Demir', lastModifiedDateTime: MODIFIED },
    // A tenant whose lease is gone: Propertyware gives it no building, so it cannot be a resident.
    {
      id: 3015,
      type: 'TENANT',
      firstName: 'Orla',
      lastName: 'Keane',
      email: 'orla@example.ie',
      lastModifiedDateTime: MODIFIED,
    },
    // A prospect: an applicant, not a resident.
    {
      id: 3030,
      type: 'PROSPECT',
      firstName: 'Priya',
      lastName: 'Raman',
      email: 'priya@example.in',
      lastModifiedDateTime: MODIFIED,
    },
  ],
};

const LIST_PATHS: Record<string, keyof typeof FOREIGN_PW_DATA> = {
  '/portfolios': 'portfolios',
  '/buildings': 'buildings',
  '/units': 'units',
  '/leases': 'leases',
  '/contacts': 'contacts',
};
const HIDES_DEACTIVATED = new Set(['buildings', 'units', 'portfolios']);

export interface ForeignPropertywareRestServer {
  url: string;
  /** Every request received, in order, with its status. */
  log: Array<{ path: string; query: string; status: number }>;
  close(): Promise<void>;
}

export async function startForeignPropertywareRestServer(): Promise<ForeignPropertywareRestServer> {
  const log: ForeignPropertywareRestServer['log'] = [];
  let received = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://foreign.invalid');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log.push({ path: url.pathname, query: url.search, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    received += 1;
    if (received % THROTTLE_EVERY === 0) return send(429, undefined);
    const h = req.headers;
    if (
      h['x-propertyware-client-id'] !== FOREIGN_PW_CREDENTIALS.clientId ||
      h['x-propertyware-client-secret'] !== FOREIGN_PW_CREDENTIALS.clientSecret ||
      h['x-propertyware-system-id'] !== FOREIGN_PW_CREDENTIALS.systemId
    ) {
      return send(401, { errorCode: '401', userMessage: 'Unauthorized', errors: [] });
    }
    const name = LIST_PATHS[url.pathname];
    if (!name || req.method !== 'GET') return send(404, { errorCode: '404', userMessage: 'Not Found', errors: [] });
    const q = url.searchParams;
    const since = q.get('lastModifiedDateTimeStart');
    let rows = FOREIGN_PW_DATA[name].filter(
      (r) =>
        (!HIDES_DEACTIVATED.has(name) || r.active !== false || q.get('includeDeactivated') === 'true') &&
        (name !== 'contacts' || !q.get('type') || r.type === q.get('type')) &&
        (!since || Date.parse(r.lastModifiedDateTime) >= Date.parse(since)),
    );
    if (/^id( asc)?$/i.test(q.get('orderby') ?? '')) rows = [...rows].sort((a, b) => a.id - b.id);
    const offset = Number(q.get('offset') ?? 0);
    const limit = Math.min(Number(q.get('limit') ?? 100), 500, PAGE_CAP);
    send(200, rows.slice(offset, offset + limit), { 'X-Total-Count': String(rows.length) });
  });
  return { ...(await listenOnLoopback(server)), log };
}

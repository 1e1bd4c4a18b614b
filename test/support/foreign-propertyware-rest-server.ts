import http from 'node:http';
import { listenOnLoopback, readBody } from './loopback-server';
import { openapiValidator } from './propexo-schema';

/**
 * A second, independent Propertyware REST v1 server, written from docs/vendors/propertyware-rest.md and
 * docs/reference/propertyware-openapi.json only (never from src/sandbox), so the adapter meets choices our
 * own simulator did not make: pages of at most two records whatever `limit` asks, a 429 (no Retry-After, an
 * empty body) on every 5th request, ids out of creation order unless `orderby` asks, nulls where the vendor
 * sends them, and hand-picked values the project has never seen.
 *
 * Writes (the vendor file's Writes section): POST and PUT of /contacts, /leases, /buildings, /units, bodies
 * checked against the spec's own Save/Update schemas (closed: an unknown field is refused), 415 without JSON,
 * 400 ErrorResponse `{errorCode, userMessage, errors[{key, message}]}` with keys as JSON paths (`address.country`),
 * a PUT replaces the whole record, reads serve what the read schema names (propertyType as display strings,
 * numberOfBedrooms, a unit's targetDeposit as a string). Its own choices: an unknown unit on a lease is a 404 (the
 * spec lists 404 for POST /leases), this organisation's lease statuses are the spec's five plus
 * `Month-to-Month Holdover`, and the 429 of every 5th request hits writes too.
 *
 * Lease charges and payments (the vendor file's Resident charges/payments): `GET /leases/charges` and
 * `/leases/payments` with `leaseID`, `postDateStart/End` and the usual paging and since-filter, hand-picked
 * ledger rows (a hidden recharge, an off-spec-looking PAYMENT_TYPE_NA, 0.10 + 0.20, a very large amount); `POST`
 * of SaveCharge / SavePayment checked against the spec (this organisation is in the beta program). The lease's
 * `leaseBalance` is what its ledger leaves owing, the hidden recharge not counted (the spec's `parentTxID`).
 *
 * Work orders (the vendor file's Service requests): `GET /workorders` (and `/workorders/{id}`) with hand-picked
 * orders: this organisation's own status wordings, a unit named in `unitIDs` only, a building-wide order whose
 * `unitIDs` is null, a `dateToEnter` with a zone offset, two vendors on one order. `POST /workorders`
 * (SaveWorkOrder; a new order reads "New", the requester as a name) and the BETA `PUT
 * /workorders/closeworkorder/{id}` (CloseWorkOrder; the order reads "Closed", 200 with a ResponseEntity).
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

export const FOREIGN_PW_DATA: Record<
  'portfolios' | 'buildings' | 'units' | 'leases' | 'contacts' | 'charges' | 'payments' | 'workorders',
  Json[]
> = {
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
      // What its ledger leaves owing (the hidden recharge 71005 not counted, as the spec says).
      leaseBalance: 98766532.1,
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
  // Lease 550021's ledger (GET /leases/charges, /leases/payments): two fees of 0.10 and 0.20 paid by one payment
  // with the December rent, a January rent part paid by an off-spec PAYMENT_TYPE_NA payment, a very large charge,
  // and a hidden recharge (parentTxID, same date as its parent: the spec says it is not in the balance).
  charges: [
    ...[
      [71001, '2025-12-01', 2100, 'Rent December'],
      [71002, '2025-12-15', 0.1, 'Water adjustment'],
      [71003, '2025-12-15', 0.2, 'Sewer adjustment'],
    ].map(([id, date, amount, comments]) => ({
      id,
      leaseID: 550021,
      portfolioID: 90017,
      date,
      amount,
      amountPaid: amount,
      amountDue: 0,
      glAccountID: 4001,
      comments,
      payments: [
        {
          id: 72001,
          amount: 2100.3,
          chargeAmountPaid: amount,
          date: '2025-12-20',
          settledDate: '2025-12-22',
          paymentType: 'ECHECK',
          refNo: 'EFT-88',
        },
      ],
      lastModifiedDateTime: MODIFIED,
    })),
    {
      id: 71004,
      leaseID: 550021,
      portfolioID: 90017,
      date: '2026-01-01',
      amount: 2100,
      amountPaid: 1000,
      amountDue: 1100,
      glAccountID: 4001,
      comments: 'Rent January',
      payments: [
        {
          id: 72002,
          amount: 1000,
          chargeAmountPaid: 1000,
          date: '2026-01-04',
          settledDate: '2026-01-04',
          paymentType: 'PAYMENT_TYPE_NA',
        },
      ],
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 71005,
      leaseID: 550021,
      portfolioID: 90017,
      date: '2026-01-01',
      amount: 2100,
      amountPaid: 0,
      amountDue: 2100,
      glAccountID: 4001,
      parentTxID: 71004,
      comments: 'Rent January (recharge)',
      payments: [],
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 71006,
      leaseID: 550021,
      portfolioID: 90017,
      date: '2026-01-09',
      amount: 98765432.1,
      amountPaid: 0,
      amountDue: 98765432.1,
      glAccountID: 4090,
      refNo: 'BUILD-OUT',
      payments: [],
      lastModifiedDateTime: MODIFIED,
    },
  ],
  payments: [
    {
      id: 72001,
      leaseID: 550021,
      portfolioID: 90017,
      contactID: 3007,
      date: '2025-12-20',
      depositDate: '2025-12-22',
      amount: 2100.3,
      paymentType: 'ECHECK',
      refNo: 'EFT-88',
      destinationAccountID: 1010,
      glAccountID: 1010,
      isDeposited: true,
      lines: [{ glAccountID: 1010, debit: 2100.3, credit: 0, buildingID: 77003, unitID: 8801 }],
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 72002,
      leaseID: 550021,
      portfolioID: 90017,
      contactID: 2990,
      date: '2026-01-04',
      depositDate: '2026-01-04',
      amount: 1000,
      paymentType: 'PAYMENT_TYPE_NA',
      comments: 'Partial',
      isDeposited: false,
      lastModifiedDateTime: MODIFIED,
    },
  ],
  // Work orders (the vendor file's Service requests): a status of this organisation's own wording, a unit named
  // only in unitIDs, a building-wide order whose unitIDs is null, a dateToEnter with a zone offset, two vendors.
  workorders: [
    {
      id: 44003,
      number: 18,
      buildingID: 77003,
      unitIDs: null,
      location: 'Ødegaard Lofts',
      status: 'Awaiting Owner Approval',
      priority: null,
      category: 'Roof',
      type: 'General',
      description: 'Slates loose on the north side',
      authorizeEnter: 'SPECIFIEDTIME',
      dateToEnter: '2026-01-20T09:30:00-05:00',
      requestedBy: 'Siobhán Ní Bhriain',
      assignedVendors: [],
      createdDateTime: '2026-01-12T22:05:00Z',
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 44001,
      number: 16,
      buildingID: 77003,
      unitID: 8801,
      unitIDs: [8801],
      status: 'Waiting on Parts',
      priority: 'MEDIUM',
      category: 'Appliance',
      type: 'Service Request',
      source: 'Tenant Portal',
      description: 'Fridge ices over — door seal torn',
      authorizeEnter: 'ANYTIME',
      requestedBy: 'Łukasz Kowalczyk',
      lease: 'Kowalczyk - Loft A',
      assignedVendors: [
        { id: 5101, name: 'GP Plumbing LLC' },
        { id: 5107, name: 'Øresund Appliance' },
      ],
      createdDateTime: '2025-12-29T08:00:00Z',
      lastModifiedDateTime: MODIFIED,
    },
    {
      id: 44002,
      number: 17,
      buildingID: 61002,
      unitIDs: [8805],
      status: 'Closed',
      priority: 'HIGH',
      category: 'Plumbing',
      description: 'Burst pipe in the crawl space',
      authorizeEnter: 'NO',
      startDate: '2025-10-02',
      completedDate: '2025-10-03',
      requestedBy: "D'Andre St. John",
      lease: 'St. John - Cottage',
      assignedVendors: [{ id: 5101, name: 'GP Plumbing LLC' }],
      createdDateTime: '2025-10-01T23:59:59Z',
      lastModifiedDateTime: MODIFIED,
    },
  ],
};

const LIST_PATHS: Record<string, keyof typeof FOREIGN_PW_DATA> = {
  '/workorders': 'workorders',
  '/leases/charges': 'charges',
  '/leases/payments': 'payments',
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
  log: Array<{ method: string; path: string; query: string; status: number }>;
  /** This server's records (a copy of FOREIGN_PW_DATA), as writes change them. */
  data: typeof FOREIGN_PW_DATA;
  close(): Promise<void>;
}

export async function startForeignPropertywareRestServer(): Promise<ForeignPropertywareRestServer> {
  const log: ForeignPropertywareRestServer['log'] = [];
  const data = structuredClone(FOREIGN_PW_DATA);
  let received = 0;
  const server = http.createServer((req, res) => void serve(req, res));
  const serve = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://foreign.invalid');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search, status });
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
    const close = /^\/workorders\/closeworkorder\/(\d+)$/.exec(url.pathname);
    if (close && req.method === 'PUT') {
      const answer = await closeWorkOrder(data, Number(close[1]), req);
      return send(answer.status, answer.body);
    }
    const one = /^(\/[a-z]+)\/(\d+)$/.exec(url.pathname);
    const name = LIST_PATHS[one ? one[1] : url.pathname];
    const notFound = () => send(404, { errorCode: '404', userMessage: 'Not Found', errors: [] });
    if (!name) return notFound();
    if (req.method === 'POST' || req.method === 'PUT') {
      const answer = await writeRecord(data, name, req.method, one ? Number(one[2]) : undefined, req);
      return send(answer.status, answer.body);
    }
    if (req.method !== 'GET') return notFound();
    if (one) {
      const record = data[name].find((r) => r.id === Number(one[2]));
      return record ? send(200, record) : notFound();
    }
    const q = url.searchParams;
    const since = q.get('lastModifiedDateTimeStart');
    let rows = data[name].filter(
      (r) =>
        (!HIDES_DEACTIVATED.has(name) || r.active !== false || q.get('includeDeactivated') === 'true') &&
        (name !== 'contacts' || !q.get('type') || r.type === q.get('type')) &&
        (!since || Date.parse(r.lastModifiedDateTime) >= Date.parse(since)) &&
        (!q.get('leaseID') || r.leaseID === Number(q.get('leaseID'))) &&
        (!q.get('postDateStart') || r.date >= q.get('postDateStart')!) &&
        (!q.get('postDateEnd') || r.date <= q.get('postDateEnd')!),
    );
    if (/^id( asc)?$/i.test(q.get('orderby') ?? '')) rows = [...rows].sort((a, b) => a.id - b.id);
    const offset = Number(q.get('offset') ?? 0);
    const limit = Math.min(Number(q.get('limit') ?? 100), 500, PAGE_CAP);
    send(200, rows.slice(offset, offset + limit), { 'X-Total-Count': String(rows.length) });
  };
  return { ...(await listenOnLoopback(server)), log, data };
}

// ---- writes ---------------------------------------------------------------------------------------------

type Collection = keyof typeof FOREIGN_PW_DATA;
const SCHEMAS: Partial<Record<Collection, { POST: string; PUT: string; read: string }>> = {
  contacts: { POST: 'SaveContact', PUT: 'SaveContact', read: 'Contact' },
  leases: { POST: 'SaveLease', PUT: 'SaveLease', read: 'Lease' },
  buildings: { POST: 'SaveBuilding', PUT: 'UpdateBuilding', read: 'Building' },
  units: { POST: 'SaveUnit', PUT: 'SaveUnit', read: 'Unit' },
  workorders: { POST: 'SaveWorkOrder', PUT: 'SaveWorkOrder', read: 'WorkOrder' },
  // BETA creates; their updates are not served here.
  charges: { POST: 'SaveCharge', PUT: 'SaveCharge', read: 'ChargeTx' },
  payments: { POST: 'SavePayment', PUT: 'SavePayment', read: 'Payment' },
};
const SPEC = 'propertyware-openapi.json';
const LEASE_STATUSES = [
  'Active',
  'Active - Notice Given',
  'Draft',
  'Eviction',
  'Terminated',
  'Month-to-Month Holdover',
];
/** SaveBuilding.propertyType codes -> the display strings reads serve (the contract's write table). */
const DISPLAY: Record<string, string> = {
  NONE: 'None',
  APARTMENT: 'Apartment',
  CONDO: 'Condo',
  COMMERCIAL: 'Commercial',
  DU_FOUR_PLEX: 'Du/Fourplex',
  HOUSE: 'House',
  SECTION_8_AFFORDABLE: 'Section 8/Affordable',
  SENIOR: 'Senior',
  SHORT_TERM_VACATION: 'Short-term/vacation',
  STUDENT: 'Student',
  TOWNHOUSE: 'Townhouse',
  OTHER: 'Other',
};
/** Save field -> read field where the read schema names it otherwise. */
const READ_NAME: Record<string, string> = { numberBedrooms: 'numberOfBedrooms', numberBathrooms: 'numberOfBathrooms' };
let nextId = 940_001;

type Answer = { status: number; body: unknown };
const refused = (status: number, userMessage: string, errors: Array<{ key: string; message: string }> = []) => ({
  status,
  body: { errorCode: String(status), userMessage, errors },
});

/** A write's JSON body, or the refusal of a request without one (415 without the JSON media type, 400 unreadable). */
async function jsonBody(req: http.IncomingMessage): Promise<{ body: Json } | { refusal: Answer }> {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
    return { refusal: refused(415, 'Unsupported Media Type') };
  try {
    return { body: JSON.parse(await readBody(req)) as Json };
  } catch {
    return { refusal: refused(400, 'Malformed JSON') };
  }
}

async function writeRecord(
  data: typeof FOREIGN_PW_DATA,
  name: Collection,
  method: 'POST' | 'PUT',
  id: number | undefined,
  req: http.IncomingMessage,
): Promise<Answer> {
  const schemas = SCHEMAS[name];
  if (!schemas || (method === 'POST') !== (id === undefined)) return refused(405, 'Method Not Allowed');
  const parsed = await jsonBody(req);
  if ('refusal' in parsed) return parsed.refusal;
  const body = parsed.body;
  const existing = id === undefined ? undefined : data[name].find((r) => r.id === id);
  if (id !== undefined && !existing) return refused(404, `No ${name} with id ${id}`);
  const validate = openapiValidator(SPEC, schemas[method], { closed: true });
  const errors = validate(body)
    ? []
    : (validate.errors ?? []).map((e) => {
        const path = [
          e.instancePath.slice(1).replace(/\//g, '.'),
          e.params?.missingProperty ?? e.params?.additionalProperty,
        ]
          .filter(Boolean)
          .join('.');
        return { key: path, message: e.message ?? 'is invalid' };
      });
  errors.push(...rules(data, name, body, existing));
  const missingUnit = name === 'leases' && !data.units.some((u) => u.id === body.unitID);
  if (missingUnit && errors.length === 0) return refused(404, `No unit with id ${body.unitID}`);
  if (errors.length > 0) return refused(400, 'Validation failed', errors);

  const now = new Date().toISOString().slice(0, 19) + 'Z';
  const record: Json = existing ?? { id: nextId++, createdDateTime: now };
  // A full replace: every field the read schema shows of the Save schema is set from the body, or blanked.
  const readSchema = openapiValidator(SPEC, schemas.read).schema as { properties: Record<string, unknown> };
  const saveSchema = openapiValidator(SPEC, schemas[method]).schema as { properties: Record<string, unknown> };
  for (const field of Object.keys(saveSchema.properties)) delete record[READ_NAME[field] ?? field];
  for (const [field, value] of Object.entries(body)) {
    const readName = READ_NAME[field] ?? field;
    if (!(readName in readSchema.properties)) continue;
    record[readName] =
      field === 'propertyType' ? DISPLAY[value] : field === 'targetDeposit' && name === 'units' ? String(value) : value;
  }
  record.lastModifiedDateTime = now;
  if (name === 'contacts' && !existing) record.type = 'OTHER';
  if (name === 'units') record.active = true;
  if (name === 'buildings') record.active = true;
  if (name === 'leases') {
    const unit = data.units.find((u) => u.id === body.unitID)!;
    record.buildingID = unit.buildingID;
    record.active = String(body.status ?? 'Active').startsWith('Active');
    record.status = body.status ?? 'Active';
    record.contacts = (body.tenantIDs as number[]).map((tenant) => {
      const contact = data.contacts.find((c) => c.id === tenant)!;
      // A contact on a lease is a tenant.
      if (contact.type !== 'TENANT') Object.assign(contact, { type: 'TENANT', lastModifiedDateTime: now });
      return {
        id: tenant,
        firstName: contact.firstName,
        lastName: contact.lastName,
        primary: tenant === body.primaryContactID,
        role: 'Tenant',
      };
    });
  }
  if (name === 'workorders') {
    // Reads name the requester (a contact id in SaveWorkOrder), give the first unit as unitID, and enter dates as
    // date-times; this organisation's new orders read "New", numbered after the last.
    const requester = data.contacts.find((c) => c.id === body.requestedBy);
    Object.assign(record, {
      number: Math.max(0, ...data.workorders.map((w) => w.number ?? 0)) + 1,
      status: 'New',
      portfolioID: data.buildings.find((b) => b.id === body.buildingID)?.portfolioID,
      unitID: body.unitIDs?.[0],
      requestedBy: requester ? `${requester.firstName} ${requester.lastName}` : undefined,
      dateToEnter: body.dateToEnter ? `${body.dateToEnter}T00:00:00Z` : undefined,
      assignedVendors: [],
    });
  }
  if (name === 'charges' || name === 'payments') {
    const lease = data.leases.find((l) => l.id === body.leaseID)!;
    record.portfolioID = data.buildings.find((b) => b.id === lease.buildingID)?.portfolioID;
    if (name === 'charges') Object.assign(record, { amountPaid: 0, amountDue: body.amount, payments: [] });
  }
  if (!existing) data[name].push(record);
  return { status: existing ? 200 : 201, body: record };
}

/** What the account refuses in a body the schema takes (the vendor file's rules). */
function rules(data: typeof FOREIGN_PW_DATA, name: Collection, body: Json, existing: Json | undefined) {
  const errors: Array<{ key: string; message: string }> = [];
  if (name === 'contacts' && existing && 'category' in body)
    errors.push({ key: 'category', message: 'Applicable only for CREATE Contact' });
  if (name === 'leases') {
    const tenants = Array.isArray(body.tenantIDs) ? (body.tenantIDs as unknown[]) : [];
    for (const tenant of tenants)
      if (!data.contacts.some((c) => c.id === tenant))
        errors.push({ key: 'tenantIDs', message: `No contact ${String(tenant)}` });
    if (!tenants.includes(body.primaryContactID))
      errors.push({ key: 'primaryContactID', message: 'Should be one of tenant IDs' });
    if (body.status !== undefined && !LEASE_STATUSES.includes(body.status))
      errors.push({ key: 'status', message: `Unknown lease status ${String(body.status)}` });
    if (!existing)
      for (const key of ['noticeGivenDate', 'reasonForLeaving'])
        if (key in body) errors.push({ key, message: 'Used only for Updating a Lease' });
  }
  if (name === 'workorders') {
    if (!data.buildings.some((b) => b.id === body.buildingID))
      errors.push({ key: 'buildingID', message: 'No such building' });
    for (const unit of Array.isArray(body.unitIDs) ? (body.unitIDs as unknown[]) : [])
      if (!data.units.some((u) => u.id === unit && u.buildingID === body.buildingID))
        errors.push({ key: 'unitIDs', message: `No unit ${String(unit)} in the building` });
    if (body.requestedBy !== undefined && !data.contacts.some((c) => c.id === body.requestedBy))
      errors.push({ key: 'requestedBy', message: 'No such contact' });
  }
  if ((name === 'charges' || name === 'payments') && !data.leases.some((l) => l.id === body.leaseID))
    errors.push({ key: 'leaseID', message: 'No such lease' });
  if (name === 'payments') {
    const lease = data.leases.find((l) => l.id === body.leaseID);
    if (lease && !lease.contacts.some((c: Json) => c.id === body.contactID))
      errors.push({ key: 'contactID', message: 'Not a tenant of the lease' });
  }
  if (name === 'buildings' && !existing && !data.portfolios.some((p) => p.id === body.portfolioID))
    errors.push({ key: 'portfolioID', message: 'No such portfolio' });
  if (name === 'units') {
    const building = data.buildings.find((b) => b.id === body.buildingID);
    if (!building) errors.push({ key: 'buildingID', message: 'No such building' });
    else if (building.portfolioID !== body.portfolioID)
      errors.push({ key: 'portfolioID', message: "Must be the building's portfolio" });
  }
  return errors;
}

/**
 * PUT /workorders/closeworkorder/{id} (BETA; this organisation is in the program): a CloseWorkOrder, checked against
 * the spec; the order reads "Closed" with its completion date and the time card's vendors assigned (its own
 * choices); 200 with a ResponseEntity, not the record.
 */
async function closeWorkOrder(data: typeof FOREIGN_PW_DATA, id: number, req: http.IncomingMessage): Promise<Answer> {
  const parsed = await jsonBody(req);
  if ('refusal' in parsed) return parsed.refusal;
  const body = parsed.body;
  const validate = openapiValidator(SPEC, 'CloseWorkOrder', { closed: true });
  if (!validate(body))
    return refused(
      400,
      'Validation failed',
      (validate.errors ?? []).map((e) => ({
        key: e.instancePath.slice(1) || 'body',
        message: e.message ?? 'is invalid',
      })),
    );
  const order = data.workorders.find((w) => w.id === id);
  if (!order) return refused(404, `No work order with id ${id}`);
  const vendors = (body.timeCardEntry as Json[]).map((entry) => ({
    id: entry.vendorID,
    name: `Vendor ${entry.vendorID}`,
  }));
  Object.assign(order, {
    status: 'Closed',
    completedDate: body.completedDate ?? new Date().toISOString().slice(0, 10),
    assignedVendors: [
      ...order.assignedVendors,
      ...vendors.filter((v) => !order.assignedVendors.some((a: Json) => a.id === v.id)),
    ],
    lastModifiedDateTime: new Date().toISOString().slice(0, 19) + 'Z',
  });
  return { status: 200, body: { statusCode: '200' } };
}

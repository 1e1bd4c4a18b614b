import { createAsyncServer, listenOnLoopback, readBody } from './loopback-server';

/**
 * A minimal Entrata API written from docs/vendors/entrata.md alone (no project code), with a small
 * hand-picked portfolio. Where the contract leaves a choice open it chooses differently from our sandbox:
 * the property of getPropertyUnits is a plain `propertyId`, customer ids are plain `Id` fields, phone types
 * and lease ids sit under `@attributes`, times use a 12-hour clock, getLeases lists every lease whatever
 * leaseStatusTypeIds asks for. Applications (Applicant intervals) are listed with the leases and their
 * applicants with the customers, as getCustomers takes no status. Every 6th request is answered with the 429
 * error body; every answer carries the X-RateLimit-* headers.
 */

type Json = Record<string, any>;

export const FOREIGN_ENTRATA_CREDENTIALS = { apiKey: 'foreign-entrata-key', companyId: 'pinecrest' };
const THROTTLE_EVERY = 6;

const PROPERTIES: Json[] = [
  {
    PropertyID: 7001,
    MarketingName: 'Pinecrest Commons',
    Type: 'Apartment',
    Address: {
      '@attributes': { AddressType: 'property' },
      Address: '500 Larimer St',
      City: 'Denver',
      State: 'CO',
      PostalCode: '80204',
    },
    IsDisabled: 0,
  },
  {
    PropertyID: 7002,
    MarketingName: 'Mesa Student Village',
    Type: 'Student',
    Address: {
      '@attributes': { AddressType: 'property' },
      Address: '12 College Ave',
      City: 'Fort Collins',
      State: 'CO',
      PostalCode: '80524',
    },
    IsDisabled: 0,
  },
  {
    PropertyID: 7003,
    MarketingName: 'Old Mill Flats',
    Type: 'Lighthouse',
    Address: {
      '@attributes': { AddressType: 'property' },
      Address: '3 Mill Rd',
      City: 'Golden',
      State: 'CO',
      PostalCode: '80401',
    },
    IsDisabled: 1,
  },
];

/** Units by property (7003 has one unit: the list collapses to an object). */
const UNITS: Record<number, Json[]> = {
  7001: [
    {
      id: 81,
      unitNumber: 'A-1',
      unitTypeId: 5,
      bedrooms: 1,
      bathrooms: 1,
      squareFeet: 640,
      marketRent: '1095.00',
      isVacant: false,
    },
    {
      id: 82,
      unitNumber: 'A-2',
      unitTypeId: 6,
      bedrooms: 2,
      bathrooms: 2.5,
      squareFeet: 1020,
      marketRent: '1540.25',
      isVacant: false,
    },
    {
      id: 83,
      unitNumber: 'A-3',
      unitTypeId: 6,
      bedrooms: 2,
      bathrooms: 2,
      squareFeet: 990,
      marketRent: '1510.00',
      isVacant: true,
    },
  ],
  7002: [
    {
      id: 91,
      unitNumber: '101',
      unitTypeId: 9,
      bedrooms: 4,
      bathrooms: 2,
      squareFeet: 1400,
      marketRent: '2800.00',
      isVacant: false,
    },
    {
      id: 92,
      unitNumber: '102',
      unitTypeId: 9,
      bedrooms: 4,
      bathrooms: 2,
      squareFeet: 1400,
      marketRent: '2800.00',
      isVacant: false,
    },
  ],
  7003: [
    { id: 99, unitNumber: 'Loft', bedrooms: 0, bathrooms: 1, squareFeet: 520, marketRent: '875.5', isVacant: true },
  ],
};

/** Leases by property (7003 has none). */
const SEEDED_LEASES: Record<number, Json[]> = {
  7001: [
    {
      '@attributes': { id: '5001' },
      unitId: 81,
      leaseIntervalStatus: 'Current',
      startDate: '03/01/2025',
      endDate: '02/28/2026',
      moveInDate: '03/01/2025',
      rent: '1095.00',
      customers: { customer: { id: 601, customerType: 'Primary' } },
    },
    {
      '@attributes': { id: '5002' },
      unitId: 82,
      leaseIntervalStatus: 'Notice',
      startDate: '06/15/2024',
      endDate: '06/14/2025',
      moveInDate: '06/16/2024',
      moveOutDate: '06/14/2025',
      noticeDate: '04/10/2025 4:45 PM',
      rent: '1499.99',
      customers: {
        customer: [
          { id: 602, customerType: 'Primary' },
          { id: 603, customerType: 'Responsible' },
        ],
      },
    },
  ],
  7002: [
    {
      '@attributes': { id: '5003' },
      unitId: 91,
      leaseIntervalStatus: 'Past',
      startDate: '08/20/2023',
      endDate: '05/15/2024',
      moveInDate: '08/20/2023',
      moveOutDate: '05/15/2024',
      noticeDate: '01/31/2024 8:05 AM',
      rent: '700.00',
      customers: {
        customer: [
          { id: 604, customerType: 'Primary' },
          { id: 605, customerType: 'Guarantor' },
        ],
      },
    },
    {
      '@attributes': { id: '5004' },
      unitId: 92,
      leaseIntervalStatus: 'Applicant',
      startDate: '08/15/2026',
      endDate: '05/31/2027',
      rent: '725',
      customers: { customer: { id: 606, customerType: 'Primary' } },
    },
    // Liam (a past resident) applies again with Aroha: an application naming a resident and an applicant.
    {
      '@attributes': { id: '5005' },
      unitId: 91,
      leaseIntervalStatus: 'Applicant',
      startDate: '09/01/2026',
      endDate: '08/31/2027',
      rent: '760.00',
      customers: {
        customer: [
          { id: 607, customerType: 'Primary' },
          { id: 604, customerType: 'Responsible' },
        ],
      },
    },
  ],
};

/** Customers by property. */
const SEEDED_CUSTOMERS: Record<number, Json[]> = {
  7001: [
    {
      Id: 601,
      FirstName: 'Marisol',
      LastName: 'Vega',
      Email: 'Marisol.Vega@Example.org',
      Phone: { '@attributes': { PhoneType: 'Mobile' }, PhoneNumber: '+1 (303) 555-0142' },
      Address: '500 Larimer St A-1',
      DateOfBirth: '09/09/1990',
      LeaseId: 5001,
    },
    {
      Id: 602,
      FirstName: 'Tomasz',
      MiddleName: 'J',
      LastName: 'Wiśniewski',
      Phone: [
        { '@attributes': { PhoneType: 'Home' }, PhoneNumber: '303-555-0177' },
        { '@attributes': { PhoneType: 'Fax' }, PhoneNumber: '303.555.0178' },
      ],
      Address: '500 Larimer St A-2',
      LeaseId: 5002,
    },
    {
      Id: 603,
      FirstName: 'Ngozi',
      LastName: 'Adeyemi',
      Email: 'ngozi@example.net',
      Address: '500 Larimer St A-2',
      DateOfBirth: '02/29/2000',
      LeaseId: 5002,
    },
  ],
  7002: [
    {
      Id: 604,
      FirstName: 'Liam',
      LastName: 'Byrne',
      Email: 'LIAM.BYRNE@EXAMPLE.COM',
      Phone: { '@attributes': { PhoneType: 'Satellite' }, PhoneNumber: '970 555 0101' },
      Address: '12 College Ave 101',
      LeaseId: 5003,
    },
    {
      Id: 605,
      FirstName: 'Siobhan',
      LastName: 'Byrne',
      Address: '44 Shore Rd',
      DateOfBirth: '12/12/1965',
      LeaseId: 5003,
    },
    {
      Id: 606,
      FirstName: 'Kai',
      LastName: 'Nakamura',
      Email: 'kai@example.com',
      Phone: { '@attributes': { PhoneType: 'Office' }, PhoneNumber: '9705550199' },
      Address: '12 College Ave 102',
      LeaseId: 5004,
    },
    // Aroha's customer record names no lease; the application 5005 lists her.
    { Id: 607, FirstName: 'Aroha', LastName: 'Ngata', Email: 'aroha@example.nz', Address: '9 Tui St' },
    // Mateo's LeaseId is the application 5004, whose customer list leaves him out.
    {
      Id: 608,
      FirstName: 'Mateo',
      LastName: 'Rossi',
      Phone: { '@attributes': { PhoneType: 'Mobile' }, PhoneNumber: '9705550123' },
      Address: '12 College Ave 102',
      LeaseId: 5004,
    },
  ],
};

const SERVICES: Record<string, string> = {
  '/properties': 'getProperties',
  '/propertyunits': 'getPropertyUnits',
  '/leases': 'getLeases',
  '/customers': 'getCustomers',
};

/** XML-to-JSON as the contract describes it: a one-element list is the element itself. */
const collapse = (list: Json[]) => (list.length === 1 ? list[0] : list);
const asList = (value: unknown): Json[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
const leaseIdOf = (lease: Json) => String(lease['@attributes'].id);

export interface ForeignEntrataServer {
  url: string;
  /** Every request: service, method name, params and the error code answered (200 for results). */
  log: Array<{ service: string; method: string; params: Json; code: number }>;
  /** This server's own portfolio (a copy per server), which the changes below edit between syncs. */
  leases: Record<number, Json[]>;
  customers: Record<number, Json[]>;
  /** Every link it shows: a lease's customers list, as [lease id, customer id]. */
  links(): Array<[string, string]>;
  /** A new customer of the lease's property, on the lease's customers list with that type. */
  addCustomer(leaseId: string, customer: Json, customerType: string): void;
  /**
   * Takes a customer off its lease and/or puts it on another: the leases' customers lists and its LeaseId.
   * Here a customer stays listed under its property without a lease (LeaseId gone), and moves to the new
   * lease's property.
   */
  moveCustomer(customerId: number, toLeaseId: string | null): void;
  /** The customer is gone: from its property and from every lease's customers list. */
  deleteCustomer(customerId: number): void;
  close(): Promise<void>;
}

export async function startForeignEntrataServer(): Promise<ForeignEntrataServer> {
  const log: ForeignEntrataServer['log'] = [];
  const LEASES: Record<number, Json[]> = structuredClone(SEEDED_LEASES);
  const CUSTOMERS: Record<number, Json[]> = structuredClone(SEEDED_CUSTOMERS);
  const findLease = (leaseId: string) =>
    Object.entries(LEASES)
      .flatMap(([property, leases]) => leases.map((lease) => ({ property: Number(property), lease })))
      .find(({ lease }) => leaseIdOf(lease) === leaseId);
  const setCustomers = (lease: Json, list: Json[]) => {
    if (list.length === 0) delete lease.customers;
    else lease.customers = { customer: collapse(list) };
  };
  const offLeases = (customerId: number) => {
    for (const lease of Object.values(LEASES).flat())
      setCustomers(
        lease,
        asList(lease.customers?.customer).filter((c) => c.id !== customerId),
      );
  };
  /** Takes a customer out of its property's list: the customer and that property. */
  const takeCustomer = (customerId: number): { property: number; customer: Json } => {
    for (const [property, list] of Object.entries(CUSTOMERS)) {
      const i = list.findIndex((c) => c.Id === customerId);
      if (i >= 0) return { property: Number(property), customer: list.splice(i, 1)[0] };
    }
    throw new Error(`no customer ${customerId}`);
  };
  const changes = {
    leases: LEASES,
    customers: CUSTOMERS,
    links: () =>
      Object.values(LEASES)
        .flat()
        .flatMap((lease) =>
          asList(lease.customers?.customer).map((c): [string, string] => [leaseIdOf(lease), String(c.id)]),
        ),
    addCustomer: (leaseId: string, customer: Json, customerType: string) => {
      const { property, lease } = findLease(leaseId)!;
      (CUSTOMERS[property] ??= []).push({ ...customer, LeaseId: Number(leaseId) });
      setCustomers(lease, [...asList(lease.customers?.customer), { id: customer.Id, customerType }]);
    },
    moveCustomer: (customerId: number, toLeaseId: string | null) => {
      const { property: home, customer } = takeCustomer(customerId);
      offLeases(customerId);
      if (toLeaseId === null) {
        delete customer.LeaseId;
        CUSTOMERS[home].push(customer);
        return;
      }
      const { property, lease } = findLease(toLeaseId)!;
      (CUSTOMERS[property] ??= []).push({ ...customer, LeaseId: Number(toLeaseId) });
      setCustomers(lease, [...asList(lease.customers?.customer), { id: customerId, customerType: 'Responsible' }]);
    },
    deleteCustomer: (customerId: number) => {
      takeCustomer(customerId);
      offLeases(customerId);
    },
  };
  let served = 0;
  const server = createAsyncServer(async (req, res) => {
    const text = await readBody(req);
    served += 1;
    const remaining = Math.max(0, 150 - served);
    const headers = {
      'content-type': 'application/json',
      'X-RateLimit-Limit-Minute': '150',
      'X-RateLimit-Remaining-Minute': String(remaining),
      'X-RateLimit-Limit-Hour': '1000',
      'X-RateLimit-Remaining-Hour': String(1000 - served),
      'X-RateLimit-Limit-Day': '15000',
      'X-RateLimit-Remaining-Day': String(15000 - served),
    };
    let body: Json = {};
    try {
      body = JSON.parse(text || '{}');
    } catch {
      // answered below as a bad request
    }
    const service = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    const params: Json = body.method?.params ?? {};
    const entry = { service, method: String(body.method?.name), params, code: 200 };
    log.push(entry);
    const answer = (payload: Json) =>
      res.writeHead(200, headers).end(JSON.stringify({ response: { requestId: body.requestId ?? null, ...payload } }));
    const error = (code: number, message: string) => {
      entry.code = code;
      answer({ error: { code, message } });
    };
    if (served % THROTTLE_EVERY === 0) return error(429, 'Rate limit reached. Try again later.');
    if (req.method !== 'POST' || !SERVICES[service]) return res.writeHead(404, headers).end('{}');
    if (req.headers['x-api-key'] !== FOREIGN_ENTRATA_CREDENTIALS.apiKey || body.auth?.type !== 'apikey')
      return error(301, 'Authentication failed.');
    if (body.method?.name !== SERVICES[service] || body.method?.version !== 'r1')
      return error(400, 'Unknown method or version.');

    if (service === '/properties')
      return answer({ code: 200, result: { PhysicalProperty: { Property: collapse(PROPERTIES) } } });
    if (service === '/propertyunits') {
      const ids = String(params.propertyIds ?? '')
        .split(',')
        .map(Number)
        .filter((id) => UNITS[id]);
      return answer({
        code: 200,
        result: {
          properties: {
            property: collapse(ids.map((id) => ({ propertyId: id, units: { unit: collapse(UNITS[id]) } }))),
          },
        },
      });
    }
    const propertyId = Number(params.propertyId);
    const pageNo = Number(params.pageNo ?? 1);
    const perPage = Number(params.perPageCount ?? 1000);
    if (
      !Number.isInteger(propertyId) ||
      !Number.isInteger(pageNo) ||
      pageNo < 1 ||
      !Number.isInteger(perPage) ||
      perPage < 1 ||
      perPage > 1000
    ) {
      return error(400, 'Invalid propertyId, pageNo or perPageCount.');
    }
    // The contract names getLeases' leaseStatusTypeIds but not its ids: every lease is listed, whatever is asked.
    const all = (service === '/leases' ? LEASES : CUSTOMERS)[propertyId] ?? [];
    const page = all.slice((pageNo - 1) * perPage, pageNo * perPage);
    const [outer, inner] = service === '/leases' ? ['leases', 'lease'] : ['Customers', 'Customer'];
    return answer({ code: 200, result: { [outer]: page.length ? { [inner]: collapse(page) } : {} } });
  });
  return { ...(await listenOnLoopback(server)), log, ...changes };
}

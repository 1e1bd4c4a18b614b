import { createAsyncServer, listenOnLoopback, readBody } from './loopback-server';

/**
 * An AppFolio server written from docs/vendors/appfolio.md alone (it imports nothing of ours), with a
 * small hand-picked customer database. Its own choices where the contract leaves room: ids are integers,
 * amounts are strings with thousands separators, tenant_ids is a JSON array, a cursor is an opaque
 * base64 token. It also pages three rows at a time, lets the first rent_roll cursor expire (410), throttles
 * its third request (429, Retry-After: 1), has one tenant its directory lookup does not know, and one former
 * tenant whose occupancy the rent roll does not list. v0 tenant ledgers and charge creates: see LEDGER; v0 work
 * orders and their notes: see WORK_ORDERS.
 */

type Json = Record<string, any>;

export const FOREIGN_CREDENTIALS = {
  clientId: 'harbor-client',
  clientSecret: 'harbor-s3cret',
  developerId: 'harbor-dev-42',
};

const PAGE_SIZE = 3;
const THROTTLED_REQUEST = 3;

const PROPERTIES: Json[] = [
  {
    property_id: 7,
    property_name: 'Harbor View Flats',
    property_address: '1 Wharf Rd',
    property_city: 'Savannah',
    property_state: 'GA',
    property_zip: '31401',
    property_type: 'Multi-Family',
    units: 3,
  },
  {
    property_id: 8,
    property_name: 'Casa Lomita',
    property_address: '77 Calle del Sol',
    property_city: 'Santa Fe',
    property_state: 'NM',
    property_zip: '87501',
    property_type: 'Single-Family',
    units: 1,
  },
  {
    property_id: 9,
    property_name: 'Quarry Works',
    property_address: '5 Granite Way',
    property_city: 'Barre',
    property_state: 'VT',
    property_zip: '05641',
    property_type: 'Warehouse Loft',
    units: 2,
  },
];

const UNITS: Json[] = [
  {
    unit_id: 70,
    property_id: 7,
    unit_name: 'A1',
    bedrooms: 1,
    bathrooms: 1,
    sqft: 640,
    market_rent: '1,295.00',
    unit_status: 'Current',
  },
  {
    unit_id: 71,
    property_id: 7,
    unit_name: 'A2',
    bedrooms: 2,
    bathrooms: 1.5,
    sqft: 910,
    market_rent: '1,640.50',
    unit_status: 'Notice-Rented',
  },
  {
    unit_id: 72,
    property_id: 7,
    unit_name: 'B1',
    bedrooms: 2,
    bathrooms: 2,
    sqft: 1020,
    market_rent: '1,810.00',
    unit_status: 'Vacant-Rented',
  },
  {
    unit_id: 80,
    property_id: 8,
    unit_name: 'House',
    bedrooms: 3,
    bathrooms: 2.5,
    sqft: 1875,
    market_rent: '2,400.00',
    unit_status: 'Evict',
  },
  {
    unit_id: 90,
    property_id: 9,
    unit_name: 'L1',
    bedrooms: 0,
    bathrooms: 1,
    sqft: null,
    market_rent: '995.00',
    unit_status: 'Vacant-Rented',
  },
  {
    unit_id: 91,
    property_id: 9,
    unit_name: 'L2',
    bedrooms: 1,
    bathrooms: 1,
    sqft: 720,
    market_rent: null,
    unit_status: 'Vacant-Unrented',
  },
];

const RENT_ROLL: Json[] = [
  {
    occupancy_id: 700,
    unit_id: 70,
    property_id: 7,
    status: 'Current',
    lease_from: '2025-02-01',
    lease_to: '2026-01-31',
    move_in: '2025-02-03',
    move_out: null,
    rent: '1,275.00',
    deposit: '1,275.00',
    tenant_ids: [3101, 3102],
  },
  {
    occupancy_id: 701,
    unit_id: 71,
    property_id: 7,
    status: 'Notice-Rented',
    lease_from: '2024-09-01',
    lease_to: '2025-08-31',
    move_in: '2024-09-01',
    move_out: '2025-08-31',
    rent: '1,600.00',
    deposit: null,
    tenant_ids: [3103],
  },
  {
    occupancy_id: 702,
    unit_id: 72,
    property_id: 7,
    status: 'Vacant-Rented',
    lease_from: '2026-04-01',
    lease_to: '2027-03-31',
    move_in: '2026-04-01',
    move_out: null,
    rent: '1,810.00',
    deposit: '500.00',
    tenant_ids: [3104, 3105],
  },
  {
    occupancy_id: 800,
    unit_id: 80,
    property_id: 8,
    status: 'Evict',
    lease_from: '2023-06-15',
    lease_to: null,
    move_in: '2023-06-15',
    move_out: '2025-11-30',
    rent: '2,350.75',
    deposit: '0.00',
    tenant_ids: [3106],
  },
  {
    occupancy_id: 900,
    unit_id: 90,
    property_id: 9,
    status: 'Future',
    lease_from: '2026-05-01',
    lease_to: '2027-04-30',
    move_in: '2026-05-01',
    move_out: null,
    rent: '995.00',
    deposit: '995.00',
    tenant_ids: [3107, 3108],
  },
];

const TENANTS: Json[] = [
  {
    tenant_id: 3101,
    occupancy_id: 700,
    first_name: 'Marisol',
    last_name: 'Ybarra',
    status: 'Current',
    tenant_type: 'Financially Responsible',
  },
  {
    tenant_id: 3102,
    occupancy_id: 700,
    first_name: 'Teo',
    last_name: 'Ybarra',
    status: 'Current',
    tenant_type: 'Occupant',
  },
  {
    tenant_id: 3103,
    occupancy_id: 701,
    first_name: 'Grainne',
    last_name: 'Ní Bhraonáin',
    status: 'Notice',
    tenant_type: 'Financially Responsible',
  },
  {
    tenant_id: 3104,
    occupancy_id: 702,
    first_name: 'Obinna',
    last_name: 'Eze',
    status: 'Future',
    tenant_type: 'Financially Responsible',
  },
  {
    tenant_id: 3105,
    occupancy_id: 702,
    first_name: 'Ngozi',
    last_name: 'Eze',
    status: 'Future',
    tenant_type: 'Guarantor',
  },
  {
    tenant_id: 3106,
    occupancy_id: 800,
    first_name: 'Dale',
    last_name: 'Pruitt',
    status: 'Evict',
    tenant_type: 'Financially Responsible',
  },
  {
    tenant_id: 3107,
    occupancy_id: 900,
    first_name: 'Signe',
    last_name: 'Halvorsen',
    status: 'Future',
    tenant_type: 'Financially Responsible',
  },
  {
    tenant_id: 3108,
    occupancy_id: 900,
    first_name: 'Arvid',
    last_name: 'Lund',
    status: 'Future',
    tenant_type: 'Financially Responsible',
  },
  // A former tenant: its occupancy is on no rent roll row, and its directory row names no property.
  {
    tenant_id: 3109,
    occupancy_id: 650,
    first_name: 'Ines',
    last_name: 'Albuquerque',
    status: 'Past',
    tenant_type: 'Financially Responsible',
  },
];

/** The directory lookup's tenants: 3106 is not among them. */
const DIRECTORY: Json[] = [
  {
    Id: 3101,
    Emails: ['Marisol.Ybarra@Harbor.Example'],
    PhoneNumbers: [
      { Number: '912-555-0101', Label: 'Mobile' },
      { Number: '(912) 555-0199', Label: 'Work' },
    ],
    DateOfBirth: '1986-11-02',
  },
  { Id: 3102, Emails: [], PhoneNumbers: [], DateOfBirth: '2011-03-09' },
  {
    Id: 3103,
    Emails: ['grainne@example.ie', 'g.nib@work.example'],
    PhoneNumbers: [{ Number: '+1 912 555 0142', Label: 'Home' }],
    DateOfBirth: null,
  },
  {
    Id: 3104,
    Emails: ['OBINNA.EZE@EXAMPLE.COM'],
    PhoneNumbers: [
      { Number: '9125550177', Label: 'Fax' },
      { Number: '912.555.0178', Label: 'Mobile' },
    ],
    DateOfBirth: '1979-07-21',
  },
  {
    Id: 3105,
    Emails: ['ngozi.eze@example.com'],
    PhoneNumbers: [{ Number: '+234 803 555 0101', Label: 'Mobile' }],
    DateOfBirth: '1953-01-30',
  },
  { Id: 3107, Emails: ['signe@fjord.example'], PhoneNumbers: [], DateOfBirth: '1992-12-31' },
  { Id: 3108, Emails: [], PhoneNumbers: [{ Number: '802-555-0108', Label: 'Home' }], DateOfBirth: null },
  { Id: 3109, Emails: ['ines@example.pt'], PhoneNumbers: [], DateOfBirth: null },
];

/**
 * Occupancy 700's v0 tenant ledger (appfolio.md, Resident charges and payments). Its own choices: amounts with
 * thousands separators like its reports, Reference null where there is none, a Credit row, and one payment
 * applied to three charges.
 */
const LEDGER: Json[] = [
  ['Charge', 5501, '2025-12-01', '1,275.00', '0.00', 'Rent', 40000],
  ['Charge', 5502, '2025-12-15', '0.10', '0.00', 'Water', 40500],
  ['Charge', 5503, '2025-12-15', '0.20', '0.00', 'Sewer', 40500],
  ['Payment', 5504, '2025-12-19', '1,275.30', undefined, 'Payment', 11000],
  ['Charge', 5505, '2026-01-01', '1,275.00', '1,175.00', 'Rent', 40000],
  ['Credit', 5506, '2026-01-02', '100.00', undefined, 'Concession', 40000],
  ['Charge', 5507, '2026-01-09', '98,765,432.10', '98,765,432.10', 'Renovation', 40900],
].map(([Type, Id, PostedOn, Amount, AmountDue, Description, GlAccountId]) => ({
  Id,
  Type,
  OccupancyId: 700,
  PropertyId: 7,
  UnitId: 70,
  PostedOn,
  Amount,
  ...(Type === 'Charge' ? { AmountDue } : {}),
  Description,
  GlAccountId,
  Reference: Type === 'Payment' ? 'ACH 88121' : null,
  ...(Type === 'Payment'
    ? {
        PaymentType: 'ACH',
        AppliedTo: [
          { ChargeId: 5501, Amount: '1,275.00' },
          { ChargeId: 5502, Amount: '0.10' },
          { ChargeId: 5503, Amount: '0.20' },
        ],
      }
    : {}),
  LastUpdatedAt: '2026-01-09T16:20:00Z',
}));
/**
 * v0 work orders (appfolio.md, Service requests). Its own choices: two pages of two, notes served newest first
 * whatever `sort` says, a status outside Propexo's list ('Estimate Requested'), an order on no unit, amounts with
 * thousands separators, and only users 61 and 62 are Maintenance Techs.
 */
const WORK_ORDERS: Json[] = [
  {
    Id: 41,
    WorkOrderNumber: 'WO-41',
    PropertyId: 7,
    UnitId: 70,
    OccupancyId: 700,
    Status: 'Scheduled',
    Priority: 'Urgent',
    WorkOrderType: 'Plumbing',
    JobDescription: 'Water heater leaking',
    Instructions: 'Key in lockbox 2291',
    PermissionToEnter: true,
    VendorId: 5150,
    AssignedUsers: [61, 62],
    CreatedAt: '2025-12-28T09:41:07Z',
    ScheduledStart: '2025-12-30T14:00:00Z',
    ScheduledEnd: '2025-12-30T16:00:00Z',
    WorkDoneOn: null,
    CompletedOn: null,
    Amount: null,
    ServiceRequestDescription: 'Puddle under the heater in the hall closet',
    LastUpdatedAt: '2025-12-29T10:00:00Z',
  },
  {
    Id: 42,
    WorkOrderNumber: 'WO-42',
    PropertyId: 7,
    UnitId: null,
    OccupancyId: null,
    Status: 'Estimate Requested',
    Priority: 'Low',
    WorkOrderType: 'Landscaping',
    JobDescription: 'Trim the courtyard oaks',
    Instructions: null,
    PermissionToEnter: null,
    VendorId: null,
    AssignedUsers: [],
    CreatedAt: '2026-01-03T17:05:00Z',
    ScheduledStart: null,
    ScheduledEnd: null,
    WorkDoneOn: null,
    CompletedOn: null,
    Amount: null,
    ServiceRequestDescription: null,
    LastUpdatedAt: '2026-01-03T17:05:00Z',
  },
  {
    Id: 43,
    WorkOrderNumber: 'WO-43',
    PropertyId: 8,
    UnitId: 80,
    OccupancyId: 800,
    Status: 'Completed',
    Priority: 'Normal',
    WorkOrderType: 'Appliance',
    JobDescription: 'Oven will not heat',
    Instructions: 'Tenant works nights; knock loudly',
    PermissionToEnter: false,
    VendorId: 5151,
    AssignedUsers: [62],
    CreatedAt: '2025-11-02T08:00:00Z',
    ScheduledStart: '2025-11-04T13:00:00Z',
    ScheduledEnd: '2025-11-04T14:30:00Z',
    WorkDoneOn: '2025-11-04',
    CompletedOn: '2025-11-05',
    Amount: '1,212.40',
    ServiceRequestDescription: 'Bake element dead',
    LastUpdatedAt: '2025-11-05T12:00:00Z',
  },
];
/** Each work order's notes, oldest first. */
const NOTES: Record<number, Json[]> = {
  41: [
    { Id: 1, Body: 'Shut-off valve closed', CreatedAt: '2025-12-28T10:00:00Z' },
    { Id: 2, Body: 'Plumber booked for the 30th', CreatedAt: '2025-12-29T10:00:00Z' },
  ],
  43: [{ Id: 3, Body: 'Element replaced', CreatedAt: '2025-11-05T12:00:00Z' }],
};
const WORK_ORDER_STATUSES = [
  'New',
  'Estimate Requested',
  'Assigned',
  'Scheduled',
  'Waiting',
  'Work Completed',
  'Completed',
  'Canceled',
];
const PRIORITIES = ['Urgent', 'Normal', 'Low'];
const TECHS = [61, 62];
const WORK_ORDER_PAGE = 2;
const CREATE_ATTRIBUTES = [
  'PropertyId',
  'UnitId',
  'OccupancyId',
  'JobDescription',
  'Instructions',
  'Priority',
  'Status',
  'VendorId',
  'AssignedUsers',
  'ScheduledStart',
  'ScheduledEnd',
  'PermissionToEnter',
];
const PATCH_ATTRIBUTES = [
  'Status',
  'Priority',
  'JobDescription',
  'Instructions',
  'VendorId',
  'AssignedUsers',
  'ScheduledStart',
  'ScheduledEnd',
  'CompletedOn',
];
const nowSeconds = () => new Date().toISOString().slice(0, 19) + 'Z';

/** What is wrong with a work order body, as 422 errors; unknown attributes are a 400 (null here). */
function workOrderErrors(body: Json, create: boolean): Json[] | null {
  if (Object.keys(body).some((a) => !(create ? CREATE_ATTRIBUTES : PATCH_ATTRIBUTES).includes(a))) return null;
  const errors: Json[] = [];
  if (create) {
    for (const attribute of ['PropertyId', 'JobDescription'])
      if (body[attribute] === undefined || body[attribute] === null || body[attribute] === '')
        errors.push({ attribute, message: "can't be blank" });
    if (body.PropertyId !== undefined && !PROPERTIES.some((p) => p.property_id === body.PropertyId))
      errors.push({ attribute: 'PropertyId', message: 'not found' });
  }
  if (body.Status !== undefined && !WORK_ORDER_STATUSES.includes(body.Status))
    errors.push({ attribute: 'Status', message: 'is not included in the list' });
  if (body.Priority !== undefined && !PRIORITIES.includes(body.Priority))
    errors.push({ attribute: 'Priority', message: 'is not included in the list' });
  if (body.AssignedUsers !== undefined && !(body.AssignedUsers as unknown[]).every((u) => TECHS.includes(u as number)))
    errors.push({ attribute: 'AssignedUsers', message: 'User not found' });
  return errors;
}

const CHARGE_ATTRIBUTES = ['OccupancyId', 'GlAccountId', 'Amount', 'ChargedOn', 'Description'];

const REPORTS: Record<string, Json[]> = {
  property_directory: PROPERTIES,
  unit_directory: UNITS,
  rent_roll: RENT_ROLL,
  tenant_directory: TENANTS,
};

export interface ForeignAppfolioLog {
  n: number;
  at: number;
  method: string;
  path: string;
  /** The POST's body or the GET's query: a retry repeats it exactly. */
  request: string;
  /** The report columns the request asked for (its filters, or its cursor's): which reader sent it. */
  columns?: string[];
  status: number;
}

export interface ForeignAppfolioServer {
  url: string;
  data: {
    properties: Json[];
    units: Json[];
    rentRoll: Json[];
    tenants: Json[];
    directory: Json[];
    ledger: Json[];
    workOrders: Json[];
    notes: Record<number, Json[]>;
  };
  log: ForeignAppfolioLog[];
  close(): Promise<void>;
}

export async function startForeignAppfolioServer(): Promise<ForeignAppfolioServer> {
  const log: ForeignAppfolioLog[] = [];
  let rentRollCursorExpired = false;
  const ledger = structuredClone(LEDGER);
  const workOrders = structuredClone(WORK_ORDERS);
  const notes = structuredClone(NOTES);
  const expectedAuth = `Basic ${Buffer.from(`${FOREIGN_CREDENTIALS.clientId}:${FOREIGN_CREDENTIALS.clientSecret}`).toString('base64')}`;

  const server = createAsyncServer(async (req, res) => {
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const entry: ForeignAppfolioLog = {
      n: log.length + 1,
      at: Date.now(),
      method: req.method ?? '',
      path: url.pathname,
      request: req.method === 'POST' ? text : url.search,
      status: 0,
    };
    log.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      const isText = typeof body === 'string';
      res
        .writeHead(status, { 'content-type': isText ? 'text/plain' : 'application/json', ...headers })
        .end(isText ? body : JSON.stringify(body));
    };
    if (entry.n === THROTTLED_REQUEST) return send(429, 'Too Many Requests', { 'Retry-After': '1' });
    if (req.headers.authorization !== expectedAuth) return send(401, 'HTTP Basic: Access denied.\n');

    if (url.pathname === '/api/v0/tenants' && req.method === 'GET') {
      if (req.headers['x-appfolio-developer-id'] !== FOREIGN_CREDENTIALS.developerId)
        return send(401, { error: 'Developer ID is missing or unknown' });
      const ids = (url.searchParams.get('filters[Id]') ?? '').split(',').filter(Boolean);
      if (ids.length === 0 || ids.length > 100) return send(400, { error: 'filters[Id] takes 1 to 100 ids' });
      return send(200, { data: DIRECTORY.filter((t) => ids.includes(String(t.Id))) });
    }

    const workOrderPath = /^\/api\/v0\/work_orders(?:\/(\d+)(\/notes)?)?$/.exec(url.pathname);
    if (workOrderPath) {
      if (req.headers['x-appfolio-developer-id'] !== FOREIGN_CREDENTIALS.developerId)
        return send(401, { error: 'Developer ID is missing or unknown' });
      const [, id, isNotes] = workOrderPath;
      const order = id === undefined ? undefined : workOrders.find((w) => w.Id === Number(id));
      if (id !== undefined && !order) return send(404, { error: 'Not found' });
      const body = req.method === 'GET' ? {} : (JSON.parse(text || '{}') as Json);
      if (isNotes) {
        if (req.method === 'GET')
          return send(200, { data: [...(notes[order!.Id] ?? [])].reverse(), next_page_path: null });
        if (req.method !== 'POST') return send(405, { error: 'Method not allowed' });
        if (typeof body.Body !== 'string' || body.Body === '')
          return send(422, { errors: [{ attribute: 'Body', message: "can't be blank" }] });
        const list = (notes[order!.Id] ??= []);
        const note = { Id: 100 + list.length, Body: body.Body, CreatedAt: nowSeconds() };
        list.push(note);
        order!.LastUpdatedAt = note.CreatedAt;
        return send(201, note);
      }
      if (req.method === 'GET' && id === undefined) {
        const from = url.searchParams.get('filters[LastUpdatedAtFrom]');
        const property = url.searchParams.get('filters[PropertyId]');
        if (from === null && property === null) return send(400, { error: 'A filter is required' });
        const rows = workOrders.filter(
          (w) =>
            (from === null || Date.parse(w.LastUpdatedAt) >= Date.parse(from)) &&
            (property === null || String(w.PropertyId) === property),
        );
        const page = Number(url.searchParams.get('page[number]') ?? 1);
        const next = new URLSearchParams(url.searchParams);
        next.set('page[number]', String(page + 1));
        return send(200, {
          data: rows.slice((page - 1) * WORK_ORDER_PAGE, page * WORK_ORDER_PAGE),
          next_page_path: page * WORK_ORDER_PAGE < rows.length ? `/api/v0/work_orders?${next.toString()}` : null,
        });
      }
      const create = req.method === 'POST' && id === undefined;
      if (!create && !(req.method === 'PATCH' && order)) return send(405, { error: 'Method not allowed' });
      const errors = workOrderErrors(body, create);
      if (errors === null) return send(400, { error: 'Unknown attribute' });
      if (errors.length) return send(422, { errors });
      if (order) {
        Object.assign(order, body, { LastUpdatedAt: nowSeconds() });
        return send(200, order);
      }
      const Id = 41 + workOrders.length;
      const created = {
        ...Object.fromEntries(Object.keys(WORK_ORDERS[0]).map((k) => [k, null])),
        AssignedUsers: [],
        Status: 'New',
        ...body,
        Id,
        WorkOrderNumber: `WO-${Id}`,
        CreatedAt: nowSeconds(),
        LastUpdatedAt: nowSeconds(),
      };
      workOrders.push(created);
      return send(201, created);
    }

    if (url.pathname === '/api/v0/tenant_ledgers' || url.pathname === '/api/v0/charges') {
      if (req.headers['x-appfolio-developer-id'] !== FOREIGN_CREDENTIALS.developerId)
        return send(401, { error: 'Developer ID is missing or unknown' });
      if (url.pathname === '/api/v0/charges') {
        if (req.method !== 'POST') return send(405, { error: 'Method not allowed' });
        const body = JSON.parse(text || '{}') as Json;
        const errors = CHARGE_ATTRIBUTES.filter((a) => body[a] === undefined || body[a] === '').map((attribute) => ({
          attribute,
          message: "can't be blank",
        }));
        if (body.OccupancyId !== undefined && !RENT_ROLL.some((o) => o.occupancy_id === body.OccupancyId))
          errors.push({ attribute: 'OccupancyId', message: 'not found' });
        if (errors.length) return send(422, { errors });
        const occupancy = RENT_ROLL.find((o) => o.occupancy_id === body.OccupancyId)!;
        const Id = 5600 + ledger.length;
        ledger.push({
          Id,
          Type: 'Charge',
          OccupancyId: occupancy.occupancy_id,
          PropertyId: occupancy.property_id,
          UnitId: occupancy.unit_id,
          PostedOn: body.ChargedOn,
          Amount: body.Amount,
          AmountDue: body.Amount,
          Description: body.Description,
          GlAccountId: body.GlAccountId,
          Reference: null,
          LastUpdatedAt: new Date().toISOString().slice(0, 19) + 'Z',
        });
        return send(201, { Id: String(Id) });
      }
      const from = url.searchParams.get('filters[PostedOnFrom]');
      const to = url.searchParams.get('filters[PostedOnTo]');
      if (!from) return send(400, { error: 'filters[PostedOnFrom] is required' });
      const rows = ledger.filter((r) => r.PostedOn >= from && (!to || r.PostedOn <= to));
      const page = Number(url.searchParams.get('page[number]') ?? 1);
      const next = new URLSearchParams(url.searchParams);
      next.set('page[number]', String(page + 1));
      return send(200, {
        data: rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
        next_page_path: page * PAGE_SIZE < rows.length ? `/api/v0/tenant_ledgers?${next.toString()}` : null,
      });
    }

    const name = /^\/api\/v2\/reports\/(\w+)\.json$/.exec(url.pathname)?.[1];
    const rows = name ? REPORTS[name] : undefined;
    if (!name || !rows) return send(404, { error: 'Not found' });
    let offset = 0;
    let columns: string[] = Object.keys(rows[0]);
    if (req.method === 'POST') {
      const filters = text ? JSON.parse(text) : {};
      if (filters.columns !== undefined) {
        const unknown = (filters.columns as string[]).filter((c) => !columns.includes(c));
        if (unknown.length) return send(400, { error: `Unknown columns: ${unknown.join(', ')}` });
        columns = filters.columns;
      }
      entry.columns = columns;
      if (filters.from_date !== undefined && name !== 'tenant_directory' && name !== 'rent_roll')
        return send(400, { error: 'from_date is not a filter of this report' });
    } else if (req.method === 'GET') {
      const cursor = url.searchParams.get('cursor');
      if (!cursor) return send(400, { error: 'cursor required' });
      const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
        offset: number;
        columns: string[];
      };
      entry.columns = state.columns;
      if (name === 'rent_roll' && !rentRollCursorExpired) {
        rentRollCursorExpired = true;
        return send(410, { error: 'Report results expire after 30 minutes. Please re-run the report.' });
      }
      ({ offset, columns } = state);
    } else {
      return send(405, { error: 'Method not allowed' });
    }
    const page = rows
      .slice(offset, offset + PAGE_SIZE)
      .map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null])));
    const nextOffset = offset + PAGE_SIZE;
    const cursor = Buffer.from(JSON.stringify({ offset: nextOffset, columns })).toString('base64url');
    return send(200, {
      results: page,
      next_page_url: nextOffset < rows.length ? `http://${req.headers.host}${url.pathname}?cursor=${cursor}` : null,
    });
  });

  return {
    ...(await listenOnLoopback(server)),
    data: {
      properties: PROPERTIES,
      units: UNITS,
      rentRoll: RENT_ROLL,
      tenants: TENANTS,
      directory: DIRECTORY,
      ledger,
      workOrders,
      notes,
    },
    log,
  };
}

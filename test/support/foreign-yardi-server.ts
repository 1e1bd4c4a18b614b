import { XMLParser } from 'fast-xml-parser';
import { createAsyncServer, listenOnLoopback, readBody } from './loopback-server';

/**
 * A second, independent Yardi server, written from docs/vendors/yardi.md only (never from src/sandbox), so the
 * adapter meets choices our simulator did not make: other date and money spellings, Customer lists of one,
 * entities, a `Error: Database busy` answer on every 4th call, and hand-picked data the project has never seen.
 * Besides Resident Transactions it takes the writes of the contract's "Writes and the other interfaces": Common
 * Data `UpdateResidentData`, ILS/Guest Card `ImportApplication_Login` and Service Requests (`GetServiceRequest_Search`,
 * `CreateOrEditServiceRequests`: FOREIGN_SERVICE_REQUESTS), each on its own ASMX path and namespace.
 * Charges and payments: see TRANSACTIONS (served in GetResidentTransactions_Login and, by date, in
 * GetResidentTransactions_ByChargeDate_Login).
 */

export const FOREIGN_YARDI_CREDENTIALS = {
  username: 'itf_latchkey',
  password: 'S3cret&<pw>',
  database: 'afs_live',
  serverName: 'afs_db01',
  platform: 'SQL Server',
  entity: 'Foreign Holdings LLC',
  license: 'LIC-8842-QX',
} as const;

export interface ForeignPerson {
  type: string;
  first: string;
  middle?: string;
  last: string;
  email?: string;
  phones: Array<{ type: string; number: string }>;
}
export interface ForeignHousehold {
  id: string;
  property: string;
  unit?: string;
  from?: string;
  to?: string;
  rent?: string;
  moveIn?: string;
  /** ISO date: an application's TargetMoveInDate, served as the Lease's ExpectedMoveInDate. */
  expectedMoveIn?: string;
  moveOut?: string;
  notice?: string;
  people: ForeignPerson[];
}

/** ISO dates (YYYY-MM-DD) in the data; the server writes some as MM/DD/YYYY, as Voyager does. */
export const FOREIGN_YARDI_DATA = {
  properties: [
    {
      code: 'oakr',
      name: 'Oak Ridge Manor',
      line1: '1 Oak Ridge Way',
      line2: '',
      city: 'Boise',
      state: 'ID',
      zip: '83702',
      ar: '02/2026',
      ap: '02/2026',
    },
    {
      code: 'B7',
      name: 'Brennan & Söhne Flats',
      line1: '77 Canal St',
      line2: 'Suite 2',
      city: 'Providence',
      state: 'RI',
      zip: '02903',
      ar: '01/2026',
      ap: '',
    },
  ],
  units: [
    {
      property: 'oakr',
      id: 'A-1',
      type: 'TH3',
      bedrooms: '3',
      baths: '2.5',
      sqft: '1410.00',
      rent: '2,150.0000',
      economic: 'residential',
      occupancy: 'Occupied No Notice',
    },
    {
      property: 'oakr',
      id: 'A-2',
      type: 'TH3',
      bedrooms: '3',
      baths: '2.5',
      sqft: '1410.00',
      rent: '2,150.0000',
      economic: 'residential',
      occupancy: 'Vacant Unrented',
    },
    {
      property: 'oakr',
      id: '0003',
      type: 'S',
      bedrooms: '0',
      baths: '1',
      sqft: '',
      rent: '',
      economic: 'down',
      occupancy: 'vacant',
    },
    {
      property: 'B7',
      id: 'A-1',
      type: '1x1',
      bedrooms: '1',
      baths: '1.00',
      sqft: '640',
      rent: '1325.5',
      economic: 'residential',
      occupancy: 'occupied',
    },
  ],
  households: [
    {
      id: 'r000001',
      property: 'oakr',
      unit: 'A-1',
      from: '2025-03-01',
      to: '2026-02-28',
      rent: '2,095.00',
      moveIn: '2025-03-02',
      people: [
        {
          type: 'current resident',
          first: 'Siobhán',
          last: "O'Reilly-Nguyễn",
          email: 'Siobhan@Example.ORG',
          phones: [
            { type: 'home', number: '208.555.0141' },
            { type: 'cell', number: '+1 (208) 555-0142' },
          ],
        },
        {
          type: 'current resident',
          first: 'Tomás',
          middle: 'J',
          last: 'Ruiz',
          phones: [{ type: 'Office', number: '208-555-0143 x12' }],
        },
        { type: 'current resident', first: 'Ada', last: 'Ruiz', phones: [] },
      ],
    },
    {
      id: 'r000002',
      property: 'oakr',
      unit: 'A-2',
      from: '2022-01-15',
      to: '2023-01-14',
      rent: '1800',
      moveIn: '2022-01-15',
      moveOut: '2023-01-31',
      notice: '2022-12-01',
      people: [
        {
          type: 'former resident',
          first: 'Bjørn',
          last: 'Ødegaard',
          email: 'bjorn@example.net',
          phones: [{ type: 'fax', number: '2085550150' }],
        },
      ],
    },
    {
      id: 'r000003',
      property: 'oakr',
      unit: 'A-2',
      from: '2026-04-01',
      to: '2027-03-31',
      rent: '2150',
      people: [
        {
          type: 'future resident',
          first: 'Mei-Ling',
          last: 'Chen',
          phones: [{ type: 'mobile', number: '2085550160' }],
        },
      ],
    },
    {
      id: 'r000004',
      property: 'oakr',
      people: [{ type: 'applicant', first: 'Kwabena', last: 'Owusu', email: 'kwabena@example.com', phones: [] }],
    },
    {
      id: 'r000005',
      property: 'oakr',
      unit: '0003',
      from: '2025-06-01',
      to: '2026-05-31',
      rent: '990',
      moveIn: '2025-06-01',
      people: [
        {
          type: 'current resident',
          first: 'Hemi',
          last: 'Walker',
          phones: [{ type: 'Pager', number: '208 555 0190' }],
        },
        // A roommate applying to join: an applicant, no resident.
        {
          type: 'applicant',
          first: 'Sina',
          last: 'Tuilagi',
          email: 'sina@example.ws',
          phones: [{ type: 'cell', number: '208 555 0191' }],
        },
      ],
    },
    {
      id: 'B7-0001',
      property: 'B7',
      unit: 'A-1',
      from: '2024-09-01',
      to: '2025-08-31',
      rent: '1,300.00',
      moveIn: '2024-09-01',
      notice: '2025-07-01',
      people: [
        {
          type: 'current resident',
          first: 'Zoë',
          last: 'Smith & Wesson',
          phones: [
            { type: 'home', number: '401 555 0170' },
            { type: 'cell', number: '401-555-0171' },
            { type: 'office', number: '401-555-0172' },
          ],
        },
      ],
    },
  ] as ForeignHousehold[],
};

/**
 * Billing & Payments rows of household r000001 (yardi.md, Resident charges and payments). Its own choices:
 * dates MM/DD/YYYY, amounts unpadded ("2095", "0.1"), a reversal as a payment of negative amount, and one
 * charge of a very large amount.
 */
type Json = Record<string, any>;
const TRANSACTIONS: Array<{ household: string; element: 'Charge' | 'Payment'; type?: string; detail: Json }> = [
  ['Charge', undefined, 'T-1', '12/01/2025', '2095', '2095', '0', 'rent'],
  ['Charge', undefined, 'T-2', '12/12/2025', '0.1', '0.1', '0', 'water'],
  ['Charge', undefined, 'T-3', '12/12/2025', '0.2', '0.2', '0', 'water'],
  ['Payment', 'Check', 'T-4', '12/18/2025', '2095.3'],
  ['Payment', 'ACH', 'T-5', '12/28/2025', '500'],
  ['Payment', 'ACH', 'T-6', '01/03/2026', '-500'],
  ['Charge', undefined, 'T-7', '01/01/2026', '2095', '0', '2095', 'rent'],
  ['Charge', undefined, 'T-8', '01/07/2026', '76543210.98', '0', '76543210.98', 'capex'],
].map(([element, type, id, date, amount, paid, due, code]) => ({
  household: 'r000001',
  element: element as 'Charge' | 'Payment',
  type,
  detail:
    element === 'Charge'
      ? {
          TransactionID: id,
          Description: code,
          TransactionDate: date,
          ChargeCode: code,
          GLAccountNumber: '40100',
          CustomerID: 'r000001',
          Amount: amount,
          AmountPaid: paid,
          BalanceDue: due,
          PropertyPrimaryID: 'oakr',
        }
      : {
          TransactionID: id,
          DocumentNumber: `DOC${String(id).slice(2)}`,
          TransactionDate: date,
          CustomerID: 'r000001',
          PaidBy: 'Household r000001',
          Amount: amount,
          Description: Number(amount) < 0 ? 'NSF reversal' : 'Receipt',
          PropertyPrimaryID: 'oakr',
        },
}));
const usDay = (us: string) => `${us.slice(6, 10)}-${us.slice(0, 2)}-${us.slice(3, 5)}`;

const NS_ROOT = 'http://tempuri.org/YSI.Interfaces.WebServices';
const NS = `${NS_ROOT}/ItfResidentTransactions20`;
/** The contract's interfaces: URL path (as the contract spells it), interface name and the methods served. */
const INTERFACES: Record<string, { name: string; methods: string[] }> = {
  '/Webservices/ItfResidentTransactions20.asmx': {
    name: 'ItfResidentTransactions20',
    methods: [
      'GetPropertyConfigurations',
      'GetUnitInformation_Login',
      'GetResidentTransactions_Login',
      'GetResidentTransactions_ByChargeDate_Login',
      'ImportCharge_Login',
      'ImportReceipt_Login',
    ],
  },
  '/Webservices/itfCommonData.asmx': { name: 'ItfCommonData', methods: ['UpdateResidentData'] },
  '/Webservices/itfservicerequests.asmx': {
    name: 'ItfServiceRequests',
    methods: ['GetServiceRequest_Search', 'CreateOrEditServiceRequests'],
  },
  '/Webservices/ItfILSGuestCard.asmx': { name: 'ItfILSGuestCard', methods: ['ImportApplication_Login'] },
};
const WRITE_DOCUMENT: Record<string, string> = {
  CreateOrEditServiceRequests: 'ServiceRequestXml',
  UpdateResidentData: 'XmlDoc',
  ImportApplication_Login: 'XmlDocument',
  ImportCharge_Login: 'TransactionXml',
  ImportReceipt_Login: 'TransactionXml',
};
type Transaction = (typeof TRANSACTIONS)[number];
const RECEIPT_TYPES = ['Cash', 'Check', 'CreditCard', 'DebitCard', 'ACH', 'MoneyOrder', 'Other'];

/**
 * ImportCharge_Login / ImportReceipt_Login: each `Charge/Detail` (or `Payment[@Type]/Detail`) of the document's
 * RT_Customers is posted, in order, until one is wrong (its own choice: what came before it stays posted). No id.
 */
function importTransactions(
  data: ForeignData,
  transactions: Transaction[],
  property: string,
  doc: any,
  element: 'Charge' | 'Payment',
): string | null {
  const list = (value: unknown): any[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const items = list(doc?.ResidentTransactions?.Property).flatMap((p) =>
    list(p.RT_Customer).flatMap((c) => list(c.RTServiceTransactions?.Transactions?.[element])),
  );
  if (items.length === 0) return `No ${element} in the document`;
  for (const item of items) {
    const d = item.Detail ?? {};
    const household = data.households.find((h) => h.id === d.CustomerID && h.property === property);
    if (!household) return `Resident ${String(d.CustomerID)} not found`;
    if (!/^\d+(\.\d{1,2})?$/.test(String(d.Amount ?? ''))) return `Invalid Amount ${String(d.Amount)}`;
    if (!/^\d{2}\/\d{2}\/\d{4}$/.test(String(d.TransactionDate ?? ''))) return 'TransactionDate must be MM/DD/YYYY';
    if (element === 'Payment' && !RECEIPT_TYPES.includes(item['@_Type'])) return `Invalid Type ${item['@_Type']}`;
    const id = `T-${100 + transactions.length}`;
    transactions.push({
      household: household.id,
      element,
      type: element === 'Payment' ? item['@_Type'] : undefined,
      detail:
        element === 'Charge'
          ? { ...d, TransactionID: id, AmountPaid: '0', BalanceDue: d.Amount, PropertyPrimaryID: property }
          : { ...d, TransactionID: id, PropertyPrimaryID: property },
    });
  }
  return null;
}
/**
 * Service requests (yardi.md, Service requests interface). Its own choices: ServiceRequestDate as MM/DD/YYYY,
 * StatusHistory time stamps ISO with a zone offset (or a bare MM/DD/YYYY), HasPermissionToEnter as .NET writes a
 * bool ("True"/"False"), one Status entry as a single element, ids numbers from 88001, this database's own
 * categories and priorities, FromDate/ToDate matched against ServiceRequestDate, and "none" worded as the
 * work-order variant.
 */
export interface ForeignServiceRequest {
  id: string;
  property: string;
  elements: Record<string, string>;
  history: Array<{ status: string; at: string }>;
}
export const FOREIGN_SERVICE_REQUEST_VALUES = {
  Category: ['Plumbing', 'Appliance', 'Electrical', 'HVAC', 'Grounds'],
  Priority: ['Low', 'Normal', 'High', 'Emergency'],
  CurrentStatus: ['Call', 'In Progress', 'Scheduled', 'Work Completed', 'Canceled'],
};
export const FOREIGN_SERVICE_REQUESTS: ForeignServiceRequest[] = [
  {
    id: '88001',
    property: 'oakr',
    elements: {
      Origin: 'Resident Portal',
      PropertyCode: 'oakr',
      UnitCode: 'A-1',
      TenantCode: 'r000001',
      ServiceRequestBriefDescription: 'Water heater pilot out',
      ServiceRequestFullDescription: 'No hot water since Sunday; pilot light will not stay lit',
      ProblemDescriptionNotes: 'Second report this month',
      TechnicianNotes: 'Replaced thermocouple',
      Category: 'Plumbing',
      SubCategory: 'Water heater',
      Priority: 'High',
      HasPermissionToEnter: 'True',
      AccessNotes: 'Cat — keep door closed',
      TenantCaused: 'False',
      RequestorName: "Siobhán O'Reilly-Nguyễn",
      RequestorPhoneNumber: '2085550141',
      RequestorEmail: 'Siobhan@Example.ORG',
      ServiceRequestDate: '11/03/2025',
      CreatedBy: 'portal',
      UpdateDate: '11/05/2025',
      UpdatedBy: 'jdoe',
      CurrentStatus: 'Work Completed',
    },
    history: [
      { status: 'Call', at: '2025-11-03T14:22:05-07:00' },
      { status: 'Scheduled', at: '2025-11-04T08:00:00-07:00' },
      { status: 'Work Completed', at: '2025-11-05T16:45:30-07:00' },
    ],
  },
  {
    id: '88002',
    property: 'oakr',
    elements: {
      Origin: 'Phone',
      PropertyCode: 'oakr',
      UnitCode: '0003',
      TenantCode: 'r000005',
      ServiceRequestBriefDescription: 'Fridge <not> cooling',
      ServiceRequestFullDescription: '',
      Category: 'Appliance',
      Priority: 'Normal',
      HasPermissionToEnter: 'False',
      RequestorName: 'Hemi Walker',
      ServiceRequestDate: '01/20/2026',
      CreatedBy: 'frontdesk',
      UpdateDate: '01/21/2026',
      UpdatedBy: 'frontdesk',
      CurrentStatus: 'In Progress',
    },
    history: [
      { status: 'Call', at: '01/20/2026' },
      { status: 'In Progress', at: '2026-01-21T09:10:00+00:00' },
    ],
  },
  {
    id: '88003',
    property: 'B7',
    elements: {
      Origin: 'Walk-in',
      PropertyCode: 'B7',
      ServiceRequestBriefDescription: 'Hallway light & exit sign out',
      Category: 'Electrical',
      Priority: 'Low',
      ServiceRequestDate: '02/02/2026',
      CurrentStatus: 'Call',
    },
    history: [{ status: 'Call', at: '2026-02-02T10:00:00-05:00' }],
  },
];

const SERVICE_REQUEST_ORDER = [
  'Origin',
  'PropertyCode',
  'UnitCode',
  'TenantCode',
  'ServiceRequestBriefDescription',
  'ServiceRequestFullDescription',
  'ProblemDescriptionNotes',
  'TechnicianNotes',
  'Category',
  'SubCategory',
  'Priority',
  'HasPermissionToEnter',
  'AccessNotes',
  'TenantCaused',
  'RequestorName',
  'RequestorPhoneNumber',
  'RequestorEmail',
  'ServiceRequestDate',
  'CreatedBy',
  'UpdateDate',
  'UpdatedBy',
  'CurrentStatus',
];

function serviceRequestXml(r: ForeignServiceRequest, error?: string): string {
  const elements = SERVICE_REQUEST_ORDER.map((name) => el(name, r.elements[name])).join('');
  const history = r.history.map((h) => `<Status Type="${esc(h.status)}" TimeStamp="${esc(h.at)}"/>`).join('');
  const errors = error ? `<ErrorMessages><Error>${esc(error)}</Error></ErrorMessages>` : '';
  return `<ServiceRequest>${el('ServiceRequestId', r.id)}${elements}<StatusHistory>${history}</StatusHistory>${errors}</ServiceRequest>`;
}

/** GetServiceRequest_Search: one property's requests, narrowed by the optional filters (dates on ServiceRequestDate). */
function searchServiceRequests(requests: ForeignServiceRequest[], params: any): string {
  const given = (name: string) => (typeof params[name] === 'string' && params[name] !== '' ? params[name] : undefined);
  const from = given('FromDate') && writtenDate(given('FromDate'));
  const to = given('ToDate') && writtenDate(given('ToDate'));
  const closed = ['Work Completed', 'Canceled'];
  const found = requests.filter((r) => {
    const created = writtenDate(r.elements.ServiceRequestDate)!;
    const status = r.elements.CurrentStatus;
    return (
      r.property === params.YardiPropertyId &&
      (!given('UnitCode') || r.elements.UnitCode === given('UnitCode')) &&
      (!given('ResidentCode') || r.elements.TenantCode === given('ResidentCode')) &&
      (!given('Status') || status === given('Status')) &&
      (given('OpenOrClosed') !== 'Open' || !closed.includes(status)) &&
      (given('OpenOrClosed') !== 'Closed' || closed.includes(status)) &&
      (!from || created >= from) &&
      (!to || created <= to)
    );
  });
  if (found.length === 0) return '<ErrorMessage>There are no work orders found for these input values.</ErrorMessage>';
  return `<ServiceRequests xmlns="">${found.map((r) => serviceRequestXml(r)).join('')}</ServiceRequests>`;
}

/**
 * CreateOrEditServiceRequests: each `<ServiceRequest>` is created (no ServiceRequestId, or 0) or edited (elements
 * sent replace those stored; a CurrentStatus change adds a StatusHistory entry stamped now, ISO with offset), and
 * echoed; a refused one carries `<ErrorMessages><Error>` and changes nothing.
 */
function createOrEditServiceRequests(
  data: ForeignData,
  requests: ForeignServiceRequest[],
  property: string,
  doc: any,
): string | { echo: string } {
  const list = (value: unknown): any[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const items = list(doc?.ServiceRequests?.ServiceRequest);
  if (items.length === 0) return 'Object reference not set to an instance of an object.';
  const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, '+00:00');
  const echoes = items.map((item) => {
    const sent: Record<string, string> = Object.fromEntries(
      Object.entries(item as Record<string, unknown>)
        .filter(([name, value]) => name !== 'ServiceRequestId' && typeof value === 'string')
        .map(([name, value]) => [name, value as string]),
    );
    const id = textOf(item.ServiceRequestId);
    const existing = id && id !== '0' ? requests.find((r) => r.id === id) : undefined;
    const echo = (error: string) => serviceRequestXml({ id: id ?? '0', property, elements: sent, history: [] }, error);
    if (id && id !== '0' && !existing) return echo(`ServiceRequest ${id} does not exist`);
    const propertyCode = sent.PropertyCode ?? existing?.property;
    if (propertyCode !== property || !data.properties.some((p) => p.code === property))
      return echo(`Could not find Property:${propertyCode ?? ''}.`);
    if (sent.UnitCode && !data.units.some((u) => u.property === property && u.id === sent.UnitCode))
      return echo(`Could not find Unit:${sent.UnitCode}.`);
    if (
      sent.TenantCode &&
      !data.households.some((h) => h.property === property && h.id === sent.TenantCode.split(':')[0])
    )
      return echo(`Could not find Tenant:${sent.TenantCode}.`);
    if (!existing && !sent.ServiceRequestBriefDescription) return echo('ServiceRequestBriefDescription is required');
    if ((sent.ServiceRequestBriefDescription ?? '').length > 35)
      return echo('ServiceRequestBriefDescription is longer than 35 characters');
    for (const [name, values] of Object.entries(FOREIGN_SERVICE_REQUEST_VALUES))
      if (sent[name] !== undefined && !values.includes(sent[name])) return echo(`${sent[name]} is not a valid ${name}`);
    if (sent.RequestorPhoneNumber !== undefined && !/^\d+$/.test(sent.RequestorPhoneNumber))
      return echo('RequestorPhoneNumber must hold digits only');
    if (existing) {
      const statusChanged = sent.CurrentStatus !== undefined && sent.CurrentStatus !== existing.elements.CurrentStatus;
      Object.assign(existing.elements, sent, { UpdatedBy: 'interface' });
      if (statusChanged) existing.history.push({ status: sent.CurrentStatus, at: stamp() });
      return serviceRequestXml(existing);
    }
    const status = sent.CurrentStatus ?? 'Call';
    const created: ForeignServiceRequest = {
      id: String(88001 + requests.length),
      property,
      elements: { Origin: 'Interface', CreatedBy: 'interface', ...sent, PropertyCode: property, CurrentStatus: status },
      history: [{ status, at: stamp() }],
    };
    requests.push(created);
    return serviceRequestXml(created);
  });
  return { echo: `<ServiceRequests xmlns="">${echoes.join('')}</ServiceRequests>` };
}

const BUSY_EVERY = 4;

const esc = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Non-ASCII as numeric character references, as some Voyager databases send them. */
const escNumeric = (value: string) => esc(value).replace(/[^\x20-\x7e]/g, (c) => `&#${c.codePointAt(0)};`);
const el = (name: string, value: string | undefined) =>
  value === undefined ? '' : value === '' ? `<${name}/>` : `<${name}>${escNumeric(value)}</${name}>`;
const us = (iso: string | undefined) =>
  iso === undefined ? undefined : `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;

function envelope(method: string, document: string, ns = NS): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><${method}Response xmlns="${ns}"><${method}Result>${document}</${method}Result></${method}Response></s:Body></s:Envelope>`;
}
const soapFault = (code: string, text: string) =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>${code}</faultcode><faultstring>${esc(text)}</faultstring></s:Fault></s:Body></s:Envelope>`;
const errorDocument = (message: string) =>
  `<Messages xmlns=""><Message messageType="Error">${esc(message)}</Message></Messages>`;

type ForeignData = typeof FOREIGN_YARDI_DATA;

function properties(data: ForeignData): string {
  return `<Properties xmlns="">${data.properties
    .map(
      (p) =>
        `<Property>${el('Code', p.code)}${el('MarketingName', p.name)}${el('AddressLine1', p.line1)}${el('AddressLine2', p.line2)}${el('City', p.city)}${el('State', p.state)}${el('PostalCode', p.zip)}${el('AccountsReceivable', p.ar)}${el('AccountsPayable', p.ap)}</Property>`,
    )
    .join('')}</Properties>`;
}

function units(data: ForeignData, code: string): string {
  const list = data.units.filter((u) => u.property === code);
  return `<UnitInformation xmlns=""><Property><Units>${list
    .map(
      (u) =>
        `<Unit>${el('UnitID', u.id)}${el('UnitType', u.type)}${el('UnitBedrooms', u.bedrooms)}${el('UnitBathrooms', u.baths)}${el('MinSquareFeet', u.sqft)}${el('MarketRent', u.rent)}${el('UnitEconomicStatus', u.economic)}${el('UnitOccpStatus', u.occupancy)}</Unit>`,
    )
    .join('')}</Units></Property></UnitInformation>`;
}

/** Lease dates as MM/DD/YYYY, move-in as ISO date-time, move-out and notice as MM/DD/YYYY. */
function residentTransactions(
  data: ForeignData,
  transactions: Transaction[],
  code: string,
  window?: { from: string; to: string },
): string {
  const dated = transactions.filter(
    (t) => !window || (usDay(t.detail.TransactionDate) >= window.from && usDay(t.detail.TransactionDate) <= window.to),
  );
  const list = data.households.filter(
    (h) => h.property === code && (!window || dated.some((t) => t.household === h.id)),
  );
  const serviceTransactions = (id: string) => {
    const own = dated.filter((t) => t.household === id);
    const detail = (d: Json) =>
      `<Detail>${Object.entries(d)
        .map(([k, v]) => el(k, v))
        .join('')}</Detail>`;
    return own.length
      ? `<RTServiceTransactions><Transactions>${own.map((t) => (t.element === 'Charge' ? `<Charge>${detail(t.detail)}</Charge>` : `<Payment Type="${t.type}">${detail(t.detail)}</Payment>`)).join('')}</Transactions></RTServiceTransactions>`
      : '';
  };
  return `<ResidentTransactions xmlns=""><Property>${list
    .map((h) => {
      const people = h.people
        .map(
          (p) =>
            `<Customer Type="${esc(p.type)}"><Name>${el('FirstName', p.first)}${el('MiddleName', p.middle)}${el('LastName', p.last)}</Name>${p.phones.map((ph) => `<Phone PhoneType="${esc(ph.type)}">${el('PhoneNumber', ph.number)}</Phone>`).join('')}${el('Email', p.email)}</Customer>`,
        )
        .join('');
      const lease = `<Lease>${el('LeaseFromDate', us(h.from) ?? '')}${el('LeaseToDate', us(h.to) ?? '')}${el('CurrentRent', h.rent ?? '')}${el('ExpectedMoveInDate', h.expectedMoveIn)}${el('ActualMoveIn', h.moveIn && `${h.moveIn}T00:00:00`)}${el('ActualMoveOut', us(h.moveOut))}${el('NoticeGiven', us(h.notice))}</Lease>`;
      return `<RT_Customer>${el('CustomerID', h.id)}<Customers>${people}</Customers>${lease}${h.unit ? `<RT_Unit>${el('UnitID', h.unit)}</RT_Unit>` : ''}${serviceTransactions(h.id)}</RT_Customer>`;
    })
    .join('')}</Property></ResidentTransactions>`;
}

export interface ForeignYardiServer {
  url: string;
  /** Every call: SOAP method, property asked for, and whether it was answered busy, refused or with a verdict. */
  log: Array<{ method: string; propertyId?: string; answer: 'data' | 'busy' | 'refused' | 'error' | 'fault' }>;
  /** This server's own copy of the data, which the writes change. */
  data: ForeignData;
  /** Its service requests (ItfServiceRequests), which CreateOrEditServiceRequests changes. */
  serviceRequests: ForeignServiceRequest[];
  /** Its charges and payments (Billing & Payments), which the imports add to. */
  transactions: Array<{ household: string; element: 'Charge' | 'Payment'; type?: string; detail: Record<string, any> }>;
  /**
   * The next call of `method` answers `Error: Database busy` (doing nothing), or is done and then answered
   * with a SOAP Fault and no Messages (`fault`), or done and never answered (`hang`).
   */
  failNext(method: string, how: 'busy' | 'fault' | 'hang'): void;
  close(): Promise<void>;
}

const PHONE_TYPES = ['home', 'work', 'cell', 'fax'];
const RESIDENT_ELEMENTS = ['PropertyCode', 'TenantCode', 'FirstName', 'LastName', 'Email', 'Phone'];
/** A date of a written document, ISO or MM/DD/YYYY (the contract uses both), as ISO; null when it is neither. */
function writtenDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const usDate = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  const iso = usDate ? `${usDate[3]}-${usDate[1]}-${usDate[2]}` : value.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && !Number.isNaN(Date.parse(iso)) ? iso : null;
}
const textOf = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * Common Data UpdateResidentData: `<ResidentData><Resident>` with PropertyCode, TenantCode (← the resident's
 * x_id: the household's CustomerID for its first person, `CustomerID:n` for its n-th), FirstName, LastName,
 * Email and `Phone PhoneType="home|work|cell|fax"` with PhoneNumber (the type required with a phone); any other
 * element is refused. Returns an error message, or null when done.
 */
function updateResidentData(data: ForeignData, doc: any): string | null {
  const resident = doc?.ResidentData?.Resident;
  if (!resident || typeof resident !== 'object' || Array.isArray(resident))
    return 'Object reference not set to an instance of an object.';
  const extra = Object.keys(resident).find((name) => !RESIDENT_ELEMENTS.includes(name));
  if (extra) return `Invalid element ${extra}`;
  const [id, position = '1'] = String(resident.TenantCode ?? '').split(':');
  const household = data.households.find((h) => h.property === resident.PropertyCode && h.id === id);
  const person = household?.people[Number(position) - 1];
  if (!person) return `Tenant ${String(resident.TenantCode)} not found in property ${String(resident.PropertyCode)}`;
  const phone = resident.Phone;
  if (phone !== undefined && (!PHONE_TYPES.includes(phone?.['@_PhoneType']) || !textOf(phone?.PhoneNumber)))
    return 'Phone requires a PhoneType of home, work, cell or fax and a PhoneNumber';
  if (textOf(resident.FirstName) !== undefined) person.first = resident.FirstName;
  if (textOf(resident.LastName) !== undefined) person.last = resident.LastName;
  if (textOf(resident.Email) !== undefined) person.email = resident.Email;
  if (phone !== undefined)
    person.phones = [
      ...person.phones.filter((p) => p.type !== phone['@_PhoneType']),
      { type: phone['@_PhoneType'], number: phone.PhoneNumber },
    ];
  return null;
}

/**
 * ILS/Guest Card ImportApplication_Login: one `<Prospect>`. Without `<CustomerID>` a new applicant household
 * (its CustomerID answered); with it, that household's application, which must have no current or former
 * resident ("not an applicant"). Returns an error message, or the household's CustomerID.
 */
function importApplication(data: ForeignData, property: string, doc: any): { error: string } | { id: string } {
  const prospect = doc?.LeadManagement?.Prospects?.Prospect;
  if (!prospect || typeof prospect !== 'object' || Array.isArray(prospect))
    return { error: 'Object reference not set to an instance of an object.' };
  const customer = prospect.Customers?.Customer ?? {};
  const preferences = prospect.CustomerPreferences ?? {};
  const lease = prospect.Lease ?? {};
  const unit = textOf(preferences.DesiredUnit?.UnitID);
  if (unit !== undefined && !data.units.some((u) => u.property === property && u.id === unit))
    return { error: `Unit ${unit} does not exist in property ${property}` };
  const dates: Record<string, string> = {};
  for (const [name, value] of [
    ['from', lease.LeaseFromDate],
    ['to', lease.LeaseToDate],
    ['expectedMoveIn', preferences.TargetMoveInDate],
  ] as const) {
    if (value === undefined) continue;
    const iso = writtenDate(value);
    if (!iso) return { error: `Invalid date ${String(value)}` };
    dates[name] = iso;
  }
  const rent = textOf(preferences.DesiredRent);
  if (rent !== undefined && !/^\d+(\.\d{1,4})?$/.test(rent)) return { error: `Invalid DesiredRent ${rent}` };
  const existingId = textOf(prospect.CustomerID);
  let household: ForeignHousehold | undefined;
  if (existingId !== undefined) {
    household = data.households.find((h) => h.property === property && h.id === existingId);
    if (!household) return { error: `Customer ${existingId} not found in property ${property}` };
    if (household.people.some((p) => !['applicant', 'future resident'].includes(p.type.toLowerCase())))
      return { error: `Customer ${existingId} is not an applicant` };
  } else {
    if (!textOf(customer.Name?.FirstName) || !textOf(customer.Name?.LastName))
      return { error: 'Applicant FirstName and LastName are required' };
    household = {
      id: `p${9000 + data.households.length}`,
      property,
      people: [{ type: 'applicant', first: '', last: '', phones: [] }],
    };
    data.households.push(household);
  }
  const person = household.people[0];
  if (textOf(customer.Name?.FirstName)) person.first = customer.Name.FirstName;
  if (textOf(customer.Name?.LastName)) person.last = customer.Name.LastName;
  if (textOf(customer.Address?.Email)) person.email = customer.Address.Email;
  if (textOf(customer.Phone?.PhoneNumber))
    person.phones = [{ type: customer.Phone['@_PhoneType'] ?? 'home', number: customer.Phone.PhoneNumber }];
  if (unit !== undefined) household.unit = unit;
  Object.assign(household, dates);
  if (rent !== undefined) household.rent = rent;
  return { id: household.id };
}

export async function startForeignYardiServer(): Promise<ForeignYardiServer> {
  const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: false });
  const documentParser = new XMLParser({ parseTagValue: false, ignoreAttributes: false });
  const log: ForeignYardiServer['log'] = [];
  const data: ForeignData = structuredClone(FOREIGN_YARDI_DATA);
  const transactions = structuredClone(TRANSACTIONS);
  const serviceRequests = structuredClone(FOREIGN_SERVICE_REQUESTS);
  const failures = new Map<string, 'busy' | 'fault' | 'hang'>();
  const server = createAsyncServer(async (req, res) => {
    const body = await readBody(req);
    const action = String(req.headers.soapaction ?? '').replace(/"/g, '');
    const iface = INTERFACES[req.url ?? ''];
    const method = action.split('/').pop()!;
    const ns = `${NS_ROOT}/${iface?.name}`;
    const params = parser.parse(body)?.Envelope?.Body?.[method] ?? {};
    const send = (xml: string, status = 200) => {
      res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(xml);
    };
    // The SOAPAction and the body element both carry the interface's namespace.
    if (
      !iface ||
      action !== `${ns}/${method}` ||
      !iface.methods.includes(method) ||
      !new RegExp(`<(\\w+:)?${method} xmlns="${ns}"`).test(body)
    )
      return send(soapFault('s:Client', 'Unknown SOAPAction'), 500);
    const c = FOREIGN_YARDI_CREDENTIALS;
    const expected: Record<string, string> = {
      UserName: c.username,
      Password: c.password,
      ServerName: c.serverName,
      Database: c.database,
      Platform: c.platform,
      InterfaceEntity: c.entity,
      InterfaceLicense: c.license,
    };
    if (Object.entries(expected).some(([name, value]) => params[name] !== value)) {
      log.push({ method, propertyId: params.YardiPropertyId, answer: 'refused' });
      return send(envelope(method, errorDocument('Invalid Interface Entity or License'), ns));
    }
    const failure = failures.get(method);
    failures.delete(method);
    if (failure === 'busy' || (!failure && (log.length + 1) % BUSY_EVERY === 0)) {
      log.push({ method, propertyId: params.YardiPropertyId, answer: 'busy' });
      return send(envelope(method, errorDocument('Error: Database busy'), ns));
    }
    const documentParameter = WRITE_DOCUMENT[method];
    if (documentParameter) {
      // A string parameter: the document comes as escaped text (or, the contract allows, as child elements).
      const raw = params[documentParameter];
      const doc = typeof raw === 'string' ? (raw.trim() === '' ? {} : documentParser.parse(raw)) : raw;
      const property = method === 'UpdateResidentData' ? undefined : String(params.YardiPropertyId ?? '');
      if (property !== undefined && !data.properties.some((p) => p.code === property)) {
        log.push({ method, propertyId: property, answer: 'error' });
        return send(envelope(method, errorDocument(`Invalid YardiPropertyId ${property}`), ns));
      }
      if (method === 'CreateOrEditServiceRequests') {
        const outcome = createOrEditServiceRequests(data, serviceRequests, property!, doc);
        const error = typeof outcome === 'string' ? outcome : null;
        log.push({ method, propertyId: property, answer: error ? 'error' : failure ? 'fault' : 'data' });
        if (error) return send(envelope(method, errorDocument(error), ns));
        if (failure === 'hang') return;
        if (failure === 'fault')
          return send(
            soapFault('soap:Server', 'Server was unable to process request. ---> Thread was being aborted.'),
            500,
          );
        return send(envelope(method, (outcome as { echo: string }).echo, ns));
      }
      const outcome =
        method === 'UpdateResidentData'
          ? { error: updateResidentData(data, doc) }
          : method === 'ImportApplication_Login'
            ? importApplication(data, property!, doc)
            : {
                error: importTransactions(
                  data,
                  transactions,
                  property!,
                  doc,
                  method === 'ImportCharge_Login' ? 'Charge' : 'Payment',
                ),
              };
      const error = 'error' in outcome ? outcome.error : null;
      log.push({ method, propertyId: property, answer: error ? 'error' : failure ? 'fault' : 'data' });
      if (error) return send(envelope(method, errorDocument(error), ns));
      if (failure === 'hang') return; // done, never answered
      if (failure === 'fault')
        return send(
          soapFault('soap:Server', 'Server was unable to process request. ---> Thread was being aborted.'),
          500,
        );
      const id = 'id' in outcome ? `<CustomerID>${esc(outcome.id)}</CustomerID>` : '';
      return send(
        envelope(method, `<Messages xmlns=""><Message messageType="Info">Done</Message></Messages>${id}`, ns),
      );
    }
    if (method === 'GetResidentTransactions_ByChargeDate_Login') {
      const day = (value: unknown) =>
        typeof value === 'string' && /^\d{2}\/\d{2}\/\d{4}$/.test(value) ? usDay(value) : null;
      const from = day(params.FromDate);
      const to = day(params.ToDate);
      const problem =
        !from || !to
          ? 'FromDate and ToDate are required'
          : (Date.parse(to) - Date.parse(from)) / 86_400_000 > 31
            ? 'Consumer may only query for a date range of 31 days or less'
            : null;
      log.push({ method, propertyId: params.YardiPropertyId, answer: problem ? 'error' : 'data' });
      if (problem) return send(envelope(method, errorDocument(problem)));
      return send(
        envelope(method, residentTransactions(data, transactions, params.YardiPropertyId, { from: from!, to: to! })),
      );
    }
    log.push({ method, propertyId: params.YardiPropertyId, answer: 'data' });
    if (method === 'GetServiceRequest_Search') {
      if (!data.properties.some((p) => p.code === params.YardiPropertyId))
        return send(
          envelope(
            method,
            `<ErrorMessage>Could not find Property:${esc(String(params.YardiPropertyId))}.</ErrorMessage>`,
            ns,
          ),
        );
      return send(envelope(method, searchServiceRequests(serviceRequests, params), ns));
    }
    if (method === 'GetPropertyConfigurations') return send(envelope(method, properties(data)));
    return send(
      envelope(
        method,
        method === 'GetUnitInformation_Login'
          ? units(data, params.YardiPropertyId)
          : residentTransactions(data, transactions, params.YardiPropertyId),
      ),
    );
  });
  return {
    ...(await listenOnLoopback(server)),
    log,
    data,
    serviceRequests,
    transactions,
    failNext: (method, how) => void failures.set(method, how),
  };
}

import { XMLParser } from 'fast-xml-parser';
import { createAsyncServer, listenOnLoopback, readBody } from './loopback-server';

/**
 * A second, independent Yardi Resident Transactions server, written from docs/vendors/yardi.md only
 * (never from src/sandbox), so the adapter meets choices our simulator did not make: other date and money
 * spellings, Customer lists of one, entities, a `Error: Database busy` answer on every 4th call, and
 * hand-picked data the project has never seen.
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

const NS = 'http://tempuri.org/YSI.Interfaces.WebServices/ItfResidentTransactions20';
const BUSY_EVERY = 4;

const esc = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Non-ASCII as numeric character references, as some Voyager databases send them. */
const escNumeric = (value: string) => esc(value).replace(/[^\x20-\x7e]/g, (c) => `&#${c.codePointAt(0)};`);
const el = (name: string, value: string | undefined) =>
  value === undefined ? '' : value === '' ? `<${name}/>` : `<${name}>${escNumeric(value)}</${name}>`;
const us = (iso: string | undefined) =>
  iso === undefined ? undefined : `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;

function envelope(method: string, document: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><${method}Response xmlns="${NS}"><${method}Result>${document}</${method}Result></${method}Response></s:Body></s:Envelope>`;
}
const errorDocument = (message: string) =>
  `<Messages xmlns=""><Message messageType="Error">${esc(message)}</Message></Messages>`;

function properties(): string {
  return `<Properties xmlns="">${FOREIGN_YARDI_DATA.properties
    .map(
      (p) =>
        `<Property>${el('Code', p.code)}${el('MarketingName', p.name)}${el('AddressLine1', p.line1)}${el('AddressLine2', p.line2)}${el('City', p.city)}${el('State', p.state)}${el('PostalCode', p.zip)}${el('AccountsReceivable', p.ar)}${el('AccountsPayable', p.ap)}</Property>`,
    )
    .join('')}</Properties>`;
}

function units(code: string): string {
  const list = FOREIGN_YARDI_DATA.units.filter((u) => u.property === code);
  return `<UnitInformation xmlns=""><Property><Units>${list
    .map(
      (u) =>
        `<Unit>${el('UnitID', u.id)}${el('UnitType', u.type)}${el('UnitBedrooms', u.bedrooms)}${el('UnitBathrooms', u.baths)}${el('MinSquareFeet', u.sqft)}${el('MarketRent', u.rent)}${el('UnitEconomicStatus', u.economic)}${el('UnitOccpStatus', u.occupancy)}</Unit>`,
    )
    .join('')}</Units></Property></UnitInformation>`;
}

/** Lease dates as MM/DD/YYYY, move-in as ISO date-time, move-out and notice as MM/DD/YYYY. */
function residentTransactions(code: string): string {
  const list = FOREIGN_YARDI_DATA.households.filter((h) => h.property === code);
  return `<ResidentTransactions xmlns=""><Property>${list
    .map((h) => {
      const people = h.people
        .map(
          (p) =>
            `<Customer Type="${esc(p.type)}"><Name>${el('FirstName', p.first)}${el('MiddleName', p.middle)}${el('LastName', p.last)}</Name>${p.phones.map((ph) => `<Phone PhoneType="${esc(ph.type)}">${el('PhoneNumber', ph.number)}</Phone>`).join('')}${el('Email', p.email)}</Customer>`,
        )
        .join('');
      const lease = `<Lease>${el('LeaseFromDate', us(h.from) ?? '')}${el('LeaseToDate', us(h.to) ?? '')}${el('CurrentRent', h.rent ?? '')}${el('ActualMoveIn', h.moveIn && `${h.moveIn}T00:00:00`)}${el('ActualMoveOut', us(h.moveOut))}${el('NoticeGiven', us(h.notice))}</Lease>`;
      return `<RT_Customer>${el('CustomerID', h.id)}<Customers>${people}</Customers>${lease}${h.unit ? `<RT_Unit>${el('UnitID', h.unit)}</RT_Unit>` : ''}</RT_Customer>`;
    })
    .join('')}</Property></ResidentTransactions>`;
}

export interface ForeignYardiServer {
  url: string;
  /** Every call: SOAP method, property asked for, and whether it was answered busy or refused. */
  log: Array<{ method: string; propertyId?: string; answer: 'data' | 'busy' | 'refused' }>;
  close(): Promise<void>;
}

export async function startForeignYardiServer(): Promise<ForeignYardiServer> {
  const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false });
  const log: ForeignYardiServer['log'] = [];
  const server = createAsyncServer(async (req, res) => {
    const body = await readBody(req);
    const method = String(req.headers.soapaction ?? '')
      .replace(/"/g, '')
      .split('/')
      .pop()!;
    const params = parser.parse(body)?.Envelope?.Body?.[method] ?? {};
    const send = (xml: string) => {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(xml);
    };
    if (
      req.url !== '/Webservices/ItfResidentTransactions20.asmx' ||
      !['GetPropertyConfigurations', 'GetUnitInformation_Login', 'GetResidentTransactions_Login'].includes(method)
    ) {
      res.writeHead(500, { 'content-type': 'text/xml; charset=utf-8' });
      return res.end(
        `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>Unknown SOAPAction</faultstring></s:Fault></s:Body></s:Envelope>`,
      );
    }
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
      return send(envelope(method, errorDocument('Invalid Interface Entity or License')));
    }
    if ((log.length + 1) % BUSY_EVERY === 0) {
      log.push({ method, propertyId: params.YardiPropertyId, answer: 'busy' });
      return send(envelope(method, errorDocument('Error: Database busy')));
    }
    log.push({ method, propertyId: params.YardiPropertyId, answer: 'data' });
    if (method === 'GetPropertyConfigurations') return send(envelope(method, properties()));
    return send(
      envelope(
        method,
        method === 'GetUnitInformation_Login'
          ? units(params.YardiPropertyId)
          : residentTransactions(params.YardiPropertyId),
      ),
    );
  });
  return { ...(await listenOnLoopback(server)), log };
}

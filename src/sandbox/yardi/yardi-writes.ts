import { XMLParser } from 'fast-xml-parser';
import type { YardiData } from './yardi-dataset';

type Rec = Record<string, any>;

/** A Voyager interface: its ASMX path (compared without case), the SOAP namespace and the write methods it serves. */
export interface WriteInterface {
  name: string;
  path: string;
  /** Write method → the parameter that carries its XML document. */
  methods: Record<string, string>;
}

const NAMESPACE_ROOT = 'http://tempuri.org/YSI.Interfaces.WebServices';
export const namespaceOf = (iface: string) => `${NAMESPACE_ROOT}/${iface}`;

/** The write interfaces served (docs/vendors/yardi.md, "Writes and the other interfaces"). */
export const WRITE_INTERFACES: WriteInterface[] = [
  { name: 'ItfCommonData', path: '/webservices/itfcommondata.asmx', methods: { UpdateResidentData: 'XmlDoc' } },
  {
    name: 'ItfServiceRequests',
    path: '/webservices/itfservicerequests.asmx',
    methods: { CreateOrEditServiceRequests: 'ServiceRequestXml' },
  },
  {
    name: 'ItfILSGuestCard',
    path: '/webservices/itfilsguestcard.asmx',
    methods: { ImportApplication_Login: 'XmlDocument' },
  },
  // Billing & Payments imports share the read interface's path (the simulator takes ImportResidentTransactions_Login too).
  {
    name: 'ItfResidentTransactions20',
    path: '/webservices/itfresidenttransactions20.asmx',
    methods: {
      ImportCharge_Login: 'TransactionXml',
      ImportResidentTransactions_Login: 'TransactionXml',
      ImportReceipt_Login: 'TransactionXml',
    },
  },
];

/** What a write did: whether it changed the data, its `<Messages>` and any more result elements (e.g. CustomerID). */
export interface YardiWriteResult {
  applied: boolean;
  messages: Array<{ type: 'Info' | 'Error'; text: string }>;
  extra?: Rec;
}

const documentParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

/** The Real Yardi answer to a document sent under another parameter name. */
const NULL_REFERENCE = 'Object reference not set to an instance of an object.';

/** The document parameter, given as child elements or as escaped XML text; null when it is missing or unreadable. */
export function documentOf(params: Rec, parameter: string): Rec | null {
  const value = params[parameter];
  if (value && typeof value === 'object') return value as Rec;
  if (typeof value !== 'string' || value.trim() === '') return null;
  try {
    const parsed = documentParser.parse(value, true) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Rec) : null;
  } catch {
    return null;
  }
}

const list = (value: unknown): Rec[] =>
  Array.isArray(value) ? value : value && typeof value === 'object' ? [value as Rec] : [];
const text = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof (value as Rec)?.['#text'] === 'string'
      ? (value as Rec)['#text']
      : undefined;
const error = (message: string): YardiWriteResult => ({ applied: false, messages: [{ type: 'Error', text: message }] });
const info = (message: string, extra?: Rec): YardiWriteResult => ({
  applied: true,
  messages: [{ type: 'Info', text: message }],
  extra,
});

/** The phone types UpdateResidentData takes. */
const PHONE_TYPES = ['home', 'work', 'cell', 'fax'];
/** The elements UpdateResidentData takes in a `<Resident>` (as Propexo's Yardi update). */
const RESIDENT_ELEMENTS = new Set(['PropertyCode', 'TenantCode', 'FirstName', 'LastName', 'Email', 'Phone']);

/** A person by Latchkey's resident x_id: the household's CustomerID, then `:n` for its n-th person (n > 1). */
function personOf(data: YardiData, propertyCode: string, tenantCode: string): { household: Rec; person: Rec } | null {
  const [customerId, position = '1'] = tenantCode.split(':');
  const household = data.customers.find((c) => c.CustomerID === customerId && c.YardiPropertyId === propertyCode);
  const person = list(household?.Customers?.Customer)[Number(position) - 1];
  return household && person ? { household, person } : null;
}

/** The person's phone of that type replaced (or added). */
function setPhone(person: Rec, type: string, number: string): void {
  person.Phone = [
    ...list(person.Phone).filter((p) => p['@PhoneType'] !== type),
    { '@PhoneType': type, PhoneNumber: number },
  ];
}

/** Common Data UpdateResidentData: `<ResidentData><Resident>`; elements left out stay unchanged (modelled). */
export function updateResidentData(data: YardiData, doc: Rec): YardiWriteResult {
  const residents = list(doc.ResidentData?.Resident);
  if (residents.length === 0) return error(NULL_REFERENCE);
  const changes: Array<() => void> = [];
  for (const resident of residents) {
    const unknown = Object.keys(resident).find((name) => !RESIDENT_ELEMENTS.has(name));
    if (unknown) return error(`Element ${unknown} is not supported by UpdateResidentData`);
    const propertyCode = text(resident.PropertyCode);
    const tenantCode = text(resident.TenantCode);
    if (!propertyCode) return error('PropertyCode is required');
    if (!data.properties.some((p) => p.Code === propertyCode)) return error(`Could not find Property:${propertyCode}.`);
    if (!tenantCode) return error('TenantCode is required');
    const found = personOf(data, propertyCode, tenantCode);
    if (!found) return error(`Could not find Tenant:${tenantCode} in Property:${propertyCode}.`);
    const phone = resident.Phone as Rec | undefined;
    const phoneType = phone?.['@PhoneType'];
    const phoneNumber = text(phone?.PhoneNumber);
    if (phone && !PHONE_TYPES.includes(phoneType))
      return error(`PhoneType must be one of ${PHONE_TYPES.join(', ')} when a phone is sent`);
    if (phone && !phoneNumber) return error('PhoneNumber is required when a phone is sent');
    const { person } = found;
    changes.push(() => {
      const first = text(resident.FirstName);
      const last = text(resident.LastName);
      const email = text(resident.Email);
      if (first !== undefined || last !== undefined)
        person.Name = {
          ...person.Name,
          ...(first !== undefined && { FirstName: first }),
          ...(last !== undefined && { LastName: last }),
        };
      if (email !== undefined) person.Email = email;
      if (phone) setPhone(person, phoneType, phoneNumber!);
    });
  }
  for (const change of changes) change(); // all or nothing
  return info(`${residents.length} resident(s) updated`);
}

const US_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A date given MM/DD/YYYY or YYYY-MM-DD, as ISO; null when it is neither. */
function isoDate(value: string): string | null {
  const us = US_DATE.exec(value);
  const iso = us ? `${us[3]}-${us[1]}-${us[2]}` : ISO_DATE.test(value) ? value : null;
  return iso && !Number.isNaN(Date.parse(iso)) ? iso : null;
}
const usDate = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
/** Person types whose household an application may still change. */
const APPLICATION_TYPES = new Set(['applicant', 'future resident']);

/**
 * ILS/Guest Card ImportApplication_Login: one `<Prospect>` creates an applicant household (its new CustomerID in
 * the result), or, with `<CustomerID>`, changes an applicant or future household (elements left out stay).
 */
export function importApplication(data: YardiData, propertyCode: string, doc: Rec): YardiWriteResult {
  const prospects = list(doc.LeadManagement?.Prospects?.Prospect);
  if (prospects.length !== 1) return error(prospects.length === 0 ? NULL_REFERENCE : 'Send one Prospect per call');
  const prospect = prospects[0];
  const customerId = text(prospect.CustomerID);
  const applicant = list(prospect.Customers?.Customer)[0];
  const preferences = (prospect.CustomerPreferences ?? {}) as Rec;
  const lease = (prospect.Lease ?? {}) as Rec;
  const unitId = text(preferences.DesiredUnit?.UnitID);
  const existing = customerId
    ? data.customers.find((c) => c.CustomerID === customerId && c.YardiPropertyId === propertyCode)
    : undefined;
  if (customerId && !existing) return error(`Could not find Customer:${customerId} in Property:${propertyCode}.`);
  if (existing && !list(existing.Customers?.Customer).every((p) => APPLICATION_TYPES.has(p['@Type'])))
    return error(`Customer ${customerId} is not an applicant`);
  if (!existing && (!text(applicant?.Name?.FirstName) || !text(applicant?.Name?.LastName)))
    return error('Customer Name/FirstName and Name/LastName are required');
  if (!existing && !unitId) return error('CustomerPreferences/DesiredUnit/UnitID is required');
  if (unitId && !data.units.some((u) => u.YardiPropertyId === propertyCode && u.UnitID === unitId))
    return error(`Could not find Unit:${unitId} in Property:${propertyCode}.`);
  const dates: Rec = {};
  for (const [name, raw] of [
    ['LeaseFromDate', text(lease.LeaseFromDate)],
    ['LeaseToDate', text(lease.LeaseToDate)],
    ['TargetMoveInDate', text(preferences.TargetMoveInDate)],
  ] as const) {
    if (raw === undefined || raw === '') continue;
    const iso = isoDate(raw);
    if (!iso) return error(`${name} must be a date (MM/DD/YYYY or YYYY-MM-DD)`);
    dates[name] = iso;
  }
  const rent = text(preferences.DesiredRent);
  if (rent !== undefined && !/^\d+(\.\d+)?$/.test(rent)) return error('DesiredRent must be a decimal amount');

  const household =
    existing ??
    (() => {
      const created: Rec = {
        CustomerID: `p${String(data.customers.filter((c) => /^p\d+$/.test(c.CustomerID)).length + 1).padStart(7, '0')}`,
        Customers: { Customer: [{ '@Type': 'applicant', Name: {} }] },
        Lease: {},
        RT_Unit: { UnitID: unitId },
        YardiPropertyId: propertyCode,
      };
      data.customers.push(created);
      return created;
    })();
  const person = list(household.Customers.Customer)[0];
  if (applicant) {
    const first = text(applicant.Name?.FirstName);
    const last = text(applicant.Name?.LastName);
    const email = text(applicant.Address?.Email) ?? text(applicant.Email);
    person.Name = { ...person.Name, ...(first && { FirstName: first }), ...(last && { LastName: last }) };
    if (email) person.Email = email;
    const phone = applicant.Phone as Rec | undefined;
    const number = text(phone?.PhoneNumber);
    if (number) setPhone(person, String(phone?.['@PhoneType'] ?? 'home').toLowerCase(), number);
  }
  if (unitId) household.RT_Unit = { UnitID: unitId };
  household.Lease = {
    ...household.Lease,
    ...(dates.LeaseFromDate && { LeaseFromDate: usDate(dates.LeaseFromDate) }),
    ...(dates.LeaseToDate && { LeaseToDate: usDate(dates.LeaseToDate) }),
    ...(dates.TargetMoveInDate && { ExpectedMoveInDate: dates.TargetMoveInDate }),
    ...(rent !== undefined && { CurrentRent: Number(rent).toFixed(2) }),
  };
  return info(existing ? 'Application updated' : 'Application imported', { CustomerID: household.CustomerID });
}

/** The database's custom values (GetCustomValues) service requests must use (modelled). */
export const SERVICE_REQUEST_VALUES = {
  CurrentStatus: ['Call', 'In Progress', 'Scheduled', 'Work Completed', 'Canceled'],
  Category: ['Appliances', 'Electrical', 'General', 'HVAC', 'Plumbing', 'Other'],
  Priority: ['Low', 'Medium', 'High', 'Urgent'],
} as const;
/** The elements a `<ServiceRequest>` takes (docs/vendors/yardi.md, service requests), in served order. */
export const SERVICE_REQUEST_ELEMENTS = [
  'ServiceRequestId',
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
] as const;
const WRITABLE_SR = new Set<string>(
  SERVICE_REQUEST_ELEMENTS.filter((e) => !['CreatedBy', 'UpdateDate', 'UpdatedBy'].includes(e)),
);

/** One `<ServiceRequest>`'s problem, as its `<ErrorMessages><Error>`; null when it can be saved. */
function serviceRequestProblem(
  data: YardiData,
  propertyCode: string,
  sr: Rec,
  existing: Rec | undefined,
): string | null {
  const unknown = Object.keys(sr).find((name) => !WRITABLE_SR.has(name) && !name.startsWith('@'));
  if (unknown) return `Element ${unknown} is not supported`;
  const value = (name: string) => text(sr[name]);
  const property = value('PropertyCode') ?? existing?.PropertyCode;
  if (!property || property !== propertyCode || !data.properties.some((p) => p.Code === property))
    return `Could not find Property:${property ?? ''}.`;
  const unit = value('UnitCode');
  if (unit && !data.units.some((u) => u.YardiPropertyId === property && u.UnitID === unit))
    return `Could not find Unit:${unit}.`;
  const tenant = value('TenantCode');
  if (tenant && !data.customers.some((c) => c.CustomerID === tenant.split(':')[0] && c.YardiPropertyId === property))
    return `Could not find Tenant:${tenant}.`;
  if (!existing && !value('ServiceRequestBriefDescription')) return 'ServiceRequestBriefDescription is required';
  if ((value('ServiceRequestBriefDescription') ?? '').length > 35)
    return 'ServiceRequestBriefDescription must be 35 characters or fewer';
  for (const [name, values] of Object.entries(SERVICE_REQUEST_VALUES)) {
    const given = value(name);
    if (given !== undefined && !(values as readonly string[]).includes(given)) return `Invalid ${name}: ${given}`;
  }
  const permission = value('HasPermissionToEnter');
  if (permission !== undefined && !['true', 'false'].includes(permission.toLowerCase()))
    return 'HasPermissionToEnter must be true or false';
  const phone = value('RequestorPhoneNumber');
  if (phone !== undefined && !/^\d+$/.test(phone)) return 'RequestorPhoneNumber must be digits only';
  const date = value('ServiceRequestDate');
  if (date !== undefined && !isoDate(date.slice(0, 10)) && !US_DATE.test(date))
    return 'ServiceRequestDate must be a date';
  return null;
}

/**
 * CreateOrEditServiceRequests: each `<ServiceRequest>` without `ServiceRequestId` (or 0) is created (Status `Call`
 * unless given), one with an id changes the elements sent (modelled); a status change adds a StatusHistory entry.
 * The result echoes every request, new ids filled in, with `<ErrorMessages><Error>` on the ones refused.
 */
export function createOrEditServiceRequests(
  data: YardiData,
  propertyCode: string,
  doc: Rec,
  now: Date,
): YardiWriteResult {
  const requests = list(doc.ServiceRequests?.ServiceRequest);
  if (requests.length === 0) return error(NULL_REFERENCE);
  const stamp = now.toISOString().slice(0, 19);
  let applied = false;
  const echoed = requests.map((sr) => {
    const id = text(sr.ServiceRequestId);
    const existing = id && id !== '0' ? data.service_requests.find((r) => r.ServiceRequestId === id) : undefined;
    if (id && id !== '0' && !existing)
      return { ...sr, ErrorMessages: { Error: `Could not find ServiceRequest:${id}.` } };
    const problem = serviceRequestProblem(data, propertyCode, sr, existing);
    if (problem) return { ...sr, ErrorMessages: { Error: problem } };
    const fields = Object.fromEntries(
      Object.entries(sr)
        .filter(([name]) => name !== 'ServiceRequestId')
        .map(([name, value]) => [name, text(value) ?? '']),
    );
    applied = true;
    if (existing) {
      const statusChanged = fields.CurrentStatus !== undefined && fields.CurrentStatus !== existing.CurrentStatus;
      Object.assign(existing, fields, { UpdateDate: stamp, UpdatedBy: 'Interface' });
      if (statusChanged) existing.StatusHistory.Status.push({ '@Type': fields.CurrentStatus, '@TimeStamp': stamp });
      return serviceRequestView(existing);
    }
    const nextId = String(Math.max(0, ...data.service_requests.map((r) => Number(r.ServiceRequestId))) + 1);
    const status = fields.CurrentStatus ?? 'Call';
    const created: Rec = {
      ServiceRequestId: nextId,
      Origin: 'Interface',
      ServiceRequestDate: stamp,
      ...fields,
      PropertyCode: propertyCode,
      CurrentStatus: status,
      CreatedBy: 'Interface',
      UpdateDate: stamp,
      UpdatedBy: 'Interface',
      StatusHistory: { Status: [{ '@Type': status, '@TimeStamp': stamp }] },
    };
    data.service_requests.push(created);
    return serviceRequestView(created);
  });
  return {
    applied,
    messages: [],
    extra: { ServiceRequests: { ServiceRequest: echoed } },
  };
}

/** A service request as served: its elements in order, then its status history. */
export function serviceRequestView(record: Rec): Rec {
  const view: Rec = {};
  for (const name of SERVICE_REQUEST_ELEMENTS) if (record[name] !== undefined) view[name] = record[name];
  view.StatusHistory = record.StatusHistory;
  return view;
}

import { centsOfDecimal } from '../kit/seeded-ledger';
import { type EntrataData, usDate } from './entrata-dataset';
import { sendLeaseArTransaction } from './entrata-ledger';
import { COMPANY_EMPLOYEES } from './entrata-work-orders';

type Rec = Record<string, any>;

/**
 * How a write method's parameter is given (docs/vendors/entrata.md, Writes): ids and phone numbers as JSON
 * numbers (phones digits only), flags 0/1, `isoDate` YYYY-MM-DD (sendLeases/updateLease), `usDate` MM/DD/YYYY
 * (every other method), `typeId` one of the modelled type ids, `occupants` updateLease's
 * `occupants.occupant[] {firstName, lastName}` (one occupant may come as an object, as Entrata's JSON does).
 */
type ParamKind =
  | 'id'
  | 'number'
  | 'digits'
  | 'flag'
  | 'text'
  | 'isoDate'
  | 'usDate'
  | 'usDateTime'
  | 'occupants'
  | 'clientKey'
  | 'amount'
  | 'postMonth'
  | readonly number[];

interface ParamSpec {
  kind: ParamKind;
  required?: true;
}

/** phoneNumberTypeId 1 Home, 2 Work, 3 Mobile, 4 Fax, as reads show the phone's PhoneType. */
export const PHONE_TYPE_BY_ID: Record<number, string> = { 1: 'Home', 2: 'Work', 3: 'Mobile', 4: 'Fax' };
const PHONE_TYPE_IDS = [1, 2, 3, 4] as const;
const ADDRESS_TYPE_IDS = [1] as const;
const RELATIONSHIP_TYPE_IDS = [1] as const;
const req = (kind: ParamKind): ParamSpec => ({ kind, required: true });
const opt = (kind: ParamKind): ParamSpec => ({ kind });

/** The params each write method takes, by service (docs/vendors/entrata.md; * = `req`). */
export const WRITE_METHODS: Record<string, Record<string, Record<string, ParamSpec>>> = {
  '/customers': {
    updateCustomers: {
      id: req('id'),
      firstName: opt('text'),
      middleName: opt('text'),
      lastName: opt('text'),
      email: opt('text'),
      birthDate: opt('usDate'),
      streetLine1: opt('text'),
      streetLine2: opt('text'),
      city: opt('text'),
      state: opt('text'),
      postalCode: opt('text'),
      country: opt('text'),
      phoneNumber: opt('digits'),
      phoneNumberTypeId: opt(PHONE_TYPE_IDS),
      isPrimary: opt('flag'),
    },
  },
  '/leases': {
    sendLeases: {
      propertyId: req('id'),
      unitSpaceId: req('id'),
      floorplanId: req('id'),
      leaseTermId: req('id'),
      leaseStartDate: req('isoDate'),
      leaseEndDate: req('isoDate'),
      moveInDate: req('isoDate'),
      firstName: req('text'),
      middleName: opt('text'),
      lastName: req('text'),
      emailAddress: opt('text'),
      birthDate: opt('isoDate'),
      phoneNumber: req('digits'),
      phoneNumberTypeId: req(PHONE_TYPE_IDS),
      addressTypeId: req(ADDRESS_TYPE_IDS),
      streetLine1: req('text'),
      streetLine2: opt('text'),
      city: req('text'),
      stateCode: req('text'),
      postalCode: req('text'),
      customerRelationshipTypeId: req(RELATIONSHIP_TYPE_IDS),
    },
    updateLease: {
      propertyId: req('id'),
      leaseId: req('id'),
      unitSpaceId: opt('id'),
      moveInDate: opt('isoDate'),
      occupants: opt('occupants'),
      customerRelationshipTypeId: req(RELATIONSHIP_TYPE_IDS),
    },
  },
  '/maintenance': {
    sendWorkOrders: {
      propertyId: req('id'),
      customerId: opt('id'),
      leaseId: opt('id'),
      unitNumber: opt('text'),
      mainPhoneNumber: req('digits'),
      altPhoneNumber: opt('digits'),
      emailAddress: opt('text'),
      permissionToEnter: req('flag'),
      maintenanceLocationId: req('id'),
      maintenanceCategoryId: req('id'),
      maintenanceProblemId: req('id'),
      maintenancePriorityId: opt('id'),
      problemDescription: req('text'),
      petsDescription: opt('text'),
      assignedTo: opt('id'),
      scheduledStartDateTime: opt('usDateTime'),
      scheduledEndDateTime: opt('usDateTime'),
      dueDate: opt('usDate'),
      isFloatingWorkOrder: opt('flag'),
    },
    updateWorkOrders: {
      propertyId: req('id'),
      workOrderId: req('id'),
      maintenanceProblemId: req('id'),
      maintenanceStatusTypeId: opt('id'),
      maintenancePriorityId: opt('id'),
      maintenanceLocationId: opt('id'),
      maintenanceCategoryId: opt('id'),
      mainPhoneNumber: opt('digits'),
      emailAddress: opt('text'),
      problemDescription: opt('text'),
      completedDateTime: opt('usDateTime'),
      closingComments: opt('text'),
      scheduledStartDate: opt('usDateTime'),
      scheduledEndDate: opt('usDateTime'),
      vendorId: opt('id'),
      assignedTo: opt('id'),
      dueDate: opt('usDate'),
      permissionToEnter: opt('flag'),
    },
  },
  '/artransactions': {
    sendLeaseArTransactions: {
      transactionId: req('clientKey'),
      leaseId: req('id'),
      arCodeId: req('id'),
      transactionAmount: req('amount'),
      transactionDate: req('usDate'),
      arPostMonth: opt('postMonth'),
      // Required by Propexo (modelled).
      description: req('text'),
    },
  },
  '/propertyunits': {
    sendPropertyUnits: {
      propertyId: req('id'),
      unitNumber: req('text'),
      unitPrefix: opt('text'),
      unitSuffix: opt('text'),
      numberOfBedRooms: opt('number'),
      numberOfBathRooms: opt('number'),
      squareFeet: opt('number'),
      maxOccupants: opt('number'),
      note: opt('text'),
    },
  },
};

/** Write methods of a version other than r1 (docs/vendors/entrata.md). */
export const WRITE_VERSIONS: Record<string, string> = { updateWorkOrders: 'r2' };

/** Parameters updateLease refuses by name: a lease's dates, rent and status cannot be updated. */
const NOT_UPDATABLE = /date|rent|status/i;

const validDate = (value: unknown, pattern: RegExp, toIso: (v: string) => string) =>
  typeof value === 'string' && pattern.test(value) && !Number.isNaN(Date.parse(toIso(value)));
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const US_DATE = /^\d{2}\/\d{2}\/\d{4}$/;
const usToIso = (v: string) => `${v.slice(6, 10)}-${v.slice(0, 2)}-${v.slice(3, 5)}`;
/** MM/DD/YYYY with an optional HH:mm[:ss] (Mountain time, no offset, as every Entrata time; modelled). */
const US_DATE_TIME = /^\d{2}\/\d{2}\/\d{4}( \d{2}:\d{2}(:\d{2})?)?$/;

function kindProblem(kind: ParamKind, value: unknown): string | null {
  if (Array.isArray(kind)) return kind.includes(value as number) ? null : `must be one of ${kind.join(', ')}`;
  switch (kind) {
    case 'id':
      return Number.isInteger(value) && (value as number) > 0 ? null : 'must be a numeric id';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? null : 'must be a number';
    case 'digits':
      return Number.isInteger(value) && (value as number) > 0 ? null : 'must be a number of digits only';
    case 'flag':
      return value === 0 || value === 1 ? null : 'must be 0 or 1';
    case 'text':
      return typeof value === 'string' && value.trim() !== '' ? null : 'must be text';
    case 'isoDate':
      return validDate(value, ISO_DATE, (v) => v) ? null : 'must be a date formatted YYYY-MM-DD';
    case 'usDate':
      return validDate(value, US_DATE, usToIso) ? null : 'must be a date formatted MM/DD/YYYY';
    case 'usDateTime':
      return validDate(value, US_DATE_TIME, (v) => usToIso(v.slice(0, 10)))
        ? null
        : 'must be a date-time formatted MM/DD/YYYY HH:mm:ss';
    case 'occupants':
      return occupantList(value) ? null : 'must be {"occupant": [{"firstName", "lastName"}]}';
    case 'clientKey':
      return typeof value === 'string' && /^[A-Za-z0-9-]{1,50}$/.test(value)
        ? null
        : 'must be 1 to 50 letters, digits or dashes';
    case 'amount': {
      const cents = centsOfDecimal(value);
      return cents !== null && cents !== 0 ? null : 'must be a non-zero decimal amount with at most two decimals';
    }
    case 'postMonth':
      return typeof value === 'string' && /^(0[1-9]|1[0-2])\/\d{4}$/.test(value) ? null : 'must be formatted MM/YYYY';
  }
  return null;
}

function occupantList(value: unknown): Array<{ firstName: string; lastName: string }> | null {
  const raw = (value as Rec | null)?.occupant;
  const list: unknown[] = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const named = (o: unknown) => typeof (o as Rec)?.firstName === 'string' && typeof (o as Rec)?.lastName === 'string';
  return list.length > 0 && list.every(named) ? (list as Array<{ firstName: string; lastName: string }>) : null;
}

/** The first thing wrong with a write's params, as Entrata's error 400 message names it; null when they are fine. */
export function paramProblem(method: string, specs: Record<string, ParamSpec>, params: Rec): string | null {
  for (const [name, spec] of Object.entries(specs))
    if (spec.required && (params[name] === undefined || params[name] === null || params[name] === ''))
      return `${name} is required.`;
  for (const [name, value] of Object.entries(params)) {
    const spec = specs[name];
    if (!spec)
      return method === 'updateLease' && NOT_UPDATABLE.test(name)
        ? `${name} cannot be updated.`
        : `${name} is not a parameter of ${method}.`;
    const problem = kindProblem(spec.kind, value);
    if (problem) return `${name} ${problem}.`;
  }
  return null;
}

/** What a write did: whether it changed the data, and the method's `result` (lists still arrays). */
export interface EntrataWriteResult {
  applied: boolean;
  result: Rec;
}

const nextId = (records: Rec[], id: (r: Rec) => unknown, base: number) =>
  String(Math.max(base, ...records.map((r) => Number(id(r)))) + 1);
const customerId = (c: Rec) => c['@attributes']?.Id as string;

/** updateCustomers: changes the fields given (reads show name, email, street line, birth date, phone by type). */
export function updateCustomer(data: EntrataData, p: Rec): EntrataWriteResult {
  const customer = data.customers.find((c) => customerId(c) === String(p.id));
  const item = (status: string, message: string) => ({
    customers: { customer: [{ node: 'customer', referenceId: p.id, status, message }] },
  });
  if (!customer) return { applied: false, result: item('Failed', `Customer ${p.id} was not found.`) };
  const fields: Rec = {
    FirstName: p.firstName,
    MiddleName: p.middleName,
    LastName: p.lastName,
    Email: p.email,
    DateOfBirth: p.birthDate,
    Address: p.streetLine1,
  };
  for (const [field, value] of Object.entries(fields)) if (value !== undefined) customer[field] = value;
  if (p.phoneNumber !== undefined)
    setPhone(customer, String(p.phoneNumber), PHONE_TYPE_BY_ID[p.phoneNumberTypeId ?? 1]);
  return { applied: true, result: item('Success', 'Customer updated successfully.') };
}

/** A customer's phone of that type replaced (or added): reads list a customer's phones with their PhoneType. */
function setPhone(customer: Rec, number: string, type: string): void {
  const phones: Rec[] = Array.isArray(customer.Phone) ? customer.Phone : customer.Phone ? [customer.Phone] : [];
  customer.Phone = [...phones.filter((phone) => phone.PhoneType !== type), { PhoneNumber: number, PhoneType: type }];
}

/** The unit (space) of a property, by id. */
const unitOf = (data: EntrataData, propertyId: number, unitId: unknown) =>
  data.units.find((u) => u.propertyId === propertyId && u.id === String(unitId));

/** sendLeases: a lease on the unit space with its primary customer (who then appears in getCustomers). */
export function sendLease(data: EntrataData, p: Rec, today: string): EntrataWriteResult {
  const item = (leaseId: string | undefined, status: string, message: string) => ({
    leases: { lease: [{ node: 'lease', ...(leaseId ? { leaseId } : {}), status, message }] },
  });
  if (!data.properties.some((property) => property.PropertyID === p.propertyId))
    return { applied: false, result: item(undefined, 'Failed', `Property ${p.propertyId} was not found.`) };
  const unit = unitOf(data, p.propertyId, p.unitSpaceId);
  if (!unit)
    return {
      applied: false,
      result: item(undefined, 'Failed', `Unit space ${p.unitSpaceId} is not in this property.`),
    };
  if (p.leaseEndDate < p.leaseStartDate)
    return { applied: false, result: item(undefined, 'Failed', 'leaseEndDate must be after leaseStartDate.') };
  const leaseId = nextId(data.leases, (l) => l.id, 0);
  const id = nextId(data.customers, customerId, 0);
  const customer: Rec = { '@attributes': { Id: id }, FirstName: p.firstName };
  if (p.middleName) customer.MiddleName = p.middleName;
  customer.LastName = p.lastName;
  if (p.emailAddress) customer.Email = p.emailAddress;
  customer.Phone = [{ PhoneNumber: String(p.phoneNumber), PhoneType: PHONE_TYPE_BY_ID[p.phoneNumberTypeId] }];
  customer.Address = p.streetLine1;
  if (p.birthDate) customer.DateOfBirth = usDate(p.birthDate);
  customer.LeaseId = Number(leaseId);
  const inForce = p.leaseStartDate <= today;
  data.leases.push({
    propertyId: p.propertyId,
    id: leaseId,
    unitId: unit.id,
    // Modelled: a lease sent with a start date to come is Future, else Current.
    leaseIntervalStatus: inForce ? 'Current' : 'Future',
    startDate: usDate(p.leaseStartDate),
    endDate: usDate(p.leaseEndDate),
    moveInDate: usDate(p.moveInDate),
    customers: { customer: [{ id: Number(id), customerType: 'Primary' }] },
  });
  data.customers.push(customer);
  if (inForce) unit.isVacant = false;
  return { applied: true, result: item(leaseId, 'Success', 'Lease created successfully.') };
}

/** updateLease: the unit space, move-in date and occupants (added as customers of type Occupant). */
export function updateLease(data: EntrataData, p: Rec): EntrataWriteResult {
  const lease = data.leases.find((l) => l.id === String(p.leaseId) && l.propertyId === p.propertyId);
  const answer = (status: string, message: string) => ({ status, leaseId: p.leaseId, message });
  if (!lease) return { applied: false, result: answer('Failed', `Lease ${p.leaseId} was not found in this property.`) };
  if (p.unitSpaceId !== undefined && !unitOf(data, p.propertyId, p.unitSpaceId))
    return { applied: false, result: answer('Failed', `Unit space ${p.unitSpaceId} is not in this property.`) };
  if (p.unitSpaceId !== undefined) lease.unitId = String(p.unitSpaceId);
  if (p.moveInDate !== undefined) lease.moveInDate = usDate(p.moveInDate);
  for (const occupant of p.occupants ? occupantList(p.occupants)! : []) {
    const id = nextId(data.customers, customerId, 0);
    data.customers.push({
      '@attributes': { Id: id },
      FirstName: occupant.firstName,
      LastName: occupant.lastName,
      LeaseId: Number(lease.id),
    });
    ((lease.customers ??= { customer: [] }).customer as Rec[]).push({ id: Number(id), customerType: 'Occupant' });
  }
  return { applied: true, result: answer('Success', 'Lease updated successfully.') };
}

/** sendPropertyUnits: a unit of the property (one space per unit here, so the unit space is the unit). */
export function sendPropertyUnit(data: EntrataData, p: Rec): EntrataWriteResult {
  const number = `${p.unitPrefix ?? ''}${p.unitNumber}${p.unitSuffix ?? ''}`;
  const item = (unitId: string | undefined, status: string, message: string) => ({
    units: {
      unit: [
        {
          node: 'unit',
          ...(unitId ? { unitId, unitNumber: number, unitSpace: { id: unitId } } : { unitNumber: number }),
          status,
          message,
        },
      ],
    },
  });
  if (!data.properties.some((property) => property.PropertyID === p.propertyId))
    return { applied: false, result: item(undefined, 'Failed', `Property ${p.propertyId} was not found.`) };
  if (data.units.some((u) => u.propertyId === p.propertyId && u.unitNumber === number))
    return { applied: false, result: item(undefined, 'Failed', `Unit number ${number} already exists.`) };
  const unitId = nextId(data.units, (u) => u.id, 0);
  const unit: Rec = { propertyId: p.propertyId, id: unitId, unitNumber: number };
  if (p.numberOfBedRooms !== undefined) unit.bedrooms = p.numberOfBedRooms;
  if (p.numberOfBathRooms !== undefined) unit.bathrooms = String(p.numberOfBathRooms);
  if (p.squareFeet !== undefined) unit.squareFeet = p.squareFeet;
  unit.isVacant = true;
  data.units.push(unit);
  return { applied: true, result: item(unitId, 'Success', 'Unit created successfully.') };
}

/** The property's maintenance pick lists (getWorkOrderPickLists), by id (modelled). */
export const PICK_LISTS = {
  locations: { 1: 'Kitchen', 2: 'Bathroom', 3: 'Bedroom', 4: 'Living Room', 5: 'Exterior' },
  categories: { 1: 'Plumbing', 2: 'Electrical', 3: 'HVAC', 4: 'Appliances', 5: 'General' },
  problems: {
    11: 'Leaking faucet',
    12: 'Clogged drain',
    21: 'Outlet not working',
    31: 'No heat',
    41: 'Fridge not cooling',
  },
  priorities: { 1: 'Low', 2: 'Normal', 3: 'High', 4: 'Emergency' },
  statuses: { 1: 'Open', 2: 'In Progress', 3: 'On Hold', 4: 'Completed', 5: 'Cancelled' },
} as const satisfies Record<string, Record<number, string>>;

/** The pick list each lookup param names, and what the unknown id is called in the error. */
const LOOKUPS: Array<[param: string, list: keyof typeof PICK_LISTS]> = [
  ['maintenanceLocationId', 'locations'],
  ['maintenanceCategoryId', 'categories'],
  ['maintenanceProblemId', 'problems'],
  ['maintenancePriorityId', 'priorities'],
  ['maintenanceStatusTypeId', 'statuses'],
];
const pick = (list: keyof typeof PICK_LISTS, id: unknown) => (PICK_LISTS[list] as Record<number, string>)[id as number];

/** Why Entrata refuses a work order it can parse (unknown pick-list ids, the scheduling and pet rules), or null. */
function workOrderProblem(p: Rec): string | null {
  for (const [param, list] of LOOKUPS)
    if (p[param] !== undefined && !pick(list, p[param]))
      return `${param} ${p[param]} is not in the property's pick list.`;
  if (p.assignedTo !== undefined && !COMPANY_EMPLOYEES[p.assignedTo])
    return `assignedTo ${p.assignedTo} is not an employee of the company.`;
  const start = p.scheduledStartDateTime ?? p.scheduledStartDate;
  const end = p.scheduledEndDateTime ?? p.scheduledEndDate;
  if ((start === undefined) !== (end === undefined))
    return 'scheduledStartDateTime and scheduledEndDateTime are given together or not at all.';
  if (start !== undefined && String(start).slice(0, 10) !== String(end).slice(0, 10))
    return 'scheduledStartDateTime and scheduledEndDateTime must be on the same day.';
  if (p.permissionToEnter === 0 && !p.petsDescription && p.workOrderId === undefined)
    return 'petsDescription is required when permissionToEnter is 0.';
  return null;
}

/** The read fields a work order's params set (names as getWorkOrders serves them). */
function workOrderFields(data: EntrataData, p: Rec): Rec {
  const customer =
    p.customerId === undefined ? undefined : data.customers.find((c) => customerId(c) === String(p.customerId));
  const fields: Rec = {
    unitNumber: p.unitNumber,
    customerId: p.customerId,
    nameFirst: customer?.FirstName,
    nameLast: customer?.LastName,
    primaryPhoneNumber: p.mainPhoneNumber === undefined ? undefined : String(p.mainPhoneNumber),
    emailAddress: p.emailAddress ?? customer?.Email,
    // assignedTo is sent as the employee's id; getWorkOrders names the employee (modelled).
    assignedTo: p.assignedTo === undefined ? undefined : COMPANY_EMPLOYEES[p.assignedTo],
    maintenanceStatus:
      p.maintenanceStatusTypeId === undefined ? undefined : pick('statuses', p.maintenanceStatusTypeId),
    maintenancePriority:
      p.maintenancePriorityId === undefined ? undefined : pick('priorities', p.maintenancePriorityId),
    maintenanceCategoryName:
      p.maintenanceCategoryId === undefined ? undefined : pick('categories', p.maintenanceCategoryId),
    maintenanceProblem: p.maintenanceProblemId === undefined ? undefined : pick('problems', p.maintenanceProblemId),
    maintenanceDescription: p.problemDescription,
    scheduledStartDate: p.scheduledStartDateTime ?? p.scheduledStartDate,
    scheduledEndDate: p.scheduledEndDateTime ?? p.scheduledEndDate,
    dueDate: p.dueDate,
    permissionToEnter: p.permissionToEnter === undefined ? undefined : String(p.permissionToEnter),
    petInfo: p.petsDescription,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** sendWorkOrders: a work order of the property, `Open` (modelled); its new id as `Success[].@attributes.reference_id`. */
export function sendWorkOrder(data: EntrataData, p: Rec, today: string): EntrataWriteResult {
  const failed = (message: string) => ({
    applied: false,
    result: { Failed: [{ '@attributes': { node: 'workOrder', message } }] },
  });
  const problem = workOrderProblem(p);
  if (problem) return failed(problem);
  if (!data.properties.some((property) => property.PropertyID === p.propertyId))
    return failed(`Property ${p.propertyId} was not found.`);
  if (
    p.unitNumber !== undefined &&
    !data.units.some((u) => u.propertyId === p.propertyId && u.unitNumber === p.unitNumber)
  )
    return failed(`Unit ${p.unitNumber} was not found in this property.`);
  if (p.customerId !== undefined && !data.customers.some((c) => customerId(c) === String(p.customerId)))
    return failed(`Customer ${p.customerId} was not found.`);
  const id = nextId(data.work_orders, (w) => w.maintenanceRequestId, 0);
  data.work_orders.push({
    maintenanceRequestId: id,
    propertyId: p.propertyId,
    createdOn: `${usDate(today)} 00:00:00`,
    maintenanceStatus: 'Open',
    isDeleted: '0',
    ...workOrderFields(data, p),
  });
  return {
    applied: true,
    result: {
      Success: [
        { '@attributes': { message: 'Work order created successfully.', node: 'workOrder', reference_id: id } },
      ],
    },
  };
}

/** updateWorkOrders (r2): the fields given change; `completedDateTime`/`closingComments` are kept off the read. */
export function updateWorkOrder(data: EntrataData, p: Rec): EntrataWriteResult {
  const item = (status: string, message: string) => ({
    workOrders: { workOrder: [{ '@attributes': { workOrderId: p.workOrderId, status, message } }] },
  });
  const record = data.work_orders.find(
    (w) => w.maintenanceRequestId === String(p.workOrderId) && w.propertyId === p.propertyId,
  );
  if (!record)
    return { applied: false, result: item('Failed', `Work order ${p.workOrderId} was not found in this property.`) };
  const problem = workOrderProblem(p);
  if (problem) return { applied: false, result: item('Failed', problem) };
  Object.assign(record, workOrderFields(data, p));
  return { applied: true, result: item('Success', 'Work order updated successfully.') };
}

/** Each write method's effect, by name. */
export const APPLY: Record<string, (data: EntrataData, params: Rec, today: string) => EntrataWriteResult> = {
  updateCustomers: updateCustomer,
  sendLeases: sendLease,
  updateLease,
  sendPropertyUnits: sendPropertyUnit,
  sendWorkOrders: sendWorkOrder,
  updateWorkOrders: updateWorkOrder,
  sendLeaseArTransactions: (data, params) => sendLeaseArTransaction(data, params),
};

import type { WriteOperation } from '../../catalogue/canonical-models';
import { idOrNull, isObject } from '../../normalise/normalise';
import type { RawPage, VendorWrite, VendorWriteResult, VendorWriter, WriteFields } from '../adapter/vendor-adapter';
import { VendorRequestError } from '../adapter/vendor-http';
import { LISTED_UNDER_PROPERTY, type EntrataModel } from './entrata.facts';
import { ID_FIELD } from './entrata.mapper';
import { liftAttributes, listOf } from './entrata.quirks';

type Json = Record<string, any>;

/** What the writer needs of the Entrata client: method calls, and records listed the way a sync lists them. */
export interface EntrataCalls {
  /** One method call (`method.version` r1); the answer's `result`, errors inside the 200 body already thrown. */
  send(service: string, method: string, params: Json, options?: { resend?: 'unlessSent' }): Promise<Json>;
  /** Every property id, as text. */
  propertyIds(): Promise<string[]>;
  /** One property's records of a model, page by page, as listPages yields them (customers marked as applicants). */
  propertyPages(
    model: Exclude<EntrataModel, 'properties' | 'resident_payments'>,
    propertyId: string,
  ): AsyncIterable<RawPage>;
}

const ADDRESS = ['address_1', 'address_2', 'city', 'state', 'zip'] as const;

/**
 * The canonical fields each Entrata write takes (docs/vendors/entrata.md, Writes): required = the method's `*`
 * params that come from the body. updateLease's `*propertyId` is the lease's property: property_id when given, else
 * found by the writer; its dates, rent and status are not writable ("cannot be updated"). sendLeases' moveInDate
 * comes from scheduled_move_in_date or move_in_date, so neither alone is required (the writer checks one is given).
 */
export const ENTRATA_WRITE_FIELDS: Partial<Record<EntrataModel, Partial<Record<WriteOperation, WriteFields>>>> = {
  residents: {
    update: {
      required: [],
      writable: [
        'first_name',
        'middle_name',
        'last_name',
        'email_1',
        'date_of_birth',
        ...ADDRESS,
        'country',
        'phone_1',
        'phone_1_type',
        'is_primary',
      ],
    },
  },
  leases: {
    create: {
      required: [
        'property_id',
        'unit_id',
        'floor_plan_id',
        'lease_period_id',
        'start_date',
        'end_date',
        'first_name',
        'last_name',
        'phone_1',
        'phone_1_type',
        'address_1',
        'city',
        'state',
        'zip',
      ],
      writable: [
        'property_id',
        'unit_id',
        'floor_plan_id',
        'lease_period_id',
        'start_date',
        'end_date',
        'scheduled_move_in_date',
        'move_in_date',
        'first_name',
        'middle_name',
        'last_name',
        'email_1',
        'date_of_birth',
        'phone_1',
        'phone_1_type',
        ...ADDRESS,
      ],
    },
    update: {
      required: [],
      writable: ['property_id', 'unit_id', 'scheduled_move_in_date', 'other_occupants'],
    },
  },
  units: {
    create: {
      required: ['property_id', 'number'],
      writable: ['property_id', 'number', 'bedrooms', 'bathrooms', 'square_feet', 'notes'],
    },
  },
};

/** Canonical phone type -> Entrata's modelled phoneNumberTypeId (1 Home, 2 Work, 3 Mobile, 4 Fax). */
export const PHONE_NUMBER_TYPE_ID: Record<string, number> = { HOME: 1, WORK: 2, MOBILE: 3, FAX: 4 };
/** The only modelled addressTypeId (Primary) and customerRelationshipTypeId (Primary). */
const PRIMARY_ADDRESS_TYPE_ID = 1;
const PRIMARY_RELATIONSHIP_TYPE_ID = 1;

/** A write method: where it is served and where its per-record outcome sits in `result`. */
interface WriteMethod {
  service: string;
  method: string;
  /** The result's items (`result.leases.lease[]`), or the result itself for updateLease's `{status, leaseId, message}`. */
  items: (result: Json) => unknown[];
  /** The vendor id a successful item names (a create's new record), or null. */
  newId?: (item: Json) => string | null;
}

const WRITE_METHOD = {
  updateCustomers: {
    service: 'customers',
    method: 'updateCustomers',
    items: (result) => listOf(result.customers, 'customer'),
  },
  sendLeases: {
    service: 'leases',
    method: 'sendLeases',
    items: (result) => listOf(result.leases, 'lease'),
    newId: (item) => idOrNull(item.leaseId),
  },
  updateLease: { service: 'leases', method: 'updateLease', items: (result) => [result] },
  sendPropertyUnits: {
    service: 'propertyunits',
    method: 'sendPropertyUnits',
    items: (result) => listOf(result.units, 'unit'),
    newId: (item) => idOrNull(item.unitId),
  },
} satisfies Record<string, WriteMethod>;
type WriteMethodName = keyof typeof WRITE_METHOD;

/** The method each supported write is sent with. */
const METHOD_OF: Partial<Record<EntrataModel, Partial<Record<WriteOperation, WriteMethodName>>>> = {
  residents: { update: 'updateCustomers' },
  leases: { create: 'sendLeases', update: 'updateLease' },
  units: { create: 'sendPropertyUnits' },
};

/**
 * Writes through Entrata's JSON-RPC methods, one record per call. Errors come inside HTTP 200 bodies (the client
 * throws them, with Entrata's message); a record the method refused is an item with a `status` other than
 * Success. Creates are never resent once they may have arrived; `update*` calls send the values given, complete,
 * so they may be (but for updateLease with occupants, which Entrata adds).
 */
export class EntrataWriter implements VendorWriter<EntrataModel> {
  constructor(private readonly calls: EntrataCalls) {}

  async write(write: VendorWrite & { model: EntrataModel }): Promise<VendorWriteResult> {
    const name = METHOD_OF[write.model]?.[write.operation];
    if (!name) throw new VendorRequestError(`Entrata has no ${write.operation} of ${write.model}`, null, false);
    const method: WriteMethod = WRITE_METHOD[name];
    const params = entrataParams(name, await this.withLeaseProperty(name, write));
    const resend = write.operation === 'create' || params.occupants !== undefined ? 'unlessSent' : undefined;
    const result = await this.calls.send(method.service, method.method, params, resend ? { resend } : {});
    const item = outcomeItem(method, result);
    const xId = write.operation === 'update' ? write.xId! : method.newId?.(item);
    // Made, but not named: a success all the same; the next sync brings the record.
    if (!xId) return { xId: null };
    // Entrata answers no record: it is read back from the list call of the property it was written to.
    const propertyId = params.propertyId === undefined ? undefined : String(params.propertyId);
    return { xId, record: (await this.find(write.model, xId, propertyId)) ?? undefined };
  }

  /**
   * The method called with `params: {}` (entrata.md, "Access probe"): Entrata checks the key's permission for the
   * method first, so its validation error (400) proves the key may write and nothing is made; 304 is thrown.
   */
  async probe(model: EntrataModel, operation: WriteOperation): Promise<void> {
    const name = METHOD_OF[model]?.[operation];
    if (!name) throw new VendorRequestError(`Entrata has no ${operation} of ${model}`, null, false);
    const { service, method } = WRITE_METHOD[name];
    try {
      await this.calls.send(service, method, {});
    } catch (error) {
      if (error instanceof VendorRequestError && error.status === 400) return;
      throw error;
    }
    throw new VendorRequestError(`Entrata accepted an empty ${method}`, null, false);
  }

  /** updateLease needs the lease's property: the one given, else the property whose getLeases lists the lease. */
  private async withLeaseProperty(name: WriteMethodName, write: VendorWrite): Promise<VendorWrite> {
    if (name !== 'updateLease' || (write.fields.property_id !== undefined && write.fields.property_id !== null))
      return write;
    const lease = await this.find('leases', write.xId!);
    const propertyId = isObject(lease) ? lease[LISTED_UNDER_PROPERTY] : undefined;
    if (propertyId === undefined)
      throw new VendorRequestError(`Entrata lists no lease ${write.xId} in any property`, null, false);
    return { ...write, fields: { ...write.fields, property_id: propertyId } };
  }

  /** Entrata reads nothing by id: the record is looked for in each property's list (or the one given). */
  fetchOne(model: EntrataModel, xId: string): Promise<unknown> {
    return this.find(model, xId);
  }

  private async find(model: EntrataModel, xId: string, propertyId?: string): Promise<unknown> {
    if (model === 'properties' || model === 'resident_payments')
      throw new VendorRequestError(`Entrata ${model} are not written`, null, false);
    for (const property of propertyId === undefined ? await this.calls.propertyIds() : [propertyId])
      for await (const page of this.calls.propertyPages(model, property)) {
        const record = page.records.find((r) => isObject(r) && idOrNull(r[ID_FIELD[model]]) === xId);
        if (record !== undefined) return record;
      }
    return null;
  }
}

/** The one item of a one-record write, or the method's failure: an item whose status is not Success. */
function outcomeItem(method: WriteMethod, result: Json): Json {
  const items = method.items(result).map(liftAttributes);
  const item = items[0];
  if (!isObject(item)) throw new VendorRequestError(`Entrata ${method.method} answered no result item`, null, false);
  if (String(item.status ?? '').toLowerCase() !== 'success')
    throw new VendorRequestError(
      `Entrata ${method.method} failed: ${String(item.message ?? `status ${String(item.status)}`)}`,
      null,
      false,
    );
  return item;
}

/** The method's params from a write's canonical fields (ids already the vendor's), as entrata.md lists them. */
export function entrataParams(method: WriteMethodName, write: VendorWrite): Json {
  const f = write.fields;
  const given = (field: string) => f[field] !== undefined && f[field] !== null;
  const params: Json = {};
  const set = (param: string, field: string, convert: (value: unknown, field: string) => unknown = textValue) => {
    if (given(field)) params[param] = convert(f[field], field);
  };
  switch (method) {
    case 'updateCustomers':
      params.id = entrataId(write.xId, 'x_id');
      set('firstName', 'first_name');
      set('middleName', 'middle_name');
      set('lastName', 'last_name');
      set('email', 'email_1');
      set('birthDate', 'date_of_birth', usDate);
      set('streetLine1', 'address_1');
      set('streetLine2', 'address_2');
      set('city', 'city');
      set('state', 'state');
      set('postalCode', 'zip');
      set('country', 'country');
      set('phoneNumber', 'phone_1', digitsOnly);
      set('phoneNumberTypeId', 'phone_1_type', phoneTypeId);
      set('isPrimary', 'is_primary', flag);
      return params;
    case 'sendLeases': {
      const moveIn = given('scheduled_move_in_date') ? 'scheduled_move_in_date' : 'move_in_date';
      if (!given(moveIn))
        throw new VendorRequestError(
          'Entrata sendLeases needs a move-in date: give scheduled_move_in_date or move_in_date',
          null,
          false,
        );
      set('propertyId', 'property_id', entrataId);
      set('unitSpaceId', 'unit_id', entrataId);
      set('floorplanId', 'floor_plan_id', entrataId);
      set('leaseTermId', 'lease_period_id', entrataId);
      set('leaseStartDate', 'start_date', isoDate);
      set('leaseEndDate', 'end_date', isoDate);
      set('moveInDate', moveIn, isoDate);
      set('firstName', 'first_name');
      set('middleName', 'middle_name');
      set('lastName', 'last_name');
      set('emailAddress', 'email_1');
      set('birthDate', 'date_of_birth', isoDate);
      set('phoneNumber', 'phone_1', digitsOnly);
      set('phoneNumberTypeId', 'phone_1_type', phoneTypeId);
      params.addressTypeId = PRIMARY_ADDRESS_TYPE_ID;
      set('streetLine1', 'address_1');
      set('streetLine2', 'address_2');
      set('city', 'city');
      set('stateCode', 'state');
      set('postalCode', 'zip');
      params.customerRelationshipTypeId = PRIMARY_RELATIONSHIP_TYPE_ID;
      return params;
    }
    case 'updateLease':
      set('propertyId', 'property_id', entrataId);
      params.leaseId = entrataId(write.xId, 'x_id');
      set('unitSpaceId', 'unit_id', entrataId);
      set('moveInDate', 'scheduled_move_in_date', isoDate);
      set('occupants', 'other_occupants', occupants);
      params.customerRelationshipTypeId = PRIMARY_RELATIONSHIP_TYPE_ID;
      return params;
    case 'sendPropertyUnits':
      set('propertyId', 'property_id', entrataId);
      set('unitNumber', 'number');
      set('numberOfBedRooms', 'bedrooms', count);
      set('numberOfBathRooms', 'bathrooms', count);
      set('squareFeet', 'square_feet', count);
      set('note', 'notes');
      return params;
  }
}

/** A canonical value that cannot be sent as Entrata takes it: the write fails before any request. */
function unsendable(field: string, value: unknown, why: string): never {
  throw new VendorRequestError(`${field} ${JSON.stringify(value)} ${why}`, null, false);
}

function textValue(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

/** Entrata ids are JSON numbers; an id that is not numeric is sent as given, for Entrata to refuse by name. */
export function entrataId(value: unknown, field: string): unknown {
  const id = idOrNull(value);
  if (id === null) unsendable(field, value, 'is not an id');
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

/** A phone as Entrata takes it: a JSON number of digits only (5550102000); a US number loses its leading 1. */
export function digitsOnly(value: unknown, field: string): number {
  const raw = String(value);
  if (/x|ext/i.test(raw)) unsendable(field, value, 'has an extension, which Entrata cannot take');
  const digits = raw.replace(/\D/g, '');
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  if (national.length < 7 || national.length > 15) unsendable(field, value, 'is not a phone number');
  return Number(national);
}

function phoneTypeId(value: unknown, field: string): number {
  return (
    PHONE_NUMBER_TYPE_ID[String(value)] ??
    unsendable(field, value, 'has no Entrata phone type (HOME, WORK, MOBILE, FAX)')
  );
}

/** A flag as Entrata takes it: 0 or 1. */
export function flag(value: unknown, field: string): 0 | 1 {
  if (typeof value !== 'boolean') unsendable(field, value, 'is not true or false');
  return value ? 1 : 0;
}

/** The calendar day of a canonical date or date-time, as [YYYY, MM, DD] (a day that does not exist is refused). */
function calendarDay(value: unknown, field: string): [string, string, string] {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(value.trim()) : null;
  const [year, month, day] = match ? [match[1], match[2], match[3]] : [];
  const date = match ? new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))) : null;
  if (!date || date.toISOString().slice(0, 10) !== `${year}-${month}-${day}`)
    unsendable(field, value, 'is not a date (YYYY-MM-DD or an ISO date-time)');
  return [year!, month!, day!];
}

/** sendLeases/updateLease dates: YYYY-MM-DD. */
export function isoDate(value: unknown, field: string): string {
  return calendarDay(value, field).join('-');
}

/** Every other method's dates: MM/DD/YYYY. */
export function usDate(value: unknown, field: string): string {
  const [year, month, day] = calendarDay(value, field);
  return `${month}/${day}/${year}`;
}

/** Bedrooms, bathrooms and square feet as JSON numbers (the spec gives bedrooms and bathrooms as text). */
function count(value: unknown, field: string): number {
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !Number.isFinite(number) || number < 0)
    unsendable(field, value, 'is not a number');
  return number;
}

/** other_occupants [{first_name, last_name}] -> updateLease's `occupants.occupant[] {firstName, lastName}`. */
function occupants(value: unknown, field: string): Json {
  const list = Array.isArray(value) ? value : [];
  const occupant = list.map((o: Json, i) => {
    if (typeof o?.first_name !== 'string' || typeof o?.last_name !== 'string')
      unsendable(`${field}[${i}]`, o, 'needs first_name and last_name');
    return { firstName: o.first_name.trim(), lastName: o.last_name.trim() };
  });
  if (occupant.length === 0) unsendable(field, value, 'names no occupant');
  return { occupant };
}

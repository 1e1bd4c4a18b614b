import { randomUUID } from 'node:crypto';
import type { WriteOperation } from '../../catalogue/canonical-models';
import { idOrNull, isObject } from '../../normalise/normalise';
import type { RawPage, VendorWrite, VendorWriteResult, VendorWriter, WriteFields } from '../adapter/vendor-adapter';
import { VendorRequestError } from '../adapter/vendor-http';
import { LISTED_UNDER_PROPERTY, type EntrataModel } from './entrata.facts';
import { ID_FIELD } from './entrata.mapper';
import { asArray, liftAttributes, listOf, mountainWallTime } from './entrata.quirks';
import { textOf } from '../../platform/text/text-of';

type Json = Record<string, any>;

/** What the writer needs of the Entrata client: method calls, and records listed the way a sync lists them. */
export interface EntrataCalls {
  /** One method call (`method.version` r1); the answer's `result`, errors inside the 200 body already thrown. */
  send(service: string, method: string, params: Json, options?: SendOptions): Promise<Json>;
  /** Every property id, as text. */
  propertyIds(): Promise<string[]>;
  /** One property's records of a model, page by page, as listPages yields them (customers marked as applicants). */
  propertyPages(
    model: Exclude<EntrataModel, 'properties' | 'resident_payments'>,
    propertyId: string,
  ): AsyncIterable<RawPage>;
}

/** How a write is sent: never again once it may have arrived (`unlessSent`), and the method's version (r1 unless said). */
export interface SendOptions {
  resend?: 'unlessSent';
  version?: string;
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
  // sendWorkOrders' *mainPhoneNumber is phone_1 or the resident's phone, *problemDescription service_details or
  // service_description: the writer checks one of each is there.
  service_requests: {
    create: {
      required: [
        'property_id',
        'access_is_authorized',
        'service_request_location_id',
        'service_request_category_id',
        'service_request_problem_id',
      ],
      writable: [
        'property_id',
        'resident_id',
        'lease_id',
        'unit_id',
        'phone_1',
        'access_is_authorized',
        'service_request_location_id',
        'service_request_category_id',
        'service_request_problem_id',
        'service_request_priority_id',
        'service_details',
        'service_description',
        'access_notes',
        'employee_id',
        'scheduled_start_date',
        'scheduled_end_date',
        'due_date',
        'date_due',
        'is_floating',
      ],
    },
    update: {
      required: [],
      writable: [
        'property_id',
        'service_request_problem_id',
        'service_request_status_id',
        'service_request_priority_id',
        'service_request_location_id',
        'service_request_category_id',
        'phone_1',
        'email_1',
        'service_details',
        'service_description',
        'date_completed',
        'completion_notes',
        'vendor_id',
        'employee_id',
        'due_date',
        'date_due',
        'access_is_authorized',
      ],
    },
  },
  resident_charges: {
    create: {
      required: ['lease_id', 'charge_code_id', 'amount_in_cents', 'transaction_date', 'description'],
      writable: [
        'lease_id',
        'charge_code_id',
        'amount_in_cents',
        'transaction_date',
        'post_month',
        'description',
        'third_party_charge_id',
      ],
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
  /** `method.version` when not r1. */
  version?: string;
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
  // Success items carry the new id as reference_id; a refused work order is a Failed item with its message.
  sendWorkOrders: {
    service: 'maintenance',
    method: 'sendWorkOrders',
    items: (result) => [
      ...listOf(result, 'Success').map((item) => ({ status: 'Success', ...(liftAttributes(item) as Json) })),
      ...listOf(result, 'Failed').map((item) => ({ status: 'Failed', ...(liftAttributes(item) as Json) })),
    ],
    newId: (item) => idOrNull(item.reference_id),
  },
  updateWorkOrders: {
    service: 'maintenance',
    method: 'updateWorkOrders',
    version: 'r2',
    items: (result) => listOf(result.workOrders, 'workOrder'),
  },
  // No record id comes back: reference_id and transaction_id name the client's transactionId at most.
  sendLeaseArTransactions: {
    service: 'artransactions',
    method: 'sendLeaseArTransactions',
    items: (result) => listOf(result.Transactions, 'Transaction'),
  },
} satisfies Record<string, WriteMethod>;
type WriteMethodName = keyof typeof WRITE_METHOD;

/** The method each supported write is sent with. */
const METHOD_OF: Partial<Record<EntrataModel, Partial<Record<WriteOperation, WriteMethodName>>>> = {
  residents: { update: 'updateCustomers' },
  leases: { create: 'sendLeases', update: 'updateLease' },
  units: { create: 'sendPropertyUnits' },
  service_requests: { create: 'sendWorkOrders', update: 'updateWorkOrders' },
  resident_charges: { create: 'sendLeaseArTransactions' },
};

/** Entrata's answer to a transactionId it has already posted (entrata.md, Resident charges; modelled). */
const DUPLICATE_TRANSACTION = /duplicate transaction id/i;

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
    const params = entrataParams(name, await this.complete(name, write));
    // Creates are never resent once they may have arrived: not even a charge, which Entrata would refuse as a
    // duplicate, since money is never risked on a rule of the vendor's.
    const resend = write.operation === 'create' || params.occupants !== undefined ? 'unlessSent' : undefined;
    const result = await this.calls.send(method.service, method.method, params, {
      ...(resend ? { resend } : {}),
      ...(method.version ? { version: method.version } : {}),
    });
    const item = outcomeItem(method, result, name === 'sendLeaseArTransactions' ? DUPLICATE_TRANSACTION : undefined);
    const xId = write.operation === 'update' ? write.xId! : method.newId?.(item);
    // Made, but not named (a charge: Entrata's ledger rows do not show the transactionId, so it cannot be found
    // exactly): a success all the same; the next sync brings the record.
    if (!xId) return { xId: null };
    // Entrata answers no record: it is read back from the list call of the property it was written to.
    return { xId, readBackFrom: params.propertyId === undefined ? {} : { propertyId: String(params.propertyId) } };
  }

  /**
   * The method called with `params: {}` (entrata.md, "Access probe"): Entrata checks the key's permission for the
   * method first, so its validation error (400) proves the key may write and nothing is made; 304 is thrown.
   */
  async probe(model: EntrataModel, operation: WriteOperation): Promise<void> {
    const name = METHOD_OF[model]?.[operation];
    if (!name) throw new VendorRequestError(`Entrata has no ${operation} of ${model}`, null, false);
    const { service, method, version } = WRITE_METHOD[name] as WriteMethod;
    try {
      await this.calls.send(service, method, {}, version ? { version } : {});
    } catch (error) {
      if (error instanceof VendorRequestError && error.status === 400) return;
      throw error;
    }
    throw new VendorRequestError(`Entrata accepted an empty ${method}`, null, false);
  }

  /**
   * What a method needs beyond the body, read from Entrata: updateLease and updateWorkOrders the record's property
   * (the one given, else the property whose list call names the record); sendWorkOrders the unit's number and the
   * resident's phone and email; updateWorkOrders its *maintenanceProblemId (required even on update) from the work
   * order's current problem name through the pick lists.
   */
  private async complete(name: WriteMethodName, write: VendorWrite): Promise<VendorWrite> {
    const fields = { ...write.fields };
    const given = (field: string) => fields[field] !== undefined && fields[field] !== null;
    if (name === 'updateLease' || name === 'updateWorkOrders') {
      const model = name === 'updateLease' ? 'leases' : 'service_requests';
      const current = given('property_id') && name === 'updateLease' ? null : await this.find(model, write.xId!);
      if (!given('property_id')) {
        const propertyId = isObject(current) ? current[LISTED_UNDER_PROPERTY] : undefined;
        if (propertyId === undefined)
          throw new VendorRequestError(`Entrata lists no ${model} ${write.xId} in any property`, null, false);
        fields.property_id = propertyId;
      }
      if (name === 'updateWorkOrders' && !given('service_request_problem_id'))
        fields.service_request_problem_id = await this.problemId(String(fields.property_id), current);
    }
    if (name === 'sendWorkOrders') {
      const propertyId = String(fields.property_id);
      if (given('unit_id')) {
        const unit = await this.findIn('units', String(fields.unit_id), propertyId);
        if (!isObject(unit))
          throw new VendorRequestError(`Entrata lists no unit ${String(fields.unit_id)}`, null, false);
        fields.unit_number = unit.unitNumber;
      }
      if (given('resident_id')) {
        const customer = await this.findIn('residents', String(fields.resident_id), propertyId);
        if (isObject(customer)) {
          const phones = asArray(customer.Phone) as Json[];
          fields.phone_1 ??= phones.map((phone) => phone?.PhoneNumber).find((number) => number);
          fields.email_1 ??= customer.Email;
        }
      }
    }
    return { ...write, fields };
  }

  /** The id of the work order's current problem: its `maintenanceProblem` name among the pick lists' problems. */
  private async problemId(propertyId: string, workOrder: unknown): Promise<string> {
    const name = isObject(workOrder) ? textOf(workOrder.maintenanceProblem ?? '') : '';
    const lists = await this.calls.send('maintenance', 'getWorkOrderPickLists', { propertyIds: propertyId });
    const properties = listOf(lists.Properties ?? lists.Property, 'Property').map(liftAttributes) as Json[];
    const problems = properties.flatMap((property) =>
      listOf(property?.Problems, 'Problem').flatMap((problem) => [
        problem,
        ...listOf((problem as Json)?.subMaintenanceProblems, 'subMaintenanceProblem'),
      ]),
    ) as Json[];
    const ids = [...new Set(problems.filter((p) => p?.Name === name).map((p) => idOrNull(p.Id)))];
    if (name === '' || ids.length !== 1 || ids[0] === null)
      throw new VendorRequestError(
        `Entrata updateWorkOrders needs maintenanceProblemId: give service_request_problem_id (the work order's problem "${name}" names ${ids.length} pick-list problems)`,
        null,
        false,
      );
    return ids[0];
  }

  /** Entrata reads nothing by id: the record is looked for in the list of the property written to (else each one's). */
  readBack(model: EntrataModel, xId: string, from: Record<string, unknown>): Promise<unknown> {
    return this.find(model, xId, typeof from.propertyId === 'string' ? from.propertyId : undefined);
  }

  /** A record of one property's list, or of any property's when that one does not list it. */
  private async findIn(model: EntrataModel, xId: string, propertyId: string): Promise<unknown> {
    return (await this.find(model, xId, propertyId)) ?? this.find(model, xId);
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
function outcomeItem(method: WriteMethod, result: Json, alreadyDone?: RegExp): Json {
  const items = method.items(result).map(liftAttributes);
  const item = items[0];
  if (!isObject(item)) throw new VendorRequestError(`Entrata ${method.method} answered no result item`, null, false);
  // A charge whose transactionId Entrata already posted is there: the write's outcome (entrata.md, Idempotency).
  if (alreadyDone?.test(String(item.message ?? ''))) return item;
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
    case 'sendWorkOrders': {
      const details = given('service_details') ? 'service_details' : 'service_description';
      if (!given(details)) unsendable('service_details', null, 'or service_description is required by Entrata');
      if (!given('phone_1'))
        unsendable('phone_1', null, 'is required by Entrata (none given, and the resident has none)');
      if (given('scheduled_start_date') !== given('scheduled_end_date'))
        unsendable('scheduled_end_date', f.scheduled_end_date ?? null, 'and scheduled_start_date are given together');
      set('propertyId', 'property_id', entrataId);
      set('customerId', 'resident_id', entrataId);
      set('leaseId', 'lease_id', entrataId);
      set('unitNumber', 'unit_number');
      set('mainPhoneNumber', 'phone_1', digitsOnly);
      set('emailAddress', 'email_1');
      set('permissionToEnter', 'access_is_authorized', flag);
      set('maintenanceLocationId', 'service_request_location_id', entrataId);
      set('maintenanceCategoryId', 'service_request_category_id', entrataId);
      set('maintenanceProblemId', 'service_request_problem_id', entrataId);
      set('maintenancePriorityId', 'service_request_priority_id', entrataId);
      set('problemDescription', details);
      set('petsDescription', 'access_notes');
      set('assignedTo', 'employee_id', entrataId);
      set('scheduledStartDateTime', 'scheduled_start_date', mountainDateTime);
      set('scheduledEndDateTime', 'scheduled_end_date', mountainDateTime);
      set('dueDate', given('due_date') ? 'due_date' : 'date_due', usDate);
      set('isFloatingWorkOrder', 'is_floating', flag);
      return params;
    }
    case 'updateWorkOrders':
      set('propertyId', 'property_id', entrataId);
      params.workOrderId = entrataId(write.xId, 'x_id');
      set('maintenanceProblemId', 'service_request_problem_id', entrataId);
      set('maintenanceStatusTypeId', 'service_request_status_id', entrataId);
      set('maintenancePriorityId', 'service_request_priority_id', entrataId);
      set('maintenanceLocationId', 'service_request_location_id', entrataId);
      set('maintenanceCategoryId', 'service_request_category_id', entrataId);
      set('mainPhoneNumber', 'phone_1', digitsOnly);
      set('emailAddress', 'email_1');
      set('problemDescription', given('service_details') ? 'service_details' : 'service_description');
      set('completedDateTime', 'date_completed', mountainDateTime);
      set('closingComments', 'completion_notes');
      set('vendorId', 'vendor_id', entrataId);
      set('assignedTo', 'employee_id', entrataId);
      set('dueDate', given('due_date') ? 'due_date' : 'date_due', usDate);
      set('permissionToEnter', 'access_is_authorized', flag);
      return params;
    case 'sendLeaseArTransactions':
      // The client's key makes the charge idempotent at Entrata; one is made when the body gives none.
      params.transactionId = given('third_party_charge_id')
        ? transactionKey(f.third_party_charge_id, 'third_party_charge_id')
        : randomUUID();
      set('leaseId', 'lease_id', entrataId);
      set('arCodeId', 'charge_code_id', entrataId);
      set('transactionAmount', 'amount_in_cents', decimalAmount);
      set('transactionDate', 'transaction_date', usDate);
      set('arPostMonth', 'post_month', postMonthOf);
      set('description', 'description');
      return params;
  }
}

/** third_party_charge_id as Entrata's transactionId: 1 to 50 letters, digits or dashes (modelled). */
function transactionKey(value: unknown, field: string): string {
  const key = typeof value === 'string' ? value.trim() : '';
  if (!/^[A-Za-z0-9-]{1,50}$/.test(key)) unsendable(field, value, 'is not 1 to 50 letters, digits or dashes');
  return key;
}

/** Integer cents as Entrata's decimal text ("-25.10"): exact, never through a float. */
export function decimalAmount(value: unknown, field: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value === 0)
    unsendable(field, value, 'is not a whole, non-zero number of cents');
  const abs = Math.abs(value);
  return `${value < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** post_month (YYYY-MM, a date or a date-time: only the month and year are kept) as Entrata's MM/YYYY. */
function postMonthOf(value: unknown, field: string): string {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})(?:$|-\d{2})/.exec(value.trim()) : null;
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) unsendable(field, value, 'is not a month (YYYY-MM)');
  return `${match[2]}/${match[1]}`;
}

/** A canonical date-time as Entrata's MM/DD/YYYY HH:mm:ss, Mountain time without an offset (a date alone: that day). */
export function mountainDateTime(value: unknown, field: string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return usDate(value, field);
  const instant = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(instant)) unsendable(field, value, 'is not a date-time');
  return mountainWallTime(instant);
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

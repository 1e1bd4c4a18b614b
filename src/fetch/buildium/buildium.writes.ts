import type { WriteOperation } from '../../catalogue/canonical-models';
import { isObject } from '../../normalise/normalise';
import type { VendorWrite, VendorWriteResult, VendorWriter, WriteFields } from '../adapter/vendor-adapter';
import {
  VendorAccessDeniedError,
  VendorRequestError,
  VendorWriteRejectedError,
  type VendorHttp,
} from '../adapter/vendor-http';
import { BUILDIUM_ENDPOINTS, BUILDIUM_WORK_ORDERS, COUNTRY, type BuildiumModel } from './buildium.facts';
import { completeRequests, getOrNull, unitNumbersById } from './buildium.requests';

type Raw = Record<string, any>;

const ADDRESS_FIELDS = ['address_1', 'address_2', 'city', 'state', 'zip', 'country'] as const;
const TENANT_FIELDS = [
  'first_name',
  'last_name',
  'email_1',
  'email_2',
  'phone_1',
  'phone_1_type',
  'phone_2',
  'phone_2_type',
  'date_of_birth',
  'notes',
  ...ADDRESS_FIELDS,
  ...ADDRESS_FIELDS.map((f) => `${f}_alternate`),
];

const UNIT_FIELDS = [
  'number',
  'name',
  'square_feet',
  'rent_amount_market_in_cents',
  'bedrooms',
  'bathrooms',
  'notes',
  ...ADDRESS_FIELDS,
];
const PROPERTY_FIELDS = ['name', 'notes', 'type', 'x_operating_bank_account_id', 'year_built', ...ADDRESS_FIELDS];
/** A new tenant of a lease create: the fields buildium.md builds its `Tenants[]` entry from. */
const NEW_TENANT_FIELDS = ['first_name', 'last_name', 'email_1', 'phone_1', 'phone_1_type', ...ADDRESS_FIELDS];
const LEASE_FIELDS = ['type', 'unit_id', 'start_date', 'end_date'];

/** Canonical property type -> RentalSubType (buildium.md, Writes; `Other` and `Short-term/vacation` have none). */
const RENTAL_SUBTYPE: Record<string, string> = {
  Apartment: 'MultiFamily',
  'Du/Fourplex': 'MultiFamily',
  Student: 'MultiFamily',
  Senior: 'MultiFamily',
  'Section 8/Affordable': 'MultiFamily',
  Condo: 'CondoTownhome',
  Townhouse: 'CondoTownhome',
  House: 'SingleFamily',
  Commercial: 'Office',
};

/** Canonical bathrooms ("1", "1.5", … as the read gives them) -> UnitBathrooms; above 5 → FivePlusBath, null → NotSet. */
const UNIT_BATHROOMS: Record<string, string> = {
  '1': 'OneBath',
  '1.5': 'OnePointFiveBath',
  '2': 'TwoBath',
  '2.5': 'TwoPointFiveBath',
  '3': 'ThreeBath',
  '3.5': 'ThreePointFiveBath',
  '4': 'FourBath',
  '4.5': 'FourPointFiveBath',
  '5': 'FiveBath',
};
const UNIT_BEDROOMS = [
  'Studio',
  'OneBed',
  'TwoBed',
  'ThreeBed',
  'FourBed',
  'FiveBed',
  'SixBed',
  'SevenBed',
  'EightBed',
];

/** bedrooms ("0" = studio, a whole number of rooms) -> UnitBedrooms; 9 and more → NineBedPlus, null → NotSet. */
export function unitBedrooms(value: unknown): string | undefined {
  if (value === null) return 'NotSet';
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim())) return undefined;
  return UNIT_BEDROOMS[Number(value)] ?? 'NineBedPlus';
}

/** bathrooms in steps of a half from 1 -> UnitBathrooms; more than 5 → FivePlusBath, null → NotSet. */
export function unitBathrooms(value: unknown): string | undefined {
  if (value === null) return 'NotSet';
  if (typeof value !== 'string' || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  const count = Number(value);
  return count > 5 ? 'FivePlusBath' : UNIT_BATHROOMS[String(count)];
}

const UNIT_CHECKS = {
  bedrooms: (v: unknown) =>
    unitBedrooms(v) ? null : 'must be a whole number of bedrooms ("0" for a studio) for Buildium\'s UnitBedrooms',
  bathrooms: (v: unknown) =>
    unitBathrooms(v) ? null : "must be a number of bathrooms from 1 in steps of 0.5 for Buildium's UnitBathrooms",
};
const PROPERTY_CHECKS = {
  type: (v: unknown) =>
    typeof v === 'string' && v in RENTAL_SUBTYPE
      ? null
      : `has no Buildium RentalSubType (one of ${Object.keys(RENTAL_SUBTYPE).join(', ')})`,
  x_operating_bank_account_id: (v: unknown) =>
    /^\d+$/.test(String(v)) ? null : 'must be the id of a Buildium bank account (an integer)',
};

/** service_priority -> Priority (buildium.md, service requests). */
const PRIORITY_OF: Record<string, string> = {
  High: 'High',
  Emergency: 'High',
  '24 hours': 'High',
  Med: 'Normal',
  Low: 'Low',
};
/** status_raw -> TaskStatus on an update (buildium.md); Buildium's own TaskStatus names are taken as they are. */
const TASK_STATUS_OF: Record<string, string> = {
  'In Progress': 'InProgress',
  Completed: 'Completed',
  'Work Completed': 'Completed',
  Canceled: 'Closed',
  'On Hold': 'Deferred',
  New: 'New',
  InProgress: 'InProgress',
  Deferred: 'Deferred',
  Closed: 'Closed',
};
/** payment_type -> LeaseLedgerPaymentPostMessage.PaymentMethod (buildium.md, resident payments). */
const PAYMENT_METHOD_OF: Record<string, string> = {
  Check: 'Check',
  Cash: 'Cash',
  'Money Order': 'MoneyOrder',
  'Cashiers Check': 'CashierCheck',
  'Credit Card': 'CreditCard',
  'Debit Card': 'CreditCard',
  ACH: 'DirectDeposit',
  eCheck: 'ElectronicPayment',
};

const buildiumId = (v: unknown) => (/^\d+$/.test(String(v)) ? null : 'must be a Buildium id (an integer)');
const REQUEST_CHECKS = {
  service_priority: (v: unknown) =>
    typeof v === 'string' && v in PRIORITY_OF
      ? null
      : `has no Buildium Priority (one of ${Object.keys(PRIORITY_OF).join(', ')})`,
  status_raw: (v: unknown) =>
    typeof v === 'string' && v in TASK_STATUS_OF
      ? null
      : `has no Buildium TaskStatus (one of ${Object.keys(TASK_STATUS_OF).join(', ')})`,
  service_request_category_id: buildiumId,
  employee_id: buildiumId,
  vendor_id: buildiumId,
  invoice_number: (v: unknown) =>
    typeof v === 'string' && v.length <= 50 ? null : "must be text of at most 50 characters (Buildium's InvoiceNumber)",
};
/** The canonical fields a resident request's work order carries (buildium.md: a vendor assignment is a work order). */
const WORK_ORDER_FIELDS = ['vendor_id', 'vendor_notes', 'invoice_number'];
/** Buildium takes a positive amount on a ledger line (a credit or a refund is another transaction). */
const MONEY_CHECKS = {
  amount_in_cents: (v: unknown) =>
    Number.isSafeInteger(v) && (v as number) > 0 ? null : 'must be a positive whole number of cents for Buildium',
  financial_account_id: buildiumId,
  charge_code_id: buildiumId,
};

/**
 * The canonical fields each Buildium write takes (docs/vendors/buildium.md, Writes). Required: what Buildium's
 * own Post message requires (RentalTenantPostMessage: LeaseId, FirstName, LastName, Address.AddressLine1 and
 * Address.Country; LeasePostMessage: LeaseType, UnitId, LeaseFromDate (SendWelcomeEmail defaults to false);
 * RentalPropertyPostMessage: Name, Address, RentalSubType, OperatingBankAccountId; RentalUnitsPostMessage:
 * PropertyId, UnitNumber (← number or name) and Address (else the property's)). An update merges into the
 * current record, so it requires nothing.
 */
export const BUILDIUM_WRITE_FIELDS: Partial<Record<BuildiumModel, Partial<Record<WriteOperation, WriteFields>>>> = {
  residents: {
    create: {
      required: ['lease_id', 'first_name', 'last_name', 'address_1', 'country'],
      writable: ['lease_id', ...TENANT_FIELDS],
    },
    update: { required: [], writable: TENANT_FIELDS },
  },
  leases: {
    create: {
      required: ['type', 'unit_id', 'start_date'],
      writable: [
        ...LEASE_FIELDS,
        'send_welcome_email',
        'resident_id',
        'tenants',
        'associated_resident_ids',
        ...NEW_TENANT_FIELDS,
        'rent_cycle',
        'rent_amount_in_cents',
        'financial_account_id',
        'rent_due_date',
      ],
    },
    update: { required: [], writable: [...LEASE_FIELDS, 'is_eviction_pending', 'automatically_move_out_residents'] },
  },
  properties: {
    create: {
      required: ['name', 'address_1', 'country', 'type', 'x_operating_bank_account_id'],
      writable: PROPERTY_FIELDS,
      checks: PROPERTY_CHECKS,
    },
    // The spec's PUT names the street lines street_address_1/2; address_1/2 are taken too, as on create.
    update: {
      required: [],
      writable: [...PROPERTY_FIELDS, 'street_address_1', 'street_address_2'],
      checks: PROPERTY_CHECKS,
    },
  },
  units: {
    create: {
      required: ['property_id'],
      writable: ['property_id', ...UNIT_FIELDS, 'street_address_1', 'street_address_2'],
      checks: UNIT_CHECKS,
    },
    update: { required: [], writable: UNIT_FIELDS, checks: UNIT_CHECKS },
  },
  // ResidentRequestTaskPostMessage requires Title, UnitAgreementId and RequestedByEntityId (TaskStatus and Priority
  // have defaults here). The vendor fields go to the task's work order, a second call (WorkOrderPostMessage/PutMessage).
  service_requests: {
    create: {
      required: ['service_description', 'lease_id', 'resident_id'],
      writable: [
        'service_description',
        'service_details',
        'service_request_category_id',
        'lease_id',
        'resident_id',
        'employee_id',
        'service_status',
        'service_priority',
        'due_date',
        'date_due',
        'access_is_authorized',
        'has_pets',
        'access_notes',
        ...WORK_ORDER_FIELDS,
      ],
      checks: REQUEST_CHECKS,
    },
    update: {
      required: [],
      writable: [
        'service_description',
        'notes',
        'service_request_category_id',
        'employee_id',
        'service_status',
        'status_raw',
        'service_priority',
        'due_date',
        'date_due',
        ...WORK_ORDER_FIELDS,
      ],
      checks: REQUEST_CHECKS,
    },
  },
  // LeaseChargePostMessage: one line of the amount on a GL account (GLAccountId is required on a line).
  resident_charges: {
    create: {
      required: ['lease_id', 'amount_in_cents'],
      writable: [
        'lease_id',
        'amount_in_cents',
        'financial_account_id',
        'charge_code_id',
        'transaction_date',
        'description',
        'notes',
        'reference_number',
      ],
      checks: MONEY_CHECKS,
    },
  },
  // LeaseLedgerPaymentPostMessage requires Date (today when not given), PaymentMethod, SendEmailReceipt and Lines.
  resident_payments: {
    create: {
      required: ['lease_id', 'amount_in_cents', 'payment_type', 'financial_account_id'],
      writable: [
        'lease_id',
        'resident_id',
        'amount_in_cents',
        'financial_account_id',
        'payment_type',
        'transaction_date',
        'send_email_receipt',
        'description',
        'notes',
        'reference_number',
      ],
      checks: {
        ...MONEY_CHECKS,
        payment_type: (v) =>
          typeof v === 'string' && v in PAYMENT_METHOD_OF
            ? null
            : `has no Buildium PaymentMethod (one of ${Object.keys(PAYMENT_METHOD_OF).join(', ')})`,
      },
    },
  },
};

/** Canonical country (ISO code or English name) -> Buildium's Country enum (names without spaces). */
const COUNTRY_NAME: Record<string, string> = {
  ...Object.fromEntries(Object.entries(COUNTRY).map(([name, code]) => [code, name])),
  'UNITED STATES': 'UnitedStates',
  USA: 'UnitedStates',
};

function buildiumCountry(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const upper = value.trim().toUpperCase();
  return COUNTRY_NAME[upper] ?? value.replace(/\s+/g, '');
}

/** Canonical phone type -> the PhoneNumbersMessage slot it is written to (OTHER, and no type, → Home). */
const PHONE_SLOT: Record<string, string> = { HOME: 'Home', WORK: 'Work', MOBILE: 'Mobile', FAX: 'Fax', OTHER: 'Home' };
/** PhoneNumberMessage.Type as read -> the slot it is written back to. */
const READ_PHONE_SLOT: Record<string, string> = {
  Cell: 'Mobile',
  Home: 'Home',
  Work: 'Work',
  Office: 'Work',
  Fax: 'Fax',
  Personal: 'Home',
  Other: 'Home',
  NotSet: 'Home',
};

/** Writes through Buildium's Open API: one record per call; a PUT replaces the whole record, so it is GET → merge → PUT. */
export class BuildiumWriter implements VendorWriter<BuildiumModel> {
  constructor(private readonly http: VendorHttp) {}

  async write(write: VendorWrite & { model: BuildiumModel }): Promise<VendorWriteResult> {
    try {
      return await this.send(write);
    } catch (error) {
      throw readableRejection(error);
    }
  }

  private async send({ model, operation, xId, fields }: VendorWrite & { model: BuildiumModel }) {
    if (model === 'resident_charges' || model === 'resident_payments') return this.postTransaction(model, fields);
    if (model === 'service_requests') return this.writeRequest(operation, xId, fields);
    const path = BUILDIUM_ENDPOINTS[model];
    if (operation === 'create') {
      const body = await this.postMessage(model, fields);
      // Buildium has no idempotency key: a resent POST makes a second record, so it goes again only if unsent.
      return recordResult((await this.http.post<Raw>(path, body, { resend: 'unlessSent' })).data);
    }
    const current = (await this.http.get<Raw>(`${path}/${xId!}`)).data;
    // A complete replacement: sending it again sets the same values, so it may be resent.
    const putMessage = PUT_MESSAGE[model];
    if (!putMessage) throw new VendorRequestError(`Buildium updates of ${model} are not built`, null, false);
    return recordResult((await this.http.put<Raw>(`${path}/${xId!}`, putMessage(current, fields))).data);
  }

  /**
   * A charge (`POST /v1/leases/{leaseId}/charges`, answered with an array of one transaction) or a payment
   * (`POST /v1/leases/{leaseId}/payments`, answered with the transaction). Money: never sent twice.
   */
  private async postTransaction(model: 'resident_charges' | 'resident_payments', fields: Record<string, unknown>) {
    const path = `/v1/leases/${Number(fields.lease_id)}/${model === 'resident_charges' ? 'charges' : 'payments'}`;
    const body = model === 'resident_charges' ? chargeMessage(fields) : paymentMessage(fields);
    const answer = (await this.http.post<Raw | Raw[]>(path, body, { resend: 'unlessSent' })).data;
    return recordResult(Array.isArray(answer) ? answer[0] : answer);
  }

  /**
   * A resident request: POST of a ResidentRequestTaskPostMessage, or GET → merge → PUT of the complete Put message
   * (a PUT blanks what it leaves out); then, when the write names vendor fields, its work order (buildium.md: a
   * vendor assignment is a work order linked to the task): POST of a WorkOrderPostMessage when the task has none,
   * else PUT of the latest one's complete Put message. A work order that fails once the task is written makes the
   * write PARTIAL_SUCCESS (`partialErrors`). A create given `xId` is the retry of such a write: the task exists,
   * so only its work order is sent. The task answered is read back with its work orders and unit number.
   */
  private async writeRequest(operation: WriteOperation, xId: string | undefined, fields: Record<string, unknown>) {
    const path = BUILDIUM_ENDPOINTS.service_requests;
    const assigns = WORK_ORDER_FIELDS.some((f) => f in fields);
    let task: Raw;
    let order: Raw | null = null;
    if (operation === 'create' && xId === undefined) {
      // Checked before anything is sent: a work order cannot be made without its vendor.
      if (assigns && fields.vendor_id == null) throw new VendorWriteRejectedError([NO_VENDOR], 400);
      task = (await this.http.post<Raw>(path, requestPostMessage(fields), { resend: 'unlessSent' })).data;
    } else {
      const current = (await this.http.get<Raw>(`${path}/${xId!}`)).data;
      // The work order to change: looked for on a retried create too, in case its first POST arrived.
      if (assigns) order = await this.latestWorkOrder(current.Id);
      if (assigns && !order && fields.vendor_id == null) throw new VendorWriteRejectedError([NO_VENDOR], 400);
      task =
        operation === 'create'
          ? current
          : (await this.http.put<Raw>(`${path}/${xId!}`, requestPutMessage(current, fields))).data;
    }
    const { xId: taskId } = recordResult(task);
    if (taskId === null) return { xId: null };
    const partialErrors = assigns ? await this.writeWorkOrder(operation, task.Id as number, order, fields) : [];
    // Read back with its work orders and unit number, as a sync reads it.
    return { xId: taskId, readBackFrom: { task }, partialErrors };
  }

  /** The task's latest work order (the highest id, as the read maps it), or null when it has none. */
  private async latestWorkOrder(taskId: unknown): Promise<Raw | null> {
    const params = { type: 'ResidentRequest', taskids: Number(taskId) };
    const orders = (await this.http.get<Raw[]>(BUILDIUM_WORK_ORDERS, params)).data;
    const linked = (Array.isArray(orders) ? orders : []).filter((o) => o?.Task?.Id === Number(taskId));
    return linked.reduce<Raw | null>((latest, o) => (latest && latest.Id > o.Id ? latest : o), null);
  }

  /**
   * Creates (at most once: no idempotency key) or replaces the task's work order. Its failure does not undo the
   * task: the write's errors, which end it PARTIAL_SUCCESS.
   */
  private async writeWorkOrder(
    operation: WriteOperation,
    taskId: number,
    current: Raw | null,
    fields: Record<string, unknown>,
  ) {
    try {
      if (current)
        await this.http.put(`${BUILDIUM_WORK_ORDERS}/${String(current.Id)}`, workOrderMessage(current, fields));
      else
        await this.http.post(
          BUILDIUM_WORK_ORDERS,
          { TaskId: taskId, ...workOrderMessage({}, fields) },
          { resend: 'unlessSent' },
        );
      return [];
    } catch (error) {
      const rejection = readableRejection(error);
      const errors = rejection instanceof VendorWriteRejectedError ? rejection.errors : [(rejection as Error).message];
      // A retried create completes the task it made; a retried update sends its complete values again.
      const retry = operation === 'create' ? 'sends only the work order' : 'sends the update again';
      return [
        `resident request ${taskId} was written, but not its work order (the vendor assignment); retry-write ${retry}`,
        ...errors,
      ];
    }
  }

  private async completeRequest(task: Raw): Promise<Raw> {
    const [complete] = await completeRequests(this.http, [task], unitNumbersById(this.http));
    return complete;
  }

  /** The Post message of a create: the Put message's fields from nothing, plus what only a create takes. */
  private async postMessage(model: BuildiumModel, fields: Record<string, unknown>): Promise<Raw> {
    switch (model) {
      case 'residents':
        return { LeaseId: Number(fields.lease_id), ...tenantMessage({}, fields) };
      case 'leases':
        return leasePostMessage(fields);
      case 'properties':
        return propertyMessage({}, fields);
      case 'units': {
        const propertyId = Number(fields.property_id);
        // Address is required: the property's, under what the write gives, when it lacks a line or a country.
        const complete = ['address_1', 'street_address_1'].some((f) => f in fields) && 'country' in fields;
        const property = complete
          ? {}
          : (await this.http.get<Raw>(`${BUILDIUM_ENDPOINTS.properties}/${propertyId}`)).data;
        return { PropertyId: propertyId, ...unitMessage({ Address: property.Address }, fields) };
      }
      default:
        throw new VendorRequestError(`Buildium writes of ${model} are not built`, null, false);
    }
  }

  /**
   * `{}` to the create endpoint, or to the update endpoint of a record just read (buildium.md, Writes): Buildium
   * checks the key's permission before the body, so its 400 for the empty body proves the key may write.
   */
  async probe(model: BuildiumModel, operation: WriteOperation): Promise<void> {
    const path = BUILDIUM_ENDPOINTS[model];
    let target = path;
    if (model === 'resident_charges' || model === 'resident_payments') {
      // A lease's ledger posting: `{}` to the charges or payments of a lease just read.
      const [lease] = (await this.http.get<Raw[]>(BUILDIUM_ENDPOINTS.leases, { limit: 1 })).data;
      if (lease?.Id === undefined)
        throw new VendorRequestError(`no lease to probe a ${model} create with`, null, false);
      target = `/v1/leases/${String(lease.Id)}/${model === 'resident_charges' ? 'charges' : 'payments'}`;
    } else if (operation === 'update') {
      const [first] = (await this.http.get<Raw[]>(path, { limit: 1 })).data;
      if (first?.Id === undefined)
        throw new VendorRequestError(`no ${model} record to probe an update with`, null, false);
      target = `${path}/${String(first.Id)}`;
    }
    try {
      await (operation === 'create' ? this.http.post(target, {}) : this.http.put(target, {}));
    } catch (error) {
      if (error instanceof VendorRequestError && error.status === 400) return;
      throw error;
    }
    throw new VendorRequestError(`Buildium accepted an empty ${operation} of ${model}`, null, false);
  }

  /**
   * A resident request (the task its write answered, else read by its id) comes with its work orders and unit
   * number. A lease transaction is read only under its lease, which its id does not say: null (its create answers
   * with it, and the next sync reads it).
   */
  async readBack(model: BuildiumModel, xId: string, from: Record<string, unknown>): Promise<unknown> {
    if (model === 'resident_charges' || model === 'resident_payments') return null;
    const record = isObject(from.task) ? from.task : await getOrNull(this.http, `${BUILDIUM_ENDPOINTS[model]}/${xId}`);
    return record && model === 'service_requests' ? this.completeRequest(record) : record;
  }
}

function recordResult(data: Raw): VendorWriteResult {
  const id = data?.Id;
  return typeof id === 'number' || typeof id === 'string' ? { xId: String(id), record: data } : { xId: null };
}

/**
 * Buildium's refusal (400/404/422 `ApiErrorResponse {UserMessage, Errors[{Key, Value}]}`) as the write's errors:
 * its UserMessage, then one `Key: Value` per field (buildium.md, Writes). Anything else is left as it was thrown.
 */
function readableRejection(error: unknown): unknown {
  if (!(error instanceof VendorRequestError) || error instanceof VendorAccessDeniedError) return error;
  const body = error.body as Raw | undefined;
  if (error.status === null || typeof body?.UserMessage !== 'string') return error;
  const fields = Array.isArray(body.Errors) ? (body.Errors as Raw[]) : [];
  return new VendorWriteRejectedError(
    [
      `Buildium refused the write (HTTP ${error.status}): ${body.UserMessage}`,
      ...fields.map((e) => `${e?.Key}: ${e?.Value}`),
    ],
    error.status,
  );
}

/** The complete Put message of each model: the record as Buildium answered it, overlaid with the fields given. */
const PUT_MESSAGE: Partial<Record<BuildiumModel, (current: Raw, fields: Record<string, unknown>) => Raw>> = {
  residents: (current, fields) => tenantMessage(current, fields),
  leases: (current, fields) => leasePutMessage(current, fields),
  properties: (current, fields) => propertyMessage(current, fields),
  units: (current, fields) => unitMessage(current, fields),
};

/** A canonical date or date-time as Buildium's date (YYYY-MM-DD); null clears it. */
const buildiumDate = (value: unknown) => (typeof value === 'string' ? value.slice(0, 10) : null);
/** Cents as Buildium's dollars; null clears it. */
const dollars = (cents: unknown) => (cents === null ? null : Math.round(Number(cents)) / 100);
/** Why a write's vendor fields cannot be written: a work order needs its vendor. */
const NO_VENDOR =
  'vendor_id is required to write vendor_notes or invoice_number: they belong to the work order that assigns a vendor, and the service request has none';
const integerId = (value: unknown) => (value === undefined || value === null ? undefined : Number(value));

/** The `given` and `pick` of one write: a field given replaces the current value, one left out keeps it. */
function overlay(fields: Record<string, unknown>) {
  const given = (field: string) => field in fields;
  return { given, pick: (field: string, value: unknown) => (given(field) ? fields[field] : value) };
}

/**
 * LeasePostMessage: type, unit and dates; the tenants (TenantIds from `resident_id`, `tenants[].id` and
 * `associated_resident_ids`; a new tenant in Tenants[] from the applicant's names, contact and address); the rent
 * (Cycle and one charge: Amount in dollars, the GL account, NextDueDate). SendWelcomeEmail is required by
 * Buildium: false unless asked.
 */
function leasePostMessage(fields: Record<string, unknown>): Raw {
  const given = (list: readonly string[]) => list.some((f) => f in fields);
  const newTenant = Object.fromEntries(NEW_TENANT_FIELDS.filter((f) => f in fields).map((f) => [f, fields[f]]));
  return presentOnly({
    ...leasePutMessage({}, fields),
    IsEvictionPending: undefined,
    SendWelcomeEmail: fields.send_welcome_email ?? false,
    TenantIds: tenantIds(fields),
    Tenants: given(NEW_TENANT_FIELDS) ? [tenantMessage({}, newTenant)] : undefined,
    Rent: given(['rent_cycle', 'rent_amount_in_cents', 'financial_account_id', 'rent_due_date'])
      ? presentOnly({
          Cycle: fields.rent_cycle,
          Charges: [
            presentOnly({
              Amount: fields.rent_amount_in_cents === undefined ? undefined : dollars(fields.rent_amount_in_cents),
              GlAccountId: integerId(fields.financial_account_id),
              NextDueDate: fields.rent_due_date === undefined ? undefined : buildiumDate(fields.rent_due_date),
            }),
          ],
        })
      : undefined,
  });
}

/** A lease's existing tenants: `resident_id`, `tenants[].id` and `associated_resident_ids` (vendor ids by now), once each. */
function tenantIds(fields: Record<string, unknown>): number[] | undefined {
  const listed = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);
  const ids = [
    fields.resident_id,
    ...listed(fields.tenants).map((t) => (t as { id?: unknown } | null)?.id),
    ...listed(fields.associated_resident_ids),
  ].filter((id) => id !== undefined && id !== null);
  return ids.length > 0 ? [...new Set(ids.map(Number))] : undefined;
}

/** The complete LeasePutMessage (rent, tenants and status are not changed by it: buildium.md). */
export function leasePutMessage(current: Raw, fields: Record<string, unknown>): Raw {
  const { given, pick } = overlay(fields);
  return presentOnly({
    LeaseType: pick('type', current.LeaseType),
    UnitId: given('unit_id') ? Number(fields.unit_id) : current.UnitId,
    LeaseFromDate: given('start_date') ? buildiumDate(fields.start_date) : current.LeaseFromDate,
    LeaseToDate: given('end_date') ? buildiumDate(fields.end_date) : current.LeaseToDate,
    IsEvictionPending: pick('is_eviction_pending', current.IsEvictionPending ?? false),
    AutomaticallyMoveOutTenants: pick('automatically_move_out_residents', current.AutomaticallyMoveOutTenants),
  });
}

/** The complete RentalPropertyPutMessage (or the Post's fields): the manager and reserve kept as they are. */
export function propertyMessage(current: Raw, fields: Record<string, unknown>): Raw {
  const { given, pick } = overlay(fields);
  return presentOnly({
    Name: pick('name', current.Name),
    StructureDescription: pick('notes', current.StructureDescription),
    Address: addressMessage(current.Address, streetLines(fields), ''),
    RentalSubType: given('type') ? RENTAL_SUBTYPE[String(fields.type)] : current.RentalSubType,
    OperatingBankAccountId: given('x_operating_bank_account_id')
      ? Number(fields.x_operating_bank_account_id)
      : current.OperatingBankAccountId,
    PropertyManagerId: (current.RentalManager as Raw | undefined)?.Id,
    Reserve: current.Reserve,
    YearBuilt: pick('year_built', current.YearBuilt),
  });
}

/** The complete RentalUnitPutMessage (or the Post's fields): UnitNumber from `number`, else `name`. */
export function unitMessage(current: Raw, fields: Record<string, unknown>): Raw {
  const { given, pick } = overlay(fields);
  return presentOnly({
    UnitNumber: pick('number', pick('name', current.UnitNumber)),
    UnitSize: pick('square_feet', current.UnitSize),
    MarketRent: given('rent_amount_market_in_cents') ? dollars(fields.rent_amount_market_in_cents) : current.MarketRent,
    Address: addressMessage(current.Address, streetLines(fields), ''),
    UnitBedrooms: given('bedrooms') ? unitBedrooms(fields.bedrooms) : current.UnitBedrooms,
    UnitBathrooms: given('bathrooms') ? unitBathrooms(fields.bathrooms) : current.UnitBathrooms,
    Description: pick('notes', current.Description),
  });
}

/** The spec's street_address_1/2 (properties PUT, units POST) as address_1/2, which win when both are given. */
function streetLines(fields: Record<string, unknown>): Record<string, unknown> {
  const lines: Record<string, unknown> = {};
  if ('street_address_1' in fields) lines.address_1 = fields.street_address_1;
  if ('street_address_2' in fields) lines.address_2 = fields.street_address_2;
  return { ...lines, ...fields };
}

/**
 * The complete RentalTenantPutMessage (or the body of a post) of a tenant: its current values as Buildium
 * answered them, overlaid with the canonical fields given. A field not given keeps its value.
 */
export function tenantMessage(current: Raw, fields: Record<string, unknown>): Raw {
  const given = (field: string) => field in fields;
  const pick = (field: string, value: unknown) => (given(field) ? fields[field] : value);
  return presentOnly({
    FirstName: pick('first_name', current.FirstName),
    LastName: pick('last_name', current.LastName),
    Email: pick('email_1', current.Email),
    AlternateEmail: pick('email_2', current.AlternateEmail),
    PhoneNumbers: phoneNumbers(current.PhoneNumbers, fields),
    DateOfBirth: given('date_of_birth') ? String(fields.date_of_birth).slice(0, 10) : current.DateOfBirth,
    Comment: pick('notes', current.Comment),
    TaxId: current.TaxId,
    EmergencyContact: current.EmergencyContact,
    Address: addressMessage(current.Address, fields, ''),
    AlternateAddress: addressMessage(current.AlternateAddress, fields, '_alternate'),
    MailingPreference: current.MailingPreference,
  });
}

function addressMessage(current: Raw | undefined, fields: Record<string, unknown>, suffix: string): Raw | undefined {
  const touched = ADDRESS_FIELDS.some((f) => `${f}${suffix}` in fields);
  if (!touched) return current ?? undefined;
  const pick = (field: string, value: unknown) => (`${field}${suffix}` in fields ? fields[`${field}${suffix}`] : value);
  return presentOnly({
    AddressLine1: pick('address_1', current?.AddressLine1),
    AddressLine2: pick('address_2', current?.AddressLine2),
    AddressLine3: current?.AddressLine3,
    City: pick('city', current?.City),
    State: pick('state', current?.State),
    PostalCode: pick('zip', current?.PostalCode),
    Country: `country${suffix}` in fields ? buildiumCountry(fields[`country${suffix}`]) : current?.Country,
  });
}

/**
 * The read's PhoneNumbers[] {Number, Type} as the write's {Home, Work, Mobile, Fax}, with phone_n put in its slot.
 * The write has one number per slot, so a second number of a kind takes a free slot rather than being lost.
 */
function phoneNumbers(current: unknown, fields: Record<string, unknown>): Raw | undefined {
  const slots: Raw = {};
  const place = (preferred: string, number: string, replace: boolean) => {
    if (Object.values(slots).includes(number)) return;
    const slot =
      replace || !(preferred in slots) ? preferred : ['Home', 'Mobile', 'Work'].find((free) => !(free in slots));
    if (slot) slots[slot] = number;
  };
  for (const p of Array.isArray(current) ? (current as Raw[]) : [])
    if (typeof p?.Number === 'string' && p.Number !== '') place(READ_PHONE_SLOT[p.Type] ?? 'Home', p.Number, false);
  for (const n of [1, 2]) {
    const number = fields[`phone_${n}`];
    if (typeof number !== 'string' || number === '') continue;
    const type = fields[`phone_${n}_type`];
    place((typeof type === 'string' ? PHONE_SLOT[type] : undefined) ?? 'Home', number, true);
  }
  return Object.keys(slots).length > 0 ? slots : undefined;
}

/** A canonical date-time's day, else today (UTC): Buildium's `Date` of a ledger posting. */
const postingDate = (value: unknown) => buildiumDate(value) ?? new Date().toISOString().slice(0, 10);

/** LeaseChargePostMessage: one line of the amount on its GL account (`financial_account_id`, else `charge_code_id`). */
export function chargeMessage(fields: Record<string, unknown>): Raw {
  return presentOnly({
    Date: postingDate(fields.transaction_date),
    Memo: fields.description ?? fields.notes,
    Lines: [
      presentOnly({
        Amount: dollars(fields.amount_in_cents),
        GLAccountId: integerId(fields.financial_account_id ?? fields.charge_code_id),
        ReferenceNumber: fields.reference_number,
      }),
    ],
  });
}

/** LeaseLedgerPaymentPostMessage: method, payer, one line of the amount on its GL account; no e-mail receipt unless asked. */
export function paymentMessage(fields: Record<string, unknown>): Raw {
  return presentOnly({
    Date: postingDate(fields.transaction_date),
    PaymentMethod: PAYMENT_METHOD_OF[String(fields.payment_type)],
    PayeeUserId: integerId(fields.resident_id),
    Memo: fields.description ?? fields.notes,
    ReferenceNumber: fields.reference_number,
    SendEmailReceipt: fields.send_email_receipt ?? false,
    Lines: [
      presentOnly({ Amount: dollars(fields.amount_in_cents), GLAccountId: integerId(fields.financial_account_id) }),
    ],
  });
}

/** ResidentRequestTaskPostMessage: status New and priority Normal unless given. */
export function requestPostMessage(fields: Record<string, unknown>): Raw {
  return presentOnly({
    Title: fields.service_description,
    Description: fields.service_details,
    CategoryId: integerId(fields.service_request_category_id),
    UnitAgreementId: integerId(fields.lease_id),
    RequestedByEntityId: integerId(fields.resident_id),
    AssignedToUserId: integerId(fields.employee_id),
    TaskStatus: fields.service_status ?? 'New',
    Priority: fields.service_priority === undefined ? 'Normal' : PRIORITY_OF[fields.service_priority as string],
    DueDate: buildiumDate(fields.due_date ?? fields.date_due) ?? undefined,
    IsEntryPermittedByResident: fields.access_is_authorized,
    DoesResidentHavePets: fields.has_pets,
    ResidentEntryNotes: fields.access_notes,
  });
}

/**
 * The complete ResidentRequestTaskPutMessage: the task as Buildium has it, overlaid with the fields given. Its
 * status is `service_status`, else `status_raw` through buildium.md's table, else the current one; `notes` is sent
 * as the update's `Message`.
 */
export function requestPutMessage(current: Raw, fields: Record<string, unknown>): Raw {
  const { given, pick } = overlay(fields);
  const category = given('service_request_category_id')
    ? { CategoryId: integerId(fields.service_request_category_id) }
    : { CategoryId: current.Category?.Id, SubCategoryId: current.Category?.SubCategory?.Id };
  const due =
    given('due_date') || given('date_due') ? buildiumDate(fields.due_date ?? fields.date_due) : current.DueDate;
  return presentOnly({
    Title: pick('service_description', current.Title),
    Message: fields.notes,
    ...category,
    AssignedToUserId: given('employee_id') ? integerId(fields.employee_id) : current.AssignedToUserId,
    TaskStatus:
      fields.service_status ?? (given('status_raw') ? TASK_STATUS_OF[String(fields.status_raw)] : current.TaskStatus),
    Priority: given('service_priority') ? PRIORITY_OF[fields.service_priority as string] : current.Priority,
    DueDate: due,
  });
}

/** access_is_authorized -> the work order's EntryAllowed (buildium.md); not given → Unknown. */
const entryAllowed = (permitted: unknown) => (permitted === true ? 'Yes' : permitted === false ? 'No' : 'Unknown');

/**
 * The work order's complete WorkOrderPutMessage (or, from nothing, the fields of its Post message): its current
 * values, overlaid with VendorId ← vendor_id, EntryAllowed ← access_is_authorized, WorkDetails ← service_details,
 * VendorNotes ← vendor_notes, InvoiceNumber ← invoice_number. What the write does not name is kept: a PUT replaces
 * the whole work order, its line items included.
 */
export function workOrderMessage(current: Raw, fields: Record<string, unknown>): Raw {
  const { given, pick } = overlay(fields);
  const contacts = Array.isArray(current.EntryContacts) ? (current.EntryContacts as Raw[]).map((c) => c?.Id) : [];
  const lines = Array.isArray(current.LineItems) ? (current.LineItems as Raw[]) : [];
  return presentOnly({
    VendorId: given('vendor_id') ? integerId(fields.vendor_id) : current.VendorId,
    EntryAllowed: given('access_is_authorized')
      ? entryAllowed(fields.access_is_authorized)
      : (current.EntryAllowed ?? 'Unknown'),
    WorkDetails: pick('service_details', current.WorkDetails),
    InvoiceNumber: pick('invoice_number', current.InvoiceNumber),
    ChargeableTo: current.ChargeableTo,
    EntryNotes: current.EntryNotes,
    VendorNotes: pick('vendor_notes', current.VendorNotes),
    EntryContactIds: contacts.length > 0 ? contacts : undefined,
    LineItems:
      lines.length > 0
        ? lines.map((l) =>
            presentOnly({ GlAccountId: l.GlAccountId, Quantity: l.Quantity, Memo: l.Memo, UnitPrice: l.UnitPrice }),
          )
        : undefined,
  });
}

/**
 * The message without absent values. A null is left out too: Buildium's messages are not nullable, and a PUT
 * blanks what it leaves out, so leaving a value out is how a write clears it.
 */
function presentOnly(record: Raw): Raw {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== null));
}

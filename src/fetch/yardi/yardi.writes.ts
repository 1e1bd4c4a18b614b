import { XMLBuilder } from 'fast-xml-parser';
import type { WriteOperation } from '../../catalogue/canonical-models';
import { isObject } from '../../normalise/normalise';
import type { VendorWrite, VendorWriteResult, VendorWriter, WriteFields } from '../adapter/vendor-adapter';
import {
  VendorRequestError,
  VendorThrottledError,
  VendorWriteRejectedError,
  type VendorHttp,
} from '../adapter/vendor-http';
import { textOf } from '../../platform/text/text-of';
import type { YardiCredentials } from './yardi.credentials';
import {
  YARDI_SERVICE,
  YARDI_SERVICE_REQUESTS,
  yardiInterface,
  type YardiInterface,
  type YardiModel,
} from './yardi.facts';
import {
  asList,
  credentialParams,
  readSoapResult,
  soapEnvelope,
  yardiError,
  YardiMessageError,
  YardiSoapFaultError,
} from './yardi.soap';

type Raw = Record<string, any>;

/** The Voyager interfaces writes go through (docs/vendors/yardi.md, "Writes and the other interfaces"). */
const COMMON_DATA = yardiInterface('ItfCommonData', '/Webservices/itfCommonData.asmx');
const GUEST_CARD = yardiInterface('ItfILSGuestCard', '/Webservices/ItfILSGuestCard.asmx');

type WriteCall = { iface: YardiInterface; method: string; document: string; perProperty: boolean };

const SERVICE_REQUEST_SAVE: WriteCall = {
  iface: YARDI_SERVICE_REQUESTS,
  method: 'CreateOrEditServiceRequests',
  document: 'ServiceRequestXml',
  perProperty: true,
};
/** Each write's call: interface, method, the parameter carrying the XML document, whether it names a property. */
const WRITE_CALLS: Partial<Record<YardiModel, Partial<Record<WriteOperation, WriteCall>>>> = {
  residents: { update: { iface: COMMON_DATA, method: 'UpdateResidentData', document: 'XmlDoc', perProperty: false } },
  leases: {
    create: { iface: GUEST_CARD, method: 'ImportApplication_Login', document: 'XmlDocument', perProperty: true },
    update: { iface: GUEST_CARD, method: 'ImportApplication_Login', document: 'XmlDocument', perProperty: true },
  },
  service_requests: { create: SERVICE_REQUEST_SAVE, update: SERVICE_REQUEST_SAVE },
  resident_charges: {
    create: { iface: YARDI_SERVICE, method: 'ImportCharge_Login', document: 'TransactionXml', perProperty: true },
  },
  resident_payments: {
    create: { iface: YARDI_SERVICE, method: 'ImportReceipt_Login', document: 'TransactionXml', perProperty: true },
  },
};

const RESIDENT_FIELDS = ['first_name', 'last_name', 'email_1', 'phone_1', 'phone_1_type'];
/** The canonical fields a `<ServiceRequest>` takes (docs/vendors/yardi.md, Service requests; create and update). */
const SERVICE_REQUEST_FIELDS = [
  'unit_id',
  'resident_id',
  'service_description',
  'service_details',
  'notes',
  'vendor_notes',
  'service_category',
  'service_priority',
  'status_raw',
  'access_is_authorized',
  'access_notes',
  'reported_by',
  'phone_1',
  'date_created',
];
const digitsOnly = (value: unknown) =>
  /^\d+$/.test(textOf(value)) ? null : "Yardi's RequestorPhoneNumber takes digits only";

/** The spec's payment_type -> Yardi's receipt `Type` (docs/vendors/yardi.md, payments create). */
export const RECEIPT_TYPE: Record<string, string> = {
  ACH: 'ACH',
  eCheck: 'ACH',
  Cash: 'Cash',
  Check: 'Check',
  'Cashiers Check': 'Check',
  'Credit Card': 'CreditCard',
  'Debit Card': 'DebitCard',
  'Money Order': 'MoneyOrder',
};
const APPLICATION_FIELDS = [
  'unit_id',
  'first_name',
  'last_name',
  'email_1',
  'phone_1',
  'phone_1_type',
  'start_date',
  'end_date',
  'scheduled_move_in_date',
  'rent_amount_in_cents',
];

/**
 * The canonical fields each Yardi write takes (docs/vendors/yardi.md, Writes): UpdateResidentData's five (as
 * Propexo's Yardi update), ImportApplication_Login's document. A new application names its property (the
 * call's YardiPropertyId), the unit it wants and the applicant's name (the document's Customer and DesiredUnit).
 */
export const YARDI_WRITE_FIELDS: Partial<Record<YardiModel, Partial<Record<WriteOperation, WriteFields>>>> = {
  residents: { update: { required: [], writable: RESIDENT_FIELDS } },
  leases: {
    create: {
      required: ['property_id', 'unit_id', 'first_name', 'last_name'],
      writable: ['property_id', ...APPLICATION_FIELDS],
    },
    update: { required: [], writable: APPLICATION_FIELDS },
  },
  // CreateOrEditServiceRequests: a new request names its property (the call's YardiPropertyId) and what it is
  // about (ServiceRequestBriefDescription, which Voyager requires).
  service_requests: {
    create: {
      required: ['property_id', 'service_description'],
      writable: ['property_id', ...SERVICE_REQUEST_FIELDS],
      checks: { phone_1: digitsOnly },
    },
    update: { required: [], writable: SERVICE_REQUEST_FIELDS, checks: { phone_1: digitsOnly } },
  },
  // ImportCharge_Login / ImportReceipt_Login: the household (CustomerID ← resident_id) in the call's property.
  resident_charges: {
    create: {
      required: ['property_id', 'resident_id', 'charge_code_id', 'amount_in_cents', 'transaction_date'],
      writable: [
        'property_id',
        'resident_id',
        'charge_code_id',
        'financial_account_id',
        'amount_in_cents',
        'transaction_date',
        'post_month',
        'description',
        'notes',
        'reference_number',
      ],
    },
  },
  resident_payments: {
    create: {
      required: ['property_id', 'resident_id', 'amount_in_cents', 'transaction_date', 'payment_type'],
      writable: [
        'property_id',
        'resident_id',
        'amount_in_cents',
        'transaction_date',
        'payment_type',
        'reference_number',
        'description',
        'notes',
      ],
      checks: {
        amount_in_cents: (value) => (Number(value) > 0 ? null : 'a Yardi receipt is a positive amount'),
        payment_type: (value) =>
          Object.hasOwn(RECEIPT_TYPE, String(value))
            ? null
            : `Yardi takes a payment_type of ${Object.keys(RECEIPT_TYPE).join(', ')}`,
      },
    },
  },
};

/** Canonical phone type -> the PhoneType UpdateResidentData takes (home|work|cell|fax); OTHER has none. */
export const YARDI_PHONE_TYPE: Record<string, string> = { HOME: 'home', WORK: 'work', MOBILE: 'cell', FAX: 'fax' };

/** What the writer reads through the client: the same calls, and raw records, as a sync. */
export interface YardiReads {
  propertyCodes(): Promise<string[]>;
  records(model: 'residents' | 'leases' | 'service_requests', propertyCode: string): Promise<unknown[]>;
}

// Values stay text as given; the document goes into its parameter as escaped text, as a string parameter does.
const documentBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@' });

/**
 * Writes through Voyager's Common Data and ILS/Guest Card interfaces. Outcomes come inside HTTP 200 documents: an
 * Error `<Message>` is a FAILURE with its text; a SOAP Fault says nothing of what was done (a create then ends
 * "outcome unknown"); `Error: Database busy` means nothing was done, so it is sent again after a back-off.
 */
export class YardiWriter implements VendorWriter<YardiModel> {
  /** The property each household (CustomerID) was found in, so the read-back asks that property only. */
  private readonly propertyOf = new Map<string, string>();
  /** The property of each service request saved or found (an update names the request only). */
  private readonly requestProperty = new Map<string, string>();

  constructor(
    private readonly http: VendorHttp,
    private readonly credentials: YardiCredentials,
    private readonly reads: YardiReads,
  ) {}

  async write(write: VendorWrite & { model: YardiModel }): Promise<VendorWriteResult> {
    const call = writeCall(write.model, write.operation);
    const fields = write.fields;
    if (write.model === 'service_requests') return this.saveServiceRequest(call, fields, write.xId);
    if (write.model === 'resident_charges' || write.model === 'resident_payments') {
      // No id comes back and no idempotency: never resent once it may have arrived (models.md §2). Found by no
      // key of its own, the record is seen on the next sync (created_record_id null).
      const property = textOf(fields.property_id);
      const element = write.model === 'resident_charges' ? 'Charge' : 'Payment';
      await this.send(call, property, transactionDocument(element, fields, property), 'unlessSent');
      return { xId: null };
    }
    checkPhone(fields);
    if (write.operation === 'create') {
      const property = String(fields.property_id);
      const unit = unitOf(fields.unit_id, property);
      const result = await this.send(call, property, applicationDocument(fields, unit), 'unlessSent');
      const customerId = typeof result.CustomerID === 'string' && result.CustomerID !== '' ? result.CustomerID : null;
      if (customerId) this.propertyOf.set(customerId, property);
      // An applicant household, which a sync does not read as a lease: nothing to read back until Yardi makes it one.
      return { xId: customerId };
    }
    const xId = write.xId!;
    const household = householdOf(xId);
    const property = await this.locate(household);
    if (property === null)
      throw new VendorRequestError(`Yardi lists no household ${household} in any property`, null, false);
    // Sending the same values again sets the same values: an update may be resent.
    if (write.model === 'residents') await this.send(call, property, residentDocument(property, xId, fields));
    else await this.send(call, property, applicationDocument(fields, unitOf(fields.unit_id, property), household));
    return { xId, readBackFrom: {} };
  }

  /**
   * CreateOrEditServiceRequests: a new request (sent once: no idempotency), or the elements an update gives for
   * `xId` (the same values again: may be resent). The echo is the request as Voyager saved it, new id filled in:
   * the record read back; a per-record `<ErrorMessages>` is Yardi's refusal.
   */
  private async saveServiceRequest(
    call: WriteCall,
    fields: Record<string, unknown>,
    xId?: string,
  ): Promise<VendorWriteResult> {
    const property = xId === undefined ? textOf(fields.property_id) : await this.locateRequest(xId);
    const document = serviceRequestDocument(fields, property, unitOf(fields.unit_id, property), xId);
    const result = await this.send(call, property, document, xId === undefined ? 'unlessSent' : undefined);
    const [echo] = asList(isObject(result.ServiceRequests) ? result.ServiceRequests.ServiceRequest : undefined);
    if (!isObject(echo))
      throw new VendorRequestError('CreateOrEditServiceRequests: the answer echoes no ServiceRequest', 200, false);
    const errors = asList(isObject(echo.ErrorMessages) ? echo.ErrorMessages.Error : echo.ErrorMessage).map((e) =>
      textOf(isObject(e) ? (e['#text'] ?? '') : e),
    );
    if (errors.length > 0) throw new VendorWriteRejectedError(errors, 200);
    const id = typeof echo.ServiceRequestId === 'string' ? echo.ServiceRequestId : '';
    if (id === '' || id === '0')
      throw new VendorRequestError('CreateOrEditServiceRequests: the echo carries no ServiceRequestId', 200, false);
    this.requestProperty.set(id, property);
    return { xId: id, record: { ...echo, YardiPropertyId: property } };
  }

  /** A service request's property: as saved before, else the first property whose search lists it. */
  private async locateRequest(xId: string): Promise<string> {
    const known = this.requestProperty.get(xId);
    if (known !== undefined) return known;
    for (const code of await this.reads.propertyCodes()) {
      const requests = await this.reads.records('service_requests', code);
      if (requests.some((raw) => isObject(raw) && raw.ServiceRequestId === xId)) {
        this.requestProperty.set(xId, code);
        return code;
      }
    }
    throw new VendorRequestError(`Yardi lists no service request ${xId} in any property`, null, false);
  }

  /**
   * Yardi has no read by id: the household's property's GetResidentTransactions_Login (the sync's call), the
   * record picked out as the sync yields it. Every property is asked until one has it when none is known yet.
   */
  async readBack(model: YardiModel, xId: string): Promise<unknown> {
    if (model !== 'residents' && model !== 'leases')
      throw new VendorRequestError(`Yardi ${model} are not written, so not read back`, null, false);
    const household = householdOf(xId);
    const known = this.propertyOf.get(household);
    const codes = known === undefined ? await this.reads.propertyCodes() : [known];
    for (const code of codes) {
      const found = (await this.reads.records(model, code)).find((raw) => rawXId(model, raw) === xId);
      if (found !== undefined) return found;
    }
    return null;
  }

  /**
   * The write's method with an empty document (docs/vendors/yardi.md, "Access probe for a write"): "Invalid
   * Interface Entity or License" or "not Configured" (VendorAccessDeniedError) and refused credentials are what
   * Yardi said; any other Error message is a validation error, which proves the key may write.
   */
  async probe(model: YardiModel, operation: WriteOperation): Promise<void> {
    const call = writeCall(model, operation);
    const [property] = call.perProperty ? await this.reads.propertyCodes() : [];
    if (call.perProperty && property === undefined)
      throw new VendorRequestError(`no Yardi property to probe ${call.method} with`, null, false);
    try {
      await this.send(call, property ?? '', '');
    } catch (error) {
      if (error instanceof YardiMessageError) return;
      throw error;
    }
    throw new VendorRequestError(`Yardi accepted an empty ${call.method} document`, null, false);
  }

  /** The household's property: as found before, else the first property whose residents list it. */
  private async locate(household: string): Promise<string | null> {
    const known = this.propertyOf.get(household);
    if (known !== undefined) return known;
    for (const code of await this.reads.propertyCodes()) {
      const households = await this.reads.records('leases', code);
      if (households.some((raw) => isObject(raw) && raw.CustomerID === household)) {
        this.propertyOf.set(household, code);
        return code;
      }
    }
    return null;
  }

  /** One write call; answers its result document. */
  private async send(call: WriteCall, property: string, document: string, resend?: 'unlessSent'): Promise<Raw> {
    const params = {
      ...credentialParams(this.credentials, call.perProperty ? property : undefined),
      [call.document]: document,
    };
    let result: Raw = {};
    await this.http.post(call.iface.path, soapEnvelope(call.method, params, call.iface.namespace), {
      headers: { SOAPAction: `"${call.iface.namespace}/${call.method}"` },
      responseType: 'text',
      inspectServerErrors: true,
      ...(resend ? { resend } : {}),
      inspect: (response) => {
        result = readWriteResult(call.method, response.data, response.status);
        // The Service Requests interface words a refusal of the whole call ("not Configured") in <ErrorMessage>.
        if (typeof result.ErrorMessage === 'string')
          throw yardiError(call.method, response.status, result.ErrorMessage, YardiMessageError);
      },
    });
    return result;
  }
}

function writeCall(model: YardiModel, operation: WriteOperation): WriteCall {
  const call = WRITE_CALLS[model]?.[operation];
  if (!call) throw new VendorRequestError(`Yardi has no ${operation} of ${model}`, null, false);
  return call;
}

/**
 * A write's answer: Messages errors are final verdicts (nothing was done), except `Database busy`, a throttle
 * (sent again, even a create: Yardi did nothing); a Fault that refuses nothing in particular leaves the outcome
 * open, so it is retried like a lost answer (a create: "outcome unknown").
 */
export function readWriteResult(method: string, xml: unknown, status: number): Raw {
  try {
    return readSoapResult(method, xml, status);
  } catch (error) {
    if (error instanceof YardiSoapFaultError) throw new VendorRequestError(error.message, status, true);
    if (error instanceof VendorRequestError && error.retryable) throw new VendorThrottledError(error.message);
    throw error;
  }
}

/** The household (RT_Customer's CustomerID) of a resident's x_id (`CustomerID`, or `CustomerID:n`) or a lease's. */
function householdOf(xId: string): string {
  return /^(.*):\d+$/.exec(xId)?.[1] ?? xId;
}

/** The x_id of a raw record as the client yields it (residents: the person's place in its household). */
function rawXId(model: 'residents' | 'leases', raw: unknown): string | null {
  if (!isObject(raw) || typeof raw.CustomerID !== 'string') return null;
  if (model === 'leases') return raw.CustomerID;
  return raw.CustomerIndex === 1 ? raw.CustomerID : `${raw.CustomerID}:${String(raw.CustomerIndex)}`;
}

/** The UnitID of a unit's x_id (`<property code>:<UnitID>`), which must be of the property written to. */
function unitOf(unitXId: unknown, property: string): string | undefined {
  if (unitXId === undefined) return undefined;
  const value = textOf(unitXId);
  if (!value.startsWith(`${property}:`))
    throw new VendorRequestError(`unit_id names a unit of another property than ${property}`, null, false);
  return value.slice(property.length + 1);
}

/** Yardi's Phone needs its PhoneType (home, work, cell or fax): a phone without one is not sent. */
function checkPhone(fields: Record<string, unknown>): void {
  if (fields.phone_1 === undefined) return;
  const type = fields.phone_1_type;
  if (typeof type !== 'string' || !(type in YARDI_PHONE_TYPE))
    throw new VendorRequestError(
      `phone_1 needs phone_1_type HOME, WORK, MOBILE or FAX: Yardi's Phone takes a PhoneType of home, work, cell or fax`,
      null,
      false,
    );
}

function phoneElement(fields: Record<string, unknown>): Raw | undefined {
  if (fields.phone_1 === undefined) return undefined;
  return { '@PhoneType': YARDI_PHONE_TYPE[String(fields.phone_1_type)], PhoneNumber: textOf(fields.phone_1) };
}

/** A canonical date or date-time as the ISO date (xs:date) of a MITS document. */
const isoDay = (value: unknown) => (value === undefined ? undefined : textOf(value).slice(0, 10));
/** Cents as Yardi's decimal money text ("1250.00"). */
const money = (cents: unknown) => (cents === undefined ? undefined : (Number(cents) / 100).toFixed(2));

/** Common Data UpdateResidentData's `<ResidentData><Resident>`: only the elements given (docs/vendors/yardi.md). */
export function residentDocument(propertyCode: string, tenantCode: string, fields: Record<string, unknown>): string {
  return build({
    ResidentData: {
      Resident: {
        PropertyCode: propertyCode,
        TenantCode: tenantCode,
        FirstName: fields.first_name,
        LastName: fields.last_name,
        Email: fields.email_1,
        Phone: phoneElement(fields),
      },
    },
  });
}

/**
 * ILS/Guest Card ImportApplication_Login's `<LeadManagement>` with one Prospect: a new applicant (Customer
 * Type="applicant"), or, with `customerId`, the household an update changes; only the elements given.
 */
export function applicationDocument(fields: Record<string, unknown>, unitId?: string, customerId?: string): string {
  const named = ['first_name', 'last_name', 'email_1', 'phone_1'].some((f) => fields[f] !== undefined);
  const customer = named
    ? {
        ...(customerId === undefined ? { '@Type': 'applicant' } : {}),
        Name: someOf({ FirstName: fields.first_name, LastName: fields.last_name }),
        Address: someOf({ Email: fields.email_1 }),
        Phone: phoneElement(fields),
      }
    : undefined;
  return build({
    LeadManagement: {
      Prospects: {
        Prospect: {
          CustomerID: customerId,
          Customers: customer && { Customer: customer },
          CustomerPreferences: someOf({
            DesiredUnit: unitId === undefined ? undefined : { UnitID: unitId },
            TargetMoveInDate: isoDay(fields.scheduled_move_in_date),
            DesiredRent: money(fields.rent_amount_in_cents),
          }),
          Lease: someOf({ LeaseFromDate: isoDay(fields.start_date), LeaseToDate: isoDay(fields.end_date) }),
        },
      },
    },
  });
}

/** Cents as decimal money text, exactly ("45.00", "-0.10", "123456789.01"). */
export function moneyText(cents: unknown): string {
  const value = BigInt(textOf(cents));
  const abs = value < 0n ? -value : value;
  return `${value < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
/** A canonical date or date-time as MM/DD/YYYY (the form every Yardi import takes, as reads show it). */
const usDay = (value: unknown) => {
  const iso = textOf(value).slice(0, 10);
  return `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
};

/**
 * Service Requests CreateOrEditServiceRequests's `<ServiceRequests><ServiceRequest>` (docs/vendors/yardi.md): a new
 * one names its property and starts at status `Call` unless given; an update names `ServiceRequestId` and only the
 * elements it changes.
 */
export function serviceRequestDocument(
  fields: Record<string, unknown>,
  property: string,
  unitCode: string | undefined,
  xId?: string,
): string {
  const given = (name: string) => (fields[name] === undefined ? undefined : textOf(fields[name]));
  return build({
    ServiceRequests: {
      ServiceRequest: {
        ServiceRequestId: xId,
        PropertyCode: xId === undefined ? property : undefined,
        UnitCode: unitCode,
        TenantCode: fields.resident_id === undefined ? undefined : householdOf(textOf(fields.resident_id)),
        ServiceRequestBriefDescription: given('service_description'),
        ServiceRequestFullDescription: given('service_details'),
        ProblemDescriptionNotes: given('notes'),
        TechnicianNotes: given('vendor_notes'),
        Category: given('service_category'),
        Priority: given('service_priority'),
        HasPermissionToEnter: given('access_is_authorized'),
        AccessNotes: given('access_notes'),
        RequestorName: given('reported_by'),
        RequestorPhoneNumber: given('phone_1'),
        ServiceRequestDate: fields.date_created === undefined ? undefined : textOf(fields.date_created).slice(0, 19),
        CurrentStatus: given('status_raw') ?? (xId === undefined ? 'Call' : undefined),
      },
    },
  });
}

/**
 * Billing & Payments ImportCharge_Login / ImportReceipt_Login's `TransactionXml` (docs/vendors/yardi.md): one
 * `Charge/Detail` or `Payment[@Type]/Detail` of the resident's household in the property. Money as exact decimal
 * text, dates MM/DD/YYYY, the post month as Yardi writes periods (MM/YYYY).
 */
export function transactionDocument(
  element: 'Charge' | 'Payment',
  fields: Record<string, unknown>,
  property: string,
): string {
  const given = (name: string) => (fields[name] === undefined ? undefined : textOf(fields[name]));
  const postMonth = given('post_month');
  const detail =
    element === 'Charge'
      ? {
          Description: given('description'),
          TransactionDate: usDay(fields.transaction_date),
          ChargeCode: given('charge_code_id'),
          GLAccountNumber: given('financial_account_id'),
          CustomerID: householdOf(textOf(fields.resident_id)),
          Amount: moneyText(fields.amount_in_cents),
          Comment: given('notes') ?? given('reference_number'),
          PropertyPrimaryID: property,
          PostMonth: postMonth === undefined ? undefined : `${postMonth.slice(5, 7)}/${postMonth.slice(0, 4)}`,
        }
      : {
          DocumentNumber: given('reference_number'),
          TransactionDate: usDay(fields.transaction_date),
          CustomerID: householdOf(textOf(fields.resident_id)),
          Amount: moneyText(fields.amount_in_cents),
          Description: given('description'),
          Comment: given('notes'),
          PropertyPrimaryID: property,
        };
  const item =
    element === 'Charge' ? { Detail: detail } : { '@Type': RECEIPT_TYPE[textOf(fields.payment_type)], Detail: detail };
  return build({
    ResidentTransactions: {
      Property: { RT_Customer: { RTServiceTransactions: { Transactions: { [element]: item } } } },
    },
  });
}

/** The record without its absent elements; undefined when none is left. */
function someOf(record: Raw): Raw | undefined {
  const given = Object.entries(record).filter(([, value]) => value !== undefined);
  return given.length > 0 ? Object.fromEntries(given) : undefined;
}

function build(document: Raw): string {
  return documentBuilder.build(prune(document)) as string;
}

/** Absent (undefined) elements dropped at every level, so the document holds only what the write gives. */
function prune(value: unknown): unknown {
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, prune(v)]),
  );
}

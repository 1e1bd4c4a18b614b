import { XMLBuilder } from 'fast-xml-parser';
import type { WriteOperation } from '../../catalogue/canonical-models';
import { isObject } from '../../normalise/normalise';
import type { VendorWrite, VendorWriteResult, VendorWriter, WriteFields } from '../adapter/vendor-adapter';
import { VendorRequestError, VendorThrottledError, type VendorHttp } from '../adapter/vendor-http';
import { textOf } from '../../platform/text/text-of';
import type { YardiCredentials } from './yardi.credentials';
import type { YardiModel } from './yardi.facts';
import { credentialParams, readSoapResult, soapEnvelope, YardiMessageError, YardiSoapFaultError } from './yardi.soap';

type Raw = Record<string, any>;

/** A Voyager interface writes go through (docs/vendors/yardi.md, "Writes and the other interfaces"). */
interface WriteInterface {
  path: string;
  namespace: string;
}
const writeInterface = (name: string, path: string): WriteInterface => ({
  path,
  namespace: `http://tempuri.org/YSI.Interfaces.WebServices/${name}`,
});
const COMMON_DATA = writeInterface('ItfCommonData', '/Webservices/itfCommonData.asmx');
const GUEST_CARD = writeInterface('ItfILSGuestCard', '/Webservices/ItfILSGuestCard.asmx');

type WriteCall = { iface: WriteInterface; method: string; document: string; perProperty: boolean };

/** Each write's call: interface, method, the parameter carrying the XML document, whether it names a property. */
const WRITE_CALLS: Partial<Record<YardiModel, Partial<Record<WriteOperation, WriteCall>>>> = {
  residents: { update: { iface: COMMON_DATA, method: 'UpdateResidentData', document: 'XmlDoc', perProperty: false } },
  leases: {
    create: { iface: GUEST_CARD, method: 'ImportApplication_Login', document: 'XmlDocument', perProperty: true },
    update: { iface: GUEST_CARD, method: 'ImportApplication_Login', document: 'XmlDocument', perProperty: true },
  },
};

const RESIDENT_FIELDS = ['first_name', 'last_name', 'email_1', 'phone_1', 'phone_1_type'];
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
};

/** Canonical phone type -> the PhoneType UpdateResidentData takes (home|work|cell|fax); OTHER has none. */
export const YARDI_PHONE_TYPE: Record<string, string> = { HOME: 'home', WORK: 'work', MOBILE: 'cell', FAX: 'fax' };

/** What the writer reads through the client: the same calls, and raw records, as a sync. */
export interface YardiReads {
  propertyCodes(): Promise<string[]>;
  records(model: 'residents' | 'leases', propertyCode: string): Promise<unknown[]>;
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

  constructor(
    private readonly http: VendorHttp,
    private readonly credentials: YardiCredentials,
    private readonly reads: YardiReads,
  ) {}

  async write(write: VendorWrite & { model: YardiModel }): Promise<VendorWriteResult> {
    const call = writeCall(write.model, write.operation);
    const fields = write.fields;
    checkPhone(fields);
    if (write.operation === 'create') {
      const property = String(fields.property_id);
      const unit = unitOf(fields.unit_id, property);
      const result = await this.send(call, property, applicationDocument(fields, unit), 'unlessSent');
      const customerId = typeof result.CustomerID === 'string' && result.CustomerID !== '' ? result.CustomerID : null;
      if (customerId) this.propertyOf.set(customerId, property);
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
    return { xId };
  }

  /**
   * Yardi has no read by id: the household's property's GetResidentTransactions_Login (the sync's call), the
   * record picked out as the sync yields it. Every property is asked until one has it when none is known yet.
   */
  async fetchOne(model: YardiModel, xId: string): Promise<unknown> {
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

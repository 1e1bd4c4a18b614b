import type { WriteOperation } from '../../catalogue/canonical-models';
import type { VendorWrite, VendorWriteResult, VendorWriter, WriteFields } from '../adapter/vendor-adapter';
import { VendorRequestError, type VendorHttp } from '../adapter/vendor-http';
import { BUILDIUM_ENDPOINTS, COUNTRY, type BuildiumModel } from './buildium.facts';

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

/**
 * The canonical fields each Buildium write takes (docs/vendors/buildium.md, Writes). Required: what Buildium's
 * own message requires (RentalTenantPostMessage: LeaseId, FirstName, LastName, Address.AddressLine1 and
 * Address.Country). An update merges into the current record, so it requires nothing.
 */
export const BUILDIUM_WRITE_FIELDS: Partial<Record<BuildiumModel, Partial<Record<WriteOperation, WriteFields>>>> = {
  residents: {
    create: {
      required: ['lease_id', 'first_name', 'last_name', 'address_1', 'country'],
      writable: ['lease_id', ...TENANT_FIELDS],
    },
    update: { required: [], writable: TENANT_FIELDS },
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
    if (write.model !== 'residents')
      throw new VendorRequestError(`${write.model} writes are not built yet`, null, false);
    const path = BUILDIUM_ENDPOINTS.residents;
    if (write.operation === 'create') {
      const body = { LeaseId: Number(write.fields.lease_id), ...tenantMessage({}, write.fields) };
      // Buildium has no idempotency key: a resent POST makes a second tenant, so it goes again only if unsent.
      const answer = await this.http.post<Raw>(path, body, { resend: 'unlessSent' });
      return recordResult(answer.data);
    }
    const xId = write.xId!;
    const current = await this.http.get<Raw>(`${path}/${xId}`);
    // A complete replacement: sending it again sets the same values, so it may be resent.
    const answer = await this.http.put<Raw>(`${path}/${xId}`, tenantMessage(current.data, write.fields));
    return recordResult(answer.data);
  }

  /**
   * `{}` to the create endpoint, or to the update endpoint of a record just read (buildium.md, Writes): Buildium
   * checks the key's permission before the body, so its 400 for the empty body proves the key may write.
   */
  async probe(model: BuildiumModel, operation: WriteOperation): Promise<void> {
    const path = BUILDIUM_ENDPOINTS[model];
    let target = path;
    if (operation === 'update') {
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

  async fetchOne(model: BuildiumModel, xId: string): Promise<unknown> {
    try {
      return (await this.http.get<unknown>(`${BUILDIUM_ENDPOINTS[model]}/${xId}`)).data;
    } catch (error) {
      if (error instanceof VendorRequestError && error.status === 404) return null;
      throw error;
    }
  }
}

function recordResult(data: Raw): VendorWriteResult {
  const id = data?.Id;
  return typeof id === 'number' || typeof id === 'string' ? { xId: String(id), record: data } : { xId: null };
}

/**
 * The complete RentalTenantPutMessage (or the body of a post) of a tenant: its current values as Buildium
 * answered them, overlaid with the canonical fields given. A field not given keeps its value.
 */
export function tenantMessage(current: Raw, fields: Record<string, unknown>): Raw {
  const given = (field: string) => field in fields;
  const pick = (field: string, value: unknown) => (given(field) ? fields[field] : value);
  return dropUndefined({
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
  return dropUndefined({
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

function dropUndefined(record: Raw): Raw {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

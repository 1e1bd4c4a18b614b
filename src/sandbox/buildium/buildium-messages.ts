import { isJsonObject } from '../kit/sandbox-http';

type Rec = Record<string, any>;
export type FieldError = { Key: string; Value: string };

/** The write messages of Buildium's Open API (docs/reference/buildium-openapi.json), as the sandbox checks them. */
export const LEASE_TYPES = ['Fixed', 'FixedWithRollover', 'AtWill'];
export const RENT_CYCLES = [
  'Monthly',
  'Weekly',
  'Every2Weeks',
  'Quarterly',
  'Yearly',
  'Every2Months',
  'Daily',
  'Every6Months',
  'OneTime',
];
export const RENTAL_SUBTYPES = [
  'CondoTownhome',
  'MultiFamily',
  'SingleFamily',
  'Industrial',
  'Office',
  'Retail',
  'ShoppingCenter',
  'Storage',
  'ParkingSpace',
];
const RESIDENTIAL_SUBTYPES = ['CondoTownhome', 'MultiFamily', 'SingleFamily'];
export const UNIT_BEDROOMS = [
  'NotSet',
  'Studio',
  'OneBed',
  'TwoBed',
  'ThreeBed',
  'FourBed',
  'FiveBed',
  'SixBed',
  'SevenBed',
  'EightBed',
  'NineBedPlus',
];
export const UNIT_BATHROOMS = [
  'NotSet',
  'OneBath',
  'OnePointFiveBath',
  'TwoBath',
  'TwoPointFiveBath',
  'ThreeBath',
  'FourBath',
  'FiveBath',
  'FivePlusBath',
  'ThreePointFiveBath',
  'FourPointFiveBath',
];
/**
 * PhoneNumbersMessage slots as TenantMessage reads them back: PhoneNumbers[] {Number, Type}, whose Type enum has
 * no Work (NotSet, Home, Office, Cell, Personal, Fax, Other): a work number reads back as Office.
 */
export const PHONE_READ_TYPE: Record<string, string> = { Home: 'Home', Work: 'Office', Mobile: 'Cell', Fax: 'Fax' };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks of one message, each failure one `Errors[{Key, Value}]` entry keyed by the field's path. */
class MessageCheck {
  readonly errors: FieldError[] = [];
  constructor(
    private readonly body: Rec,
    private readonly prefix = '',
  ) {}

  private has(key: string): boolean {
    return this.body[key] !== undefined && this.body[key] !== null;
  }

  fail(key: string, value: string): void {
    this.errors.push({ Key: `${this.prefix}${key}`, Value: value });
  }

  private rule(key: string, required: boolean, ok: (v: any) => boolean, what: string): void {
    if (!this.has(key)) return void (required && this.fail(key, `${key} is required.`));
    if (!ok(this.body[key])) this.fail(key, `${key} ${what}.`);
  }

  text(key: string, required: boolean, max: number): void {
    const ok = (v: unknown) => typeof v === 'string' && (!required || v.trim() !== '') && v.length <= max;
    this.rule(key, required, ok, `must be text of at most ${max} characters`);
  }
  integer(key: string, required = false, min = 1, max = 2_147_483_647): void {
    const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
    this.rule(key, required, ok, `must be an integer from ${min} to ${max}`);
  }
  number(key: string, required = false): void {
    this.rule(key, required, (v) => typeof v === 'number' && Number.isFinite(v), 'must be a number');
  }
  boolean(key: string, required = false): void {
    this.rule(key, required, (v) => typeof v === 'boolean', 'must be true or false');
  }
  date(key: string, required = false): void {
    this.rule(key, required, (v) => typeof v === 'string' && DATE.test(v), 'must be a date (YYYY-MM-DD)');
  }
  oneOf(key: string, values: readonly string[], required = false): void {
    this.rule(key, required, (v) => values.includes(v), `must be one of ${values.join(', ')}`);
  }
  phone(key: string): void {
    const ok = (v: unknown) => typeof v === 'string' && v.length >= 10 && v.length <= 20;
    this.rule(key, false, ok, 'must be between 10 and 20 characters');
  }
  email(key: string): void {
    this.rule(key, false, (v) => typeof v === 'string' && EMAIL.test(v), 'must be a valid email address');
  }
  /**
   * A money amount in dollars: positive, written with at most two decimals (`cents / 100` always is; a float
   * artefact such as 0.30000000000000004 is not, and Buildium's decimal would keep it).
   */
  money(key: string, required = false): void {
    const ok = (v: unknown) => typeof v === 'number' && v > 0 && /^\d{1,12}(\.\d{1,2})?$/.test(String(v));
    this.rule(key, required, ok, 'must be a positive amount with at most two decimal places');
  }
  notEmpty(key: string, message: string): void {
    if (Array.isArray(this.body[key]) && this.body[key].length === 0) this.fail(key, message);
  }
  /** A field the message does not have is an error (a misspelt or read-only field is not silently dropped). */
  only(fields: readonly string[]): void {
    for (const key of Object.keys(this.body))
      if (!fields.includes(key)) this.fail(key, `${key} is not a field of this message.`);
  }
  integerList(key: string, max: number): void {
    const ok = (v: unknown) => Array.isArray(v) && v.length <= max && v.every((id) => Number.isInteger(id));
    this.rule(key, false, ok, `must be a list of at most ${max} integer ids`);
  }
  /** A nested message: its own checks under `key.`, or `key[i].` for a list of at most `max`. */
  nested(key: string, required: boolean, check: (inner: MessageCheck) => void, max?: number): void {
    if (!this.has(key)) return void (required && this.fail(key, `${key} is required.`));
    const value = this.body[key];
    const items = max === undefined ? [value] : value;
    if (max !== undefined && (!Array.isArray(value) || value.length > max))
      return this.fail(key, `${key} must be a list of at most ${max}.`);
    (items as unknown[]).forEach((item, i) => {
      const path = `${key}${max === undefined ? '' : `[${i}]`}`;
      if (!isJsonObject(item)) return this.fail(path, `${path} must be an object.`);
      const inner = new MessageCheck(item, `${this.prefix}${path}.`);
      check(inner);
      this.errors.push(...inner.errors);
    });
  }
  /** SaveAddressMessage: AddressLine1 and Country required; lines and city at most 100 characters. */
  address(key: string, required: boolean): void {
    this.nested(key, required, (a) => {
      a.text('AddressLine1', true, 100);
      for (const line of ['AddressLine2', 'AddressLine3', 'City']) a.text(line, false, 100);
      a.text('State', false, 100);
      a.text('PostalCode', false, 100);
      // Country is an enum of names without spaces (UnitedStates, Canada, …): modelled as that form, not the list.
      a.rule('Country', true, (v) => typeof v === 'string' && /^[A-Z][A-Za-z]+$/.test(v), 'must be a Country value');
    });
  }
}

/** Runs a message's checks on a body: a body that is not an object is one error. */
function checked(body: unknown, check: (c: MessageCheck) => void): FieldError[] {
  if (!isJsonObject(body)) return [{ Key: '', Value: 'The request body must be a JSON object.' }];
  const c = new MessageCheck(body);
  check(c);
  return c.errors;
}

/** RentalTenantPutMessage (and the Post's LeaseId), also a lease create's `Tenants[]` entry. */
function tenantChecks(c: MessageCheck, post: boolean): void {
  if (post) c.integer('LeaseId', true);
  c.text('FirstName', true, 127);
  c.text('LastName', true, 127);
  c.email('Email');
  c.email('AlternateEmail');
  c.date('DateOfBirth');
  c.address('Address', true);
  c.address('AlternateAddress', false);
  // "If provided, must be between 10 and 20 characters" (PhoneNumbersMessage).
  c.nested('PhoneNumbers', false, (p) => {
    for (const slot of Object.keys(PHONE_READ_TYPE)) p.phone(slot);
  });
  c.oneOf('MailingPreference', ['PrimaryAddress', 'AlternateAddress']);
}

export const tenantMessageErrors = (body: unknown, post: boolean) => checked(body, (c) => tenantChecks(c, post));

/** LeasePostMessage (post) or LeasePutMessage. */
export function leaseMessageErrors(body: unknown, post: boolean): FieldError[] {
  return checked(body, (c) => {
    c.oneOf('LeaseType', LEASE_TYPES, true);
    c.integer('UnitId', true);
    c.date('LeaseFromDate', true);
    c.date('LeaseToDate');
    if (!post) {
      c.boolean('IsEvictionPending', true);
      c.boolean('AutomaticallyMoveOutTenants');
      return;
    }
    c.boolean('SendWelcomeEmail', true);
    c.integerList('TenantIds', 5);
    c.integerList('ApplicantIds', 5);
    c.nested('Tenants', false, (t) => tenantChecks(t, false), 5);
    c.nested('Rent', false, (rent) => {
      rent.oneOf('Cycle', RENT_CYCLES, true);
      rent.nested(
        'Charges',
        true,
        (charge) => {
          charge.number('Amount', true);
          charge.integer('GlAccountId', true);
          charge.date('NextDueDate', true);
          charge.text('Memo', false, 65_535);
        },
        100,
      );
    });
    c.number('ProratedFirstMonthRent');
    c.number('ProratedLastMonthRent');
  });
}

/** RentalPropertyPostMessage (post, with its Units[]) or RentalPropertyPutMessage. */
export function propertyMessageErrors(body: unknown, post: boolean): FieldError[] {
  return checked(body, (c) => {
    c.text('Name', true, 127);
    c.text('StructureDescription', false, 65_535);
    c.address('Address', true);
    c.oneOf('RentalSubType', RENTAL_SUBTYPES, true);
    c.integer('OperatingBankAccountId', true);
    c.integer('PropertyManagerId');
    c.number('Reserve');
    c.integer('YearBuilt', false, 1000, new Date().getUTCFullYear());
    if (post) {
      c.integerList('RentalOwnerIds', 100);
      c.nested('Units', false, (u) => unitChecks(u), 1000);
    }
  });
}

/** RentalUnitsPostMessage (post: with PropertyId), RentalUnitPutMessage, or a property create's Units[] entry. */
function unitChecks(c: MessageCheck): void {
  c.text('UnitNumber', true, 30);
  c.integer('UnitSize', false, 0);
  c.number('MarketRent');
  c.address('Address', true);
  c.oneOf('UnitBedrooms', UNIT_BEDROOMS);
  c.oneOf('UnitBathrooms', UNIT_BATHROOMS);
  c.text('Description', false, 65_535);
}

export function unitMessageErrors(body: unknown, post: boolean): FieldError[] {
  return checked(body, (c) => {
    if (post) c.integer('PropertyId', true);
    unitChecks(c);
  });
}

/** What a PUT leaves blank when it omits it (Buildium: "will be set to either an empty string or null"). */
export const BLANKED_ON_PUT: Record<'tenants' | 'leases' | 'rentals' | 'units', Rec> = {
  tenants: {
    Email: null,
    AlternateEmail: null,
    PhoneNumbers: [],
    DateOfBirth: null,
    Comment: null,
    TaxId: null,
    EmergencyContact: null,
    AlternateAddress: null,
    MailingPreference: null,
  },
  leases: { LeaseToDate: null, AutomaticallyMoveOutTenants: null },
  rentals: { StructureDescription: null, RentalManager: null, Reserve: null, YearBuilt: null },
  units: { UnitSize: null, MarketRent: null, UnitBedrooms: null, UnitBathrooms: null, Description: null },
};

/** A RentalTenantPostMessage / PutMessage as the stored TenantMessage. */
export function tenantRecord(message: Rec): Rec {
  const { LeaseId, PhoneNumbers, ...rest } = message;
  const phones = isJsonObject(PhoneNumbers)
    ? Object.entries(PHONE_READ_TYPE)
        .filter(([slot]) => typeof PhoneNumbers[slot] === 'string' && PhoneNumbers[slot] !== '')
        .map(([slot, type]) => ({ Number: PhoneNumbers[slot], Type: type }))
    : [];
  return { ...rest, PhoneNumbers: phones, ...(LeaseId !== undefined ? { LeaseId } : {}) };
}

/** A RentalPropertyPost/PutMessage's fields as the stored RentalMessage (RentalType follows the subtype). */
export function rentalRecord(message: Rec): Rec {
  const { Units: _units, RentalOwnerIds: _owners, PropertyManagerId, ...rest } = message;
  return {
    ...rest,
    RentalType: RESIDENTIAL_SUBTYPES.includes(message.RentalSubType) ? 'Residential' : 'Commercial',
    ...(PropertyManagerId !== undefined && PropertyManagerId !== null
      ? { RentalManager: { Id: PropertyManagerId } }
      : {}),
  };
}

/** A lease's status from its dates today (Buildium derives it: buildium.md, Writes). */
export function leaseStatus(from: string, to: string | undefined | null, today = new Date()): string {
  const day = today.toISOString().slice(0, 10);
  if (from > day) return 'Future';
  if (to && to < day) return 'Past';
  return 'Active';
}

/** Whether two leases' date ranges meet (an open end runs on). */
export function overlaps(a: { from: string; to?: string | null }, b: { from: string; to?: string | null }): boolean {
  return (a.to == null || b.from <= a.to) && (b.to == null || a.from <= b.to);
}

export const TASK_STATUSES = ['New', 'InProgress', 'Completed', 'Deferred', 'Closed'];
export const TASK_PRIORITIES = ['Low', 'Normal', 'High'];
export const WRITE_PAYMENT_METHODS = [
  'Check',
  'Cash',
  'MoneyOrder',
  'CashierCheck',
  'DirectDeposit',
  'CreditCard',
  'ElectronicPayment',
];
const TASK_POST_FIELDS = [
  'Title',
  'Description',
  'CategoryId',
  'SubCategoryId',
  'UnitAgreementId',
  'RequestedByEntityId',
  'AssignedToUserId',
  'TaskStatus',
  'Priority',
  'DueDate',
  'IsEntryPermittedByResident',
  'DoesResidentHavePets',
  'ResidentEntryNotes',
  'ShareWithRentalOwners',
  'ShareWithBoardMembers',
];
const TASK_PUT_FIELDS = [
  'Title',
  'Message',
  'CategoryId',
  'SubCategoryId',
  'AssignedToUserId',
  'TaskStatus',
  'Priority',
  'DueDate',
];
export const WORK_ORDER_PUT_FIELDS = [
  'WorkDetails',
  'InvoiceNumber',
  'ChargeableTo',
  'EntryAllowed',
  'EntryNotes',
  'VendorId',
  'VendorNotes',
  'EntryContactId',
  'EntryContactIds',
  'LineItems',
];

/**
 * ResidentRequestTaskPostMessage (post) or ResidentRequestTaskPutMessage. Closed: the Put message has no
 * Description, lease or resident, and a field the message does not name is a 400 (buildium.md, Service requests).
 */
export function taskMessageErrors(body: unknown, post: boolean): FieldError[] {
  return checked(body, (c) => {
    c.only(post ? TASK_POST_FIELDS : TASK_PUT_FIELDS);
    c.text('Title', true, 127);
    c.integer('CategoryId');
    c.integer('SubCategoryId');
    c.integer('AssignedToUserId');
    c.oneOf('TaskStatus', TASK_STATUSES, true);
    c.oneOf('Priority', TASK_PRIORITIES, true);
    c.date('DueDate');
    if (!post) return c.text('Message', false, 65_500);
    c.text('Description', false, 65_500);
    c.integer('UnitAgreementId', true);
    c.integer('RequestedByEntityId', true);
    for (const flag of ['IsEntryPermittedByResident', 'DoesResidentHavePets', 'ShareWithRentalOwners']) c.boolean(flag);
    c.boolean('ShareWithBoardMembers');
    c.text('ResidentEntryNotes', false, 65_535);
  });
}

/**
 * WorkOrderPostMessage (post) or WorkOrderPutMessage. The sandbox links a work order to an existing resident
 * request only: a post names its `TaskId` (the spec's alternative, a new to-do `Task`, is a 422).
 */
export function workOrderMessageErrors(body: unknown, post: boolean): FieldError[] {
  return checked(body, (c) => {
    c.only(post ? [...WORK_ORDER_PUT_FIELDS, 'TaskId', 'Task'] : WORK_ORDER_PUT_FIELDS);
    c.integer('VendorId', true);
    c.oneOf('EntryAllowed', ['Unknown', 'Yes', 'No'], true);
    c.text('WorkDetails', false, 65_535);
    c.text('InvoiceNumber', false, 50);
    c.text('ChargeableTo', false, 100);
    c.text('EntryNotes', false, 65_535);
    c.text('VendorNotes', false, 65_535);
    c.integer('EntryContactId');
    c.integerList('EntryContactIds', 100);
    c.nested(
      'LineItems',
      false,
      (line) => {
        line.only(['GlAccountId', 'Quantity', 'Memo', 'UnitPrice']);
        line.integer('GlAccountId');
        line.number('Quantity', true);
        line.number('UnitPrice', true);
        line.text('Memo', false, 100);
      },
      100,
    );
    if (post) c.integer('TaskId', !isJsonObject((body as Rec).Task));
  });
}

/** LeaseChargePostMessage: at least one line, each a positive amount in cents and a GL account. */
export function chargeMessageErrors(body: unknown): FieldError[] {
  return checked(body, (c) => {
    c.only(['Date', 'Memo', 'BillId', 'Lines']);
    c.date('Date');
    c.text('Memo', false, 65);
    c.integer('BillId');
    ledgerLines(c, ['Amount', 'GLAccountId', 'ReferenceNumber']);
  });
}

/** LeaseLedgerPaymentPostMessage. */
export function paymentMessageErrors(body: unknown): FieldError[] {
  return checked(body, (c) => {
    c.only(['Date', 'PaymentMethod', 'PayeeUserId', 'Memo', 'ReferenceNumber', 'SendEmailReceipt', 'Lines']);
    c.date('Date', true);
    c.oneOf('PaymentMethod', WRITE_PAYMENT_METHODS, true);
    c.integer('PayeeUserId');
    c.text('Memo', false, 65);
    c.text('ReferenceNumber', false, 30);
    c.boolean('SendEmailReceipt', true);
    ledgerLines(c, ['Amount', 'GLAccountId']);
  });
}

/** `Lines[]`: "At least one line item is required". */
function ledgerLines(c: MessageCheck, fields: string[]): void {
  c.nested(
    'Lines',
    true,
    (line) => {
      line.only(fields);
      line.money('Amount', true);
      line.integer('GLAccountId', true);
      if (fields.includes('ReferenceNumber')) line.text('ReferenceNumber', false, 30);
    },
    100,
  );
  c.notEmpty('Lines', 'At least one line item is required.');
}

import type { YardiModel } from './yardi.facts';
import { placement, type MappedLink, type MappedRecord, type MappingContext } from '../../normalise/canonical-record';
import { MalformedRecordError } from '../../normalise/malformed-record.error';
import {
  bathroomCounts,
  cents,
  email,
  isObject,
  isoDate,
  lookupReported,
  optionalId,
  phoneNumber,
  requiredId,
  text,
} from '../../normalise/normalise';
import {
  APPLICANT_TYPE,
  LEASE_STATUS,
  PAYMENT_METHOD,
  PERMISSION_TO_ENTER,
  PHONE_TYPE,
  UNIT_VACANT,
  WORK_COMPLETED,
} from './yardi.facts';
import { asList } from './yardi.soap';
import { textOf } from '../../platform/text/text-of';
import { isCalendarDay } from '../../platform/common/calendar';

type Raw = Record<string, any>;

/**
 * Yardi MITS elements (docs/vendors/yardi.md), as the client yields them -> Propexo's canonical fields; null
 * for an applicant customer, and for a household of applicants only (an application, not a lease).
 */
export function mapYardiRecord(model: YardiModel, raw: unknown, ctx: MappingContext): MappedRecord | null {
  if (!isObject(raw)) throw new MalformedRecordError('record is not an object');
  switch (model) {
    case 'properties':
      return mapProperty(raw, ctx);
    case 'units':
      return mapUnit(raw, ctx);
    case 'leases':
      return mapRtCustomerLease(raw, ctx);
    case 'residents':
      return mapCustomer(raw, ctx);
    case 'service_requests':
      return mapServiceRequest(raw, ctx);
    case 'resident_charges':
      return mapCharge(raw, ctx);
    case 'resident_payments':
      return mapPayment(raw, ctx);
  }
}

/** The vendor id of a raw record as our x_id, or null when it has none (for quarantine reports). */
export function yardiVendorId(model: YardiModel, raw: unknown): string | null {
  if (!isObject(raw)) return null;
  try {
    switch (model) {
      case 'properties':
        return requiredId(raw.Code, 'Code');
      case 'units':
        return unitXId(raw);
      case 'leases':
        return requiredId(raw.CustomerID, 'CustomerID');
      case 'residents':
        return residentXId(raw.CustomerID, raw.CustomerIndex);
      case 'service_requests':
        return requiredId(raw.ServiceRequestId, 'ServiceRequestId');
      case 'resident_charges':
      case 'resident_payments':
        return requiredId(isObject(raw.Detail) ? raw.Detail.TransactionID : undefined, 'Detail.TransactionID');
    }
  } catch {
    return null;
  }
}

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/**
 * A Yardi date as an ISO instant: Voyager writes MM/DD/YYYY in some elements and ISO 8601 in others.
 * The one place both forms are read.
 */
export function yardiDate(value: unknown, field: string): string | null {
  const us = typeof value === 'string' ? US_DATE.exec(value.trim()) : null;
  if (!us) return isoDate(value, field);
  // A calendar day is its own instant at midnight UTC: checked and written without a Date (as isoDate does).
  const [month, day, year] = [us[1].padStart(2, '0'), us[2].padStart(2, '0'), us[3]];
  if (!isCalendarDay(year, month, day)) throw new MalformedRecordError(`${field}: "${textOf(value)}" is not a date`);
  return `${year}-${month}-${day}T00:00:00.000Z`;
}

/** Decimal text ("1.50", "850.0000") as a number. */
function decimal(value: unknown, field: string): number | null {
  const raw = text(value);
  if (raw === null) return null;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new MalformedRecordError(`${field}: "${raw}" is not a number`);
  return n;
}

/** Unit codes are unique within a property only, so a unit's x_id names its property too. */
function unitXId(u: Raw): string {
  return `${requiredId(u.YardiPropertyId, 'YardiPropertyId')}:${requiredId(u.UnitID, 'UnitID')}`;
}

/**
 * The contract gives an id per RT_Customer (household) only: its first person carries the CustomerID, the
 * n-th (n > 1) `CustomerID:n`, in the order Yardi lists Customers.
 */
function residentXId(customerId: unknown, index: unknown): string {
  const household = requiredId(customerId, 'CustomerID');
  if (!(Number.isInteger(index) && (index as number) >= 1))
    throw new MalformedRecordError(`CustomerIndex ${String(index)} is not a position`);
  return index === 1 ? household : `${household}:${index as number}`;
}

/**
 * A MITS address as Propexo's address fields (a resident's alternate one is named by its caller: fixed field names,
 * not names built per record, since residents are mapped by the million).
 */
function address(a: unknown) {
  const r: Raw = isObject(a) ? a : {};
  return {
    address_1: text(r.AddressLine1),
    address_2: text(r.AddressLine2),
    city: text(r.City),
    state: text(r.State),
    zip: text(r.PostalCode),
    country: text(r.Country),
  };
}

const lowerCase = (value: string) => value.toLowerCase();

/** The first two Phone elements with a number, typed by their PhoneType attribute. */
function phones(list: unknown, ctx: MappingContext) {
  const numbered = asList(list).filter((p): p is Raw => isObject(p) && text(p.PhoneNumber) !== null);
  const type = (p: Raw | undefined, field: string) =>
    p ? lookupReported(ctx, field, PHONE_TYPE, text(p['@PhoneType']), 'OTHER', lowerCase) : null;
  return {
    phone_1: phoneNumber(numbered[0]?.PhoneNumber),
    phone_1_type: type(numbered[0], 'phone_1_type'),
    phone_2: phoneNumber(numbered[1]?.PhoneNumber),
    phone_2_type: type(numbered[1], 'phone_2_type'),
  };
}

/** Whether a Customer element is an applicant (its `Type`), who is no resident. */
const isApplicant = (person: unknown) => isObject(person) && text(person['@Type'])?.toLowerCase() === APPLICANT_TYPE;

/** Values that have no canonical field, kept under their vendor names (null when none is given). */
function customData(values: Record<string, string | null>): Record<string, string> | null {
  let given: Record<string, string> | null = null;
  for (const key in values) {
    const value = values[key];
    if (value !== null) (given ??= {})[key] = value;
  }
  return given;
}

function mapProperty(p: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(p.Code, 'Code');
  const a = address(p);
  return {
    x_id: xId,
    values: {
      property_id: ctx.ref('properties', xId),
      x_property_id: xId,
      code: xId,
      name: text(p.MarketingName),
      street_address_1: a.address_1,
      street_address_2: a.address_2,
      address_1: a.address_1,
      address_2: a.address_2,
      city: a.city,
      state: a.state,
      zip: a.zip,
      custom_data: customData({
        accounts_receivable: text(p.AccountsReceivable),
        accounts_payable: text(p.AccountsPayable),
      }),
    },
  };
}

function mapUnit(u: Raw, ctx: MappingContext): MappedRecord {
  const xPropertyId = requiredId(u.YardiPropertyId, 'YardiPropertyId');
  const baths = decimal(u.UnitBathrooms, 'UnitBathrooms');
  const bedrooms = decimal(u.UnitBedrooms, 'UnitBedrooms');
  const squareFeet = decimal(u.MinSquareFeet, 'MinSquareFeet');
  const occupancy = text(u.UnitOccpStatus);
  return {
    x_id: unitXId(u),
    values: {
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      number: requiredId(u.UnitID, 'UnitID'),
      x_unit_type_id: text(u.UnitType),
      bedrooms: bedrooms === null ? null : String(bedrooms),
      bathrooms: baths === null ? null : String(baths),
      square_feet: squareFeet === null ? null : Math.round(squareFeet),
      rent_amount_market_in_cents: cents(text(u.MarketRent), 'MarketRent'),
      is_vacant: lookupReported(ctx, 'is_vacant', UNIT_VACANT, occupancy, null, lowerCase),
      custom_data: customData({ unit_economic_status: text(u.UnitEconomicStatus), unit_occupancy_status: occupancy }),
      ...bathroomCounts(baths),
    },
  };
}

/** An RT_Customer as a lease: its Lease element, its unit, and every resident Customer linked by Type. */
function mapRtCustomerLease(rt: Raw, ctx: MappingContext): MappedRecord | null {
  const xId = requiredId(rt.CustomerID, 'CustomerID');
  const xPropertyId = requiredId(rt.YardiPropertyId, 'YardiPropertyId');
  const unitId = optionalId(isObject(rt.RT_Unit) ? rt.RT_Unit.UnitID : undefined, 'RT_Unit.UnitID');
  const xUnitId = unitId === null ? null : unitXId({ YardiPropertyId: xPropertyId, UnitID: unitId });
  const lease: Raw = isObject(rt.Lease) ? rt.Lease : {};
  const moveIn = yardiDate(lease.ActualMoveIn, 'Lease.ActualMoveIn');
  const moveOut = yardiDate(lease.ActualMoveOut, 'Lease.ActualMoveOut');
  const notice = yardiDate(lease.NoticeGiven, 'Lease.NoticeGiven');
  const people = asList(isObject(rt.Customers) ? rt.Customers.Customer : undefined) as Raw[];
  // A household of applicants only is an application, not a lease.
  if (people.length > 0 && people.every(isApplicant)) return null;
  // Positions count every Customer element, so the ids match those the residents job gives them; applicants
  // are no residents, so no link names them, and the first resident is the primary one.
  const residentPositions = people.flatMap((person, i) => (isObject(person) && !isApplicant(person) ? [i] : []));
  const links: MappedLink[] = residentPositions.map((i, n) => ({
    x_resident_id: residentXId(xId, i + 1),
    x_resident_type: text(people[i]['@Type']),
    resident_type_normalized: n === 0 ? 'PRIMARY' : 'SECONDARY',
    move_in_date: moveIn,
    move_out_date: moveOut,
    notice_date: notice,
  }));
  // The household's first resident's Type says where the lease stands (current, future, former).
  const first = residentPositions[0];
  const status = first === undefined ? null : text(people[first]['@Type']);
  return {
    x_id: xId,
    values: {
      x_resident_id: first === undefined ? null : residentXId(xId, first + 1),
      unit_number: unitId,
      start_date: yardiDate(lease.LeaseFromDate, 'Lease.LeaseFromDate'),
      end_date: yardiDate(lease.LeaseToDate, 'Lease.LeaseToDate'),
      rent_amount_in_cents: cents(text(lease.CurrentRent), 'Lease.CurrentRent'),
      scheduled_move_in_date: yardiDate(lease.ExpectedMoveInDate, 'Lease.ExpectedMoveInDate'),
      realized_move_in_date: moveIn,
      scheduled_move_out_date: yardiDate(lease.ExpectedMoveOutDate, 'Lease.ExpectedMoveOutDate'),
      realized_move_out_date: moveOut,
      status,
      status_raw: status,
      status_normalized: lookupReported(ctx, 'status_normalized', LEASE_STATUS, status, 'OTHER', lowerCase),
      ...placement(ctx, xPropertyId, xUnitId),
    },
    links,
  };
}

/**
 * One Customer (a person) of an RT_Customer, placed by the property the call was for (Voyager lists every
 * RT_Customer under its Property), whatever its lease holds.
 */
function mapCustomer(r: Raw, ctx: MappingContext): MappedRecord | null {
  const xId = residentXId(r.CustomerID, r.CustomerIndex);
  const xPropertyId = requiredId(r.YardiPropertyId, 'YardiPropertyId');
  if (!isObject(r.Customer)) throw new MalformedRecordError('Customer is not an element with children');
  if (isApplicant(r.Customer)) return null;
  const c: Raw = r.Customer;
  const name: Raw = isObject(c.Name) ? c.Name : {};
  const [homeAddress, alternateAddress] = asList(c.Address);
  const home = address(homeAddress);
  const alternate = address(alternateAddress);
  const phone = phones(c.Phone, ctx);
  const [email1, email2] = asList(c.Email);
  const type = text(c['@Type']);
  const household = requiredId(r.CustomerID, 'CustomerID');
  return {
    x_id: xId,
    // A person's lease is its household; the link's details are the household's (its Lease element).
    linkedTo: [household],
    values: {
      first_name: text(name.FirstName),
      middle_name: text(name.MiddleName),
      last_name: text(name.LastName),
      email_1: email(email1),
      email_2: email(email2),
      x_lease_id: household,
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      custom_data: type === null ? null : { customer_type: type },
      phone_1: phone.phone_1,
      phone_1_type: phone.phone_1_type,
      phone_2: phone.phone_2,
      phone_2_type: phone.phone_2_type,
      // Spelled out in the literal (as in the other vendor's resident mapping): the same fields from a shared helper,
      // spread here, made the mapping slower, ten times slower when spread first (the object left V8's fast shapes).
      address_1: home.address_1,
      address_2: home.address_2,
      city: home.city,
      state: home.state,
      zip: home.zip,
      country: home.country,
      address_1_alternate: alternate.address_1,
      address_2_alternate: alternate.address_2,
      city_alternate: alternate.city,
      state_alternate: alternate.state,
      zip_alternate: alternate.zip,
      country_alternate: alternate.country,
    },
  };
}

/** A unit's x_id from its property and UnitID / UnitCode, or null when none is given. */
function unitOfProperty(xPropertyId: string, unitCode: unknown, field: string): string | null {
  const unit = optionalId(unitCode, field);
  return unit === null ? null : unitXId({ YardiPropertyId: xPropertyId, UnitID: unit });
}

/**
 * A `<ServiceRequest>` of GetServiceRequest_Search (docs/vendors/yardi.md; models.md §5): `StatusHistory/Status`
 * entries are its history (x_id: the request's id and the entry's place, since Yardi gives them none; an entry's
 * text, if any, its notes), and the time of its latest `Work Completed` entry is date_completed.
 */
function mapServiceRequest(r: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(r.ServiceRequestId, 'ServiceRequestId');
  const xPropertyId = optionalId(r.PropertyCode, 'PropertyCode') ?? requiredId(r.YardiPropertyId, 'YardiPropertyId');
  const xUnitId = unitOfProperty(xPropertyId, r.UnitCode, 'UnitCode');
  const statuses = asList(isObject(r.StatusHistory) ? r.StatusHistory.Status : undefined);
  const history = statuses.map((entry, i) => {
    if (!isObject(entry)) throw new MalformedRecordError(`StatusHistory.Status ${i + 1} is not an element`);
    return {
      x_id: `${xId}:${i + 1}`,
      x_created_at: yardiDate(entry['@TimeStamp'], 'StatusHistory.Status@TimeStamp'),
      notes: text(entry['#text']) ?? '',
      creator_name: null,
      status_raw: text(entry['@Type']),
    };
  });
  const completed = history.filter((h) => h.status_raw?.toLowerCase() === WORK_COMPLETED).pop();
  return {
    x_id: xId,
    values: {
      unit_number: text(r.UnitCode),
      access_is_authorized: lookupReported(
        ctx,
        'access_is_authorized',
        PERMISSION_TO_ENTER,
        text(r.HasPermissionToEnter),
        null,
        lowerCase,
      ),
      access_notes: text(r.AccessNotes),
      date_created: yardiDate(text(r.ServiceRequestDate), 'ServiceRequestDate'),
      date_completed: completed?.x_created_at ?? null,
      notes: text(r.ProblemDescriptionNotes),
      service_category: text(r.Category),
      service_description: text(r.ServiceRequestBriefDescription),
      service_details: text(r.ServiceRequestFullDescription),
      service_priority: text(r.Priority),
      status_raw: text(r.CurrentStatus),
      vendor_notes: text(r.TechnicianNotes),
      history,
      ...placement(ctx, xPropertyId, xUnitId),
    },
  };
}

/** What a charge and a payment share: ids, household, property, unit, amount and date of `Detail`. */
function ledgerValues(raw: Raw, ctx: MappingContext) {
  if (!isObject(raw.Detail)) throw new MalformedRecordError('Detail is not an element with children');
  const d: Raw = raw.Detail;
  const xId = requiredId(d.TransactionID, 'Detail.TransactionID');
  const xPropertyId =
    optionalId(d.PropertyPrimaryID, 'Detail.PropertyPrimaryID') ?? requiredId(raw.YardiPropertyId, 'YardiPropertyId');
  // The household is the lease, and its CustomerID its first person's resident id (the contract's CustomerID).
  const household = optionalId(d.CustomerID, 'Detail.CustomerID') ?? requiredId(raw.HouseholdID, 'HouseholdID');
  const xUnitId = unitOfProperty(xPropertyId, text(d.UnitID) ?? raw.HouseholdUnitID, 'Detail.UnitID');
  const amountRaw = text(d.Amount);
  return {
    xId,
    detail: d,
    values: {
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      x_lease_id: household,
      lease_id: ctx.ref('leases', household),
      x_resident_id: household,
      resident_id: ctx.ref('residents', household),
      x_unit_id: xUnitId,
      unit_id: ctx.ref('units', xUnitId),
      amount_in_cents: cents(amountRaw, 'Detail.Amount'),
      amount_raw: amountRaw,
      description: text(d.Description),
      transaction_date: yardiDate(text(d.TransactionDate), 'Detail.TransactionDate'),
      custom_data: customData({ comment: text(d.Comment) }),
      allocations: [],
    },
  };
}

/** A `Charge/Detail` (models.md §5): BalanceDue is what is open, AmountPaid what is paid; the ChargeCode names it. */
function mapCharge(raw: Raw, ctx: MappingContext): MappedRecord {
  const { xId, detail: d, values } = ledgerValues(raw, ctx);
  const openRaw = text(d.BalanceDue);
  const paidRaw = text(d.AmountPaid);
  const open = cents(openRaw, 'Detail.BalanceDue');
  const chargeCode = text(d.ChargeCode);
  const gl = text(d.GLAccountNumber);
  return {
    x_id: xId,
    values: {
      x_gl_account_id: gl,
      financial_account_id: gl,
      x_charge_code_id: chargeCode,
      charge_code_id: chargeCode,
      name: chargeCode,
      amount_open_in_cents: open,
      amount_open_raw: openRaw,
      amount_paid_in_cents: cents(paidRaw, 'Detail.AmountPaid'),
      amount_paid_raw: paidRaw,
      is_open: open === null ? null : open > 0,
      ...values,
    },
  };
}

/**
 * A `Payment[@Type]/Detail` (models.md §5): a reversal is a payment of negative amount, kept as sent, so a
 * household's charges less its payments is its balance.
 */
function mapPayment(raw: Raw, ctx: MappingContext): MappedRecord {
  const { xId, detail: d, values } = ledgerValues(raw, ctx);
  const method = text(raw['@Type']);
  return {
    x_id: xId,
    values: {
      payment_method_raw: method,
      payment_method_normalized: lookupReported(
        ctx,
        'payment_method_normalized',
        PAYMENT_METHOD,
        method,
        'OTHER',
        lowerCase,
      ),
      reference_number: text(d.DocumentNumber),
      name: text(d.PaidBy),
      ...values,
    },
  };
}

import type { EntrataModel } from './entrata.facts';
import { placement, type MappedLink, type MappedRecord, type MappingContext } from '../../normalise/canonical-record';
import { MalformedRecordError } from '../../normalise/malformed-record.error';
import {
  bathroomCounts,
  cents,
  email,
  idOrNull,
  integer,
  isObject,
  lookupReported,
  optionalId,
  phoneNumber,
  requiredId,
  text,
} from '../../normalise/normalise';
import {
  APPLICANT_ONLY,
  APPLICANT_STATUS,
  LEASE_ID_IS_APPLICATION,
  LEASE_STATUS,
  LISTED_UNDER_PROPERTY,
  PAYMENT_METHOD,
  PHONE_TYPE,
  PROPERTY_TYPE,
  RESIDENT_TYPE,
  RESOLVED,
} from './entrata.facts';
import { asArray, decimal, entrataDate, flag, liftAttributes, listOf } from './entrata.quirks';

type Raw = Record<string, any>;

/** The vendor's id field of each model's record (casing differs between methods). */
export const ID_FIELD: Record<EntrataModel, string> = {
  properties: 'PropertyID',
  units: 'id',
  leases: 'id',
  residents: 'Id',
  service_requests: 'maintenanceRequestId',
  resident_charges: 'id',
  resident_payments: 'ArPaymentId',
};

/**
 * Entrata records (docs/vendors/entrata.md), as sent or as the client yields them -> Propexo's canonical
 * fields; null for an Applicant lease interval (an application) and a customer on Applicant leases only.
 */
export function mapEntrataRecord(model: EntrataModel, raw: unknown, ctx: MappingContext): MappedRecord | null {
  const record = liftAttributes(raw);
  if (!isObject(record)) throw new MalformedRecordError('record is not an object');
  switch (model) {
    case 'properties':
      return mapProperty(record, ctx);
    case 'units':
      return mapUnit(record, ctx);
    case 'leases':
      return mapLease(record, ctx);
    case 'residents':
      return mapCustomer(record, ctx);
    case 'service_requests':
      return mapWorkOrder(record, ctx);
    case 'resident_charges':
      return mapLedgerCharge(record, ctx);
    case 'resident_payments':
      return mapArPayment(record, ctx);
  }
}

export function entrataVendorId(model: EntrataModel, raw: unknown): string | null {
  const record = liftAttributes(raw) as Raw | null;
  const id = idOrNull(record?.[ID_FIELD[model]]);
  return id !== null && model === 'resident_payments' && record?.[RESOLVED.reversal] === true ? reversalId(id) : id;
}

/** A Reversed payment's reversal, kept beside it: Entrata gives it no id of its own. */
const reversalId = (arPaymentId: string) => `${arPaymentId}-reversal`;

function mapProperty(p: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(p.PropertyID, 'PropertyID');
  const address = p.Address && typeof p.Address === 'object' ? (p.Address as Raw) : {};
  const street = text(address.Address);
  const disabled = flag(p.IsDisabled, 'IsDisabled');
  const type = text(p.Type);
  return {
    x_id: xId,
    values: {
      property_id: ctx.ref('properties', xId),
      x_property_id: xId,
      name: text(p.MarketingName),
      is_active: disabled === null ? null : !disabled,
      address_1: street,
      street_address_1: street,
      city: text(address.City),
      state: text(address.State),
      zip: text(address.PostalCode),
      type,
      type_raw: type,
      type_normalized: lookupReported(ctx, 'type_normalized', PROPERTY_TYPE, type, 'OTHER'),
    },
  };
}

function mapUnit(u: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(u.id, 'id');
  const xPropertyId = requiredId(u[LISTED_UNDER_PROPERTY], LISTED_UNDER_PROPERTY);
  const bedrooms = integer(u.bedrooms, 'bedrooms');
  const baths = decimal(u.bathrooms, 'bathrooms');
  const vacant = flag(u.isVacant, 'isVacant');
  return {
    x_id: xId,
    values: {
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      x_unit_type_id: optionalId(u.unitTypeId, 'unitTypeId'),
      number: text(u.unitNumber),
      bedrooms: bedrooms === null ? null : String(bedrooms),
      bathrooms: baths === null ? null : String(baths),
      square_feet: integer(u.squareFeet, 'squareFeet'),
      rent_amount_market_in_cents: cents(u.marketRent, 'marketRent'),
      is_vacant: vacant,
      ...bathroomCounts(baths),
    },
  };
}

function mapLease(l: Raw, ctx: MappingContext): MappedRecord | null {
  const xId = requiredId(l.id, 'id');
  const xPropertyId = requiredId(l[LISTED_UNDER_PROPERTY], LISTED_UNDER_PROPERTY);
  const xUnitId = optionalId(l.unitId, 'unitId');
  const status = text(l.leaseIntervalStatus);
  if (status === APPLICANT_STATUS) return null;
  const normalized = lookupReported(ctx, 'status_normalized', LEASE_STATUS, status, 'OTHER');
  const moveIn = entrataDate(l.moveInDate, 'moveInDate');
  const moveOut = entrataDate(l.moveOutDate, 'moveOutDate');
  const notice = entrataDate(l.noticeDate, 'noticeDate');
  const customers = listOf(l.customers, 'customer') as Raw[];
  const links: MappedLink[] = customers.map((c) => {
    const type = text(c?.customerType);
    return {
      x_resident_id: requiredId(c?.id, 'customers.customer[].id'),
      x_resident_type: type,
      resident_type_normalized: lookupReported(ctx, 'resident_type_normalized', RESIDENT_TYPE, type, 'OTHER'),
      // Entrata dates a lease's move-in, move-out and notice, which hold for each of its customers.
      move_in_date: moveIn,
      move_out_date: moveOut,
      notice_date: notice,
    };
  });
  const primary = customers.find((c) => c?.customerType === 'Primary') ?? customers[0];
  // Before the lease starts its move dates are plans; once it has, they happened (or, for move-out, are planned until it ends).
  const pending = normalized === 'PENDING';
  const ended = normalized === 'INACTIVE';
  return {
    x_id: xId,
    values: {
      x_resident_id: primary ? requiredId(primary.id, 'customers.customer[].id') : null,
      start_date: entrataDate(l.startDate, 'startDate'),
      end_date: entrataDate(l.endDate, 'endDate'),
      scheduled_move_in_date: pending ? moveIn : null,
      realized_move_in_date: pending ? null : moveIn,
      scheduled_move_out_date: ended ? null : moveOut,
      realized_move_out_date: ended ? moveOut : null,
      status,
      status_raw: status,
      status_normalized: normalized,
      rent_amount_in_cents: cents(l.rent, 'rent'),
      ...placement(ctx, xPropertyId, xUnitId),
    },
    links,
  };
}

/** A customer, placed by the property it was listed under (getCustomers is asked per property), whatever its leases. */
function mapCustomer(c: Raw, ctx: MappingContext): MappedRecord | null {
  const xId = requiredId(c.Id, 'Id');
  if (c[APPLICANT_ONLY] === true) return null;
  const phones = (asArray(c.Phone) as Raw[]).filter((p) => p && typeof p === 'object' && text(p.PhoneNumber) !== null);
  // Customers carry a street line; an address element is read field by field.
  const address = c.Address && typeof c.Address === 'object' ? (c.Address as Raw) : { Address: c.Address };
  const xPropertyId = requiredId(c[LISTED_UNDER_PROPERTY], LISTED_UNDER_PROPERTY);
  const xLeaseId = optionalId(c.LeaseId, 'LeaseId');
  return {
    x_id: xId,
    // A customer names its lease without the link's details (those are on the lease's customers list). A LeaseId
    // that is an application names no lease (the customer is on a lease's list, or it would be an applicant).
    linkedTo: xLeaseId === null || c[LEASE_ID_IS_APPLICATION] === true ? undefined : [xLeaseId],
    values: {
      first_name: text(c.FirstName),
      middle_name: text(c.MiddleName),
      last_name: text(c.LastName),
      email_1: email(c.Email),
      phone_1: phoneNumber(phones[0]?.PhoneNumber),
      phone_1_type: phones[0]
        ? lookupReported(ctx, 'phone_1_type', PHONE_TYPE, text(phones[0].PhoneType), 'OTHER')
        : null,
      phone_2: phoneNumber(phones[1]?.PhoneNumber),
      phone_2_type: phones[1]
        ? lookupReported(ctx, 'phone_2_type', PHONE_TYPE, text(phones[1].PhoneType), 'OTHER')
        : null,
      address_1: text(address.Address),
      city: text(address.City),
      state: text(address.State),
      zip: text(address.PostalCode),
      date_of_birth: entrataDate(c.DateOfBirth, 'DateOfBirth'),
      x_lease_id: xLeaseId,
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
    },
  };
}

/**
 * A work order (entrata.md, Service requests; models.md §5). Deleted ones (isDeleted 1) are not service requests
 * any more. `assignedTo` is a name only: employee_id and the employee's x_id are the CompanyEmployee id the pick
 * lists give that name (resolved by the client); a name they do not list has no id, so employee_id is null and
 * the employee's x_id is the name, the only key Entrata gives.
 */
function mapWorkOrder(w: Raw, ctx: MappingContext): MappedRecord | null {
  const xId = requiredId(w.maintenanceRequestId, 'maintenanceRequestId');
  const xPropertyId = requiredId(w[LISTED_UNDER_PROPERTY], LISTED_UNDER_PROPERTY);
  if (flag(w.isDeleted, 'isDeleted') === true) return null;
  const xUnitId = optionalId(w[RESOLVED.unitId], RESOLVED.unitId);
  const assignee = text(w.assignedTo);
  const employeeId = assignee === null ? null : optionalId(w[RESOLVED.employeeId], RESOLVED.employeeId);
  return {
    x_id: xId,
    values: {
      access_is_authorized: flag(w.permissionToEnter, 'permissionToEnter'),
      building: text(w.buildingName),
      date_created: entrataDate(w.createdOn, 'createdOn'),
      date_due: entrataDate(w.dueDate, 'dueDate'),
      date_scheduled: entrataDate(w.scheduledStartDate, 'scheduledStartDate'),
      service_category: text(w.maintenanceCategoryName),
      service_description: text(w.maintenanceProblem),
      service_details: text(w.maintenanceDescription),
      service_priority: text(w.maintenancePriority),
      status_raw: text(w.maintenanceStatus),
      unit_number: text(w.unitNumber),
      employee_id: employeeId,
      employees: assignee === null ? [] : [{ x_id: employeeId ?? assignee, name: assignee }],
      ...placement(ctx, xPropertyId, xUnitId),
    },
  };
}

/** The ledger row's own ids and where it belongs (the lease, its first customer and unit, as the client resolved them). */
function ledgerPlace(r: Raw, ctx: MappingContext) {
  const xPropertyId = requiredId(r[LISTED_UNDER_PROPERTY], LISTED_UNDER_PROPERTY);
  const xLeaseId = optionalId(r[RESOLVED.leaseId], RESOLVED.leaseId);
  const xResidentId = optionalId(r[RESOLVED.customerId] ?? r.CustomerId, 'CustomerId');
  const xUnitId = optionalId(r[RESOLVED.unitId], RESOLVED.unitId);
  return {
    x_property_id: xPropertyId,
    property_id: ctx.ref('properties', xPropertyId),
    x_lease_id: xLeaseId,
    lease_id: ctx.ref('leases', xLeaseId),
    x_resident_id: xResidentId,
    resident_id: ctx.ref('residents', xResidentId),
    x_unit_id: xUnitId,
    unit_id: ctx.ref('units', xUnitId),
  };
}

/** Entrata's post month MM/YYYY as YYYY-MM. */
export function postMonth(value: unknown, field: string): string | null {
  const month = text(value);
  if (month === null) return null;
  const parts = /^(\d{1,2})\/(\d{4})$/.exec(month);
  const mm = parts ? Number(parts[1]) : NaN;
  if (!parts || !(mm >= 1 && mm <= 12)) throw new MalformedRecordError(`${field}: "${month}" is not a month (MM/YYYY)`);
  const yyyy = parts[2];
  return `${yyyy}-${String(mm).padStart(2, '0')}`;
}

/**
 * A ledger row that is a charge (transactionTypeId 1) or a credit (3, a negative amount that stays negative). Its
 * allocations are on the payments that pay it (Entrata sends them with the payment, decision 2).
 */
function mapLedgerCharge(r: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(r.id, 'id');
  const open = cents(r.balanceDue, 'balanceDue');
  const chargeCode = optionalId(r.arCodeId, 'arCodeId');
  return {
    x_id: xId,
    values: {
      x_charge_code_id: chargeCode,
      charge_code_id: chargeCode,
      name: text(r.arCodeName),
      amount_in_cents: cents(r.amount, 'amount'),
      amount_raw: text(r.amount),
      amount_open_in_cents: open,
      amount_open_raw: text(r.balanceDue),
      amount_paid_in_cents: cents(r.amountPaid, 'amountPaid'),
      amount_paid_raw: text(r.amountPaid),
      is_open: open === null ? null : open > 0,
      description: text(r.description),
      transaction_date: entrataDate(r.transactionDate, 'transactionDate'),
      post_month: postMonth(r.postMonth, 'postMonth'),
      ...ledgerPlace(r, ctx),
    },
  };
}

/**
 * An ArPayment. Its property is the one named by PropertyName and its lease its customer's (both resolved by the
 * client). A Reversed payment is listed twice (decision 3): as itself, and as its reversal (x_id
 * `<ArPaymentId>-reversal`, dated ReturnedOn, the amount negated, no allocations), so the two cancel out.
 * Allocations have no id in Entrata: each is keyed `<ArPaymentId>:<ArTransactionId>`.
 */
function mapArPayment(p: Raw, ctx: MappingContext): MappedRecord {
  const paymentXId = requiredId(p.ArPaymentId, 'ArPaymentId');
  const reversal = p[RESOLVED.reversal] === true;
  const amount = cents(p.PaymentAmount, 'PaymentAmount');
  const method = text(p.PaymentType);
  const allocations = reversal
    ? []
    : listOf(p.ArAllocations, 'ArAllocation').map((raw, i) => {
        const a = liftAttributes(raw);
        if (!isObject(a)) throw new MalformedRecordError(`ArAllocations.ArAllocation[${i}] is not an object`);
        const chargeXId = requiredId(a.ArTransactionId, 'ArAllocations.ArAllocation[].ArTransactionId');
        return {
          x_id: `${paymentXId}:${chargeXId}`,
          x_source_id: paymentXId,
          x_destination_id: chargeXId,
          amount_in_cents: cents(a.Amount, 'ArAllocations.ArAllocation[].Amount'),
          amount_raw: text(a.Amount),
          financial_account_id: null,
          custom_data: null,
          resident_charge_id: ctx.ref('resident_charges', chargeXId),
          resident_payment_id: ctx.ref('resident_payments', paymentXId),
        };
      });
  return {
    x_id: reversal ? reversalId(paymentXId) : paymentXId,
    values: {
      payment_method_raw: method,
      payment_method_normalized: lookupReported(ctx, 'payment_method_normalized', PAYMENT_METHOD, method, 'OTHER'),
      amount_in_cents: amount === null || !reversal ? amount : -amount,
      amount_raw: text(p.PaymentAmount),
      transaction_date: entrataDate(reversal ? p.ReturnedOn : p.PaymentDate, reversal ? 'ReturnedOn' : 'PaymentDate'),
      custom_data: reversal
        ? { reverses_payment_id: paymentXId }
        : { payment_status: text(p.PaymentStatus), captured_on: entrataDate(p.CapturedOn, 'CapturedOn') },
      allocations,
      ...ledgerPlace(p, ctx),
    },
  };
}

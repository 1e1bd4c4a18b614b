import type { AppfolioModel } from './appfolio.facts';
import { placement, type MappedLink, type MappedRecord, type MappingContext } from '../../normalise/canonical-record';
import { MalformedRecordError } from '../../normalise/malformed-record.error';
import {
  bathroomCounts,
  bool,
  cents,
  email,
  integer,
  isObject,
  isoDate,
  lookup,
  lookupReported,
  optionalId,
  phoneNumber,
  requiredId,
  text,
} from '../../normalise/normalise';
import {
  LAST_NOTE_FIELD,
  LEASE_STATUS,
  LEDGER_ROW_TYPES,
  OCCUPANCY_FIELDS,
  OCCUPANCY_PROPERTY_FIELD,
  PAYMENT_METHOD,
  PHONE_LABEL,
  PROPERTY_TYPE,
  RESIDENT_TYPE,
  TENANT_OWN_PROPERTY_FIELD,
  TENANT_TYPES_FIELD,
  UNIT_NAME_FIELD,
  UNIT_STATUS,
} from './appfolio.facts';

type Raw = Record<string, any>;

/**
 * AppFolio report rows and v0 records (docs/vendors/appfolio.md), residents hydrated by the lookup, work orders
 * with their newest note -> Propexo's canonical fields.
 */
export function mapAppfolioRecord(model: AppfolioModel, raw: unknown, ctx: MappingContext): MappedRecord {
  if (!isObject(raw)) throw new MalformedRecordError('record is not an object');
  switch (model) {
    case 'properties':
      return mapProperty(raw, ctx);
    case 'units':
      return mapUnit(raw, ctx);
    case 'leases':
      return mapOccupancy(raw, ctx);
    case 'residents':
      return mapTenant(raw, ctx);
    case 'service_requests':
      return mapWorkOrder(raw, ctx);
    case 'resident_charges':
      return mapLedgerCharge(raw, ctx);
    case 'resident_payments':
      return mapLedgerPayment(raw, ctx);
  }
}

/**
 * A v0 work order (models.md §5, APPFOLIO column). Users and vendors are not models of ours: their AppFolio ids
 * (models.md §2); a user list names no one, so an employee's name is null. AppFolio keeps no status history.
 */
function mapWorkOrder(w: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(w.Id, 'Id');
  const xPropertyId = requiredId(w.PropertyId, 'PropertyId');
  const xUnitId = optionalId(w.UnitId, 'UnitId');
  const users = list(w.AssignedUsers, 'AssignedUsers').map((user, i) => requiredId(user, `AssignedUsers[${i}]`));
  const vendorId = optionalId(w.VendorId, 'VendorId');
  return {
    x_id: xId,
    values: {
      x_property_id: xPropertyId,
      x_unit_id: xUnitId,
      access_is_authorized: bool(w.PermissionToEnter, 'PermissionToEnter'),
      date_completed: isoDate(w.CompletedOn, 'CompletedOn'),
      date_created: isoDate(w.CreatedAt, 'CreatedAt'),
      date_scheduled: isoDate(w.ScheduledStart, 'ScheduledStart'),
      notes: text(w[LAST_NOTE_FIELD]),
      service_category: text(w.WorkOrderType),
      service_description: text(w.JobDescription),
      service_details: text(w.ServiceRequestDescription),
      service_priority: text(w.Priority),
      status_raw: text(w.Status),
      vendor_notes: text(w.Instructions),
      unit_number: text(w[UNIT_NAME_FIELD]),
      order_number: text(w.WorkOrderNumber),
      property_id: ctx.ref('properties', xPropertyId),
      unit_id: ctx.ref('units', xUnitId),
      employee_id: users[0] ?? null,
      vendors: vendorId === null ? [] : [{ vendor_id: vendorId }],
      history: [],
      employees: users.map((user) => ({ x_id: user, name: null })),
    },
  };
}

/** A ledger row's Type and its signed amount (LEDGER_ROW_TYPES): a row of another model's Type is no record here. */
function ledgerAmount(r: Raw, model: 'resident_charges' | 'resident_payments'): number | null {
  const type = LEDGER_ROW_TYPES[text(r.Type) ?? ''];
  if (!type || type.model !== model)
    throw new MalformedRecordError(
      `Type: ${JSON.stringify(r.Type)} is not a ${model === 'resident_charges' ? 'charge (Charge, Credit)' : 'payment (Payment, Adjustment)'} row of the tenant ledger`,
    );
  const amount = cents(r.Amount, 'Amount');
  return amount === null ? null : amount * type.sign || 0;
}

/** The ids, date and texts every ledger row has (models.md §5, APPFOLIO ledger row). */
function ledgerRow(r: Raw, ctx: MappingContext): { xId: string; values: Record<string, unknown> } {
  const xId = requiredId(r.Id, 'Id');
  const xPropertyId = requiredId(r.PropertyId, 'PropertyId');
  const xLeaseId = optionalId(r.OccupancyId, 'OccupancyId');
  const xUnitId = optionalId(r.UnitId, 'UnitId');
  const xGlAccountId = optionalId(r.GlAccountId, 'GlAccountId');
  return {
    xId,
    values: {
      x_property_id: xPropertyId,
      x_gl_account_id: xGlAccountId,
      x_lease_id: xLeaseId,
      x_unit_id: xUnitId,
      amount_raw: text(r.Amount),
      description: text(r.Description),
      reference_number: text(r.Reference),
      transaction_date: isoDate(r.PostedOn, 'PostedOn'),
      // Amounts come positive with the sign in Type: the Type says which sign the amount took here.
      custom_data: { Type: text(r.Type) },
      property_id: ctx.ref('properties', xPropertyId),
      financial_account_id: xGlAccountId,
      unit_id: ctx.ref('units', xUnitId),
      lease_id: ctx.ref('leases', xLeaseId),
    },
  };
}

/** A Charge row (AmountDue: what is still open) or a Credit (a negative charge; nothing open). */
function mapLedgerCharge(r: Raw, ctx: MappingContext): MappedRecord {
  const amount = ledgerAmount(r, 'resident_charges');
  const { xId, values } = ledgerRow(r, ctx);
  const open = cents(r.AmountDue, 'AmountDue');
  return {
    x_id: xId,
    values: {
      amount_in_cents: amount,
      amount_open_in_cents: open,
      amount_open_raw: text(r.AmountDue),
      is_open: open === null ? null : open > 0,
      allocations: [],
      ...values,
    },
  };
}

/**
 * A Payment row with its allocations (`AppliedTo[] {ChargeId, Amount}`, which carry no id of their own: the
 * payment's and the charge's make one), or an Adjustment (a reversal: a negative payment).
 */
function mapLedgerPayment(r: Raw, ctx: MappingContext): MappedRecord {
  const amount = ledgerAmount(r, 'resident_payments');
  const { xId, values } = ledgerRow(r, ctx);
  const method = text(r.PaymentType);
  const allocations = list(r.AppliedTo, 'AppliedTo').map((applied, i) => {
    if (!isObject(applied)) throw new MalformedRecordError(`AppliedTo[${i}] is not an object`);
    const chargeId = requiredId(applied.ChargeId, `AppliedTo[${i}].ChargeId`);
    return {
      x_id: `${xId}-${chargeId}`,
      x_source_id: xId,
      x_destination_id: chargeId,
      amount_in_cents: cents(applied.Amount, `AppliedTo[${i}].Amount`),
      amount_raw: text(applied.Amount),
      financial_account_id: null,
      custom_data: null,
      resident_charge_id: ctx.ref('resident_charges', chargeId),
      resident_payment_id: ctx.ref('resident_payments', xId),
    };
  });
  return {
    x_id: xId,
    values: {
      payment_method_raw: method,
      payment_method_normalized: lookupReported(ctx, 'payment_method_normalized', PAYMENT_METHOD, method, 'OTHER'),
      amount_in_cents: amount,
      allocations,
      ...values,
    },
  };
}

/**
 * rent_roll `tenant_ids`: a list of ids, sent as an array or as one comma-separated cell. Null when the
 * value is neither (the row is malformed); an empty list when the occupancy has no tenants.
 */
export function parseTenantIds(value: unknown): string[] | null {
  if (value === null || value === undefined || value === '') return [];
  const items = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',')
      : typeof value === 'number'
        ? [value]
        : null;
  if (items === null) return null;
  const ids: string[] = [];
  for (const item of items) {
    if (typeof item === 'number' && Number.isInteger(item)) ids.push(String(item));
    else if (typeof item === 'string' && item.trim() !== '') ids.push(item.trim());
    else if (typeof item !== 'string') return null; // blank cells between commas are skipped; anything else is no id
  }
  return ids;
}

function mapProperty(p: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(p.property_id, 'property_id');
  const street = text(p.property_address);
  const typeRaw = text(p.property_type);
  return {
    x_id: xId,
    values: {
      property_id: ctx.ref('properties', xId),
      x_property_id: xId,
      name: text(p.property_name),
      street_address_1: street,
      address_1: street,
      city: text(p.property_city),
      state: text(p.property_state),
      zip: text(p.property_zip),
      type: typeRaw,
      type_raw: typeRaw,
      type_normalized: lookupReported(ctx, 'type_normalized', PROPERTY_TYPE, typeRaw, 'OTHER'),
      number_of_units: integer(p.units, 'units'),
    },
  };
}

function mapUnit(u: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(u.unit_id, 'unit_id');
  const xPropertyId = requiredId(u.property_id, 'property_id');
  const bathrooms = text(u.bathrooms);
  const baths = bathrooms === null ? null : Number(bathrooms);
  if (baths !== null && !(Number.isFinite(baths) && baths >= 0))
    throw new MalformedRecordError(`bathrooms: "${bathrooms}" is not a number`);
  const statusRaw = text(u.unit_status);
  const status = lookupReported(ctx, 'is_vacant', UNIT_STATUS, statusRaw);
  return {
    x_id: xId,
    values: {
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      number: text(u.unit_name),
      bedrooms: text(u.bedrooms),
      bathrooms,
      square_feet: integer(u.sqft, 'sqft'),
      rent_amount_market_in_cents: cents(u.market_rent, 'market_rent'),
      is_vacant: status?.vacant ?? null,
      is_available: status?.available ?? null,
      // The canonical unit has no status field; the vendor's word is kept rather than lost.
      custom_data: statusRaw === null ? null : { unit_status: statusRaw },
      ...bathroomCounts(baths),
    },
  };
}

function mapOccupancy(o: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(o.occupancy_id, 'occupancy_id');
  const xPropertyId = requiredId(o.property_id, 'property_id');
  const xUnitId = optionalId(o.unit_id, 'unit_id');
  const tenantIds = parseTenantIds(o.tenant_ids);
  if (tenantIds === null)
    throw new MalformedRecordError(`tenant_ids: ${JSON.stringify(o.tenant_ids)} is not a list of ids`);
  const types = (o[TENANT_TYPES_FIELD] ?? {}) as Record<string, unknown>;
  const status = text(o.status);
  const normalized = lookupReported(ctx, 'status_normalized', LEASE_STATUS, status, 'OTHER');
  const moveIn = isoDate(o.move_in, 'move_in');
  const moveOut = isoDate(o.move_out, 'move_out');
  // A lease not yet begun has only a planned move-in; one still running has only a planned move-out.
  const moveInPlanned = normalized === 'PENDING';
  const moveOutPlanned = normalized === 'ACTIVE' || normalized === 'PENDING' || normalized === 'EVICTED';
  const tenantType = (type: string | null) =>
    lookupReported(ctx, 'resident_type_normalized', RESIDENT_TYPE, type, 'OTHER');
  const links: MappedLink[] = tenantIds.map((xResidentId) => ({
    x_resident_id: xResidentId,
    ...occupancyLink(types[xResidentId], o.move_in, o.move_out, '', tenantType),
  }));
  const primary = links.find((l) => l.resident_type_normalized === 'PRIMARY') ?? links[0];
  return {
    x_id: xId,
    values: {
      x_resident_id: primary?.x_resident_id ?? null,
      start_date: isoDate(o.lease_from, 'lease_from'),
      end_date: isoDate(o.lease_to, 'lease_to'),
      scheduled_move_in_date: moveInPlanned ? moveIn : null,
      realized_move_in_date: moveInPlanned ? null : moveIn,
      scheduled_move_out_date: moveOutPlanned ? moveOut : null,
      realized_move_out_date: moveOutPlanned ? null : moveOut,
      status,
      status_raw: status,
      status_normalized: normalized,
      rent_amount_in_cents: cents(o.rent, 'rent'),
      deposit_amount: text(o.deposit),
      deposit_amount_in_cents: cents(o.deposit, 'deposit'),
      ...placement(ctx, xPropertyId, xUnitId),
    },
    links,
  };
}

/**
 * A tenant's link to its occupancy: its tenant_type and the occupancy's move dates. The same from the
 * occupancy (rent_roll with tenant_directory's types) and from the tenant (tenant_directory with rent_roll's dates);
 * `normalize` looks the tenant_type up in RESIDENT_TYPE.
 */
function occupancyLink(
  tenantType: unknown,
  moveIn: unknown,
  moveOut: unknown,
  fieldPrefix: string,
  normalize: (type: string | null) => string | null,
): MappedLink {
  const type = text(tenantType);
  return {
    x_resident_type: type,
    resident_type_normalized: normalize(type),
    move_in_date: isoDate(moveIn, `${fieldPrefix}move_in`),
    move_out_date: isoDate(moveOut, `${fieldPrefix}move_out`),
  };
}

function mapTenant(t: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(t.tenant_id, 'tenant_id');
  const emails = list(t.Emails, 'Emails')
    .map((e) => email(e))
    .filter((e): e is string => e !== null);
  const phones = list(t.PhoneNumbers, 'PhoneNumbers').filter((p) => text((p as Raw | null)?.Number) !== null) as Raw[];
  const status = text(t.status);
  const tenantType = text(t.tenant_type);
  const xLeaseId = optionalId(t.occupancy_id, 'occupancy_id');
  const xPropertyId = tenantProperty(t, xLeaseId);
  // A tenant is on one occupancy: its link, when rent_roll has that occupancy (the client adds its fields). An
  // unknown tenant_type is reported by the occupancy's mapping, once per link.
  const onRentRoll = xLeaseId !== null && OCCUPANCY_PROPERTY_FIELD in t;
  const links: MappedLink[] = onRentRoll
    ? [
        {
          x_lease_id: xLeaseId,
          ...occupancyLink(
            tenantType,
            t[OCCUPANCY_FIELDS.move_in],
            t[OCCUPANCY_FIELDS.move_out],
            'occupancy_',
            (type) => lookup(RESIDENT_TYPE, type, 'OTHER'),
          ),
        },
      ]
    : [];
  return {
    x_id: xId,
    links,
    values: {
      x_lease_id: xLeaseId,
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      first_name: text(t.first_name),
      last_name: text(t.last_name),
      email_1: emails[0] ?? null,
      email_2: emails[1] ?? null,
      phone_1: phoneNumber(phones[0]?.Number),
      phone_1_type: phones[0] ? lookupReported(ctx, 'phone_1_type', PHONE_LABEL, phones[0].Label, 'OTHER') : null,
      phone_2: phoneNumber(phones[1]?.Number),
      phone_2_type: phones[1] ? lookupReported(ctx, 'phone_2_type', PHONE_LABEL, phones[1].Label, 'OTHER') : null,
      date_of_birth: isoDate(t.DateOfBirth, 'DateOfBirth'),
      // The canonical resident has neither field; the vendor's words are kept rather than lost.
      custom_data: status === null && tenantType === null ? null : { status, tenant_type: tenantType },
    },
  };
}

/**
 * The tenant's property: its row's own property_id where a server sends one, else its occupancy's on the rent
 * roll (the client's OCCUPANCY_PROPERTY_FIELD). A tenant whose occupancy is not on the rent roll (a past
 * tenant's) has no property the contract gives, and a resident needs one.
 */
function tenantProperty(t: Raw, xLeaseId: string | null): string {
  const xPropertyId =
    optionalId(t[TENANT_OWN_PROPERTY_FIELD], TENANT_OWN_PROPERTY_FIELD) ??
    optionalId(t[OCCUPANCY_PROPERTY_FIELD], OCCUPANCY_PROPERTY_FIELD);
  if (xPropertyId !== null) return xPropertyId;
  throw new MalformedRecordError(
    xLeaseId === null
      ? "the tenant has no occupancy_id: AppFolio's tenant_directory names no property, only the occupancy, so the resident has no property"
      : `the tenant's occupancy ${xLeaseId} is not on the rent roll (a past tenant's): AppFolio's tenant_directory names no property, only the occupancy, so the resident has no property`,
  );
}

function list(value: unknown, field: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new MalformedRecordError(`${field}: expected a list, got ${typeof value}`);
  return value;
}

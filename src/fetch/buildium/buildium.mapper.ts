import type { BuildiumModel } from './buildium.facts';
import { placement, type MappedLink, type MappedRecord, type MappingContext } from '../../normalise/canonical-record';
import { MalformedRecordError } from '../../normalise/malformed-record.error';
import {
  bathroomCounts,
  bool,
  cents,
  email,
  integer,
  isoDate,
  lookupReported,
  optionalId,
  phoneNumber,
  requiredId,
  text,
} from '../../normalise/normalise';
import {
  BATHROOMS,
  BEDROOMS,
  COUNTRY,
  LEASE_STATUS,
  PAYMENT_METHOD,
  PHONE_TYPE,
  PROPERTY_TYPE,
  REVERSAL_TYPES,
} from './buildium.facts';

type Raw = Record<string, any>;

/** Buildium messages (docs/reference/buildium-openapi.json) -> Propexo's canonical fields. */
export function mapBuildiumRecord(model: BuildiumModel, raw: unknown, ctx: MappingContext): MappedRecord {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new MalformedRecordError('record is not an object');
  switch (model) {
    case 'properties':
      return mapRental(raw, ctx);
    case 'units':
      return mapUnit(raw, ctx);
    case 'leases':
      return mapLease(raw, ctx);
    case 'residents':
      return mapTenant(raw, ctx);
    case 'service_requests':
      return mapResidentRequest(raw, ctx);
    case 'resident_charges':
      return mapLedgerTransaction(raw, ctx, false);
    case 'resident_payments':
      return mapLedgerTransaction(raw, ctx, true);
  }
}

/** A Buildium address as Propexo's address fields (a model with a second address names its own with a suffix). */
function address(a: Raw | null | undefined) {
  const line2 = text(a?.AddressLine2);
  const line3 = text(a?.AddressLine3);
  return {
    address_1: text(a?.AddressLine1),
    address_2: line2 !== null && line3 !== null ? `${line2}, ${line3}` : (line2 ?? line3),
    city: text(a?.City),
    state: text(a?.State),
    zip: text(a?.PostalCode),
    country: a?.Country ? (COUNTRY[a.Country] ?? text(a.Country)) : null,
  };
}

/** The first two phone numbers given, with their types; `typeFields` name the canonical fields unknown types report under. */
function phones(list: unknown, typeFields: readonly [string, string], ctx: MappingContext) {
  const numbers = Array.isArray(list) ? (list as Raw[]).filter((p) => text(p?.Number) !== null) : [];
  const [first, second] = numbers;
  return {
    number_1: phoneNumber(first?.Number),
    type_1: first ? lookupReported(ctx, typeFields[0], PHONE_TYPE, first.Type, 'OTHER') : null,
    number_2: phoneNumber(second?.Number),
    type_2: second ? lookupReported(ctx, typeFields[1], PHONE_TYPE, second.Type, 'OTHER') : null,
  };
}

function mapRental(r: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(r.Id, 'Id');
  const a = address(r.Address);
  const manager = r.RentalManager as Raw | null | undefined;
  const managerName = manager
    ? [text(manager.FirstName), text(manager.LastName)].filter(Boolean).join(' ') || text(manager.CompanyName)
    : null;
  const managerPhones = phones(manager?.PhoneNumbers, ['manager_phone_1_type', 'manager_phone_2_type'], ctx);
  const typeRaw = text(r.RentalSubType) ?? text(r.RentalType);
  return {
    x_id: xId,
    values: {
      property_id: ctx.ref('properties', xId),
      x_property_id: xId,
      name: text(r.Name),
      is_active: bool(r.IsActive, 'IsActive'),
      number_of_units: integer(r.NumberUnits, 'NumberUnits'),
      year_built: integer(r.YearBuilt, 'YearBuilt'),
      long_description: text(r.StructureDescription),
      street_address_1: a.address_1,
      street_address_2: a.address_2,
      address_1: a.address_1,
      address_2: a.address_2,
      city: a.city,
      state: a.state,
      zip: a.zip,
      country: a.country,
      type: typeRaw,
      type_raw: typeRaw,
      type_normalized: lookupReported(ctx, 'type_normalized', PROPERTY_TYPE, typeRaw, 'OTHER'),
      manager_name: managerName,
      manager_email: email(manager?.Email),
      manager_phone_1: managerPhones.number_1,
      manager_phone_1_type: managerPhones.type_1,
      manager_phone_2: managerPhones.number_2,
      manager_phone_2_type: managerPhones.type_2,
    },
  };
}

function mapUnit(u: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(u.Id, 'Id');
  const xPropertyId = requiredId(u.PropertyId, 'PropertyId');
  const a = address(u.Address);
  const baths = u.UnitBathrooms == null ? null : (BATHROOMS[u.UnitBathrooms] ?? null);
  const occupied = bool(u.IsUnitOccupied, 'IsUnitOccupied');
  return {
    x_id: xId,
    values: {
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      building_name: text(u.BuildingName),
      number: text(u.UnitNumber),
      bedrooms: u.UnitBedrooms == null ? null : (BEDROOMS[u.UnitBedrooms] ?? text(u.UnitBedrooms)),
      bathrooms: baths === null ? text(u.UnitBathrooms === 'NotSet' ? null : u.UnitBathrooms) : String(baths),
      square_feet: integer(u.UnitSize, 'UnitSize'),
      rent_amount_market_in_cents: cents(u.MarketRent, 'MarketRent'),
      is_listed: bool(u.IsUnitListed, 'IsUnitListed'),
      is_vacant: occupied === null ? null : !occupied,
      street_address_1: a.address_1,
      street_address_2: a.address_2,
      address_1: a.address_1,
      address_2: a.address_2,
      city: a.city,
      state: a.state,
      zip: a.zip,
      country: a.country,
      ...bathroomCounts(baths),
    },
  };
}

/** MoveOutData of a LeaseMessage by tenant id. */
function moveOutsOf(l: Raw): Map<string, Raw> {
  const moveOuts = new Map<string, Raw>();
  for (const m of Array.isArray(l.MoveOutData) ? (l.MoveOutData as Raw[]) : []) {
    if (m?.TenantId != null) moveOuts.set(String(m.TenantId), m);
  }
  return moveOuts;
}

/**
 * The link of a LeaseMessage's `Tenants` entry (with its `MoveOutData`): from the lease itself, and from a
 * tenant's `Leases` entry, which embeds the whole LeaseMessage.
 */
function tenantLink(t: Raw, moveOut: Raw | undefined): MappedLink {
  return {
    x_resident_type: null,
    resident_type_normalized: null,
    move_in_date: isoDate(t.MoveInDate, 'Tenants[].MoveInDate'),
    move_out_date: isoDate(moveOut?.MoveOutDate, 'MoveOutData[].MoveOutDate'),
    notice_date: isoDate(moveOut?.NoticeGivenDate, 'MoveOutData[].NoticeGivenDate'),
    custom_data: t.Status == null ? null : { status: text(t.Status) },
  };
}

function mapLease(l: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(l.Id, 'Id');
  const xPropertyId = requiredId(l.PropertyId, 'PropertyId');
  const xUnitId = optionalId(l.UnitId, 'UnitId');
  const tenants = Array.isArray(l.Tenants) ? (l.Tenants as Raw[]) : [];
  const moveOuts = moveOutsOf(l);
  const links: MappedLink[] = tenants.map((t) => {
    const xResidentId = requiredId(t?.Id, 'Tenants[].Id');
    const link = tenantLink(t, moveOuts.get(xResidentId));
    link.x_resident_id = xResidentId;
    return link;
  });
  const primary = tenants.find((t) => t?.Status === 'Current') ?? tenants[0];
  const deposit = l.AccountDetails?.SecurityDeposit;
  const status = text(l.LeaseStatus);
  return {
    x_id: xId,
    values: {
      x_resident_id: primary ? requiredId(primary.Id, 'Tenants[].Id') : null,
      unit_number: text(l.UnitNumber),
      start_date: isoDate(l.LeaseFromDate, 'LeaseFromDate'),
      end_date: isoDate(l.LeaseToDate, 'LeaseToDate'),
      type: text(l.LeaseType),
      term: text(l.TermType),
      status,
      status_raw: status,
      status_normalized: lookupReported(ctx, 'status_normalized', LEASE_STATUS, status, 'OTHER'),
      rent_amount_in_cents: cents(l.AccountDetails?.Rent, 'AccountDetails.Rent'),
      deposit_amount: deposit == null ? null : String(deposit),
      deposit_amount_in_cents: cents(deposit, 'AccountDetails.SecurityDeposit'),
      rent_due_day: integer(l.PaymentDueDay, 'PaymentDueDay'),
      ...placement(ctx, xPropertyId, xUnitId),
    },
    links,
  };
}

/** The lease that best describes where a tenant lives now: active, else upcoming, else the latest. */
function currentLease(leases: Raw[]): Raw | undefined {
  const rank = (l: Raw) => (l.LeaseStatus === 'Active' ? 2 : l.LeaseStatus === 'Future' ? 1 : 0);
  return [...leases].sort(
    (a, b) => rank(b) - rank(a) || String(b.LeaseToDate ?? '').localeCompare(String(a.LeaseToDate ?? '')),
  )[0];
}

function mapTenant(t: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(t.Id, 'Id');
  const leases = Array.isArray(t.Leases) ? (t.Leases as Raw[]).filter((l) => l && typeof l === 'object') : [];
  // A TenantMessage names no property of its own: its leases place it. One on no lease cannot be placed.
  const lease = currentLease(leases);
  if (!lease)
    throw new MalformedRecordError(
      "the tenant is on no lease: a Buildium tenant has no property but its leases' (TenantMessage.Leases), and a resident needs one",
    );
  const xPropertyId = requiredId(lease.PropertyId, 'Leases[].PropertyId');
  // Leases embeds every lease of the tenant, whatever its status: the tenant's side of its links.
  const links = leases.flatMap((l): MappedLink[] => {
    const entry = Array.isArray(l.Tenants)
      ? (l.Tenants as Raw[]).find((t) => t != null && String(t.Id) === xId)
      : undefined;
    if (!entry) return [];
    // The last entry of the tenant, as the lease's own mapping reads MoveOutData.
    const moveOut = Array.isArray(l.MoveOutData)
      ? (l.MoveOutData as Raw[]).findLast((m) => m?.TenantId != null && String(m.TenantId) === xId)
      : undefined;
    const link = tenantLink(entry, moveOut);
    link.x_lease_id = requiredId(l.Id, 'Leases[].Id');
    return [link];
  });
  const phone = phones(t.PhoneNumbers, ['phone_1_type', 'phone_2_type'], ctx);
  const home = address(t.Address);
  const alternate = address(t.AlternateAddress);
  return {
    x_id: xId,
    values: {
      first_name: text(t.FirstName),
      last_name: text(t.LastName),
      email_1: email(t.Email),
      email_2: email(t.AlternateEmail),
      date_of_birth: isoDate(t.DateOfBirth, 'DateOfBirth'),
      notes: text(t.Comment),
      x_lease_id: optionalId(lease.Id, 'Leases[].Id'),
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      phone_1: phone.number_1,
      phone_1_type: phone.type_1,
      phone_2: phone.number_2,
      phone_2_type: phone.type_2,
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
    links,
  };
}

/**
 * A ResidentRequestTaskMessage with the work orders the client joined to it (`WorkOrders`, on `Task.Id`) and its
 * unit's number (`UnitNumber`). A request can have several work orders: every one's vendor is in `vendors[]`,
 * and the latest (highest `Id`, the current assignment) gives `x_sub_task_id` and `vendor_notes`.
 */
function mapResidentRequest(t: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(t.Id, 'Id');
  const xPropertyId = requiredId(t.Property?.Id, 'Property.Id');
  const xUnitId = optionalId(t.UnitId, 'UnitId');
  const orders = (Array.isArray(t.WorkOrders) ? (t.WorkOrders as Raw[]) : [])
    .map((w) => ({ id: Number(requiredId(w?.Id, 'WorkOrders[].Id')), order: w }))
    .sort((a, b) => a.id - b.id);
  const latest = orders.at(-1)?.order;
  const vendorIds = [
    ...new Set(orders.map(({ order }) => optionalId(order.VendorId, 'WorkOrders[].VendorId')).filter(Boolean)),
  ];
  const assignee = optionalId(t.AssignedToUserId, 'AssignedToUserId');
  return {
    x_id: xId,
    values: {
      unit_number: text(t.UnitNumber),
      x_sub_task_id: latest ? requiredId(latest.Id, 'WorkOrders[].Id') : null,
      access_is_authorized: bool(t.IsEntryPermittedByResident, 'IsEntryPermittedByResident'),
      access_notes: text(t.ResidentEntryNotes),
      date_created: isoDate(t.CreatedDateTime, 'CreatedDateTime'),
      date_due: isoDate(t.DueDate, 'DueDate'),
      service_category: text(t.Category?.Name),
      service_description: text(t.Title),
      service_details: text(t.Description),
      service_priority: text(t.Priority),
      status_raw: text(t.TaskStatus),
      vendor_notes: text(latest?.VendorNotes),
      // Lookup ids of models Latchkey does not store are Buildium's own (models.md §2).
      employee_id: assignee,
      employees: assignee === null ? [] : [{ x_id: assignee, name: null }],
      vendors: vendorIds.map((vendorId) => ({ vendor_id: vendorId })),
      ...placement(ctx, xPropertyId, xUnitId),
    },
  };
}

/**
 * A LeaseTransactionMessage: a charge, or a payment (Payment, ElectronicFundsTransfer) or the reversal of one
 * (ReversePayment, ReverseElectronicFundsTransfer), which is a payment with a negative amount whatever sign
 * Buildium gives its TotalAmount (decision 3 of issue 21); `amount_raw` keeps TotalAmount as sent and
 * `custom_data.transaction_type` says which it was. The first journal line places it and names its GL account.
 */
function mapLedgerTransaction(t: Raw, ctx: MappingContext, payment: boolean): MappedRecord {
  const xId = requiredId(t.Id, 'Id');
  const lines = Array.isArray(t.Journal?.Lines) ? (t.Journal.Lines as Raw[]) : [];
  const line = lines[0];
  const xPropertyId = requiredId(line?.PropertyId, 'Journal.Lines[0].PropertyId');
  const xUnitId = optionalId(line?.UnitId, 'Journal.Lines[0].UnitId');
  const xLeaseId = optionalId(t.LeaseId, 'LeaseId');
  const xGlAccountId = optionalId(line?.GLAccount?.Id, 'Journal.Lines[0].GLAccount.Id');
  const type = text(t.TransactionTypeEnum) ?? text(t.TransactionType);
  const amount = cents(t.TotalAmount, 'TotalAmount');
  const reversal = payment && type !== null && REVERSAL_TYPES.has(type);
  const values: Record<string, unknown> = {
    x_lease_id: xLeaseId,
    lease_id: ctx.ref('leases', xLeaseId),
    x_gl_account_id: xGlAccountId,
    financial_account_id: xGlAccountId,
    amount_in_cents: reversal && amount !== null ? -Math.abs(amount) : amount,
    amount_raw: t.TotalAmount == null ? null : text(t.TotalAmount),
    description: text(t.Journal?.Memo),
    transaction_date: isoDate(t.Date, 'Date'),
    custom_data: type === null ? null : { transaction_type: type },
    ...placement(ctx, xPropertyId, xUnitId), // spread last: see DEVELOPERS.md "Mappers are a hot path"
  };
  if (!payment) {
    values.name = text(line?.GLAccount?.Name);
    values.reference_number = text(line?.ReferenceNumber);
    return { x_id: xId, values };
  }
  const xResidentId = optionalId(t.PayeeTenantId, 'PayeeTenantId');
  const method = text(t.PaymentMethod);
  values.x_resident_id = xResidentId;
  values.resident_id = ctx.ref('residents', xResidentId);
  values.reference_number = text(t.CheckNumber) ?? text(line?.ReferenceNumber);
  values.payment_method_raw = method;
  values.payment_method_normalized = lookupReported(ctx, 'payment_method_normalized', PAYMENT_METHOD, method, 'OTHER');
  return { x_id: xId, values };
}

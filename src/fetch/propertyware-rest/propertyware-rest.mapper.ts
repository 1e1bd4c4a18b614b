import type { PropertywareRestModel } from './propertyware-rest.facts';
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
  CONTACT_ROLE,
  HYDRATED,
  LEASE_STATUS,
  PAYMENT_METHOD,
  PHONE_PRIORITY,
  PROPERTY_TYPE,
  SQUARE_FEET_PER,
} from './propertyware-rest.facts';

type Raw = Record<string, any>;

/** Propertyware schemas (docs/reference/propertyware-openapi.json) -> Propexo's canonical fields. */
export function mapPropertywareRestRecord(
  model: PropertywareRestModel,
  raw: unknown,
  ctx: MappingContext,
): MappedRecord | null {
  if (!isObject(raw)) throw new MalformedRecordError('record is not an object');
  switch (model) {
    case 'properties':
      return mapBuilding(raw, ctx);
    case 'units':
      return mapUnit(raw, ctx);
    case 'leases':
      return mapLease(raw, ctx);
    case 'residents':
      return mapContact(raw, ctx);
    case 'service_requests':
      return mapWorkOrder(raw, ctx);
    case 'resident_charges':
      return mapCharge(raw, ctx);
    case 'resident_payments':
      return mapPayment(raw, ctx);
  }
}

/** Propertyware's Address: `address` is the street line, `addressCont` its continuation. */
function address(a: Raw | null | undefined) {
  return {
    address_1: text(a?.address),
    address_2: text(a?.addressCont),
    city: text(a?.city),
    state: text(a?.stateRegion),
    zip: text(a?.postalCode),
    country: text(a?.country),
  };
}

/** Properties and units also carry the street lines as street_address_*. */
function placeAddress(a: Raw | null | undefined) {
  const fields = address(a);
  return { street_address_1: fields.address_1, street_address_2: fields.address_2, ...fields };
}

/** totalArea in square feet; an areaUnits value outside the spec's enum leaves the area unknown. */
function squareFeet(r: Raw): number | null {
  const area = r.totalArea;
  if (area === null || area === undefined) return null;
  if (typeof area !== 'number' || !Number.isFinite(area))
    throw new MalformedRecordError(`totalArea: "${String(area)}" is not a number`);
  const factor = SQUARE_FEET_PER[r.areaUnits ?? 'Sq Ft'];
  return factor === undefined ? null : Math.round(area * factor);
}

function mapBuilding(b: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(b.id, 'id');
  const manager = Array.isArray(b.propertyManagerList) ? (b.propertyManagerList[0] as Raw | undefined) : undefined;
  const typeRaw = text(b.propertyType);
  const portfolioId = optionalId(b.portfolioID, 'portfolioID');
  return {
    x_id: xId,
    values: {
      property_id: ctx.ref('properties', xId),
      x_property_id: xId,
      x_created_at: isoDate(b.createdDateTime, 'createdDateTime'),
      name: text(b.name),
      code: text(b.abbreviation),
      is_active: bool(b.active, 'active'),
      number_of_units: integer(b.countUnit, 'countUnit'),
      year_built: integer(b.yearBuilt, 'yearBuilt'),
      square_feet: squareFeet(b),
      website: text(b.website),
      county: text(b.county),
      type: typeRaw,
      type_raw: typeRaw,
      type_normalized: lookupReported(ctx, 'type_normalized', PROPERTY_TYPE, typeRaw, 'OTHER'),
      manager_name: text(manager?.name),
      manager_email: email(manager?.email),
      // Buildings are grouped by portfolio (the owner's account); Propexo has no field for it.
      custom_data: portfolioId === null ? null : { portfolio_id: portfolioId },
      ...placeAddress(b.address),
    },
  };
}

function mapUnit(u: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(u.id, 'id');
  const xPropertyId = requiredId(u.buildingID, 'buildingID');
  const bedrooms = integer(u.numberOfBedrooms, 'numberOfBedrooms');
  const baths = u.numberOfBathrooms ?? null;
  if (baths !== null && (typeof baths !== 'number' || !Number.isFinite(baths)))
    throw new MalformedRecordError(`numberOfBathrooms: "${String(baths)}" is not a number`);
  const occupancy = text(u.status)?.toLowerCase();
  return {
    x_id: xId,
    values: {
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      number: text(u.name),
      floor: text(u.floorNumber),
      bedrooms: bedrooms === null ? null : String(bedrooms),
      bathrooms: baths === null ? null : String(baths),
      square_feet: squareFeet(u),
      rent_amount_market_in_cents: cents(u.targetRent, 'targetRent'),
      is_available: bool(u.rentable, 'rentable'),
      is_listed: bool(u.syndicate, 'syndicate'),
      // Unit.status is "occupied/vacant" text.
      is_vacant: occupancy === 'vacant' ? true : occupancy === 'occupied' ? false : null,
      ...bathroomCounts(baths),
      ...placeAddress(u.address),
    },
  };
}

function mapLease(l: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(l.id, 'id');
  const xPropertyId = requiredId(l.buildingID, 'buildingID');
  const xUnitId = optionalId(l.unitID, 'unitID');
  if (l.contacts != null && !Array.isArray(l.contacts)) throw new MalformedRecordError('contacts is not an array');
  const contacts = (l.contacts ?? []) as Raw[];
  const moveIn = isoDate(l.moveInDate, 'moveInDate');
  const moveOut = isoDate(l.moveOutDate, 'moveOutDate');
  // The embedded contacts are minimal: they only link the lease to its tenants, whose details come from /contacts.
  const role = (value: string | null) => lookupReported(ctx, 'resident_type_normalized', CONTACT_ROLE, value, 'OTHER');
  const links: MappedLink[] = contacts.map((c) => ({
    x_resident_id: requiredId(c?.id, 'contacts[].id'),
    ...contactLink(l, c, role),
  }));
  const primary = contacts.find((c) => c?.primary === true) ?? contacts[0];
  const status = text(l.status);
  const balance = cents(l.leaseBalance, 'leaseBalance');
  return {
    x_id: xId,
    values: {
      x_resident_id: primary ? requiredId(primary.id, 'contacts[].id') : null,
      start_date: isoDate(l.startDate, 'startDate'),
      end_date: isoDate(l.endDate, 'endDate'),
      signature_date: isoDate(l.signedDate, 'signedDate'),
      realized_move_in_date: moveIn,
      realized_move_out_date: moveOut,
      scheduled_move_out_date: isoDate(l.scheduleMoveOutDate, 'scheduleMoveOutDate'),
      status,
      status_raw: status,
      status_normalized: lookupReported(ctx, 'status_normalized', LEASE_STATUS, status, 'OTHER'),
      rent_amount_in_cents: cents(l.baseRent, 'baseRent'),
      balance_amount_in_cents: balance,
      balance_amount_raw: balance === null ? null : text(l.leaseBalance),
      ...placement(ctx, xPropertyId, xUnitId),
    },
    links,
  };
}

/**
 * The link of a lease and one of its `contacts[]` entries; the same from the lease and from the tenant's hydrated
 * leases. `normalize` looks a role up in CONTACT_ROLE.
 */
function contactLink(l: Raw, c: Raw | undefined, normalize: (role: string | null) => string | null): MappedLink {
  const primary = bool(c?.primary, 'contacts[].primary');
  const role = text(c?.role);
  return {
    x_resident_type: role,
    resident_type_normalized: primary ? 'PRIMARY' : normalize(role),
    move_in_date: isoDate(l.moveInDate, 'moveInDate'),
    move_out_date: isoDate(l.moveOutDate, 'moveOutDate'),
    notice_date: isoDate(l.noticeGivenDate, 'noticeGivenDate'),
  };
}

/** The first two of the four phone fields that hold a number, in PHONE_PRIORITY order. */
function phones(c: Raw) {
  const [first, second] = PHONE_PRIORITY.filter(({ field }) => text(c[field]) !== null);
  return {
    phone_1: first ? phoneNumber(c[first.field]) : null,
    phone_1_type: first?.type ?? null,
    phone_2: second ? phoneNumber(c[second.field]) : null,
    phone_2_type: second?.type ?? null,
  };
}

/** The lease that best says where a tenant lives: current, else upcoming, else any; the latest start wins a tie. */
function currentLease(leases: Raw[]): Raw | undefined {
  const rank: Record<string, number> = { ACTIVE: 3, PENDING: 2, OTHER: 1 };
  const score = (l: Raw) => rank[lookup(LEASE_STATUS, l.status, 'OTHER') ?? 'OTHER'] ?? 0;
  return [...leases].sort(
    (a, b) => score(b) - score(a) || String(b.startDate ?? '').localeCompare(String(a.startDate ?? '')),
  )[0];
}

function mapContact(c: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(c.id, 'id');
  // `leases` is the client's hydration (see the adapter): Propertyware's Contact names no lease or building,
  // so a tenant on no lease has no property, which Propexo's resident requires.
  const leases = Array.isArray(c.leases) ? (c.leases as Raw[]).filter((l) => l && typeof l === 'object') : [];
  const lease = currentLease(leases);
  if (!lease)
    throw new MalformedRecordError(
      'the tenant is on no lease: a Propertyware contact names no building of its own, so the resident has no property',
    );
  const xPropertyId = requiredId(lease.buildingID, 'leases[].buildingID');
  // An unknown role is reported by the lease's mapping, once per link.
  const role = (value: string | null) => lookup(CONTACT_ROLE, value, 'OTHER');
  const links = leases.map((l): MappedLink => {
    const entry = Array.isArray(l.contacts)
      ? (l.contacts as Raw[]).find((e) => e != null && String(e.id) === xId)
      : undefined;
    return { x_lease_id: requiredId(l.id, 'leases[].id'), ...contactLink(l, entry, role) };
  });
  return {
    x_id: xId,
    values: {
      first_name: text(c.firstName),
      middle_name: text(c.middleName),
      last_name: text(c.lastName),
      email_1: email(c.email),
      email_2: email(c.altEmail),
      date_of_birth: isoDate(c.birthDate, 'birthDate'),
      notes: text(c.comments),
      x_lease_id: optionalId(lease.id, 'leases[].id'),
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      ...phones(c),
      ...address(c.address),
    },
    links,
  };
}

/**
 * WorkOrder -> service request (models.md §5). `unitName` is the client's hydration (the unit's `name`); the
 * requester and the lease are names only, so no resident or lease is linked (reads have neither).
 */
function mapWorkOrder(w: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(w.id, 'id');
  const xPropertyId = requiredId(w.buildingID, 'buildingID');
  if (w.unitIDs != null && !Array.isArray(w.unitIDs)) throw new MalformedRecordError('unitIDs is not an array');
  const xUnitId = optionalId(w.unitID, 'unitID') ?? optionalId((w.unitIDs as unknown[] | undefined)?.[0], 'unitIDs[]');
  if (w.assignedVendors != null && !Array.isArray(w.assignedVendors))
    throw new MalformedRecordError('assignedVendors is not an array');
  const vendors = ((w.assignedVendors ?? []) as Raw[]).map((v) => ({
    vendor_id: requiredId(v?.id, 'assignedVendors[].id'),
  }));
  const enter = text(w.authorizeEnter);
  const description = text(w.description);
  return {
    x_id: xId,
    values: {
      access_is_authorized: enter === null ? null : enter !== 'NO',
      date_created: isoDate(w.createdDateTime, 'createdDateTime'),
      date_scheduled: isoDate(w.dateToEnter, 'dateToEnter'),
      date_completed: isoDate(w.completedDate, 'completedDate'),
      service_category: text(w.category),
      service_description: description,
      service_details: description,
      service_priority: text(w.priority),
      status_raw: text(w.status),
      unit_number: xUnitId === null ? null : text(w[HYDRATED.unitName]),
      order_number: text(w.number),
      vendors,
      ...placement(ctx, xPropertyId, xUnitId),
    },
  };
}

/** The lease's building and unit the client adds to a charge or payment (ChargeTx and Payment name neither). */
function leasePlace(r: Raw, ctx: MappingContext) {
  const xLeaseId = requiredId(r.leaseID, 'leaseID');
  const place = r[HYDRATED.leaseLocation] as Raw | undefined;
  if (!isObject(place))
    throw new MalformedRecordError(`lease ${xLeaseId} was not found, so the record has no property`);
  const xPropertyId = requiredId(place.buildingID, 'lease buildingID');
  const xUnitId = optionalId(place.unitID, 'lease unitID');
  return {
    x_lease_id: xLeaseId,
    lease_id: ctx.ref('leases', xLeaseId),
    ...placement(ctx, xPropertyId, xUnitId),
  };
}

/** An amount in exact cents with the vendor's text as sent. */
function money(value: unknown, field: string): [number | null, string | null] {
  const amount = cents(value, field);
  return [amount, amount === null ? null : text(value)];
}

/** The portfolio and other Propertyware fields Propexo has no column for; null when there are none. */
function customData(fields: Record<string, unknown>): Record<string, unknown> | null {
  const kept = Object.entries(fields).filter(([, v]) => v !== null && v !== undefined);
  return kept.length === 0 ? null : Object.fromEntries(kept);
}

/**
 * ChargeTx -> resident charge. Its `payments[]` (PaymentCharge) are the allocations: payment (source) to this
 * charge (destination), `chargeAmountPaid` of it. A hidden recharge (the client's `hiddenRecharge`: a recharge
 * dated as its parent, which the spec leaves out of the ledger balance) is no charge: null.
 */
function mapCharge(c: Raw, ctx: MappingContext): MappedRecord | null {
  const xId = requiredId(c.id, 'id');
  if (c[HYDRATED.hiddenRecharge] === true) return null;
  const [amount, amountRaw] = money(c.amount, 'amount');
  const [open, openRaw] = money(c.amountDue, 'amountDue');
  const [paid, paidRaw] = money(c.amountPaid, 'amountPaid');
  if (c.payments != null && !Array.isArray(c.payments)) throw new MalformedRecordError('payments is not an array');
  const allocations = ((c.payments ?? []) as Raw[]).map((p) => {
    const paymentXId = requiredId(p?.id, 'payments[].id');
    const [applied, appliedRaw] = money(p.chargeAmountPaid, 'payments[].chargeAmountPaid');
    return {
      x_id: `${paymentXId}-${xId}`,
      x_source_id: paymentXId,
      x_destination_id: xId,
      amount_in_cents: applied,
      amount_raw: appliedRaw,
      financial_account_id: optionalId(p.accountID, 'payments[].accountID'),
      custom_data: null,
      resident_charge_id: ctx.ref('resident_charges', xId),
      resident_payment_id: ctx.ref('resident_payments', paymentXId),
    };
  });
  const glAccount = optionalId(c.glAccountID, 'glAccountID');
  return {
    x_id: xId,
    values: {
      x_gl_account_id: glAccount,
      financial_account_id: glAccount,
      amount_in_cents: amount,
      amount_raw: amountRaw,
      amount_open_in_cents: open,
      amount_open_raw: openRaw,
      amount_paid_in_cents: paid,
      amount_paid_raw: paidRaw,
      description: text(c.comments),
      reference_number: text(c.refNo),
      transaction_date: isoDate(c.date, 'date'),
      is_open: open === null ? null : open > 0,
      custom_data: customData({
        portfolio_id: optionalId(c.portfolioID, 'portfolioID'),
        parent_tx_id: optionalId(c.parentTxID, 'parentTxID'),
      }),
      allocations,
      ...leasePlace(c, ctx),
    },
  };
}

/**
 * Payment -> resident payment. A reversal is a payment of a negative amount (decision 3 in docs/issue21/README.md), kept as
 * sent. The allocations come with the charges (decision 2), so a payment carries none.
 */
function mapPayment(p: Raw, ctx: MappingContext): MappedRecord {
  const xId = requiredId(p.id, 'id');
  const [amount, amountRaw] = money(p.amount, 'amount');
  const method = text(p.paymentType);
  const xResidentId = optionalId(p.contactID, 'contactID');
  const account = optionalId(p.destinationAccountID, 'destinationAccountID');
  return {
    x_id: xId,
    values: {
      x_resident_id: xResidentId,
      resident_id: ctx.ref('residents', xResidentId),
      x_gl_account_id: account,
      financial_account_id: account,
      payment_method_raw: method,
      payment_method_normalized: lookupReported(ctx, 'payment_method_normalized', PAYMENT_METHOD, method, 'OTHER'),
      amount_in_cents: amount,
      amount_raw: amountRaw,
      description: text(p.comments),
      reference_number: text(p.refNo),
      transaction_date: isoDate(p.date, 'date'),
      custom_data: customData({
        portfolio_id: optionalId(p.portfolioID, 'portfolioID'),
        deposit_date: text(p.depositDate),
        is_deposited: bool(p.isDeposited, 'isDeposited'),
      }),
      ...leasePlace(p, ctx),
    },
  };
}

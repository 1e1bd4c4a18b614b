import type { PropertywareRestModel } from './propertyware-rest.facts';
import type { MappedLink, MappedRecord, MappingContext } from '../../normalise/canonical-record';
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
import { CONTACT_ROLE, LEASE_STATUS, PHONE_PRIORITY, PROPERTY_TYPE, SQUARE_FEET_PER } from './propertyware-rest.facts';

type Raw = Record<string, any>;

/** Propertyware schemas (docs/reference/propertyware-openapi.json) -> Propexo's canonical fields. */
export function mapPropertywareRestRecord(
  model: PropertywareRestModel,
  raw: unknown,
  ctx: MappingContext,
): MappedRecord {
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
  return { ...fields, street_address_1: fields.address_1, street_address_2: fields.address_2 };
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
      ...placeAddress(b.address),
      type: typeRaw,
      type_raw: typeRaw,
      type_normalized: lookupReported(ctx, 'type_normalized', PROPERTY_TYPE, typeRaw, 'OTHER'),
      manager_name: text(manager?.name),
      manager_email: email(manager?.email),
      // Buildings are grouped by portfolio (the owner's account); Propexo has no field for it.
      custom_data: portfolioId === null ? null : { portfolio_id: portfolioId },
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
      ...bathroomCounts(baths),
      square_feet: squareFeet(u),
      rent_amount_market_in_cents: cents(u.targetRent, 'targetRent'),
      is_available: bool(u.rentable, 'rentable'),
      is_listed: bool(u.syndicate, 'syndicate'),
      // Unit.status is "occupied/vacant" text.
      is_vacant: occupancy === 'vacant' ? true : occupancy === 'occupied' ? false : null,
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
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      x_unit_id: xUnitId,
      unit_id: ctx.ref('units', xUnitId),
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
      ...phones(c),
      date_of_birth: isoDate(c.birthDate, 'birthDate'),
      notes: text(c.comments),
      ...address(c.address),
      x_lease_id: optionalId(lease.id, 'leases[].id'),
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
    },
    links,
  };
}

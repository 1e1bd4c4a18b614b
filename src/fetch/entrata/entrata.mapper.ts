import type { EntrataModel } from './entrata.facts';
import type { MappedLink, MappedRecord, MappingContext } from '../../normalise/canonical-record';
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
  PHONE_TYPE,
  PROPERTY_TYPE,
  RESIDENT_TYPE,
} from './entrata.facts';
import { asArray, decimal, entrataDate, flag, liftAttributes, listOf } from './entrata.quirks';

type Raw = Record<string, any>;

/** The vendor's id field of each model's record (casing differs between methods). */
export const ID_FIELD: Record<EntrataModel, string> = {
  properties: 'PropertyID',
  units: 'id',
  leases: 'id',
  residents: 'Id',
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
  }
}

export function entrataVendorId(model: EntrataModel, raw: unknown): string | null {
  return idOrNull((liftAttributes(raw) as Raw | null)?.[ID_FIELD[model]]);
}

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
      ...bathroomCounts(baths),
      square_feet: integer(u.squareFeet, 'squareFeet'),
      rent_amount_market_in_cents: cents(u.marketRent, 'marketRent'),
      is_vacant: vacant,
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
      x_property_id: xPropertyId,
      property_id: ctx.ref('properties', xPropertyId),
      x_unit_id: xUnitId,
      unit_id: ctx.ref('units', xUnitId),
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

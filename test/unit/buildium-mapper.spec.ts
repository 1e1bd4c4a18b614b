import fs from 'node:fs';
import path from 'node:path';
import { recordId } from '../../src/platform/common/ids';
import { toCanonicalRecord, type MappingContext } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { mapBuildiumRecord } from '../../src/fetch/buildium/buildium.mapper';

const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
};
const canonical = (model: 'properties' | 'units' | 'residents' | 'leases', raw: unknown, context = ctx) =>
  toCanonicalRecord(model, mapBuildiumRecord(model, raw, context), context);
const SCHEMAS = JSON.parse(fs.readFileSync(path.join(__dirname, '../../docs/reference/buildium-openapi.json'), 'utf8'))
  .components.schemas;
/** The spec's enum of a schema's property. */
const specEnum = (schema: string, property: string): string[] => SCHEMAS[schema].properties[property].enum;
/** A context that records what the mapping reports as unknown. */
function reportingContext() {
  const reported: Array<[string, string, string | null]> = [];
  return {
    reported,
    ctx: {
      ...ctx,
      unknownValue: (field: string, value: string, mappedTo: string | null) => reported.push([field, value, mappedTo]),
    } as MappingContext,
  };
}

// The tenant of vendor-research.md's Buildium example (synthetic values).
const TENANT = {
  Id: 501,
  FirstName: 'Ana',
  LastName: 'Reyes',
  Email: 'ana@example.com',
  AlternateEmail: null,
  PhoneNumbers: [
    { Number: '(555) 010-2000', Type: 'Cell' },
    { Number: '555 010 3000', Type: 'Office' },
  ],
  CreatedDateTime: '2023-08-14T16:03:11Z',
  DateOfBirth: null,
  AlternateAddress: null,
  MailingPreference: 'PrimaryAddress',
  Address: {
    AddressLine1: '12 Elm St',
    AddressLine2: 'Unit 3',
    AddressLine3: null,
    City: 'Boston',
    State: 'MA',
    PostalCode: '02118',
    Country: 'UnitedStates',
  },
  Leases: [
    { Id: 8000, PropertyId: 70, UnitId: 300, LeaseStatus: 'Past', LeaseToDate: '2023-06-30' },
    {
      Id: 9001,
      PropertyId: 77,
      UnitId: 310,
      UnitNumber: '3',
      LeaseFromDate: '2024-07-01',
      LeaseToDate: '2025-06-30',
      LeaseType: 'Fixed',
      LeaseStatus: 'Active',
    },
  ],
  Comment: null,
  TaxId: null,
};

const LEASE = {
  Id: 9001,
  PropertyId: 77,
  UnitId: 310,
  UnitNumber: '3',
  LeaseFromDate: '2024-07-01',
  LeaseToDate: '2025-06-30',
  LeaseType: 'Fixed',
  LeaseStatus: 'Future',
  TermType: 'Standard',
  AccountDetails: { SecurityDeposit: 1800.0, Rent: 1799.99 },
  PaymentDueDay: 1,
  LastUpdatedDateTime: '2024-06-20T12:00:00Z',
  Tenants: [
    { Id: 501, Status: 'Current', MoveInDate: '2024-07-01' },
    { Id: 502, Status: 'Future', MoveInDate: null },
  ],
  MoveOutData: [{ TenantId: 502, MoveOutDate: '2025-06-30', NoticeGivenDate: '2025-05-01' }],
};

describe('Buildium mapping', () => {
  it('maps a tenant to a resident: names, lowercase email, typed phones, address, current lease and property', () => {
    const r = canonical('residents', TENANT);
    expect(r.id).toBe(recordId('int_1', 'residents', '501'));
    expect(r.values).toMatchObject({
      first_name: 'Ana',
      last_name: 'Reyes',
      email_1: 'ana@example.com',
      email_2: null,
      phone_1: '5550102000',
      phone_1_type: 'MOBILE',
      phone_2: '5550103000',
      phone_2_type: 'WORK',
      address_1: '12 Elm St',
      address_2: 'Unit 3',
      city: 'Boston',
      state: 'MA',
      zip: '02118',
      country: 'US',
      x_lease_id: '9001',
      x_property_id: '77',
      property_id: recordId('int_1', 'properties', '77'),
      address_1_alternate: null,
    });
  });

  it('maps a lease: status table, cents, dates, and the resident links with move-in/out from MoveOutData', () => {
    const l = canonical('leases', LEASE);
    expect(l.values).toMatchObject({
      status_raw: 'Future',
      status_normalized: 'PENDING',
      rent_amount_in_cents: 179999,
      deposit_amount_in_cents: 180000,
      deposit_amount: '1800',
      start_date: '2024-07-01T00:00:00.000Z',
      end_date: '2025-06-30T00:00:00.000Z',
      rent_due_day: 1,
      x_unit_id: '310',
      unit_id: recordId('int_1', 'units', '310'),
      property_id: recordId('int_1', 'properties', '77'),
      x_resident_id: '501',
    });
    expect(l.links?.map((k) => k.values)).toEqual([
      expect.objectContaining({
        resident_id: recordId('int_1', 'residents', '501'),
        lease_id: l.id,
        move_in_date: '2024-07-01T00:00:00.000Z',
        move_out_date: null,
        custom_data: { status: 'Current' },
      }),
      expect.objectContaining({
        resident_id: recordId('int_1', 'residents', '502'),
        move_out_date: '2025-06-30T00:00:00.000Z',
        notice_date: '2025-05-01T00:00:00.000Z',
      }),
    ]);
    expect(canonical('leases', { ...LEASE, LeaseStatus: 'Active' }).values.status_normalized).toBe('ACTIVE');
    expect(canonical('leases', { ...LEASE, LeaseStatus: 'Past' }).values.status_normalized).toBe('INACTIVE');
  });

  it('maps units and rentals with their enum tables', () => {
    const u = canonical('units', {
      Id: 310,
      PropertyId: 77,
      UnitNumber: '3',
      MarketRent: 1850.5,
      UnitBedrooms: 'TwoBed',
      UnitBathrooms: 'OnePointFiveBath',
      UnitSize: 900,
      IsUnitListed: true,
      IsUnitOccupied: false,
    });
    expect(u.values).toMatchObject({
      number: '3',
      bedrooms: '2',
      bathrooms: '1.5',
      bathrooms_full: 1,
      bathrooms_half: 1,
      rent_amount_market_in_cents: 185050,
      is_vacant: true,
      square_feet: 900,
    });
    const p = canonical('properties', {
      Id: 77,
      Name: 'Elm Court',
      IsActive: true,
      NumberUnits: 12,
      RentalType: 'Residential',
      RentalSubType: 'MultiFamily',
      YearBuilt: 1990,
      Address: { AddressLine1: '12 Elm St', City: 'Boston', State: 'MA', PostalCode: '02118', Country: 'UnitedStates' },
    });
    expect(p.values).toMatchObject({
      name: 'Elm Court',
      property_id: p.id,
      x_property_id: '77',
      type_raw: 'MultiFamily',
      type_normalized: 'MULTI_FAMILY',
      number_of_units: 12,
      street_address_1: '12 Elm St',
    });
  });

  it("maps every value of the spec's LeaseStatus, PhoneNumberMessage.Type, RentalType and RentalSubType enums deliberately", () => {
    const { reported, ctx: reporting } = reportingContext();
    const status: Record<string, string> = { Active: 'ACTIVE', Past: 'INACTIVE', Future: 'PENDING' };
    expect(specEnum('LeaseMessage', 'LeaseStatus').sort()).toEqual(Object.keys(status).sort());
    for (const s of specEnum('LeaseMessage', 'LeaseStatus'))
      expect(canonical('leases', { ...LEASE, LeaseStatus: s }, reporting).values.status_normalized).toBe(status[s]);

    const phone: Record<string, string> = {
      NotSet: 'OTHER',
      Home: 'HOME',
      Office: 'WORK',
      Cell: 'MOBILE',
      Personal: 'OTHER',
      Fax: 'FAX',
      Other: 'OTHER',
    };
    expect(specEnum('PhoneNumberMessage', 'Type').sort()).toEqual(Object.keys(phone).sort());
    for (const type of specEnum('PhoneNumberMessage', 'Type')) {
      expect(
        canonical('residents', { ...TENANT, PhoneNumbers: [{ Number: '5550102000', Type: type }] }, reporting).values
          .phone_1_type,
      ).toBe(phone[type]);
    }

    const kind: Record<string, string> = {
      CondoTownhome: 'MULTI_FAMILY',
      MultiFamily: 'MULTI_FAMILY',
      SingleFamily: 'SINGLE_FAMILY',
      Industrial: 'COMMERCIAL',
      Office: 'COMMERCIAL',
      Retail: 'COMMERCIAL',
      ShoppingCenter: 'COMMERCIAL',
      Storage: 'COMMERCIAL',
      ParkingSpace: 'COMMERCIAL',
      // A rental without a subtype is typed by RentalType.
      None: 'OTHER',
      Residential: 'OTHER',
      Commercial: 'COMMERCIAL',
    };
    expect([...specEnum('RentalMessage', 'RentalSubType'), ...specEnum('RentalMessage', 'RentalType')].sort()).toEqual(
      Object.keys(kind).sort(),
    );
    for (const sub of specEnum('RentalMessage', 'RentalSubType'))
      expect(
        canonical('properties', { Id: 1, RentalType: 'Commercial', RentalSubType: sub }, reporting).values
          .type_normalized,
      ).toBe(kind[sub]);
    for (const type of specEnum('RentalMessage', 'RentalType'))
      expect(canonical('properties', { Id: 1, RentalType: type }, reporting).values.type_normalized).toBe(kind[type]);
    expect(reported).toEqual([]);
  });

  it('reports values the tables do not know, per field, and maps them to OTHER with the raw value kept', () => {
    const { reported, ctx: reporting } = reportingContext();
    const lease = canonical('leases', { ...LEASE, LeaseStatus: 'Evicted' }, reporting);
    expect(lease.values).toMatchObject({ status_raw: 'Evicted', status_normalized: 'OTHER' });
    const tenant = canonical(
      'residents',
      {
        ...TENANT,
        PhoneNumbers: [
          { Number: '5550102000', Type: 'Cell' },
          { Number: '5550103000', Type: 'Pager' },
        ],
      },
      reporting,
    );
    expect([tenant.values.phone_1_type, tenant.values.phone_2_type]).toEqual(['MOBILE', 'OTHER']);
    const rental = canonical(
      'properties',
      {
        Id: 1,
        RentalType: 'Residential',
        RentalSubType: 'Houseboat',
        RentalManager: { PhoneNumbers: [{ Number: '5550100000', Type: 'Satellite' }] },
      },
      reporting,
    );
    expect([rental.values.type_raw, rental.values.type_normalized, rental.values.manager_phone_1_type]).toEqual([
      'Houseboat',
      'OTHER',
      'OTHER',
    ]);
    expect(reported).toEqual([
      ['status_normalized', 'Evicted', 'OTHER'],
      ['phone_2_type', 'Pager', 'OTHER'],
      ['manager_phone_1_type', 'Satellite', 'OTHER'],
      ['type_normalized', 'Houseboat', 'OTHER'],
    ]);
  });

  it('quarantines a tenant on no lease: Buildium places a tenant only through its leases, and a resident needs a property', () => {
    for (const Leases of [[], undefined, null])
      expect(() => canonical('residents', { ...TENANT, Leases })).toThrow(/on no lease/);
    expect(() => canonical('residents', { ...TENANT, Leases: [{ Id: 9001, LeaseStatus: 'Active' }] })).toThrow(
      /PropertyId/,
    );
  });

  it('rejects malformed records with a reason instead of guessing', () => {
    expect(() => canonical('residents', { ...TENANT, Id: 'oops' })).not.toThrow(); // string ids are valid ids
    expect(() => canonical('residents', { ...TENANT, Id: undefined })).toThrow(MalformedRecordError);
    expect(() => canonical('residents', { ...TENANT, DateOfBirth: 'not-a-date' })).toThrow(/DateOfBirth/);
    expect(() => canonical('leases', { ...LEASE, AccountDetails: { Rent: 'lots' } })).toThrow(/Rent/);
    expect(() => canonical('units', { Id: 1 })).toThrow(/PropertyId/);
    expect(() => canonical('residents', null)).toThrow(MalformedRecordError);
  });
});

import { entrataAdapter } from '../../src/fetch/entrata/entrata.adapter';
import { mapEntrataRecord } from '../../src/fetch/entrata/entrata.mapper';
import { ENTRATA_WRITE_FIELDS, EntrataWriter, entrataParams } from '../../src/fetch/entrata/entrata.writes';
import {
  VendorAccessDeniedError,
  VendorOutcomeUnknownError,
  VendorRequestError,
} from '../../src/fetch/adapter/vendor-http';
import { writeSupport } from '../../src/fetch/adapter/vendor-adapter';
import { jobMappingContext } from '../../src/normalise/page-normaliser';
import {
  ENTRATA_SANDBOX_CREDENTIALS,
  ENTRATA_SANDBOX_LIMITED_CREDENTIALS,
  startEntrataSandboxServer,
} from '../../src/sandbox/entrata/entrata-sandbox';
import { paramProblem, WRITE_METHODS } from '../../src/sandbox/entrata/entrata-writes';
import { recordingClients } from '../support/recording-client';
import { writtenRecord } from '../support/written-record';

const leaseFields = {
  property_id: '100001',
  unit_id: '2000004',
  floor_plan_id: '31',
  lease_period_id: '12',
  start_date: '2027-01-01T00:00:00.000Z',
  end_date: '2027-12-31',
  scheduled_move_in_date: '2027-01-02T15:30:00Z',
  first_name: ' Ada ',
  middle_name: 'Q',
  last_name: 'Lovelace',
  email_1: 'ada@example.com',
  date_of_birth: '1990-09-09',
  phone_1: '+1 (555) 010-2000',
  phone_1_type: 'MOBILE',
  address_1: '1 Analytical Way',
  address_2: 'Apt 2',
  city: 'Denver',
  state: 'CO',
  zip: '80202',
};

describe('Entrata write params (docs/vendors/entrata.md, Writes)', () => {
  it('sendLeases: ids as numbers, YYYY-MM-DD dates, digits-only phone, type ids, the Primary constants', () => {
    const params = entrataParams('sendLeases', { model: 'leases', operation: 'create', fields: leaseFields });
    expect(params).toEqual({
      propertyId: 100001,
      unitSpaceId: 2000004,
      floorplanId: 31,
      leaseTermId: 12,
      leaseStartDate: '2027-01-01',
      leaseEndDate: '2027-12-31',
      moveInDate: '2027-01-02',
      firstName: 'Ada',
      middleName: 'Q',
      lastName: 'Lovelace',
      emailAddress: 'ada@example.com',
      birthDate: '1990-09-09',
      phoneNumber: 5550102000,
      phoneNumberTypeId: 3,
      addressTypeId: 1,
      streetLine1: '1 Analytical Way',
      streetLine2: 'Apt 2',
      city: 'Denver',
      stateCode: 'CO',
      postalCode: '80202',
      customerRelationshipTypeId: 1,
    });
    // What the sandbox checks, param by param, takes it as is.
    expect(paramProblem('sendLeases', WRITE_METHODS['/leases'].sendLeases, params)).toBeNull();
  });

  it('sendLeases: moveInDate from move_in_date when no scheduled one; neither is a failure before sending', () => {
    const { scheduled_move_in_date: _s, ...rest } = leaseFields;
    const fromMoveIn = entrataParams('sendLeases', {
      model: 'leases',
      operation: 'create',
      fields: { ...rest, move_in_date: '2027-01-05' },
    });
    expect(fromMoveIn.moveInDate).toBe('2027-01-05');
    expect(() => entrataParams('sendLeases', { model: 'leases', operation: 'create', fields: rest })).toThrow(
      /move-in date/,
    );
  });

  it('updateCustomers: birthDate MM/DD/YYYY, phone digits and type id, isPrimary a 0/1 flag, only what is given', () => {
    const write = (fields: Record<string, unknown>) =>
      entrataParams('updateCustomers', { model: 'residents', operation: 'update', xId: '4000007', fields });
    const params = write({
      email_1: 'new@example.com',
      date_of_birth: '1985-02-03T00:00:00.000Z',
      phone_1: '303.555.0177',
      phone_1_type: 'WORK',
      is_primary: true,
      address_1: '9 Elm St',
      zip: '80401',
    });
    expect(params).toEqual({
      id: 4000007,
      email: 'new@example.com',
      birthDate: '02/03/1985',
      phoneNumber: 3035550177,
      phoneNumberTypeId: 2,
      isPrimary: 1,
      streetLine1: '9 Elm St',
      postalCode: '80401',
    });
    expect(paramProblem('updateCustomers', WRITE_METHODS['/customers'].updateCustomers, params)).toBeNull();
    expect(write({ is_primary: false }).isPrimary).toBe(0);
    expect(write({ phone_1_type: 'HOME', phone_1: '5550001111' }).phoneNumberTypeId).toBe(1);
    expect(write({ phone_1_type: 'FAX', phone_1: '5550001111' }).phoneNumberTypeId).toBe(4);
  });

  it('refuses, before sending, values Entrata cannot take: a phone extension, a non-date, an unknown phone type', () => {
    const write = (fields: Record<string, unknown>) => () =>
      entrataParams('updateCustomers', { model: 'residents', operation: 'update', xId: '1', fields });
    expect(write({ phone_1: '555-010-2000 x12' })).toThrow(/phone_1 .* extension/);
    expect(write({ phone_1: 'n/a' })).toThrow(/phone_1 .* not a phone number/);
    expect(write({ date_of_birth: '09/09/1990' })).toThrow(/date_of_birth .* not a date/);
    expect(write({ date_of_birth: '1990-02-31' })).toThrow(VendorRequestError);
    expect(write({ phone_1: '5550102000', phone_1_type: 'OTHER' })).toThrow(/no Entrata phone type/);
  });

  it('a vendor id that is not numeric is sent as given, for Entrata to refuse by name', () => {
    const params = entrataParams('sendLeases', {
      model: 'leases',
      operation: 'create',
      fields: { ...leaseFields, lease_period_id: 'twelve-months' },
    });
    expect(params.leaseTermId).toBe('twelve-months');
    expect(paramProblem('sendLeases', WRITE_METHODS['/leases'].sendLeases, params)).toBe(
      'leaseTermId must be a numeric id.',
    );
  });

  it('updateLease: property and lease ids, moveInDate YYYY-MM-DD, occupants.occupant[], the relationship type', () => {
    const params = entrataParams('updateLease', {
      model: 'leases',
      operation: 'update',
      xId: '3000002',
      fields: {
        property_id: '100001',
        unit_id: '2000009',
        scheduled_move_in_date: '2027-03-04T00:00:00Z',
        other_occupants: [{ first_name: 'Grace', last_name: 'Hopper' }],
      },
    });
    expect(params).toEqual({
      propertyId: 100001,
      leaseId: 3000002,
      unitSpaceId: 2000009,
      moveInDate: '2027-03-04',
      occupants: { occupant: [{ firstName: 'Grace', lastName: 'Hopper' }] },
      customerRelationshipTypeId: 1,
    });
    expect(paramProblem('updateLease', WRITE_METHODS['/leases'].updateLease, params)).toBeNull();
  });

  it('sendPropertyUnits: the spec text bedrooms and bathrooms as numbers, notes as note', () => {
    const params = entrataParams('sendPropertyUnits', {
      model: 'units',
      operation: 'create',
      fields: {
        property_id: '100001',
        number: 'B-7',
        bedrooms: '2',
        bathrooms: '1.5',
        square_feet: 880,
        notes: 'Corner',
      },
    });
    expect(params).toEqual({
      propertyId: 100001,
      unitNumber: 'B-7',
      numberOfBedRooms: 2,
      numberOfBathRooms: 1.5,
      squareFeet: 880,
      note: 'Corner',
    });
    expect(paramProblem('sendPropertyUnits', WRITE_METHODS['/propertyunits'].sendPropertyUnits, params)).toBeNull();
  });

  it('writes exactly the support matrix: residents U, leases C/U, units C; the rest unsupported by the vendor', () => {
    const cells = (['residents', 'leases', 'properties', 'units'] as const).flatMap((model) =>
      (['create', 'update'] as const).map((op) => [`${model}.${op}`, writeSupport(entrataAdapter, model, op)] as const),
    );
    expect(Object.fromEntries(cells.map(([cell, s]) => [cell, s.supported ? 'supported' : s.reason]))).toEqual({
      'residents.create': 'vendor',
      'residents.update': 'supported',
      'leases.create': 'supported',
      'leases.update': 'supported',
      'properties.create': 'vendor',
      'properties.update': 'vendor',
      'units.create': 'supported',
      'units.update': 'vendor',
    });
    // A lease's dates (but the move-in), rent and status cannot be updated: updateLease's params only.
    expect(ENTRATA_WRITE_FIELDS.leases!.update).toEqual({
      required: [],
      writable: ['property_id', 'unit_id', 'scheduled_move_in_date', 'other_occupants'],
    });
  });
});

describe('Entrata writer: reading the per-record outcome', () => {
  /** A writer whose one call answers `result`; its read-back finds `found` (or nothing). */
  const answering = (result: Record<string, unknown>, found: unknown[] = []) =>
    new EntrataWriter({
      send: () => Promise.resolve(result),
      propertyIds: () => Promise.resolve(['7001']),
      propertyPages: async function* () {
        yield { records: found };
      },
    });
  const unit = { model: 'units', operation: 'create', fields: { property_id: '7001', number: 'Z-1' } } as const;

  it('an item with its fields under @attributes, collapsed to an object, names the new id', async () => {
    const result = {
      units: { unit: { '@attributes': { node: 'unit', unitId: 120, status: 'Success', message: 'ok' } } },
    };
    const record = { id: 120, unitNumber: 'Z-1', propertyId: '7001' };
    // Nothing is read inside the write: the runner reads the record back from the property it was written to.
    const writer = answering(result, [record]);
    await expect(writer.write(unit)).resolves.toEqual({ xId: '120', readBackFrom: { propertyId: '7001' } });
    await expect(writtenRecord(writer, unit)).resolves.toMatchObject({ xId: '120', record, errors: [] });
  });

  it('a Success that names no id is still a success: the next sync brings the record', async () => {
    const result = { units: { unit: [{ node: 'unit', status: 'Success', message: 'Unit created.' }] } };
    await expect(answering(result).write(unit)).resolves.toEqual({ xId: null });
  });

  it('no item, or an item not Success, fails the write with what Entrata said', async () => {
    await expect(answering({}).write(unit)).rejects.toThrow('Entrata sendPropertyUnits answered no result item');
    const failed = { units: { unit: { node: 'unit', status: 'Failed', message: 'Property is disabled.' } } };
    await expect(answering(failed).write(unit)).rejects.toThrow(
      'Entrata sendPropertyUnits failed: Property is disabled.',
    );
  });
});

describe('Entrata writer against the sandbox', () => {
  let server: Awaited<ReturnType<typeof startEntrataSandboxServer>>;
  const clients = recordingClients(entrataAdapter, () => server.url);
  const writer = (credentials = ENTRATA_SANDBOX_CREDENTIALS) => clients.client(credentials).writer!;

  beforeAll(async () => {
    server = await startEntrataSandboxServer({ residents: 30, seed: 5 });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.sandbox.reset();
    clients.forget();
  });

  it('probe: params {} is a validation error (the key may write) and nothing is made; 304 is thrown', async () => {
    const before = structuredClone(server.sandbox.data);
    for (const [model, operation] of [
      ['residents', 'update'],
      ['leases', 'create'],
      ['leases', 'update'],
      ['units', 'create'],
    ] as const)
      await expect(writer().probe(model, operation)).resolves.toBeUndefined();
    expect(server.sandbox.data).toEqual(before);
    const denied = await writer(ENTRATA_SANDBOX_LIMITED_CREDENTIALS)
      .probe('residents', 'update')
      .catch((e: unknown) => e);
    // The limited key may call every read but getCustomers; no write method is on its list.
    expect(denied).toBeInstanceOf(VendorAccessDeniedError);
    expect((denied as Error).message).toMatch(/304.*updateCustomers/);
  });

  it("updateLease: the lease's property found when not given; sent again after a 5xx (complete values), but not when it adds occupants", async () => {
    const lease = server.sandbox.data.leases.find((l) => l.leaseIntervalStatus === 'Current')!;
    const update = (fields: Record<string, unknown>) =>
      writer().write({
        model: 'leases',
        operation: 'update',
        xId: String(lease.id),
        fields: { property_id: String(lease.propertyId), ...fields },
      });
    const received = () => server.sandbox.writes.snapshot().updateLease?.received ?? 0;
    // Without property_id the writer finds the lease's property (getLeases of each) and sends it.
    const found = await writtenRecord(writer(), {
      model: 'leases',
      operation: 'update',
      xId: String(lease.id),
      fields: { scheduled_move_in_date: '2030-04-01' },
    });
    expect((found.record as { moveInDate: string }).moveInDate).toBe('04/01/2030');
    const sent = clients.sent().filter((r) => (r.body as any).method.name === 'updateLease');
    expect((sent[0].body as any).method.params.propertyId).toBe(lease.propertyId);
    expect(received()).toBe(1);
    server.sandbox.faults.add({ path: '/leases', status: 500, times: 1 });
    const result = await writtenRecord(writer(), {
      model: 'leases',
      operation: 'update',
      xId: String(lease.id),
      fields: { property_id: String(lease.propertyId), scheduled_move_in_date: '2030-05-06' },
    });
    expect(received()).toBe(3);
    expect(result.xId).toBe(String(lease.id));
    expect((result.record as { moveInDate: string }).moveInDate).toBe('05/06/2030');

    server.sandbox.faults.add({ path: '/leases', status: 500, times: 1 });
    const error = await update({ other_occupants: [{ first_name: 'Grace', last_name: 'Hopper' }] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VendorOutcomeUnknownError);
    expect(received()).toBe(4);
  });

  it('creates a unit and reads it back from its property: the record as a sync lists it', async () => {
    const property = server.sandbox.data.properties[0];
    const result = await writtenRecord(writer(), {
      model: 'units',
      operation: 'create',
      fields: { property_id: String(property.PropertyID), number: 'W-1', bedrooms: '3', bathrooms: '2' },
    });
    const unit = server.sandbox.data.units.find((u) => u.unitNumber === 'W-1')!;
    expect(result.xId).toBe(String(unit.id));
    const mapped = mapEntrataRecord('units', result.record, jobMappingContext('i-1'));
    expect(mapped?.values).toMatchObject({
      number: 'W-1',
      bedrooms: '3',
      bathrooms: '2',
      x_property_id: String(property.PropertyID),
    });
  });

  it("an error envelope in HTTP 200 and a Failed item each fail the write with Entrata's message", async () => {
    const property = server.sandbox.data.properties[0];
    const taken = server.sandbox.data.units.find((u) => u.propertyId === property.PropertyID)!;
    const failed = await writer()
      .write({
        model: 'units',
        operation: 'create',
        fields: { property_id: String(property.PropertyID), number: taken.unitNumber },
      })
      .catch((e: unknown) => e);
    expect((failed as Error).message).toBe(
      `Entrata sendPropertyUnits failed: Unit number ${taken.unitNumber} already exists.`,
    );
    const invalid = await writer()
      .write({ model: 'units', operation: 'create', fields: { property_id: 'P-1', number: 'W-2' } })
      .catch((e: unknown) => e);
    expect((invalid as Error).message).toBe('Entrata sendPropertyUnits error 400: propertyId must be a numeric id.');
  });
});

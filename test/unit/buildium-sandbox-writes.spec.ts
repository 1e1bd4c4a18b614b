import {
  VendorAccessDeniedError,
  VendorHttp,
  VendorWriteRejectedError,
  type VendorExchange,
} from '../../src/fetch/adapter/vendor-http';
import {
  BUILDIUM_WRITE_FIELDS,
  BuildiumWriter,
  propertyMessage,
  tenantMessage,
  unitBathrooms,
  unitBedrooms,
} from '../../src/fetch/buildium/buildium.writes';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import {
  BUILDIUM_SANDBOX_BANK_ACCOUNTS,
  startBuildiumSandboxServer,
} from '../../src/sandbox/buildium/buildium-sandbox';
import { assertValid, referenceDocument } from '../support/propexo-schema';

const CREDS = { clientId: 'write-client', secret: 'write-secret' };
const READ_ONLY = { clientId: 'read-only-client', secret: 'write-secret', readOnly: true };
const headers = (creds: { clientId: string; secret: string } = CREDS, json = true) => ({
  'x-buildium-client-id': creds.clientId,
  'x-buildium-client-secret': creds.secret,
  ...(json ? { 'content-type': 'application/json' } : {}),
});

/** The sandbox's tenant writes as docs/vendors/buildium.md (Writes) and Buildium's OpenAPI describe them. */
describe('Buildium sandbox: tenant writes', () => {
  let server: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  const send = (method: string, path: string, body: unknown, h: Record<string, string> = headers()) =>
    fetch(`${server.url}${path}`, { method, headers: h, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const post = (body: unknown) => {
    const message: any = { LeaseId: server.sandbox.data.leases[0].Id, FirstName: 'New', LastName: 'Tenant' };
    message.Address = { AddressLine1: '1 Main St', Country: 'UnitedStates' };
    return { ...message, ...(body as object) };
  };

  beforeAll(async () => {
    server = await startBuildiumSandboxServer({ residents: 30, seed: 9, credentials: [CREDS, READ_ONLY] });
  });
  afterAll(() => server.close());

  it('creates a tenant on its lease: 201 with the TenantMessage, readable after, counted once', async () => {
    const before = server.sandbox.writes.snapshot()['POST /v1/leases/tenants']?.received ?? 0;
    const phones = { Mobile: '(503) 555-0101', Work: '503-555-0102' };
    const res = await send('POST', '/v1/leases/tenants', post({ PhoneNumbers: phones }));
    expect(res.status).toBe(201);
    const tenant = (await res.json()) as any;
    // PhoneNumberMessage.Type has no Work: a work number reads back as Office.
    assertValid('TenantMessage', tenant, 'buildium-openapi.json', { closed: true });
    expect(tenant.PhoneNumbers).toEqual([
      { Number: '503-555-0102', Type: 'Office' },
      { Number: '(503) 555-0101', Type: 'Cell' },
    ]);
    expect(tenant.Leases.map((l: any) => l.Id)).toEqual([server.sandbox.data.leases[0].Id]);
    const read = await fetch(`${server.url}/v1/leases/tenants/${tenant.Id}`, { headers: headers() });
    expect(((await read.json()) as any).FirstName).toBe('New');
    expect((server.sandbox.writes.snapshot()['POST /v1/leases/tenants']?.received ?? 0) - before).toBe(1);
  });

  it('answers 400 with Errors[{Key, Value}] for a malformed body, 422 for an unknown lease, 415 without JSON', async () => {
    const bad = await send(
      'POST',
      '/v1/leases/tenants',
      post({ FirstName: '', Address: { AddressLine1: 'x' }, PhoneNumbers: { Home: '555-0101' } }),
    );
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as any;
    assertValid('ApiErrorResponse', error, 'buildium-openapi.json', { closed: true });
    expect(error.Errors.map((e: any) => e.Key)).toEqual(['FirstName', 'Address.Country', 'PhoneNumbers.Home']);
    const unknownLease = await send('POST', '/v1/leases/tenants', post({ LeaseId: 999_999_999 }));
    expect(unknownLease.status).toBe(422);
    const notJson = await send('POST', '/v1/leases/tenants', JSON.stringify(post({})), headers(CREDS, false));
    expect(notJson.status).toBe(415);
  });

  it('checks permission before the body: a read-only key gets 403 even for an empty body', async () => {
    const res = await send('POST', '/v1/leases/tenants', {}, headers(READ_ONLY));
    expect(res.status).toBe(403);
  });

  it('a PUT replaces the whole record: what it leaves out is blanked, unless it is the merged message', async () => {
    const tenant = server.sandbox.data.tenants.find((t) => t.Email && t.PhoneNumbers.length > 0)!;
    const naive = { FirstName: tenant.FirstName, LastName: tenant.LastName, Address: tenant.Address };
    const blanked = await send('PUT', `/v1/leases/tenants/${tenant.Id}`, naive);
    expect(blanked.status).toBe(200);
    const after = (await blanked.json()) as any;
    expect(after.Email).toBeUndefined();
    expect(after.PhoneNumbers).toEqual([]);

    const other = server.sandbox.data.tenants.find((t) => t.Email && t.PhoneNumbers.length > 0 && t !== tenant)!;
    const current = (await (
      await fetch(`${server.url}/v1/leases/tenants/${other.Id}`, { headers: headers() })
    ).json()) as any;
    const merged = await send('PUT', `/v1/leases/tenants/${other.Id}`, tenantMessage(current, { notes: 'Merged' }));
    expect(merged.status).toBe(200);
    const kept = (await merged.json()) as any;
    expect(kept).toMatchObject({ Email: current.Email, Comment: 'Merged', Address: current.Address });
    expect(kept.PhoneNumbers.map((p: any) => p.Number).sort()).toEqual(
      current.PhoneNumbers.map((p: any) => p.Number).sort(),
    );
  });

  it('an afterApply fault does the write, then answers the fault', async () => {
    server.sandbox.faults.add({ path: '/v1/leases/tenants', method: 'POST', afterApply: true, status: 500, times: 1 });
    const count = server.sandbox.data.tenants.length;
    const res = await send('POST', '/v1/leases/tenants', post({ FirstName: 'Applied' }));
    expect(res.status).toBe(500);
    expect(server.sandbox.data.tenants.length - count).toBe(1);
    // A GET of the same path is not a POST: the method keeps a write's fault off the reads.
    server.sandbox.faults.add({ path: '/v1/leases/tenants', method: 'POST', status: 503, times: 1 });
    expect((await fetch(`${server.url}/v1/leases/tenants?limit=1`, { headers: headers() })).status).toBe(200);
    server.sandbox.faults.clear();
  });
});

const BUILDIUM = 'buildium-openapi.json';
const closed = { closed: true };

/** Leases (/v1/leases), rentals (/v1/rentals) and units (/v1/rentals/units) as Buildium's OpenAPI describes their writes. */
describe('Buildium sandbox: lease, rental and unit writes', () => {
  let server: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  const send = async (method: string, path: string, body: unknown, h: Record<string, string> = headers()) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: h,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const read = async (path: string) => (await fetch(`${server.url}${path}`, { headers: headers() })).json() as any;
  const address = {
    AddressLine1: '40 Quay Street',
    City: 'Salem',
    State: 'OR',
    PostalCode: '97301',
    Country: 'UnitedStates',
  };
  const rental = (extra: Record<string, unknown> = {}) => ({
    Name: 'Quay Flats',
    Address: address,
    RentalSubType: 'MultiFamily',
    OperatingBankAccountId: BUILDIUM_SANDBOX_BANK_ACCOUNTS[0],
    ...extra,
  });
  const writes = (operation: string) => server.sandbox.writes.snapshot()[operation] ?? { received: 0, applied: 0 };

  beforeAll(async () => {
    server = await startBuildiumSandboxServer({ residents: 30, seed: 9, credentials: [CREDS, READ_ONLY] });
  });
  afterAll(() => server.close());

  it('creates a rental (201 RentalMessage) with its default unit when it names no Units, and updates it', async () => {
    const unitsBefore = server.sandbox.data.units.length;
    const created = await send('POST', '/v1/rentals', rental({ YearBuilt: 1999, StructureDescription: 'Brick' }));
    expect(created.status).toBe(201);
    assertValid('RentalMessage', created.body, BUILDIUM, closed);
    expect(created.body).toMatchObject({
      Name: 'Quay Flats',
      RentalType: 'Residential',
      NumberUnits: 1,
      YearBuilt: 1999,
    });
    expect(server.sandbox.data.units.length - unitsBefore).toBe(1);
    expect(server.sandbox.data.units.at(-1)).toMatchObject({ PropertyId: created.body.Id, Address: address });
    expect(writes('POST /v1/rentals')).toMatchObject({ received: 1, applied: 1 });

    // A PUT replaces the record: what it leaves out (YearBuilt, StructureDescription) is blanked.
    const put = await send(
      'PUT',
      `/v1/rentals/${created.body.Id}`,
      rental({ Name: 'Quay Lofts', RentalSubType: 'Office' }),
    );
    expect(put.status).toBe(200);
    assertValid('RentalMessage', put.body, BUILDIUM, closed);
    expect(put.body).toMatchObject({ Name: 'Quay Lofts', RentalType: 'Commercial', RentalSubType: 'Office' });
    expect(put.body.YearBuilt).toBeUndefined();
    expect(put.body.StructureDescription).toBeUndefined();
    expect((await read(`/v1/rentals/${created.body.Id}`)).Name).toBe('Quay Lofts');
  });

  it('creates a unit (201 RentalUnitMessage) on its rental, and a PUT blanks what it leaves out', async () => {
    const property = server.sandbox.data.rentals[0];
    const created = await send('POST', '/v1/rentals/units', {
      PropertyId: property.Id,
      UnitNumber: 'Q-7',
      Address: address,
      UnitBedrooms: 'Studio',
      UnitBathrooms: 'OnePointFiveBath',
      MarketRent: 1450.5,
      UnitSize: 480,
    });
    expect(created.status).toBe(201);
    assertValid('RentalUnitMessage', created.body, BUILDIUM, closed);
    expect(created.body).toMatchObject({ PropertyId: property.Id, UnitNumber: 'Q-7', IsUnitOccupied: false });
    const put = await send('PUT', `/v1/rentals/units/${created.body.Id}`, { UnitNumber: 'Q-8', Address: address });
    expect(put.status).toBe(200);
    assertValid('RentalUnitMessage', put.body, BUILDIUM, closed);
    expect(put.body).toMatchObject({ UnitNumber: 'Q-8', PropertyId: property.Id });
    expect(put.body.MarketRent).toBeUndefined();
    expect(put.body.UnitBedrooms).toBeUndefined();
    // The unit number is unique within its rental.
    const taken = server.sandbox.data.units.find((u) => u.PropertyId === property.Id && u.Id !== created.body.Id)!;
    const duplicate = await send('PUT', `/v1/rentals/units/${created.body.Id}`, {
      UnitNumber: taken.UnitNumber,
      Address: address,
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.Errors).toEqual([{ Key: 'UnitNumber', Value: expect.any(String) }]);
  });

  it('creates a lease (201 LeaseMessage) with its tenants and rent; a PUT changes dates and flags, not rent or tenants', async () => {
    const unit = server.sandbox.data.units.find((u) => !server.sandbox.data.leases.some((l) => l.UnitId === u.Id))!;
    const tenant = server.sandbox.data.tenants[0];
    const tenantsBefore = server.sandbox.data.tenants.length;
    const created = await send('POST', '/v1/leases', {
      LeaseType: 'Fixed',
      UnitId: unit.Id,
      LeaseFromDate: '2025-03-01',
      LeaseToDate: '2099-02-28',
      SendWelcomeEmail: false,
      TenantIds: [tenant.Id],
      Tenants: [{ FirstName: 'Ines', LastName: 'Moreau', Address: address }],
      Rent: { Cycle: 'Monthly', Charges: [{ Amount: 1875.25, GlAccountId: 4000, NextDueDate: '2025-03-01' }] },
    });
    expect(created.status).toBe(201);
    assertValid('LeaseMessage', created.body, BUILDIUM, closed);
    expect(created.body).toMatchObject({
      UnitId: unit.Id,
      PropertyId: unit.PropertyId,
      LeaseStatus: 'Active',
      AccountDetails: { Rent: 1875.25 },
    });
    expect(server.sandbox.data.tenants.length - tenantsBefore).toBe(1);
    const newTenant = server.sandbox.data.tenants.at(-1)!;
    expect(created.body.Tenants.map((t: any) => t.Id)).toEqual([tenant.Id, newTenant.Id]);
    expect((await read(`/v1/leases/tenants/${newTenant.Id}`)).Leases.map((l: any) => l.Id)).toEqual([created.body.Id]);

    const put = await send('PUT', `/v1/leases/${created.body.Id}`, {
      LeaseType: 'AtWill',
      UnitId: unit.Id,
      LeaseFromDate: '2025-03-01',
      IsEvictionPending: true,
    });
    expect(put.status).toBe(200);
    assertValid('LeaseMessage', put.body, BUILDIUM, closed);
    expect(put.body).toMatchObject({ LeaseType: 'AtWill', TermType: 'MonthToMonth', IsEvictionPending: true });
    expect(put.body.LeaseToDate).toBeUndefined();
    expect(put.body.AccountDetails.Rent).toBe(1875.25);
    expect(put.body.Tenants).toHaveLength(2);

    // Another lease over the same dates on that unit: Buildium's 422.
    const overlapping = await send('POST', '/v1/leases', {
      LeaseType: 'Fixed',
      UnitId: unit.Id,
      LeaseFromDate: '2030-01-01',
      LeaseToDate: '2030-12-31',
      SendWelcomeEmail: false,
    });
    expect(overlapping.status).toBe(422);
    assertValid('ApiErrorResponse', overlapping.body, BUILDIUM, closed);
  });

  it.each([
    [
      '/v1/leases',
      { LeaseType: 'Yearly', UnitId: 'x', SendWelcomeEmail: false },
      ['LeaseType', 'UnitId', 'LeaseFromDate'],
    ],
    [
      '/v1/rentals',
      rental({ Name: '', RentalSubType: 'Castle', Address: { AddressLine1: 'x' } }),
      ['Name', 'Address.Country', 'RentalSubType'],
    ],
    [
      '/v1/rentals/units',
      { PropertyId: 1, UnitNumber: 'x'.repeat(31), UnitBedrooms: 'TenBed' },
      ['UnitNumber', 'Address', 'UnitBedrooms'],
    ],
  ])('POST %s: 400 with Errors[].Key naming each malformed field, nothing applied', async (path, body, keys) => {
    const count =
      server.sandbox.data.leases.length + server.sandbox.data.rentals.length + server.sandbox.data.units.length;
    const res = await send('POST', path, body);
    expect(res.status).toBe(400);
    assertValid('ApiErrorResponse', res.body, BUILDIUM, closed);
    expect(res.body.Errors.map((e: any) => e.Key)).toEqual(keys);
    expect(
      server.sandbox.data.leases.length + server.sandbox.data.rentals.length + server.sandbox.data.units.length,
    ).toBe(count);
  });

  it.each([
    [
      '/v1/leases',
      { LeaseType: 'Fixed', UnitId: 999_999, LeaseFromDate: '2031-01-01', SendWelcomeEmail: false },
      'UnitId',
    ],
    ['/v1/rentals', rental({ OperatingBankAccountId: 777 }), 'OperatingBankAccountId'],
    ['/v1/rentals/units', { PropertyId: 999_999, UnitNumber: '1', Address: address }, 'PropertyId'],
  ])('POST %s: 422 for an id Buildium does not have', async (path, body, key) => {
    const res = await send('POST', path, body);
    expect(res.status).toBe(422);
    assertValid('ApiErrorResponse', res.body, BUILDIUM, closed);
    expect(res.body.Errors.map((e: any) => e.Key)).toEqual([key]);
  });

  it.each(['/v1/leases', '/v1/rentals', '/v1/rentals/units'])(
    '%s: permission before the body (403 for a read-only key), 415 without JSON, 404 for an unknown record',
    async (path) => {
      expect((await send('POST', path, {}, headers(READ_ONLY))).status).toBe(403);
      expect((await send('POST', path, {})).status).toBe(400);
      expect((await send('POST', path, '{}', headers(CREDS, false))).status).toBe(415);
      expect((await send('PUT', `${path}/999999999`, {})).status).toBe(400);
      const valid =
        path === '/v1/leases'
          ? { LeaseType: 'Fixed', UnitId: 1, LeaseFromDate: '2030-01-01', IsEvictionPending: false }
          : path === '/v1/rentals'
            ? rental()
            : { UnitNumber: 'Z', Address: address };
      expect((await send('PUT', `${path}/999999999`, valid)).status).toBe(404);
    },
  );
});

/** The writer's messages against Buildium's OpenAPI, and its writes through the sandbox. */
describe('BuildiumWriter: leases, properties and units', () => {
  let server: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let writer: BuildiumWriter;

  beforeAll(async () => {
    server = await startBuildiumSandboxServer({ residents: 30, seed: 9, credentials: [CREDS, READ_ONLY] });
    writer = writerFor(CREDS);
  });
  afterAll(() => server.close());

  /** A writer with `creds` against the sandbox, its exchanges to `exchanges`. */
  const writerFor = (creds: typeof CREDS, exchanges?: (e: VendorExchange) => void) =>
    new BuildiumWriter(
      new VendorHttp({
        baseUrl: server.url,
        headers: headers(creds, false),
        guard: new OutboundGuard(['127.0.0.0/8']),
        throttleBackoffMs: 1,
        maxAttempts: 2,
        sleep: async () => undefined,
        exchanges,
      }),
    );

  it('maps bedrooms and bathrooms to Buildium enums value by value, refusing what has none', () => {
    expect(['0', '1', '2', '8', '9', '12', null].map(unitBedrooms)).toEqual([
      'Studio',
      'OneBed',
      'TwoBed',
      'EightBed',
      'NineBedPlus',
      'NineBedPlus',
      'NotSet',
    ]);
    expect(['1', '1.5', '2', '2.5', '3', '3.5', '4', '4.5', '5', '5.5', '7', null].map(unitBathrooms)).toEqual([
      'OneBath',
      'OnePointFiveBath',
      'TwoBath',
      'TwoPointFiveBath',
      'ThreeBath',
      'ThreePointFiveBath',
      'FourBath',
      'FourPointFiveBath',
      'FiveBath',
      'FivePlusBath',
      'FivePlusBath',
      'NotSet',
    ]);
    expect(['0', '1.25', 'two', '-1'].map(unitBathrooms)).toEqual([undefined, undefined, undefined, undefined]);
    expect(['1.5', 'two', ''].map(unitBedrooms)).toEqual([undefined, undefined, undefined]);
  });

  it('maps every property type the spec names to a RentalSubType, except Other and Short-term/vacation', () => {
    const check = BUILDIUM_WRITE_FIELDS.properties!.create!.checks!.type;
    const types = referenceDocument('propexo-openapi.yml');
    const named: string[] = types.components.schemas['_v1_properties__post_input'].properties.type.enum;
    const subtypes = Object.fromEntries(
      named.map((t) => [t, check(t) === null ? propertyMessage({}, { type: t }).RentalSubType : null]),
    );
    expect(subtypes).toEqual({
      Apartment: 'MultiFamily',
      Condo: 'CondoTownhome',
      Commercial: 'Office',
      'Du/Fourplex': 'MultiFamily',
      House: 'SingleFamily',
      'Section 8/Affordable': 'MultiFamily',
      Senior: 'MultiFamily',
      'Short-term/vacation': null,
      Student: 'MultiFamily',
      Townhouse: 'CondoTownhome',
      Other: null,
    });
  });

  it('creates and updates each model; every message is a closed Post or Put message of the spec', async () => {
    const sent: Array<{ method: string; path: string; body: unknown }> = [];
    const recording = writerFor(CREDS, (e) => sent.push({ method: e.method, path: e.path, body: e.body }));
    const property = await recording.write({
      model: 'properties',
      operation: 'create',
      fields: {
        name: 'Writer Court',
        address_1: '1 Writer Way',
        city: 'Bend',
        state: 'OR',
        zip: '97701',
        country: 'US',
        type: 'House',
        x_operating_bank_account_id: '2',
        year_built: 2001,
      },
    });
    expect(property.record).toMatchObject({
      Name: 'Writer Court',
      RentalSubType: 'SingleFamily',
      OperatingBankAccountId: 2,
    });
    const unit = await recording.write({
      model: 'units',
      operation: 'create',
      fields: {
        property_id: property.xId,
        number: 'W-1',
        bedrooms: '0',
        bathrooms: '1.5',
        rent_amount_market_in_cents: 123456,
      },
    });
    // No address given: the property's.
    expect(unit.record).toMatchObject({
      UnitNumber: 'W-1',
      UnitBedrooms: 'Studio',
      UnitBathrooms: 'OnePointFiveBath',
      MarketRent: 1234.56,
      Address: { AddressLine1: '1 Writer Way', Country: 'UnitedStates' },
    });
    const lease = await recording.write({
      model: 'leases',
      operation: 'create',
      fields: {
        type: 'Fixed',
        unit_id: unit.xId,
        start_date: '2025-06-01T00:00:00Z',
        end_date: '2099-05-31',
        first_name: 'Ada',
        last_name: 'Byrne',
        address_1: '9 Old Road',
        country: 'US',
        rent_cycle: 'Monthly',
        rent_amount_in_cents: 150000,
        financial_account_id: '4000',
        rent_due_date: '2025-06-01',
      },
    });
    expect(lease.record).toMatchObject({ LeaseFromDate: '2025-06-01', AccountDetails: { Rent: 1500 } });
    await recording.write({
      model: 'properties',
      operation: 'update',
      xId: property.xId!,
      fields: { name: 'Writer Court II' },
    });
    await recording.write({ model: 'units', operation: 'update', xId: unit.xId!, fields: { bedrooms: '2' } });
    await recording.write({
      model: 'leases',
      operation: 'update',
      xId: lease.xId!,
      fields: { is_eviction_pending: true },
    });
    // Updates kept what they did not name.
    expect(server.sandbox.data.rentals.find((r) => String(r.Id) === property.xId)).toMatchObject({
      Name: 'Writer Court II',
      YearBuilt: 2001,
      RentalSubType: 'SingleFamily',
    });
    expect(server.sandbox.data.units.find((r) => String(r.Id) === unit.xId)).toMatchObject({
      UnitBedrooms: 'TwoBed',
      UnitBathrooms: 'OnePointFiveBath',
      MarketRent: 1234.56,
    });
    expect(server.sandbox.data.leases.find((r) => String(r.Id) === lease.xId)).toMatchObject({
      IsEvictionPending: true,
      LeaseToDate: '2099-05-31',
      LeaseType: 'Fixed',
    });

    const schemaOf: Record<string, string> = {
      'POST /v1/rentals': 'RentalPropertyPostMessage',
      'PUT /v1/rentals/{id}': 'RentalPropertyPutMessage',
      'POST /v1/rentals/units': 'RentalUnitsPostMessage',
      'PUT /v1/rentals/units/{id}': 'RentalUnitPutMessage',
      'POST /v1/leases': 'LeasePostMessage',
      'PUT /v1/leases/{id}': 'LeasePutMessage',
    };
    const written = sent.filter((e) => e.method !== 'GET');
    expect(written).toHaveLength(6);
    for (const e of written) {
      const schema = schemaOf[`${e.method} ${e.path.replace(/\/\d+$/, '/{id}')}`];
      assertValid(schema, e.body, BUILDIUM, closed);
    }
  });

  it("turns Buildium's 400 and 422 into readable errors: the UserMessage, then one Key: Value per field", async () => {
    const refused = writer.write({
      model: 'properties',
      operation: 'create',
      fields: { name: 'Nowhere', address_1: '1 Road', country: 'US', type: 'House', x_operating_bank_account_id: '99' },
    });
    await expect(refused).rejects.toBeInstanceOf(VendorWriteRejectedError);
    await expect(refused).rejects.toMatchObject({
      status: 422,
      errors: [
        'Buildium refused the write (HTTP 422): The request could not be processed.',
        'OperatingBankAccountId: Bank account 99 does not exist.',
      ],
    });
    const malformed = writer.write({
      model: 'units',
      operation: 'create',
      fields: { property_id: String(server.sandbox.data.rentals[0].Id), address_1: '2 Road', country: 'US' },
    });
    await expect(malformed).rejects.toMatchObject({
      status: 400,
      errors: [
        'Buildium refused the write (HTTP 400): The request has validation errors.',
        'UnitNumber: UnitNumber is required.',
      ],
    });
  });

  it.each(['residents', 'leases', 'properties', 'units'] as const)(
    'probes %s create and update with an empty body: 400 proves the key may write, 403 is thrown',
    async (model) => {
      for (const operation of ['create', 'update'] as const) {
        const before = JSON.stringify(server.sandbox.data);
        await expect(writer.probe(model, operation)).resolves.toBeUndefined();
        expect(JSON.stringify(server.sandbox.data)).toBe(before);
      }
      const readOnly = writerFor(READ_ONLY);
      await expect(readOnly.probe(model, 'create')).rejects.toBeInstanceOf(VendorAccessDeniedError);
    },
  );
});

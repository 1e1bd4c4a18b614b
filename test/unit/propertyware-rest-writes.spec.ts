import {
  createPropertywareRestSandbox,
  startPropertywareRestSandboxServer,
} from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { VendorAccessDeniedError } from '../../src/fetch/adapter/vendor-http';
import { recordingClients } from '../support/recording-client';
import {
  BUILDING_CARRIED,
  buildingMessage,
  CONTACT_CARRIED,
  contactMessage,
  fieldErrors,
  LEASE_CARRIED,
  leaseMessage,
  LEASE_STATUS_WRITE,
  PROPERTY_TYPE_CODE,
  PROPERTYWARE_REST_WRITE_FIELDS,
  UNIT_CARRIED,
  unitMessage,
  workOrderMessage,
  closeMessage,
  chargeMessage,
  paymentMessage,
  PAYMENT_TYPE_WRITE,
  WORK_ORDER_PRIORITY,
  AUTHORIZE_ENTER_WRITE,
} from '../../src/fetch/propertyware-rest/propertyware-rest.writes';
import { propertywareRestAdapter } from '../../src/fetch/propertyware-rest/propertyware-rest.adapter';
import { CANONICAL_MODELS } from '../../src/catalogue/canonical-models';
import { openapiValidator, referenceDocument } from '../support/propexo-schema';

const SPEC = 'propertyware-openapi.json';
const schemas = referenceDocument(SPEC).components.schemas as Record<string, { properties: Record<string, any> }>;
const propexo = referenceDocument('propexo-openapi.yml').components.schemas as Record<string, any>;

/** The message validates against the spec's Save/Update schema, closed: no field it does not name. */
function expectValid(schema: string, message: unknown): void {
  const validate = openapiValidator(SPEC, schema, { closed: true });
  expect({ schema, valid: validate(message), errors: validate.errors ?? null }).toEqual({
    schema,
    valid: true,
    errors: null,
  });
}

const building = { id: 501, portfolioID: 77, areaUnits: 'Sq Ft' };

describe('Propertyware REST writes: the messages the writer builds', () => {
  it('every canonical field a write takes is a field of the spec input of that model and operation', () => {
    for (const [model, ops] of Object.entries(PROPERTYWARE_REST_WRITE_FIELDS))
      for (const [operation, fields] of Object.entries(ops!)) {
        const input = CANONICAL_MODELS[model as 'residents'].writes[operation as 'create']!.input;
        const names = Object.keys(propexo[input].properties);
        expect({ model, operation, unknown: fields!.writable.filter((f) => !names.includes(f)) }).toEqual({
          model,
          operation,
          unknown: [],
        });
        for (const required of fields!.required) expect(fields!.writable).toContain(required);
      }
    expect(propertywareRestAdapter.writeFields).toBe(PROPERTYWARE_REST_WRITE_FIELDS);
  });

  it('each field a PUT carries over is a field of the Save schema and of the read schema (under its read name)', () => {
    const tables = [
      ['SaveContact', 'Contact', CONTACT_CARRIED],
      ['SaveLease', 'Lease', LEASE_CARRIED],
      ['UpdateBuilding', 'Building', BUILDING_CARRIED],
      ['SaveUnit', 'Unit', UNIT_CARRIED],
    ] as const;
    for (const [save, read, table] of tables)
      for (const { save: field, read: readName } of table) {
        expect(`${save}.${field}: ${field in schemas[save].properties}`).toBe(`${save}.${field}: true`);
        expect(`${read}.${readName ?? field}: ${(readName ?? field) in schemas[read].properties}`).toBe(
          `${read}.${readName ?? field}: true`,
        );
      }
    // And a Save field readable under its own name that no table carries would be blanked by every PUT.
    const carried = (table: readonly { save: string }[]) => table.map((c) => c.save);
    const leftOut = (save: string, read: string, table: readonly { save: string }[], allowed: string[]) =>
      Object.keys(schemas[save].properties).filter(
        (f) => f in schemas[read].properties && !carried(table).includes(f) && !allowed.includes(f),
      );
    expect(leftOut('SaveContact', 'Contact', CONTACT_CARRIED, ['category'])).toEqual([]);
    expect(leftOut('SaveLease', 'Lease', LEASE_CARRIED, [])).toEqual([]);
    expect(leftOut('UpdateBuilding', 'Building', BUILDING_CARRIED, [])).toEqual([]);
    expect(leftOut('SaveUnit', 'Unit', UNIT_CARRIED, [])).toEqual([]);
  });

  it('residents: SaveContact with each phone in the field of its type, the date as YYYY-MM-DD, the country named', () => {
    const message = contactMessage(
      {},
      {
        first_name: 'Wren',
        middle_name: 'Q',
        last_name: 'Okafor',
        email_1: 'wren@example.com',
        email_2: 'wren.alt@example.com',
        phone_1: '555-0100',
        phone_1_type: 'MOBILE',
        phone_2: '555-0199',
        phone_2_type: 'FAX',
        date_of_birth: '1990-04-05T00:00:00.000Z',
        notes: 'Prefers email',
        address_1: '12 Harbour Road',
        address_2: 'Apt 4',
        city: 'Portland',
        state: 'OR',
        zip: '97201',
        country: 'US',
      },
    );
    expect(message).toEqual({
      firstName: 'Wren',
      middleName: 'Q',
      lastName: 'Okafor',
      email: 'wren@example.com',
      altEmail: 'wren.alt@example.com',
      mobilePhone: '555-0100',
      fax: '555-0199',
      birthDate: '1990-04-05',
      comments: 'Prefers email',
      address: {
        address: '12 Harbour Road',
        addressCont: 'Apt 4',
        city: 'Portland',
        stateRegion: 'OR',
        postalCode: '97201',
        country: 'United States',
      },
    });
    expectValid('SaveContact', message);
    const phones = ['HOME', 'WORK', 'OTHER', 'MOBILE', 'FAX'].map(
      (type) =>
        Object.keys(contactMessage({}, { first_name: 'A', last_name: 'B', phone_1: '1', phone_1_type: type }))[2],
    );
    expect(phones).toEqual(['homePhone', 'workPhone', 'otherPhone', 'mobilePhone', 'fax']);
  });

  it('leases: SaveLease with the resident as tenant and primary, moveInDate from start_date, rent in dollars, status by the table', () => {
    const message = leaseMessage(
      {},
      {
        unit_id: '8801',
        resident_id: '3007',
        start_date: '2026-03-01T00:00:00Z',
        end_date: '2027-02-28',
        rent_amount_in_cents: 123456,
        status: 'PENDING',
        scheduled_move_out_date: '2027-02-27T00:00:00Z',
        notes: 'New lease',
      },
    );
    expect(message).toEqual({
      unitID: 8801,
      tenantIDs: [3007],
      primaryContactID: 3007,
      startDate: '2026-03-01',
      endDate: '2027-02-28',
      moveInDate: '2026-03-01',
      scheduleMoveOutDate: '2027-02-27',
      baseRent: 1234.56,
      status: 'Draft',
      comments: 'New lease',
    });
    expectValid('SaveLease', message);
    expect(leaseMessage({}, { start_date: '2026-03-01', scheduled_move_in_date: '2026-03-05' }).moveInDate).toBe(
      '2026-03-05',
    );
    expect(LEASE_STATUS_WRITE).toEqual({
      PENDING: 'Draft',
      ACTIVE: 'Active',
      APPROVED: 'Active',
      SIGNED: 'Active',
      CANCELED: 'Terminated',
      DENIED: 'Terminated',
    });
    // Every canonical status the spec's inputs take has a Propertyware status.
    const statuses = [
      ...propexo._v1_leases__post_input.properties.status.enum,
      ...propexo['_v1_leases_{lease_id}_put_input'].properties.status.enum,
    ];
    for (const status of statuses) expect(LEASE_STATUS_WRITE[status]).toEqual(expect.any(String));
  });

  it('properties: SaveBuilding with the propertyType code of each canonical type, category upper-cased, defaults', () => {
    const types: string[] = propexo._v1_properties__post_input.properties.type.enum;
    const codes = schemas.SaveBuilding.properties.propertyType.enum as string[];
    expect(Object.keys(PROPERTY_TYPE_CODE).filter((t) => t !== 'None')).toEqual(types);
    for (const type of types) {
      const message = buildingMessage(
        {},
        { name: 'Harbour View Apartments', x_portfolio_id: '90017', category: 'Residential', type },
        'create',
      );
      expect(codes).toContain(message.propertyType);
      expect(message).toMatchObject({
        name: 'Harbour View Apartments',
        abbreviation: 'Harbour View',
        portfolioID: 90017,
        category: 'RESIDENTIAL',
        type,
        countUnit: 1,
        rentable: true,
      });
      expectValid('SaveBuilding', message);
    }
    expect(buildingMessage({}, { type: 'Du/Fourplex', name: 'x' }, 'create').propertyType).toBe('DU_FOUR_PLEX');
    expect(buildingMessage({}, { type: 'Short-term/vacation', name: 'x' }, 'create').propertyType).toBe(
      'SHORT_TERM_VACATION',
    );
    const full = buildingMessage(
      {},
      {
        name: 'Dock',
        abbreviation: 'DCK',
        x_portfolio_id: '1',
        category: 'Commercial',
        type: 'Commercial',
        year_built: 1999,
        square_footage: '1200.5',
        notes: 'By the water',
        address_1: '1 Pier',
        city: 'Salem',
        state: 'MA',
        zip: '01970',
        country: 'US',
      },
      'create',
    );
    expect(full).toMatchObject({
      category: 'COMMERCIAL',
      yearBuilt: 1999,
      totalArea: 1200.5,
      description: 'By the water',
    });
    expectValid('SaveBuilding', full);
  });

  it('units: SaveUnit with the building and its portfolio, rooms as numbers, rent in dollars, the date as YYYY-MM-DD', () => {
    const message = unitMessage(
      {},
      {
        property_id: '501',
        number: '4B',
        category: 'Residential',
        type: 'Apartment',
        bedrooms: '2',
        bathrooms: '1.5',
        square_feet: 850,
        rent_amount_market_in_cents: 185000,
        date_available: '2026-05-01T00:00:00Z',
        notes: 'Corner unit',
        address_1: '1 Main St',
        city: 'Salem',
        state: 'MA',
        zip: '01970',
        country: 'US',
      },
      building,
    );
    expect(message).toEqual({
      buildingID: 501,
      portfolioID: 77,
      name: '4B',
      abbreviation: '4B',
      category: 'RESIDENTIAL',
      type: 'Apartment',
      numberBedrooms: 2,
      numberBathrooms: 1.5,
      totalArea: 850,
      targetRent: 1850,
      availableDate: '2026-05-01',
      description: 'Corner unit',
      address: {
        address: '1 Main St',
        city: 'Salem',
        stateRegion: 'MA',
        postalCode: '01970',
        country: 'United States',
      },
    });
    expectValid('SaveUnit', message);
    // Square feet written into a unit measured in square metres are converted to its units.
    expect(unitMessage({ name: 'A', areaUnits: 'Sq M' }, { square_feet: 1076.39 }).totalArea).toBe(100);
    expect(() => unitMessage({}, { property_id: '501', category: 'Residential', type: 'House' }, building)).toThrow(
      /a unit needs a name: send name or number/,
    );
  });

  it('an update is the whole current record, read names turned into Save names, overlaid with the fields given', () => {
    const sandbox = createPropertywareRestSandbox({ residents: 30, seed: 11 });
    const { contacts, leases, buildings, units } = sandbox.data;
    for (const contact of contacts) expectValid('SaveContact', contactMessage(contact, {}));
    for (const lease of leases) expectValid('SaveLease', leaseMessage(lease, {}));
    for (const b of buildings) expectValid('UpdateBuilding', buildingMessage(b, {}, 'update'));
    for (const unit of units) expectValid('SaveUnit', unitMessage(unit, {}));

    const contact = contacts.find((c) => c.homePhone && c.email && c.address)!;
    const changed = contactMessage(contact, { email_1: 'new@example.com', city: 'Bend' });
    expect(changed).toMatchObject({
      firstName: contact.firstName,
      lastName: contact.lastName,
      homePhone: contact.homePhone,
      email: 'new@example.com',
      address: { ...contact.address, city: 'Bend' },
    });
    expect(changed).not.toHaveProperty('category');

    const lease = leases.find((l) => l.contacts.length > 1)!;
    const updated = leaseMessage(lease, { status: 'CANCELED', deposit_amount_in_cents: 50000 });
    expect(updated).toMatchObject({
      unitID: lease.unitID,
      startDate: lease.startDate,
      endDate: lease.endDate,
      tenantIDs: lease.contacts.map((c: { id: number }) => c.id),
      primaryContactID: lease.contacts.find((c: { primary: boolean }) => c.primary).id,
      status: 'Terminated',
      secDepAmount: 500,
    });
    expect(leaseMessage(lease, {}, 999).tenantIDs).toEqual([...lease.contacts.map((c: { id: number }) => c.id), 999]);

    const b: Record<string, any> = { ...buildings[0], propertyType: 'Du/Fourplex', numberOfBedrooms: 3 };
    expect(buildingMessage(b, { street_address_1: '9 New St' }, 'update')).toMatchObject({
      propertyType: 'DU_FOUR_PLEX',
      numberBedrooms: 3,
      name: b.name,
      address: { address: '9 New St', country: b.address.country },
    });
    expect(buildingMessage(b, {}, 'update')).not.toHaveProperty('portfolioID');
    expect(() => buildingMessage({ ...b, propertyType: 'Single Family' }, {}, 'update')).toThrow(
      /propertyType "Single Family" is not one of Propertyware's codes; send type/,
    );
    expect(buildingMessage({ ...b, propertyType: 'Single Family' }, { type: 'House' }, 'update').propertyType).toBe(
      'HOUSE',
    );

    const unit = { ...units[0], targetDeposit: '750', numberOfBathrooms: 2 };
    expect(unitMessage(unit, { bedrooms: null })).toMatchObject({ targetDeposit: 750, numberBathrooms: 2 });
    expect(unitMessage(unit, { bedrooms: null })).not.toHaveProperty('numberBedrooms');
  });

  it("reads a 400 ErrorResponse as field errors naming Propertyware's field and the canonical one", () => {
    expect(
      fieldErrors('residents', {
        errorCode: 'BAD_REQUEST',
        userMessage: 'Unable to process the request due to invalid parameters.',
        errors: [
          { key: 'firstName', message: 'firstName must be at most 30 characters' },
          { key: 'address.country', message: 'country is required' },
        ],
      }),
    ).toBe(
      'firstName (first_name): firstName must be at most 30 characters; address.country (country): country is required',
    );
    expect(fieldErrors('leases', { userMessage: 'Lease status is not configured', errors: [] })).toBe(
      'Lease status is not configured',
    );
    expect(fieldErrors('units', 'Bad Request')).toBeNull();
  });

  it('service request create: SaveWorkOrder by the vendor file’s table (priority, entry, dates, requester, type)', () => {
    const message = workOrderMessage({
      property_id: '4718001',
      unit_id: '4849003',
      resident_id: '5242007',
      service_description: 'Leak',
      service_details: 'Water under the kitchen sink',
      service_priority: '24 hours',
      service_category: 'Plumbing',
      access_is_authorized: false,
      access_is_authorized_value: 'CALL_FOR_ENTRY',
      date_scheduled: '2026-12-07T15:00:00Z',
      scheduled_start_date: '2026-12-08T09:00:00Z',
      scheduled_end_date: '2026-12-08T17:00:00Z',
    });
    expect(message).toEqual({
      buildingID: 4718001,
      unitIDs: [4849003],
      description: 'Water under the kitchen sink',
      priority: 'HIGH',
      category: 'Plumbing',
      type: 'Service Request',
      authorizeEnter: 'SPECIFIEDTIME',
      dateToEnter: '2026-12-07',
      requestedBy: 5242007,
      startDate: '2026-12-08',
      scheduledEndDate: '2026-12-08',
    });
    expectValid('SaveWorkOrder', message);
    // The spec's every service_priority and access_is_authorized_value, value by value.
    const priorities = propexo['_v1_service-requests__post_input'].properties.service_priority.enum as string[];
    expect(Object.fromEntries(priorities.map((p) => [p, WORK_ORDER_PRIORITY[p]]))).toEqual({
      High: 'HIGH',
      Low: 'LOW',
      Med: 'MEDIUM',
      '24 hours': 'HIGH',
      Emergency: 'HIGH',
    });
    const entries = propexo['_v1_service-requests__post_input'].properties.access_is_authorized_value.enum as string[];
    expect(Object.fromEntries(entries.map((v) => [v, AUTHORIZE_ENTER_WRITE[v]]))).toEqual({
      ENTER_AT_ANY_TIME: 'ANYTIME',
      BY_PERMISSION_ONLY: 'SPECIFIEDTIME',
      CALL_FOR_ENTRY: 'SPECIFIEDTIME',
    });
    // Without the value, the boolean: true → ANYTIME, false → NO; the summary when there are no details.
    expect(workOrderMessage({ property_id: '1', access_is_authorized: true, service_description: 'Leak' })).toEqual({
      buildingID: 1,
      type: 'Service Request',
      authorizeEnter: 'ANYTIME',
      description: 'Leak',
    });
    expect(workOrderMessage({ property_id: '1', access_is_authorized: false }).authorizeEnter).toBe('NO');
  });

  it('service request update: only the BETA close, with a time card of the vendor; anything else is refused before sending', () => {
    const message = closeMessage({
      vendor_id: '6200001',
      date_completed: '2026-12-09T10:00:00Z',
      completion_notes: 'Fixed',
    });
    expect(message).toEqual({
      timeCardEntry: [{ vendorID: 6200001, workDate: '2026-12-09T00:00:00Z', hours: 0 }],
      completedDate: '2026-12-09',
      comments: 'Fixed',
    });
    expectValid('CloseWorkOrder', message);
    expect(closeMessage({ vendor_id: '7', status_raw: 'Work Completed' })).toEqual({
      timeCardEntry: [{ vendorID: 7, hours: 0 }],
    });
    expect(() => closeMessage({ vendor_id: '7', completion_notes: 'x' })).toThrow(/can only close a work order/);
    expect(() => closeMessage({ date_completed: '2026-12-09' })).toThrow(/needs a vendor to close a work order/);
    const update = PROPERTYWARE_REST_WRITE_FIELDS.service_requests!.update!;
    expect(update.required).toEqual(['vendor_id']);
    expect(update.checks!.status_raw('In Progress')).toMatch(/can only close/);
    expect(update.checks!.status_raw('Completed')).toBeNull();
  });

  it('charge and payment create: SaveCharge and SavePayment in exact dollars, payment_type by the table (every spec value)', () => {
    const charge = chargeMessage({
      lease_id: '14680021',
      amount_in_cents: 12345678901,
      transaction_date: '2026-12-01T00:00:00Z',
      charge_code_id: '4100004',
      reference_number: 'R-1',
      notes: 'Key replacement',
    });
    expect(charge).toEqual({
      leaseID: 14680021,
      amount: 123456789.01,
      date: '2026-12-01',
      glAccountID: 4100004,
      refNo: 'R-1',
      comments: 'Key replacement',
    });
    expect(
      JSON.stringify(chargeMessage({ lease_id: '1', amount_in_cents: 30, financial_account_id: '2' }).amount),
    ).toBe('0.3');
    expectValid('SaveCharge', charge);
    expect(() => chargeMessage({ lease_id: '1', amount_in_cents: 30 })).toThrow(/needs a GL account/);
    const payment = paymentMessage({
      lease_id: '14680021',
      resident_id: '5242007',
      amount_in_cents: 10030,
      transaction_date: '2026-12-02T12:00:00Z',
      financial_account_id: '1010001',
      payment_type: 'Debit Card',
      reference_number: '1042',
      description: 'December',
    });
    expect(payment).toEqual({
      leaseID: 14680021,
      contactID: 5242007,
      amount: 100.3,
      date: '2026-12-02',
      depositDate: '2026-12-02',
      destinationAccountID: 1010001,
      paymentType: 'CREDIT_CARD',
      refNo: '1042',
      comments: 'December',
    });
    expectValid('SavePayment', payment);
    const types = propexo['_v1_resident-payments__post_input'].properties.payment_type.enum as string[];
    expect(Object.fromEntries(types.map((t) => [t, PAYMENT_TYPE_WRITE[t]]))).toEqual({
      ACH: 'NACHA',
      Cash: 'CASH',
      'Cashiers Check': 'CASHIERS_CHECK',
      Check: 'CHECK',
      'Credit Card': 'CREDIT_CARD',
      'Debit Card': 'CREDIT_CARD',
      eCheck: 'ECHECK',
      'Money Order': 'MONEY_ORDER',
    });
    const required = PROPERTYWARE_REST_WRITE_FIELDS.resident_payments!.create!.required;
    expect([...required].sort()).toEqual([
      'amount_in_cents',
      'financial_account_id',
      'lease_id',
      'payment_type',
      'reference_number',
      'resident_id',
      'transaction_date',
    ]);
  });

  describe('the write probe against the sandbox', () => {
    const FULL = { clientId: 'probe-client', clientSecret: 'probe-secret', systemId: '77' };
    const READ_ONLY = { ...FULL, clientId: 'probe-read-only' };
    const NOT_BETA = { ...FULL, clientId: 'probe-not-beta' };
    let server: Awaited<ReturnType<typeof startPropertywareRestSandboxServer>>;
    const clients = recordingClients(propertywareRestAdapter, () => server.url);
    beforeAll(async () => {
      server = await startPropertywareRestSandboxServer({
        residents: 10,
        seed: 2,
        requestsPerSecond: 0,
        credentials: [{ ...FULL, beta: true }, { ...READ_ONLY, readOnly: ['buildings'] }, NOT_BETA],
      });
    });
    afterAll(() => server.close());

    it("POSTs {} to the model's create endpoint for either operation: the 400 proves the key may write, nothing is made", async () => {
      const writer = clients.client(FULL).writer!;
      await expect(writer.probe('properties', 'create')).resolves.toBeUndefined();
      await expect(writer.probe('properties', 'update')).resolves.toBeUndefined();
      expect(clients.sent().map((r) => [r.method, r.path, r.body])).toEqual([
        ['POST', '/buildings', {}],
        ['POST', '/buildings', {}],
      ]);
      expect(server.sandbox.writes.snapshot()['POST /buildings']).toMatchObject({
        received: 2,
        applied: 0,
        rejected: 2,
      });
    });

    it('probes work orders, the BETA close and the BETA ledger creates without writing; outside the beta: "not in Propertyware beta program"', async () => {
      const writer = clients.client(FULL).writer!;
      await expect(writer.probe('service_requests', 'create')).resolves.toBeUndefined();
      await expect(writer.probe('service_requests', 'update')).resolves.toBeUndefined();
      await expect(writer.probe('resident_charges', 'create')).resolves.toBeUndefined();
      await expect(writer.probe('resident_payments', 'create')).resolves.toBeUndefined();
      expect(
        clients
          .sent()
          .slice(-4)
          .map((r) => [r.method, r.path, r.body]),
      ).toEqual([
        ['POST', '/workorders', {}],
        ['PUT', '/workorders/closeworkorder/0', {}],
        ['POST', '/leases/charges', {}],
        ['POST', '/leases/payments', {}],
      ]);
      const outside = clients.client(NOT_BETA).writer!;
      await expect(outside.probe('resident_charges', 'create')).rejects.toThrow(/^not in Propertyware beta program/);
      await expect(outside.probe('service_requests', 'update')).rejects.toBeInstanceOf(VendorAccessDeniedError);
      await expect(outside.probe('service_requests', 'create')).resolves.toBeUndefined();
      expect(Object.values(server.sandbox.writes.snapshot()).every((w: any) => w.applied === 0)).toBe(true);
    });

    it('a key without the Write permission is refused with the vendor 403', async () => {
      const writer = clients.client(READ_ONLY).writer!;
      await expect(writer.probe('properties', 'create')).rejects.toBeInstanceOf(VendorAccessDeniedError);
      await expect(writer.probe('residents', 'update')).resolves.toBeUndefined();
    });
  });
});

import { startEntrataSandboxServer } from '../../src/sandbox/entrata/entrata-sandbox';
import { sandboxControl } from '../support/sandbox-writes';

const KEY = { apiKey: 'unit-key', companyId: 'unit-co' };
const READ_ONLY = { apiKey: 'read-only-key', companyId: 'unit-co', methods: ['getLeases', 'getCustomers'] };

describe('Entrata sandbox writes', () => {
  let server: Awaited<ReturnType<typeof startEntrataSandboxServer>>;
  const { writes, addFault, sendUnanswered } = sandboxControl(() => server.url);
  const OPTIONS = { residents: 60, seed: 5, credentials: [KEY, READ_ONLY] };
  const request = (service: string, name: string, params: Record<string, unknown>, apiKey = KEY.apiKey) => ({
    url: `${server.url}/${service}`,
    init: {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { type: 'apikey' }, requestId: 'w-1', method: { name, version: 'r1', params } }),
    },
  });
  const call = async (service: string, name: string, params: Record<string, unknown> = {}, apiKey = KEY.apiKey) => {
    const { url, init } = request(service, name, params, apiKey);
    const res = await fetch(url, init);
    return { status: res.status, body: (await res.json()) as any };
  };
  const property = () => server.sandbox.data.properties[0].PropertyID as number;
  const vacantUnit = () => server.sandbox.data.units.find((u) => u.propertyId === property() && u.isVacant)!;
  const newLease = () => ({
    propertyId: property(),
    unitSpaceId: Number(vacantUnit().id),
    floorplanId: 11,
    leaseTermId: 12,
    leaseStartDate: '2020-02-01',
    leaseEndDate: '2021-01-31',
    moveInDate: '2020-02-01',
    firstName: 'Grace',
    lastName: 'Hopper',
    emailAddress: 'grace@example.com',
    birthDate: '1986-12-09',
    phoneNumber: 5550102000,
    phoneNumberTypeId: 3,
    addressTypeId: 1,
    streetLine1: '1 Compiler Ct',
    city: 'Arlington',
    stateCode: 'VA',
    postalCode: '22201',
    customerRelationshipTypeId: 1,
  });
  const leasesOf = async (propertyId: number) =>
    (await call('leases', 'getLeases', { propertyId })).body.response.result.leases.lease as any[];
  const customersOf = async (propertyId: number) =>
    (await call('customers', 'getCustomers', { propertyId })).body.response.result.Customers.Customer as any[];

  beforeAll(async () => {
    server = await startEntrataSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('creates a lease with sendLeases (YYYY-MM-DD in, MM/DD/YYYY in reads), its leaseId in a one-item list collapsed to an object', async () => {
    const unit = vacantUnit();
    const { status, body } = await call('leases', 'sendLeases', newLease());
    expect(status).toBe(200);
    const item = body.response.result.leases.lease;
    expect(item).toEqual({
      node: 'lease',
      leaseId: expect.any(String),
      status: 'Success',
      message: expect.any(String),
    });
    const lease = (await leasesOf(property())).find((l) => l.id === item.leaseId);
    expect(lease).toMatchObject({
      unitId: unit.id,
      leaseIntervalStatus: 'Current',
      startDate: '02/01/2020',
      endDate: '01/31/2021',
      moveInDate: '02/01/2020',
      customers: { customer: { customerType: 'Primary' } },
    });
    const customer = (await customersOf(property())).find(
      (c) => c['@attributes'].Id === String(lease.customers.customer.id),
    );
    expect(customer).toMatchObject({
      FirstName: 'Grace',
      LastName: 'Hopper',
      Email: 'grace@example.com',
      Phone: { PhoneNumber: '5550102000', PhoneType: 'Mobile' },
      Address: '1 Compiler Ct',
      DateOfBirth: '12/09/1986',
      LeaseId: Number(item.leaseId),
    });
    expect(await writes()).toEqual({ sendLeases: { received: 1, applied: 1, rejected: 0, refused: 0 } });
  });

  it('updates only the customer fields given (updateCustomers), phones by type id, dates MM/DD/YYYY', async () => {
    const customer = server.sandbox.data.customers.find((c) => c.Email && c.MiddleName)!;
    const before = structuredClone(customer);
    const id = Number(customer['@attributes'].Id);
    const { body } = await call('customers', 'updateCustomers', {
      id,
      lastName: 'Changed',
      birthDate: '01/02/1980',
      phoneNumber: 5550109999,
      phoneNumberTypeId: 4,
    });
    expect(body.response.result.customers.customer).toMatchObject({ referenceId: id, status: 'Success' });
    const lease = server.sandbox.data.leases.find((l) => l.id === String(customer.LeaseId))!;
    const read = (await customersOf(lease.propertyId)).find((c) => c['@attributes'].Id === String(id));
    expect(read).toMatchObject({
      FirstName: before.FirstName,
      MiddleName: before.MiddleName,
      Email: before.Email,
      LastName: 'Changed',
      DateOfBirth: '01/02/1980',
    });
    const phones = [read.Phone].flat();
    expect(phones).toContainEqual({ PhoneNumber: '5550109999', PhoneType: 'Fax' });

    const missing = await call('customers', 'updateCustomers', { id: 1, lastName: 'Nobody' });
    expect(missing.body.response.result.customers.customer).toMatchObject({ status: 'Failed' });
    expect((await writes()).updateCustomers).toEqual({ received: 2, applied: 1, rejected: 1, refused: 0 });
  });

  it('updates a lease’s move-in date and occupants (updateLease) but refuses its dates, rent or status', async () => {
    const lease = server.sandbox.data.leases[0];
    const base = { propertyId: lease.propertyId, leaseId: Number(lease.id), customerRelationshipTypeId: 1 };
    const { body } = await call('leases', 'updateLease', {
      ...base,
      moveInDate: '2026-03-04',
      occupants: { occupant: { firstName: 'Kid', lastName: 'Occupant' } },
    });
    expect(body.response.result).toEqual({ status: 'Success', leaseId: Number(lease.id), message: expect.any(String) });
    const read = (await leasesOf(lease.propertyId)).find((l) => l.id === lease.id);
    expect(read.moveInDate).toBe('03/04/2026');
    expect(read.startDate).toBe(lease.startDate);
    expect([read.customers.customer].flat()).toContainEqual({ id: expect.any(Number), customerType: 'Occupant' });
    expect((await customersOf(lease.propertyId)).some((c) => c.LastName === 'Occupant')).toBe(true);

    for (const [param, value] of [
      ['leaseEndDate', '2030-01-01'],
      ['rent', 1500],
      ['leaseStatusTypeId', 4],
    ] as const) {
      const refused = await call('leases', 'updateLease', { ...base, [param]: value });
      expect(refused.status).toBe(200);
      expect(refused.body.response.error).toEqual({ code: 400, message: `${param} cannot be updated.` });
    }
  });

  it('creates a unit with sendPropertyUnits, returned as unitId and listed by getPropertyUnits', async () => {
    const { body } = await call('propertyunits', 'sendPropertyUnits', {
      propertyId: property(),
      unitNumber: '999',
      numberOfBedRooms: 2,
      numberOfBathRooms: 1.5,
      squareFeet: 900,
      note: 'new',
    });
    const item = body.response.result.units.unit;
    expect(item).toMatchObject({ node: 'unit', unitNumber: '999', status: 'Success', unitId: expect.any(String) });
    const listed = (await call('propertyunits', 'getPropertyUnits', { propertyIds: String(property()) })).body.response
      .result.properties.property.units.unit as any[];
    expect(listed.find((u) => u.id === item.unitId)).toEqual({
      id: item.unitId,
      unitNumber: '999',
      bedrooms: 2,
      bathrooms: '1.5',
      squareFeet: 900,
      isVacant: true,
    });
    const again = await call('propertyunits', 'sendPropertyUnits', { propertyId: property(), unitNumber: '999' });
    expect(again.body.response.result.units.unit).toMatchObject({ status: 'Failed' });
  });

  it('answers bad params with error 400 naming the parameter (HTTP 200), and applies nothing', async () => {
    const leases = server.sandbox.data.leases.length;
    const errorFor = async (service: string, name: string, params: Record<string, unknown>) => {
      const { status, body } = await call(service, name, params);
      expect(status).toBe(200);
      expect(body.response.requestId).toBe('w-1');
      expect(body.response.error.code).toBe(400);
      return body.response.error.message as string;
    };
    expect(await errorFor('leases', 'sendLeases', {})).toBe('propertyId is required.');
    const { phoneNumber: _phone, ...noPhone } = newLease();
    expect(await errorFor('leases', 'sendLeases', noPhone)).toBe('phoneNumber is required.');
    expect(await errorFor('leases', 'sendLeases', { ...newLease(), phoneNumber: '555-010-2000' })).toBe(
      'phoneNumber must be a number of digits only.',
    );
    expect(await errorFor('leases', 'sendLeases', { ...newLease(), leaseStartDate: '02/01/2020' })).toBe(
      'leaseStartDate must be a date formatted YYYY-MM-DD.',
    );
    expect(await errorFor('leases', 'sendLeases', { ...newLease(), phoneNumberTypeId: 5 })).toBe(
      'phoneNumberTypeId must be one of 1, 2, 3, 4.',
    );
    expect(await errorFor('leases', 'sendLeases', { ...newLease(), rent: 1200 })).toBe(
      'rent is not a parameter of sendLeases.',
    );
    expect(await errorFor('customers', 'updateCustomers', { id: 4_000_001, birthDate: '1980-01-02' })).toBe(
      'birthDate must be a date formatted MM/DD/YYYY.',
    );
    expect(await errorFor('customers', 'updateCustomers', { id: 4_000_001, isPrimary: true })).toBe(
      'isPrimary must be 0 or 1.',
    );
    expect(await errorFor('propertyunits', 'sendPropertyUnits', { unitNumber: '1' })).toBe('propertyId is required.');
    expect(server.sandbox.data.leases.length).toBe(leases);
  });

  it('refuses operations Entrata lacks as unknown methods, and write methods the key may not call with 304', async () => {
    for (const [service, name] of [
      ['customers', 'sendCustomers'],
      ['properties', 'sendProperties'],
      ['properties', 'updateProperties'],
      ['propertyunits', 'updatePropertyUnits'],
    ]) {
      const { body } = await call(service, name, { propertyId: property() });
      expect(body.response.error).toEqual({ code: 400, message: `Method ${name} is not available on ${service}.` });
    }
    const denied = await call('leases', 'sendLeases', newLease(), READ_ONLY.apiKey);
    expect(denied.body.response.error.code).toBe(304);
    expect(server.sandbox.data.leases.some((l) => l.startDate === '02/01/2020' && l.moveInDate === '02/01/2020')).toBe(
      false,
    );
  });

  it('applies a write that then times out exactly once; an injected 429 (in the body) or 500 applies nothing', async () => {
    const created = () => server.sandbox.data.customers.filter((c) => c.LastName === 'Hopper').length;
    await addFault({ path: '/leases', status: 429, times: 1 });
    const throttled = await call('leases', 'sendLeases', newLease());
    expect(throttled.status).toBe(200);
    expect(throttled.body.response.error.code).toBe(429);
    await addFault({ path: '/leases', status: 500, times: 1 });
    expect((await call('leases', 'sendLeases', newLease())).status).toBe(500);
    expect(created()).toBe(0);

    await addFault({ path: '/leases', hang: true, times: 1 });
    const { url, init } = request('leases', 'sendLeases', newLease());
    expect(await sendUnanswered(url, init, 'sendLeases', 3)).toBe('no answer');
    expect(created()).toBe(1);
    expect((await writes()).sendLeases).toEqual({ received: 3, applied: 1, rejected: 0, refused: 2 });
  });

  describe('maintenance work orders (service requests)', () => {
    const unitNumber = () => server.sandbox.data.units.find((u) => u.propertyId === property())!.unitNumber as string;
    const customer = () => {
      const lease = server.sandbox.data.leases.find((l) => l.propertyId === property())!;
      return server.sandbox.data.customers.find((c) => c.LeaseId === Number(lease.id))!;
    };
    const newWorkOrder = () => ({
      propertyId: property(),
      customerId: Number(customer()['@attributes'].Id),
      unitNumber: unitNumber(),
      mainPhoneNumber: 5550105000,
      permissionToEnter: 1,
      maintenanceLocationId: 1,
      maintenanceCategoryId: 1,
      maintenanceProblemId: 11,
      maintenancePriorityId: 3,
      problemDescription: 'Kitchen faucet drips',
      scheduledStartDateTime: '12/07/2026 09:00:00',
      scheduledEndDateTime: '12/07/2026 11:00:00',
      dueDate: '12/09/2026',
    });
    const workOrders = async (params: Record<string, unknown> = {}) => {
      const { body } = await call('maintenance', 'getWorkOrders', { propertyId: property(), ...params });
      return [body.response.result.workOrders?.workOrder ?? []].flat() as any[];
    };
    const today = () => {
      const iso = new Date().toISOString().slice(0, 10);
      return `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
    };

    it('creates one with sendWorkOrders (its id as Success @attributes reference_id), read by getWorkOrders with names from the pick lists', async () => {
      const { body } = await call('maintenance', 'sendWorkOrders', newWorkOrder());
      const success = body.response.result.Success['@attributes'];
      expect(success).toMatchObject({ node: 'workOrder', reference_id: expect.any(String) });
      const read = (await workOrders({ lastUpdatedOnFromDate: today() })).find(
        (w) => w.maintenanceRequestId === success.reference_id,
      );
      expect(read).toMatchObject({
        maintenanceRequestId: success.reference_id,
        propertyId: property(),
        unitNumber: unitNumber(),
        customerId: Number(customer()['@attributes'].Id),
        nameFirst: customer().FirstName,
        primaryPhoneNumber: '5550105000',
        permissionToEnter: '1',
        maintenanceStatus: 'Open',
        maintenancePriority: 'High',
        maintenanceCategoryName: 'Plumbing',
        maintenanceProblem: 'Leaking faucet',
        maintenanceDescription: 'Kitchen faucet drips',
        scheduledStartDate: '12/07/2026 09:00:00',
        dueDate: '12/09/2026',
        isDeleted: '0',
      });
      expect(await workOrders({ lastUpdatedOnFromDate: '01/01/2099' })).toEqual([]);
    });

    it('updates one with updateWorkOrders r2 (maintenanceProblemId required even so): only the fields given change', async () => {
      const created = (await call('maintenance', 'sendWorkOrders', newWorkOrder())).body.response.result.Success[
        '@attributes'
      ].reference_id;
      const r1 = await call('maintenance', 'updateWorkOrders', {
        propertyId: property(),
        workOrderId: Number(created),
      });
      expect(r1.body.response.error).toEqual({
        code: 400,
        message: 'Version r1 of updateWorkOrders is not supported.',
      });
      const res = await fetch(`${server.url}/maintenance`, {
        method: 'POST',
        headers: { 'x-api-key': KEY.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          auth: { type: 'apikey' },
          requestId: 'w-2',
          method: {
            name: 'updateWorkOrders',
            version: 'r2',
            params: {
              propertyId: property(),
              workOrderId: Number(created),
              maintenanceProblemId: 11,
              maintenanceStatusTypeId: 4,
            },
          },
        }),
      });
      const body = (await res.json()) as any;
      expect(body.response.result.workOrders.workOrder['@attributes']).toMatchObject({ status: 'Success' });
      const [read] = await workOrders({ workOrderId: Number(created) });
      expect(read).toMatchObject({
        maintenanceStatus: 'Completed',
        maintenancePriority: 'High',
        dueDate: '12/09/2026',
      });
    });

    it('refuses what Entrata refuses: missing params (error 400), off-list ids and scheduling rules (Failed)', async () => {
      const seeded = server.sandbox.data.work_orders.length;
      const { mainPhoneNumber: _phone, ...noPhone } = newWorkOrder();
      expect((await call('maintenance', 'sendWorkOrders', noPhone)).body.response.error.message).toBe(
        'mainPhoneNumber is required.',
      );
      const failed = async (params: Record<string, unknown>) =>
        (await call('maintenance', 'sendWorkOrders', { ...newWorkOrder(), ...params })).body.response.result.Failed[
          '@attributes'
        ].message as string;
      expect(await failed({ maintenanceProblemId: 99 })).toBe(
        "maintenanceProblemId 99 is not in the property's pick list.",
      );
      expect(await failed({ scheduledEndDateTime: '12/08/2026 11:00:00' })).toBe(
        'scheduledStartDateTime and scheduledEndDateTime must be on the same day.',
      );
      expect(await failed({ scheduledEndDateTime: undefined })).toBe(
        'scheduledStartDateTime and scheduledEndDateTime are given together or not at all.',
      );
      expect(await failed({ permissionToEnter: 0 })).toBe('petsDescription is required when permissionToEnter is 0.');
      expect(server.sandbox.data.work_orders).toHaveLength(seeded);
      expect((await writes()).sendWorkOrders).toEqual({ received: 5, applied: 0, rejected: 5, refused: 0 });
    });
  });
});

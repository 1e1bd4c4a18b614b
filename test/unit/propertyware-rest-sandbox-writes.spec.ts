import { startPropertywareRestSandboxServer } from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { sandboxControl } from '../support/sandbox-writes';
import {
  SAVE_ADDRESS,
  SAVE_BUILDING,
  SAVE_CONTACT,
  SAVE_LEASE,
  SAVE_UNIT,
  SAVE_WORK_ORDER,
  CLOSE_WORK_ORDER,
  TIME_CARD_ENTRY,
  UPDATE_BUILDING,
} from '../../src/sandbox/propertyware-rest/propertyware-rest-writes';
import { assertValid } from '../support/propexo-schema';
import { expectSameAsSaveSchema } from '../support/propertyware-save-schemas';

const SPEC = 'propertyware-openapi.json';
const CREDS = { clientId: 'unit-client', clientSecret: 'unit-secret', systemId: '4242' };
const READ_ONLY = { ...CREDS, clientId: 'read-only-client', readOnly: ['contacts' as const] };
/** A customer in Propertyware's beta program: the only kind BETA write endpoints accept. */
const BETA = { ...CREDS, clientId: 'beta-client', beta: true };
const headersOf = (creds: { clientId: string }) => ({
  'x-propertyware-client-id': creds.clientId,
  'x-propertyware-client-secret': CREDS.clientSecret,
  'x-propertyware-system-id': CREDS.systemId,
  'content-type': 'application/json',
});
const HEADERS = headersOf(CREDS);

const NEW_CONTACT = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  mobilePhone: '555-010-2000',
  birthDate: '1990-12-10',
  comments: 'Created by a write',
  address: { address: '1 Analytical Way', city: 'London', stateRegion: 'LN', postalCode: '10001', country: 'USA' },
};

describe('Propertyware REST sandbox writes', () => {
  let server: Awaited<ReturnType<typeof startPropertywareRestSandboxServer>>;
  const { writes, addFault, sendUnanswered } = sandboxControl(() => server.url);
  const options = { residents: 60, seed: 3, credentials: [CREDS, READ_ONLY, BETA], requestsPerSecond: 0 };
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = HEADERS) =>
    fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = async (path: string) => (await (await send('GET', path)).json()) as any;

  beforeAll(async () => {
    server = await startPropertywareRestSandboxServer(options);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(options));

  it('takes exactly the fields, required sets, types, lengths and enums of the spec’s Save/Update schemas', () => {
    const expectSame = expectSameAsSaveSchema;
    expectSame(SAVE_ADDRESS, 'Address');
    expectSame(SAVE_CONTACT, 'Contact');
    expectSame(SAVE_LEASE, 'Lease');
    expectSame(SAVE_BUILDING, 'Building');
    expectSame(UPDATE_BUILDING, 'Building');
    expectSame(SAVE_UNIT, 'Unit');
    expectSame(SAVE_WORK_ORDER, 'WorkOrder');
    expectSame(CLOSE_WORK_ORDER, 'WorkOrder');
    expectSame(TIME_CARD_ENTRY);
  });

  it('creates a contact (201 Contact), serves it by id and to lastModifiedDateTimeStart, but not as a tenant until a lease names it', async () => {
    const since = new Date(Date.now() - 1000).toISOString().slice(0, 19) + 'Z';
    const res = await send('POST', '/contacts', NEW_CONTACT);
    expect(res.status).toBe(201);
    const created = (await res.json()) as any;
    assertValid('Contact', created, SPEC, { closed: true });
    expect(created).toMatchObject({ ...NEW_CONTACT, type: 'OTHER' });
    expect(await get(`/contacts/${created.id}`)).toEqual(created);
    expect((await get(`/contacts?lastModifiedDateTimeStart=${since}`)).map((c: any) => c.id)).toEqual([created.id]);
    const tenants = async () => ((await get('/contacts?type=TENANT&limit=500')) as any[]).map((c) => c.id);
    expect(await tenants()).not.toContain(created.id);

    const unit = server.sandbox.data.units.find((u) => u.status === 'Vacant')!;
    const leaseRes = await send('POST', '/leases', {
      unitID: unit.id,
      startDate: '2027-01-01',
      endDate: '2027-12-31',
      moveInDate: '2027-01-01',
      tenantIDs: [created.id],
      primaryContactID: created.id,
      baseRent: 1450.5,
      status: 'Draft',
      comments: 'new lease',
    });
    expect(leaseRes.status).toBe(201);
    const lease = (await leaseRes.json()) as any;
    assertValid('Lease', lease, SPEC, { closed: true });
    expect(lease).toMatchObject({
      unitID: unit.id,
      buildingID: unit.buildingID,
      portfolioID: unit.portfolioID,
      status: 'Draft',
      baseRent: 1450.5,
      contacts: [expect.objectContaining({ id: created.id, primary: true, firstName: 'Ada' })],
    });
    expect(await get(`/leases/${lease.id}`)).toEqual(lease);
    expect(await tenants()).toContain(created.id);
    expect(await writes()).toEqual({
      'POST /contacts': { received: 1, applied: 1, rejected: 0, refused: 0 },
      'POST /leases': { received: 1, applied: 1, rejected: 0, refused: 0 },
    });
  });

  it('replaces the whole record on PUT: fields the body leaves out are blanked (category kept, it is create-only)', async () => {
    const contact = server.sandbox.data.contacts.find((c) => c.type === 'TENANT' && c.email && c.mobilePhone)!;
    const before = { ...contact };
    const res = await send('PUT', `/contacts/${contact.id}`, { firstName: 'Renamed', lastName: contact.lastName });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as any;
    expect(updated).toMatchObject({ id: contact.id, firstName: 'Renamed', lastName: before.lastName, type: 'TENANT' });
    expect(updated).not.toHaveProperty('email');
    expect(updated).not.toHaveProperty('mobilePhone');
    expect(updated).not.toHaveProperty('address');
    expect(updated.createdDateTime).toBe(before.createdDateTime);
    expect(Date.parse(updated.lastModifiedDateTime)).toBeGreaterThan(Date.parse(before.lastModifiedDateTime));
    expect(await get(`/contacts/${contact.id}`)).toEqual(updated);

    const lease = server.sandbox.data.leases[0];
    const tenant = lease.contacts[0].id;
    const leaseRes = await send('PUT', `/leases/${lease.id}`, {
      unitID: lease.unitID,
      startDate: lease.startDate,
      endDate: '2030-01-31',
      moveInDate: lease.startDate,
      tenantIDs: [tenant],
      primaryContactID: tenant,
      status: 'Active - Notice Given',
      noticeGivenDate: '2029-12-01',
      reasonForLeaving: 'Relocating',
    });
    expect(leaseRes.status).toBe(200);
    const leaseAfter = (await leaseRes.json()) as any;
    expect(leaseAfter).toMatchObject({ endDate: '2030-01-31', noticeGivenDate: '2029-12-01', active: true });
    expect(leaseAfter).not.toHaveProperty('baseRent');
    expect(leaseAfter.contacts.map((c: any) => c.id)).toEqual([tenant]);
  });

  it('serves a created building’s propertyType code as the display string reads use; its units show under read names', async () => {
    const portfolio = server.sandbox.data.portfolios[0];
    const res = await send('POST', '/buildings', {
      name: 'Write Street Lofts',
      abbreviation: 'WSL',
      portfolioID: portfolio.id,
      category: 'RESIDENTIAL',
      propertyType: 'DU_FOUR_PLEX',
      type: 'Duplex',
      countUnit: 2,
      rentable: true,
      yearBuilt: 1999,
      totalArea: 2400,
      description: 'not shown by reads',
      address: { address: '9 Write St', city: 'Austin', stateRegion: 'TX', postalCode: '78701', country: 'USA' },
    });
    expect(res.status).toBe(201);
    const building = (await res.json()) as any;
    expect(building).toMatchObject({ propertyType: 'Du/Fourplex', yearBuilt: 1999, active: true });
    expect(building).not.toHaveProperty('description');
    assertValid('Building', { ...building, propertyType: 'DU_FOUR_PLEX' }, SPEC, { closed: true });

    const unitRes = await send('POST', '/units', {
      name: 'A',
      abbreviation: 'A',
      buildingID: building.id,
      portfolioID: portfolio.id,
      category: 'RESIDENTIAL',
      type: 'Duplex unit',
      numberBedrooms: 2,
      numberBathrooms: 1.5,
      targetRent: 1800,
      targetDeposit: 500,
    });
    expect(unitRes.status).toBe(201);
    const unit = (await unitRes.json()) as any;
    assertValid('Unit', unit, SPEC, { closed: true });
    expect(unit).toMatchObject({ numberOfBedrooms: 2, numberOfBathrooms: 1.5, targetDeposit: '500', targetRent: 1800 });
    expect(((await get('/units?limit=500')) as any[]).map((u) => u.id)).toContain(unit.id);

    const renamed = await send('PUT', `/buildings/${building.id}`, {
      name: 'Renamed Lofts',
      abbreviation: 'RL',
      propertyType: 'HOUSE',
      type: 'House',
      countUnit: 1,
      rentable: true,
    });
    expect(renamed.status).toBe(200);
    const after = (await renamed.json()) as any;
    expect(after).toMatchObject({ name: 'Renamed Lofts', propertyType: 'House', category: 'RESIDENTIAL' });
    expect(after.portfolioID).toBe(portfolio.id);
    expect(after).not.toHaveProperty('yearBuilt');
  });

  it('answers what Propertyware refuses with 400 ErrorResponse naming each field, and changes nothing', async () => {
    const countBefore = server.sandbox.data.contacts.length;
    const bad = async (method: string, path: string, body: unknown) => {
      const res = await send(method, path, body);
      expect(res.status).toBe(400);
      const error = (await res.json()) as any;
      assertValid('ErrorResponse', error, SPEC, { closed: true });
      return (error.errors as Array<{ key: string }>).map((e) => e.key).sort();
    };
    expect(await bad('POST', '/contacts', {})).toEqual(['firstName', 'lastName']);
    expect(
      await bad('POST', '/contacts', {
        firstName: 'x'.repeat(31),
        lastName: 'L',
        gender: 'OTHER',
        birthDate: '12/10/1990',
        homePhone: '5'.repeat(23),
        address: { address: '1 Way' },
        type: 'TENANT',
      }),
    ).toEqual(['address.country', 'birthDate', 'firstName', 'gender', 'homePhone', 'type']);
    const contact = server.sandbox.data.contacts[0];
    expect(await bad('PUT', `/contacts/${contact.id}`, { firstName: 'A', lastName: 'B', category: 'VIP' })).toEqual([
      'category',
    ]);
    const unit = server.sandbox.data.units[0];
    const lease = {
      unitID: unit.id,
      startDate: '2027-01-01',
      endDate: '2027-12-31',
      moveInDate: '2027-01-01',
      tenantIDs: [contact.id],
      primaryContactID: contact.id,
    };
    expect(await bad('POST', '/leases', { ...lease, primaryContactID: contact.id + 1 })).toEqual(['primaryContactID']);
    expect(await bad('POST', '/leases', { ...lease, status: 'Pending' })).toEqual(['status']);
    expect(await bad('POST', '/leases', { ...lease, unitID: 1, tenantIDs: [2], primaryContactID: 2 })).toEqual([
      'tenantIDs',
      'unitID',
    ]);
    expect(await bad('POST', '/leases', { ...lease, noticeGivenDate: '2027-06-01' })).toEqual(['noticeGivenDate']);
    const building = server.sandbox.data.buildings[0];
    expect(
      await bad('POST', '/buildings', {
        name: 'N',
        abbreviation: 'TOO-LONG-ABBREV',
        portfolioID: 1,
        category: 'RESIDENTIAL',
        propertyType: 'Du/Fourplex',
        type: 'x',
        countUnit: 1,
        rentable: true,
      }),
    ).toEqual(['abbreviation', 'portfolioID', 'propertyType']);
    expect(
      await bad('PUT', `/buildings/${building.id}`, {
        name: 'N',
        abbreviation: 'N',
        propertyType: 'HOUSE',
        type: 'x',
        countUnit: 1,
        rentable: true,
        portfolioID: building.portfolioID,
      }),
    ).toEqual(['portfolioID']);
    expect(
      await bad('POST', '/units', {
        name: 'U',
        abbreviation: 'U',
        buildingID: building.id,
        portfolioID: building.portfolioID + 1,
        category: 'RESIDENTIAL',
        type: 'x',
        numberBathrooms: 1.25,
      }),
    ).toEqual(['numberBathrooms', 'portfolioID']);
    expect(server.sandbox.data.contacts.length).toBe(countBefore);
    expect((await writes())['POST /contacts']).toEqual({ received: 2, applied: 0, rejected: 2, refused: 0 });
  });

  it('answers 404 for an unknown id, 415 without JSON, 403 without the Write permission, 405 where no write exists', async () => {
    const body = { firstName: 'A', lastName: 'B' };
    expect((await send('PUT', '/contacts/1', body)).status).toBe(404);
    const text = { ...HEADERS, 'content-type': 'text/plain' };
    expect((await send('POST', '/contacts', body, text)).status).toBe(415);
    const forbidden = await send('POST', '/contacts', body, headersOf(READ_ONLY));
    expect(forbidden.status).toBe(403);
    assertValid('ErrorResponse', await forbidden.json(), SPEC, { closed: true });
    expect((await send('POST', '/leases', {}, headersOf(READ_ONLY))).status).toBe(400); // only contacts are read-only
    expect((await send('POST', '/portfolios', { name: 'P' })).status).toBe(405);
    expect((await send('PUT', '/contacts', body)).status).toBe(405);
    expect((await send('POST', '/contacts/5', body)).status).toBe(405);
    expect(server.sandbox.data.contacts.some((c) => c.firstName === 'A' && c.lastName === 'B')).toBe(false);
  });

  it('applies a write that then times out exactly once, and a 429 or a plain 500 not at all', async () => {
    const count = () => server.sandbox.data.contacts.filter((c) => c.lastName === 'Faulted').length;
    await addFault({ path: '/contacts', status: 429, times: 1, headers: { 'Retry-After': '1' } });
    const throttled = await send('POST', '/contacts', { firstName: 'T', lastName: 'Faulted' });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    await addFault({ path: '/contacts', status: 500, times: 1 });
    expect((await send('POST', '/contacts', { firstName: 'F', lastName: 'Faulted' })).status).toBe(500);
    expect(count()).toBe(0);

    await addFault({ path: '/contacts', status: 502, afterApply: true, times: 1 });
    expect((await send('POST', '/contacts', { firstName: 'A', lastName: 'Faulted' })).status).toBe(502);
    expect(count()).toBe(1);

    await addFault({ path: '/contacts', hang: true, times: 1 });
    const hung = await sendUnanswered(
      `${server.url}/contacts`,
      { method: 'POST', headers: HEADERS, body: JSON.stringify({ firstName: 'H', lastName: 'Faulted' }) },
      'POST /contacts',
      4,
    );
    expect(hung).toBe('no answer'); // the client timed out
    expect(count()).toBe(2);
    expect((await writes())['POST /contacts']).toEqual({ received: 4, applied: 2, rejected: 0, refused: 2 });
  });

  it('fails only the method a fault names: a PUT fault leaves the GET and a later PUT of the record alone', async () => {
    const contact = server.sandbox.data.contacts.find((c) => c.type === 'TENANT')!;
    const path = `/contacts/${contact.id}`;
    const body = { firstName: contact.firstName, lastName: 'Faulted' };
    await addFault({ path, method: 'PUT', status: 409, times: 1 });
    await addFault({ path, method: 'POST', status: 500 });
    expect((await send('GET', path)).status).toBe(200);
    expect((await send('PUT', path, body)).status).toBe(409);
    expect(server.sandbox.data.contacts.find((c) => c.id === contact.id)!.lastName).not.toBe('Faulted');
    expect((await send('PUT', path, body)).status).toBe(200);
    expect(server.sandbox.data.contacts.find((c) => c.id === contact.id)!.lastName).toBe('Faulted');
    expect((await writes())['PUT /contacts/{id}']).toEqual({ received: 2, applied: 1, rejected: 0, refused: 1 });
  });

  describe('work orders (service requests)', () => {
    const building = () => server.sandbox.data.buildings[0];
    const unitOf = (buildingId: number) => server.sandbox.data.units.find((u) => u.buildingID === buildingId)!;
    const tenant = () => server.sandbox.data.contacts.find((c) => c.type === 'TENANT')!;
    const newWorkOrder = () => ({
      buildingID: building().id,
      unitIDs: [unitOf(building().id).id],
      description: 'Kitchen sink leaks under the cabinet',
      priority: 'HIGH',
      category: 'Plumbing',
      type: 'Service Request',
      authorizeEnter: 'ANYTIME',
      dateToEnter: '2026-12-07',
      requestedBy: tenant().id,
      startDate: '2026-12-07',
      scheduledEndDate: '2026-12-07',
    });
    /** WorkOrder.unitIDs is an untyped object in the spec; Propertyware serves the ids as a list. */
    const withoutUnitIds = ({ unitIDs: _ids, ...rest }: any) => rest;

    it('creates one (201 WorkOrder): requester id served as a name, dateToEnter as a date-time, listed to lastModifiedDateTimeStart', async () => {
      const since = new Date(Date.now() - 1000).toISOString().slice(0, 19) + 'Z';
      const res = await send('POST', '/workorders', newWorkOrder());
      expect(res.status).toBe(201);
      const created = (await res.json()) as any;
      assertValid('WorkOrder', withoutUnitIds(created), SPEC, { closed: true });
      const { requestedBy: _id, dateToEnter: _date, ...plain } = newWorkOrder();
      expect(created).toMatchObject({
        ...plain,
        unitID: plain.unitIDs[0],
        portfolioID: building().portfolioID,
        status: 'Open',
        requestedBy: `${tenant().firstName} ${tenant().lastName}`,
        dateToEnter: '2026-12-07T00:00:00Z',
      });
      expect(await get(`/workorders?lastModifiedDateTimeStart=${since}`)).toEqual([created]);
    });

    it('refuses a bad work order with 400 ErrorResponse', async () => {
      const before = server.sandbox.data.workorders.length;
      const res = await send('POST', '/workorders', {
        ...newWorkOrder(),
        priority: 'Med',
        unitIDs: [server.sandbox.data.units.find((u) => u.buildingID !== building().id)!.id],
        requestedBy: 1,
        dateToEnter: '12/07/2026',
      });
      expect(res.status).toBe(400);
      const keys = (((await res.json()) as any).errors as any[]).map((e) => e.key).sort();
      expect(keys).toEqual(['dateToEnter', 'priority', 'requestedBy', 'unitIDs']);
      expect(server.sandbox.data.workorders).toHaveLength(before);
    });

    it('closes one only through the BETA close endpoint, for a beta customer; no general update exists', async () => {
      const created = (await (await send('POST', '/workorders', newWorkOrder())).json()) as any;
      const close = {
        timeCardEntry: [{ vendorID: 880001, workDate: '2026-12-08T00:00:00Z', hours: 0 }],
        completedDate: '2026-12-08',
        comments: 'Fixed',
      };
      const path = `/workorders/closeworkorder/${created.id}`;
      const notBeta = await send('PUT', path, close);
      expect(notBeta.status).toBe(403);
      expect(((await notBeta.json()) as any).userMessage).toMatch(/beta program/);
      const beta = headersOf(BETA);
      const missingVendor = await send('PUT', path, { timeCardEntry: [{ hours: 0 }] }, beta);
      expect(missingVendor.status).toBe(400);
      expect(((await missingVendor.json()) as any).errors.map((e: any) => e.key)).toEqual([
        'timeCardEntry[0].vendorID',
      ]);
      const closed = await send('PUT', path, close, beta);
      expect(closed.status).toBe(200);
      expect(await closed.json()).toEqual({}); // a ResponseEntity, not the record
      expect(await get(`/workorders/${created.id}`)).toMatchObject({
        status: 'Completed',
        completedDate: '2026-12-08',
        assignedVendors: [{ id: 880001 }],
        description: created.description,
      });
      expect((await send('PUT', `/workorders/${created.id}`, { description: 'x' }, beta)).status).toBe(405);
      expect((await writes())['PUT /workorders/closeworkorder/{id}']).toEqual({
        received: 3,
        applied: 1,
        rejected: 2,
        refused: 0,
      });
    });
  });
});

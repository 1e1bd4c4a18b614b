import { type AppfolioSandboxOptions, startAppfolioSandboxServer } from '../../src/sandbox/appfolio/appfolio-sandbox';
import { sandboxControl, waitFor } from '../support/sandbox-writes';

const CREDS = { clientId: 'unit-client', clientSecret: 'unit-secret', developerId: 'unit-dev' };
const HEADERS = {
  authorization: `Basic ${Buffer.from(`${CREDS.clientId}:${CREDS.clientSecret}`).toString('base64')}`,
  'X-AppFolio-Developer-ID': CREDS.developerId,
  'content-type': 'application/json',
};
const OPTIONS: AppfolioSandboxOptions = { residents: 40, seed: 2, credentials: [CREDS], requestBudget: null };

describe('AppFolio sandbox writes', () => {
  let server: Awaited<ReturnType<typeof startAppfolioSandboxServer>>;
  const { writes, addFault, sendUnanswered } = sandboxControl(() => server.url);
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = HEADERS) =>
    fetch(`${server.url}${path}`, { method, headers, body: JSON.stringify(body) });

  beforeAll(async () => {
    server = await startAppfolioSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('refuses writes to residents, leases, properties and units as v0 does (read-only: 405), changing nothing', async () => {
    const tenant = server.sandbox.data.tenants[0];
    const before = structuredClone(server.sandbox.data);
    for (const [method, path] of [
      ['POST', '/api/v0/tenants'],
      ['PATCH', `/api/v0/tenants/${tenant.tenant_id}`],
      ['POST', '/api/v0/occupancies'],
      ['PATCH', `/api/v0/occupancies/${tenant.occupancy_id}`],
      ['POST', '/api/v0/properties'],
      ['PUT', '/api/v0/properties/1'],
      ['POST', '/api/v0/units'],
    ]) {
      const res = await send(method, path, { FirstName: 'X' });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 405 });
      expect(((await res.json()) as any).error).toMatch(/read-only/);
    }
    expect(server.sandbox.data).toEqual(before);
    expect((await writes())['POST /api/v0/tenants']).toEqual({ received: 1, applied: 0, rejected: 1, refused: 0 });
  });

  it('takes only operational flags on PUT /api/v0/units/{Id}: a canonical field is a 422 naming the attribute', async () => {
    const unit = server.sandbox.data.units[0];
    const refused = await send('PUT', `/api/v0/units/${unit.unit_id}`, { Bedrooms: 3, MarketRent: '1500.00' });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toEqual({
      errors: [
        { attribute: 'Bedrooms', message: 'is not a writable attribute of a unit' },
        { attribute: 'MarketRent', message: 'is not a writable attribute of a unit' },
      ],
    });
    expect(unit.bedrooms).toBe(structuredClone(server.sandbox.data.units[0]).bedrooms);
    const flagged = await send('PUT', `/api/v0/units/${unit.unit_id}`, { RentReady: true });
    expect(flagged.status).toBe(200);
    expect(await flagged.json()).toEqual({ Id: String(unit.unit_id), RentReady: true });
    expect((await send('PUT', '/api/v0/units/1', { RentReady: true })).status).toBe(404);
    const { 'X-AppFolio-Developer-ID': _developer, ...noDeveloperId } = HEADERS;
    expect((await send('PUT', `/api/v0/units/${unit.unit_id}`, { RentReady: false }, noDeveloperId)).status).toBe(401);
    expect(unit.RentReady).toBe(true);
  });

  it('applies a write that then times out exactly once; an injected 429 applies nothing', async () => {
    const unit = server.sandbox.data.units[0];
    const path = `/api/v0/units/${unit.unit_id}`;
    await addFault({ path, status: 429, times: 1, headers: { 'Retry-After': '2' } });
    expect((await send('PUT', path, { RentReady: true })).status).toBe(429);
    expect(unit.RentReady).toBeUndefined();
    await addFault({ path, hang: true, times: 1 });
    const hung = await sendUnanswered(
      `${server.url}${path}`,
      { method: 'PUT', headers: HEADERS, body: JSON.stringify({ RentReady: true }) },
      'PUT /api/v0/units/{Id}',
      2,
    );
    expect(hung).toBe('no answer');
    expect(unit.RentReady).toBe(true);
    expect((await writes())['PUT /api/v0/units/{Id}']).toEqual({ received: 2, applied: 1, rejected: 0, refused: 1 });
  });

  describe('v0 work orders (service requests)', () => {
    const property = () => server.sandbox.data.properties[0];
    const unitOf = (propertyId: number) => server.sandbox.data.units.find((u) => u.property_id === propertyId)!;
    const newWorkOrder = () => ({
      PropertyId: property().property_id,
      UnitId: unitOf(property().property_id).unit_id,
      JobDescription: 'Leaking tap - kitchen sink drips',
      Instructions: 'Call before entering',
      Priority: 'Urgent',
      AssignedUsers: [9001],
      ScheduledStart: '2026-12-07T15:00:00Z',
      ScheduledEnd: '2026-12-07T17:00:00Z',
      PermissionToEnter: true,
    });
    const list = async (query: string) =>
      (await (await fetch(`${server.url}/api/v0/work_orders?${query}`, { headers: HEADERS })).json()) as any;

    it('creates one (201 with the record, Status New), lists it by LastUpdatedAtFrom and PropertyId', async () => {
      const since = new Date(Date.now() - 1000).toISOString().slice(0, 19) + 'Z';
      const res = await send('POST', '/api/v0/work_orders', newWorkOrder());
      expect(res.status).toBe(201);
      const created = (await res.json()) as any;
      expect(created).toMatchObject({ ...newWorkOrder(), Id: expect.any(Number), Status: 'New', CompletedOn: null });
      expect(created.LastUpdatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect((await list(`filters[LastUpdatedAtFrom]=${since}`)).data).toEqual([created]);
      expect((await list(`filters[PropertyId]=${property().property_id}`)).data).toContainEqual(created);
      expect((await list('filters[PropertyId]=1')).data).toEqual([]);
      expect((await fetch(`${server.url}/api/v0/work_orders`, { headers: HEADERS })).status).toBe(400);
    });

    it('fails only the method a fault names: a PATCH fault leaves the GET of its notes and a later PATCH alone', async () => {
      const created = await send('POST', '/api/v0/work_orders', newWorkOrder());
      expect(created.status).toBe(201);
      const { Id } = (await created.json()) as { Id: string };
      const path = `/api/v0/work_orders/${Id}`;
      await addFault({ path, method: 'PATCH', status: 503, times: 1 });
      await addFault({ path: `${path}/notes`, method: 'POST', status: 500, times: 1 });
      expect((await fetch(`${server.url}${path}/notes`, { headers: HEADERS })).status).toBe(200);
      expect((await send('PATCH', path, { Priority: 'Normal' })).status).toBe(503);
      expect((await send('PATCH', path, { Priority: 'Normal' })).status).toBe(200);
      expect((await writes())['PATCH /api/v0/work_orders/{Id}']).toEqual({
        received: 2,
        applied: 1,
        rejected: 0,
        refused: 1,
      });
    });

    it('PATCH changes only the attributes given and moves LastUpdatedAt past a since-filter; notes take {"Body"}', async () => {
      const created = (await (await send('POST', '/api/v0/work_orders', newWorkOrder())).json()) as any;
      // A moment strictly after the create (the filter takes milliseconds): only a later change passes it.
      const afterCreate = new Date(Date.now() + 1).toISOString();
      await waitFor(async () => Date.now() > Date.parse(afterCreate));
      expect((await list(`filters[LastUpdatedAtFrom]=${afterCreate}`)).data).toEqual([]);
      const res = await send('PATCH', `/api/v0/work_orders/${created.Id}`, {
        Status: 'Work Completed',
        CompletedOn: '2026-12-08',
      });
      expect(res.status).toBe(200);
      const patched = (await res.json()) as any;
      expect(patched).toEqual({
        ...created,
        Status: 'Work Completed',
        CompletedOn: '2026-12-08',
        LastUpdatedAt: patched.LastUpdatedAt,
      });
      const note = await send('POST', `/api/v0/work_orders/${created.Id}/notes`, { Body: 'Replaced the washer' });
      expect(note.status).toBe(201);
      const notes = (await (
        await fetch(`${server.url}/api/v0/work_orders/${created.Id}/notes?sort=-CreatedAt`, { headers: HEADERS })
      ).json()) as any;
      expect(notes.data.map((n: any) => n.Body)).toEqual(['Replaced the washer']);
      expect((await send('POST', `/api/v0/work_orders/${created.Id}/notes`, { body: 'lower-case b' })).status).toBe(
        422,
      );
      const changed = (await list(`filters[LastUpdatedAtFrom]=${afterCreate}`)).data;
      expect(changed.map((w: any) => [w.Id, w.Status])).toEqual([[created.Id, 'Work Completed']]);
    });

    it('answers malformed attributes with 400 and semantic failures with 422 {errors[{attribute, message}]}', async () => {
      const created = (await (await send('POST', '/api/v0/work_orders', newWorkOrder())).json()) as any;
      const before = structuredClone(server.sandbox.data.work_orders);
      const errors = async (method: string, path: string, body: unknown) => {
        const res = await send(method, path, body);
        expect(res.status).toBe(422);
        return ((await res.json()) as any).errors;
      };
      expect(await errors('PATCH', `/api/v0/work_orders/${created.Id}`, { Status: 'work completed' })).toEqual([
        { attribute: 'Status', message: 'is not a work order status: work completed' },
      ]);
      expect(await errors('PATCH', `/api/v0/work_orders/${created.Id}`, { AssignedUsers: [42] })).toEqual([
        { attribute: 'AssignedUsers', message: 'User not found' },
      ]);
      expect(
        await errors('POST', '/api/v0/work_orders', { PropertyId: property().property_id, Priority: 'High' }),
      ).toEqual([
        { attribute: 'JobDescription', message: "can't be blank" },
        { attribute: 'Priority', message: 'must be one of Urgent, Normal, Low' },
      ]);
      expect(await errors('POST', '/api/v0/work_orders', { ...newWorkOrder(), UnitId: 1 })).toEqual([
        { attribute: 'UnitId', message: 'Unit not found in this property' },
      ]);
      for (const body of [
        { PropertyId: 'p1', JobDescription: 'x' },
        { ...newWorkOrder(), ScheduledStart: '2026-12-07 15:00' },
      ])
        expect((await send('POST', '/api/v0/work_orders', body)).status).toBe(400);
      expect((await send('PATCH', `/api/v0/work_orders/${created.Id}`, { PropertyId: 5 })).status).toBe(400);
      expect((await send('PATCH', '/api/v0/work_orders/999', { Status: 'New' })).status).toBe(404);
      expect(server.sandbox.data.work_orders).toEqual(before);
    });

    it('refuses a second PATCH to a record while one is in flight (409), applying only the first', async () => {
      const created = (await (await send('POST', '/api/v0/work_orders', newWorkOrder())).json()) as any;
      const path = `/api/v0/work_orders/${created.Id}`;
      // The first PATCH waits inside the vendor long enough for the second to arrive while it is in flight.
      await addFault({ path, delayMs: 4000, times: 1 });
      const first = send('PATCH', path, { Status: 'Scheduled' });
      await waitFor(async () => server.sandbox.faults.list().length === 0);
      const second = await send('PATCH', path, { Status: 'Waiting' });
      expect(second.status).toBe(409);
      expect((await first).status).toBe(200);
      expect(server.sandbox.data.work_orders.find((w) => w.Id === created.Id)!.Status).toBe('Scheduled');
      expect((await writes())['PATCH /api/v0/work_orders/{Id}']).toEqual({
        received: 2,
        applied: 1,
        rejected: 1,
        refused: 0,
      });
    });
  });
});

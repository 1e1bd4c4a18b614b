import fs from 'node:fs';
import path from 'node:path';
import type { PropertywareRestModel } from '../../src/fetch/propertyware-rest/propertyware-rest.facts';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import { PROPERTY_TYPE_DISPLAY } from '../../src/sandbox/propertyware-rest/propertyware-rest-dataset';
import { startPropertywareRestSandboxServer } from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { propertywareRestAdapter } from '../../src/fetch/propertyware-rest/propertyware-rest.adapter';
import { VendorAuthError, VendorHttp } from '../../src/fetch/adapter/vendor-http';
import { assertValid } from '../support/propexo-schema';

const CREDS = { clientId: 'unit-client', clientSecret: 'unit-secret', systemId: '4242' };
const HEADERS = {
  'x-propertyware-client-id': CREDS.clientId,
  'x-propertyware-client-secret': CREDS.clientSecret,
  'x-propertyware-system-id': CREDS.systemId,
};
const SCHEMAS: Record<string, string> = {
  '/portfolios': 'Portfolio',
  '/buildings': 'Building',
  '/units': 'Unit',
  '/leases': 'Lease',
  '/contacts': 'Contact',
};
const SPEC = 'propertyware-openapi.json';
/** Reads send propertyType as display strings, off the spec's enum (the vendor's documented habit): checked as their codes. */
const asCodes = (record: any) =>
  record.propertyType in PROPERTY_TYPE_DISPLAY
    ? { ...record, propertyType: PROPERTY_TYPE_DISPLAY[record.propertyType] }
    : record;

describe('Propertyware REST sandbox', () => {
  let server: Awaited<ReturnType<typeof startPropertywareRestSandboxServer>>;
  const options = { residents: 300, seed: 7, credentials: [CREDS], requestsPerSecond: 0 };
  const get = (path: string, headers: Record<string, string> = HEADERS) => fetch(`${server.url}${path}`, { headers });
  const json = async (path: string) => (await (await get(path)).json()) as any[];
  const control = (path: string, method: string, body?: unknown) =>
    fetch(`${server.url}/_control/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    server = await startPropertywareRestSandboxServer(options);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(options));

  it('serves every record in exactly the shapes and field names of propertyware-openapi.json', async () => {
    server.sandbox.reset({ ...options, residents: 600 }); // 24 buildings or more: each type shows
    const types = new Set<string>();
    for (const [path, schema] of Object.entries(SCHEMAS)) {
      const res = await get(`${path}?limit=500&includeDeactivated=true`);
      expect(res.status).toBe(200);
      const records = (await res.json()) as any[];
      expect(records.length).toBeGreaterThan(0);
      for (const record of records) {
        if (record.propertyType) types.add(record.propertyType);
        assertValid(schema, asCodes(record), SPEC, { closed: true });
      }
    }
    // Every value of the spec's enum is served, and every display string.
    const codes: string[] = JSON.parse(fs.readFileSync(path.join(__dirname, '../../docs/reference', SPEC), 'utf8'))
      .components.schemas.Building.properties.propertyType.enum;
    expect([...types].sort()).toEqual([...codes, ...Object.keys(PROPERTY_TYPE_DISPLAY)].sort());
  });

  it('answers a collection denied to the credentials with 403 ErrorResponse, and serves the others', async () => {
    server.sandbox.reset({ ...options, credentials: [{ ...CREDS, denied: ['contacts'] }] });
    const res = await get('/contacts?type=TENANT&limit=1');
    expect(res.status).toBe(403);
    const body = await res.json();
    assertValid('ErrorResponse', body, SPEC, { closed: true });
    expect(body).toMatchObject({ errorCode: 'FORBIDDEN' });
    expect((await get('/leases?limit=1')).status).toBe(200);
  });

  it('builds a consistent, deterministic account', () => {
    const { contacts, leases, units, buildings, portfolios } = server.sandbox.data;
    const onLease = new Set(leases.flatMap((l) => l.contacts.map((c: any) => c.id)));
    const tenants = contacts.filter((c) => c.type === 'TENANT');
    expect(tenants.filter((t) => onLease.has(t.id))).toHaveLength(300);
    // A few tenants are on no lease, and prospects (applicants) are contacts too, like owners.
    expect(tenants.filter((t) => !onLease.has(t.id))).toHaveLength(6);
    expect(contacts.filter((c) => c.type === 'PROSPECT')).toHaveLength(12);
    expect(contacts.filter((c) => c.type === 'OWNER').length).toBeGreaterThan(0);
    expect(leases.length).toBeGreaterThan(100);
    const unitById = new Map(units.map((u) => [u.id, u]));
    const buildingIds = new Set(buildings.map((b) => b.id));
    const portfolioIds = new Set(portfolios.map((p) => p.id));
    for (const l of leases) {
      expect(unitById.get(l.unitID)?.buildingID).toBe(l.buildingID);
      expect(buildingIds.has(l.buildingID)).toBe(true);
    }
    for (const b of buildings) expect(portfolioIds.has(b.portfolioID)).toBe(true);
    expect(new Set(leases.map((l) => l.status))).toEqual(
      new Set(['Active', 'Active - Notice Given', 'Draft', 'Terminated', 'Eviction', 'Holdover']),
    );
    const again = JSON.stringify(server.sandbox.data);
    server.sandbox.reset(options);
    expect(JSON.stringify(server.sandbox.data)).toBe(again);
    server.sandbox.reset({ ...options, seed: 8 });
    expect(JSON.stringify(server.sandbox.data)).not.toBe(again);
  });

  it('rejects missing or wrong keys, including a key pair used with another organization, with 401 ErrorResponse', async () => {
    for (const headers of [
      {},
      { ...HEADERS, 'x-propertyware-client-secret': 'wrong' },
      { ...HEADERS, 'x-propertyware-system-id': '9999' },
    ]) {
      const res = await get('/buildings', headers);
      expect(res.status).toBe(401);
      assertValid('ErrorResponse', await res.json(), SPEC, { closed: true });
    }
  });

  it('pages with offset/limit and X-Total-Count, cuts a larger limit to 500, and answers bad paging with 400 or 404', async () => {
    const tenantIds = server.sandbox.data.contacts.filter((c) => c.type === 'TENANT').map((c) => c.id);
    const seen: number[] = [];
    for (let offset = 0; offset < tenantIds.length; offset += 70) {
      const res = await get(`/contacts?type=TENANT&offset=${offset}&limit=70`);
      expect(res.headers.get('x-total-count')).toBe(String(tenantIds.length));
      seen.push(...((await res.json()) as any[]).map((t) => t.id));
    }
    expect(seen).toEqual(tenantIds);
    expect(await json('/contacts')).toHaveLength(100); // default limit
    server.sandbox.reset({ ...options, residents: 1200 });
    expect(await json('/contacts?limit=2000')).toHaveLength(500);
    for (const bad of [
      'limit=0',
      'offset=-1',
      'limit=ten',
      'lastModifiedDateTimeStart=yesterday',
      'type=tenant',
      'orderby=shoeSize',
    ]) {
      const res = await get(`/contacts?${bad}`);
      expect(res.status).toBe(400);
      assertValid('ErrorResponse', await res.json(), SPEC, { closed: true });
    }
    // Parameter names and paths are case-sensitive.
    expect((await get('/contacts?Limit=5')).status).toBe(404);
    expect((await get('/Contacts')).status).toBe(404);
  });

  it('filters by contact type and hides deactivated buildings and units unless includeDeactivated=true', async () => {
    expect((await json('/contacts?type=OWNER&limit=500')).every((c) => c.type === 'OWNER')).toBe(true);
    const { buildings, units } = server.sandbox.data;
    const inactive = buildings.filter((b) => !b.active).length;
    expect(inactive).toBeGreaterThan(0);
    expect((await get('/buildings?limit=1')).headers.get('x-total-count')).toBe(String(buildings.length - inactive));
    expect((await get('/buildings?limit=1&includeDeactivated=true')).headers.get('x-total-count')).toBe(
      String(buildings.length),
    );
    expect((await get('/units?limit=1&includeDeactivated=true')).headers.get('x-total-count')).toBe(
      String(units.length),
    );
  });

  it('sorts by orderby, field names in any case', async () => {
    const ids = (await json('/leases?limit=500&orderby=ID desc')).map((l) => l.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const starts = (await json('/leases?limit=500&orderby=startdate asc,id desc')).map((l) => l.startDate);
    expect(starts).toEqual([...starts].sort());
  });

  it('serves lease contacts as minimal LeaseContact completed from /contacts', async () => {
    const lease = server.sandbox.data.leases.find((l) => l.contacts.length > 1)!;
    const served = (await (await get(`/leases/${lease.id}`)).json()) as any;
    const contact = server.sandbox.data.contacts.find((c) => c.id === lease.contacts[0].id)!;
    expect(served.contacts[0]).toMatchObject({
      id: contact.id,
      firstName: contact.firstName,
      lastName: contact.lastName,
      primary: true,
      role: 'Tenant',
    });
    expect(served.contacts[0].birthDate).toBeUndefined();
    expect(served.contacts[0].address).toBeUndefined();
    expect((await get('/leases/1')).status).toBe(404);
  });

  it('changes records through the control API and shows them to lastModifiedDateTimeStart', async () => {
    const since = `${new Date(Date.now() - 1000).toISOString().slice(0, 19)}Z`;
    expect(await json(`/contacts?lastModifiedDateTimeStart=${since}`)).toEqual([]);
    const [first, second] = server.sandbox.data.contacts;
    expect((await control(`contacts/${first.id}`, 'PATCH', { firstName: 'Renamed' })).status).toBe(200);
    const created = (await (await control('contacts', 'POST', { firstName: 'New', lastName: 'Tenant' })).json()) as any;
    expect(created).toMatchObject({ type: 'TENANT', firstName: 'New' });
    expect((await control(`contacts/${second.id}`, 'DELETE')).status).toBe(204);

    const changed = await json(`/contacts?lastModifiedDateTimeStart=${since}&limit=500`);
    expect(changed.map((c) => c.id).sort()).toEqual([first.id, created.id].sort());
    expect(changed.find((c) => c.id === first.id).firstName).toBe('Renamed');
    expect(Date.parse(changed[0].lastModifiedDateTime)).toBeGreaterThanOrEqual(Date.parse(since));
    // The removed contact is gone from its lease, and that lease counts as changed.
    expect(server.sandbox.data.leases.some((l) => l.contacts.some((c: any) => c.id === second.id))).toBe(false);
    expect((await json(`/leases?lastModifiedDateTimeStart=${since}`)).length).toBe(1);
    expect((await get(`/contacts/${second.id}`)).status).toBe(404);

    const mutated = (await (await control('mutate', 'POST', { leases: 3, buildings: 1 })).json()) as any;
    expect(mutated).toEqual({ edited: { leases: 3, buildings: 1 } });
    const state = (await (await control('state', 'GET')).json()) as any;
    expect(state).toMatchObject({
      vendor: 'PROPERTYWARE_REST',
      seed: 7,
      residents: 300,
      counts: { leases: server.sandbox.data.leases.length },
    });
  });

  it('injects throttling, server errors, slow answers, malformed records and renamed fields', async () => {
    expect((await control('faults', 'POST', { status: 429, times: 2, path: '/buildings' })).status).toBe(201);
    expect((await get('/buildings')).status).toBe(429);
    expect((await get('/buildings')).status).toBe(429);
    expect((await get('/buildings')).status).toBe(200);

    await control('faults', 'POST', {
      path: '/contacts',
      malformed: { index: 1 },
      renameField: { from: 'firstName', to: 'givenName' },
      times: 1,
    });
    const page = await json('/contacts?limit=3');
    expect(typeof page[1].id).toBe('object');
    expect(page[0].firstName).toBeUndefined();
    expect(page[0].givenName).toBe(server.sandbox.data.contacts[0].firstName);
    expect(server.sandbox.data.contacts[0].firstName).toBeDefined(); // the dataset is untouched

    await control('faults', 'POST', { path: '/leases', status: 500, times: 1 });
    await control('faults', 'POST', { path: '/units', delayMs: 300, times: 1 });
    expect((await get('/leases')).status).toBe(500);
    const started = Date.now();
    expect((await get('/units')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect((await control('faults', 'POST', { status: 'boom' })).status).toBe(400);
    expect(server.sandbox.faults.list()).toEqual([]);
  });

  it('throttles with 429 beyond about 10 requests a second by default', async () => {
    server.sandbox.reset({ ...options, requestsPerSecond: undefined });
    const statuses = await Promise.all(Array.from({ length: 14 }, () => get('/portfolios').then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });
});

describe('Propertyware REST client against the sandbox', () => {
  let server: Awaited<ReturnType<typeof startPropertywareRestSandboxServer>>;
  const client = (credentials = CREDS) => {
    const guard = new OutboundGuard(['127.0.0.0/8']);
    return propertywareRestAdapter.client(credentials, {
      baseUrl: server.url,
      connect: (headers) => new VendorHttp({ baseUrl: server.url, headers, guard, throttleBackoffMs: 50 }),
      report: { rateLimits: () => undefined },
    });
  };
  const pull = async (model: PropertywareRestModel, since?: Date) => {
    const pages: any[][] = [];
    for await (const page of client().listPages(model, { since })) pages.push(page.records);
    return pages;
  };

  beforeAll(async () => {
    server = await startPropertywareRestSandboxServer({ residents: 1200, seed: 3, credentials: [CREDS] });
  });
  afterAll(() => server.close());

  it('pulls every tenant contact (not owners) in pages of 500, deactivated buildings included', async () => {
    const tenants = server.sandbox.data.contacts.filter((c) => c.type === 'TENANT');
    expect(tenants).toHaveLength(1224); // 1,200 on leases, 24 on none
    const pages = await pull('residents');
    expect(pages.map((p) => p.length)).toEqual([500, 500, 224]);
    expect(pages.flat().map((c) => c.id)).toEqual(tenants.map((c) => c.id));
    const buildings = (await pull('properties')).flat();
    expect(buildings).toHaveLength(server.sandbox.data.buildings.length);
    expect(buildings.some((b) => b.active === false)).toBe(true);
  });

  it('hydrates each tenant contact with the leases that name it', async () => {
    const residents = (await pull('residents')).flat();
    for (const lease of server.sandbox.data.leases) {
      for (const { id } of lease.contacts) {
        const resident = residents.find((r) => r.id === id);
        const link = resident.leases.find((l: any) => l.id === lease.id);
        expect(link).toMatchObject({
          id: lease.id,
          buildingID: lease.buildingID,
          unitID: lease.unitID,
          status: lease.status,
          startDate: lease.startDate,
          moveInDate: lease.moveInDate,
        });
        // The lease's contacts come along: the tenant's side of its link (primary, role) is its entry there.
        expect(link.contacts.map((c: any) => c.id)).toEqual(lease.contacts.map((c: any) => c.id));
      }
    }
    // A tenant no lease names comes with an empty list (the mapping quarantines it: no property).
    expect(residents.filter((r) => !Array.isArray(r.leases) || r.leases.length === 0)).toHaveLength(24);
  });

  it('asks only for what changed since a date', async () => {
    const since = new Date(Date.now() - 1000);
    const lease = server.sandbox.data.leases[10];
    await fetch(`${server.url}/_control/leases/${lease.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ baseRent: 1234.56 }),
    });
    expect((await pull('leases', since)).flat().map((l) => l.id)).toEqual([lease.id]);
  });

  it('retries past throttling and reports refused keys as an auth error', async () => {
    server.sandbox.faults.add({ path: '/units', status: 429, times: 2 });
    expect((await pull('units')).flat()).toHaveLength(server.sandbox.data.units.length);
    const wrong = { ...CREDS, systemId: 'other-org' };
    const pages = client(wrong).listPages('units')[Symbol.asyncIterator]();
    await expect(pages.next()).rejects.toBeInstanceOf(VendorAuthError);
  });
});

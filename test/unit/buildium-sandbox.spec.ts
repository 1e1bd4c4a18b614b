import fs from 'node:fs';
import path from 'node:path';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { assertValid } from '../support/propexo-schema';

const CREDS = { clientId: 'unit-client', secret: 'unit-secret' };
const HEADERS = { 'x-buildium-client-id': CREDS.clientId, 'x-buildium-client-secret': CREDS.secret };
const SCHEMAS: Record<string, string> = {
  '/v1/rentals': 'RentalMessage',
  '/v1/rentals/units': 'RentalUnitMessage',
  '/v1/leases': 'LeaseMessage',
  '/v1/leases/tenants': 'TenantMessage',
  '/v1/applicants': 'ApplicantMessage',
};
const SPEC = JSON.parse(fs.readFileSync(path.join(__dirname, '../../docs/reference/buildium-openapi.json'), 'utf8'))
  .components.schemas;
/** Where each enum the mappings normalise sits in the served records. */
const ENUMS: Array<{ path: string; schema: string; property: string; values: (record: any) => unknown[] }> = [
  { path: '/v1/leases', schema: 'LeaseMessage', property: 'LeaseStatus', values: (l) => [l.LeaseStatus] },
  { path: '/v1/leases', schema: 'LeaseMessage', property: 'LeaseType', values: (l) => [l.LeaseType] },
  {
    path: '/v1/leases/tenants',
    schema: 'PhoneNumberMessage',
    property: 'Type',
    values: (t) => t.PhoneNumbers.map((p: any) => p.Type),
  },
  { path: '/v1/rentals', schema: 'RentalMessage', property: 'RentalType', values: (r) => [r.RentalType] },
  { path: '/v1/rentals', schema: 'RentalMessage', property: 'RentalSubType', values: (r) => [r.RentalSubType] },
  { path: '/v1/rentals/units', schema: 'RentalUnitMessage', property: 'UnitBedrooms', values: (u) => [u.UnitBedrooms] },
  {
    path: '/v1/rentals/units',
    schema: 'RentalUnitMessage',
    property: 'UnitBathrooms',
    values: (u) => [u.UnitBathrooms],
  },
];

describe('Buildium sandbox', () => {
  let server: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  const get = (path: string, headers: Record<string, string> = HEADERS) => fetch(`${server.url}${path}`, { headers });
  const control = (path: string, method: string, body?: unknown) =>
    fetch(`${server.url}/_control/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    server = await startBuildiumSandboxServer({ residents: 300, seed: 7, credentials: [CREDS] });
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset({ residents: 300, seed: 7, credentials: [CREDS] }));

  it('serves every record in exactly the shapes and field names of buildium-openapi.json', async () => {
    for (const [path, schema] of Object.entries(SCHEMAS)) {
      const res = await get(`${path}?limit=1000`);
      expect(res.status).toBe(200);
      const records = (await res.json()) as unknown[];
      expect(records.length).toBeGreaterThan(0);
      for (const record of records) assertValid(schema, record, 'buildium-openapi.json', { closed: true });
    }
  });

  it('POST /_control/links adds, moves and removes a tenant as Buildium shows it, moving the last-updated times it would', async () => {
    const { leases, tenants } = server.sandbox.data;
    const onOneLease = (id: number) => leases.filter((l) => l.Tenants.some((t: any) => t.Id === id)).length === 1;
    const from = leases.find((l) => l.Tenants.length >= 2 && l.Tenants.some((t: any) => onOneLease(t.Id)))!;
    const tenantId: number = from.Tenants.find((t: any) => onOneLease(t.Id)).Id;
    const to = leases.find((l) => l !== from && !l.Tenants.some((t: any) => t.Id === tenantId))!;
    const moved = await control('links', 'POST', { resident: tenantId, from: String(from.Id), to: to.Id });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toEqual({ resident: String(tenantId), leases: [String(to.Id)] });
    const lease = async (id: number) => (await get(`/v1/leases/${id}`)).json() as Promise<any>;
    expect((await lease(from.Id)).Tenants.map((t: any) => t.Id)).not.toContain(tenantId);
    expect((await lease(to.Id)).Tenants.find((t: any) => t.Id === tenantId)).toEqual({
      Id: tenantId,
      Status: expect.any(String),
      MoveInDate: to.LeaseFromDate,
    });
    const tenant = (await (await get(`/v1/leases/tenants/${tenantId}`)).json()) as any;
    expect(tenant.Leases.map((l: any) => l.Id)).toEqual([to.Id]);
    // Both leases and the tenant changed, as lastupdatedfrom shows.
    const since = (await lease(from.Id)).LastUpdatedDateTime;
    const changed = async (path: string) =>
      ((await (await get(`${path}?lastupdatedfrom=${since}&limit=1000`)).json()) as any[]).map((r) => r.Id);
    expect(await changed('/v1/leases')).toEqual(expect.arrayContaining([from.Id, to.Id]));
    expect(await changed('/v1/leases/tenants')).toContain(tenantId);

    const other = tenants.find((t) => t.Id !== tenantId)!;
    expect((await control('links', 'POST', { resident: other.Id, to: to.Id })).status).toBe(200);
    expect(
      ((await (await get(`/v1/leases/tenants/${other.Id}`)).json()) as any).Leases.map((l: any) => l.Id),
    ).toContain(to.Id);
    expect((await control('links', 'POST', { resident: other.Id, from: to.Id })).status).toBe(200);
    expect((await lease(to.Id)).Tenants.map((t: any) => t.Id)).not.toContain(other.Id);

    for (const [body, error] of [
      [{ resident: tenantId, from: from.Id }, `tenant ${tenantId} is not on lease ${from.Id}`],
      [{ resident: tenantId, to: to.Id }, `tenant ${tenantId} is on lease ${to.Id} already`],
      [{ resident: tenantId }, expect.stringContaining('body must be')],
      [{ resident: tenantId, from: to.Id, to: to.Id }, expect.stringContaining('body must be')],
      [{ resident: 1, to: to.Id }, 'tenant 1 not found'],
    ] as const) {
      const res = await control('links', 'POST', body);
      expect([res.status, ((await res.json()) as any).error]).toEqual([400, error]);
    }
  });

  it('serves every value of each enum the mappings normalise (so a missing mapping shows in a sync)', async () => {
    server.sandbox.reset({ residents: 600, seed: 7, credentials: [CREDS] });
    for (const { path: route, schema, property, values } of ENUMS) {
      const records = (await (await get(`${route}?limit=1000`)).json()) as any[];
      const served = new Set(records.flatMap(values).filter((v) => v !== undefined));
      expect([`${schema}.${property}`, [...served].sort()]).toEqual([
        `${schema}.${property}`,
        [...SPEC[schema].properties[property].enum].sort(),
      ]);
    }
  });

  it('keeps applicants apart from tenants, and adds tenants on no lease only when asked', async () => {
    const { tenants, applicants, leases } = server.sandbox.data;
    expect(applicants).toHaveLength(15);
    const tenantIds = new Set(tenants.map((t) => t.Id));
    for (const a of applicants) expect(tenantIds.has(a.Id)).toBe(false);
    const onLease = new Set(leases.flatMap((l) => l.Tenants.map((t: any) => t.Id)));
    expect(tenants.filter((t) => !onLease.has(t.Id))).toEqual([]);
    server.sandbox.reset({ residents: 300, seed: 7, credentials: [CREDS], tenantsOnNoLease: 4 });
    const served = (await (await get('/v1/leases/tenants?limit=1000')).json()) as any[];
    expect(served.filter((t) => t.Leases.length === 0)).toHaveLength(4);
    expect(served).toHaveLength(304);
  });

  it('builds a consistent, deterministic portfolio', () => {
    const { tenants, leases, units, rentals } = server.sandbox.data;
    expect(tenants).toHaveLength(300);
    expect(leases.length).toBeGreaterThan(100);
    expect(leases.length).toBeLessThan(200);
    const onLease = new Set(leases.flatMap((l) => l.Tenants.map((t: any) => t.Id)));
    for (const t of tenants) expect(onLease.has(t.Id)).toBe(true);
    const unitIds = new Set(units.map((u) => u.Id));
    const rentalIds = new Set(rentals.map((r) => r.Id));
    for (const l of leases) {
      expect(unitIds.has(l.UnitId)).toBe(true);
      expect(rentalIds.has(l.PropertyId)).toBe(true);
    }
    expect(new Set(leases.map((l) => l.LeaseStatus))).toEqual(new Set(['Active', 'Past', 'Future']));
    const again = JSON.stringify(server.sandbox.data);
    server.sandbox.reset({ residents: 300, seed: 7, credentials: [CREDS] });
    expect(JSON.stringify(server.sandbox.data)).toBe(again);
    server.sandbox.reset({ residents: 300, seed: 8, credentials: [CREDS] });
    expect(JSON.stringify(server.sandbox.data)).not.toBe(again);
  });

  it('rejects missing or wrong credentials with 401 ApiErrorResponse', async () => {
    for (const headers of [{}, { ...HEADERS, 'x-buildium-client-secret': 'wrong' }]) {
      const res = await get('/v1/rentals', headers);
      expect(res.status).toBe(401);
      assertValid('ApiErrorResponse', await res.json(), 'buildium-openapi.json', { closed: true });
    }
  });

  it('answers a collection denied to the credentials with 403 ApiErrorResponse, and serves the others', async () => {
    server.sandbox.reset({ residents: 300, seed: 7, credentials: [{ ...CREDS, denied: ['tenants'] }] });
    try {
      for (const path of ['/v1/leases/tenants', '/v1/leases/tenants/1']) {
        const res = await get(path);
        expect(res.status).toBe(403);
        const body = await res.json();
        assertValid('ApiErrorResponse', body, 'buildium-openapi.json', { closed: true });
        expect(body).toMatchObject({ ErrorCode: 'Forbidden', Errors: [] });
      }
      expect((await get('/v1/leases?limit=1')).status).toBe(200);
    } finally {
      server.sandbox.reset({ residents: 300, seed: 7, credentials: [CREDS] }); // the next tests reset to the options last given
    }
  });

  it('pages with offset/limit and X-Total-Count, and rejects bad paging with 400', async () => {
    const all = server.sandbox.data.tenants.map((t) => t.Id);
    const seen: number[] = [];
    for (let offset = 0; offset < all.length; offset += 70) {
      const res = await get(`/v1/leases/tenants?offset=${offset}&limit=70`);
      expect(res.headers.get('x-total-count')).toBe(String(all.length));
      seen.push(...((await res.json()) as any[]).map((t) => t.Id));
    }
    expect(seen).toEqual(all);
    expect(((await (await get('/v1/leases/tenants')).json()) as unknown[]).length).toBe(50); // default limit
    for (const bad of ['limit=0', 'limit=1001', 'offset=-1', 'limit=ten', 'lastupdatedfrom=yesterday']) {
      const res = await get(`/v1/leases?${bad}`);
      expect(res.status).toBe(400);
      assertValid('ApiErrorResponse', await res.json(), 'buildium-openapi.json', { closed: true });
    }
  });

  it('embeds leases in tenants and current tenants in leases', async () => {
    const lease = server.sandbox.data.leases.find((l) => l.LeaseStatus === 'Active')!;
    const served = (await (await get(`/v1/leases/${lease.Id}`)).json()) as any;
    expect(served.CurrentTenants.map((t: any) => t.Id)).toEqual(lease.Tenants.map((t: any) => t.Id));
    expect(served.CurrentTenants[0].Leases).toBeUndefined();
    const tenant = (await (await get(`/v1/leases/tenants/${lease.Tenants[0].Id}`)).json()) as any;
    expect(tenant.Leases.map((l: any) => l.Id)).toContain(lease.Id);
    expect(tenant.Leases[0].CurrentTenants).toBeUndefined();
    expect((await get('/v1/leases/1')).status).toBe(404);
  });

  it('changes records through the control API and shows them to lastupdatedfrom', async () => {
    const since = `${new Date(Date.now() - 1000).toISOString().slice(0, 19)}Z`;
    expect(await (await get(`/v1/leases/tenants?lastupdatedfrom=${since}`)).json()).toEqual([]);
    const [first, second] = server.sandbox.data.tenants;
    expect((await control(`tenants/${first.Id}`, 'PATCH', { FirstName: 'Renamed' })).status).toBe(200);
    const created = (await (await control('tenants', 'POST', { FirstName: 'New', LastName: 'Tenant' })).json()) as any;
    expect(created.Id).toBeGreaterThan(server.sandbox.data.tenants[server.sandbox.data.tenants.length - 2].Id);
    expect((await control(`tenants/${second.Id}`, 'DELETE')).status).toBe(204);

    const changed = (await (await get(`/v1/leases/tenants?lastupdatedfrom=${since}&limit=1000`)).json()) as any[];
    const changedIds = changed.map((t) => t.Id);
    expect(changedIds).toContain(first.Id);
    expect(changedIds).toContain(created.Id);
    expect(changed.find((t) => t.Id === first.Id).FirstName).toBe('Renamed');
    // The removed tenant is gone from every lease, and those leases count as changed.
    expect(server.sandbox.data.leases.some((l) => l.Tenants.some((t: any) => t.Id === second.Id))).toBe(false);
    const changedLeases = (await (await get(`/v1/leases?lastupdatedfrom=${since}&limit=1000`)).json()) as any[];
    expect(changedLeases.length).toBeGreaterThan(0);
    expect((await get(`/v1/leases/tenants/${second.Id}`)).status).toBe(404);
    expect((await control('tenants/1', 'PATCH', { FirstName: 'x' })).status).toBe(404);
  });

  it('injects throttling, server errors, malformed records and renamed fields', async () => {
    expect((await control('faults', 'POST', { status: 429, times: 2, path: '/v1/rentals' })).status).toBe(201);
    expect((await get('/v1/rentals')).status).toBe(429);
    expect((await get('/v1/rentals')).status).toBe(429);
    expect((await get('/v1/rentals')).status).toBe(200);

    await control('faults', 'POST', {
      malformed: { index: 1 },
      renameField: { from: 'FirstName', to: 'GivenName' },
      times: 1,
    });
    const page = (await (await get('/v1/leases/tenants?limit=3')).json()) as any[];
    expect(typeof page[1].Id).toBe('object');
    expect(page[0].FirstName).toBeUndefined();
    expect(page[0].GivenName).toBe(server.sandbox.data.tenants[0].FirstName);
    expect(server.sandbox.data.tenants[0].FirstName).toBeDefined(); // the dataset is untouched
    expect((await control('faults', 'POST', { status: 'boom' })).status).toBe(400);

    // A failing response does not use up data faults queued for the same path; paths match exactly.
    await control('faults', 'POST', { path: '/v1/leases/tenants', malformed: true, times: 1 });
    await control('faults', 'POST', { path: '/v1/leases/tenants', status: 503, times: 1 });
    await control('faults', 'POST', { path: '/v1/leases', status: 500, times: 1 });
    expect((await get('/v1/leases/tenants?limit=2')).status).toBe(503);
    const corrupted = (await (await get('/v1/leases/tenants?limit=2')).json()) as any[];
    expect(typeof corrupted[0].Id).toBe('object');
    expect((await get('/v1/leases?limit=1')).status).toBe(500);
    expect(server.sandbox.faults.list()).toEqual([]);
  });

  it('throttles with 429 beyond the configured request rate', async () => {
    server.sandbox.reset({ residents: 20, seed: 1, credentials: [CREDS], requestsPerSecond: 3 });
    const statuses = await Promise.all(Array.from({ length: 6 }, () => get('/v1/rentals').then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });
});

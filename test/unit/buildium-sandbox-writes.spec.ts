import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { tenantMessage } from '../../src/fetch/buildium/buildium.writes';
import { assertValid } from '../support/propexo-schema';

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
    const res = await send('POST', '/v1/leases/tenants', post({ PhoneNumbers: { Mobile: '555-0101' } }));
    expect(res.status).toBe(201);
    const tenant = (await res.json()) as any;
    assertValid('TenantMessage', tenant, 'buildium-openapi.json', { closed: true });
    expect(tenant.PhoneNumbers).toEqual([{ Number: '555-0101', Type: 'Cell' }]);
    expect(tenant.Leases.map((l: any) => l.Id)).toEqual([server.sandbox.data.leases[0].Id]);
    const read = await fetch(`${server.url}/v1/leases/tenants/${tenant.Id}`, { headers: headers() });
    expect(((await read.json()) as any).FirstName).toBe('New');
    expect((server.sandbox.writes.snapshot()['POST /v1/leases/tenants']?.received ?? 0) - before).toBe(1);
  });

  it('answers 400 with Errors[{Key, Value}] for a malformed body, 422 for an unknown lease, 415 without JSON', async () => {
    const bad = await send('POST', '/v1/leases/tenants', post({ FirstName: '', Address: { AddressLine1: 'x' } }));
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as any;
    assertValid('ApiErrorResponse', error, 'buildium-openapi.json', { closed: true });
    expect(error.Errors.map((e: any) => e.Key)).toEqual(['FirstName', 'Address.Country']);
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

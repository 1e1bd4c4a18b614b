import { type AppfolioSandboxOptions, startAppfolioSandboxServer } from '../../src/sandbox/appfolio/appfolio-sandbox';

const CREDS = { clientId: 'unit-client', clientSecret: 'unit-secret', developerId: 'unit-dev' };
const HEADERS = {
  authorization: `Basic ${Buffer.from(`${CREDS.clientId}:${CREDS.clientSecret}`).toString('base64')}`,
  'X-AppFolio-Developer-ID': CREDS.developerId,
  'content-type': 'application/json',
};
const OPTIONS: AppfolioSandboxOptions = { residents: 40, seed: 2, credentials: [CREDS], requestBudget: null };

/** Polls until `condition` holds (the machine is loaded: wait for the state, never for a fixed time). */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('AppFolio sandbox writes', () => {
  let server: Awaited<ReturnType<typeof startAppfolioSandboxServer>>;
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = HEADERS) =>
    fetch(`${server.url}${path}`, { method, headers, body: JSON.stringify(body) });
  const writes = async () => (await (await fetch(`${server.url}/_control/writes`)).json()) as Record<string, any>;
  const addFault = (fault: object) =>
    fetch(`${server.url}/_control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fault),
    });

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
    const abort = new AbortController();
    const hung = fetch(`${server.url}${path}`, {
      method: 'PUT',
      headers: HEADERS,
      body: JSON.stringify({ RentReady: true }),
      signal: abort.signal,
    }).then(
      () => 'answered',
      () => 'no answer',
    );
    await waitFor(async () => (await writes())['PUT /api/v0/units/{Id}']?.received === 2);
    abort.abort();
    expect(await hung).toBe('no answer');
    expect(unit.RentReady).toBe(true);
    expect((await writes())['PUT /api/v0/units/{Id}']).toEqual({ received: 2, applied: 1, rejected: 0, refused: 1 });
  });
});

import express from 'express';
import type { AddressInfo } from 'node:net';
import type { AppfolioModel } from '../../src/fetch/appfolio/appfolio.facts';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import {
  createAppfolioSandbox,
  startAppfolioSandboxServer,
  type AppfolioSandboxOptions,
} from '../../src/sandbox/appfolio/appfolio-sandbox';
import { appfolioAdapter } from '../../src/fetch/appfolio/appfolio.adapter';
import { VendorAuthError, VendorHttp, VendorRequestError } from '../../src/fetch/adapter/vendor-http';

const CREDS = { clientId: 'unit-client', clientSecret: 'unit-secret', developerId: 'unit-dev' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const AUTH = { authorization: basic(CREDS.clientId, CREDS.clientSecret) };
const OPTIONS: AppfolioSandboxOptions = {
  residents: 240,
  seed: 7,
  credentials: [CREDS],
  pageSize: 50,
  requestBudget: null,
};

describe('AppFolio sandbox', () => {
  let server: Awaited<ReturnType<typeof startAppfolioSandboxServer>>;
  const report = (name: string, body: unknown = { paginate_results: true }, headers: Record<string, string> = AUTH) =>
    fetch(`${server.url}/api/v2/reports/${name}.json`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const get = (url: string, headers: Record<string, string> = AUTH) =>
    fetch(url.startsWith('http') ? url : `${server.url}${url}`, { headers });
  const lookup = (
    ids: unknown[],
    headers: Record<string, string> = { ...AUTH, 'X-AppFolio-Developer-ID': CREDS.developerId },
  ) => get(`/api/v0/tenants?filters[Id]=${ids.join(',')}`, headers);
  const control = (path: string, method: string, body?: unknown) =>
    fetch(`${server.url}/_control/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  /** Every row of a report, following next_page_url. */
  const allRows = async (name: string, body: Record<string, unknown> = {}) => {
    const pages: any[] = [await (await report(name, { paginate_results: true, ...body })).json()];
    while (pages[pages.length - 1].next_page_url)
      pages.push(await (await get(pages[pages.length - 1].next_page_url)).json());
    return { rows: pages.flatMap((p) => p.results), pages };
  };

  beforeAll(async () => {
    server = await startAppfolioSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('builds a consistent, deterministic database', () => {
    const { properties, units, occupancies, tenants, contacts } = server.sandbox.data;
    expect(tenants).toHaveLength(252); // 240 on the rent roll's occupancies, 12 former tenants
    expect(occupancies.length).toBeGreaterThan(80);
    expect(contacts.length).toBeLessThan(tenants.length); // a few tenants are missing from the v0 directory
    expect(contacts.length).toBeGreaterThan(tenants.length * 0.9);
    const unitIds = new Set(units.map((u) => u.unit_id));
    const propertyIds = new Set(properties.map((p) => p.property_id));
    for (const o of occupancies) expect([unitIds.has(o.unit_id), propertyIds.has(o.property_id)]).toEqual([true, true]);
    // A tenant's row names its occupancy (the contract's columns: no property); former tenants' occupancies are not on the rent roll.
    const occupancyIds = new Set(occupancies.map((o) => o.occupancy_id));
    for (const t of tenants)
      expect([t.status, occupancyIds.has(t.occupancy_id), 'property_id' in t]).toEqual([
        t.status,
        t.status !== 'Past',
        false,
      ]);
    expect(tenants.filter((t) => t.status === 'Past')).toHaveLength(12);
    expect(new Set(occupancies.map((o) => o.status))).toEqual(
      new Set(['Current', 'Notice-Unrented', 'Notice-Rented', 'Vacant-Rented', 'Future', 'Evict']),
    );
    expect(new Set(tenants.map((t) => t.tenant_type))).toEqual(
      new Set(['Financially Responsible', 'Occupant', 'Guarantor']),
    );
    const again = JSON.stringify(server.sandbox.data);
    server.sandbox.reset(OPTIONS);
    expect(JSON.stringify(server.sandbox.data)).toBe(again);
    server.sandbox.reset({ ...OPTIONS, seed: 8 });
    expect(JSON.stringify(server.sandbox.data)).not.toBe(again);
  });

  it('answers wrong Basic credentials as Rails does, and the lookup without its developer id with 401', async () => {
    for (const headers of [
      {},
      { authorization: basic(CREDS.clientId, 'wrong') },
      { authorization: 'Bearer x' },
    ] as Array<Record<string, string>>) {
      const res = await report('property_directory', {}, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(await res.text()).toBe('HTTP Basic: Access denied.\n');
    }
    expect((await lookup([20001], AUTH)).status).toBe(401);
    expect((await lookup([20001], { ...AUTH, 'X-AppFolio-Developer-ID': 'someone-else' })).status).toBe(401);
    expect((await lookup([20001])).status).toBe(200);
  });

  it('pages reports with absolute next_page_urls fetched by GET, rows holding exactly the asked columns', async () => {
    const { rows, pages } = await allRows('tenant_directory');
    expect(pages.length).toBe(Math.ceil(252 / 50));
    expect(pages[0].next_page_url).toMatch(new RegExp(`^${server.url}/api/v2/reports/tenant_directory\\.json\\?`));
    expect(pages.every((p) => p.results.length <= 50)).toBe(true);
    expect(rows.map((r) => r.tenant_id)).toEqual(server.sandbox.data.tenants.map((t) => t.tenant_id));
    expect(Object.keys(rows[0])).toEqual([
      'tenant_id',
      'occupancy_id',
      'first_name',
      'last_name',
      'status',
      'tenant_type',
    ]);
    expect(
      (await report('tenant_directory', { paginate_results: true, columns: ['tenant_id', 'property_id'] })).status,
    ).toBe(400); // not a column of the report

    const rentRoll = (await allRows('rent_roll', { columns: ['occupancy_id', 'tenant_ids'] })).rows;
    const occupancy = server.sandbox.data.occupancies[0];
    const onIt = server.sandbox.data.tenants
      .filter((t) => t.occupancy_id === occupancy.occupancy_id)
      .map((t) => t.tenant_id)
      .join(',');
    expect(rentRoll[0]).toEqual({ occupancy_id: occupancy.occupancy_id, tenant_ids: onIt });
    const properties = (await allRows('property_directory')).rows;
    expect(properties[0].units).toBe(
      server.sandbox.data.units.filter((u) => u.property_id === properties[0].property_id).length,
    );

    expect((await report('unit_directory', { columns: ['unit_id', 'unit_number'] })).status).toBe(400);
    expect((await report('unit_directory', { from_date: '2026-01-01' })).status).toBe(400); // a full-pull report
    expect((await report('rent_roll', { from_date: 'yesterday' })).status).toBe(400);
    expect((await report('no_such_report')).status).toBe(404);
    expect((await get('/api/v2/reports/tenant_directory.json?metadata_id=nope&page=2')).status).toBe(404);
  });

  it('hands out next_page_urls under its mount point when mounted in the app', async () => {
    const mounted = createAppfolioSandbox(OPTIONS);
    const app = express();
    app.use('/sandbox/appfolio', (req, res, next) => {
      if (!mounted.handle(req, res, req.url)) next();
    });
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/sandbox/appfolio`;
      const first = (await (
        await fetch(`${base}/api/v2/reports/tenant_directory.json`, { method: 'POST', headers: AUTH, body: '{}' })
      ).json()) as any;
      expect(first.next_page_url).toMatch(new RegExp(`^${base}/api/v2/reports/tenant_directory\\.json\\?`));
      const second = await fetch(first.next_page_url, { headers: AUTH });
      expect(second.status).toBe(200);
      expect(((await second.json()) as any).results[0].tenant_id).toBe(mounted.data.tenants[50].tenant_id);
    } finally {
      listener.close();
    }
  });

  it('expires next_page_urls with 410, now on request or after their time to live', async () => {
    const first = (await (await report('unit_directory')).json()) as any;
    expect((await control('cursors/expire', 'POST')).status).toBe(200);
    const expired = await get(first.next_page_url);
    expect(expired.status).toBe(410);
    expect(await expired.json()).toEqual({ error: expect.stringMatching(/expired/) });

    server.sandbox.reset({ ...OPTIONS, cursorTtlMs: 50 });
    const again = (await (await report('unit_directory')).json()) as any;
    expect((await get(again.next_page_url)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 80));
    expect((await get(again.next_page_url)).status).toBe(410);
  });

  it('looks tenants up by at most 100 ids, and only with a filter', async () => {
    const ids = server.sandbox.data.tenants.slice(0, 100).map((t) => t.tenant_id);
    const answer = (await (await lookup(ids)).json()) as any;
    const contacts = server.sandbox.data.contacts.filter((c) => ids.includes(c.Id));
    expect(answer.data).toEqual(contacts);
    expect(Object.keys(answer.data[0])).toEqual(['Id', 'Emails', 'PhoneNumbers', 'DateOfBirth']);
    expect((await lookup([...ids, 99999])).status).toBe(400);
    expect((await get('/api/v0/tenants', { ...AUTH, 'X-AppFolio-Developer-ID': CREDS.developerId })).status).toBe(400);
  });

  it('throttles each customer beyond its budget with 429 and Retry-After', async () => {
    server.sandbox.reset({ ...OPTIONS, requestBudget: { requests: 7, perSeconds: 15 } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await report('property_directory')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 429]);
    const throttled = await report('property_directory');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(14);
    expect(server.sandbox.requestCount).toBe(7);
  });

  it('changes data through the control API, and from_date sees tenants whose contact changed', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    expect((await allRows('tenant_directory', { from_date: since })).rows).toEqual([]);
    const contact = server.sandbox.data.contacts[3];
    expect((await control(`contacts/${contact.Id}`, 'PATCH', { Emails: ['changed@example.com'] })).status).toBe(200);
    const occupancy = server.sandbox.data.occupancies[5];
    const created = (await (
      await control('tenants', 'POST', {
        first_name: 'New',
        last_name: 'Tenant',
        occupancy_id: occupancy.occupancy_id,
        tenant_type: 'Occupant',
        Emails: ['new@example.com'],
      })
    ).json()) as any;
    expect(created.Emails).toBeUndefined(); // contact details live in the directory, not the report row
    expect(server.sandbox.data.contacts.find((c) => c.Id === created.tenant_id)).toMatchObject({
      Emails: ['new@example.com'],
    });

    const changed = (await allRows('tenant_directory', { from_date: since })).rows.map((r) => r.tenant_id).sort();
    expect(changed).toEqual([contact.Id, created.tenant_id].sort());
    const changedLeases = (await allRows('rent_roll', { from_date: since })).rows;
    expect(changedLeases.map((r) => r.occupancy_id)).toContain(occupancy.occupancy_id);
    expect(changedLeases.find((r) => r.occupancy_id === occupancy.occupancy_id).tenant_ids.split(',')).toContain(
      String(created.tenant_id),
    );

    const mutated = (await (await control('mutate', 'POST', { tenants: 4, contacts: 2 })).json()) as any;
    expect(mutated).toEqual({ edited: { tenants: 4, contacts: 2 } });
    const state = (await (await control('state', 'GET')).json()) as any;
    expect(state.counts).toMatchObject({ tenants: 253 });
    expect((await control('contacts', 'POST', { Id: 1 })).status).toBe(400);
    expect((await control('tenants/1', 'PATCH', { first_name: 'x' })).status).toBe(404);
    expect((await control(`tenants/${created.tenant_id}`, 'DELETE')).status).toBe(204);
    expect(server.sandbox.data.contacts.some((c) => c.Id === created.tenant_id)).toBe(false);
  });

  it('injects throttling, server errors, slow answers, malformed rows and renamed fields', async () => {
    expect(
      (
        await control('faults', 'POST', {
          path: '/api/v2/reports/unit_directory.json',
          status: 429,
          times: 2,
          headers: { 'Retry-After': '1' },
        })
      ).status,
    ).toBe(201);
    expect((await report('unit_directory')).status).toBe(429);
    const second = await report('unit_directory');
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, '1']);
    expect((await report('unit_directory')).status).toBe(200);

    server.sandbox.faults.add({ path: '/api/v2/reports/rent_roll.json', status: 500, times: 1 });
    expect((await report('rent_roll')).status).toBe(500);

    server.sandbox.faults.add({
      path: '/api/v2/reports/tenant_directory.json',
      malformed: { index: 1 },
      renameField: { from: 'first_name', to: 'given_name' },
      times: 1,
    });
    const page = ((await (await report('tenant_directory')).json()) as any).results;
    expect(typeof page[1].tenant_id).toBe('object');
    expect(page[0].first_name).toBeUndefined();
    expect(page[0].given_name).toBe(server.sandbox.data.tenants[0].first_name);
    expect(server.sandbox.data.tenants[0].first_name).toBeDefined(); // the dataset is untouched

    server.sandbox.faults.add({
      path: '/api/v0/tenants',
      malformed: { index: 0, field: 'DateOfBirth', value: 'last spring' },
      times: 1,
    });
    const first = server.sandbox.data.contacts[0];
    expect(((await (await lookup([first.Id])).json()) as any).data[0].DateOfBirth).toBe('last spring');

    server.sandbox.faults.add({ path: '/api/v2/reports/property_directory.json', delayMs: 150, times: 1 });
    const started = Date.now();
    expect((await report('property_directory')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    server.sandbox.faults.add({ path: '/api/v2/reports/property_directory.json', hang: true, times: 1 });
    await expect(
      fetch(`${server.url}/api/v2/reports/property_directory.json`, {
        method: 'POST',
        headers: AUTH,
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect(server.sandbox.faults.list()).toEqual([]);
  });
});

describe('AppFolio client against the sandbox', () => {
  let server: Awaited<ReturnType<typeof startAppfolioSandboxServer>>;
  const clientFor = (credentials = CREDS) =>
    appfolioAdapter.client(credentials, {
      baseUrl: server.url,
      connect: (headers) =>
        new VendorHttp({
          baseUrl: server.url,
          headers,
          guard: new OutboundGuard(['127.0.0.0/8']),
          throttleBackoffMs: 20,
          maxAttempts: 4,
        }),
      report: { rateLimits: () => undefined },
    });
  const pullAll = async (model: AppfolioModel, since?: Date, onPage?: (n: number) => void) => {
    const records: any[] = [];
    let n = 0;
    for await (const page of clientFor().listPages(model, { since })) {
      records.push(...page.records);
      onPage?.(++n);
    }
    return records;
  };

  beforeAll(async () => {
    server = await startAppfolioSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it("yields residents already hydrated, looking up at most 100 ids a call, each with its occupancy's property from the rent roll", async () => {
    const { tenants, contacts, occupancies } = server.sandbox.data;
    const residents = await pullAll('residents');
    expect(residents.map((r) => r.tenant_id)).toEqual(tenants.map((t) => t.tenant_id));
    const contactById = new Map(contacts.map((c) => [c.Id, c]));
    const occupancyOf = new Map(occupancies.map((o) => [o.occupancy_id, o]));
    for (const r of residents) {
      const contact = contactById.get(r.tenant_id);
      if (contact)
        expect([r.Emails, r.PhoneNumbers, r.DateOfBirth]).toEqual([
          contact.Emails,
          contact.PhoneNumbers,
          contact.DateOfBirth,
        ]);
      const occupancy = occupancyOf.get(r.occupancy_id);
      const occupancyFields = ['occupancy_property_id', 'occupancy_move_in', 'occupancy_move_out'];
      if (!contact)
        expect(Object.keys(r)).toEqual([
          'tenant_id',
          'occupancy_id',
          'first_name',
          'last_name',
          'status',
          'tenant_type',
          ...(occupancy ? occupancyFields : []),
        ]);
      // A former tenant's occupancy is not on the rent roll: the row stays without a property or move dates (the mapper quarantines it).
      if (occupancy)
        expect([r.occupancy_property_id, r.occupancy_move_in, r.occupancy_move_out]).toEqual([
          occupancy.property_id,
          occupancy.move_in ?? null,
          occupancy.move_out ?? null,
        ]);
      else expect(occupancyFields.filter((field) => field in r)).toEqual([]);
    }
    expect(residents.filter((r) => r.occupancy_property_id === undefined)).toHaveLength(12);
    // The rent roll's pages for the properties (read once), then 6 directory pages of 50 with one lookup each.
    expect(server.sandbox.requestCount).toBe(Math.ceil(occupancyOf.size / 50) + 6 + 6);
  });

  it('restarts a report whose next_page_url expired, and gives up after three restarts', async () => {
    const all = server.sandbox.data.units.map((u) => u.unit_id);
    const seen = await pullAll('units', undefined, (page) => {
      if (page === 2) server.sandbox.expireCursors();
    });
    // Two pages, then the restart from the first: every unit, the first two pages twice.
    expect(new Set(seen.map((u) => u.unit_id))).toEqual(new Set(all));
    expect(seen.length).toBe(all.length + 100);

    server.sandbox.reset({ ...OPTIONS, cursorTtlMs: 0 });
    const error = await pullAll('units').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorRequestError);
    expect((error as VendorRequestError).status).toBe(410);
    expect((error as VendorRequestError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/expired .* after 3 restarts/);
    expect(server.sandbox.requestCount).toBe(8); // four POSTs, each followed by one GET that found its cursor gone
  });

  it('asks for changes only where AppFolio has from_date, and links leases with tenant types', async () => {
    const since = new Date(Date.now() - 1000);
    const tenant = server.sandbox.data.tenants[10];
    await fetch(`${server.url}/_control/tenants/${tenant.tenant_id}`, {
      method: 'PATCH',
      body: JSON.stringify({ last_name: 'Changed' }),
    });
    expect((await pullAll('residents', since)).map((r) => r.tenant_id)).toEqual([tenant.tenant_id]);
    const leases = await pullAll('leases', since);
    expect(leases.map((l) => l.occupancy_id)).toEqual([tenant.occupancy_id]);
    const household = server.sandbox.data.tenants.filter((t) => t.occupancy_id === tenant.occupancy_id);
    expect(leases[0].tenant_types).toEqual(
      Object.fromEntries(household.map((t) => [String(t.tenant_id), t.tenant_type])),
    );
    expect(await pullAll('units', since)).toHaveLength(server.sandbox.data.units.length); // no from_date: a full pull
  });

  it('waits out 429s as Retry-After says, and reports bad credentials as an auth error', async () => {
    server.sandbox.reset({ ...OPTIONS, requestBudget: { requests: 3, perSeconds: 1 } });
    const started = Date.now();
    const residents = await pullAll('residents');
    expect(residents).toHaveLength(252);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000); // 14 requests or more at 3 a second
    const refused = clientFor({ ...CREDS, clientSecret: 'wrong' })
      .listPages('properties')
      [Symbol.asyncIterator]()
      .next();
    await expect(refused).rejects.toBeInstanceOf(VendorAuthError);
    const noDeveloper = clientFor({ ...CREDS, developerId: 'wrong' })
      .listPages('residents')
      [Symbol.asyncIterator]()
      .next();
    await expect(noDeveloper).rejects.toBeInstanceOf(VendorAuthError);
  });
});

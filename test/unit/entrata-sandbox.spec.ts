import type { EntrataModel } from '../../src/fetch/entrata/entrata.facts';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import { startEntrataSandboxServer } from '../../src/sandbox/entrata/entrata-sandbox';
import type { RawPage, ReportedRateLimits } from '../../src/fetch/adapter/vendor-adapter';
import { VendorAccessDeniedError, VendorAuthError, VendorHttp } from '../../src/fetch/adapter/vendor-http';
import { entrataAdapter } from '../../src/fetch/entrata/entrata.adapter';

const KEY = { apiKey: 'unit-key', companyId: 'unit-co' };
const LIMITED = { apiKey: 'limited-key', companyId: 'unit-co', methods: ['getProperties'] };
const guard = new OutboundGuard(['127.0.0.0/8']);

describe('Entrata sandbox', () => {
  let server: Awaited<ReturnType<typeof startEntrataSandboxServer>>;
  const OPTIONS = { residents: 300, seed: 7, credentials: [KEY, LIMITED] };
  /** One method call over HTTP: status, headers and the body. */
  const call = async (
    service: string,
    name: string,
    params: Record<string, unknown> = {},
    apiKey = KEY.apiKey,
    extra: Record<string, unknown> = {},
  ) => {
    const res = await fetch(`${server.url}/${service}`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: { type: 'apikey' },
        requestId: 'req-1',
        method: { name, version: 'r1', params },
        ...extra,
      }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const control = (path: string, method: string, body?: unknown) =>
    fetch(`${server.url}/_control/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const errorOf = (body: any) => body.response.error;
  const firstProperty = () => server.sandbox.data.properties[0].PropertyID as number;

  beforeAll(async () => {
    server = await startEntrataSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('builds a consistent, deterministic portfolio', () => {
    const { properties, units, leases, customers } = server.sandbox.data;
    expect(customers).toHaveLength(300);
    expect(leases.length).toBeGreaterThan(100);
    const leaseIds = new Set(leases.map((l) => Number(l.id)));
    for (const c of customers) expect(leaseIds.has(c.LeaseId)).toBe(true);
    const onLease = new Set(leases.flatMap((l) => l.customers.customer.map((c: any) => String(c.id))));
    for (const c of customers) expect(onLease.has(c['@attributes'].Id)).toBe(true);
    const propertyIds = new Set(properties.map((p) => p.PropertyID));
    for (const u of units) expect(propertyIds.has(u.propertyId)).toBe(true);
    expect(new Set(leases.map((l) => l.leaseIntervalStatus))).toEqual(
      new Set(['Current', 'Notice', 'Future', 'Applicant', 'Past', 'Cancelled']),
    );
    const again = JSON.stringify(server.sandbox.data);
    server.sandbox.reset(OPTIONS);
    expect(JSON.stringify(server.sandbox.data)).toBe(again);
    server.sandbox.reset({ ...OPTIONS, seed: 8 });
    expect(JSON.stringify(server.sandbox.data)).not.toBe(again);
  });

  it("POST /_control/links moves a customer as Entrata shows it: its one LeaseId and the leases' customers lists", async () => {
    const { leases } = server.sandbox.data;
    const customersOf = (lease: any) => (lease.customers?.customer ?? []).map((c: any) => String(c.id));
    const from = leases.find((l) => customersOf(l).length >= 2)!;
    const to = leases.find((l) => l !== from && l.propertyId !== from.propertyId)!;
    const resident = customersOf(from)[1]!;
    const listed = async (lease: any): Promise<string[]> => {
      const customers = (await call('customers', 'getCustomers', { propertyId: lease.propertyId })).body.response.result
        .Customers?.Customer;
      return (Array.isArray(customers) ? customers : customers ? [customers] : []).map((c: any) => c['@attributes'].Id);
    };

    // One LeaseId per customer: no second lease without leaving the first.
    expect(await (await control('links', 'POST', { resident, to: to.id })).json()).toEqual({
      error: expect.stringContaining(`is on lease ${from.id}`),
    });
    const moved = await control('links', 'POST', { resident, from: from.id, to: to.id });
    expect([moved.status, await moved.json()]).toEqual([200, { resident, leases: [to.id] }]);
    expect([customersOf(from), customersOf(to)]).toEqual([
      expect.not.arrayContaining([resident]),
      expect.arrayContaining([resident]),
    ]);
    expect(server.sandbox.data.customers.find((c) => c['@attributes'].Id === resident)!.LeaseId).toBe(Number(to.id));
    expect(await listed(to)).toContain(resident);
    expect(await listed(from)).not.toContain(resident);

    // Off its lease, a customer is listed by no property; back on one, it is listed again.
    expect((await control('links', 'POST', { resident, from: to.id })).status).toBe(200);
    expect([customersOf(to), await listed(to)]).toEqual([
      expect.not.arrayContaining([resident]),
      expect.not.arrayContaining([resident]),
    ]);
    expect((await control('links', 'POST', { resident, to: from.id })).status).toBe(200);
    expect(await listed(from)).toContain(resident);
  });

  it('answers bad credentials with error 301 and methods a key may not call with 304, both inside HTTP 200', async () => {
    for (const [key, extra] of [
      ['wrong-key', {}],
      [KEY.apiKey, { auth: { type: 'basic' } }],
    ] as const) {
      const res = await call('properties', 'getProperties', {}, key, extra);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ response: { requestId: 'req-1', error: { code: 301, message: expect.any(String) } } });
    }
    expect((await call('properties', 'getProperties', {}, LIMITED.apiKey)).body.response.code).toBe(200);
    const denied = await call('leases', 'getLeases', { propertyId: firstProperty() }, LIMITED.apiKey);
    expect(denied.status).toBe(200);
    expect(errorOf(denied.body)).toEqual({
      code: 304,
      message: 'Access to getLeases is not permitted for this API key.',
    });
    expect(errorOf((await call('leases', 'getCustomers', { propertyId: firstProperty() })).body).code).toBe(400);
  });

  it('serves the XML-converted shapes of the contract with its casing per method', async () => {
    const properties = (await call('properties', 'getProperties')).body.response;
    expect(properties).toMatchObject({ requestId: 'req-1', code: 200 });
    const property = properties.result.PhysicalProperty.Property[0];
    expect(Object.keys(property)).toEqual(['PropertyID', 'MarketingName', 'Type', 'Address', 'IsDisabled']);
    expect(property.Address['@attributes']).toEqual({ AddressType: 'property' });

    const units = (await call('propertyunits', 'getPropertyUnits', { propertyIds: `${firstProperty()},999` })).body
      .response.result;
    const onlyProperty = units.properties.property; // one property: an object, not a list
    expect(onlyProperty['@attributes']).toEqual({ propertyId: String(firstProperty()) });
    expect(Object.keys(onlyProperty.units.unit[0]).sort()).toEqual([
      'bathrooms',
      'bedrooms',
      'id',
      'isVacant',
      'marketRent',
      'squareFeet',
      'unitNumber',
      'unitTypeId',
    ]);
    expect(onlyProperty.units.unit[0].marketRent).toMatch(/^\d+\.\d{2}$/);

    const lease = (await call('leases', 'getLeases', { propertyId: firstProperty(), perPageCount: 1 })).body.response
      .result.leases.lease;
    expect(Array.isArray(lease)).toBe(false);
    expect(lease.startDate).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(lease.propertyId).toBeUndefined();
    const single = server.sandbox.data.leases.find((l) => l.customers.customer.length === 1)!;
    const served = (
      await call('leases', 'getLeases', { propertyId: single.propertyId })
    ).body.response.result.leases.lease.find((l: any) => l.id === single.id);
    expect(served.customers.customer).toEqual(single.customers.customer[0]);
    const noticed = server.sandbox.data.leases.find((l) => l.noticeDate)!;
    expect(noticed.noticeDate).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);

    const customer = (await call('customers', 'getCustomers', { propertyId: firstProperty(), perPageCount: 1 })).body
      .response.result.Customers.Customer;
    expect(customer['@attributes'].Id).toMatch(/^\d+$/);
    expect(customer.FirstName).toBeDefined();
  });

  it('pages leases and customers with pageNo/perPageCount, filters lease statuses and rejects bad parameters with 400', async () => {
    const propertyId = firstProperty();
    const leaseIdsOfProperty = new Set(
      server.sandbox.data.leases.filter((l) => l.propertyId === propertyId).map((l) => Number(l.id)),
    );
    const expected = server.sandbox.data.customers
      .filter((c) => leaseIdsOfProperty.has(c.LeaseId))
      .map((c) => c['@attributes'].Id);
    const seen: string[] = [];
    for (let pageNo = 1; ; pageNo++) {
      const page = [
        (await call('customers', 'getCustomers', { propertyId, pageNo, perPageCount: 4 })).body.response.result
          .Customers.Customer ?? [],
      ].flat();
      seen.push(...page.map((c: any) => c['@attributes'].Id));
      if (page.length < 4) break;
    }
    expect(seen).toEqual(expected);
    const current = [
      (await call('leases', 'getLeases', { propertyId, leaseStatusTypeIds: '4' })).body.response.result.leases.lease ??
        [],
    ].flat();
    expect(current.map((l: any) => l.id)).toEqual(
      server.sandbox.data.leases
        .filter((l) => l.propertyId === propertyId && l.leaseIntervalStatus === 'Current')
        .map((l) => l.id),
    );
    expect((await call('leases', 'getLeases', { propertyId, pageNo: 99 })).body.response.result).toEqual({
      leases: {},
    });
    for (const params of [{ propertyId, perPageCount: 1001 }, { propertyId, pageNo: 0 }, {}, { propertyId: 'abc' }]) {
      expect(errorOf((await call('leases', 'getLeases', params)).body).code).toBe(400);
    }
  });

  it('reports its limits per key and method in X-RateLimit-* headers and answers error 429 over them', async () => {
    server.sandbox.reset({ ...OPTIONS, rateLimits: { minute: 3, hour: 100, day: 1000 } });
    const first = await call('properties', 'getProperties');
    expect(first.headers.get('x-ratelimit-limit-minute')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining-minute')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-hour')).toBe('99');
    expect(first.headers.get('x-ratelimit-limit-day')).toBe('1000');
    await call('properties', 'getProperties');
    await call('properties', 'getProperties');
    const over = await call('properties', 'getProperties');
    expect(over.status).toBe(200);
    expect(errorOf(over.body).code).toBe(429);
    expect(over.headers.get('x-ratelimit-remaining-minute')).toBe('0');
    // Another method has its own budget.
    expect(
      (await call('propertyunits', 'getPropertyUnits', { propertyIds: String(firstProperty()) })).body.response.code,
    ).toBe(200);
  });

  it('injects throttling, server errors, delays, malformed records and renamed fields', async () => {
    expect((await control('faults', 'POST', { path: '/properties', status: 429, times: 1 })).status).toBe(201);
    expect((await control('faults', 'POST', { path: '/properties', status: 502, times: 1 })).status).toBe(201);
    const throttled = await call('properties', 'getProperties');
    expect([throttled.status, errorOf(throttled.body).code]).toEqual([200, 429]);
    expect((await call('properties', 'getProperties')).status).toBe(502);
    expect((await call('properties', 'getProperties')).body.response.code).toBe(200);

    await control('faults', 'POST', {
      path: '/customers',
      malformed: { index: 1 },
      renameField: { from: 'FirstName', to: 'GivenName' },
      times: 1,
    });
    const page = (await call('customers', 'getCustomers', { propertyId: firstProperty(), perPageCount: 3 })).body
      .response.result.Customers.Customer;
    expect(page[1].Id).toEqual({ corrupt: true });
    expect(page[0].FirstName).toBeUndefined();
    expect(page[0].GivenName).toBeDefined();
    expect(server.sandbox.data.customers[0].FirstName).toBeDefined(); // the dataset is untouched

    await control('faults', 'POST', { path: '/propertyunits', delayMs: 300, times: 1 });
    const started = Date.now();
    await call('propertyunits', 'getPropertyUnits', { propertyIds: String(firstProperty()) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect((await control('faults', 'POST', { status: 'boom' })).status).toBe(400);
    expect(server.sandbox.faults.list()).toEqual([]);
  });

  it('changes records through the control API: create, patch, delete and bulk mutate', async () => {
    const lease = server.sandbox.data.leases[0];
    const created = (await (
      await control('customers', 'POST', { FirstName: 'New', LastName: 'Customer', LeaseId: Number(lease.id) })
    ).json()) as any;
    expect(lease.customers.customer.map((c: any) => String(c.id))).toContain(created['@attributes'].Id);
    expect((await control('customers', 'POST', { FirstName: 'Orphan', LeaseId: 1 })).status).toBe(400);
    const [first, second] = server.sandbox.data.customers;
    expect((await control(`customers/${first['@attributes'].Id}`, 'PATCH', { FirstName: 'Renamed' })).status).toBe(200);
    expect(first.FirstName).toBe('Renamed');
    const secondLease = server.sandbox.data.leases.find((l) => Number(l.id) === second.LeaseId)!;
    expect((await control(`customers/${second['@attributes'].Id}`, 'DELETE')).status).toBe(204);
    expect(secondLease.customers.customer.some((c: any) => String(c.id) === second['@attributes'].Id)).toBe(false);
    expect((await control('customers/1', 'PATCH', { FirstName: 'x' })).status).toBe(404);
    const rentBefore = server.sandbox.data.leases[0].rent;
    expect(await (await control('mutate', 'POST', { leases: 2, properties: 1 })).json()).toEqual({
      edited: { leases: 2, properties: 1 },
    });
    expect(Number(server.sandbox.data.leases[0].rent)).toBeCloseTo(Number(rentBefore) + 1.25, 2);
    const state = (await (await control('state', 'GET')).json()) as any;
    expect(state).toMatchObject({ vendor: 'ENTRATA', counts: { customers: 300 } });
  });
});

describe('Entrata client against the sandbox', () => {
  let server: Awaited<ReturnType<typeof startEntrataSandboxServer>>;
  afterEach(() => server?.close());

  const client = (credentials: { apiKey: string; companyId: string }, reported: ReportedRateLimits[] = []) =>
    entrataAdapter.client(credentials, {
      baseUrl: server.url,
      connect: (headers) =>
        new VendorHttp({ baseUrl: server.url, headers, guard, throttleBackoffMs: 5, sleep: () => Promise.resolve() }),
      report: { rateLimits: (limits) => reported.push(limits) },
    });
  const pull = async (model: EntrataModel, c: ReturnType<typeof client>) => {
    const pages: RawPage[] = [];
    for await (const page of c.listPages(model)) pages.push(page);
    return pages;
  };

  it('pulls every record of every model, paging customers past 1000 on one property, and reports the rate limits', async () => {
    server = await startEntrataSandboxServer({
      residents: 2300,
      unitsPerProperty: 5000,
      seed: 3,
      credentials: [KEY],
      rateLimits: { minute: 500, hour: 5000, day: 50000 },
    });
    const { properties, units, leases, customers } = server.sandbox.data;
    expect(properties.length).toBe(1); // every customer on one property: getCustomers needs several pages
    const reported: ReportedRateLimits[] = [];
    const c = client(KEY, reported);
    const customerPages = await pull('residents', c);
    // Every customer once, page by page; those on Applicant leases only come marked as applicants.
    const statusOf = new Map(leases.map((l) => [Number(l.id), l.leaseIntervalStatus]));
    const applicantIds = customers
      .filter((r) => statusOf.get(Number(r.LeaseId)) === 'Applicant')
      .map((r) => r['@attributes'].Id);
    expect(customers.length).toBeGreaterThan(2000);
    expect(applicantIds.length).toBeGreaterThan(0);
    expect(customerPages.map((p) => p.records.length)).toEqual([1000, 1000, customers.length - 2000]);
    const records = customerPages.flatMap((p) => p.records) as any[];
    expect(records.map((r) => r.Id)).toEqual(customers.map((r) => r['@attributes'].Id));
    expect(records.filter((r) => r.applicantOnly === true).map((r) => r.Id)).toEqual(applicantIds);
    expect(records.filter((r) => 'applicantOnly' in r && r.applicantOnly !== true)).toEqual([]);
    expect(customerPages[0].records[0]).toMatchObject({ propertyId: String(properties[0].PropertyID) });
    for (const [model, list] of [
      ['properties', properties],
      ['units', units],
      ['leases', leases],
    ] as const) {
      expect((await pull(model, c)).flatMap((p) => p.records)).toHaveLength(list.length);
    }
    const customerLimits = reported.filter((r) => r.api === 'customers/getCustomers');
    expect(customerLimits).toHaveLength(3); // one report per answer
    expect(customerLimits[0]).toEqual({
      api: 'customers/getCustomers',
      minute_limit: 500,
      hour_limit: 5000,
      day_limit: 50000,
      minute_remaining: expect.any(Number),
      hour_remaining: expect.any(Number),
      day_remaining: 49999,
    });
    expect(customerLimits.map((r) => r.day_remaining)).toEqual([49999, 49998, 49997]);
    expect(new Set(reported.map((r) => r.api))).toEqual(
      new Set([
        'properties/getProperties',
        'customers/getCustomers',
        'propertyunits/getPropertyUnits',
        'leases/getLeases',
      ]),
    );
  });

  it('chunks property ids for getPropertyUnits and survives throttling and 5xx through VendorHttp', async () => {
    server = await startEntrataSandboxServer({ residents: 1200, unitsPerProperty: 2, seed: 4, credentials: [KEY] });
    const { properties, units } = server.sandbox.data;
    expect(properties.length).toBeGreaterThan(100);
    server.sandbox.faults.add({ path: '/propertyunits', status: 429, times: 1 });
    server.sandbox.faults.add({ path: '/propertyunits', status: 500, times: 1 });
    const pages = await pull('units', client(KEY));
    expect(pages.length).toBe(Math.ceil(properties.length / 50));
    expect(pages.flatMap((p) => p.records.map((r: any) => r.id)).sort()).toEqual(units.map((u) => u.id).sort());
    expect(server.sandbox.faults.list()).toEqual([]);
  });

  it('fails for good on a bad key (auth) and on a method the key may not call (304, message kept)', async () => {
    server = await startEntrataSandboxServer({ residents: 20, credentials: [KEY, LIMITED] });
    await expect(pull('properties', client({ apiKey: 'nope', companyId: 'x' }))).rejects.toBeInstanceOf(
      VendorAuthError,
    );
    const denied = await pull('leases', client(LIMITED)).catch((e) => e);
    expect(denied).toBeInstanceOf(VendorAccessDeniedError);
    expect(denied).toMatchObject({ status: 304, retryable: false });
    expect(denied.message).toMatch(/not permitted/);
  });
});

import { XMLParser } from 'fast-xml-parser';
import type { YardiModel } from '../../src/fetch/yardi/yardi.facts';
import { recordId } from '../../src/platform/common/ids';
import { toCanonicalRecord, type MappingContext } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import { startYardiSandboxServer, YARDI_SANDBOX_CREDENTIALS } from '../../src/sandbox/yardi/yardi-sandbox';
import { VendorAccessDeniedError, VendorAuthError, VendorHttp } from '../../src/fetch/adapter/vendor-http';
import { yardiAdapter } from '../../src/fetch/yardi/yardi.adapter';
import { soapAction } from '../../src/fetch/yardi/yardi.facts';
import { soapEnvelope } from '../../src/fetch/yardi/yardi.soap';

const CREDS = { ...YARDI_SANDBOX_CREDENTIALS, username: 'unit-user', password: 'unit-password' };
const PATH = '/Webservices/ItfResidentTransactions20.asmx';
const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
};
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
});

describe('Yardi sandbox', () => {
  let server: Awaited<ReturnType<typeof startYardiSandboxServer>>;
  const params = (creds: typeof CREDS, propertyId?: string) => ({
    UserName: creds.username,
    Password: creds.password,
    ServerName: creds.serverName,
    Database: creds.database,
    Platform: creds.platform,
    ...(propertyId ? { YardiPropertyId: propertyId } : {}),
    InterfaceEntity: creds.entity,
    InterfaceLicense: creds.license,
  });
  /** A raw SOAP call; answers the status and the parsed envelope Body. */
  const call = async (method: string, propertyId?: string, creds = CREDS, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: soapAction(method), ...headers },
      body: soapEnvelope(method, params(creds, propertyId)),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: parser.parse(text).Envelope?.Body };
  };
  const resultOf = (body: any, method: string) => body[`${method}Response`][`${method}Result`];
  const client = (creds = CREDS, timeoutMs?: number) =>
    yardiAdapter.client(creds, {
      baseUrl: server.url,
      connect: (headers) =>
        new VendorHttp({
          baseUrl: server.url,
          headers,
          guard: new OutboundGuard(['127.0.0.0/8']),
          throttleBackoffMs: 20,
          timeoutMs,
          maxAttempts: 8,
        }),
      report: { rateLimits: () => undefined },
    });
  const pages = async (model: YardiModel, creds = CREDS, timeoutMs?: number) => {
    const all: unknown[][] = [];
    for await (const page of client(creds, timeoutMs).listPages(model)) all.push(page.records);
    return all;
  };
  const control = (path: string, method: string, body?: unknown) =>
    fetch(`${server.url}/_control/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const OPTIONS = { residents: 400, seed: 7, unitsPerProperty: 60, credentials: [CREDS] };
  beforeAll(async () => {
    server = await startYardiSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('builds a consistent, deterministic portfolio with every case the contract names', () => {
    const { properties, units, customers } = server.sandbox.data;
    const people = customers.flatMap((c) => c.Customers.Customer);
    expect(people).toHaveLength(400);
    expect(properties.length).toBeGreaterThan(2);
    const unitKeys = new Set(units.map((u) => `${u.YardiPropertyId}:${u.UnitID}`));
    expect(unitKeys.size).toBe(units.length);
    expect(new Set(units.map((u) => u.UnitID)).size).toBeLessThan(units.length); // unit codes repeat across properties
    for (const c of customers) expect(unitKeys.has(`${c.YardiPropertyId}:${c.RT_Unit.UnitID}`)).toBe(true);
    expect(new Set(people.map((p) => p['@Type']))).toEqual(
      new Set(['current resident', 'future resident', 'former resident', 'applicant']),
    );
    const leases = customers.map((c) => c.Lease);
    expect(leases.some((l) => /^\d{2}\/\d{2}\/\d{4}$/.test(l.LeaseFromDate))).toBe(true);
    expect(leases.some((l) => /^\d{4}-\d{2}-\d{2}T/.test(l.ActualMoveIn ?? ''))).toBe(true);
    expect(leases.some((l) => l.LeaseFromDate === '')).toBe(true);
    expect(people.some((p) => p.Phone.length === 1) && people.some((p) => p.Phone.length === 2)).toBe(true);
    expect(customers.some((c) => c.Customers.Customer.length === 1)).toBe(true);

    const again = JSON.stringify(server.sandbox.data);
    server.sandbox.reset(OPTIONS);
    expect(JSON.stringify(server.sandbox.data)).toBe(again);
    server.sandbox.reset({ ...OPTIONS, seed: 8 });
    expect(JSON.stringify(server.sandbox.data)).not.toBe(again);
  });

  it('answers every method with its MITS document inside <MethodResult>, one property per call', async () => {
    const { properties, units, customers } = server.sandbox.data;
    const configs = await call('GetPropertyConfigurations');
    expect(configs.status).toBe(200);
    expect(resultOf(configs.body, 'GetPropertyConfigurations').Properties.Property.map((p: any) => p.Code)).toEqual(
      properties.map((p) => p.Code),
    );
    const code = properties[1].Code;
    const unitInfo = resultOf((await call('GetUnitInformation_Login', code)).body, 'GetUnitInformation_Login');
    expect(unitInfo.UnitInformation.Property.Units.Unit.map((u: any) => u.UnitID)).toEqual(
      units.filter((u) => u.YardiPropertyId === code).map((u) => u.UnitID),
    );
    const rt = resultOf((await call('GetResidentTransactions_Login', code)).body, 'GetResidentTransactions_Login')
      .ResidentTransactions.Property.RT_Customer;
    expect(rt.map((c: any) => c.CustomerID)).toEqual(
      customers.filter((c) => c.YardiPropertyId === code).map((c) => c.CustomerID),
    );
    expect(rt[0].YardiPropertyId).toBeUndefined(); // kept beside the data, never sent
    expect(rt[0].Customers.Customer[0]['@Type']).toBeDefined();
  });

  it('is read completely by the adapter: every unit, RT_Customer and person, each mapping cleanly', async () => {
    const { properties, units, customers } = server.sandbox.data;
    const counts: Record<string, number> = {};
    const mapped: Record<string, number> = {};
    for (const model of ['properties', 'units', 'leases', 'residents'] as const) {
      const records = (await pages(model)).flat();
      mapped[model] = 0;
      for (const raw of records) {
        const record = yardiAdapter.map(model, raw, ctx);
        if (record) mapped[model] += toCanonicalRecord(model, record, ctx) ? 1 : 0;
      }
      counts[model] = records.length;
    }
    expect(counts).toEqual({
      properties: properties.length,
      units: units.length,
      leases: customers.length,
      residents: 400,
    });
    // Applicants are no residents, and a household of applicants only is no lease.
    const people = customers.flatMap((c) => c.Customers.Customer);
    const applicantHouseholds = customers.filter((c) =>
      c.Customers.Customer.every((p: any) => p['@Type'] === 'applicant'),
    ).length;
    expect(applicantHouseholds).toBeGreaterThan(0);
    expect(mapped).toEqual({
      properties: properties.length,
      units: units.length,
      leases: customers.length - applicantHouseholds,
      residents: people.filter((p) => p['@Type'] !== 'applicant').length,
    });
  });

  it('refuses wrong credentials the Yardi way (200 with <Messages>) and SOAP mistakes with a Fault', async () => {
    for (const [creds, message, error] of [
      [{ ...CREDS, password: 'wrong' }, 'Invalid User Name or Password', VendorAuthError],
      [{ ...CREDS, license: 'wrong' }, 'Invalid Interface Entity or License', VendorAccessDeniedError],
      [{ ...CREDS, entity: 'Someone Else' }, 'Invalid Interface Entity or License', VendorAccessDeniedError],
      [{ ...CREDS, database: 'other_db' }, 'Login failed', VendorAuthError],
    ] as const) {
      const res = await call('GetPropertyConfigurations', undefined, creds);
      expect(res.status).toBe(200);
      const m = resultOf(res.body, 'GetPropertyConfigurations').Messages.Message;
      expect(m).toMatchObject({ '@messageType': 'Error' });
      expect(m['#text']).toContain(message);
      await expect(pages('units', creds)).rejects.toThrow(error);
    }
    const unknownProperty = await call('GetUnitInformation_Login', 'nope');
    expect(resultOf(unknownProperty.body, 'GetUnitInformation_Login').Messages.Message['#text']).toMatch(
      /YardiPropertyId/,
    );
    const wrongAction = await call('GetPropertyConfigurations', undefined, CREDS, {
      soapaction: '"http://tempuri.org/Nope"',
    });
    expect(wrongAction.status).toBe(500);
    expect(wrongAction.body.Fault.faultstring).toMatch(/SOAPAction/);
    expect(
      (await call('GetPropertyConfigurations', undefined, CREDS, { 'content-type': 'application/json' })).status,
    ).toBe(415);
    const garbled = await fetch(`${server.url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', soapaction: soapAction('GetPropertyConfigurations') },
      body: '<soap:Envelope><oops>',
    });
    expect(garbled.status).toBe(400);
    expect(server.sandbox.requestCount).toBe(0); // refused calls serve nothing
  });

  it('answers "Error: Database busy" when called too fast, and the client gets through by backing off', async () => {
    server.sandbox.reset({ ...OPTIONS, requestsPerSecond: 2 });
    const answers = await Promise.all([1, 2, 3, 4].map(() => call('GetPropertyConfigurations')));
    const busy = answers.filter((a) => resultOf(a.body, 'GetPropertyConfigurations').Messages);
    expect(busy).toHaveLength(2);
    expect(busy[0].status).toBe(200);
    expect(resultOf(busy[0].body, 'GetPropertyConfigurations').Messages.Message['#text']).toBe('Error: Database busy');
    await new Promise((r) => setTimeout(r, 1000));
    expect((await pages('units')).flat()).toHaveLength(server.sandbox.data.units.length);
  });

  it('injects faults per SOAP method: HTTP status with a Fault body, slowness, hangs', async () => {
    server.sandbox.faults.add({
      path: 'GetUnitInformation_Login',
      status: 429,
      times: 1,
      headers: { 'Retry-After': '0' },
    });
    server.sandbox.faults.add({ path: 'GetUnitInformation_Login', status: 500, times: 1 });
    expect((await call('GetPropertyConfigurations')).status).toBe(200); // another method: untouched
    const code = server.sandbox.data.properties[0].Code;
    const throttled = await call('GetUnitInformation_Login', code);
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '0']);
    const failed = await call('GetUnitInformation_Login', code);
    expect(failed.status).toBe(500);
    expect(failed.body.Fault.faultcode).toBe('soap:Server');
    expect((await call('GetUnitInformation_Login', code)).status).toBe(200);

    server.sandbox.faults.add({ path: 'GetPropertyConfigurations', delayMs: 300, times: 1 });
    const started = Date.now();
    await call('GetPropertyConfigurations');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    // A hung call times out and is asked again.
    server.sandbox.faults.add({ path: 'GetPropertyConfigurations', hang: true, times: 1 });
    const hungAt = Date.now();
    const [page] = await pages('properties', CREDS, 300);
    expect(page).toHaveLength(server.sandbox.data.properties.length);
    expect(Date.now() - hungAt).toBeGreaterThanOrEqual(300);
  });

  it('corrupts one RT_Customer (malformed) or renames an element in every record, before serialising', async () => {
    const code = server.sandbox.data.properties[0].Code;
    const first = server.sandbox.data.customers.filter((c) => c.YardiPropertyId === code);
    // A household that is a lease (not applicants only), whose Lease element the mapping reads.
    const leased = first.findIndex(
      (c, i) => i > 1 && c.Customers.Customer.some((p: any) => p['@Type'] !== 'applicant'),
    );
    server.sandbox.faults.add({
      path: 'GetResidentTransactions_Login',
      malformed: { index: 1, field: 'CustomerID', value: null },
      times: 1,
    });
    server.sandbox.faults.add({
      path: 'GetResidentTransactions_Login',
      malformed: { index: leased, field: 'Lease', value: { LeaseFromDate: '14/45/2024' } },
      times: 1,
    });
    const [page] = await pages('leases');
    const outcome = page.map((raw) => {
      try {
        const record = yardiAdapter.map('leases', raw, ctx);
        if (record) toCanonicalRecord('leases', record, ctx);
        return 'ok';
      } catch (error) {
        expect(error).toBeInstanceOf(MalformedRecordError);
        return (error as Error).message;
      }
    });
    expect(outcome[0]).toBe('ok');
    expect(outcome[1]).toMatch(/CustomerID/);
    expect(outcome[leased]).toMatch(/LeaseFromDate/);
    expect(yardiAdapter.vendorId('leases', page[leased])).toBe(first[leased].CustomerID);
    expect(outcome.filter((o, i) => i > 1 && i !== leased).every((o) => o === 'ok')).toBe(true);
    expect(server.sandbox.data.customers.find((c) => c.CustomerID === first[1].CustomerID)).toBeDefined(); // the dataset stays intact

    server.sandbox.faults.add({
      path: 'GetUnitInformation_Login',
      renameField: { from: 'UnitID', to: 'UnitCode' },
      times: 1,
    });
    const [units] = await pages('units');
    // Once: the first property's answer only (a page gathers several properties' units).
    const firstProperty = (units[0] as any).YardiPropertyId;
    const renamed = units.filter((u: any) => u.YardiPropertyId === firstProperty);
    expect(renamed.every((u: any) => u.UnitID === undefined && typeof u.UnitCode === 'string')).toBe(true);
    const others = units.filter((u: any) => u.YardiPropertyId !== firstProperty);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((u: any) => typeof u.UnitID === 'string' && u.UnitCode === undefined)).toBe(true);

    const bad = await control('faults', 'POST', { path: '/Webservices/ItfResidentTransactions20.asmx', status: 500 });
    expect(bad.status).toBe(400);
    expect((await control('faults', 'POST', { path: 'GetUnitInformation_Login', status: 503, times: 1 })).status).toBe(
      201,
    );
    expect(((await (await control('faults', 'GET')).json()) as unknown[]).length).toBe(1);
    expect((await control('faults', 'DELETE')).status).toBe(204);
    expect(server.sandbox.faults.list()).toEqual([]);
  });

  it('changes the data between syncs through the control API, escaping values in the XML it serves', async () => {
    const before = (await (await control('state', 'GET')).json()) as any;
    expect(before.counts).toMatchObject({ properties: server.sandbox.data.properties.length, people: 400 });
    const mutated = (await (
      await control('mutate', 'POST', { residents: 5, leases: 3, units: 2, properties: 1 })
    ).json()) as any;
    expect(mutated.edited).toEqual({ residents: 5, leases: 3, units: 2, properties: 1 });
    expect(server.sandbox.data.customers[0].Customers.Customer[0].Name.FirstName).toMatch(/ \(1\)$/);

    const code = server.sandbox.data.properties[0].Code;
    const created = (await (
      await control('customers', 'POST', {
        YardiPropertyId: code,
        Customers: {
          Customer: [{ '@Type': 'current resident', Name: { FirstName: 'Ben & <Jerry>', LastName: 'Smith' } }],
        },
        Lease: { LeaseFromDate: '01/01/2026', CurrentRent: '999.00' },
      })
    ).json()) as any;
    expect(created.CustomerID).toMatch(/^t\d{7}$/);
    expect(
      (
        await control(`customers/${created.CustomerID}`, 'PATCH', {
          Lease: { LeaseFromDate: '02/01/2026', CurrentRent: '1000.00' },
        })
      ).status,
    ).toBe(200);
    const leases = (await pages('leases')).flat() as any[];
    const served = leases.find((l) => l.CustomerID === created.CustomerID);
    expect(served.Customers.Customer['Name'].FirstName).toBe('Ben & <Jerry>');
    expect(served.Lease.CurrentRent).toBe('1000.00');

    expect((await control(`units/${code}:${server.sandbox.data.units[0].UnitID}`, 'DELETE')).status).toBe(204);
    expect((await control(`customers/${created.CustomerID}`, 'DELETE')).status).toBe(204);
    expect((await control('customers/t9999999', 'GET')).status).toBe(404);
    expect((await control('units', 'POST', { YardiPropertyId: 'nope', UnitID: '1' })).status).toBe(400);
    const after = (await (await control('state', 'GET')).json()) as any;
    expect(after.counts.units).toBe(before.counts.units - 1);
    expect(after.counts.customers).toBe(before.counts.customers);
  });

  // Its speed is the vendor-first-sync benchmark's business (BENCHMARKS.md), not a timed test's.
  it('serves a benchmark-sized database in full', async () => {
    server.sandbox.reset({ residents: 30_000, seed: 3, ledgers: 'none', credentials: [CREDS] });
    const people = (await pages('residents')).flat();
    expect(people).toHaveLength(30_000);
    expect(new Set(people.map((p) => yardiAdapter.vendorId('residents', p))).size).toBe(30_000);
  }, 120_000);
});

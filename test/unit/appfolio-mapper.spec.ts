import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { CanonicalModelName } from '../../src/catalogue/canonical-models';
import { recordId } from '../../src/platform/common/ids';
import { toCanonicalRecord, type CanonicalRecord, type MappingContext } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { checkShape } from '../../src/normalise/schema-drift';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import { appfolioAdapter } from '../../src/fetch/appfolio/appfolio.adapter';
import { VendorHttp } from '../../src/fetch/adapter/vendor-http';
import { createAsyncServer } from '../support/loopback-server';

const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
};
const id = (model: CanonicalModelName, xId: string) => recordId('int_1', model, xId);
const canonical = (model: CanonicalModelName, raw: unknown, context = ctx) =>
  toCanonicalRecord(model, appfolioAdapter.map(model, raw, context)!, context);

const CREDENTIALS = { clientId: 'fixture-id', clientSecret: 'fixture-secret', developerId: 'fixture-dev' };
const FIXTURES = path.resolve(__dirname, '../fixtures/appfolio');
/** The host the recorded pages were captured from; the replay serves them from its own. */
const RECORDED_ORIGIN = 'https://acme.appfolio.com';
const fixture = (name: string, origin: string) =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8').replaceAll(RECORDED_ORIGIN, origin));

interface Replay {
  url: string;
  requests: Array<{ method: string; url: string; body: any; authorization?: string; developerId?: string }>;
  close(): Promise<void>;
}

/** Serves the recorded pages as AppFolio did: reports by POST, the next page by GET, the lookup by ids. */
async function startReplay(): Promise<Replay> {
  const requests: Replay['requests'] = [];
  const server = createAsyncServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = text ? JSON.parse(text) : undefined;
    requests.push({
      method: req.method!,
      url: req.url!,
      body,
      authorization: req.headers.authorization,
      developerId: req.headers['x-appfolio-developer-id'] as string | undefined,
    });
    const origin = `http://${req.headers.host}`;
    const url = new URL(req.url!, origin);
    const send = (payload: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    const report = /^\/api\/v2\/reports\/(\w+)\.json$/.exec(url.pathname)?.[1];
    if (report && req.method === 'GET')
      return send(fixture(`${report}-page-${url.searchParams.get('page')}.json`, origin));
    if (report) {
      const name = fs.existsSync(path.join(FIXTURES, `${report}.json`)) ? `${report}.json` : `${report}-page-1.json`;
      const page = fixture(name, origin);
      page.results = page.results.map((row: any) => Object.fromEntries(body.columns.map((c: string) => [c, row[c]])));
      return send(page);
    }
    const ids = new Set(url.searchParams.get('filters[Id]')!.split(','));
    const lookup = fixture('tenants-lookup.json', origin);
    return send({ data: lookup.data.filter((t: any) => ids.has(String(t.Id))) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function pull(replay: Replay, model: CanonicalModelName): Promise<CanonicalRecord[]> {
  const client = appfolioAdapter.client(CREDENTIALS, {
    baseUrl: replay.url,
    connect: (headers) =>
      new VendorHttp({
        baseUrl: replay.url,
        headers,
        guard: new OutboundGuard(['127.0.0.0/8']),
        throttleBackoffMs: 10,
      }),
    report: { rateLimits: () => undefined },
  });
  const records: CanonicalRecord[] = [];
  for await (const page of client.listPages(model)) {
    for (const raw of page.records) {
      // What the client yields is what the contract promises, plus the fields the client adds (no drift).
      expect(checkShape(raw, appfolioAdapter.expectedFields[model])).toEqual({ missing: [], unexpected: [] });
      records.push(canonical(model, raw));
    }
  }
  return records;
}

describe('AppFolio contract: recorded pages through client → mapper → canonical record', () => {
  let replay: Replay;
  beforeAll(async () => {
    replay = await startReplay();
  });
  afterAll(() => replay.close());
  beforeEach(() => {
    replay.requests.length = 0;
  });

  it('maps property_directory rows, with unknown property types kept raw', async () => {
    const [elm, birches] = await pull(replay, 'properties');
    expect(elm.values).toMatchObject({
      property_id: id('properties', '101'),
      x_property_id: '101',
      name: 'Elm Court',
      street_address_1: '12 Elm St',
      address_1: '12 Elm St',
      city: 'Boston',
      state: 'MA',
      zip: '02118',
      type: 'Multi-Family',
      type_raw: 'Multi-Family',
      type_normalized: 'MULTI_FAMILY',
      number_of_units: 12,
    });
    expect(birches.values).toMatchObject({
      name: 'The Birches',
      type_raw: 'Houseboat',
      type_normalized: 'OTHER',
      number_of_units: 1,
    });
    expect(replay.requests).toEqual([
      expect.objectContaining({ method: 'POST', url: '/api/v2/reports/property_directory.json' }),
    ]);
    expect(replay.requests[0].body).toEqual({
      paginate_results: true,
      columns: [
        'property_id',
        'property_name',
        'property_address',
        'property_city',
        'property_state',
        'property_zip',
        'property_type',
        'units',
      ],
    });
    expect(replay.requests[0].authorization).toBe(
      `Basic ${Buffer.from('fixture-id:fixture-secret').toString('base64')}`,
    );
    expect(replay.requests[0].developerId).toBeUndefined(); // the developer id is for the v0 lookup only
  });

  it('maps unit_directory rows: string amounts, half baths, the unit status table', async () => {
    const [b3, a4, main] = await pull(replay, 'units');
    expect(b3.values).toMatchObject({
      x_property_id: '101',
      property_id: id('properties', '101'),
      number: '3B',
      bedrooms: '2',
      bathrooms: '1.5',
      bathrooms_full: 1,
      bathrooms_half: 1,
      square_feet: 900,
      rent_amount_market_in_cents: 185050,
      is_vacant: false,
      is_available: true,
      custom_data: { unit_status: 'Notice-Unrented' },
    });
    expect(a4.values).toMatchObject({
      bedrooms: '0',
      bathrooms: '1',
      bathrooms_full: 1,
      bathrooms_half: 0,
      square_feet: null,
      rent_amount_market_in_cents: null,
      is_vacant: true,
      is_available: true,
    });
    expect(main.values).toMatchObject({
      square_feet: 1450,
      rent_amount_market_in_cents: 240000,
      is_vacant: null,
      is_available: null,
      custom_data: { unit_status: 'Down for Repairs' },
    });
  });

  it('maps rent_roll rows over two cursor pages: status table, dates, cents, and resident links typed by tenant_type', async () => {
    const leases = await pull(replay, 'leases');
    expect(leases.map((l) => l.x_id)).toEqual(['999', '1000', '1001', '1002']);
    // The tenant types come from the tenant directory (two columns only), then the rent roll and its next page.
    expect(replay.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/v2/reports/tenant_directory.json',
      'POST /api/v2/reports/rent_roll.json',
      'GET /api/v2/reports/rent_roll.json?metadata_id=3f2c9a0e&page=2',
    ]);
    expect(replay.requests[0].body).toEqual({ paginate_results: true, columns: ['tenant_id', 'tenant_type'] });
    expect(replay.requests[2].authorization).toBe(replay.requests[1].authorization);

    const [notice, future, past, evict] = leases;
    expect(notice.values).toMatchObject({
      x_property_id: '101',
      property_id: id('properties', '101'),
      x_unit_id: '202',
      unit_id: id('units', '202'),
      x_resident_id: '500',
      status: 'Notice-Unrented',
      status_raw: 'Notice-Unrented',
      status_normalized: 'ACTIVE',
      start_date: '2024-07-01T00:00:00.000Z',
      end_date: '2025-06-30T00:00:00.000Z',
      realized_move_in_date: '2024-07-01T00:00:00.000Z',
      scheduled_move_in_date: null,
      scheduled_move_out_date: '2025-06-30T00:00:00.000Z',
      realized_move_out_date: null,
      rent_amount_in_cents: 285000,
      deposit_amount: '1,800.00',
      deposit_amount_in_cents: 180000,
    });
    expect(
      notice.links!.map((l) => [
        l.values.x_resident_id,
        l.values.x_resident_type,
        l.values.resident_type_normalized,
        l.values.resident_id,
      ]),
    ).toEqual([
      ['500', 'Financially Responsible', 'PRIMARY', id('residents', '500')],
      ['501', 'Occupant', 'OTHER', id('residents', '501')],
      ['502', 'Guarantor', 'GUARANTOR', id('residents', '502')],
    ]);
    expect(notice.links![0].values).toMatchObject({
      lease_id: notice.id,
      x_lease_id: '999',
      move_in_date: '2024-07-01T00:00:00.000Z',
      move_out_date: '2025-06-30T00:00:00.000Z',
    });

    expect(future.values).toMatchObject({
      status_normalized: 'PENDING',
      scheduled_move_in_date: '2026-03-01T00:00:00.000Z',
      realized_move_in_date: null,
      end_date: null,
      deposit_amount_in_cents: null,
      x_resident_id: '503',
    });
    expect(future.links!.map((l) => l.values.resident_type_normalized)).toEqual(['PRIMARY']);
    expect(past.values).toMatchObject({
      status_raw: 'Past',
      status_normalized: 'OTHER',
      realized_move_out_date: '2021-12-30T00:00:00.000Z',
      rent_amount_in_cents: 150000,
      deposit_amount_in_cents: 0,
      x_resident_id: null,
    });
    expect(past.links).toEqual([]);
    expect(evict.values).toMatchObject({
      status_normalized: 'EVICTED',
      x_unit_id: null,
      unit_id: null,
      scheduled_move_out_date: '2024-09-15T00:00:00.000Z',
      x_resident_id: '504',
    });
    expect(evict.links!.map((l) => [l.values.x_resident_type, l.values.resident_type_normalized])).toEqual([
      ['Co-signer', 'OTHER'],
    ]);
  });

  it('hydrates tenant_directory rows with the lookup before mapping; a tenant it does not return stays minimal', async () => {
    const residents = await pull(replay, 'residents');
    // The directory names each tenant's occupancy, not its property nor its move dates: the rent roll's occupancy
    // (those columns only, read once first) places the tenants and dates their links, then the lookup completes them.
    expect(replay.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      'POST /api/v2/reports/rent_roll.json',
      'GET /api/v2/reports/rent_roll.json',
      'POST /api/v2/reports/tenant_directory.json',
      'GET /api/v0/tenants',
    ]);
    expect(replay.requests[0].body).toEqual({
      paginate_results: true,
      columns: ['occupancy_id', 'property_id', 'move_in', 'move_out'],
    });
    expect(replay.requests[2].body).toEqual({
      paginate_results: true,
      columns: ['tenant_id', 'occupancy_id', 'first_name', 'last_name', 'status', 'tenant_type'],
    });
    const lookups = replay.requests.filter((r) => r.url.startsWith('/api/v0/tenants'));
    expect(lookups).toHaveLength(1);
    expect(new URL(lookups[0].url, replay.url).searchParams.get('filters[Id]')).toBe('500,501,502,503,504');
    expect(lookups[0].developerId).toBe('fixture-dev');

    const byXId = new Map(residents.map((r) => [r.x_id, r.values]));
    expect(byXId.get('500')).toMatchObject({
      x_lease_id: '999',
      x_property_id: '101',
      property_id: id('properties', '101'),
      first_name: 'Ana',
      last_name: 'Reyes',
      email_1: 'ana.reyes@example.com',
      email_2: 'ana.alt@example.org',
      phone_1: '5550102000',
      phone_1_type: 'MOBILE',
      phone_2: '5550103000',
      phone_2_type: 'WORK',
      date_of_birth: '1990-04-12T00:00:00.000Z',
      custom_data: { status: 'Notice', tenant_type: 'Financially Responsible' },
    });
    // A blank number is skipped; an unknown label is OTHER.
    expect(byXId.get('501')).toMatchObject({
      first_name: 'Zoë',
      last_name: "O'Brien",
      email_1: null,
      phone_1: '6175550199',
      phone_1_type: 'OTHER',
      phone_2: null,
      date_of_birth: null,
    });
    expect(byXId.get('502')).toMatchObject({
      email_1: 'kwame@example.net',
      phone_1: null,
      date_of_birth: '2000-02-29T00:00:00.000Z',
    });
    expect(byXId.get('503')).toMatchObject({ phone_1: '020 7946 0958', phone_1_type: 'HOME', date_of_birth: null });
    expect(byXId.get('504')).toMatchObject({
      first_name: 'Sam',
      email_1: null,
      phone_1: null,
      phone_1_type: 'OTHER',
      x_lease_id: '1002',
      x_property_id: '101',
      custom_data: { status: 'Evict', tenant_type: 'Co-signer' },
    });
  });
});

describe('AppFolio mapping of malformed rows', () => {
  const TENANT = {
    tenant_id: 500,
    occupancy_id: 999,
    occupancy_property_id: 101,
    first_name: 'Ana',
    last_name: 'Reyes',
    status: 'Current',
    tenant_type: 'Financially Responsible',
    Emails: ['a@example.com'],
    PhoneNumbers: [],
  };
  const OCCUPANCY = {
    occupancy_id: 999,
    unit_id: 202,
    property_id: 101,
    status: 'Current',
    lease_from: '2024-07-01',
    lease_to: null,
    move_in: null,
    move_out: null,
    rent: '100.00',
    deposit: null,
    tenant_ids: '500',
  };

  it('rejects a row without its id, with a bad date or with a value of the wrong type', () => {
    expect(() => canonical('residents', { ...TENANT, tenant_id: undefined })).toThrow(MalformedRecordError);
    expect(() => canonical('residents', { ...TENANT, tenant_id: { corrupt: true } })).toThrow(/tenant_id/);
    expect(() => canonical('residents', { ...TENANT, DateOfBirth: 'last spring' })).toThrow(/DateOfBirth/);
    expect(() => canonical('residents', { ...TENANT, Emails: 'a@example.com' })).toThrow(/Emails/);
    expect(() => canonical('residents', { ...TENANT, first_name: { given: 'Ana' } })).toThrow(MalformedRecordError);
    // A tenant's property is its occupancy's on the rent roll: a past tenant, whose occupancy the rent roll does
    // not list, has none the contract gives. A row that carries its own property_id (a server sending more) is placed by it.
    const { occupancy_property_id: _onRentRoll, ...pastTenant } = { ...TENANT, occupancy_id: 42, status: 'Past' };
    expect(() => canonical('residents', pastTenant)).toThrow(/occupancy 42 is not on the rent roll.*no property/);
    expect(() => canonical('residents', { ...pastTenant, occupancy_id: null })).toThrow(/no occupancy_id.*no property/);
    expect(canonical('residents', { ...pastTenant, property_id: 102 }).values).toMatchObject({
      x_lease_id: '42',
      x_property_id: '102',
      property_id: id('properties', '102'),
    });
    expect(canonical('residents', { ...TENANT, property_id: 102 }).values).toMatchObject({ x_property_id: '102' });
    expect(() => canonical('residents', { ...TENANT, property_id: { id: 102 } })).toThrow(/property_id/);
    expect(() => canonical('leases', { ...OCCUPANCY, rent: 'lots' })).toThrow(/rent/);
    expect(() => canonical('leases', { ...OCCUPANCY, lease_from: '2024-02-30' })).toThrow(/lease_from/);
    expect(() => canonical('leases', { ...OCCUPANCY, tenant_ids: { ids: [500] } })).toThrow(/tenant_ids/);
    expect(() => canonical('leases', { ...OCCUPANCY, property_id: null })).toThrow(/property_id/);
    expect(() => canonical('units', { unit_id: 1, property_id: 101, bathrooms: 'many' })).toThrow(/bathrooms/);
    expect(() => canonical('units', { unit_id: 1, property_id: 101, sqft: 90.5 })).toThrow(/sqft/);
    expect(() => canonical('properties', { property_name: 'No id' })).toThrow(/property_id/);
    expect(() => canonical('properties', [])).toThrow(MalformedRecordError);
  });

  it('reads tenant_ids as an array or a comma-separated cell, and names vendor ids for quarantine', () => {
    const links = (tenantIds: unknown) =>
      canonical('leases', { ...OCCUPANCY, tenant_ids: tenantIds }).links!.map((l) => l.values.x_resident_id);
    expect(links('500, 501,')).toEqual(['500', '501']);
    expect(links([500, '501'])).toEqual(['500', '501']);
    expect(links('')).toEqual([]);
    expect(appfolioAdapter.vendorId('leases', OCCUPANCY)).toBe('999');
    expect(appfolioAdapter.vendorId('residents', { tenant_id: { corrupt: true } })).toBeNull();
  });

  it('maps every rent_roll status and tenant_type of the contract deliberately, and reports the values the tables do not know', () => {
    const reported: Array<[string, string, string | null]> = [];
    const reporting: MappingContext = {
      ...ctx,
      unknownValue: (field, value, mappedTo) => reported.push([field, value, mappedTo]),
    };
    const status: Record<string, string> = {
      Current: 'ACTIVE',
      'Notice-Unrented': 'ACTIVE',
      'Notice-Rented': 'ACTIVE',
      'Vacant-Rented': 'PENDING',
      Future: 'PENDING',
      Evict: 'EVICTED',
    };
    for (const [s, normalized] of Object.entries(status))
      expect(canonical('leases', { ...OCCUPANCY, status: s }, reporting).values.status_normalized).toBe(normalized);
    const types: Record<string, string> = {
      'Financially Responsible': 'PRIMARY',
      Occupant: 'OTHER',
      Guarantor: 'GUARANTOR',
    };
    for (const [type, normalized] of Object.entries(types)) {
      expect(
        canonical('leases', { ...OCCUPANCY, tenant_types: { 500: type } }, reporting).links![0].values
          .resident_type_normalized,
      ).toBe(normalized);
    }
    expect(reported).toEqual([]);
    canonical('leases', { ...OCCUPANCY, status: 'Past', tenant_types: { 500: 'Co-signer' } }, reporting);
    canonical('units', { unit_id: 1, property_id: 101, unit_status: 'Down for Repairs' }, reporting);
    canonical('residents', { ...TENANT, PhoneNumbers: [{ Number: '5550100000', Label: 'Pager' }] }, reporting);
    expect(reported).toEqual([
      ['status_normalized', 'Past', 'OTHER'],
      ['resident_type_normalized', 'Co-signer', 'OTHER'],
      ['is_vacant', 'Down for Repairs', null],
      ['phone_1_type', 'Pager', 'OTHER'],
    ]);
  });
});

import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { YardiModel } from '../../src/fetch/yardi/yardi.facts';
import { recordId } from '../../src/platform/common/ids';
import { toCanonicalRecord, type MappingContext } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import {
  VendorAccessDeniedError,
  VendorAuthError,
  VendorHttp,
  VendorRequestError,
} from '../../src/fetch/adapter/vendor-http';
import { yardiAdapter } from '../../src/fetch/yardi/yardi.adapter';
import { yardiDate } from '../../src/fetch/yardi/yardi.mapper';
import { readSoapResult } from '../../src/fetch/yardi/yardi.soap';
import { createAsyncServer } from '../support/loopback-server';

const FIXTURES = path.resolve(__dirname, '../fixtures/yardi');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const CREDENTIALS = {
  username: 'u',
  password: 'p&<w>',
  database: 'db',
  serverName: 'sql',
  platform: 'SQL Server',
  entity: 'Acme',
  license: 'lic',
};
const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
};
const ref = (model: YardiModel, xId: string) => recordId('int_1', model, xId);

/**
 * Serves the recorded answers in test/fixtures/yardi by SOAPAction and YardiPropertyId; `next` queues
 * answers (fixture file names) to send first, in order.
 */
async function startFixtureServer() {
  const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false });
  const calls: Array<{ method: string; params: Record<string, string>; soapAction: string; contentType: string }> = [];
  const next: string[] = [];
  const server = createAsyncServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const soapAction = String(req.headers.soapaction);
    const method = soapAction.replace(
      /^"http:\/\/tempuri\.org\/YSI\.Interfaces\.WebServices\/ItfResidentTransactions20\/(\w+)"$/,
      '$1',
    );
    const params = parser.parse(body).Envelope.Body[method];
    calls.push({ method, params, soapAction, contentType: String(req.headers['content-type']) });
    const name = next.shift() ?? (params.YardiPropertyId ? `${method}.${params.YardiPropertyId}.xml` : `${method}.xml`);
    res.writeHead(req.url === '/Webservices/ItfResidentTransactions20.asmx' ? 200 : 404, {
      'content-type': 'text/xml; charset=utf-8',
    });
    res.end(fixture(name));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    next,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('Yardi contract: recorded SOAP answers through the client, mapper and canonical record', () => {
  let server: Awaited<ReturnType<typeof startFixtureServer>>;
  const client = () =>
    yardiAdapter.client(CREDENTIALS, {
      baseUrl: server.url,
      connect: (headers) =>
        new VendorHttp({
          baseUrl: server.url,
          headers,
          guard: new OutboundGuard(['127.0.0.0/8']),
          throttleBackoffMs: 5,
        }),
      report: { rateLimits: () => undefined },
    });
  const raws = async (model: YardiModel) => {
    const pages: unknown[][] = [];
    for await (const page of client().listPages(model)) pages.push(page.records);
    return pages;
  };
  /** The canonical records of a model's raw records; those the mapping leaves out (applicants) are not there. */
  const canonical = async (model: YardiModel, context = ctx) =>
    new Map(
      (await raws(model)).flat().flatMap((raw) => {
        const mapped = yardiAdapter.map(model, raw, context);
        if (mapped === null) return [];
        const record = toCanonicalRecord(model, mapped, context);
        return [[record.x_id, record] as const];
      }),
    );

  beforeAll(async () => {
    server = await startFixtureServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.calls.length = 0;
    server.next.length = 0;
  });

  it('calls each method as SOAP 1.1 with every credential parameter, escaped, and one property per call', async () => {
    // A call per property, their records gathered into one page (fewer than 1,000).
    expect((await raws('units')).map((page) => page.map((unit: any) => unit.YardiPropertyId))).toEqual([
      ['hill01', 'hill01', 'lake02'],
    ]);
    expect(server.calls.map((c) => [c.method, c.params.YardiPropertyId])).toEqual([
      ['GetPropertyConfigurations', undefined],
      ['GetUnitInformation_Login', 'hill01'],
      ['GetUnitInformation_Login', 'lake02'],
    ]);
    for (const call of server.calls) {
      expect(call.contentType).toBe('text/xml; charset=utf-8');
      expect(call.soapAction).toBe(
        `"http://tempuri.org/YSI.Interfaces.WebServices/ItfResidentTransactions20/${call.method}"`,
      );
      expect(call.params).toMatchObject({
        UserName: 'u',
        Password: 'p&<w>',
        Database: 'db',
        ServerName: 'sql',
        Platform: 'SQL Server',
        InterfaceEntity: 'Acme',
        InterfaceLicense: 'lic',
      });
    }
  });

  it('maps properties: Code as id and code, MarketingName, address with empty elements as null, AR/AP periods kept', async () => {
    const properties = await canonical('properties');
    expect([...properties.keys()]).toEqual(['hill01', 'lake02']);
    expect(properties.get('hill01')!.values).toMatchObject({
      property_id: ref('properties', 'hill01'),
      x_property_id: 'hill01',
      code: 'hill01',
      name: 'Hillcrest Gardens & Townhomes',
      address_1: '4100 Hillcrest Rd',
      street_address_1: '4100 Hillcrest Rd',
      address_2: null,
      city: 'Austin',
      state: 'TX',
      zip: '78731',
      custom_data: { accounts_receivable: '01/2026', accounts_payable: '12/2025' },
    });
    expect(properties.get('lake02')!.values).toMatchObject({
      address_2: 'Building C',
      zip: '53703-2210',
      custom_data: { accounts_receivable: '01/2026' },
    });
  });

  it('maps units: ids per property (unit codes repeat), decimal text, occupancy table, a one-element list', async () => {
    const units = await canonical('units');
    expect([...units.keys()]).toEqual(['hill01:101', 'hill01:102', 'lake02:101']);
    expect(units.get('hill01:101')!.values).toMatchObject({
      x_property_id: 'hill01',
      property_id: ref('properties', 'hill01'),
      number: '101',
      x_unit_type_id: '2b2ba',
      bedrooms: '2',
      bathrooms: '1.5',
      bathrooms_full: 1,
      bathrooms_half: 1,
      square_feet: 912,
      rent_amount_market_in_cents: 149500,
      is_vacant: false,
      custom_data: { unit_economic_status: 'residential', unit_occupancy_status: 'occupied' },
    });
    expect(units.get('hill01:102')!.values).toMatchObject({
      bedrooms: '0',
      bathrooms: '1',
      bathrooms_half: 0,
      square_feet: null,
      rent_amount_market_in_cents: 100550,
      is_vacant: true,
    });
    expect(units.get('lake02:101')!.values).toMatchObject({
      rent_amount_market_in_cents: 125000,
      is_vacant: false,
      x_unit_type_id: null,
      custom_data: { unit_occupancy_status: 'Notice Rented' },
    });
  });

  it('maps each Customer of an RT_Customer to a resident: names, entities, typed phones, emails, addresses', async () => {
    const residents = await canonical('residents');
    // t0000103 is an applicant: no resident (docs/vendors/yardi.md).
    expect([...residents.keys()]).toEqual(['t0000101', 't0000101:2', 't0000102', 't0000104', 't0000201']);
    expect(residents.get('t0000101')!.values).toMatchObject({
      first_name: 'Zoë',
      middle_name: null,
      last_name: "O'Brien",
      email_1: 'zoe.obrien@example.com',
      email_2: null,
      phone_1: '5125550101',
      phone_1_type: 'MOBILE',
      phone_2: '5125550199',
      phone_2_type: 'WORK', // the empty home phone is skipped
      address_1: '4100 Hillcrest Rd',
      address_2: 'Unit 101',
      city: 'Austin',
      zip: '78731',
      address_1_alternate: 'PO Box 12',
      city_alternate: 'Round Rock',
      zip_alternate: '78664',
      x_lease_id: 't0000101',
      x_property_id: 'hill01',
      property_id: ref('properties', 'hill01'),
      custom_data: { customer_type: 'current resident' },
    });
    expect(residents.get('t0000101:2')!.values).toMatchObject({
      first_name: 'Kwame',
      middle_name: 'A.',
      phone_1: '5125550102',
      phone_1_type: 'OTHER',
      phone_2: null,
      phone_2_type: 'OTHER',
      x_lease_id: 't0000101',
      address_1: null,
    });
    expect(residents.get('t0000102')!.values).toMatchObject({
      last_name: 'Smith & Reyes',
      phone_1: '5125550177',
      phone_1_type: 'FAX',
      custom_data: { customer_type: 'former resident' },
    });
    expect(residents.get('t0000201')!.values).toMatchObject({
      x_property_id: 'lake02',
      phone_1: '6085550111',
      phone_1_type: 'HOME',
    });
  });

  it('maps each RT_Customer to a lease: both date forms, money, status by Customer Type, links to every Customer', async () => {
    const unknown: Array<[string, string, string | null]> = [];
    const leases = await canonical('leases', {
      ...ctx,
      unknownValue: (field, value, mappedTo) => unknown.push([field, value, mappedTo]),
    });
    // t0000103 is a household of applicants: an application, not a lease.
    expect([...leases.keys()]).toEqual(['t0000101', 't0000102', 't0000104', 't0000201']);
    const current = leases.get('t0000101')!;
    expect(current.values).toMatchObject({
      x_property_id: 'hill01',
      x_unit_id: 'hill01:101',
      unit_id: ref('units', 'hill01:101'),
      unit_number: '101',
      x_resident_id: 't0000101',
      start_date: '2024-07-01T00:00:00.000Z',
      end_date: '2025-06-30T00:00:00.000Z',
      rent_amount_in_cents: 145000,
      scheduled_move_in_date: '2024-06-28T00:00:00.000Z',
      realized_move_in_date: '2024-07-01T00:00:00.000Z',
      realized_move_out_date: null,
      status: 'current resident',
      status_raw: 'current resident',
      status_normalized: 'ACTIVE',
    });
    expect(current.links!.map((l) => l.values)).toEqual([
      expect.objectContaining({
        resident_id: ref('residents', 't0000101'),
        x_resident_id: 't0000101',
        x_resident_type: 'current resident',
        resident_type_normalized: 'PRIMARY',
        move_in_date: '2024-07-01T00:00:00.000Z',
        notice_date: null,
      }),
      expect.objectContaining({ resident_id: ref('residents', 't0000101:2'), resident_type_normalized: 'SECONDARY' }),
    ]);
    expect(leases.get('t0000102')!.values).toMatchObject({
      start_date: '2023-05-01T00:00:00.000Z',
      end_date: '2024-04-30T00:00:00.000Z',
      rent_amount_in_cents: 119999,
      realized_move_in_date: '2023-05-01T00:00:00.000Z',
      scheduled_move_out_date: '2024-04-30T00:00:00.000Z',
      realized_move_out_date: '2024-05-02T00:00:00.000Z',
      status_normalized: 'INACTIVE',
    });
    expect(leases.get('t0000102')!.links![0].values).toMatchObject({
      move_out_date: '2024-05-02T00:00:00.000Z',
      notice_date: '2024-03-15T00:00:00.000Z',
    });
    // A Type the contract does not list: OTHER, raw value kept, and reported.
    expect(leases.get('t0000104')!.values).toMatchObject({
      status_raw: 'guarantor',
      status_normalized: 'OTHER',
      start_date: null,
      x_unit_id: 'hill01:101',
    });
    expect(unknown).toEqual([['status_normalized', 'guarantor', 'OTHER']]);
    expect(leases.get('t0000201')!.values).toMatchObject({
      x_unit_id: 'lake02:101',
      status_normalized: 'PENDING',
      rent_amount_in_cents: 125000,
    });
  });

  it('treats both error forms as failures: busy answers are retried, refused credentials and licenses are not', async () => {
    server.next.push('messages-database-busy.xml', 'fault-database-busy.xml');
    expect((await raws('properties')).flat()).toHaveLength(2);
    expect(server.calls).toHaveLength(3);

    server.calls.length = 0;
    server.next.push('messages-invalid-license.xml');
    await expect(raws('residents')).rejects.toThrow(VendorAccessDeniedError);
    expect(server.calls).toHaveLength(1);

    expect(() => readSoapResult('GetPropertyConfigurations', fixture('fault-invalid-login.xml'), 500)).toThrow(
      VendorAuthError,
    );
    expect(() => readSoapResult('GetPropertyConfigurations', fixture('messages-invalid-license.xml'), 200)).toThrow(
      /Invalid Interface Entity or License/,
    );
    const busy = (() => {
      try {
        readSoapResult('GetPropertyConfigurations', fixture('fault-database-busy.xml'), 500);
      } catch (e) {
        return e;
      }
    })();
    expect(busy).toBeInstanceOf(VendorRequestError);
    expect((busy as VendorRequestError).retryable).toBe(true);
    for (const broken of ['<html><body>Service Unavailable</body></html>', '<soap:Envelope><soap:Body>', '']) {
      expect(() => readSoapResult('GetPropertyConfigurations', broken, 200)).toThrow(VendorRequestError);
    }
  });

  it('reads a retried answer afresh: the records of an answer that failed after them are not kept', async () => {
    const whole = (await raws('residents')).flat();
    server.calls.length = 0;
    server.next.push('GetPropertyConfigurations.xml', 'GetResidentTransactions_Login.busy-with-records.xml');
    const retried = (await raws('residents')).flat();
    expect(server.calls.map((c) => c.method)).toEqual([
      'GetPropertyConfigurations',
      'GetResidentTransactions_Login',
      'GetResidentTransactions_Login',
      'GetResidentTransactions_Login',
    ]);
    expect(retried).toEqual(whole);
    expect(retried.some((r: any) => r.CustomerID === 't0009999')).toBe(false);
  });

  it('refuses an answer without its document rather than reading it as "no records"', async () => {
    server.next.push('GetPropertyConfigurations.xml', 'GetUnitInformation_Login.info-only.xml');
    await expect(raws('units')).rejects.toThrow(/no <UnitInformation> document/);
  });

  it('reads MM/DD/YYYY and ISO dates in one helper and rejects impossible ones', () => {
    expect(yardiDate('7/4/2025', 'd')).toBe('2025-07-04T00:00:00.000Z');
    expect(yardiDate(' 02/29/2024 ', 'd')).toBe('2024-02-29T00:00:00.000Z');
    expect(yardiDate('2025-07-04', 'd')).toBe('2025-07-04T00:00:00.000Z');
    expect(yardiDate('2025-07-04T10:30:00', 'd')).toBe('2025-07-04T10:30:00.000Z');
    expect(yardiDate('', 'd')).toBeNull();
    expect(yardiDate(undefined, 'd')).toBeNull();
    for (const bad of ['13/01/2025', '0/12/2025', '02/30/2025', '2/29/2025', '2025-02-30', 'someday'])
      expect(() => yardiDate(bad, 'Lease.LeaseFromDate')).toThrow(/Lease\.LeaseFromDate/);
  });

  it('rejects malformed records with a reason, and names the vendor id where there is one', async () => {
    const [[rt]] = (await raws('leases')) as any[][];
    const [[person]] = (await raws('residents')) as any[][];
    const map = (model: YardiModel, raw: unknown) => toCanonicalRecord(model, yardiAdapter.map(model, raw, ctx)!, ctx);
    expect(() => map('leases', { ...rt, CustomerID: undefined })).toThrow(/CustomerID/);
    expect(() => map('leases', { ...rt, CustomerID: { corrupt: true } })).toThrow(MalformedRecordError);
    expect(() => map('leases', { ...rt, Lease: { ...rt.Lease, LeaseFromDate: '31/12/2024' } })).toThrow(
      /LeaseFromDate/,
    );
    expect(() => map('leases', { ...rt, Lease: { ...rt.Lease, CurrentRent: 'call office' } })).toThrow(/CurrentRent/);
    expect(() => map('residents', { ...person, CustomerID: '' })).toThrow(/CustomerID/);
    expect(() => map('residents', { ...person, Customer: '' })).toThrow(MalformedRecordError);
    expect(() => map('units', { UnitID: '101', YardiPropertyId: 'hill01', UnitBathrooms: 'two' })).toThrow(
      /UnitBathrooms/,
    );
    expect(() => map('units', { UnitID: '101' })).toThrow(/YardiPropertyId/);
    expect(() => map('properties', { MarketingName: 'No code' })).toThrow(/Code/);
    expect(() => map('properties', 'text')).toThrow(MalformedRecordError);
    expect(yardiAdapter.vendorId('leases', { ...rt, Lease: 'bad' })).toBe('t0000101');
    expect(yardiAdapter.vendorId('residents', { ...person, CustomerIndex: 2 })).toBe('t0000101:2');
    expect(yardiAdapter.vendorId('units', { UnitID: '7', YardiPropertyId: 'p1' })).toBe('p1:7');
    expect(yardiAdapter.vendorId('leases', { Lease: {} })).toBeNull();
  });

  it('maps every Customer Type of the contract deliberately: three kinds of resident, and applicants left out', async () => {
    const [[rt]] = (await raws('leases')) as any[][];
    const [[person]] = (await raws('residents')) as any[][];
    const reported: string[] = [];
    const context: MappingContext = { ...ctx, unknownValue: (field, value) => reported.push(`${field} ${value}`) };
    const withType = (type: string) => ({
      ...rt,
      Customers: { Customer: [{ ...rt.Customers.Customer[0], '@Type': type }] },
    });
    const status: Record<string, string> = {
      'current resident': 'ACTIVE',
      'future resident': 'PENDING',
      'former resident': 'INACTIVE',
    };
    for (const [type, normalized] of Object.entries(status)) {
      expect(yardiAdapter.map('leases', withType(type), context)!.values.status_normalized).toBe(normalized);
      expect(yardiAdapter.map('leases', withType(type.toUpperCase()), context)!.values.status_normalized).toBe(
        normalized,
      );
      expect(
        yardiAdapter.map('residents', { ...person, Customer: { ...person.Customer, '@Type': type } }, context),
      ).not.toBeNull();
    }
    expect(yardiAdapter.map('leases', withType('applicant'), context)).toBeNull();
    expect(
      yardiAdapter.map('residents', { ...person, Customer: { ...person.Customer, '@Type': 'Applicant' } }, context),
    ).toBeNull();
    expect(reported).toEqual([]);
  });

  it('keeps a household with an applicant among residents a lease, without a link to the applicant', async () => {
    const [[rt]] = (await raws('leases')) as any[][];
    const [first, second] = rt.Customers.Customer;
    const mixed = {
      ...rt,
      Customers: {
        Customer: [
          { ...first, '@Type': 'applicant' },
          { ...second, '@Type': 'current resident' },
        ],
      },
    };
    const lease = toCanonicalRecord('leases', yardiAdapter.map('leases', mixed, ctx)!, ctx);
    expect(lease.values).toMatchObject({
      x_resident_id: 't0000101:2',
      status_raw: 'current resident',
      status_normalized: 'ACTIVE',
    });
    expect(lease.links!.map((l) => [l.values.x_resident_id, l.values.resident_type_normalized])).toEqual([
      ['t0000101:2', 'PRIMARY'],
    ]);
  });

  it('reports phone types and occupancy statuses no table knows, as the vendor spelt them', () => {
    const reported: Array<[string, string, string | null]> = [];
    const context: MappingContext = {
      ...ctx,
      unknownValue: (field, value, mappedTo) => reported.push([field, value, mappedTo]),
    };
    const person = {
      YardiPropertyId: 'p1',
      CustomerID: 't1',
      CustomerIndex: 1,
      Customer: {
        '@Type': 'current resident',
        Phone: [
          { '@PhoneType': 'Pager', PhoneNumber: '5550100000' },
          { '@PhoneType': 'CELL', PhoneNumber: '5550100001' },
        ],
      },
    };
    expect(
      toCanonicalRecord('residents', yardiAdapter.map('residents', person, context)!, context).values,
    ).toMatchObject({ phone_1_type: 'OTHER', phone_2_type: 'MOBILE' });
    expect(
      toCanonicalRecord(
        'units',
        yardiAdapter.map('units', { UnitID: '1', YardiPropertyId: 'p1', UnitOccpStatus: 'Model Unit' }, context)!,
        context,
      ).values.is_vacant,
    ).toBeNull();
    expect(reported).toEqual([
      ['phone_1_type', 'Pager', 'OTHER'],
      ['is_vacant', 'Model Unit', null],
    ]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import type { EntrataModel } from '../../src/fetch/entrata/entrata.facts';
import { recordId } from '../../src/platform/common/ids';
import { toCanonicalRecord, type CanonicalRecord, type MappingContext } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import type { ReportedRateLimits } from '../../src/fetch/adapter/vendor-adapter';
import {
  VendorAccessDeniedError,
  VendorAuthError,
  VendorRequestError,
  VendorThrottledError,
  type VendorHttp,
  type VendorRequest,
  type VendorResponse,
} from '../../src/fetch/adapter/vendor-http';
import { entrataAdapter } from '../../src/fetch/entrata/entrata.adapter';
import { entrataDate } from '../../src/fetch/entrata/entrata.quirks';

const FIXTURES = path.resolve(__dirname, '../fixtures/entrata');
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
};
const ref = (model: EntrataModel, xId: string) => recordId('int_1', model, xId);

/** Recorded pages answered by service (and propertyId), through the adapter's own inspect. */
function replayHttp(
  answer: (service: string, params: any) => unknown = (service, params) =>
    fixture(params.propertyId ? `${service}-${params.propertyId}` : service),
) {
  const calls: Array<{ service: string; body: any }> = [];
  const http = {
    async post(
      p: string,
      body: any,
      extra: Omit<VendorRequest, 'method' | 'path' | 'body'> = {},
    ): Promise<VendorResponse> {
      const service = p.replace(/^\//, '');
      calls.push({ service, body });
      const response = {
        status: 200,
        headers: { 'x-ratelimit-limit-minute': '150', 'x-ratelimit-remaining-minute': '149' },
        data: answer(service, body.method.params),
      };
      extra.inspect?.(response);
      return response;
    },
  };
  return { http: http as unknown as VendorHttp, calls };
}

/** The canonical records of a model as a sync gets them; those the mapping leaves out (applicants) are not there. */
async function sync(
  model: EntrataModel,
  http: VendorHttp,
  reported: ReportedRateLimits[] = [],
  context = ctx,
): Promise<CanonicalRecord[]> {
  const client = entrataAdapter.client(
    { apiKey: 'k', companyId: 'acme' },
    {
      baseUrl: 'https://acme.entrata.com/api/v1',
      connect: () => http,
      report: { rateLimits: (l) => reported.push(l) },
    },
  );
  const records: CanonicalRecord[] = [];
  for await (const page of client.listPages(model)) {
    for (const raw of page.records) {
      const mapped = entrataAdapter.map(model, raw, context);
      if (mapped) records.push(toCanonicalRecord(model, mapped, context));
    }
  }
  return records;
}
/** A context that records what the mapping reports as unknown. */
function reportingContext() {
  const reported: Array<[string, string, string | null]> = [];
  return {
    reported,
    ctx: {
      ...ctx,
      unknownValue: (field: string, value: string, mappedTo: string | null) => reported.push([field, value, mappedTo]),
    } as MappingContext,
  };
}
const byXId = (records: CanonicalRecord[]) => Object.fromEntries(records.map((r) => [r.x_id, r]));

describe('Entrata contract: recorded pages through the client and the mapping', () => {
  it('maps properties: PascalCase, @attributes on the address, disabled flag, type table with the raw value kept', async () => {
    const { reported, ctx: reporting } = reportingContext();
    const p = byXId(await sync('properties', replayHttp().http, [], reporting));
    expect(reported).toEqual([['type_normalized', 'Cooperative', 'OTHER']]);
    expect(Object.keys(p)).toEqual(['100001', '100002']);
    expect(p['100001'].values).toMatchObject({
      property_id: ref('properties', '100001'),
      x_property_id: '100001',
      name: 'Aspen Ridge Apartments',
      is_active: true,
      address_1: '1200 Pearl St',
      street_address_1: '1200 Pearl St',
      city: 'Boulder',
      state: 'CO',
      zip: '80302',
      type: 'Apartment',
      type_raw: 'Apartment',
      type_normalized: 'MULTI_FAMILY',
    });
    expect(p['100002'].values).toMatchObject({ is_active: false, type_raw: 'Cooperative', type_normalized: 'OTHER' });
  });

  it('maps units from every property of getPropertyUnits, a one-unit property collapsed to an object included', async () => {
    const { http, calls } = replayHttp();
    const u = byXId(await sync('units', http));
    expect(calls.map((c) => [c.service, c.body.method.name, c.body.method.params])).toEqual([
      ['properties', 'getProperties', {}],
      ['propertyunits', 'getPropertyUnits', { propertyIds: '100001,100002' }],
    ]);
    expect(calls[1].body).toMatchObject({ auth: { type: 'apikey' }, method: { version: 'r1' } });
    expect(u['2000001'].values).toMatchObject({
      x_property_id: '100001',
      property_id: ref('properties', '100001'),
      number: '101',
      x_unit_type_id: '702',
      bedrooms: '2',
      bathrooms: '1.5',
      bathrooms_full: 1,
      bathrooms_half: 1,
      square_feet: 910,
      rent_amount_market_in_cents: 145000,
      is_vacant: false,
    });
    expect(u['2000002'].values).toMatchObject({
      bedrooms: '0',
      bathrooms: '1',
      bathrooms_full: 1,
      bathrooms_half: 0,
      rent_amount_market_in_cents: 99550,
      is_vacant: true,
    });
    expect(u['2000003'].values).toMatchObject({
      x_property_id: '100002',
      number: 'PH-1',
      rent_amount_market_in_cents: 320000,
      x_unit_type_id: null,
      is_vacant: true,
    });
  });

  it('maps leases per property: one lease as an object, statuses, Mountain-time notice, move dates, customer links', async () => {
    const { http, calls } = replayHttp();
    const { reported, ctx: reporting } = reportingContext();
    const l = byXId(await sync('leases', http, [], reporting));
    // Values no table knows are reported, field by field.
    expect(reported).toEqual([
      ['status_normalized', 'Month To Month', 'OTHER'],
      ['resident_type_normalized', 'Co-Signer', 'OTHER'],
    ]);
    expect(calls.filter((c) => c.service === 'leases').map((c) => c.body.method.params)).toEqual([
      { propertyId: '100001', leaseStatusTypeIds: '1,2,3,4,5,6', pageNo: 1, perPageCount: 1000 },
      { propertyId: '100002', leaseStatusTypeIds: '1,2,3,4,5,6', pageNo: 1, perPageCount: 1000 },
    ]);
    const notice = l['3000001'];
    expect(notice.values).toMatchObject({
      x_property_id: '100001',
      property_id: ref('properties', '100001'),
      x_unit_id: '2000001',
      unit_id: ref('units', '2000001'),
      x_resident_id: '4000001',
      status: 'Notice',
      status_raw: 'Notice',
      status_normalized: 'ACTIVE',
      rent_amount_in_cents: 145000,
      start_date: '2024-07-01T00:00:00.000Z',
      end_date: '2025-06-30T00:00:00.000Z',
      realized_move_in_date: '2024-07-01T00:00:00.000Z',
      scheduled_move_in_date: null,
      scheduled_move_out_date: '2025-06-30T00:00:00.000Z',
      realized_move_out_date: null,
    });
    expect(notice.links!.map((k) => k.values)).toEqual([
      expect.objectContaining({
        resident_id: ref('residents', '4000001'),
        lease_id: notice.id,
        x_resident_type: 'Primary',
        resident_type_normalized: 'PRIMARY',
        move_in_date: '2024-07-01T00:00:00.000Z',
        move_out_date: '2025-06-30T00:00:00.000Z',
        notice_date: '2025-05-01T15:15:00.000Z',
      }),
      expect.objectContaining({
        resident_id: ref('residents', '4000002'),
        x_resident_type: 'Guarantor',
        resident_type_normalized: 'GUARANTOR',
      }),
    ]);
    expect(l['3000002'].values).toMatchObject({
      status_normalized: 'PENDING',
      scheduled_move_in_date: '2027-01-15T00:00:00.000Z',
      realized_move_in_date: null,
      rent_amount_in_cents: 320000,
      x_resident_id: '4000003',
    });
    expect(l['3000002'].links!.map((k) => k.values.resident_id)).toEqual([ref('residents', '4000003')]);
    // An unknown status is OTHER with the raw value kept; 01:30 on the autumn change is the first (daylight) one.
    expect(l['3000003'].values).toMatchObject({
      status_raw: 'Month To Month',
      status_normalized: 'OTHER',
      x_unit_id: null,
      unit_id: null,
      rent_amount_in_cents: 0,
    });
    expect(l['3000003'].links![0].values).toMatchObject({
      x_resident_type: 'Co-Signer',
      resident_type_normalized: 'OTHER',
      notice_date: '2024-11-03T07:30:00.000Z',
    });
  });

  it('maps customers: @attributes Id, one phone as an object, lower-case email, MM/DD/YYYY birthday, lease and property', async () => {
    const { http, calls } = replayHttp();
    const r = byXId(await sync('residents', http));
    // Each property's leases (which tell applicants apart), then its customers, with the contract's params only.
    expect(calls.map((c) => [c.service, c.body.method.params])).toEqual([
      ['properties', {}],
      ['leases', { propertyId: '100001', leaseStatusTypeIds: '1,2,3,4,5,6', pageNo: 1, perPageCount: 1000 }],
      ['customers', { propertyId: '100001', pageNo: 1, perPageCount: 1000 }],
      ['leases', { propertyId: '100002', leaseStatusTypeIds: '1,2,3,4,5,6', pageNo: 1, perPageCount: 1000 }],
      ['customers', { propertyId: '100002', pageNo: 1, perPageCount: 1000 }],
    ]);
    expect(Object.keys(r).sort()).toEqual(['4000001', '4000002', '4000003']);
    expect(r['4000001'].values).toMatchObject({
      first_name: 'Ana',
      middle_name: 'L',
      last_name: 'Reyes',
      email_1: 'ana.reyes@example.com',
      phone_1: '7205550101',
      phone_1_type: 'MOBILE',
      phone_2: '3035550199',
      phone_2_type: 'WORK',
      address_1: '1200 Pearl St Apt 101',
      date_of_birth: '1988-02-29T00:00:00.000Z',
      x_lease_id: '3000001',
      x_property_id: '100001',
      property_id: ref('properties', '100001'),
    });
    expect(r['4000002'].values).toMatchObject({
      phone_1: '7205550102',
      phone_1_type: 'OTHER',
      phone_2: null,
      x_lease_id: '3000001',
      date_of_birth: null,
    });
    expect(r['4000003'].values).toMatchObject({
      first_name: 'Zoë',
      last_name: "O'Brien",
      email_1: null,
      x_property_id: '100002',
      x_lease_id: '3000002',
    });
  });

  it('maps every leaseIntervalStatus the table knows deliberately (the contract names none); an Applicant interval is an application, not a lease', () => {
    const lease = { ...fixture('leases-100001').response.result.leases.lease, propertyId: '100001' };
    const { reported, ctx: reporting } = reportingContext();
    const status: Record<string, string | null> = {
      Cancelled: 'INACTIVE',
      Applicant: null,
      Future: 'PENDING',
      Current: 'ACTIVE',
      Notice: 'ACTIVE',
      Past: 'INACTIVE',
    };
    for (const [leaseIntervalStatus, normalized] of Object.entries(status)) {
      const mapped = entrataAdapter.map('leases', { ...lease, leaseIntervalStatus }, reporting);
      expect([
        leaseIntervalStatus,
        mapped === null ? null : toCanonicalRecord('leases', mapped, reporting).values.status_normalized,
      ]).toEqual([leaseIntervalStatus, normalized]);
    }
    expect(reported).toEqual([]);
  });

  it("leaves out of residents the customers whose leases are Applicant intervals only, by their LeaseId or by the applications' customer lists", async () => {
    const lease = fixture('leases-100001').response.result.leases.lease;
    const customers = fixture('customers-100001').response.result.Customers.Customer as any[];
    // 3000009 and 3000010 are applications. Priya is on 3000009 by both LeaseId and its list; Ana (on lease 3000001) is
    // on its list too; Kofi's LeaseId is 3000010, which lists nobody; Lena names no lease and 3000009 lists her.
    const applications = [
      {
        '@attributes': { id: '3000009' },
        leaseIntervalStatus: 'Applicant',
        customers: {
          customer: [
            { id: 4000009, customerType: 'Primary' },
            { id: 4000001, customerType: 'Responsible' },
            { id: 4000011, customerType: 'Responsible' },
          ],
        },
      },
      { id: '3000010', leaseIntervalStatus: ' Applicant ', customers: '' },
    ];
    const applicants = [
      { '@attributes': { Id: '4000009' }, FirstName: 'Priya', LastName: 'Raman', LeaseId: 3000009 },
      { '@attributes': { Id: '4000010' }, FirstName: 'Kofi', LastName: 'Mensah', LeaseId: '3000010' },
      { '@attributes': { Id: '4000011' }, FirstName: 'Lena', LastName: 'Berg' },
    ];
    const answer = (result: object) => ({ response: { requestId: '1', code: 200, result } });
    const { http } = replayHttp((service, params) => {
      if (params.propertyId !== '100001')
        return fixture(params.propertyId ? `${service}-${params.propertyId}` : service);
      return service === 'leases'
        ? answer({ leases: { lease: [lease, ...applications] } })
        : answer({ Customers: { Customer: [...customers, ...applicants] } });
    });
    const client = entrataAdapter.client(
      { apiKey: 'k', companyId: 'acme' },
      { baseUrl: 'https://acme.entrata.com/api/v1', connect: () => http, report: { rateLimits: () => undefined } },
    );
    const listed: any[] = [];
    for await (const page of client.listPages('residents')) listed.push(...page.records);
    expect(listed.filter((c) => c.applicantOnly === true).map((c) => c.Id)).toEqual(['4000009', '4000010', '4000011']);
    const residents = listed
      .map((raw) => entrataAdapter.map('residents', raw, ctx))
      .filter((m) => m !== null)
      .map((m) => m.x_id);
    expect(residents.sort()).toEqual(['4000001', '4000002', '4000003']);
    // Without the applications, the same customers are all residents: nothing but the leases tells them apart.
    const plain = replayHttp((service, params) =>
      params.propertyId === '100001' && service === 'customers'
        ? answer({ Customers: { Customer: [...customers, ...applicants] } })
        : fixture(params.propertyId ? `${service}-${params.propertyId}` : service),
    );
    expect((await sync('residents', plain.http)).map((r) => r.x_id).sort()).toEqual([
      '4000001',
      '4000002',
      '4000003',
      '4000009',
      '4000010',
      '4000011',
    ]);
  });

  it('a resident whose LeaseId is an application names no lease by it (the lease listing it has the link)', async () => {
    const lease = fixture('leases-100001').response.result.leases.lease;
    // Ana (4000001) and Ben (4000002) are on lease 3000001's list; Ben's LeaseId is the application 3000010.
    const customers = (fixture('customers-100001').response.result.Customers.Customer as any[]).map((c) =>
      c['@attributes']?.Id === '4000002' ? { ...c, LeaseId: '3000010' } : c,
    );
    const answer = (result: object) => ({ response: { requestId: '1', code: 200, result } });
    const { http } = replayHttp((service, params) => {
      if (params.propertyId !== '100001')
        return fixture(params.propertyId ? `${service}-${params.propertyId}` : service);
      return service === 'leases'
        ? answer({ leases: { lease: [lease, { id: '3000010', leaseIntervalStatus: 'Applicant', customers: '' }] } })
        : answer({ Customers: { Customer: customers } });
    });
    const client = entrataAdapter.client(
      { apiKey: 'k', companyId: 'acme' },
      { baseUrl: 'https://acme.entrata.com/api/v1', connect: () => http, report: { rateLimits: () => undefined } },
    );
    const mapped = new Map<string, any>();
    for await (const page of client.listPages('residents')) {
      for (const raw of page.records) {
        const m = entrataAdapter.map('residents', raw, ctx);
        if (m) mapped.set(m.x_id, m);
      }
    }
    // Ben is a resident (a lease lists him), so his record ends none of his links and names none by the application.
    expect([
      mapped.get('4000001').linkedTo,
      mapped.get('4000002').linkedTo,
      mapped.get('4000002').values.x_lease_id,
    ]).toEqual([['3000001'], undefined, '3000010']);
  });

  it('reports the X-RateLimit-* headers of every answer, per service and method', async () => {
    const reported: ReportedRateLimits[] = [];
    await sync('units', replayHttp().http, reported);
    expect(reported).toEqual([
      {
        api: 'properties/getProperties',
        minute_limit: 150,
        minute_remaining: 149,
        hour_limit: null,
        hour_remaining: null,
        day_limit: null,
        day_remaining: null,
      },
      {
        api: 'propertyunits/getPropertyUnits',
        minute_limit: 150,
        minute_remaining: 149,
        hour_limit: null,
        hour_remaining: null,
        day_limit: null,
        day_remaining: null,
      },
    ]);
  });

  it('turns error bodies inside HTTP 200 into the matching errors', async () => {
    const failing = (code: number, message = 'no') =>
      replayHttp(() => ({ response: { requestId: '1', error: { code, message } } })).http;
    await expect(sync('properties', failing(301))).rejects.toBeInstanceOf(VendorAuthError);
    await expect(sync('properties', failing(429))).rejects.toBeInstanceOf(VendorThrottledError);
    const denied = await sync(
      'leases',
      replayHttp((service, params) =>
        service === 'leases'
          ? fixture('error-304')
          : fixture(params.propertyId ? `${service}-${params.propertyId}` : service),
      ).http,
    ).catch((e) => e);
    expect(denied).toBeInstanceOf(VendorAccessDeniedError);
    expect(denied).toMatchObject({ status: 304, retryable: false });
    expect(denied.message).toContain('Access to getLeases is not permitted for this API key.');
    expect(await sync('properties', failing(500)).catch((e) => e)).toMatchObject({ status: 500, retryable: true });
    expect(await sync('properties', failing(400)).catch((e) => e)).toMatchObject({ status: 400, retryable: false });
    expect(await sync('properties', replayHttp(() => '<html>gateway</html>').http).catch((e) => e)).toBeInstanceOf(
      VendorRequestError,
    );
  });

  it('rejects malformed records with a reason instead of guessing', () => {
    const [customer] = fixture('customers-100001').response.result.Customers.Customer;
    const lease = fixture('leases-100001').response.result.leases.lease;
    const canonical = (model: EntrataModel, raw: unknown) =>
      toCanonicalRecord(model, entrataAdapter.map(model, raw, ctx)!, ctx);
    expect(canonical('residents', { ...customer, propertyId: '100001' }).x_id).toBe('4000001'); // as sent, @attributes and all
    // The property is the one getCustomers was asked for: a customer listed under none cannot be placed.
    expect(() => canonical('residents', customer)).toThrow(/propertyId/);
    expect(() => canonical('residents', { ...customer, propertyId: '100001', '@attributes': {} })).toThrow(
      MalformedRecordError,
    );
    expect(() => canonical('residents', { ...customer, propertyId: '100001', DateOfBirth: '31/12/1980' })).toThrow(
      /DateOfBirth/,
    );
    expect(() => canonical('residents', { ...customer, propertyId: '100001', Email: { nested: true } })).toThrow(
      MalformedRecordError,
    );
    expect(() => canonical('leases', { ...lease, propertyId: '100001', rent: 'lots' })).toThrow(/rent/);
    expect(() => canonical('leases', lease)).toThrow(/propertyId/); // the client adds the property it listed the lease under
    expect(() => canonical('units', { id: '1', propertyId: '2', squareFeet: '910.5' })).toThrow(/squareFeet/);
    expect(() => canonical('units', { id: '1', propertyId: '2', isVacant: 'maybe' })).toThrow(/isVacant/);
    expect(() => canonical('properties', 'PropertyID')).toThrow(MalformedRecordError);
    expect(entrataAdapter.vendorId('residents', customer)).toBe('4000001');
    expect(entrataAdapter.vendorId('residents', { Id: { corrupt: true } })).toBeNull();
  });
});

describe('Entrata dates: MM/DD/YYYY days, and times in US Mountain time converted to UTC across DST', () => {
  it.each([
    ['07/04/2024', '2024-07-04T00:00:00.000Z'],
    ['2024-07-04', '2024-07-04T00:00:00.000Z'],
    ['01/15/2024 09:30:00', '2024-01-15T16:30:00.000Z'], // MST, UTC-7
    ['07/15/2024 09:30', '2024-07-15T15:30:00.000Z'], // MDT, UTC-6
    ['03/10/2024 01:30:00', '2024-03-10T08:30:00.000Z'], // just before the spring change
    ['03/10/2024 03:30:00', '2024-03-10T09:30:00.000Z'], // just after it
    ['11/03/2024 01:30:00', '2024-11-03T07:30:00.000Z'], // the repeated hour: its first, daylight occurrence
    ['11/03/2024 02:30:00', '2024-11-03T09:30:00.000Z'],
    ['12/31/2024 11:59:59 PM', '2025-01-01T06:59:59.000Z'],
    ['12/31/2024 12:05 AM', '2024-12-31T07:05:00.000Z'],
    ['2024-07-15T09:30:00', '2024-07-15T15:30:00.000Z'],
  ])('%s -> %s', (value, instant) => {
    expect(entrataDate(value, 'd')).toBe(instant);
  });

  it.each(['02/30/2024', '13/01/2024', '2024/01/01', '07/04/2024 25:00', '07/04/2024 13:00 PM', 'yesterday'])(
    'rejects %s',
    (value) => {
      expect(() => entrataDate(value, 'd')).toThrow(MalformedRecordError);
    },
  );
});

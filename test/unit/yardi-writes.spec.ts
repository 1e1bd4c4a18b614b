import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { VendorAccessDeniedError, VendorHttp, VendorOutcomeUnknownError } from '../../src/fetch/adapter/vendor-http';
import { writeSupport, type VendorClient } from '../../src/fetch/adapter/vendor-adapter';
import { yardiAdapter } from '../../src/fetch/yardi/yardi.adapter';
import {
  applicationDocument,
  moneyText,
  RECEIPT_TYPE,
  residentDocument,
  serviceRequestDocument,
  transactionDocument,
} from '../../src/fetch/yardi/yardi.writes';
import type { YardiModel } from '../../src/fetch/yardi/yardi.facts';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import { startYardiSandboxServer, YARDI_SANDBOX_CREDENTIALS } from '../../src/sandbox/yardi/yardi-sandbox';
import {
  FOREIGN_YARDI_CREDENTIALS,
  startForeignYardiServer,
  type ForeignYardiServer,
} from '../support/foreign-yardi-server';

const guard = new OutboundGuard(['127.0.0.0/8']);
const NS = 'http://tempuri.org/YSI.Interfaces.WebServices';
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

/** The adapter's own client (the writer inside it) against a server, with the sync's HTTP. */
function clientFor(url: string, credentials: object): VendorClient<YardiModel> {
  return yardiAdapter.client(credentials as never, {
    baseUrl: url,
    connect: (headers) =>
      new VendorHttp({
        baseUrl: url,
        headers,
        guard,
        throttleBackoffMs: 1,
        maxAttempts: 4,
        timeoutMs: 2000,
        sleep: async () => undefined,
      }),
    report: { rateLimits: () => undefined },
  });
}

describe('Yardi write documents (docs/vendors/yardi.md, Writes)', () => {
  it('UpdateResidentData: <ResidentData><Resident> with only the elements given, phone types as Yardi spells them', () => {
    const doc = residentDocument('oakr', 'r000001:2', {
      first_name: 'Tomás & Co',
      email_1: 'tomas@example.com',
      phone_1: '2085550199',
      phone_1_type: 'MOBILE',
    });
    expect(doc).toBe(
      '<ResidentData><Resident><PropertyCode>oakr</PropertyCode><TenantCode>r000001:2</TenantCode>' +
        '<FirstName>Tomás &amp; Co</FirstName><Email>tomas@example.com</Email>' +
        '<Phone PhoneType="cell"><PhoneNumber>2085550199</PhoneNumber></Phone></Resident></ResidentData>',
    );
    for (const [canonical, yardi] of [
      ['HOME', 'home'],
      ['WORK', 'work'],
      ['MOBILE', 'cell'],
      ['FAX', 'fax'],
    ])
      expect(residentDocument('p', 't', { phone_1: '1', phone_1_type: canonical })).toContain(
        `<Phone PhoneType="${yardi}">`,
      );
    expect(residentDocument('p', 't', { last_name: 'Lee' })).toBe(
      '<ResidentData><Resident><PropertyCode>p</PropertyCode><TenantCode>t</TenantCode><LastName>Lee</LastName></Resident></ResidentData>',
    );
  });

  it('ImportApplication_Login: a new applicant as the contract draws the document, ISO dates and decimal rent', () => {
    const doc = applicationDocument(
      {
        first_name: 'Ngozi',
        last_name: 'Adeyemi',
        email_1: 'ngozi@example.com',
        phone_1: '2085550111',
        phone_1_type: 'HOME',
        start_date: '2027-01-01',
        end_date: '2027-12-31T00:00:00.000Z',
        scheduled_move_in_date: '2026-12-30T00:00:00Z',
        rent_amount_in_cents: 215050,
      },
      'A-2',
    );
    expect(doc).toBe(
      '<LeadManagement><Prospects><Prospect><Customers><Customer Type="applicant">' +
        '<Name><FirstName>Ngozi</FirstName><LastName>Adeyemi</LastName></Name>' +
        '<Address><Email>ngozi@example.com</Email></Address>' +
        '<Phone PhoneType="home"><PhoneNumber>2085550111</PhoneNumber></Phone></Customer></Customers>' +
        '<CustomerPreferences><DesiredUnit><UnitID>A-2</UnitID></DesiredUnit>' +
        '<TargetMoveInDate>2026-12-30</TargetMoveInDate><DesiredRent>2150.50</DesiredRent></CustomerPreferences>' +
        '<Lease><LeaseFromDate>2027-01-01</LeaseFromDate><LeaseToDate>2027-12-31</LeaseToDate></Lease>' +
        '</Prospect></Prospects></LeadManagement>',
    );
  });

  it('an application update names its household by CustomerID and sends only what changes (no Customer Type)', () => {
    expect(applicationDocument({ rent_amount_in_cents: 99900 }, undefined, 'r000003')).toBe(
      '<LeadManagement><Prospects><Prospect><CustomerID>r000003</CustomerID>' +
        '<CustomerPreferences><DesiredRent>999.00</DesiredRent></CustomerPreferences></Prospect></Prospects></LeadManagement>',
    );
    expect(applicationDocument({ last_name: 'Chen-Ito' }, undefined, 'r000003')).toContain(
      '<Customers><Customer><Name><LastName>Chen-Ito</LastName></Name></Customer></Customers>',
    );
  });

  it('writes what the support matrix says and nothing else', () => {
    const support = (model: YardiModel, op: 'create' | 'update') => writeSupport(yardiAdapter, model, op);
    expect(support('residents', 'update')).toMatchObject({ supported: true });
    expect(support('leases', 'create')).toMatchObject({
      supported: true,
      fields: { required: ['property_id', 'unit_id', 'first_name', 'last_name'] },
    });
    expect(support('leases', 'update')).toMatchObject({ supported: true });
    for (const [model, op] of [
      ['residents', 'create'],
      ['properties', 'create'],
      ['properties', 'update'],
      ['units', 'create'],
      ['units', 'update'],
    ] as const)
      expect(support(model, op)).toEqual({ supported: false, reason: 'vendor' });
    // models.md §3: YARDI service requests C id, U; charges and payments C no id (the spec has no update of them).
    expect(support('service_requests', 'create')).toMatchObject({
      supported: true,
      fields: { required: ['property_id', 'service_description'] },
    });
    expect(support('service_requests', 'update')).toMatchObject({ supported: true });
    expect(support('resident_charges', 'create')).toMatchObject({ supported: true });
    expect(support('resident_payments', 'create')).toMatchObject({ supported: true });
    expect(support('resident_charges', 'update')).toEqual({ supported: false, reason: 'model' });
  });

  it("CreateOrEditServiceRequests: a new request in the contract's elements, status Call by default; an update names its id and sends only what changes", () => {
    const parse = (xml: string) => new XMLParser({ parseTagValue: false }).parse(xml).ServiceRequests.ServiceRequest;
    expect(
      parse(
        serviceRequestDocument(
          {
            property_id: 'p0001',
            unit_id: 'p0001:104',
            resident_id: 't0000007:2',
            service_description: 'Leak & drip',
            service_details: 'Under <sink>',
            notes: 'Twice',
            vendor_notes: 'Washer',
            service_category: 'Plumbing',
            service_priority: 'High',
            access_is_authorized: false,
            access_notes: 'Dog',
            reported_by: 'Pat',
            phone_1: '5035550101',
            date_created: '2026-12-05T10:11:12.000Z',
          },
          'p0001',
          '104',
        ),
      ),
    ).toEqual({
      PropertyCode: 'p0001',
      UnitCode: '104',
      TenantCode: 't0000007',
      ServiceRequestBriefDescription: 'Leak & drip',
      ServiceRequestFullDescription: 'Under <sink>',
      ProblemDescriptionNotes: 'Twice',
      TechnicianNotes: 'Washer',
      Category: 'Plumbing',
      Priority: 'High',
      HasPermissionToEnter: 'false',
      AccessNotes: 'Dog',
      RequestorName: 'Pat',
      RequestorPhoneNumber: '5035550101',
      ServiceRequestDate: '2026-12-05T10:11:12',
      CurrentStatus: 'Call',
    });
    expect(parse(serviceRequestDocument({ status_raw: 'Work Completed' }, 'p0001', undefined, '4012'))).toEqual({
      ServiceRequestId: '4012',
      CurrentStatus: 'Work Completed',
    });
  });

  it('ImportCharge_Login / ImportReceipt_Login: one Detail of the household, exact money, MM/DD/YYYY, every payment type mapped', () => {
    const parse = (xml: string) =>
      new XMLParser({ parseTagValue: false, ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml)
        .ResidentTransactions.Property.RT_Customer.RTServiceTransactions.Transactions;
    const charge = parse(
      transactionDocument(
        'Charge',
        {
          resident_id: 't0000007:3',
          charge_code_id: 'util',
          financial_account_id: '4410-0000',
          amount_in_cents: 123456789012,
          transaction_date: '2026-12-05T00:00:00Z',
          post_month: '2026-12',
          description: 'Water',
          reference_number: 'R-1',
        },
        'p0001',
      ),
    );
    expect(charge).toEqual({
      Charge: {
        Detail: {
          Description: 'Water',
          TransactionDate: '12/05/2026',
          ChargeCode: 'util',
          GLAccountNumber: '4410-0000',
          CustomerID: 't0000007',
          Amount: '1234567890.12',
          Comment: 'R-1',
          PropertyPrimaryID: 'p0001',
          PostMonth: '12/2026',
        },
      },
    });
    const payment = (payment_type: string, amount_in_cents = 30) =>
      parse(
        transactionDocument(
          'Payment',
          { resident_id: 't0000007', amount_in_cents, transaction_date: '2026-01-02', payment_type, notes: 'n' },
          'p0001',
        ),
      ).Payment;
    expect(payment('Cash')).toEqual({
      '@Type': 'Cash',
      Detail: {
        TransactionDate: '01/02/2026',
        CustomerID: 't0000007',
        Amount: '0.30',
        Comment: 'n',
        PropertyPrimaryID: 'p0001',
      },
    });
    // The vendor file's table, value by value (the spec's payment_type enum).
    expect(Object.fromEntries(Object.keys(RECEIPT_TYPE).map((type) => [type, payment(type)['@Type']]))).toEqual({
      ACH: 'ACH',
      eCheck: 'ACH',
      Cash: 'Cash',
      Check: 'Check',
      'Cashiers Check': 'Check',
      'Credit Card': 'CreditCard',
      'Debit Card': 'DebitCard',
      'Money Order': 'MoneyOrder',
    });
    expect([0, 1, 10, 100, 12345, -5, -12345, 900719925474099].map(moneyText)).toEqual([
      '0.00',
      '0.01',
      '0.10',
      '1.00',
      '123.45',
      '-0.05',
      '-123.45',
      '9007199254740.99',
    ]);
  });

  it('refuses before any job what Yardi cannot take: a payment type off its table, a receipt of no amount, a phone that is not digits', () => {
    const checks = (model: YardiModel, op: 'create' | 'update') =>
      (writeSupport(yardiAdapter, model, op) as { fields: { checks: Record<string, (v: unknown) => string | null> } })
        .fields.checks;
    expect(checks('resident_payments', 'create').payment_type('Wire')).toMatch(/payment_type/);
    expect(checks('resident_payments', 'create').payment_type('Money Order')).toBeNull();
    expect(checks('resident_payments', 'create').amount_in_cents(0)).toMatch(/positive/);
    expect(checks('resident_payments', 'create').amount_in_cents(1)).toBeNull();
    expect(checks('service_requests', 'update').phone_1('(503) 555-0101')).toMatch(/digits/);
    expect(checks('service_requests', 'create').phone_1('5035550101')).toBeNull();
  });
});

describe('Yardi writer: the SOAP call', () => {
  let server: http.Server;
  let url: string;
  const seen: Array<{ path: string; action: string; body: string }> = [];
  let replies: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ path: req.url!, action: String(req.headers.soapaction), body });
        res.writeHead(200, { 'content-type': 'text/xml' }).end(replies.shift());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const answer = (method: string, iface: string, result: string) =>
    `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${method}Response xmlns="${NS}/${iface}"><${method}Result>${result}</${method}Result></${method}Response></soap:Body></soap:Envelope>`;

  it('posts ImportApplication_Login to the ILS/Guest Card interface: its SOAPAction and namespace, the credentials, YardiPropertyId, the document as escaped text; answers the CustomerID', async () => {
    seen.length = 0;
    replies = [
      answer(
        'ImportApplication_Login',
        'ItfILSGuestCard',
        '<Messages><Message messageType="Info">Application imported</Message></Messages><CustomerID>p0000042</CustomerID>',
      ),
    ];
    const client = clientFor(url, YARDI_SANDBOX_CREDENTIALS);
    const result = await client.writer!.write({
      model: 'leases',
      operation: 'create',
      fields: { property_id: 'p1', unit_id: 'p1:101', first_name: 'Ana', last_name: 'Lima' },
    });
    expect(result).toEqual({ xId: 'p0000042' });
    expect(seen).toHaveLength(1);
    expect(seen[0].path).toBe('/Webservices/ItfILSGuestCard.asmx');
    expect(seen[0].action).toBe(`"${NS}/ItfILSGuestCard/ImportApplication_Login"`);
    expect(seen[0].body).toContain(`<ImportApplication_Login xmlns="${NS}/ItfILSGuestCard">`);
    expect(seen[0].body).toContain('&lt;LeadManagement&gt;');
    const call = parser.parse(seen[0].body)['soap:Envelope']['soap:Body'].ImportApplication_Login;
    const c = YARDI_SANDBOX_CREDENTIALS;
    expect(Object.keys(call).filter((k) => !k.startsWith('@'))).toEqual([
      'UserName',
      'Password',
      'ServerName',
      'Database',
      'Platform',
      'YardiPropertyId',
      'InterfaceEntity',
      'InterfaceLicense',
      'XmlDocument',
    ]);
    expect(call).toMatchObject({ UserName: c.username, InterfaceLicense: c.license, YardiPropertyId: 'p1' });
    expect(parser.parse(call.XmlDocument).LeadManagement.Prospects.Prospect.CustomerPreferences).toEqual({
      DesiredUnit: { UnitID: '101' },
    });
  });

  it('an Error <Message> in HTTP 200 fails with its text and is not sent again', async () => {
    seen.length = 0;
    replies = [
      answer(
        'ImportApplication_Login',
        'ItfILSGuestCard',
        '<Messages><Message messageType="Error">Unit 101 is not available</Message></Messages>',
      ),
    ];
    const client = clientFor(url, YARDI_SANDBOX_CREDENTIALS);
    await expect(
      client.writer!.write({
        model: 'leases',
        operation: 'create',
        fields: { property_id: 'p1', unit_id: 'p1:101', first_name: 'A', last_name: 'B' },
      }),
    ).rejects.toThrow('ImportApplication_Login: Unit 101 is not available');
    expect(seen).toHaveLength(1);
  });

  it('refuses before sending: a phone without a type Yardi has, a unit of another property', async () => {
    seen.length = 0;
    const writer = clientFor(url, YARDI_SANDBOX_CREDENTIALS).writer!;
    const base = { property_id: 'p1', unit_id: 'p1:101', first_name: 'A', last_name: 'B' };
    await expect(
      writer.write({ model: 'leases', operation: 'create', fields: { ...base, phone_1: '5550001111' } }),
    ).rejects.toThrow(/phone_1 needs phone_1_type/);
    await expect(
      writer.write({
        model: 'leases',
        operation: 'create',
        fields: { ...base, phone_1: '5550001111', phone_1_type: 'OTHER' },
      }),
    ).rejects.toThrow(/phone_1 needs phone_1_type/);
    await expect(
      writer.write({ model: 'leases', operation: 'create', fields: { ...base, unit_id: 'p2:101' } }),
    ).rejects.toThrow('unit_id names a unit of another property than p1');
    expect(seen).toHaveLength(0);
  });
});

describe('Yardi writer against the foreign server (written from the vendor file)', () => {
  let foreign: ForeignYardiServer;
  let writer: NonNullable<VendorClient<YardiModel>['writer']>;
  const writes = (method: string) => foreign.log.filter((e) => e.method === method);

  beforeEach(async () => {
    foreign = await startForeignYardiServer();
    writer = clientFor(foreign.url, FOREIGN_YARDI_CREDENTIALS).writer!;
  });
  afterEach(() => foreign.close());

  it('"Error: Database busy" means nothing was done: a create is sent again and made once', async () => {
    foreign.failNext('ImportApplication_Login', 'busy');
    const before = foreign.data.households.length;
    const result = await writer.write({
      model: 'leases',
      operation: 'create',
      fields: { property_id: 'oakr', unit_id: 'oakr:0003', first_name: 'Ama', last_name: 'Mensah' },
    });
    expect(writes('ImportApplication_Login').map((e) => e.answer)).toEqual(['busy', 'data']);
    expect(foreign.data.households.length - before).toBe(1);
    expect(result.xId).toBe(foreign.data.households.at(-1)!.id);
  });

  it('a SOAP Fault with no Messages after the create: outcome unknown, never sent again', async () => {
    foreign.failNext('ImportApplication_Login', 'fault');
    const before = foreign.data.households.length;
    const error = await writer
      .write({
        model: 'leases',
        operation: 'create',
        fields: { property_id: 'oakr', unit_id: 'oakr:0003', first_name: 'Kofi', last_name: 'Boateng' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorOutcomeUnknownError);
    expect((error as Error).message).toMatch(/^outcome unknown: .*check the PMS before retry-write$/);
    expect(writes('ImportApplication_Login')).toHaveLength(1);
    expect(foreign.data.households.length - before).toBe(1);
  });

  it('a resident update finds the household, changes the person, and readBack reads it back as the sync yields it', async () => {
    await writer.write({
      model: 'residents',
      operation: 'update',
      xId: 'r000001:2',
      fields: { last_name: 'Ruiz-Park', phone_1: '2085550144', phone_1_type: 'WORK' },
    });
    expect(foreign.data.households[0].people[1]).toMatchObject({
      last: 'Ruiz-Park',
      phones: [
        { type: 'Office', number: '208-555-0143 x12' },
        { type: 'work', number: '2085550144' },
      ],
    });
    const raw = (await writer.readBack('residents', 'r000001:2', {})) as any;
    expect(raw).toMatchObject({ YardiPropertyId: 'oakr', CustomerID: 'r000001', CustomerIndex: 2 });
    expect(raw.Customer.Name.LastName).toBe('Ruiz-Park');
    expect(await writer.readBack('residents', 'r000001:9', {})).toBeNull();
  });

  it('probe: a validation error proves write access; a wrong license is what Yardi said', async () => {
    await expect(writer.probe('leases', 'create')).resolves.toBeUndefined();
    await expect(writer.probe('residents', 'update')).resolves.toBeUndefined();
    const wrong = clientFor(foreign.url, { ...FOREIGN_YARDI_CREDENTIALS, license: 'nope' }).writer!;
    await expect(wrong.probe('leases', 'update')).rejects.toThrow(VendorAccessDeniedError);
    expect(foreign.data.households).toHaveLength(6);
  });
});

describe('Yardi writer against the sandbox', () => {
  let sandbox: Awaited<ReturnType<typeof startYardiSandboxServer>>;
  beforeAll(async () => {
    sandbox = await startYardiSandboxServer({ residents: 30, seed: 9 });
  });
  afterAll(() => sandbox.close());

  it('probe: SUCCESS on a validation error, FAILED for an interface not configured for the property', async () => {
    const writer = clientFor(sandbox.url, YARDI_SANDBOX_CREDENTIALS).writer!;
    await expect(writer.probe('leases', 'create')).resolves.toBeUndefined();
    await expect(writer.probe('residents', 'update')).resolves.toBeUndefined();
    const first = sandbox.sandbox.data.properties[0].Code;
    sandbox.sandbox.reset({ residents: 30, seed: 9, unlicensed: [{ interface: 'ItfILSGuestCard', property: first }] });
    await expect(writer.probe('leases', 'create')).rejects.toThrow(/not Configured for property/);
    await expect(writer.probe('leases', 'create')).rejects.toThrow(VendorAccessDeniedError);
    expect(sandbox.sandbox.writes.snapshot().ImportApplication_Login?.applied ?? 0).toBe(0);
  });

  it('probe of service requests, charges and payments: SUCCESS on an empty document, FAILED where the interface is not configured, nothing saved', async () => {
    sandbox.sandbox.reset({ residents: 30, seed: 9 });
    const writer = clientFor(sandbox.url, YARDI_SANDBOX_CREDENTIALS).writer!;
    const before = JSON.stringify(sandbox.sandbox.data);
    await expect(writer.probe('service_requests', 'create')).resolves.toBeUndefined();
    await expect(writer.probe('service_requests', 'update')).resolves.toBeUndefined();
    await expect(writer.probe('resident_charges', 'create')).resolves.toBeUndefined();
    await expect(writer.probe('resident_payments', 'create')).resolves.toBeUndefined();
    expect(JSON.stringify(sandbox.sandbox.data)).toBe(before);
    const first = sandbox.sandbox.data.properties[0].Code;
    sandbox.sandbox.reset({
      residents: 30,
      seed: 9,
      unlicensed: [
        { interface: 'ItfServiceRequests', property: first },
        { interface: 'ItfResidentTransactions20', property: first },
      ],
    });
    await expect(writer.probe('service_requests', 'create')).rejects.toThrow(VendorAccessDeniedError);
    await expect(writer.probe('resident_charges', 'create')).rejects.toThrow(/not Configured for property/);
  });
});

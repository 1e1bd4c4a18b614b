import { XMLParser } from 'fast-xml-parser';
import { startYardiSandboxServer, YARDI_SANDBOX_CREDENTIALS } from '../../src/sandbox/yardi/yardi-sandbox';
import { sandboxControl } from '../support/sandbox-writes';

const CREDS = YARDI_SANDBOX_CREDENTIALS;
const NS = 'http://tempuri.org/YSI.Interfaces.WebServices';
const COMMON_DATA = { path: '/Webservices/itfCommonData.asmx', iface: 'ItfCommonData' };
const GUEST_CARD = { path: '/Webservices/ItfILSGuestCard.asmx', iface: 'ItfILSGuestCard' };
const SERVICE_REQUESTS = { path: '/Webservices/itfservicerequests.asmx', iface: 'ItfServiceRequests' };
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
});
const escape = (xml: string) => xml.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('Yardi sandbox writes', () => {
  let server: Awaited<ReturnType<typeof startYardiSandboxServer>>;
  const { writes, addFault, sendUnanswered } = sandboxControl(() => server.url);
  const OPTIONS = { residents: 60, seed: 4, serviceRequests: 0 };
  /** A SOAP call built from the vendor file alone; `document` is sent as child elements, or as escaped text. */
  const soap = (
    target: { path: string; iface: string },
    method: string,
    parameter: string,
    document: string,
    extra: Record<string, string> = {},
    asText = false,
  ) => {
    const fields = {
      UserName: CREDS.username,
      Password: CREDS.password,
      ServerName: CREDS.serverName,
      Database: CREDS.database,
      Platform: CREDS.platform,
      InterfaceEntity: CREDS.entity,
      InterfaceLicense: CREDS.license,
      ...extra,
    };
    const body =
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
      `<${method} xmlns="${NS}/${target.iface}">` +
      Object.entries(fields)
        .map(([k, v]) => `<${k}>${escape(v)}</${k}>`)
        .join('') +
      `<${parameter}>${asText ? escape(document) : document}</${parameter}></${method}></soap:Body></soap:Envelope>`;
    return {
      url: `${server.url}${target.path}`,
      init: {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS}/${target.iface}/${method}"` },
        body,
      },
    };
  };
  const call = async (...args: Parameters<typeof soap>) => {
    const { url, init } = soap(...args);
    const res = await fetch(url, init);
    const method = args[1];
    const parsed = parser.parse(await res.text()).Envelope?.Body;
    return { status: res.status, result: parsed?.[`${method}Response`]?.[`${method}Result`], body: parsed };
  };
  const messagesOf = (result: any) =>
    [result.Messages.Message].flat().map((m: any) => ({ type: m['@messageType'], text: m['#text'] }));
  const readHousehold = async (property: string, customerId: string) => {
    const res = await fetch(`${server.url}/Webservices/ItfResidentTransactions20.asmx`, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: `"${NS}/ItfResidentTransactions20/GetResidentTransactions_Login"`,
      },
      body: soap(COMMON_DATA, 'GetResidentTransactions_Login', 'YardiPropertyId', property).init.body.replace(
        new RegExp(`${NS}/ItfCommonData`),
        `${NS}/ItfResidentTransactions20`,
      ),
    });
    const body = parser.parse(await res.text()).Envelope.Body;
    const customers = [
      body.GetResidentTransactions_LoginResponse.GetResidentTransactions_LoginResult.ResidentTransactions.Property
        .RT_Customer,
    ].flat();
    return customers.find((c: any) => c.CustomerID === customerId);
  };
  const residentDoc = (fields: string) => `<ResidentData><Resident>${fields}</Resident></ResidentData>`;

  beforeAll(async () => {
    server = await startYardiSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('updates a resident with UpdateResidentData (document as elements or escaped text): only the elements sent change', async () => {
    const household = server.sandbox.data.customers.find((c) => c.Customers.Customer.length > 1)!;
    const second = household.Customers.Customer[1];
    const before = structuredClone(second);
    const doc = residentDoc(
      `<PropertyCode>${household.YardiPropertyId}</PropertyCode><TenantCode>${household.CustomerID}:2</TenantCode>` +
        `<LastName>Updated</LastName><Phone PhoneType="fax"><PhoneNumber>5550100000</PhoneNumber></Phone>`,
    );
    const { status, result } = await call(COMMON_DATA, 'UpdateResidentData', 'XmlDoc', doc, {}, true);
    expect(status).toBe(200);
    expect(messagesOf(result)).toEqual([{ type: 'Info', text: expect.any(String) }]);
    const read = await readHousehold(household.YardiPropertyId, household.CustomerID);
    const person = [read.Customers.Customer].flat()[1];
    expect(person.Name.LastName).toBe('Updated');
    expect(person.Name.FirstName).toBe(before.Name.FirstName);
    expect(person.Email).toBe(before.Email);
    expect([person.Phone].flat()).toContainEqual({ '@PhoneType': 'fax', PhoneNumber: '5550100000' });
    expect([read.Customers.Customer].flat()[0].Name.LastName).toBe(household.Customers.Customer[0].Name.LastName);

    const asElements = await call(
      COMMON_DATA,
      'UpdateResidentData',
      'XmlDoc',
      residentDoc(
        `<PropertyCode>${household.YardiPropertyId}</PropertyCode><TenantCode>${household.CustomerID}</TenantCode><Email>new@example.com</Email>`,
      ),
    );
    expect(messagesOf(asElements.result)[0].type).toBe('Info');
    expect(household.Customers.Customer[0].Email).toBe('new@example.com');
    expect(await writes()).toEqual({ UpdateResidentData: { received: 2, applied: 2, rejected: 0, refused: 0 } });
  });

  it('answers refused updates with Error messages inside HTTP 200 and changes nothing', async () => {
    const household = server.sandbox.data.customers[0];
    const snapshot = structuredClone(server.sandbox.data.customers);
    const property = `<PropertyCode>${household.YardiPropertyId}</PropertyCode>`;
    const tenant = `<TenantCode>${household.CustomerID}</TenantCode>`;
    const cases: Array<[string, string]> = [
      [residentDoc(`<PropertyCode>zz99</PropertyCode>${tenant}`), 'Could not find Property:zz99.'],
      [
        residentDoc(`${property}<TenantCode>t9999999</TenantCode>`),
        `Could not find Tenant:t9999999 in Property:${household.YardiPropertyId}.`,
      ],
      [
        residentDoc(`${property}${tenant}<Phone><PhoneNumber>5550100000</PhoneNumber></Phone>`),
        'PhoneType must be one of home, work, cell, fax when a phone is sent',
      ],
      [
        residentDoc(`${property}${tenant}<MiddleName>Q</MiddleName>`),
        'Element MiddleName is not supported by UpdateResidentData',
      ],
    ];
    for (const [doc, message] of cases) {
      const { status, result } = await call(COMMON_DATA, 'UpdateResidentData', 'XmlDoc', doc);
      expect(status).toBe(200);
      expect(messagesOf(result)).toEqual([{ type: 'Error', text: message }]);
    }
    const misnamed = await call(COMMON_DATA, 'UpdateResidentData', 'Residents', residentDoc(`${property}${tenant}`));
    expect(messagesOf(misnamed.result)).toEqual([
      { type: 'Error', text: 'Object reference not set to an instance of an object.' },
    ]);
    expect(server.sandbox.data.customers).toEqual(snapshot);
    expect((await writes()).UpdateResidentData).toEqual({ received: 5, applied: 0, rejected: 5, refused: 0 });
  });

  it('imports an application (ImportApplication_Login): a new applicant household, its CustomerID in the result; then updates it', async () => {
    const property = server.sandbox.data.properties[0].Code;
    const unit = server.sandbox.data.units.find((u) => u.YardiPropertyId === property)!;
    const prospect = (inner: string) =>
      `<LeadManagement><Prospects><Prospect>${inner}</Prospect></Prospects></LeadManagement>`;
    const doc = prospect(
      `<Customers><Customer Type="applicant"><Name><FirstName>Alan</FirstName><LastName>Turing</LastName></Name>` +
        `<Address><Email>alan@example.com</Email></Address><Phone PhoneType="cell"><PhoneNumber>5550103000</PhoneNumber></Phone></Customer></Customers>` +
        `<CustomerPreferences><DesiredUnit><UnitID>${unit.UnitID}</UnitID></DesiredUnit><TargetMoveInDate>2027-03-01</TargetMoveInDate><DesiredRent>1450.00</DesiredRent></CustomerPreferences>` +
        `<Lease><LeaseFromDate>03/01/2027</LeaseFromDate><LeaseToDate>02/29/2028</LeaseToDate></Lease>`,
    );
    const created = await call(GUEST_CARD, 'ImportApplication_Login', 'XmlDocument', doc, {
      YardiPropertyId: property,
    });
    expect(messagesOf(created.result)[0].type).toBe('Info');
    const customerId = created.result.CustomerID;
    expect(customerId).toMatch(/^p\d{7}$/);
    const read = await readHousehold(property, customerId);
    expect(read).toMatchObject({
      Customers: {
        Customer: {
          '@Type': 'applicant',
          Name: { FirstName: 'Alan', LastName: 'Turing' },
          Email: 'alan@example.com',
          Phone: { '@PhoneType': 'cell', PhoneNumber: '5550103000' },
        },
      },
      Lease: {
        LeaseFromDate: '03/01/2027',
        LeaseToDate: '02/29/2028',
        ExpectedMoveInDate: '2027-03-01',
        CurrentRent: '1450.00',
      },
      RT_Unit: { UnitID: unit.UnitID },
    });

    const updated = await call(
      GUEST_CARD,
      'ImportApplication_Login',
      'XmlDocument',
      prospect(
        `<CustomerID>${customerId}</CustomerID><CustomerPreferences><DesiredRent>1500</DesiredRent></CustomerPreferences>`,
      ),
      { YardiPropertyId: property },
    );
    expect(messagesOf(updated.result)[0].type).toBe('Info');
    expect((await readHousehold(property, customerId)).Lease).toMatchObject({
      CurrentRent: '1500.00',
      LeaseFromDate: '03/01/2027',
    });

    const current = server.sandbox.data.customers.find(
      (c) =>
        c.YardiPropertyId === property && c.Customers.Customer.every((p: any) => p['@Type'] === 'current resident'),
    )!;
    const refused = await call(
      GUEST_CARD,
      'ImportApplication_Login',
      'XmlDocument',
      prospect(`<CustomerID>${current.CustomerID}</CustomerID>`),
      { YardiPropertyId: property },
    );
    expect(messagesOf(refused.result)).toEqual([
      { type: 'Error', text: `Customer ${current.CustomerID} is not an applicant` },
    ]);
    expect(await writes()).toEqual({ ImportApplication_Login: { received: 3, applied: 2, rejected: 1, refused: 0 } });
  });

  it('answers an interface not configured for the property, and refuses methods Voyager lacks with a SOAP fault', async () => {
    const household = server.sandbox.data.customers[0];
    server.sandbox.reset({
      ...OPTIONS,
      unlicensed: [{ interface: 'ItfCommonData', property: household.YardiPropertyId }],
    });
    const doc = residentDoc(
      `<PropertyCode>${household.YardiPropertyId}</PropertyCode><TenantCode>${household.CustomerID}</TenantCode><LastName>X</LastName>`,
    );
    const { result } = await call(COMMON_DATA, 'UpdateResidentData', 'XmlDoc', doc);
    expect(messagesOf(result)).toEqual([
      {
        type: 'Error',
        text: `Interface '${CREDS.entity}' is not Configured for property '${household.YardiPropertyId}'`,
      },
    ]);
    expect(household.Customers.Customer[0].Name.LastName).not.toBe('X');
    for (const [target, method] of [
      [COMMON_DATA, 'CreateResident'],
      [COMMON_DATA, 'ImportProperty'],
      [GUEST_CARD, 'UpdateUnit'],
    ] as const) {
      const refused = await call(target, method, 'XmlDoc', '<x/>');
      expect(refused.status).toBe(500);
      expect(refused.body.Fault.faultstring).toMatch(/did not recognize the value of HTTP Header SOAPAction/);
    }
  });

  it('applies a write that then times out exactly once; an injected 429 or 500 applies nothing', async () => {
    const household = server.sandbox.data.customers[0];
    const doc = (name: string) =>
      residentDoc(
        `<PropertyCode>${household.YardiPropertyId}</PropertyCode><TenantCode>${household.CustomerID}</TenantCode><LastName>${name}</LastName>`,
      );
    const lastName = () => household.Customers.Customer[0].Name.LastName;
    const original = lastName();
    await addFault({ path: 'UpdateResidentData', status: 429, times: 1 });
    expect((await call(COMMON_DATA, 'UpdateResidentData', 'XmlDoc', doc('Throttled'))).status).toBe(429);
    await addFault({ path: 'UpdateResidentData', status: 500, times: 1 });
    const failed = await call(COMMON_DATA, 'UpdateResidentData', 'XmlDoc', doc('Failed'));
    expect(failed.status).toBe(500);
    expect(failed.body.Fault.faultcode).toBe('soap:Server');
    expect(lastName()).toBe(original);

    await addFault({ path: 'UpdateResidentData', hang: true, times: 1 });
    const { url, init } = soap(COMMON_DATA, 'UpdateResidentData', 'XmlDoc', doc('Hung'));
    expect(await sendUnanswered(url, init, 'UpdateResidentData', 3)).toBe('no answer');
    expect(lastName()).toBe('Hung');
    expect((await writes()).UpdateResidentData).toEqual({ received: 3, applied: 1, rejected: 0, refused: 2 });
  });

  describe('service requests (ItfServiceRequests)', () => {
    const property = () => server.sandbox.data.properties[0].Code as string;
    const srDoc = (inner: string) => `<ServiceRequests><ServiceRequest>${inner}</ServiceRequest></ServiceRequests>`;
    const save = (inner: string, code = property()) =>
      call(SERVICE_REQUESTS, 'CreateOrEditServiceRequests', 'ServiceRequestXml', srDoc(inner), {
        YardiPropertyId: code,
      });
    const search = async (extra: Record<string, string> = {}) =>
      (
        await call(SERVICE_REQUESTS, 'GetServiceRequest_Search', 'UnitCode', '', {
          YardiPropertyId: property(),
          ...extra,
        })
      ).result;

    it('creates one (no ServiceRequestId): the echo carries the new id, the search shows it with status Call', async () => {
      const unit = server.sandbox.data.units.find((u) => u.YardiPropertyId === property())!;
      const household = server.sandbox.data.customers.find((c) => c.YardiPropertyId === property())!;
      expect((await search()).ErrorMessage).toBe('There are no service requests found for these input values.');
      const fields =
        `<PropertyCode>${property()}</PropertyCode><UnitCode>${unit.UnitID}</UnitCode><TenantCode>${household.CustomerID}</TenantCode>` +
        '<ServiceRequestBriefDescription>Leaking sink</ServiceRequestBriefDescription>' +
        '<ServiceRequestFullDescription>Kitchen sink drips under the cabinet</ServiceRequestFullDescription>' +
        '<ProblemDescriptionNotes>Since Monday</ProblemDescriptionNotes><TechnicianNotes>Bring a washer</TechnicianNotes>' +
        '<Category>Plumbing</Category><Priority>High</Priority><HasPermissionToEnter>true</HasPermissionToEnter>' +
        '<AccessNotes>Dog in unit</AccessNotes><RequestorName>Pat</RequestorName><RequestorPhoneNumber>5550104000</RequestorPhoneNumber>';
      const { status, result } = await save(fields);
      expect(status).toBe(200);
      const echoed = result.ServiceRequests.ServiceRequest;
      expect(echoed.ServiceRequestId).toMatch(/^\d+$/);
      expect(echoed.ErrorMessages).toBeUndefined();
      const found = (await search()).ServiceRequests.ServiceRequest;
      expect(found).toMatchObject({
        ServiceRequestId: echoed.ServiceRequestId,
        PropertyCode: property(),
        UnitCode: unit.UnitID,
        TenantCode: household.CustomerID,
        ServiceRequestBriefDescription: 'Leaking sink',
        Category: 'Plumbing',
        Priority: 'High',
        HasPermissionToEnter: 'true',
        RequestorPhoneNumber: '5550104000',
        CurrentStatus: 'Call',
        StatusHistory: { Status: { '@Type': 'Call' } },
      });
    });

    it('edits one by ServiceRequestId: only the elements sent change, a status change adds to StatusHistory', async () => {
      const created = (
        await save(
          `<PropertyCode>${property()}</PropertyCode><ServiceRequestBriefDescription>Broken heater</ServiceRequestBriefDescription><Category>HVAC</Category>`,
        )
      ).result.ServiceRequests.ServiceRequest;
      const { result } = await save(
        `<ServiceRequestId>${created.ServiceRequestId}</ServiceRequestId><CurrentStatus>Work Completed</CurrentStatus>`,
      );
      expect(result.ServiceRequests.ServiceRequest.ErrorMessages).toBeUndefined();
      const closed = (await search({ OpenOrClosed: 'Closed' })).ServiceRequests.ServiceRequest;
      expect(closed).toMatchObject({
        ServiceRequestBriefDescription: 'Broken heater',
        Category: 'HVAC',
        CurrentStatus: 'Work Completed',
      });
      expect(closed.StatusHistory.Status.map((s: any) => s['@Type'])).toEqual(['Call', 'Work Completed']);
      expect((await search({ OpenOrClosed: 'Open' })).ErrorMessage).toMatch(/no service requests found/);
      expect((await writes()).CreateOrEditServiceRequests).toEqual({
        received: 2,
        applied: 2,
        rejected: 0,
        refused: 0,
      });
    });

    it('refuses a bad request with <ErrorMessages> on its echo and saves nothing', async () => {
      const brief = '<ServiceRequestBriefDescription>Fix</ServiceRequestBriefDescription>';
      const errorOf = async (inner: string) =>
        (await save(inner)).result.ServiceRequests.ServiceRequest.ErrorMessages.Error as string;
      expect(await errorOf(`<PropertyCode>B1</PropertyCode>${brief}`)).toBe('Could not find Property:B1.');
      expect(await errorOf(`<PropertyCode>${property()}</PropertyCode>${brief}<Category>Roofing</Category>`)).toBe(
        'Invalid Category: Roofing',
      );
      expect(
        await errorOf(`<PropertyCode>${property()}</PropertyCode>${brief}<CurrentStatus>Open</CurrentStatus>`),
      ).toBe('Invalid CurrentStatus: Open');
      expect(
        await errorOf(
          `<PropertyCode>${property()}</PropertyCode><ServiceRequestBriefDescription>${'x'.repeat(36)}</ServiceRequestBriefDescription>`,
        ),
      ).toBe('ServiceRequestBriefDescription must be 35 characters or fewer');
      expect(await errorOf(`<ServiceRequestId>77</ServiceRequestId>${brief}`)).toBe(
        'Could not find ServiceRequest:77.',
      );
      expect(server.sandbox.data.service_requests).toEqual([]);
      expect((await writes()).CreateOrEditServiceRequests).toEqual({
        received: 5,
        applied: 0,
        rejected: 5,
        refused: 0,
      });
    });

    it('answers an interface not configured for the property in <ErrorMessage>', async () => {
      server.sandbox.reset({ ...OPTIONS, unlicensed: [{ interface: 'ItfServiceRequests', property: property() }] });
      const { result } = await save(
        `<PropertyCode>${property()}</PropertyCode><ServiceRequestBriefDescription>Fix</ServiceRequestBriefDescription>`,
      );
      expect(result.ErrorMessage).toBe(`Interface '${CREDS.entity}' is not Configured for property '${property()}'`);
      expect((await search()).ErrorMessage).toBe(result.ErrorMessage);
      expect(server.sandbox.data.service_requests).toEqual([]);
    });
  });
});

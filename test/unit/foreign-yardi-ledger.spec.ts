import { XMLParser } from 'fast-xml-parser';
import { decimalCents } from '../support/decimal-cents';
import { FOREIGN_YARDI_CREDENTIALS, startForeignYardiServer } from '../support/foreign-yardi-server';

const NS = 'http://tempuri.org/YSI.Interfaces.WebServices/ItfResidentTransactions20';
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => ['RT_Customer', 'Charge', 'Payment'].includes(name),
});
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The foreign Yardi server's Billing & Payments rows: what the adapter will meet besides our own sandbox. */
describe('foreign Yardi server: charges and payments in resident transactions', () => {
  let server: Awaited<ReturnType<typeof startForeignYardiServer>>;
  /** A call, sent again after the server's every-4th-call `Error: Database busy`. */
  const call = async (method: string, params: Record<string, string>): Promise<any> => {
    const c = FOREIGN_YARDI_CREDENTIALS;
    const fields = {
      UserName: c.username,
      Password: c.password,
      ServerName: c.serverName,
      Database: c.database,
      Platform: c.platform,
      InterfaceEntity: c.entity,
      InterfaceLicense: c.license,
      ...params,
    };
    const res = await fetch(`${server.url}/Webservices/ItfResidentTransactions20.asmx`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS}/${method}"` },
      body: `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${method} xmlns="${NS}">${Object.entries(
        fields,
      )
        .map(([k, v]) => `<${k}>${escape(v)}</${k}>`)
        .join('')}</${method}></soap:Body></soap:Envelope>`,
    });
    const result = parser.parse(await res.text()).Envelope.Body[`${method}Response`][`${method}Result`];
    return result.Messages?.Message?.['#text'] === 'Error: Database busy' ? call(method, params) : result;
  };
  const household = (result: any) =>
    (result.ResidentTransactions.Property.RT_Customer as any[]).find((h) => h.CustomerID === 'r000001');

  beforeAll(async () => {
    server = await startForeignYardiServer();
  });
  afterAll(() => server.close());

  it('serves household r000001 charges and payments whose sums agree with the charges still due', async () => {
    const h = household(await call('GetResidentTransactions_Login', { YardiPropertyId: 'oakr' }));
    const charges = h.RTServiceTransactions.Transactions.Charge.map((c: any) => c.Detail);
    const payments = h.RTServiceTransactions.Transactions.Payment;
    expect(payments.map((p: any) => p['@Type'])).toEqual(['Check', 'ACH', 'ACH']);
    const due = charges.reduce((sum: number, c: any) => sum + decimalCents(c.BalanceDue), 0);
    const net =
      charges.reduce((sum: number, c: any) => sum + decimalCents(c.Amount), 0) -
      payments.reduce((sum: number, p: any) => sum + decimalCents(p.Detail.Amount), 0);
    expect(net).toBe(due);
    expect(due).toBe(209500 + 7654321098);
  });

  it('GetResidentTransactions_ByChargeDate_Login serves a window of at most 31 days', async () => {
    const january = household(
      await call('GetResidentTransactions_ByChargeDate_Login', {
        YardiPropertyId: 'oakr',
        FromDate: '01/01/2026',
        ToDate: '01/31/2026',
      }),
    );
    const ids = [
      ...january.RTServiceTransactions.Transactions.Charge,
      ...january.RTServiceTransactions.Transactions.Payment,
    ].map((t: any) => t.Detail.TransactionID);
    expect(ids.sort()).toEqual(['T-6', 'T-7', 'T-8']);
    const wide = await call('GetResidentTransactions_ByChargeDate_Login', {
      YardiPropertyId: 'oakr',
      FromDate: '12/01/2025',
      ToDate: '01/31/2026',
    });
    expect(wide.Messages.Message['#text']).toBe('Consumer may only query for a date range of 31 days or less');
  });

  it('ImportCharge_Login and ImportReceipt_Login post what the document holds, with no id and no idempotency', async () => {
    const doc = (items: string) =>
      `<ResidentTransactions><Property><RT_Customer><RTServiceTransactions><Transactions>${items}</Transactions></RTServiceTransactions></RT_Customer></Property></ResidentTransactions>`;
    const charge = doc(
      '<Charge><Detail><Description>Water</Description><TransactionDate>01/20/2026</TransactionDate><ChargeCode>water</ChargeCode><CustomerID>r000001</CustomerID><Amount>0.30</Amount></Detail></Charge>',
    );
    for (let i = 0; i < 2; i++) {
      const result = await call('ImportCharge_Login', { YardiPropertyId: 'oakr', TransactionXml: charge });
      expect(result.Messages.Message['@messageType']).toBe('Info');
      expect(result.CustomerID).toBeUndefined();
    }
    const receipt = await call('ImportReceipt_Login', {
      YardiPropertyId: 'oakr',
      TransactionXml: doc(
        '<Payment Type="Check"><Detail><TransactionDate>01/21/2026</TransactionDate><CustomerID>r000001</CustomerID><Amount>0.60</Amount></Detail></Payment>',
      ),
    });
    expect(receipt.Messages.Message['@messageType']).toBe('Info');
    const window = household(
      await call('GetResidentTransactions_ByChargeDate_Login', {
        YardiPropertyId: 'oakr',
        FromDate: '01/20/2026',
        ToDate: '01/21/2026',
      }),
    );
    expect(window.RTServiceTransactions.Transactions.Charge.map((c: any) => c.Detail.Amount)).toEqual(['0.30', '0.30']);
    expect(window.RTServiceTransactions.Transactions.Payment.map((p: any) => p['@Type'])).toEqual(['Check']);
    const bad = await call('ImportCharge_Login', {
      YardiPropertyId: 'oakr',
      TransactionXml: charge.replace('r000001', 'r999999'),
    });
    expect(bad.Messages.Message['@messageType']).toBe('Error');
  });
});

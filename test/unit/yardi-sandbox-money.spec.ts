import { XMLParser } from 'fast-xml-parser';
import { startYardiSandboxServer, YARDI_SANDBOX_CREDENTIALS } from '../../src/sandbox/yardi/yardi-sandbox';
import { yardiHouseholdBalances } from '../../src/sandbox/yardi/yardi-ledger';
import { decimalCents } from '../support/decimal-cents';
import { sandboxControl } from '../support/sandbox-writes';

const CREDS = YARDI_SANDBOX_CREDENTIALS;
const NS = 'http://tempuri.org/YSI.Interfaces.WebServices/ItfResidentTransactions20';
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => ['RT_Customer', 'Charge', 'Payment', 'Message'].includes(name),
});
const escape = (xml: string) => xml.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cents = decimalCents;
/** A Billing & Payments document of one household's charges or receipts, as the vendor file shows it. */
const transactionXml = (customerId: string, items: string) =>
  `<ResidentTransactions><Property><RT_Customer><RTServiceTransactions><Transactions>${items}</Transactions></RTServiceTransactions></RT_Customer></Property></ResidentTransactions>`.replace(
    '<RT_Customer>',
    `<RT_Customer><CustomerID>${customerId}</CustomerID>`,
  );

describe('Yardi sandbox charges and receipts (ItfResidentTransactions20)', () => {
  let server: Awaited<ReturnType<typeof startYardiSandboxServer>>;
  const { writes, addFault } = sandboxControl(() => server.url);
  const OPTIONS = { residents: 60, seed: 4 };
  const call = async (method: string, params: Record<string, string>, transactionXmlText?: string) => {
    const fields = {
      UserName: CREDS.username,
      Password: CREDS.password,
      ServerName: CREDS.serverName,
      Database: CREDS.database,
      Platform: CREDS.platform,
      InterfaceEntity: CREDS.entity,
      InterfaceLicense: CREDS.license,
      ...params,
    };
    const res = await fetch(`${server.url}/Webservices/ItfResidentTransactions20.asmx`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS}/${method}"` },
      body:
        `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${method} xmlns="${NS}">` +
        Object.entries(fields)
          .map(([k, v]) => `<${k}>${escape(v)}</${k}>`)
          .join('') +
        (transactionXmlText === undefined ? '' : `<TransactionXml>${escape(transactionXmlText)}</TransactionXml>`) +
        `</${method}></soap:Body></soap:Envelope>`,
    });
    const body = parser.parse(await res.text()).Envelope?.Body;
    return { status: res.status, result: body?.[`${method}Response`]?.[`${method}Result`] };
  };
  const messagesOf = (result: any) =>
    (result.Messages.Message as any[]).map((m) => ({ type: m['@messageType'], text: m['#text'] }));
  const households = async (method: string, params: Record<string, string>) =>
    ((await call(method, params)).result.ResidentTransactions.Property.RT_Customer ?? []) as any[];
  const transactionsOf = (household: any) => ({
    charges: (household.RTServiceTransactions?.Transactions?.Charge ?? []).map((c: any) => c.Detail),
    payments: (household.RTServiceTransactions?.Transactions?.Payment ?? []) as any[],
  });
  const ledgerHousehold = () => {
    const withLedger = new Set(server.sandbox.data.transactions.map((t) => t.CustomerID));
    return server.sandbox.data.customers.find(
      (c) => withLedger.has(c.CustomerID) && c.Customers.Customer[0]['@Type'] === 'current resident',
    )!;
  };
  const householdBalance = async (property: string, customerId: string) => {
    const household = (await households('GetResidentTransactions_Login', { YardiPropertyId: property })).find(
      (h) => h.CustomerID === customerId,
    );
    return transactionsOf(household).charges.reduce((sum: number, c: any) => sum + cents(c.BalanceDue), 0);
  };

  beforeAll(async () => {
    server = await startYardiSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('serves each begun household a year of Charge/Detail and Payment[@Type]/Detail: exact text, 0.10 + 0.20, large, partial, reversed', async () => {
    const all = (
      await Promise.all(
        server.sandbox.data.properties.map((p) =>
          households('GetResidentTransactions_Login', { YardiPropertyId: p.Code }),
        ),
      )
    ).flat();
    const begun = all.filter((h) =>
      ['current resident', 'former resident'].includes([h.Customers.Customer].flat()[0]['@Type']),
    );
    expect(begun.length).toBeGreaterThan(0);
    const chargeFields = [
      'TransactionID',
      'Description',
      'TransactionDate',
      'ChargeCode',
      'GLAccountNumber',
      'CustomerID',
      'UnitID',
      'Amount',
      'AmountPaid',
      'BalanceDue',
      'PropertyPrimaryID',
    ];
    const paymentFields = [
      'TransactionID',
      'DocumentNumber',
      'TransactionDate',
      'CustomerID',
      'PaidBy',
      'Amount',
      'Description',
      'PropertyPrimaryID',
    ];
    let large = 0;
    for (const household of begun) {
      const { charges, payments } = transactionsOf(household);
      expect(charges.filter((c: any) => c.ChargeCode === 'rent')).toHaveLength(12);
      expect(
        charges.filter((c: any) => c.Amount === '0.10' || c.Amount === '0.20').map((c: any) => c.ChargeCode),
      ).toEqual(['util', 'util']);
      large += charges.filter((c: any) => c.Amount === '123456789.01').length;
      for (const c of charges) {
        expect(Object.keys(c).sort()).toEqual([...chargeFields].sort());
        expect(c).toMatchObject({ CustomerID: household.CustomerID, UnitID: household.RT_Unit.UnitID });
        expect(cents(c.AmountPaid) + cents(c.BalanceDue)).toBe(cents(c.Amount));
      }
      for (const p of payments) {
        expect(['Cash', 'Check', 'CreditCard', 'DebitCard', 'ACH', 'MoneyOrder', 'Other']).toContain(p['@Type']);
        expect(
          Object.keys(p.Detail)
            .filter((k) => k !== 'Comment')
            .sort(),
        ).toEqual([...paymentFields].sort());
      }
      // A reversal is a negative receipt naming the receipt it reverses.
      const reversal = payments.find((p) => p.Detail.Amount.startsWith('-'))!;
      const reversed = payments.find((p) => reversal.Detail.Comment === `Reverses receipt ${p.Detail.TransactionID}`)!;
      expect(cents(reversed.Detail.Amount)).toBe(-cents(reversal.Detail.Amount));
      expect(charges.some((c: any) => cents(c.AmountPaid) > 0 && cents(c.BalanceDue) > 0)).toBe(true);
      // Balance: charges less payments = what the charges still have due = yardiHouseholdBalances.
      const owed = charges.reduce((sum: number, c: any) => sum + cents(c.BalanceDue), 0);
      const net =
        charges.reduce((sum: number, c: any) => sum + cents(c.Amount), 0) -
        payments.reduce((sum, p) => sum + cents(p.Detail.Amount), 0);
      expect({ household: household.CustomerID, owed }).toEqual({ household: household.CustomerID, owed: net });
      expect(yardiHouseholdBalances(server.sandbox.data).get(household.CustomerID)).toBe(owed);
    }
    expect(large).toBe(1);
    // Applicants and future residents have no ledger yet.
    expect(all.filter((h) => !begun.includes(h)).every((h) => h.RTServiceTransactions === undefined)).toBe(true);
  });

  it('GetResidentTransactions_ByChargeDate_Login serves only transactions dated in a window of at most 31 days', async () => {
    const household = ledgerHousehold();
    const property = household.YardiPropertyId;
    const december = await households('GetResidentTransactions_ByChargeDate_Login', {
      YardiPropertyId: property,
      FromDate: '12/01/2025',
      ToDate: '12/31/2025',
    });
    expect(december.length).toBeGreaterThan(0);
    const { charges, payments } = transactionsOf(december.find((h) => h.CustomerID === household.CustomerID));
    expect(charges.length).toBeGreaterThan(0);
    for (const t of [...charges, ...payments.map((p) => p.Detail)])
      expect(t.TransactionDate >= '2025-12-01' && t.TransactionDate <= '2025-12-31').toBe(true);
    // Households without a transaction in the window are left out.
    const future = await households('GetResidentTransactions_ByChargeDate_Login', {
      YardiPropertyId: property,
      FromDate: '01/01/2030',
      ToDate: '01/31/2030',
    });
    expect(future).toEqual([]);
    const tooWide = await call('GetResidentTransactions_ByChargeDate_Login', {
      YardiPropertyId: property,
      FromDate: '12/01/2025',
      ToDate: '01/02/2026',
    });
    expect(messagesOf(tooWide.result)).toEqual([
      { type: 'Error', text: 'Consumer may only query for a date range of 31 days or less' },
    ]);
    const ok = await call('GetResidentTransactions_ByChargeDate_Login', {
      YardiPropertyId: property,
      FromDate: '12/01/2025',
      ToDate: '01/01/2026',
    });
    expect(ok.result.Messages).toBeUndefined();
  });

  it('ImportCharge_Login posts the charges (Info, no id); importing the same document twice posts it twice', async () => {
    const household = ledgerHousehold();
    const property = household.YardiPropertyId;
    const before = await householdBalance(property, household.CustomerID);
    const doc = transactionXml(
      household.CustomerID,
      ['0.10', '0.20']
        .map(
          (amount) =>
            `<Charge><Detail><Description>Water</Description><TransactionDate>01/20/2026</TransactionDate><ChargeCode>util</ChargeCode><GLAccountNumber>4410-0000</GLAccountNumber><CustomerID>${household.CustomerID}</CustomerID><Amount>${amount}</Amount><Comment>meter 7</Comment><PropertyPrimaryID>${property}</PropertyPrimaryID></Detail></Charge>`,
        )
        .join(''),
    );
    const first = await call('ImportCharge_Login', { YardiPropertyId: property }, doc);
    expect(messagesOf(first.result)).toEqual([{ type: 'Info', text: '2 charges were successfully imported' }]);
    expect(first.result.CustomerID).toBeUndefined();
    expect((await householdBalance(property, household.CustomerID)) - before).toBe(30);
    await call('ImportCharge_Login', { YardiPropertyId: property }, doc);
    expect((await householdBalance(property, household.CustomerID)) - before).toBe(60);
    const posted = transactionsOf(
      (
        await households('GetResidentTransactions_ByChargeDate_Login', {
          YardiPropertyId: property,
          FromDate: '01/20/2026',
          ToDate: '01/20/2026',
        })
      ).find((h) => h.CustomerID === household.CustomerID),
    ).charges;
    expect(posted.map((c: any) => [c.Amount, c.BalanceDue, c.TransactionDate, c.Comment])).toEqual([
      ['0.10', '0.10', '2026-01-20', 'meter 7'],
      ['0.20', '0.20', '2026-01-20', 'meter 7'],
      ['0.10', '0.10', '2026-01-20', 'meter 7'],
      ['0.20', '0.20', '2026-01-20', 'meter 7'],
    ]);
    expect((await writes()).ImportCharge_Login).toEqual({ received: 2, applied: 2, rejected: 0, refused: 0 });
  });

  it('ImportReceipt_Login posts a receipt paid into the oldest open charges', async () => {
    const household = ledgerHousehold();
    const property = household.YardiPropertyId;
    const before = await householdBalance(property, household.CustomerID);
    const open = server.sandbox.data.transactions
      .filter((t) => t.element === 'Charge' && t.CustomerID === household.CustomerID && t.Detail.BalanceDue !== '0.00')
      .sort((a, b) => a.Detail.TransactionDate.localeCompare(b.Detail.TransactionDate))
      .map((t) => ({ ...t.Detail }));
    const amount = cents(open[0].BalanceDue) + 1;
    const doc = transactionXml(
      household.CustomerID,
      `<Payment Type="Check"><Detail><DocumentNumber>1042</DocumentNumber><TransactionDate>2026-01-21</TransactionDate><CustomerID>${household.CustomerID}</CustomerID><PaidBy>Pat Doe</PaidBy><Amount>${(amount / 100).toFixed(2)}</Amount><Description>Rent</Description><PropertyPrimaryID>${property}</PropertyPrimaryID></Detail></Payment>`,
    );
    const res = await call('ImportReceipt_Login', { YardiPropertyId: property }, doc);
    expect(messagesOf(res.result)).toEqual([{ type: 'Info', text: '1 receipts were successfully imported' }]);
    expect(before - (await householdBalance(property, household.CustomerID))).toBe(amount);
    const byId = new Map(
      server.sandbox.data.transactions
        .filter((t) => t.element === 'Charge')
        .map((t) => [t.Detail.TransactionID, t.Detail]),
    );
    expect(byId.get(open[0].TransactionID).BalanceDue).toBe('0.00');
    expect(cents(byId.get(open[1].TransactionID).BalanceDue)).toBe(cents(open[1].BalanceDue) - 1);
    const receipt = server.sandbox.data.transactions.at(-1)!;
    expect(receipt).toMatchObject({
      element: 'Payment',
      type: 'Check',
      Detail: { DocumentNumber: '1042', TransactionDate: '2026-01-21' },
    });
  });

  it('refuses a bad document with <Messages> Error and imports nothing (all or nothing)', async () => {
    const household = ledgerHousehold();
    const property = household.YardiPropertyId;
    const count = server.sandbox.data.transactions.length;
    const charge = (fields: Record<string, string>) =>
      `<Charge><Detail>${Object.entries({
        TransactionDate: '01/20/2026',
        ChargeCode: 'rent',
        CustomerID: household.CustomerID,
        Amount: '10.00',
        ...fields,
      })
        .map(([k, v]) => `<${k}>${v}</${k}>`)
        .join('')}</Detail></Charge>`;
    const errors = async (method: string, items: string) =>
      messagesOf(
        (await call(method, { YardiPropertyId: property }, transactionXml(household.CustomerID, items))).result,
      );
    expect(await errors('ImportCharge_Login', charge({}) + charge({ Amount: '10.005' }))).toEqual([
      { type: 'Error', text: "Charge 2: Amount '10.005' is not a valid amount." },
    ]);
    expect(await errors('ImportCharge_Login', charge({ ChargeCode: 'parking' }))).toEqual([
      { type: 'Error', text: "Charge 1: Invalid Charge Code 'parking'." },
    ]);
    expect(await errors('ImportCharge_Login', charge({ CustomerID: 't9999999' }))).toEqual([
      { type: 'Error', text: `Charge 1: CustomerID 't9999999' was not found in property '${property}'.` },
    ]);
    expect(await errors('ImportCharge_Login', charge({ TransactionDate: '2026-13-40' }))).toHaveLength(1);
    expect(await errors('ImportCharge_Login', charge({ GLAccountNumber: '1000-0000' }))).toHaveLength(1);
    expect(
      await errors(
        'ImportReceipt_Login',
        `<Payment Type="Bitcoin"><Detail><TransactionDate>01/20/2026</TransactionDate><CustomerID>${household.CustomerID}</CustomerID><Amount>5.00</Amount></Detail></Payment>`,
      ),
    ).toEqual([
      {
        type: 'Error',
        text: "Payment 1: Payment Type 'Bitcoin' must be one of Cash, Check, CreditCard, DebitCard, ACH, MoneyOrder, Other.",
      },
    ]);
    expect(server.sandbox.data.transactions).toHaveLength(count);
    // The document under another parameter name: Yardi's null reference.
    const wrongName = await fetch(`${server.url}/Webservices/ItfResidentTransactions20.asmx`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS}/ImportCharge_Login"` },
      body: `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ImportCharge_Login xmlns="${NS}"><UserName>${CREDS.username}</UserName><Password>${CREDS.password}</Password><ServerName>${CREDS.serverName}</ServerName><Database>${CREDS.database}</Database><Platform>${CREDS.platform}</Platform><InterfaceEntity>${CREDS.entity}</InterfaceEntity><InterfaceLicense>${CREDS.license}</InterfaceLicense><YardiPropertyId>${property}</YardiPropertyId><Charges>${escape(transactionXml(household.CustomerID, charge({})))}</Charges></ImportCharge_Login></soap:Body></soap:Envelope>`,
    });
    expect(await wrongName.text()).toContain('Object reference not set to an instance of an object.');
    expect((await writes()).ImportCharge_Login).toEqual({ received: 6, applied: 0, rejected: 6, refused: 0 });
  });

  it('an injected 500 imports nothing; an afterApply 502 imports once (no idempotency: a resend would post again)', async () => {
    const household = ledgerHousehold();
    const property = household.YardiPropertyId;
    const count = server.sandbox.data.transactions.length;
    const doc = transactionXml(
      household.CustomerID,
      `<Charge><Detail><TransactionDate>01/20/2026</TransactionDate><ChargeCode>other</ChargeCode><CustomerID>${household.CustomerID}</CustomerID><Amount>12.34</Amount></Detail></Charge>`,
    );
    await addFault({ path: 'ImportCharge_Login', status: 500, times: 1 });
    expect((await call('ImportCharge_Login', { YardiPropertyId: property }, doc)).status).toBe(500);
    expect(server.sandbox.data.transactions).toHaveLength(count);
    await addFault({ path: 'ImportCharge_Login', status: 502, afterApply: true, times: 1 });
    expect((await call('ImportCharge_Login', { YardiPropertyId: property }, doc)).status).toBe(502);
    expect(server.sandbox.data.transactions).toHaveLength(count + 1);
    expect((await writes()).ImportCharge_Login).toEqual({ received: 2, applied: 1, rejected: 0, refused: 1 });
    // Reads on the same path are untouched by the import route.
    expect((await households('GetResidentTransactions_Login', { YardiPropertyId: property })).length).toBeGreaterThan(
      0,
    );
  });

  it('/_control/mutate posts new charges and receipts to households with a ledger', async () => {
    const count = server.sandbox.data.transactions.length;
    const res = await fetch(`${server.url}/_control/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ charges: 2, payments: 1 }),
    });
    expect(((await res.json()) as any).edited).toEqual({ charges: 2, payments: 1 });
    const added = server.sandbox.data.transactions.slice(count);
    expect(added.map((t) => [t.element, t.Detail.Amount])).toEqual([
      ['Charge', '25.10'],
      ['Charge', '25.10'],
      ['Payment', '100.30'],
    ]);
  });
});

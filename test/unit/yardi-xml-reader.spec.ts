import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { VendorAuthError, VendorRequestError } from '../../src/fetch/adapter/vendor-http';
import { yardiAdapter } from '../../src/fetch/yardi/yardi.adapter';
import { METHOD_INTERFACE, soapAction, YARDI_METHODS, type YardiMethod } from '../../src/fetch/yardi/yardi.facts';
import {
  asList,
  credentialParams,
  readSoapResult,
  soapEnvelope,
  YardiMessageError,
  YardiSoapFaultError,
} from '../../src/fetch/yardi/yardi.soap';
import { readXml, XmlSyntaxError } from '../../src/fetch/yardi/yardi.xml-reader';
import { startYardiSandboxServer, YARDI_SANDBOX_CREDENTIALS } from '../../src/sandbox/yardi/yardi-sandbox';
import { recordingClients } from '../support/recording-client';

/** The parser the reader replaces, with the options yardi.soap.ts gave it. */
const fastXmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: true,
});
const FIXTURES = path.resolve(__dirname, '../fixtures/yardi');

/** The same objects, keys in the same order. */
function expectSameAsFastXmlParser(xml: string): void {
  const expected = fastXmlParser.parse(xml, true);
  const actual = readXml(xml);
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

/** The elements at `names` below `tree`, as the adapter read them from fast-xml-parser's tree (asList at each level). */
function elementsAt(tree: unknown, names: readonly string[]): unknown[] {
  if (names.length === 0) return [tree];
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) return [];
  return asList((tree as Record<string, unknown>)[names[0]]).flatMap((child) => elementsAt(child, names.slice(1)));
}

/** One SOAP call to the sandbox; its answer's text. */
async function soapCall(url: string, method: string, params: Record<string, string>): Promise<string> {
  const iface = METHOD_INTERFACE[method as YardiMethod] ?? METHOD_INTERFACE.GetPropertyConfigurations;
  const res = await fetch(`${url}${iface.path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: soapAction(method, iface) },
    body: soapEnvelope(method, params, iface.namespace),
  });
  return res.text();
}

/** The raw records the adapter made from fast-xml-parser's tree of one property's answer, before the reader. */
function treeRecords(model: string, code: string, method: string, tree: any): unknown[] {
  const result = tree.Envelope.Body[`${method}Response`][`${method}Result`];
  const root = { GetUnitInformation_Login: 'UnitInformation', GetServiceRequest_Search: 'ServiceRequests' }[method];
  const raw = result[root ?? 'ResidentTransactions'];
  const document = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
  const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const withProperty = (record: unknown) => (isObject(record) ? { ...record, YardiPropertyId: code } : record);
  if (model === 'service_requests') return asList(document.ServiceRequest).map(withProperty);
  const properties = asList(document.Property).filter(isObject);
  if (model === 'units')
    return properties.flatMap((p) => asList(isObject(p.Units) ? p.Units.Unit : undefined)).map(withProperty);
  const households = properties.flatMap((p) => asList(p.RT_Customer));
  if (model === 'leases') return households.map(withProperty);
  if (model === 'resident_charges' || model === 'resident_payments')
    return households.filter(isObject).flatMap((rt) => {
      const transactions = isObject(rt.RTServiceTransactions) ? rt.RTServiceTransactions.Transactions : undefined;
      const items = asList(
        isObject(transactions) ? transactions[model === 'resident_charges' ? 'Charge' : 'Payment'] : undefined,
      );
      const unit = isObject(rt.RT_Unit) ? rt.RT_Unit.UnitID : undefined;
      return items.map((item) =>
        isObject(item)
          ? {
              YardiPropertyId: code,
              HouseholdID: rt.CustomerID,
              ...(unit === undefined ? {} : { HouseholdUnitID: unit }),
              ...item,
            }
          : item,
      );
    });
  return households.flatMap((rt) => {
    if (!isObject(rt)) return [rt];
    const people = asList(isObject(rt.Customers) ? rt.Customers.Customer : undefined);
    return people.map((customer, i) => ({
      YardiPropertyId: code,
      CustomerID: rt.CustomerID,
      CustomerIndex: i + 1,
      Customer: customer,
    }));
  });
}

describe('Yardi XML reader (yardi.xml-reader.ts)', () => {
  describe('the objects fast-xml-parser gave', () => {
    let server: Awaited<ReturnType<typeof startYardiSandboxServer>>;
    const answers: Array<{ method: string; xml: string }> = [];
    const post = async (method: string, params: Record<string, string>) => {
      answers.push({ method, xml: await soapCall(server.url, method, params) });
    };

    beforeAll(async () => {
      server = await startYardiSandboxServer({ residents: 240, seed: 11, unitsPerProperty: 12 });
      // Values that need escaping, white space to trim, and characters beyond ASCII.
      const [household] = server.sandbox.data.customers;
      const [person] = asList(household.Customers.Customer) as any[];
      person.Name.FirstName = '  Zoë & "Al" <Bo> \'Ø\' ☃ 𝄞  ';
      person.Name.LastName = 'a\tb\nc';
      // A status entry with notes: attributes beside text.
      const [request] = server.sandbox.data.service_requests;
      asList(request.StatusHistory.Status).forEach((entry: any) => (entry['#text'] = ' Called & left a note '));
      const today = new Date();
      const us = (d: Date) =>
        `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()}`;
      const from = us(new Date(today.getTime() - 30 * 86_400_000));
      const codes = server.sandbox.data.properties.map((p) => String(p.Code));
      const login = (code?: string) => credentialParams(YARDI_SANDBOX_CREDENTIALS, code);
      await post('GetPropertyConfigurations', login());
      for (const code of codes) {
        await post('GetUnitInformation_Login', login(code));
        await post('GetResidentTransactions_Login', login(code));
        await post('GetResidentTransactions_ByChargeDate_Login', { ...login(code), FromDate: from, ToDate: us(today) });
        await post('GetServiceRequest_Search', login(code));
      }
      // Error answers: a refused license (Messages), an unknown method (a SOAP Fault), a date range refused.
      await post('GetResidentTransactions_Login', { ...login(codes[0]), InterfaceLicense: 'wrong' });
      await post('GetTenantSecrets_Login', login(codes[0]));
      await post('GetResidentTransactions_ByChargeDate_Login', {
        ...login(codes[0]),
        FromDate: '01/01/2020',
        ToDate: us(today),
      });
    });
    afterAll(() => server.close());

    it('reads every sandbox answer (reads, Messages, Faults) as fast-xml-parser did, to the key order', () => {
      expect(answers.length).toBeGreaterThan(10);
      const all = answers.map((a) => a.xml).join('');
      // The answers hold what the reader must get right: entities, attributes beside text, repeated and lone
      // children, empty elements.
      expect(all).toContain('&apos;');
      expect(all).toContain('&amp;');
      expect(all).toMatch(/<Status [^>]*>[^<]+<\/Status>/);
      expect(all).toMatch(/<\w+ \/>/);
      expect(all).toContain('soap:Fault');
      expect(all).toContain('messageType="Error"');
      for (const { xml } of answers) expectSameAsFastXmlParser(xml);
    });

    it('reads the recorded answers in test/fixtures/yardi (indented, with prefixes and xmlns) as fast-xml-parser did', () => {
      const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.xml'));
      expect(files.length).toBeGreaterThan(5);
      for (const file of files) expectSameAsFastXmlParser(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
    });

    it('gives the client the raw records the tree read gave, model by model', async () => {
      const client = recordingClients(yardiAdapter, () => server.url).client(YARDI_SANDBOX_CREDENTIALS);
      const codes = server.sandbox.data.properties.map((p) => String(p.Code));
      const models = yardiAdapter.models.filter((model) => model !== 'properties');
      for (const model of models) {
        const method = YARDI_METHODS[model];
        const expected: unknown[] = [];
        for (const code of codes) {
          const xml = await soapCall(server.url, method, credentialParams(YARDI_SANDBOX_CREDENTIALS, code));
          expected.push(...treeRecords(model, code, method, fastXmlParser.parse(xml, true)));
        }
        const actual: unknown[] = [];
        for await (const page of client.listPages(model)) actual.push(...page.records);
        expect(actual.length).toBeGreaterThan(model === 'service_requests' ? 10 : 100);
        expect(actual).toStrictEqual(expected);
        expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      }
    });

    it("hands over a read's elements as they close, the same ones the tree held, and leaves them out of the document", () => {
      const reads = answers.filter((a) => /^Get(ResidentTransactions|UnitInformation|ServiceRequest)/.test(a.method));
      let seen = 0;
      for (const { method, xml } of reads) {
        const names = method.startsWith('GetUnit')
          ? ['UnitInformation', 'Property', 'Units', 'Unit']
          : method.startsWith('GetService')
            ? ['ServiceRequests', 'ServiceRequest']
            : ['ResidentTransactions', 'Property', 'RT_Customer'];
        const prefix = ['Envelope', 'Body', `${method}Response`, `${method}Result`];
        const tree = fastXmlParser.parse(xml, true);
        const handed: unknown[] = [];
        const rest = readXml(xml, { path: [...prefix, ...names], onElement: (e) => handed.push(e) });
        expect(handed).toStrictEqual(elementsAt(tree, [...prefix, ...names]));
        expect(elementsAt(rest, [...prefix, ...names])).toEqual([]);
        // The rest of the document is still there (the Property's identification, for one).
        expect(elementsAt(rest, [...prefix, names[0]])).toHaveLength(elementsAt(tree, [...prefix, names[0]]).length);
        seen += handed.length;
      }
      expect(seen).toBeGreaterThan(100);
    });
  });

  it('reads entities, CDATA, comments, mixed content, prefixes and empty elements as fast-xml-parser did', () => {
    const documents = [
      '<a>&amp;&lt;&gt;&quot;&apos; &nbsp;&copy;&reg;&trade;&mdash;&ndash;&hellip;&euro;&pound;&yen;&cent;&deg;&frac12;</a>',
      '<a>&#65;&#x42;&#x1D11E;&#128512; &#0;|&#1;|&#x9;|&#xD800;|&#1114112;|&#;|&unknown;</a>',
      '<a b="&amp;&#x41;&unknown;&#X42; " c=\'say "hi"\' d="1 &lt; 2 > 0"/>',
      '<a>  <![CDATA[ <raw> & ]]>  tail <![CDATA[]]></a>',
      '<a>one <!-- comment -->two<b/>three</a>',
      '<a><!-- only a comment --></a>',
      '<a x="1">text</a>',
      '<a x="1"><b>1</b>text</a>',
      '<a><b>1</b><b>2</b><c/><b>3</b><c></c><d x="y"/></a>',
      '<s:a xmlns:s="urn:s" xmlns="urn:d" s:b="1" xsi:nil="true" a:b:c="2"><s:c>1</s:c><d:c>2</d:c></s:a>',
      '<a><toString>1</toString><hasOwnProperty>2</hasOwnProperty><isPrototypeOf>3</isPrototypeOf></a>',
      '<?xml version="1.0" encoding="utf-8"?>\r\n<a>\r\n line one\r\n line two\r </a>\r\n',
      '\ufeff<?xml version="1.0"?><a><?php echo 1 ?><?target p="v"?>x</a><!-- trailing -->',
      '<a>\n\t  \n</a>',
      '<a b=" padded "/>',
    ];
    for (const xml of documents) expectSameAsFastXmlParser(xml);
  });

  it('reads generated documents as fast-xml-parser does', () => {
    // Names that begin other names ('b', 'bb'; 'Cc', 'Cc2'): the reader tries the name it expects in place.
    const name = fc.constantFrom('A', 'b', 'bb', 'Cc', 'Cc2', 'x:D', 'y:b', 'RT_Customer', 'Phone-1', 'n.2');
    const text = fc
      .array(
        fc.constantFrom('a', ' ', '\n', '\t', '&amp;', '&lt;', '&#233;', '&#x263A;', '&nbsp;', 'é', '"', "'", '>', '1'),
        { maxLength: 8 },
      )
      .map((parts) => parts.join(''));
    type Node = string | { name: string; attributes: Array<[string, string]>; children: Node[] };
    // Text holds no `<`, so a CDATA section or a comment is a string of its own.
    const { node } = fc.letrec<{ node: Node; element: Node }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        text,
        text.map((t) => `<![CDATA[${t}]]>`),
        fc.constant('<!-- c -->'),
        tie('element'),
      ),
      element: fc.record({
        name,
        attributes: fc.uniqueArray(fc.tuple(fc.constantFrom('k', 'kk', 'Type', 'p:k', 'xmlns:p', 'xmlns'), text), {
          maxLength: 3,
          selector: ([k]) => k,
        }),
        children: fc.array(tie('node'), { maxLength: 5 }),
      }),
    }));
    const serialise = (n: Node): string => {
      if (typeof n === 'string') return n;
      const attributes = n.attributes.map(([k, v]) => ` ${k}="${v.replace(/"/g, '&quot;')}"`).join('');
      const content = n.children.map(serialise).join('');
      return content === '' ? `<${n.name}${attributes}/>` : `<${n.name}${attributes}>${content}</${n.name}>`;
    };
    const root = fc.record({
      name,
      attributes: fc.constant([] as Array<[string, string]>),
      children: fc.array(node, { maxLength: 6 }),
    });
    fc.assert(
      fc.property(root, (tree) => expectSameAsFastXmlParser(serialise(tree))),
      { numRuns: 400, seed: 22 },
    );
  });

  it("hands over a parent's lone empty element as no item, as asList read it in fast-xml-parser's tree", () => {
    const handed = (xml: string) => {
      const out: unknown[] = [];
      readXml(xml, { path: ['R', 'P', 'C'], onElement: (e) => out.push(e) });
      return out;
    };
    expect(handed('<R><P><C/></P></R>')).toEqual([]);
    expect(handed('<R><P><C></C></P><P><C>x</C></P></R>')).toEqual(['x']);
    expect(handed('<R><P><C/><C>x</C></P></R>')).toEqual(['', 'x']);
    expect(handed('<R><P><C>x</C><C/></P></R>')).toEqual(['x', '']);
    expect(handed('<R><P><C a="1"/></P><Q><C>no</C></Q></R>')).toEqual([{ '@a': '1' }]);
  });

  describe('strict', () => {
    const answer = fs.readFileSync(path.join(FIXTURES, 'GetResidentTransactions_Login.hill01.xml'), 'utf8');

    it('fails a document cut short at any point, never reading it as fewer records', () => {
      const end = answer.lastIndexOf('>') + 1;
      for (let cut = 0; cut < end; cut++) {
        const read = () =>
          readSoapResult('GetResidentTransactions_Login', answer.slice(0, cut), 200, {
            path: ['ResidentTransactions', 'Property', 'RT_Customer'],
            onRecord: () => undefined,
          });
        expect(read).toThrow(VendorRequestError);
      }
      const error = (() => {
        try {
          readSoapResult('GetResidentTransactions_Login', answer.slice(0, answer.indexOf('</RT_Customer>')), 200);
        } catch (e) {
          return e as VendorRequestError;
        }
      })();
      expect(error).toBeInstanceOf(VendorRequestError);
      expect(error!.retryable).toBe(false);
      expect(error!.message).toMatch(
        /^GetResidentTransactions_Login: the answer \(HTTP 200\) is not XML: the document is cut short inside <soap:Envelope> <soap:Body>/,
      );
    });

    it('fails malformed documents, as fast-xml-parser with its validator did', () => {
      const malformed = [
        '',
        '   ',
        'plain text',
        '<a>',
        '<a></b>',
        '<a><b></a></b>',
        '<a></a><b></b>',
        '<a></a>trailing',
        'leading<a/>',
        '<a b=1/>',
        '<a b="1" b="2"/>',
        '<a b="1"c="2"/>',
        '<a b/>',
        '<a>fish & chips</a>',
        '<a>&#xZZ;</a>',
        '<a>&;</a>',
        '<a>&abcdefghijklmnopqrstuvwxyz;</a>',
        '<a>1 < 2</a>',
        '< a/>',
        '<a><!-- open</a>',
        '<a><![CDATA[ open</a>',
        '<a></a ',
        '</a>',
        '<1a/>',
      ];
      for (const xml of malformed) {
        expect(() => readXml(xml)).toThrow(XmlSyntaxError);
        expect(() => fastXmlParser.parse(xml, true)).toThrow();
      }
      // An attribute written twice is told whether its name is one the element was met with before or not, and
      // past the few names an element remembers.
      const many = Array.from({ length: 10 }, (_, i) => ` a${i}="${i}"`).join('');
      for (const xml of [`<r><a${many}/><a b="1" b="2"/></r>`, `<r><a${many}/><a${many} a9="x"/></r>`]) {
        expect(() => readXml(xml)).toThrow(/attribute \w+ of <a> is repeated/);
        expect(() => fastXmlParser.parse(xml, true)).toThrow();
      }
      // Its validator missed these: a second root written "<b/>", text after a root closed by "/>".
      for (const xml of ['<a/><b/>', '<a></a><b/>', '<a/>trailing']) {
        expect(() => readXml(xml)).toThrow(XmlSyntaxError);
        expect(() => fastXmlParser.parse(xml, true)).not.toThrow();
      }
    });

    it('refuses a DOCTYPE (a SOAP message may not have one), markup it does not know, and nesting past 100', () => {
      expect(() => readXml('<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>')).toThrow(/DOCTYPE/);
      expect(() => readXml('<a><!ELEMENT b ANY></a>')).toThrow(XmlSyntaxError);
      expect(() => readXml('<a><?xml version="1.0"?></a>')).toThrow(/declaration/);
      expect(() => readXml('<__proto__/>')).toThrow(XmlSyntaxError);
      const nested = (depth: number) => '<a>'.repeat(depth) + '</a>'.repeat(depth);
      expect(() => readXml(nested(101))).not.toThrow();
      expect(() => readXml(nested(102))).toThrow(/nested deeper than 100/);
      expect(() => fastXmlParser.parse(nested(102), true)).toThrow(/nested/);
    });

    it("fails Yardi's error forms with their errors when reading records too, whatever records came before", () => {
      const records = { path: ['ResidentTransactions', 'Property', 'RT_Customer'], onRecord: () => undefined };
      const envelope = (result: string) =>
        `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetResidentTransactions_LoginResponse><GetResidentTransactions_LoginResult>${result}</GetResidentTransactions_LoginResult></GetResidentTransactions_LoginResponse></soap:Body></soap:Envelope>`;
      const households =
        '<ResidentTransactions><Property><RT_Customer><CustomerID>t1</CustomerID></RT_Customer></Property></ResidentTransactions>';
      const read =
        (xml: string, status = 200) =>
        () =>
          readSoapResult('GetResidentTransactions_Login', xml, status, records);
      expect(
        read(
          envelope(
            `${households}<Messages><Message messageType="Error">Invalid Interface Entity or License</Message></Messages>`,
          ),
        ),
      ).toThrow(/refused the interface/);
      expect(
        read(
          envelope(
            `${households}<Messages><Message messageType="Error">YardiPropertyId &apos;x&apos; is unknown</Message></Messages>`,
          ),
        ),
      ).toThrow(YardiMessageError);
      expect(
        read(envelope(`${households}<Messages><Message messageType="Info">ok</Message></Messages>`)),
      ).not.toThrow();
      const fault = (text: string) =>
        `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>${text}</faultstring></soap:Fault></soap:Body></soap:Envelope>`;
      expect(read(fault('Server was unable to process request. ---&gt; Invalid login'), 500)).toThrow(VendorAuthError);
      expect(read(fault('Server was unable to process request. ---&gt; NullReferenceException'), 500)).toThrow(
        YardiSoapFaultError,
      );
      expect(read('<html><body>Service Unavailable</body></html>')).toThrow(/not a SOAP envelope/);
    });
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { isoTimeOrNull, type LinkChange, simulatorState } from '../kit/control-api';
import { type DeniedCollections, isDenied } from '../kit/denied-collections';
import { type Fault, FaultInjector } from '../kit/fault-injector';
import { applyChanges, editEvenly, withRound } from '../kit/record-edits';
import { BodyError, readText, type ServeOptions, startSandboxServer } from '../kit/sandbox-http';
import { type SimulatedVendor, VendorSimulator } from '../kit/vendor-simulator';
import { generateYardiData, type YardiData, type YardiDatasetOptions } from './yardi-dataset';
import { writeElement } from './yardi-xml';
import { advanceServiceRequest } from './yardi-service-requests';
import { chargeDateRange, importTransactions, postCharge, postReceipt, serviceTransactions } from './yardi-ledger';
import {
  createOrEditServiceRequests,
  documentOf,
  importApplication,
  serviceRequestView,
  namespaceOf,
  updateResidentData,
  WRITE_INTERFACES,
  type WriteInterface,
  type YardiWriteResult,
} from './yardi-writes';

type Rec = Record<string, any>;
type Collection = keyof YardiData;

export interface YardiCredentialSet {
  username: string;
  password: string;
  database: string;
  serverName: string;
  platform: string;
  entity: string;
  license: string;
}

export interface YardiSandboxOptions extends YardiDatasetOptions {
  /** Accepted credential sets; a method reading a denied collection is refused as a wrong license is. */
  credentials?: Array<YardiCredentialSet & DeniedCollections<Collection>>;
  /** Answer `Error: Database busy` beyond this many calls in any second (Voyager's throttle signal). Unlimited when absent. */
  requestsPerSecond?: number;
  /** Every answer takes at least this long (a busy Voyager is slow). */
  latencyMs?: number;
  /** Interfaces (e.g. `ItfCommonData`) not configured for a property: their calls for it answer "not Configured". */
  unlicensed?: Array<{ interface: string; property: string }>;
}

export type YardiSandbox = SimulatedVendor<YardiData, YardiSandboxOptions>;

export const YARDI_SANDBOX_CREDENTIALS: YardiCredentialSet = {
  username: 'sandbox-user',
  password: 'sandbox-password',
  database: 'sandbox_live',
  serverName: 'sandbox_sql',
  platform: 'SQL Server',
  entity: 'Latchkey Sandbox',
  license: 'sandbox-interface-license',
};
/**
 * Accepted by default too, but its license does not cover resident transactions (customers), so residents
 * and leases, read by the same method, fail: the demo's FAILED data-access check.
 */
export const YARDI_SANDBOX_LIMITED_CREDENTIALS: YardiCredentialSet = {
  ...YARDI_SANDBOX_CREDENTIALS,
  username: 'sandbox-limited-user',
  license: 'sandbox-limited-interface-license',
};

const DEFAULT_CREDENTIALS: NonNullable<YardiSandboxOptions['credentials']> = [
  YARDI_SANDBOX_CREDENTIALS,
  { ...YARDI_SANDBOX_LIMITED_CREDENTIALS, denied: ['customers'] },
];
const INVALID_LICENSE = 'Invalid Interface Entity or License';

const SERVICE_PATH = '/webservices/itfresidenttransactions20.asmx';
const SEARCH_METHOD = 'GetServiceRequest_Search'; // IIS compares paths case-insensitively
const NAMESPACE = 'http://tempuri.org/YSI.Interfaces.WebServices/ItfResidentTransactions20';
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** The methods served, the collection each answers from, its document and the id element a malformed fault corrupts. */
const METHODS: Record<string, { collection: Collection; perProperty: boolean; idField: string }> = {
  GetPropertyConfigurations: { collection: 'properties', perProperty: false, idField: 'Code' },
  GetUnitInformation_Login: { collection: 'units', perProperty: true, idField: 'UnitID' },
  GetResidentTransactions_Login: { collection: 'customers', perProperty: true, idField: 'CustomerID' },
  GetResidentTransactions_ByChargeDate_Login: { collection: 'customers', perProperty: true, idField: 'CustomerID' },
};
/** The import methods that share the read interface's path. */
const IMPORTS: Record<string, 'Charge' | 'Payment'> = {
  ImportCharge_Login: 'Charge',
  ImportResidentTransactions_Login: 'Charge',
  ImportReceipt_Login: 'Payment',
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  htmlEntities: true,
});

/**
 * A Yardi Voyager Resident Transactions simulator (docs/vendors/yardi.md): SOAP 1.1 on one .asmx path,
 * the seven credential parameters in every call, one property per call, errors as SOAP Faults or as
 * `<Messages>` inside a normal answer, `Error: Database busy` when called too fast; plus the control API
 * under /_control/ (state, reset, mutate, CRUD of properties/units/customers, faults). A fault's `path`
 * names the SOAP method it applies to (every method when absent).
 */
export function createYardiSandbox(initial: YardiSandboxOptions = {}): YardiSandbox {
  return new YardiSimulator().reset(initial);
}

class YardiSimulator extends VendorSimulator<YardiData, YardiSandboxOptions> implements YardiSandbox {
  private byProperty: Partial<Record<Collection, Map<string, Rec[]>>> = {};
  private ledgerIndex: { of: Rec[]; size: number; index: Map<string, Rec[]> } | null = null;

  protected generate(options: YardiSandboxOptions): YardiData {
    return generateYardiData(options);
  }

  protected override onReset(): void {
    this.byProperty = {};
    this.ledgerIndex = null;
    this.mutationRound = 0;
    this.lastResponseAt = null;
  }

  protected control() {
    return {
      mutateKinds: ['properties', 'units', 'residents', 'leases', 'charges', 'payments', 'service_requests'],
      faultPaths: [...Object.keys(METHODS), SEARCH_METHOD, ...WRITE_INTERFACES.flatMap((i) => Object.keys(i.methods))],
    };
  }

  protected sendInternalError(res: ServerResponse, error: Error): void {
    sendXml(res, 500, fault('soap:Server', `Server was unable to process request. ---> ${error.message}`));
  }

  // ---- the vendor API: SOAP ------------------------------------------------------------------------

  protected async vendorApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const action = String(req.headers.soapaction ?? '').replace(/^"|"$/g, '');
    const isImport = Object.keys(IMPORTS).some((method) => action === `${NAMESPACE}/${method}`);
    const writeInterface = WRITE_INTERFACES.find(
      (i) => i.path === url.pathname.toLowerCase() && (i.path !== SERVICE_PATH || isImport),
    );
    if (writeInterface) return this.writeApi(req, res, writeInterface);
    if (url.pathname.toLowerCase() !== SERVICE_PATH)
      return sendXml(res, 404, '<?xml version="1.0"?><error>The resource cannot be found.</error>');
    const call = await readSoapCall(req, res, NAMESPACE, (method) => Object.hasOwn(METHODS, method));
    if (!call) return;
    const { method, params } = call;
    const { collection, perProperty } = METHODS[method];
    const refusal = this.refusal(params, collection, perProperty);
    if (refusal) return sendXml(res, 200, answer(method, messages(refusal)));
    if (this.overRate(this.options.requestsPerSecond))
      return sendXml(res, 200, answer(method, messages('Error: Database busy')));
    const faults = await this.served(method, (failing) => sendServerFault(res, failing), this.options.latencyMs);
    if (!faults) return;

    const { idField } = METHODS[method];
    const code = perProperty ? String(params.YardiPropertyId) : '';
    const range = method === 'GetResidentTransactions_ByChargeDate_Login' ? chargeDateRange(params) : undefined;
    if (typeof range === 'string') return sendXml(res, 200, answer(method, messages(range)));
    let records = perProperty ? (this.propertyIndex(collection).get(code) ?? []) : this.store.properties;
    if (collection === 'customers') records = this.withTransactions(records, range);
    const served = FaultInjector.corruptPage(records, faults, idField).map(withoutPropertyId);
    sendXml(res, 200, answer(method, document(method, code, served)));
    this.lastResponseAt = Date.now();
  }

  /**
   * Households with their `RTServiceTransactions` (all of them; or, for the charge-date method, those dated in
   * `range`, and only the households that have some: charges and payments each by their own date, modelled).
   */
  private withTransactions(households: Rec[], range?: { from: string; to: string }): Rec[] {
    const byHousehold = this.transactionIndex();
    const inRange = (t: Rec) =>
      !range || (t.Detail.TransactionDate >= range.from && t.Detail.TransactionDate <= range.to);
    return households.flatMap((h) => {
      const own = (byHousehold.get(h.CustomerID) ?? []).filter(inRange);
      if (range && own.length === 0) return [];
      const transactions = serviceTransactions(own);
      return [transactions ? { ...h, RTServiceTransactions: transactions } : h];
    });
  }

  /**
   * The transactions by household, built once per ledger (a property's call would otherwise scan every household's
   * ledger): rebuilt when transactions are added or removed; their Details change in place, which it sees.
   */
  private transactionIndex(): Map<string, Rec[]> {
    const { transactions } = this.store;
    if (this.ledgerIndex?.of !== transactions || this.ledgerIndex.size !== transactions.length) {
      const index = new Map<string, Rec[]>();
      for (const t of transactions) {
        const list = index.get(t.CustomerID);
        if (list) list.push(t);
        else index.set(t.CustomerID, [t]);
      }
      this.ledgerIndex = { of: transactions, size: transactions.length, index };
    }
    return this.ledgerIndex.index;
  }

  /**
   * A write interface (docs/vendors/yardi.md, Writes): the same SOAP rules and credential parameters; the outcome
   * is `<Messages>` (Info or Error) in an HTTP 200 answer, after the credentials, the busy throttle and the
   * injected faults (a fault's path is the method).
   */
  private async writeApi(req: IncomingMessage, res: ServerResponse, iface: WriteInterface): Promise<void> {
    const namespace = namespaceOf(iface.name);
    const isSearch = (method: string) => iface.name === 'ItfServiceRequests' && method === SEARCH_METHOD;
    const call = await readSoapCall(
      req,
      res,
      namespace,
      (method) => Object.hasOwn(iface.methods, method) || isSearch(method),
    );
    if (!call) return;
    const { method, params } = call;
    const parameter = iface.methods[method];
    const search = isSearch(method);
    const respond = (result: YardiWriteResult) => () =>
      sendXml(
        res,
        200,
        answer(method, { ...(result.messages.length ? messageList(result.messages) : {}), ...result.extra }, namespace),
      );
    const refusal = this.refusal(params, null, method !== 'UpdateResidentData');
    if (search) {
      if (refusal) return sendXml(res, 200, answer(method, messages(refusal), namespace));
      if (this.overRate(this.options.requestsPerSecond))
        return sendXml(res, 200, answer(method, messages('Error: Database busy'), namespace));
      const faults = await this.served(method, (failing) => sendServerFault(res, failing), this.options.latencyMs);
      if (!faults) return;
      return sendXml(res, 200, answer(method, this.searchServiceRequests(iface, params, faults), namespace));
    }
    if (refusal) return this.refuseWrite(method, 'rejected', respond({ applied: false, messages: [error(refusal)] }));
    if (this.overRate(this.options.requestsPerSecond))
      return this.refuseWrite(
        method,
        'refused',
        respond({ applied: false, messages: [error('Error: Database busy')] }),
      );
    await this.servedWrite(
      method,
      method,
      (failing) => sendServerFault(res, failing),
      () => {
        const result = this.applyWrite(iface, method, params, documentOf(params, parameter!));
        return { outcome: result.applied ? 'applied' : 'rejected', respond: respond(result) };
      },
    );
  }

  private applyWrite(iface: WriteInterface, method: string, params: Rec, doc: Rec | null): YardiWriteResult {
    const nullReference = {
      applied: false,
      messages: [error('Object reference not set to an instance of an object.')],
    };
    const property =
      method === 'UpdateResidentData'
        ? String(doc?.ResidentData?.Resident?.PropertyCode ?? '')
        : String(params.YardiPropertyId);
    if (IMPORTS[method] && !this.store.properties.some((p) => p.Code === property))
      return { applied: false, messages: [error(`Invalid or missing YardiPropertyId: ${property}`)] };
    // The interface's configuration for the property is checked before the document is read (the vendor file's
    // access probe, an empty document, tells "not Configured" apart from a validation error).
    const notConfigured = this.notConfigured(iface, params, property);
    if (notConfigured) return { applied: false, ...notConfigured };
    if (!doc) return nullReference;
    const result = IMPORTS[method]
      ? importTransactions(this.store, property, doc, IMPORTS[method])
      : method === 'ImportApplication_Login'
        ? importApplication(this.store, property, doc)
        : method === 'CreateOrEditServiceRequests'
          ? createOrEditServiceRequests(this.store, property, doc, new Date())
          : updateResidentData(this.store, doc);
    if (result.applied) this.byProperty = {};
    return result;
  }

  /** An interface not configured for the property, in Yardi's words (the Service Requests variant: `<ErrorMessage>`). */
  private notConfigured(
    iface: WriteInterface,
    params: Rec,
    property: string,
  ): Omit<YardiWriteResult, 'applied'> | null {
    if (!this.options.unlicensed?.some((u) => u.interface === iface.name && u.property === property)) return null;
    const text = `Interface '${String(params.InterfaceEntity)}' is not Configured for property '${property}'`;
    return iface.name === 'ItfServiceRequests'
      ? { messages: [], extra: { ErrorMessage: text } }
      : { messages: [error(text)] };
  }

  /**
   * GetServiceRequest_Search: one property's requests, narrowed by UnitCode, ResidentCode, Status, OpenOrClosed and
   * the FromDate/ToDate window (MM/DD/YYYY, inclusive) on their last update (modelled, so changes are seen); none
   * is the "error" the vendor file says means an empty list.
   */
  private searchServiceRequests(iface: WriteInterface, params: Rec, faults: Fault[]): Rec {
    const property = String(params.YardiPropertyId);
    const notConfigured = this.notConfigured(iface, params, property);
    if (notConfigured) return notConfigured.extra!;
    const given = (name: string) =>
      typeof params[name] === 'string' && params[name] !== '' ? params[name] : undefined;
    const day = (value: string | undefined) =>
      value && /^\d{2}\/\d{2}\/\d{4}$/.test(value)
        ? `${value.slice(6, 10)}-${value.slice(0, 2)}-${value.slice(3, 5)}`
        : undefined;
    const from = day(given('FromDate'));
    const to = day(given('ToDate'));
    const closed = new Set(['Work Completed', 'Canceled']);
    const matching = this.store.service_requests.filter((r) => {
      const updated = String(r.UpdateDate).slice(0, 10);
      const openOrClosed = given('OpenOrClosed')?.toLowerCase();
      return (
        r.PropertyCode === property &&
        (!given('UnitCode') || r.UnitCode === given('UnitCode')) &&
        (!given('ResidentCode') || r.TenantCode === given('ResidentCode')) &&
        (!given('Status') || r.CurrentStatus === given('Status')) &&
        (openOrClosed !== 'open' || !closed.has(r.CurrentStatus)) &&
        (openOrClosed !== 'closed' || closed.has(r.CurrentStatus)) &&
        (!from || updated >= from) &&
        (!to || updated <= to)
      );
    });
    if (matching.length === 0) return { ErrorMessage: 'There are no service requests found for these input values.' };
    const served = FaultInjector.corruptPage(matching.map(serviceRequestView), faults, 'ServiceRequestId');
    return { ServiceRequests: { ServiceRequest: served } };
  }

  /** Why the call is refused (Yardi answers these as `<Messages>` in a normal response), or null. */
  private refusal(params: Rec, collection: Collection | null, perProperty: boolean): string | null {
    const accepted = this.options.credentials ?? DEFAULT_CREDENTIALS;
    const given = (name: string) => (typeof params[name] === 'string' ? params[name] : '');
    const login = accepted.filter((c) => c.username === given('UserName') && c.password === given('Password'));
    if (login.length === 0) return 'Invalid User Name or Password';
    const database = login.filter(
      (c) =>
        c.database === given('Database') && c.serverName === given('ServerName') && c.platform === given('Platform'),
    );
    if (database.length === 0)
      return `Login failed: no database ${given('Database')} on server ${given('ServerName')} (${given('Platform')})`;
    const licensed = database.find(
      (c) => c.entity === given('InterfaceEntity') && c.license === given('InterfaceLicense'),
    );
    // Voyager words a method the license does not cover as it words a wrong license.
    if (!licensed || (collection && isDenied(licensed, collection))) return INVALID_LICENSE;
    if (perProperty && !this.store.properties.some((p) => p.Code === given('YardiPropertyId'))) {
      return `Invalid or missing YardiPropertyId: ${given('YardiPropertyId')}`;
    }
    return null;
  }

  private propertyIndex(collection: Collection): Map<string, Rec[]> {
    let index = this.byProperty[collection];
    if (!index) {
      index = new Map();
      for (const record of this.store[collection]) {
        const list = index.get(record.YardiPropertyId);
        if (list) list.push(record);
        else index.set(record.YardiPropertyId, [record]);
      }
      this.byProperty[collection] = index;
    }
    return index;
  }

  // ---- the control API: change the data between syncs, inject faults --------------------------------

  state() {
    const people = this.store.customers.reduce((n, c) => n + (c.Customers?.Customer?.length ?? 0), 0);
    const counts = {
      properties: this.store.properties.length,
      units: this.store.units.length,
      customers: this.store.customers.length,
      people,
      service_requests: this.store.service_requests.length,
      transactions: this.store.transactions.length,
    };
    return simulatorState(this, 'YARDI', { lastResponseAt: isoTimeOrNull(this.lastResponseAt) }, counts);
  }

  /**
   * Edits `n` records of each named kind, spread evenly over its collection: properties get a new
   * MarketingName, units a new MarketRent, residents (each RT_Customer's first person) a new FirstName,
   * leases a new CurrentRent, service requests their next status; charges and payments are new ones.
   */
  mutate(counts: Rec) {
    const round = ++this.mutationRound;
    const bump = (amount: string | undefined, places: number) => (Number(amount ?? 1000) + 1.25).toFixed(places);
    const today = new Date().toISOString().slice(0, 10);
    const withLedger = () => {
      const households = new Set(this.store.transactions.map((t) => t.CustomerID));
      return this.store.customers.filter((c) => households.has(c.CustomerID));
    };
    const recordsOf = (
      kind: 'properties' | 'units' | 'residents' | 'leases' | 'charges' | 'payments' | 'service_requests',
    ) =>
      kind === 'residents'
        ? this.store.customers.filter((c) => c.Customers?.Customer?.length)
        : kind === 'leases'
          ? this.store.customers
          : kind === 'charges' || kind === 'payments'
            ? withLedger()
            : this.store[kind];
    return editEvenly(counts, recordsOf, {
      properties: (r) => (r.MarketingName = withRound(r.MarketingName, round)),
      units: (r) => (r.MarketRent = bump(r.MarketRent, 4)),
      residents: (r) => {
        const person = r.Customers.Customer[0];
        person.Name = { ...person.Name, FirstName: withRound(person.Name?.FirstName, round) };
      },
      leases: (r) => (r.Lease = { ...r.Lease, CurrentRent: bump(r.Lease?.CurrentRent, 2) }),
      // A new 25.10 late fee; a new 100.30 check receipt paid into the oldest open charges.
      charges: (h) => postCharge(this.store, h, { code: 'late', description: 'Late fee', date: today, cents: 2510 }),
      payments: (h) =>
        postReceipt(this.store, h, { type: 'Check', date: today, cents: 10030, description: 'Payment', apply: true }),
      // The next status, with its StatusHistory entry.
      service_requests: (r) => advanceServiceRequest(r, new Date()),
    });
  }

  /** The record a control path names by its key, sent URI-encoded (unit keys hold a colon). */
  find(collection: Collection, encodedKey: string): Rec | undefined {
    const key = decodeURIComponent(encodedKey);
    return this.store[collection].find((r) => keyOf(collection, r) === key);
  }

  /** A new record; ids (Code, CustomerID) are given out when the body has none. Returns an error message for a bad body. */
  create(collection: Collection, body: Rec): Rec | string {
    const records = this.store[collection];
    const record: Rec = { ...body };
    if (collection === 'properties') record.Code ??= `p${String(records.length + 1).padStart(4, '0')}`;
    if (collection === 'customers') {
      record.CustomerID ??= `t${String(Math.max(0, ...records.map((r) => Number(String(r.CustomerID).slice(1)) || 0)) + 1).padStart(7, '0')}`;
      record.Customers ??= { Customer: [] };
    }
    if (collection !== 'properties' && !this.store.properties.some((p) => p.Code === record.YardiPropertyId))
      return 'YardiPropertyId must name a property';
    if (collection === 'units' && typeof record.UnitID !== 'string') return 'UnitID is required';
    if (records.some((r) => keyOf(collection, r) === keyOf(collection, record)))
      return `${collection} ${keyOf(collection, record)} exists already`;
    records.push(record);
    this.byProperty = {};
    return record;
  }

  update(_collection: Collection, record: Rec, body: Rec): Rec {
    applyChanges(record, body);
    this.ledgerIndex = null;
    if ('YardiPropertyId' in body) this.byProperty = {};
    return record;
  }

  remove(collection: Collection, record: Rec): void {
    this.removeRecord(collection, record);
    this.byProperty = {};
  }

  /**
   * A person taken out of its household (RT_Customer: the lease) and/or put in another, as Voyager shows it:
   * the person's Customer element moves to the end of the other household's Customers. `resident` is the
   * person as Latchkey names it: the household's CustomerID, then `:n` for its n-th person (n > 1). A person
   * is always in one household, so there is no adding one without taking it from another: to add a person,
   * PATCH the household's Customers.
   */
  relink({ resident, from, to }: LinkChange): Rec | string {
    const [household, position = '1'] = resident.split(':');
    if (from === null)
      return 'a Yardi person is in exactly one household: give "from" (a move or a removal), or PATCH the household to add a person';
    if (from !== household) return `person ${resident} is not in household ${from}`;
    const source = this.find('customers', household);
    const people: Rec[] | undefined = source?.Customers?.Customer;
    const index = Number(position) - 1;
    if (!people || !Number.isInteger(index) || index < 0 || index >= people.length)
      return `person ${resident} not found`;
    const target = to === null ? null : this.find('customers', to);
    if (to !== null && !target) return `household ${to} not found`;
    const [person] = people.splice(index, 1);
    if (target) (target.Customers ??= { Customer: [] }).Customer = [...(target.Customers.Customer ?? []), person];
    return { resident, household: to, position: target ? target.Customers.Customer.length : null };
  }
}

/**
 * Reads one SOAP 1.1 call for `namespace` (POST, text/xml, a SOAPAction naming a method `serves`), or answers
 * as IIS/ASMX would (405, 415, a soap:Client fault) and gives null.
 */
async function readSoapCall(
  req: IncomingMessage,
  res: ServerResponse,
  namespace: string,
  serves: (method: string) => boolean,
): Promise<{ method: string; params: Rec } | null> {
  if (req.method !== 'POST') {
    sendXml(res, 405, '<?xml version="1.0"?><error>Only SOAP 1.1 POST is served here.</error>');
    return null;
  }
  if (!/^text\/xml\b/i.test(String(req.headers['content-type'] ?? ''))) {
    sendXml(res, 415, '<?xml version="1.0"?><error>Content-Type must be text/xml.</error>');
    return null;
  }
  const action = String(req.headers.soapaction ?? '').replace(/^"|"$/g, '');
  const method = action.startsWith(`${namespace}/`) ? action.slice(namespace.length + 1) : '';
  if (!serves(method)) {
    sendXml(res, 500, fault('soap:Client', `Server did not recognize the value of HTTP Header SOAPAction: ${action}.`));
    return null;
  }
  let params: unknown;
  try {
    params = parser.parse(await readText(req, 1_000_000), true)?.Envelope?.Body?.[method];
  } catch (error) {
    if (error instanceof BodyError) throw error;
    sendXml(res, 400, fault('soap:Client', `Server was unable to read request. ---> ${(error as Error).message}`));
    return null;
  }
  if (!params || typeof params !== 'object') {
    sendXml(res, 500, fault('soap:Client', `Server was unable to read request: no ${method} element in the Body.`));
    return null;
  }
  return { method, params: params as Rec };
}

/** The control API's key of a record: Code, CustomerID, or `YardiPropertyId:UnitID` (unit codes repeat across properties). */
function keyOf(collection: Collection, record: Rec): string {
  if (collection === 'properties') return String(record.Code);
  if (collection === 'service_requests') return String(record.ServiceRequestId);
  if (collection === 'customers') return String(record.CustomerID);
  if (collection === 'transactions') return String(record.Detail?.TransactionID);
  return `${record.YardiPropertyId}:${record.UnitID}`;
}

function withoutPropertyId(record: object): Rec {
  const { YardiPropertyId: _stored, ...element } = record as Rec;
  return element;
}

/** The MITS document a method answers with, for one property (or the database's properties). */
function document(method: string, code: string, records: Rec[]): Rec {
  const propertyId = { Identification: { '@IDValue': code, '@IDType': 'YardiPropertyId' } };
  switch (method) {
    case 'GetPropertyConfigurations':
      return { Properties: { Property: records } };
    case 'GetUnitInformation_Login':
      return { UnitInformation: { '@xmlns': '', Property: { PropertyID: propertyId, Units: { Unit: records } } } };
    default:
      return { ResidentTransactions: { '@xmlns': '', Property: { PropertyID: propertyId, RT_Customer: records } } };
  }
}

const messages = (error: string) => ({ Messages: { Message: { '@messageType': 'Error', '#text': error } } });
const error = (text: string) => ({ type: 'Error' as const, text });
const messageList = (list: YardiWriteResult['messages']) => ({
  Messages: { Message: list.map((m) => ({ '@messageType': m.type, '#text': m.text })) },
});

function answer(method: string, result: Rec, namespace = NAMESPACE): string {
  return envelope({ [`${method}Response`]: { '@xmlns': namespace, [`${method}Result`]: result } });
}

/** An injected status fault as Voyager fails: a SOAP Fault (a deadlock for 5xx, "too busy" otherwise). */
function sendServerFault(res: ServerResponse, failing: { status: number; headers?: Record<string, string> }): void {
  const message =
    failing.status >= 500
      ? 'System.Data.SqlClient.SqlException: Transaction was deadlocked on lock resources with another process'
      : 'Server too busy';
  sendXml(
    res,
    failing.status,
    fault('soap:Server', `Server was unable to process request. ---> ${message}`),
    failing.headers,
  );
}

function fault(code: string, message: string): string {
  return envelope({ 'soap:Fault': { faultcode: code, faultstring: message, detail: '' } });
}

function envelope(body: Rec): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>'];
  writeElement(
    'soap:Envelope',
    {
      '@xmlns:soap': SOAP_NS,
      '@xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      '@xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
      'soap:Body': body,
    },
    out,
  );
  return out.join('');
}

function sendXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/xml; charset=utf-8',
    'content-length': Buffer.byteLength(xml),
    ...headers,
  });
  res.end(xml);
}

/** Runs the simulator as its own HTTP server (tests, benchmarks). */
export const startYardiSandboxServer = (options: YardiSandboxOptions & ServeOptions = {}) =>
  startSandboxServer(createYardiSandbox, options);

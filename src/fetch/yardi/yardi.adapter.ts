import { isObject } from '../../normalise/normalise';
import { accountScope, SharedReads, type SharedPull } from '../adapter/shared-reads';
import { type ListOptions, type RawPage, type VendorAdapter, type VendorClient } from '../adapter/vendor-adapter';
import { VendorRequestError, type VendorHttp } from '../adapter/vendor-http';
import { YardiCredentials } from './yardi.credentials';
import {
  LEDGER_WINDOW,
  METHOD_INTERFACE,
  soapAction,
  YARDI_EXPECTED_FIELDS,
  YARDI_FACTS,
  YARDI_INCREMENTAL_MODELS,
  YARDI_METHODS,
  type YardiMethod,
  YARDI_MODELS,
  type YardiModel,
} from './yardi.facts';
import { mapYardiRecord, yardiVendorId } from './yardi.mapper';
import { asList, credentialParams, readSoapResult, soapEnvelope, yardiError } from './yardi.soap';
import { YARDI_WRITE_FIELDS, YardiWriter } from './yardi.writes';

/**
 * Yardi Voyager's SOAP interfaces (docs/vendors/yardi.md): one property per call and no paging. Properties,
 * units, residents and leases have no incremental filter, so they are always pulled in full and changes come
 * from our diff; service requests, charges and payments are read by date windows in an incremental pull.
 */
export const yardiAdapter: VendorAdapter<YardiCredentials, YardiModel> = {
  vendor: 'YARDI',
  facts: YARDI_FACTS,
  credentialsDto: YardiCredentials,
  models: YARDI_MODELS,
  incrementalModels: YARDI_INCREMENTAL_MODELS,
  client: (credentials, context) =>
    new YardiClient(
      context.connect({ 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' }),
      credentials,
      accountScope(context.baseUrl, credentials),
    ),
  map: mapYardiRecord,
  vendorId: yardiVendorId,
  writeFields: YARDI_WRITE_FIELDS,
  expectedFields: YARDI_EXPECTED_FIELDS,
};

/** The element each method's answer must hold: its absence is an error, never "no records" (that would delete them all). */
const DOCUMENT_ROOT: Record<YardiMethod, string> = {
  GetPropertyConfigurations: 'Properties',
  GetUnitInformation_Login: 'UnitInformation',
  GetResidentTransactions_Login: 'ResidentTransactions',
  GetResidentTransactions_ByChargeDate_Login: 'ResidentTransactions',
  GetServiceRequest_Search: 'ServiceRequests',
};

/** GetServiceRequest_Search's "error" that means an empty list (docs/vendors/yardi.md). */
const NONE_FOUND = /no (service requests|work orders) found/i;

type Raw = Record<string, any>;
/** The extra parameters of a call (a date window), after the credentials, in the WSDL's order. */
type Params = Record<string, string>;

class YardiClient implements VendorClient<YardiModel> {
  readonly writer: YardiWriter;

  constructor(
    private readonly http: VendorHttp,
    private readonly credentials: YardiCredentials,
    private readonly account: string,
  ) {
    // The writer reads as a sync does: the same calls, the same raw records.
    this.writer = new YardiWriter(http, credentials, {
      propertyCodes: async () => propertyCodes(await this.properties()),
      records: (model, code) => this.read(model, YARDI_METHODS[model], code),
    });
  }

  /**
   * Properties in one page; every other model a call per property (and, in an incremental pull of charges and
   * payments, per 31-day slice), the next call made while the caller is still writing the current page, the calls'
   * records gathered into pages of at least PAGE_RECORDS (the last page smaller).
   */
  async *listPages(model: YardiModel, options: ListOptions = {}): AsyncIterable<RawPage> {
    if (model === 'properties') {
      const properties = await this.properties();
      yield { records: properties, total: properties.length };
      return;
    }
    const windows = this.windows(model, options.since);
    // A pull of one call per property makes the same calls as the other models' pulls of the same method (a full
    // pull's GetResidentTransactions_Login holds residents, leases, charges and payments): shared with those running.
    const shared =
      windows.length === 1 && windows[0][1] === undefined
        ? SHARED_CALLS.begin(`${this.account}\u0000${windows[0][0]}`, model)
        : null;
    try {
      const calls = propertyCodes(await this.properties()).flatMap((code) =>
        windows.map(
          ([method, params]) =>
            () =>
              shared ? this.sharedRead(shared, model, method, code) : this.read(model, method, code, params),
        ),
      );
      const fetch = (i: number) => {
        const request = calls[i]();
        request.catch(() => undefined); // a prefetch the caller abandons must not crash the process when it fails
        return request;
      };
      let pending = calls.length > 0 ? fetch(0) : null;
      let gathered: unknown[] = [];
      for (let i = 0; pending; i++) {
        for (const record of await pending) gathered.push(record);
        pending = i + 1 < calls.length ? fetch(i + 1) : null;
        if (gathered.length >= PAGE_RECORDS || !pending) {
          yield { records: gathered };
          gathered = [];
        }
      }
    } finally {
      shared?.end();
    }
  }

  /** One property's raw records of a model, from the answer of a call shared with other models' pulls. */
  private async sharedRead(
    shared: SharedPull<YardiModel, unknown[]>,
    model: RecordModel,
    method: YardiMethod,
    code: string,
  ): Promise<unknown[]> {
    const { answer } = await shared.read(code, async () => {
      const read = await this.call(method, code, {}, { path: RECORD_PATH[model], records: (element) => [element] });
      return read.records;
    });
    return answer.flatMap((element) => recordsOf(model, code, element));
  }

  /** The calls that read one property's records of a model: one, or in an incremental pull one per date slice. */
  private windows(model: YardiModel, since?: Date): Array<[YardiMethod, Params?]> {
    const method = YARDI_METHODS[model];
    if (!since || !(YARDI_INCREMENTAL_MODELS as readonly string[]).includes(model)) return [[method]];
    const slices = windowSlices(since, new Date());
    if (model === 'service_requests')
      return [[method, { FromDate: slices[0].FromDate, ToDate: slices[slices.length - 1].ToDate }]];
    return slices.map((slice) => ['GetResidentTransactions_ByChargeDate_Login', slice]);
  }

  /**
   * Yardi has no limit to ask for: properties are one GetPropertyConfigurations call; any other model that
   * call, then its method for the first property only (none: nothing to read, which is no refusal).
   */
  async probe(model: YardiModel): Promise<void> {
    const properties = await this.properties();
    if (model === 'properties') return;
    const [first] = propertyCodes(properties);
    if (first !== undefined) await this.read(model, YARDI_METHODS[model], first);
  }

  /** The properties of GetPropertyConfigurations: one small answer, read whole. */
  private async properties(): Promise<unknown[]> {
    return asList((await this.call('GetPropertyConfigurations')).document.Property);
  }

  /**
   * One property's raw records of a model (`recordsOf`), each made from its element of the answer as that
   * element closes: what memory holds is the page's records, not the document's tree.
   */
  private async read(model: RecordModel, method: YardiMethod, code: string, params?: Params): Promise<unknown[]> {
    const answer = await this.call(method, code, params, {
      path: RECORD_PATH[model],
      records: (element) => recordsOf(model, code, element),
    });
    return answer.records;
  }

  /**
   * One SOAP call; answers the document inside `<{method}Result>` (its root element's content) and, for a read,
   * the records made from the elements at its path (which the document then leaves out).
   */
  private async call(
    method: YardiMethod,
    yardiPropertyId?: string,
    extra: Params = {},
    reading?: Reading,
  ): Promise<{ document: Raw; records: unknown[] }> {
    const iface = METHOD_INTERFACE[method];
    const params = { ...credentialParams(this.credentials, yardiPropertyId), ...extra };
    let result: Raw = {};
    let records: unknown[] = [];
    let status = 200;
    await this.http.post(iface.path, soapEnvelope(method, params, iface.namespace), {
      headers: { SOAPAction: soapAction(method, iface) },
      responseType: 'text',
      inspectServerErrors: true, // a Fault naming refused credentials comes with HTTP 500
      inspect: (response) => {
        status = response.status;
        // Each attempt's answer is read afresh: records of an answer that fails (and is retried) are dropped.
        const page: unknown[] = [];
        const split = reading && {
          path: reading.path,
          onRecord: (element: unknown) => page.push(...reading.records(element)),
        };
        result = readSoapResult(method, response.data, response.status, split);
        records = page;
      },
    });
    const root = DOCUMENT_ROOT[method];
    if (!(root in result)) {
      // The Service Requests interface answers "none found", and its refusals, in <ErrorMessage>.
      const message = typeof result.ErrorMessage === 'string' ? result.ErrorMessage : null;
      if (method === 'GetServiceRequest_Search' && message !== null) {
        if (NONE_FOUND.test(message)) return { document: {}, records: [] };
        throw yardiError(method, status, message);
      }
      throw new VendorRequestError(`${method}: the answer holds no <${root}> document`, 200, false);
    }
    // A root element that is not one element (it is repeated, or text) holds no records.
    return isObject(result[root]) ? { document: result[root], records } : { document: {}, records: [] };
  }
}

type RecordModel = Exclude<YardiModel, 'properties'>;

/** The elements a read's records are made from, and how. */
interface Reading {
  path: readonly string[];
  records: (element: unknown) => unknown[];
}

/**
 * Records handed on per page, at least: a property's answer holds a few hundred households, and a page is one write
 * (one transaction) whose cost per record falls with its size, as other vendors' pages of 1,000 (BENCHMARKS.md).
 */
const PAGE_RECORDS = 1_000;

/**
 * The elements of calls shared between pulls (SharedReads): a property's households hold four models. Kept for the
 * others: 4 properties' answers (each a few hundred households), a little more than one pull's call ahead.
 */
const SHARED_CALLS = new SharedReads<YardiModel, unknown[]>(4);

const HOUSEHOLDS = ['ResidentTransactions', 'Property', 'RT_Customer'];
/** Where each model's elements are in its method's document (from its root, DOCUMENT_ROOT). */
const RECORD_PATH: Record<RecordModel, readonly string[]> = {
  units: ['UnitInformation', 'Property', 'Units', 'Unit'],
  residents: HOUSEHOLDS,
  leases: HOUSEHOLDS,
  resident_charges: HOUSEHOLDS,
  resident_payments: HOUSEHOLDS,
  service_requests: ['ServiceRequests', 'ServiceRequest'],
};

const DAY_MS = 86_400_000;
/** MM/DD/YYYY of a UTC day, as Yardi's date parameters take it. */
const usDay = (date: Date) => {
  const iso = date.toISOString();
  return `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
};

/**
 * An incremental pull's window (LEDGER_WINDOW), from the earlier of `since` and the look-back to tomorrow, as
 * consecutive FromDate–ToDate slices of at most `sliceDays` calendar days each (both ends included).
 */
export function windowSlices(since: Date, now: Date): Array<{ FromDate: string; ToDate: string }> {
  const startOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
  const from = startOfDay(Math.min(since.getTime(), now.getTime() - LEDGER_WINDOW.lookBackDays * DAY_MS));
  const to = startOfDay(now.getTime()) + DAY_MS;
  const slices: Array<{ FromDate: string; ToDate: string }> = [];
  for (let start = from; start <= to; start += LEDGER_WINDOW.sliceDays * DAY_MS) {
    const end = Math.min(start + (LEDGER_WINDOW.sliceDays - 1) * DAY_MS, to);
    slices.push({ FromDate: usDay(new Date(start)), ToDate: usDay(new Date(end)) });
  }
  return slices;
}

/** The properties' Codes; one without a usable Code is quarantined by the properties job, nothing can be asked about it. */
function propertyCodes(properties: unknown[]): string[] {
  return properties.flatMap((p) =>
    isObject(p) && typeof p.Code === 'string' && p.Code.trim() !== '' ? [p.Code.trim()] : [],
  );
}

/**
 * The raw records of one element (RECORD_PATH) of a property's answer. Units, RT_Customers and service requests
 * do not name the property asked for, so it is added as `YardiPropertyId`; residents are the RT_Customers'
 * Customers, one each; charges and payments are the households' `RTServiceTransactions` items, each with its
 * household (`HouseholdID`, and `HouseholdUnitID`, its RT_Unit).
 */
function recordsOf(model: RecordModel, yardiPropertyId: string, element: unknown): unknown[] {
  if (model === 'units' || model === 'leases' || model === 'service_requests')
    return [isObject(element) ? { ...element, YardiPropertyId: yardiPropertyId } : element];
  if (model === 'resident_charges' || model === 'resident_payments') {
    if (!isObject(element)) return [];
    const rt = element;
    const transactions = isObject(rt.RTServiceTransactions) ? rt.RTServiceTransactions.Transactions : undefined;
    const items = asList(
      isObject(transactions) ? transactions[model === 'resident_charges' ? 'Charge' : 'Payment'] : undefined,
    );
    const unit = isObject(rt.RT_Unit) ? rt.RT_Unit.UnitID : undefined;
    return items.map((item) =>
      isObject(item)
        ? {
            YardiPropertyId: yardiPropertyId,
            HouseholdID: rt.CustomerID,
            ...(unit === undefined ? {} : { HouseholdUnitID: unit }),
            ...item,
          }
        : item,
    );
  }
  if (!isObject(element)) return [element];
  const rt = element;
  const people = asList(isObject(rt.Customers) ? rt.Customers.Customer : undefined);
  return people.map((customer, i) => ({
    YardiPropertyId: yardiPropertyId,
    CustomerID: rt.CustomerID,
    CustomerIndex: i + 1,
    Customer: customer,
  }));
}

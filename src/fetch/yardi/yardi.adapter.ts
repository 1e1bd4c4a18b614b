import { isObject } from '../../normalise/normalise';
import { type RawPage, type VendorAdapter, type VendorClient } from '../adapter/vendor-adapter';
import { VendorRequestError, type VendorHttp } from '../adapter/vendor-http';
import { YardiCredentials } from './yardi.credentials';
import {
  soapAction,
  YARDI_EXPECTED_FIELDS,
  YARDI_FACTS,
  YARDI_METHODS,
  YARDI_SERVICE,
  type YardiMethod,
  YARDI_MODELS,
  type YardiModel,
} from './yardi.facts';
import { mapYardiRecord, yardiVendorId } from './yardi.mapper';
import { asList, credentialParams, readSoapResult, soapEnvelope } from './yardi.soap';
import { YARDI_WRITE_FIELDS, YardiWriter } from './yardi.writes';

/**
 * Yardi Voyager's Resident Transactions SOAP interface (docs/vendors/yardi.md): one property per call, no
 * paging and no incremental filter, so every sync is a full pull and changes come from our diff.
 */
export const yardiAdapter: VendorAdapter<YardiCredentials, YardiModel> = {
  vendor: 'YARDI',
  facts: YARDI_FACTS,
  credentialsDto: YardiCredentials,
  models: YARDI_MODELS,
  incrementalModels: [],
  client: (credentials, context) =>
    new YardiClient(context.connect({ 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' }), credentials),
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
};

type Raw = Record<string, any>;

class YardiClient implements VendorClient {
  readonly writer: YardiWriter;

  constructor(
    private readonly http: VendorHttp,
    private readonly credentials: YardiCredentials,
  ) {
    // The writer reads as a sync does: the same calls, the same raw records.
    this.writer = new YardiWriter(http, credentials, {
      propertyCodes: async () => propertyCodes(asList((await this.call('GetPropertyConfigurations')).Property)),
      records: async (model, code) => recordsOf(model, code, await this.call(YARDI_METHODS[model], code)),
    });
  }

  /**
   * Properties in one page; every other model one page per property, the next property requested while
   * the caller is still writing the current one.
   */
  async *listPages(model: YardiModel): AsyncIterable<RawPage> {
    const properties = asList((await this.call('GetPropertyConfigurations')).Property);
    if (model === 'properties') {
      yield { records: properties, total: properties.length };
      return;
    }
    const codes = propertyCodes(properties);
    const method = YARDI_METHODS[model];
    const fetch = (code: string) => {
      const request = this.call(method, code);
      request.catch(() => undefined); // a prefetch the caller abandons must not crash the process when it fails
      return request;
    };
    let pending = codes.length > 0 ? fetch(codes[0]) : null;
    for (let i = 0; pending; i++) {
      const document = await pending;
      pending = i + 1 < codes.length ? fetch(codes[i + 1]) : null;
      yield { records: recordsOf(model, codes[i], document) };
    }
  }

  /**
   * Yardi has no limit to ask for: properties are one GetPropertyConfigurations call; any other model that
   * call, then its method for the first property only (none: nothing to read, which is no refusal).
   */
  async probe(model: YardiModel): Promise<void> {
    const properties = asList((await this.call('GetPropertyConfigurations')).Property);
    if (model === 'properties') return;
    const [first] = propertyCodes(properties);
    if (first !== undefined) await this.call(YARDI_METHODS[model], first);
  }

  /** One SOAP call; answers the document inside `<{method}Result>` (its root element's content). */
  private async call(method: YardiMethod, yardiPropertyId?: string): Promise<Raw> {
    const params = credentialParams(this.credentials, yardiPropertyId);
    let result: Raw = {};
    await this.http.post(YARDI_SERVICE.path, soapEnvelope(method, params), {
      headers: { SOAPAction: soapAction(method) },
      responseType: 'text',
      inspectServerErrors: true, // a Fault naming refused credentials comes with HTTP 500
      inspect: (response) => {
        result = readSoapResult(method, response.data, response.status);
      },
    });
    const root = DOCUMENT_ROOT[method];
    if (!(root in result))
      throw new VendorRequestError(`${method}: the answer holds no <${root}> document`, 200, false);
    return isObject(result[root]) ? result[root] : {};
  }
}

/** The properties' Codes; one without a usable Code is quarantined by the properties job, nothing can be asked about it. */
function propertyCodes(properties: unknown[]): string[] {
  return properties.flatMap((p) =>
    isObject(p) && typeof p.Code === 'string' && p.Code.trim() !== '' ? [p.Code.trim()] : [],
  );
}

/**
 * The raw records of one property's answer. Units and RT_Customers do not name their property, so the
 * property asked for is added as `YardiPropertyId`; residents are the RT_Customers' Customers, one each.
 */
function recordsOf(model: YardiModel, yardiPropertyId: string, document: Raw): unknown[] {
  const properties = asList(document.Property).filter(isObject);
  const withProperty = (record: unknown) =>
    isObject(record) ? { ...record, YardiPropertyId: yardiPropertyId } : record;
  if (model === 'units')
    return properties.flatMap((p) => asList(isObject(p.Units) ? p.Units.Unit : undefined)).map(withProperty);
  const households = properties.flatMap((p) => asList(p.RT_Customer));
  if (model === 'leases') return households.map(withProperty);
  return households.flatMap((rt) => {
    if (!isObject(rt)) return [rt];
    const people = asList(isObject(rt.Customers) ? rt.Customers.Customer : undefined);
    return people.map((customer, i) => ({
      YardiPropertyId: yardiPropertyId,
      CustomerID: rt.CustomerID,
      CustomerIndex: i + 1,
      Customer: customer,
    }));
  });
}

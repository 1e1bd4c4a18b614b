import { randomUUID } from 'node:crypto';
import { idOrNull, isObject, text } from '../../normalise/normalise';
import {
  type RawPage,
  type ReportedRateLimits,
  type VendorAdapter,
  type VendorClient,
  type VendorReporter,
} from '../adapter/vendor-adapter';
import {
  VendorAccessDeniedError,
  VendorAuthError,
  VendorRequestError,
  VendorThrottledError,
  type VendorHttp,
  type VendorResponse,
} from '../adapter/vendor-http';
import { PropertyApplications } from './entrata.applications';
import { EntrataCredentials } from './entrata.credentials';
import {
  ALL_LEASE_STATUS_TYPE_IDS,
  APPLICANT_STATUS,
  CHARGE_TRANSACTION_TYPE_IDS,
  ENTRATA_API_VERSION,
  ENTRATA_ERROR,
  ENTRATA_EXPECTED_FIELDS,
  ENTRATA_FACTS,
  ENTRATA_METHODS,
  LISTED_UNDER_PROPERTY,
  PICK_LISTS_METHOD,
  RATE_LIMIT_HEADERS,
  RESOLVED,
  REVERSED_PAYMENT_STATUS,
  UNIT_PROPERTY_CHUNK,
  ENTRATA_MODELS,
  type EntrataModel,
} from './entrata.facts';
import { entrataVendorId, ID_FIELD, mapEntrataRecord } from './entrata.mapper';
import { liftAttributes, listOf } from './entrata.quirks';
import { ENTRATA_WRITE_FIELDS, EntrataWriter, type EntrataCalls, type SendOptions } from './entrata.writes';

type Json = Record<string, any>;

/** Entrata API (docs/vendors/entrata.md): JSON-RPC style POST per service, errors inside HTTP 200 bodies. */
export const entrataAdapter: VendorAdapter<EntrataCredentials, EntrataModel> = {
  vendor: 'ENTRATA',
  facts: ENTRATA_FACTS,
  credentialsDto: EntrataCredentials,
  models: ENTRATA_MODELS,
  // No method has an updated-since filter: every sync is a full pull, diffed by us.
  incrementalModels: [],
  client: (credentials, context) =>
    new EntrataClient(context.connect({ 'X-Api-Key': credentials.apiKey }), context.report),
  map: mapEntrataRecord,
  vendorId: entrataVendorId,
  writeFields: ENTRATA_WRITE_FIELDS,
  expectedFields: ENTRATA_EXPECTED_FIELDS,
};

class EntrataClient implements VendorClient<EntrataModel>, EntrataCalls {
  readonly writer = new EntrataWriter(this);

  constructor(
    private readonly http: VendorHttp,
    private readonly report: VendorReporter,
  ) {}

  /**
   * Properties in one call; units for the property ids in chunks; leases and customers per property (see
   * propertyPages). Records are yielded with `@attributes` lifted and the property they were listed under as
   * `propertyId`.
   */
  async *listPages(model: EntrataModel): AsyncIterable<RawPage> {
    const propertyList = await this.properties();
    if (model === 'properties') {
      yield { records: propertyList, total: propertyList.length };
      return;
    }
    const propertyIds = idsOf(propertyList);
    if (model === 'units') {
      for (let i = 0; i < propertyIds.length; i += UNIT_PROPERTY_CHUNK)
        yield { records: await this.units(propertyIds.slice(i, i + UNIT_PROPERTY_CHUNK)) };
      return;
    }
    if (model === 'resident_payments') {
      yield* this.payments(propertyList);
      return;
    }
    for (const propertyId of propertyIds) yield* this.propertyPages(model, propertyId);
  }

  /**
   * One property's units, leases or customers: leases and customers pageNo from 1 until a page is shorter than
   * perPageCount. getCustomers does not tell an applicant from a resident: the property's leases are read first
   * (page by page, kept as ids), then its customers whose leases are Applicant intervals only come marked as
   * applicants.
   */
  async *propertyPages(model: PropertyModel, propertyId: string): AsyncIterable<RawPage> {
    if (model === 'units') {
      yield { records: await this.units([propertyId]) };
      return;
    }
    if (model === 'service_requests') {
      yield { records: await this.workOrders(propertyId) };
      return;
    }
    if (model === 'resident_charges') {
      yield* this.ledgerCharges(propertyId);
      return;
    }
    if (model === 'leases') {
      yield* this.pagesOf(model, propertyId);
      return;
    }
    const applications = new PropertyApplications();
    for await (const page of this.pagesOf('leases', propertyId))
      page.records.forEach((lease) => applications.add(lease));
    for await (const page of this.pagesOf(model, propertyId)) {
      yield applications.none ? page : { records: page.records.map((customer) => applications.mark(customer)) };
    }
  }

  async propertyIds(): Promise<string[]> {
    return idsOf(await this.properties());
  }

  /** The units of some properties, each listed under its property. */
  private async units(propertyIds: string[]): Promise<unknown[]> {
    const result = await this.call('units', { propertyIds: propertyIds.join(',') });
    return (listOf(result.properties, 'property').map(liftAttributes) as Json[]).flatMap((property) =>
      listOf(property?.units, 'unit').map((unit) => listedUnder(unit, property?.[LISTED_UNDER_PROPERTY])),
    );
  }

  /**
   * One property's work orders, deleted ones too (so a deletion is seen as such), each with the unit its unitNumber
   * names (exactly one unit of the property) and the CompanyEmployee id of its assignedTo name (exactly one employee
   * of the pick lists). getWorkOrders is not paged.
   */
  private async workOrders(propertyId: string): Promise<unknown[]> {
    const unitByNumber = uniqueIndex(await this.units([propertyId]), (unit) => [text(unit.unitNumber), unit.id]);
    const pickLists = await this.send(PICK_LISTS_METHOD.service, PICK_LISTS_METHOD.method, { propertyIds: propertyId });
    const employees = listOf(pickLists.CompanyEmployees, 'CompanyEmployee').map(liftAttributes) as Json[];
    const employeeByName = uniqueIndex(employees, (e) => [text(e.Name ?? e.name), e.Id ?? e.id]);
    const result = await this.call('service_requests', { propertyId, includeDeletedWorkOrders: 1 });
    return listOf(result.workOrders, 'workOrder').map((raw) => {
      const order = listedUnder(raw, propertyId);
      if (!isObject(order)) return order;
      const unitId = unitByNumber.get(text(order.unitNumber) ?? '');
      const employeeId = employeeByName.get(text(order.assignedTo) ?? '');
      return {
        ...order,
        ...(unitId === undefined ? {} : { [RESOLVED.unitId]: unitId }),
        ...(employeeId === undefined ? {} : { [RESOLVED.employeeId]: employeeId }),
      };
    });
  }

  /**
   * One property's charges and credits: getLeaseArTransactions (the full ledger, reversals included) paged by lease,
   * each row of type 1 or 3 with its lease, the lease's first customer and the lease's unit (from getLeases).
   * Payment rows are left out: payments are read from getArPayments.
   */
  private async *ledgerCharges(propertyId: string): AsyncIterable<RawPage> {
    const leaseUnits = new Map<string, unknown>();
    for await (const page of this.pagesOf('leases', propertyId))
      for (const lease of page.records as Json[]) leaseUnits.set(String(lease[ID_FIELD.leases]), lease.unitId);
    for (let pageNo = 1; ; pageNo++) {
      const result = await this.call('resident_charges', {
        propertyId,
        transactionTypeIds: CHARGE_TRANSACTION_TYPE_IDS.join(','),
        showFullLedger: 1,
        includeReversals: 1,
        pageNo,
        perPageCount: LEDGER_LEASES_PER_PAGE,
      });
      const leases = listOf(result.leases, 'lease').map(liftAttributes) as Json[];
      const records = leases.flatMap((lease) => {
        const [customer] = listOf(lease?.customers, 'customer') as Json[];
        const resolved = {
          [LISTED_UNDER_PROPERTY]: propertyId,
          [RESOLVED.leaseId]: lease?.id,
          [RESOLVED.customerId]: customer?.id,
          [RESOLVED.unitId]: leaseUnits.get(String(lease?.id)),
        };
        return listOf(lease?.ledgers, 'ledger')
          .flatMap((ledger) => listOf((ledger as Json)?.transactions, 'transaction'))
          .filter((row) => !isObject(row) || CHARGE_TRANSACTION_TYPE_IDS.includes(Number(row.transactionTypeId)))
          .map((row) => (isObject(row) ? { ...row, ...resolved } : row));
      });
      yield { records };
      if (leases.length < LEDGER_LEASES_PER_PAGE) break;
    }
  }

  /**
   * Every payment of the portfolio (getArPayments takes no propertyId and does not page), with its allocations. Its
   * property is the one whose MarketingName is its PropertyName, its lease the lease of that property listing its
   * customer (not an application; the one on its UnitNumber if several), and its unit that lease's. A Reversed
   * payment is yielded twice: as itself and as its reversal (see the mapper).
   */
  private async *payments(propertyList: Json[]): AsyncIterable<RawPage> {
    const propertyByName = uniqueIndex(propertyList, (p) => [text(p.MarketingName), p[ID_FIELD.properties]]);
    const unitNumbers = new Map<string, string | null>();
    const propertyIds = idsOf(propertyList);
    for (let i = 0; i < propertyIds.length; i += UNIT_PROPERTY_CHUNK)
      for (const unit of (await this.units(propertyIds.slice(i, i + UNIT_PROPERTY_CHUNK))) as Json[])
        unitNumbers.set(String(unit.id), text(unit.unitNumber));
    const leasesOf = new Map<string, Array<{ leaseId: string; unitId: string }>>();
    for (const propertyId of propertyIds)
      for await (const page of this.pagesOf('leases', propertyId))
        for (const lease of page.records as Json[]) {
          if (lease.leaseIntervalStatus === APPLICANT_STATUS) continue;
          for (const customer of listOf(lease.customers, 'customer') as Json[]) {
            const key = `${propertyId}:${String(customer?.id)}`;
            leasesOf.set(key, [
              ...(leasesOf.get(key) ?? []),
              { leaseId: String(lease[ID_FIELD.leases]), unitId: String(lease.unitId) },
            ]);
          }
        }
    const result = await this.call('resident_payments', { isIncludeAllocations: 1 });
    const records = (listOf(result.ArPayments, 'ArPayment').map(liftAttributes) as unknown[]).flatMap((raw) => {
      if (!isObject(raw)) return [raw];
      const propertyId = propertyByName.get(text(raw.PropertyName) ?? '');
      const candidates = leasesOf.get(`${String(propertyId)}:${String(raw.CustomerId)}`) ?? [];
      const onUnit = candidates.filter((c) => unitNumbers.get(c.unitId) === text(raw.UnitNumber));
      const [lease] = candidates.length === 1 ? candidates : onUnit.length === 1 ? onUnit : [];
      const payment = {
        ...raw,
        ...(propertyId === undefined ? {} : { [LISTED_UNDER_PROPERTY]: propertyId }),
        ...(lease ? { [RESOLVED.leaseId]: lease.leaseId, [RESOLVED.unitId]: lease.unitId } : {}),
      };
      return raw.PaymentStatus === REVERSED_PAYMENT_STATUS
        ? [payment, { ...payment, [RESOLVED.reversal]: true }]
        : [payment];
    });
    for (let i = 0; i < records.length; i += ENTRATA_FACTS.pageSize)
      yield { records: records.slice(i, i + ENTRATA_FACTS.pageSize) };
    if (records.length === 0) yield { records: [] };
  }

  /** Every page of one property's leases or customers. */
  private async *pagesOf(model: 'leases' | 'residents', propertyId: string): AsyncIterable<RawPage> {
    const [collection, element] = model === 'leases' ? ['leases', 'lease'] : ['Customers', 'Customer'];
    const perPageCount = ENTRATA_FACTS.pageSize;
    for (let pageNo = 1; ; pageNo++) {
      const result = await this.call(model, perPropertyParams(model, propertyId, pageNo, perPageCount));
      const page = listOf(result[collection], element);
      yield { records: page.map((record) => listedUnder(record, propertyId)) };
      if (page.length < perPageCount) break;
    }
  }

  /**
   * getProperties takes no limit, so properties are its one call; any other model is read for the first
   * property only (one record a page where the method pages), residents with the leases that tell applicants
   * apart. No property: nothing to read, no refusal.
   */
  async probe(model: EntrataModel): Promise<void> {
    const propertyList = await this.properties();
    if (model === 'properties') return;
    const [first] = idsOf(propertyList);
    if (first === undefined) return;
    if (model === 'units') {
      await this.call(model, { propertyIds: first });
      return;
    }
    if (model === 'service_requests') {
      await this.call(model, { propertyId: first, workOrderId: 0 });
      return;
    }
    if (model === 'resident_charges') {
      await this.call(model, { propertyId: first, pageNo: 1, perPageCount: 1 });
      return;
    }
    if (model === 'resident_payments') {
      // No paging: one day's payments (of the far past) keep the answer small.
      await this.call(model, { fromDate: '01/01/2000', toDate: '01/01/2000' });
      return;
    }
    await this.call(model, perPropertyParams(model, first, 1, 1));
    if (model === 'residents') await this.call('leases', perPropertyParams('leases', first, 1, 1));
  }

  private async properties(): Promise<Json[]> {
    return listOf((await this.call('properties', {})).PhysicalProperty, 'Property').map(liftAttributes) as Json[];
  }

  /** One read of a model (its method of ENTRATA_METHODS); the answer's `result`. */
  private call(model: EntrataModel, params: Json): Promise<Json> {
    const { service, method } = ENTRATA_METHODS[model];
    return this.send(service, method, params);
  }

  /** One method call; the answer's `result`. */
  async send(service: string, method: string, params: Json, options: SendOptions = {}): Promise<Json> {
    const { version = ENTRATA_API_VERSION, ...request } = options;
    const body = {
      auth: { type: 'apikey' },
      requestId: randomUUID(),
      method: { name: method, version, params },
    };
    const response = await this.http.post<Json>(`/${service}`, body, {
      ...request,
      inspect: (r) => this.inspect(r, service, method),
    });
    return response.data.response.result as Json;
  }

  /** Reports the rate-limit headers, then turns an error inside the 200 body into the matching VendorHttp error. */
  private inspect(response: VendorResponse, service: string, method: string): void {
    const limits = rateLimits(response.headers, `${service}/${method}`);
    if (limits) this.report.rateLimits(limits);
    const envelope = (response.data as Json | null)?.response;
    if (envelope === null || typeof envelope !== 'object')
      throw new VendorRequestError(`${method} did not answer an Entrata response envelope`, response.status, false);
    const error = envelope.error as Json | undefined;
    if (error) {
      const code = Number(error.code);
      const message = `Entrata ${method} error ${String(error.code)}: ${String(error.message ?? '')}`;
      if (code === ENTRATA_ERROR.badCredentials) throw new VendorAuthError(message);
      if (code === ENTRATA_ERROR.rateLimited) throw new VendorThrottledError(message);
      if (code === ENTRATA_ERROR.noPermission) throw new VendorAccessDeniedError(message, code);
      // Other 3xx/4xx are answers, not failures; 5xx-like codes are transient.
      throw new VendorRequestError(message, Number.isFinite(code) ? code : null, code >= 500);
    }
    const result = envelope.result;
    if (result === null || typeof result !== 'object')
      throw new VendorRequestError(`${method} answered without a result`, response.status, false);
  }
}

/** Models listed per property (payments are portfolio-wide). */
export type PropertyModel = Exclude<EntrataModel, 'properties' | 'resident_payments'>;

/** Leases per getLeaseArTransactions page: each brings its whole ledger (some 25 rows a year). */
const LEDGER_LEASES_PER_PAGE = 100;

/** key -> value over records whose key is given and unique (a key two records share resolves to nothing). */
function uniqueIndex(records: unknown[], entry: (record: Json) => [string | null, unknown]): Map<string, string> {
  const index = new Map<string, string | null>();
  for (const record of records) {
    if (!isObject(record)) continue;
    const [key, raw] = entry(record);
    const value = idOrNull(raw);
    if (key === null || value === null) continue;
    index.set(key, index.has(key) ? null : value);
  }
  return new Map([...index].filter((pair): pair is [string, string] => pair[1] !== null));
}

/** The distinct property ids, as text. */
function idsOf(properties: Json[]): string[] {
  return [
    ...new Set(
      properties
        .map((p) => p[ID_FIELD.properties])
        .filter((id) => id !== undefined && id !== null)
        .map(String),
    ),
  ];
}

/** getLeases and getCustomers params, as the contract lists them for each. */
function perPropertyParams(
  model: 'leases' | 'residents',
  propertyId: string,
  pageNo: number,
  perPageCount: number,
): Json {
  return {
    propertyId,
    ...(model === 'leases' ? { leaseStatusTypeIds: ALL_LEASE_STATUS_TYPE_IDS } : {}),
    pageNo,
    perPageCount,
  };
}

/** A record with `@attributes` lifted and the property it was listed under (unless it names its own); a non-object stays as sent. */
function listedUnder(record: unknown, propertyId: unknown): unknown {
  const lifted = liftAttributes(record);
  if (!isObject(lifted) || propertyId === undefined || propertyId === null) return lifted;
  return { ...lifted, [LISTED_UNDER_PROPERTY]: lifted[LISTED_UNDER_PROPERTY] ?? propertyId };
}

/** The X-RateLimit-* headers of an answer, or null when it carries none. */
export function rateLimits(headers: Record<string, unknown>, api: string): ReportedRateLimits | null {
  const read = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' && /^\d+$/.test(value.trim())
      ? Number(value)
      : typeof value === 'number'
        ? value
        : null;
  };
  const values = Object.fromEntries(
    Object.entries(RATE_LIMIT_HEADERS).map(([key, header]) => [key, read(header)]),
  ) as Omit<ReportedRateLimits, 'api'>;
  return Object.values(values).every((v) => v === null) ? null : { api, ...values };
}

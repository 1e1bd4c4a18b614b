import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LinkChange, simulatorState } from '../kit/control-api';
import { FaultInjector } from '../kit/fault-injector';
import { applyChanges, editEvenly, raisedRent, withRound } from '../kit/record-edits';
import { isJsonObject, readJson, sendJson, type ServeOptions, startSandboxServer } from '../kit/sandbox-http';
import { ChangeClock, type SimulatedVendor, VendorSimulator } from '../kit/vendor-simulator';
import { type EntrataData, type EntrataDatasetOptions, generateEntrataData } from './entrata-dataset';
import { APPLY, paramProblem, PICK_LISTS, WRITE_METHODS, WRITE_VERSIONS } from './entrata-writes';
import {
  AR_CODES,
  PAYMENT_STATUS_TYPE_IDS,
  PAYMENT_TYPES,
  postPayment,
  postTransaction,
  workOrderPickLists,
} from './entrata-ledger';

type Rec = Record<string, any>;
type Collection = keyof EntrataData;

export interface EntrataSandboxCredential {
  apiKey: string;
  companyId: string;
  /** Methods this key may call; all when absent (others answer error 304). */
  methods?: string[];
}

export interface EntrataSandboxOptions extends EntrataDatasetOptions {
  /** Accepted API keys. */
  credentials?: EntrataSandboxCredential[];
  /** Requests per key and method in each window; over it, error 429. */
  rateLimits?: { minute?: number; hour?: number; day?: number };
}

export type EntrataSandbox = SimulatedVendor<EntrataData, EntrataSandboxOptions>;

export const ENTRATA_SANDBOX_CREDENTIALS: EntrataSandboxCredential = {
  apiKey: 'sandbox-api-key',
  companyId: 'sandbox',
};
/** Accepted by default too, but may not call getCustomers (error 304): the demo's FAILED data-access check. */
export const ENTRATA_SANDBOX_LIMITED_CREDENTIALS: EntrataSandboxCredential = {
  apiKey: 'sandbox-limited-api-key',
  companyId: 'sandbox',
};

const DEFAULT_LIMITS = { minute: 1_000, hour: 20_000, day: 100_000 };
const WINDOW_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
type Window = keyof typeof WINDOW_MS;
const MAX_PER_PAGE = 1000;
/** The vendor's lease status type ids (getLeases' leaseStatusTypeIds) by leaseIntervalStatus. */
const LEASE_STATUS_TYPE_IDS: Record<string, number> = {
  Cancelled: 1,
  Applicant: 2,
  Future: 3,
  Current: 4,
  Notice: 5,
  Past: 6,
};

/** Service path -> the method it serves and the collection behind it. */
const SERVICES: Record<string, { method: string; collection: Collection }> = {
  '/properties': { method: 'getProperties', collection: 'properties' },
  '/propertyunits': { method: 'getPropertyUnits', collection: 'units' },
  '/leases': { method: 'getLeases', collection: 'leases' },
  '/customers': { method: 'getCustomers', collection: 'customers' },
  '/maintenance': { method: 'getWorkOrders', collection: 'work_orders' },
  '/artransactions': { method: 'getLeaseArTransactions', collection: 'ar_transactions' },
  '/arpayments': { method: 'getArPayments', collection: 'ar_payments' },
};
/** Read methods beside a service's main one, by service path. */
const LOOKUP_METHODS: Record<string, string> = { '/maintenance': 'getWorkOrderPickLists' };
/** Fields the store keeps that the API never shows (what a record belongs to, a written row's client key). */
const STORE_ONLY = ['propertyId', 'leaseId', 'reversal', 'transactionKey'];
const served = (record: Rec) => Object.fromEntries(Object.entries(record).filter(([k]) => !STORE_ONLY.includes(k)));

const DEFAULT_CREDENTIALS: EntrataSandboxCredential[] = [
  ENTRATA_SANDBOX_CREDENTIALS,
  {
    ...ENTRATA_SANDBOX_LIMITED_CREDENTIALS,
    methods: [...Object.values(SERVICES).map((s) => s.method), ...Object.values(LOOKUP_METHODS)].filter(
      (method) => method !== 'getCustomers',
    ),
  },
];

/** Each collection's id, as the record carries it. */
const ID_OF: Record<Collection, (r: Rec) => string> = {
  properties: (r) => String(r.PropertyID),
  units: (r) => String(r.id),
  leases: (r) => String(r.id),
  customers: (r) => String(r['@attributes']?.Id),
  work_orders: (r) => String(r.maintenanceRequestId),
  ar_transactions: (r) => String(r.id),
  ar_payments: (r) => String(r.ArPaymentId),
};
/** The field a malformed-record fault corrupts by default. */
const ID_FIELD: Record<Collection, string> = {
  properties: 'PropertyID',
  units: 'id',
  leases: 'id',
  customers: 'Id',
  work_orders: 'maintenanceRequestId',
  ar_transactions: 'id',
  ar_payments: 'ArPaymentId',
};

class ParamError extends Error {}

/**
 * An Entrata API simulator (docs/vendors/entrata.md): `POST /<service>` with X-Api-Key and a JSON-RPC
 * style body; answers and errors (301 bad key, 304 method not permitted, 429 over a rate limit, 400 bad
 * parameters) inside HTTP 200 bodies; pageNo/perPageCount paging; X-RateLimit-* headers per key and
 * method. Served as the XML-converted JSON real Entrata sends: one-element lists collapse to the element,
 * empty ones vanish, ids of customers and of the properties in getPropertyUnits sit under `@attributes`,
 * money is decimal text, dates MM/DD/YYYY and notice times Mountain time without an offset. A control API
 * under /_control/ changes the data between syncs and injects faults.
 */
export function createEntrataSandbox(initial: EntrataSandboxOptions = {}): EntrataSandbox {
  return new EntrataSimulator().reset(initial);
}

class EntrataSimulator extends VendorSimulator<EntrataData, EntrataSandboxOptions> implements EntrataSandbox {
  private usage = new Map<string, Record<Window, { window: number; count: number }>>();
  /** When each work order last changed (getWorkOrders' lastUpdatedOn filters). */
  private clock = new ChangeClock(Date.now());

  protected generate(options: EntrataSandboxOptions): EntrataData {
    return generateEntrataData(options);
  }

  protected override onReset(): void {
    this.usage.clear();
    this.clock = new ChangeClock(Date.now());
  }

  private touchWorkOrder(id: unknown): void {
    const record = this.find('work_orders', String(id));
    if (record) this.clock.touch(record);
  }

  protected control() {
    return { mutateKinds: ['customers', 'leases', 'units', 'properties', 'work_orders', 'charges', 'payments'] };
  }

  protected sendInternalError(res: ServerResponse, error: Error): void {
    sendJson(res, 500, { response: { error: { code: 500, message: `Sandbox error: ${error.message}` } } });
  }

  // ---- the vendor API ------------------------------------------------------------------------------

  protected async vendorApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const service = SERVICES[url.pathname.replace(/\/+$/, '')];
    if (!service)
      return sendJson(res, 404, { response: { error: { code: 404, message: `No service at ${url.pathname}` } } });
    if (req.method !== 'POST') return sendJson(res, 405, { response: { error: { code: 405, message: 'Use POST' } } });
    let body: Rec;
    try {
      body = (await readJson(req)) ?? {};
    } catch (error) {
      return sendJson(res, 200, errorBody(undefined, 400, (error as Error).message));
    }
    const requestId = body?.requestId;
    const fail = (code: number, message: string, headers: Record<string, string> = {}) =>
      sendJson(res, 200, errorBody(requestId, code, message), headers);

    const apiKey = req.headers['x-api-key'];
    const credential = (this.options.credentials ?? DEFAULT_CREDENTIALS).find((c) => c.apiKey === apiKey);
    if (!credential || body?.auth?.type !== 'apikey')
      return fail(301, 'Authorization Failed: the API key is missing or invalid.');
    const method = body.method ?? {};
    const path = url.pathname.replace(/\/+$/, '');
    const write = WRITE_METHODS[path]?.[method.name as string];
    const lookup = LOOKUP_METHODS[path] === method.name;
    if (method.name !== service.method && !write && !lookup)
      return fail(400, `Method ${String(method.name)} is not available on ${url.pathname.slice(1)}.`);
    const name = method.name as string;
    if (method.version !== (WRITE_VERSIONS[name] ?? 'r1'))
      return fail(400, `Version ${String(method.version)} of ${name} is not supported.`);
    if (credential.methods && !credential.methods.includes(name))
      return fail(304, `Access to ${name} is not permitted for this API key.`);

    if (write) {
      const limits = this.count(credential.apiKey, name);
      if (limits.over)
        return this.refuseWrite(name, 'refused', () =>
          fail(429, `API rate limit exceeded for ${name}.`, limits.headers),
        );
      const params = isJsonObject(method.params) ? method.params : {};
      return this.servedWrite(
        url.pathname,
        name,
        (failing) => this.sendFault(res, requestId, failing, limits.headers),
        () => {
          const problem = paramProblem(name, write, params);
          if (problem) return { outcome: 'rejected', respond: () => fail(400, problem, limits.headers) };
          const { applied, result } = APPLY[name](this.store, params, new Date().toISOString().slice(0, 10));
          if (applied && path === '/maintenance')
            this.touchWorkOrder(params.workOrderId ?? result.Success[0]['@attributes'].reference_id);
          return {
            outcome: applied ? 'applied' : 'rejected',
            respond: () =>
              sendJson(res, 200, { response: { requestId, code: 200, result: xmlJson(result) } }, limits.headers),
          };
        },
      );
    }

    const limits = this.count(credential.apiKey, name);
    if (limits.over) return fail(429, `API rate limit exceeded for ${name}.`, limits.headers);
    const faults = await this.served(url.pathname, (failing) =>
      this.sendFault(res, requestId, failing, limits.headers),
    );
    if (!faults) return;

    let result: Rec;
    try {
      const params = (method.params ?? {}) as Rec;
      result = lookup
        ? workOrderPickLists(this.knownProperties(idList(params.propertyIds, 'propertyIds')), PICK_LISTS)
        : this.result(service.collection, params, (records, collection) =>
            FaultInjector.corruptPage(records, faults, ID_FIELD[collection]),
          );
    } catch (error) {
      if (error instanceof ParamError) return fail(400, error.message, limits.headers);
      throw error;
    }
    sendJson(res, 200, { response: { requestId, code: 200, result: xmlJson(result) } }, limits.headers);
  }

  /** An injected status fault: a 429 in Entrata's rate-limit body (HTTP 200), any other status as that status. */
  private sendFault(
    res: ServerResponse,
    requestId: unknown,
    failing: { status: number; headers?: Record<string, string> },
    limitHeaders: Record<string, string>,
  ): void {
    if (failing.status === 429)
      return sendJson(res, 200, errorBody(requestId, 429, 'API rate limit exceeded (injected).'), {
        ...limitHeaders,
        ...failing.headers,
      });
    sendJson(res, failing.status, errorBody(requestId, failing.status, 'Injected fault'), failing.headers);
  }

  /** Counts a request against the key's limits for the method; `over` when a window is full (not counted then). */
  private count(apiKey: string, method: string) {
    const limits = { ...DEFAULT_LIMITS, ...this.options.rateLimits };
    const now = Date.now();
    const key = `${apiKey}\u0000${method}`;
    const usage = this.usage.get(key) ?? {
      minute: { window: -1, count: 0 },
      hour: { window: -1, count: 0 },
      day: { window: -1, count: 0 },
    };
    this.usage.set(key, usage);
    const windows = Object.keys(WINDOW_MS) as Window[];
    for (const w of windows) {
      const current = Math.floor(now / WINDOW_MS[w]);
      if (usage[w].window !== current) usage[w] = { window: current, count: 0 };
    }
    const over = windows.some((w) => usage[w].count >= limits[w]);
    if (!over) for (const w of windows) usage[w].count += 1;
    const headers: Record<string, string> = {};
    for (const w of windows) {
      const label = w[0].toUpperCase() + w.slice(1);
      headers[`X-RateLimit-Limit-${label}`] = String(limits[w]);
      headers[`X-RateLimit-Remaining-${label}`] = String(Math.max(0, limits[w] - usage[w].count));
    }
    return { over, headers };
  }

  /** A method's result (lists still arrays); `corrupt` applies record faults to the records of the answer. */
  private result(collection: Collection, params: Rec, corrupt: (records: Rec[], collection: Collection) => Rec[]): Rec {
    const s = this.store;
    if (collection === 'properties') return { PhysicalProperty: { Property: corrupt(s.properties, collection) } };
    if (collection === 'ar_payments') return this.arPayments(params, corrupt);
    if (collection === 'units') {
      const ids = idList(params.propertyIds, 'propertyIds');
      const known = new Set(s.properties.map((p) => p.PropertyID as number));
      const requested = ids.filter((id) => known.has(id));
      const units = corrupt(
        s.units.filter((u) => requested.includes(u.propertyId)),
        collection,
      );
      return {
        properties: {
          property: requested.map((id) => ({
            '@attributes': { propertyId: String(id) },
            units: { unit: units.filter((u) => u.propertyId === id).map(({ propertyId: _omit, ...unit }) => unit) },
          })),
        },
      };
    }
    const propertyId = idList(params.propertyId, 'propertyId');
    if (propertyId.length !== 1) throw new ParamError('propertyId is required and takes one property id.');
    if (collection === 'work_orders') return this.workOrders(propertyId[0], params, corrupt);
    if (collection === 'ar_transactions') return this.leaseArTransactions(propertyId[0], params, corrupt);
    const pageNo = positive(params.pageNo ?? 1, 'pageNo', Number.MAX_SAFE_INTEGER);
    const perPage = positive(params.perPageCount ?? MAX_PER_PAGE, 'perPageCount', MAX_PER_PAGE);
    const page = <T>(list: T[]) => list.slice((pageNo - 1) * perPage, pageNo * perPage);
    if (collection === 'leases') {
      const statusIds =
        params.leaseStatusTypeIds === undefined
          ? null
          : new Set(idList(params.leaseStatusTypeIds, 'leaseStatusTypeIds'));
      const leases = s.leases.filter(
        (l) =>
          l.propertyId === propertyId[0] &&
          (!statusIds || statusIds.has(LEASE_STATUS_TYPE_IDS[l.leaseIntervalStatus] ?? -1)),
      );
      return {
        leases: {
          lease: corrupt(
            page(leases).map(({ propertyId: _omit, ...lease }) => lease),
            collection,
          ),
        },
      };
    }
    // Every customer of the property's leases, applicants included: getCustomers has no status filter.
    const leaseIds = new Set(s.leases.filter((l) => l.propertyId === propertyId[0]).map((l) => Number(l.id)));
    return {
      Customers: { Customer: corrupt(page(s.customers.filter((c) => leaseIds.has(Number(c.LeaseId)))), collection) },
    };
  }

  /**
   * getWorkOrders: one property's work orders, narrowed by workOrderId and the lastUpdatedOnFromDate/ToDate days
   * (MM/DD/YYYY, inclusive); deleted ones only with includeDeletedWorkOrders 1.
   */
  private workOrders(propertyId: number, params: Rec, corrupt: (records: Rec[], collection: Collection) => Rec[]): Rec {
    const day = (name: string) => isoDay(params[name], name);
    const from = day('lastUpdatedOnFromDate');
    const to = day('lastUpdatedOnToDate');
    const workOrderId = params.workOrderId === undefined ? undefined : String(params.workOrderId);
    const withDeleted = String(params.includeDeletedWorkOrders ?? '0') === '1';
    const matching = this.store.work_orders.filter((w) => {
      const updated = new Date(this.clock.changedAt(w)).toISOString().slice(0, 10);
      return (
        w.propertyId === propertyId &&
        (workOrderId === undefined || w.maintenanceRequestId === workOrderId) &&
        (withDeleted || w.isDeleted !== '1') &&
        (!from || updated >= from) &&
        (!to || updated <= to)
      );
    });
    return { workOrders: { workOrder: corrupt(matching, 'work_orders') } };
  }

  /** The ids of `ids` that name properties of this company (getWorkOrderPickLists' propertyIds). */
  private knownProperties(ids: number[]): number[] {
    if (ids.length === 0) throw new ParamError('propertyIds is required.');
    return ids.filter((id) => this.store.properties.some((p) => p.PropertyID === id));
  }

  /**
   * getLeaseArTransactions: one property's leases (paged like getLeases) with their ledger rows, narrowed by
   * leaseIds, transactionTypeIds and transactionFromDate/ToDate (MM/DD/YYYY, inclusive). Modelled: without
   * showFullLedger 1 only rows still open are listed; a reversed payment and its reversal only with
   * includeReversals 1. A lease with no rows left is not listed.
   */
  private leaseArTransactions(
    propertyId: number,
    params: Rec,
    corrupt: (records: Rec[], collection: Collection) => Rec[],
  ): Rec {
    const pageNo = positive(params.pageNo ?? 1, 'pageNo', Number.MAX_SAFE_INTEGER);
    const perPage = positive(params.perPageCount ?? MAX_PER_PAGE, 'perPageCount', MAX_PER_PAGE);
    const leaseIds = params.leaseIds === undefined ? null : new Set(idList(params.leaseIds, 'leaseIds'));
    const types =
      params.transactionTypeIds === undefined ? null : new Set(idList(params.transactionTypeIds, 'transactionTypeIds'));
    const from = isoDay(params.transactionFromDate, 'transactionFromDate');
    const to = isoDay(params.transactionToDate, 'transactionToDate');
    const fullLedger = String(params.showFullLedger ?? '0') === '1';
    const withReversals = String(params.includeReversals ?? '0') === '1';
    const rows = this.store.ar_transactions.filter((r) => {
      const day = isoDay(r.transactionDate, 'transactionDate')!;
      return (
        r.propertyId === propertyId &&
        (!leaseIds || leaseIds.has(r.leaseId)) &&
        (!types || types.has(r.transactionTypeId)) &&
        (!from || day >= from) &&
        (!to || day <= to) &&
        (fullLedger || r.balanceDue !== '0.00') &&
        (withReversals || !r.reversal)
      );
    });
    const leases = this.store.leases.filter(
      (l) => l.propertyId === propertyId && rows.some((r) => r.leaseId === Number(l.id)),
    );
    return {
      leases: {
        lease: leases.slice((pageNo - 1) * perPage, pageNo * perPage).map((lease) => ({
          id: Number(lease.id),
          customers: { customer: (lease.customers?.customer ?? []).map((c: Rec) => ({ id: c.id })) },
          ledgers: {
            ledger: [
              {
                id: 1,
                name: 'Resident',
                transactions: {
                  transaction: corrupt(
                    rows.filter((r) => r.leaseId === Number(lease.id)).map(served),
                    'ar_transactions',
                  ),
                },
              },
            ],
          },
        })),
      },
    };
  }

  /**
   * getArPayments: every property's payments (no propertyId), narrowed by fromDate/toDate (MM/DD/YYYY on
   * PaymentDate), arPaymentIds and paymentStatusTypeIds; ArAllocations only with isIncludeAllocations 1. The
   * property, customer and unit are shown by name and number as they are now.
   */
  private arPayments(params: Rec, corrupt: (records: Rec[], collection: Collection) => Rec[]): Rec {
    const from = isoDay(params.fromDate, 'fromDate');
    const to = isoDay(params.toDate, 'toDate');
    const ids = params.arPaymentIds === undefined ? null : new Set(idList(params.arPaymentIds, 'arPaymentIds'));
    const statuses =
      params.paymentStatusTypeIds === undefined
        ? null
        : new Set(idList(params.paymentStatusTypeIds, 'paymentStatusTypeIds'));
    const withAllocations = String(params.isIncludeAllocations ?? '0') === '1';
    const matching = this.store.ar_payments.filter((p) => {
      const day = isoDay(p.PaymentDate, 'PaymentDate')!;
      return (
        (!from || day >= from) &&
        (!to || day <= to) &&
        (!ids || ids.has(p.ArPaymentId)) &&
        (!statuses || statuses.has(PAYMENT_STATUS_TYPE_IDS[p.PaymentStatus]))
      );
    });
    const payments = matching.map((p) => {
      const lease = this.find('leases', String(p.leaseId));
      const property = this.store.properties.find((x) => x.PropertyID === lease?.propertyId);
      const unit = this.store.units.find((u) => u.id === lease?.unitId);
      const customer = this.find('customers', String(p.CustomerId));
      const { ArAllocations, ...rest } = served(p);
      return {
        ArPaymentId: rest.ArPaymentId,
        PropertyName: property?.MarketingName,
        CustomerId: rest.CustomerId,
        CustomerFirstName: customer?.FirstName,
        CustomerLastName: customer?.LastName,
        UnitNumber: unit?.unitNumber,
        ...rest,
        ...(withAllocations ? { ArAllocations } : {}),
      };
    });
    return { ArPayments: { ArPayment: corrupt(payments, 'ar_payments') } };
  }

  // ---- the control API: change the data between syncs, inject faults --------------------------------

  state() {
    return simulatorState(this, 'ENTRATA');
  }

  /** Edits `n` records of each named collection, spread evenly: new first names, rents and marketing names. */
  mutate(counts: Rec) {
    const round = ++this.mutationRound;
    const money = (value: unknown) => raisedRent(value).toFixed(2);
    const today = new Date().toISOString().slice(0, 10);
    const withLedger = () =>
      this.store.leases.filter((l) => this.store.ar_transactions.some((r) => r.leaseId === Number(l.id)));
    return editEvenly<Exclude<Collection, 'ar_transactions' | 'ar_payments'> | 'charges' | 'payments'>(
      counts,
      (kind) => (kind === 'charges' || kind === 'payments' ? withLedger() : this.store[kind]),
      {
        properties: (r) => this.update('properties', r, { MarketingName: withRound(r.MarketingName, round) }),
        units: (r) => this.update('units', r, { marketRent: money(r.marketRent) }),
        leases: (r) => this.update('leases', r, { rent: money(r.rent) }),
        customers: (r) => this.update('customers', r, { FirstName: withRound(r.FirstName, round) }),
        work_orders: (r) =>
          this.update('work_orders', r, { maintenanceDescription: withRound(r.maintenanceDescription, round) }),
        // A new 25.10 late fee on the lease; a new 100.30 check payment applied to its oldest open charges.
        charges: (lease) =>
          postTransaction(this.store, lease, { arCodeId: 2, cents: 2510, date: today, description: AR_CODES[2] }),
        payments: (lease) => postPayment(this.store, lease, { cents: 10030, date: today, type: PAYMENT_TYPES.check }),
      },
    );
  }

  find(collection: Collection, id: string): Rec | undefined {
    return this.store[collection].find((r) => ID_OF[collection](r) === id);
  }

  /** Units and leases belong to a property, customers to a lease: without one the API would never list them. */
  private missingParent(collection: Collection, body: Rec): string | null {
    if (collection !== 'properties' && collection !== 'customers' && !this.find('properties', String(body.propertyId)))
      return `${collection} need an existing propertyId`;
    if (collection === 'customers' && !this.find('leases', String(body.LeaseId)))
      return 'customers need an existing LeaseId';
    return null;
  }

  create(collection: Collection, body: Rec): Rec | string {
    const missingParent = this.missingParent(collection, body);
    if (missingParent) return missingParent;
    const records = this.store[collection];
    const nextId = Math.max(0, ...records.map((r) => Number(ID_OF[collection](r)))) + 1;
    const { '@attributes': _ignored, ...fields } = body;
    const record: Rec =
      collection === 'properties'
        ? { IsDisabled: '0', ...fields, PropertyID: nextId }
        : collection === 'customers'
          ? { '@attributes': { Id: String(nextId) }, ...fields, LeaseId: Number(body.LeaseId) }
          : collection === 'leases'
            ? { customers: { customer: [] }, ...fields, propertyId: Number(body.propertyId), id: String(nextId) }
            : collection === 'work_orders'
              ? { ...fields, propertyId: Number(body.propertyId), maintenanceRequestId: String(nextId) }
              : collection === 'ar_payments'
                ? { ...fields, ArPaymentId: nextId }
                : { ...fields, propertyId: Number(body.propertyId), id: String(nextId) };
    records.push(record);
    if (collection === 'customers') this.joinLease(record, Number(body.LeaseId));
    return record;
  }

  update(collection: Collection, record: Rec, body: Rec): Rec {
    const { PropertyID: _p, id: _i, '@attributes': _a, ...changes } = body;
    const leaseBefore = record.LeaseId;
    applyChanges(record, changes);
    if (collection === 'work_orders') this.clock.touch(record);
    if (collection === 'customers' && record.LeaseId !== leaseBefore) {
      this.leaveLease(record, Number(leaseBefore));
      this.joinLease(record, Number(record.LeaseId));
    }
    return record;
  }

  /** Removes a record; a customer also leaves its lease. Units, leases and customers of a removed parent are no longer listed. */
  remove(collection: Collection, record: Rec): void {
    this.removeRecord(collection, record);
    if (collection === 'customers') this.leaveLease(record, Number(record.LeaseId));
  }

  /**
   * A customer taken off and/or put on a lease as Entrata shows it: the lease's customers list and the
   * customer's LeaseId (one lease per customer). A customer without a lease is listed by no property, so
   * taking it off its lease removes it from getCustomers, and putting it on one brings it back.
   */
  relink({ resident, from, to }: LinkChange): Rec | string {
    const customer = this.find('customers', resident);
    if (!customer) return `customer ${resident} not found`;
    const current = customer.LeaseId === undefined ? null : String(customer.LeaseId);
    if (from !== current)
      return from === null
        ? `customer ${resident} is on lease ${current} (one LeaseId): give it as "from" to move it`
        : `customer ${resident} is not on lease ${from}`;
    if (to !== null && !this.find('leases', to)) return `lease ${to} not found`;
    if (from !== null) this.leaveLease(customer, Number(from));
    if (to === null) delete customer.LeaseId;
    else {
      customer.LeaseId = Number(to);
      this.joinLease(customer, Number(to));
    }
    return { resident, leases: to === null ? [] : [to] };
  }

  private joinLease(customer: Rec, leaseId: number): void {
    const lease = this.find('leases', String(leaseId));
    if (!lease) return;
    const list: Rec[] = (lease.customers ??= { customer: [] }).customer;
    list.push({ id: Number(customer['@attributes'].Id), customerType: list.length === 0 ? 'Primary' : 'Responsible' });
  }

  private leaveLease(customer: Rec, leaseId: number): void {
    const lease = this.find('leases', String(leaseId));
    if (lease?.customers?.customer)
      lease.customers.customer = lease.customers.customer.filter(
        (c: Rec) => String(c.id) !== customer['@attributes'].Id,
      );
  }
}

function errorBody(requestId: unknown, code: number, message: string) {
  return { response: { requestId, error: { code, message } } };
}

/** JSON as Entrata's XML conversion makes it: a one-element list becomes its element, an empty list disappears. */
function xmlJson(value: unknown): unknown {
  if (Array.isArray(value))
    return value.length === 1 ? xmlJson(value[0]) : value.length === 0 ? undefined : value.map(xmlJson);
  if (!isJsonObject(value)) return value;
  const out: Rec = {};
  for (const [key, v] of Object.entries(value)) {
    const converted = xmlJson(v);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

/** Ids given as a number or a comma list. */
function idList(value: unknown, name: string): number[] {
  if (value === undefined || value === null || value === '') return [];
  const parts =
    typeof value === 'number'
      ? [String(value)]
      : typeof value === 'string'
        ? value.split(',').map((v) => v.trim())
        : null;
  if (!parts || parts.some((p) => !/^\d+$/.test(p)))
    throw new ParamError(`${name} must be an id or a comma-separated list of ids.`);
  return parts.map(Number);
}

/** An MM/DD/YYYY param as YYYY-MM-DD (undefined when absent). */
function isoDay(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{2}\/\d{2}\/\d{4}$/.test(value))
    throw new ParamError(`${name} must be a date formatted MM/DD/YYYY.`);
  return `${value.slice(6, 10)}-${value.slice(0, 2)}-${value.slice(3, 5)}`;
}

function positive(value: unknown, name: string, max: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ParamError(`${name} must be an integer from 1 to ${max}.`);
  return n;
}

/** Runs the simulator as its own HTTP server (tests, benchmarks). */
export const startEntrataSandboxServer = (options: EntrataSandboxOptions & ServeOptions = {}) =>
  startSandboxServer(createEntrataSandbox, options);

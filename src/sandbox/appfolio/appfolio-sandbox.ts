import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LinkChange, simulatorState } from '../kit/control-api';
import { type DeniedCollections, isDenied } from '../kit/denied-collections';
import { type Fault, FaultInjector } from '../kit/fault-injector';
import { editEvenly, withRound } from '../kit/record-edits';
import { isJsonObject, readJson, sendJson, type ServeOptions, startSandboxServer } from '../kit/sandbox-http';
import {
  ChangeClock,
  RecordIndexes,
  type SimulatedVendor,
  VendorSimulator,
  type WriteResult,
} from '../kit/vendor-simulator';
import { type AppfolioData, type AppfolioDatasetOptions, generateAppfolioData, SEEDED_AT } from './appfolio-dataset';
import { generateWorkOrderNotes, workOrderErrors, workOrderView } from './appfolio-work-orders';
import { chargeErrors, INCOME_GL_ACCOUNT_IDS, postCharge, postPayment } from './appfolio-ledger';

type Rec = Record<string, any>;
type Collection = keyof AppfolioData;

export interface AppfolioSandboxOptions extends AppfolioDatasetOptions {
  /**
   * Accepted customers: Basic `clientId:clientSecret`, plus the developer id the v0 lookup requires. A denied
   * collection answers 403: its report, or for `contacts` the v0 lookup.
   */
  credentials?: Array<{ clientId: string; clientSecret: string; developerId: string } & DeniedCollections<Collection>>;
  /** Requests per customer in a sliding window, beyond which 429 + Retry-After. AppFolio: 7 per 15 s; null = unlimited. */
  requestBudget?: { requests: number; perSeconds: number } | null;
  /** Rows per report page (AppFolio: up to 5,000). */
  pageSize?: number;
  /** How long a next_page_url stays valid (AppFolio: 30 minutes). */
  cursorTtlMs?: number;
}

export interface AppfolioSandbox extends SimulatedVendor<AppfolioData, AppfolioSandboxOptions> {
  /** Expires every next_page_url handed out so far (its next GET answers 410); returns how many. */
  expireCursors(): number;
  /** A work order's notes, oldest first (what `GET /api/v0/work_orders/{Id}/notes` serves newest first). */
  workOrderNotes(id: number): readonly Record<string, unknown>[];
}

export const APPFOLIO_SANDBOX_CREDENTIALS = {
  clientId: 'sandbox-client-id',
  clientSecret: 'sandbox-client-secret',
  developerId: 'sandbox-developer-id',
};
/** Accepted by default too, but may not read tenants (their report nor their lookup): the demo's FAILED data-access check. */
export const APPFOLIO_SANDBOX_LIMITED_CREDENTIALS = {
  clientId: 'sandbox-limited-client-id',
  clientSecret: 'sandbox-client-secret',
  developerId: 'sandbox-developer-id',
};

const DEFAULT_CREDENTIALS: NonNullable<AppfolioSandboxOptions['credentials']> = [
  APPFOLIO_SANDBOX_CREDENTIALS,
  { ...APPFOLIO_SANDBOX_LIMITED_CREDENTIALS, denied: ['tenants', 'contacts'] },
];

const DEFAULT_BUDGET = { requests: 7, perSeconds: 15 };
const DEFAULT_PAGE_SIZE = 5000;
const DEFAULT_CURSOR_TTL_MS = 30 * 60_000;
const MAX_LOOKUP_IDS = 100;
const DEVELOPER_ID_HEADER = 'x-appfolio-developer-id';
/** The v0 resources behind residents, properties, units and leases; none takes a canonical write. */
const V0_READ_ONLY = /^\/api\/v0\/(tenants|properties|units|occupancies)(?:\/(\d+))?\/?$/;

interface Report {
  collection: Collection;
  /** The row fields of docs/vendors/appfolio.md, in order. */
  columns: readonly string[];
  idField: string;
  /** Accepts `from_date`. */
  incremental: boolean;
}

const REPORTS: Record<string, Report> = {
  property_directory: {
    collection: 'properties',
    idField: 'property_id',
    incremental: false,
    columns: [
      'property_id',
      'property_name',
      'property_address',
      'property_city',
      'property_state',
      'property_zip',
      'property_type',
      'units',
    ],
  },
  unit_directory: {
    collection: 'units',
    idField: 'unit_id',
    incremental: false,
    columns: ['unit_id', 'property_id', 'unit_name', 'bedrooms', 'bathrooms', 'sqft', 'market_rent', 'unit_status'],
  },
  rent_roll: {
    collection: 'occupancies',
    idField: 'occupancy_id',
    incremental: true,
    columns: [
      'occupancy_id',
      'unit_id',
      'property_id',
      'status',
      'lease_from',
      'lease_to',
      'move_in',
      'move_out',
      'rent',
      'deposit',
      'tenant_ids',
    ],
  },
  tenant_directory: {
    collection: 'tenants',
    idField: 'tenant_id',
    incremental: true,
    columns: ['tenant_id', 'occupancy_id', 'first_name', 'last_name', 'status', 'tenant_type'],
  },
};

const ID_FIELD: Record<Collection, string> = {
  properties: 'property_id',
  units: 'unit_id',
  occupancies: 'occupancy_id',
  tenants: 'tenant_id',
  contacts: 'Id',
  work_orders: 'Id',
  ledger: 'Id',
};
/** v0 ledger routes: the tenant ledger read and the charge create (docs/vendors/appfolio.md). */
const LEDGER_PATHS: Record<string, 'read' | 'charge'> = {
  '/api/v0/tenant_ledgers': 'read',
  '/api/v0/charges': 'charge',
};
const WORK_ORDERS_PATH = /^\/api\/v0\/work_orders(?:\/(\d+)(\/notes)?)?\/?$/;
const MAX_V0_PAGE_SIZE = 1000;
const isoSecondsZ = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const CONTACT_FIELDS = ['Emails', 'PhoneNumbers', 'DateOfBirth'];

/** A report run whose later pages are served through next_page_url until it expires. */
interface ReportRun {
  token: string;
  report: string;
  clientId: string;
  rows: Rec[];
  columns: readonly string[];
  pageSize: number;
  expiresAt: number;
}

const error = (message: string) => ({ error: message });

/**
 * An AppFolio simulator (docs/vendors/appfolio.md): Reports API v2 (POST filters, then GET absolute
 * next_page_url cursors that expire with 410), the v0 tenant lookup with its developer-id header, Basic
 * auth answered as Rails does (401 "HTTP Basic: Access denied."), a per-customer request budget answered
 * with 429 + Retry-After, and a control API under /_control/ to change data and inject faults.
 */
export function createAppfolioSandbox(initial: AppfolioSandboxOptions = {}): AppfolioSandbox {
  return new AppfolioSimulator().reset(initial);
}

class AppfolioSimulator extends VendorSimulator<AppfolioData, AppfolioSandboxOptions> implements AppfolioSandbox {
  /** Each record's last_updated, which from_date and LastUpdatedAtFrom filter on (not a report column). */
  private clock = new ChangeClock(SEEDED_AT);
  private readonly indexes = new RecordIndexes<AppfolioData>(
    () => this.store,
    (collection) => ID_FIELD[collection],
  );
  private runs = new Map<string, ReportRun>();
  /** Each work order's notes, oldest first. */
  private notes = new Map<number, Rec[]>();
  /** Work orders with a PATCH in flight (a second one answers 409). */
  private readonly patching = new Set<number>();

  protected generate(options: AppfolioSandboxOptions): AppfolioData {
    return generateAppfolioData(options);
  }

  protected override onReset(): void {
    this.clock = new ChangeClock(SEEDED_AT);
    this.indexes.forget();
    this.runs.clear();
    this.notes = generateWorkOrderNotes(this.store.work_orders, this.options.seed ?? 1);
  }

  workOrderNotes(id: number): readonly Rec[] {
    return this.notes.get(id) ?? [];
  }

  expireCursors(): number {
    for (const run of this.runs.values()) run.expiresAt = 0;
    return this.runs.size;
  }

  protected control() {
    return {
      mutateKinds: [...Object.keys(ID_FIELD).filter((kind) => kind !== 'ledger'), 'charges', 'payments'],
      actions: { 'POST cursors/expire': () => ({ expired: this.expireCursors() }) },
    };
  }

  protected sendInternalError(res: ServerResponse, e: Error): void {
    sendJson(res, 500, error(`Sandbox error: ${e.message}`));
  }

  // ---- the vendor API ------------------------------------------------------------------------------

  protected async vendorApi(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    const customer = this.customer(req);
    if (!customer) {
      res.writeHead(401, {
        'content-type': 'text/plain; charset=utf-8',
        'www-authenticate': 'Basic realm="Application"',
      });
      return void res.end('HTTP Basic: Access denied.\n');
    }
    const ledgerRoute = LEDGER_PATHS[url.pathname.replace(/\/+$/, '')];
    if (ledgerRoute) return this.ledgerApi(req, res, url, customer, ledgerRoute);
    const workOrder = WORK_ORDERS_PATH.exec(url.pathname);
    if (workOrder) return this.workOrders(req, res, url, customer, workOrder[1], !!workOrder[2]);
    const v0Record = V0_READ_ONLY.exec(url.pathname);
    if (v0Record && req.method !== 'GET') return this.v0Write(req, res, url, customer, v0Record[1], v0Record[2]);
    const report = /^\/api\/v2\/reports\/([a-z_]+)\.json$/.exec(url.pathname)?.[1];
    const lookup = url.pathname === '/api/v0/tenants';
    if (!(report && REPORTS[report]) && !lookup) return sendJson(res, 404, error(`No route matches ${url.pathname}`));
    if (lookup && req.headers[DEVELOPER_ID_HEADER] !== customer.developerId) {
      return sendJson(res, 401, error('Required header missing or invalid: X-AppFolio-Developer-ID'));
    }
    if (isDenied(customer, lookup ? 'contacts' : REPORTS[report!].collection)) {
      return sendJson(res, 403, error(`Forbidden: these API credentials may not access ${url.pathname}`));
    }
    const retryAfter = this.retryAfter(customer.clientId);
    if (retryAfter !== null) {
      res.writeHead(429, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(retryAfter) });
      return void res.end('Rate limit exceeded. Please retry later.\n');
    }
    const faults = await this.served(url.pathname, (failing) =>
      sendJson(res, failing.status, error('Injected fault'), failing.headers),
    );
    if (!faults) return;

    if (lookup) {
      if (req.method !== 'GET') return sendJson(res, 405, error(`${req.method} is not supported on ${url.pathname}`));
      return this.lookupTenants(res, url, faults);
    }
    const origin = `${originOf(req)}${mountPrefix(req, path)}`;
    if (req.method === 'POST') return this.runReport(req, res, report!, customer.clientId, origin, faults);
    if (req.method === 'GET') return this.nextPage(res, url, report!, customer.clientId, origin, faults);
    return sendJson(res, 405, error(`${req.method} is not supported on ${url.pathname}`));
  }

  /**
   * A write to a v0 resource the canonical models map to (docs/vendors/appfolio.md, Writes): tenants, properties
   * and occupancies are read-only (405); units take only `PUT /api/v0/units/{id}` of operational flags
   * (`RentReady`), so any other attribute is a 422. Checked after the developer-id header and the budget, and the
   * unit flag goes through the injected faults like every write.
   */
  private async v0Write(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    customer: { clientId: string; developerId: string },
    resource: string,
    id: string | undefined,
  ): Promise<void> {
    const operation = `${req.method} /api/v0/${resource}${id === undefined ? '' : '/{Id}'}`;
    if (req.headers[DEVELOPER_ID_HEADER] !== customer.developerId)
      return sendJson(res, 401, error('Required header missing or invalid: X-AppFolio-Developer-ID'));
    if (resource !== 'units' || req.method !== 'PUT' || id === undefined)
      return this.refuseWrite(operation, 'rejected', () =>
        sendJson(res, 405, error(`${req.method} is not supported on ${url.pathname}: ${resource} are read-only in v0`)),
      );
    const retryAfter = this.retryAfter(customer.clientId);
    if (retryAfter !== null)
      return this.refuseWrite(operation, 'refused', () => {
        res.writeHead(429, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(retryAfter) });
        res.end('Rate limit exceeded. Please retry later.\n');
      });
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      body = undefined;
    }
    await this.servedWrite(
      url.pathname,
      operation,
      (failing) => sendJson(res, failing.status, error('Injected fault'), failing.headers),
      () => {
        const reject = (status: number, answer: unknown) => ({
          outcome: 'rejected' as const,
          respond: () => sendJson(res, status, answer),
        });
        const unit = this.index('units').get(Number(id));
        if (!unit) return reject(404, error(`Unit ${id} not found`));
        if (!isJsonObject(body)) return reject(400, error('The body must be a JSON object'));
        const errors = Object.entries(body)
          .filter(([attribute, value]) => !(attribute === 'RentReady' && typeof value === 'boolean'))
          .map(([attribute]) => ({
            attribute,
            message: attribute === 'RentReady' ? 'must be true or false' : 'is not a writable attribute of a unit',
          }));
        if (errors.length || !('RentReady' in body))
          return reject(422, { errors: errors.length ? errors : [{ attribute: 'RentReady', message: 'is required' }] });
        // An operational flag no report column shows (no canonical field maps to it).
        unit.RentReady = body.RentReady;
        return {
          outcome: 'applied',
          respond: () => sendJson(res, 200, { Id: String(unit.unit_id), RentReady: unit.RentReady }),
        };
      },
      'PUT',
    );
  }

  /**
   * v0 work orders (docs/vendors/appfolio.md, service requests): GET lists by `filters[LastUpdatedAtFrom]` (a
   * filter is required) and `filters[PropertyId]`, `page[number]`/`page[size]`; POST creates (201 record); PATCH
   * changes only the attributes given (200 record; a second PATCH of a record while one is in flight: 409);
   * `/{Id}/notes` lists (newest first) and adds notes (`{"Body"}`). Errors: 400 malformed, 422 `{errors}`.
   */
  private async workOrders(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    customer: { clientId: string; developerId: string },
    id: string | undefined,
    notes: boolean,
  ): Promise<void> {
    if (req.headers[DEVELOPER_ID_HEADER] !== customer.developerId)
      return sendJson(res, 401, error('Required header missing or invalid: X-AppFolio-Developer-ID'));
    const method = req.method ?? 'GET';
    const operation = `${method} /api/v0/work_orders${id === undefined ? '' : '/{Id}'}${notes ? '/notes' : ''}`;
    const known =
      (method === 'GET' && id === undefined) ||
      (method === 'POST' && id === undefined) ||
      (method === 'PATCH' && id !== undefined && !notes) ||
      ((method === 'GET' || method === 'POST') && notes);
    if (!known) return sendJson(res, 405, error(`${method} is not supported on ${url.pathname}`));
    if (this.refusedOverBudget(res, customer.clientId, method === 'GET' ? null : operation)) return;
    const sendFailure = (failing: { status: number; headers?: Record<string, string> }) =>
      sendJson(res, failing.status, error('Injected fault'), failing.headers);
    const record = id === undefined ? undefined : this.index('work_orders').get(Number(id));
    if (method === 'GET') {
      const faults = await this.served(url.pathname, sendFailure);
      if (!faults) return;
      if (notes) {
        if (!record) return sendJson(res, 404, error(`Work order ${id} not found`));
        const list = [...(this.notes.get(record.Id) ?? [])].reverse();
        return sendJson(res, 200, { data: FaultInjector.corruptPage(list, faults, 'Id'), next_page_path: null });
      }
      return this.listWorkOrders(res, url, faults);
    }
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      body = undefined;
    }
    if (method === 'PATCH' && record && this.patching.has(record.Id))
      return this.refuseWrite(operation, 'rejected', () =>
        sendJson(res, 409, error(`Work order ${id} is being changed by another request`)),
      );
    if (method === 'PATCH' && record) this.patching.add(record.Id);
    try {
      await this.servedWrite(
        url.pathname,
        operation,
        sendFailure,
        () => this.writeWorkOrder(res, method, id, record, notes, body),
        method,
      );
    } finally {
      if (method === 'PATCH' && record) this.patching.delete(record.Id);
    }
  }

  private writeWorkOrder(
    res: ServerResponse,
    method: string,
    id: string | undefined,
    record: Rec | undefined,
    notes: boolean,
    body: unknown,
  ): WriteResult {
    const reject = (status: number, answer: unknown) => ({
      outcome: 'rejected' as const,
      respond: () => sendJson(res, status, answer),
    });
    if (id !== undefined && !record) return reject(404, error(`Work order ${id} not found`));
    if (!isJsonObject(body)) return reject(400, error('The body must be a JSON object'));
    const now = Date.now();
    if (notes) {
      if (typeof body.Body !== 'string' || body.Body.trim() === '')
        return reject(422, { errors: [{ attribute: 'Body', message: "can't be blank" }] });
      const list = this.notes.get(record!.Id) ?? [];
      const note = { Id: list.length + 1, Body: body.Body, CreatedAt: isoSecondsZ(now) };
      this.notes.set(record!.Id, [...list, note]);
      this.update('work_orders', record!, {});
      return { outcome: 'applied', respond: () => sendJson(res, 201, note) };
    }
    const errors = workOrderErrors(body, method === 'POST');
    const references = method === 'POST' ? this.workOrderReferenceErrors(body) : [];
    const all = [...errors, ...references];
    if (all.some((e) => e.status === 400))
      return reject(400, error(all.map((e) => `${e.attribute} ${e.message}`).join('; ')));
    if (all.length) return reject(422, { errors: all.map(({ attribute, message }) => ({ attribute, message })) });
    if (record) {
      this.update('work_orders', record, body);
      return { outcome: 'applied', respond: () => sendJson(res, 200, workOrderView(record)) };
    }
    const nextId = Math.max(0, ...this.store.work_orders.map((w) => w.Id as number)) + 1;
    const created = this.create('work_orders', {
      Status: 'New',
      ...body,
      WorkOrderNumber: String(nextId),
      CreatedAt: isoSecondsZ(now),
    }) as Rec;
    return { outcome: 'applied', respond: () => sendJson(res, 201, workOrderView(created)) };
  }

  /** A new work order's property, unit (of that property) and occupancy must exist. */
  private workOrderReferenceErrors(body: Rec) {
    const errors: Array<{ status: 422; attribute: string; message: string }> = [];
    const property = this.index('properties').get(body.PropertyId);
    if (body.PropertyId !== undefined && !property)
      errors.push({ status: 422, attribute: 'PropertyId', message: 'Property not found' });
    const unit = body.UnitId === undefined ? undefined : this.index('units').get(body.UnitId);
    if (body.UnitId !== undefined && (!unit || unit.property_id !== body.PropertyId))
      errors.push({ status: 422, attribute: 'UnitId', message: 'Unit not found in this property' });
    if (body.OccupancyId !== undefined && !this.index('occupancies').get(body.OccupancyId))
      errors.push({ status: 422, attribute: 'OccupancyId', message: 'Occupancy not found' });
    return errors;
  }

  /**
   * `GET /api/v0/tenant_ledgers` (filters[PostedOnFrom] required, filters[PostedOnTo], both YYYY-MM-DD inclusive;
   * v0 paging) and `POST /api/v0/charges` (201 `{"Id"}`; 400 unknown attributes, 422 `{errors}`), after the
   * developer-id header and the request budget.
   */
  private async ledgerApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    customer: { clientId: string; developerId: string },
    route: 'read' | 'charge',
  ): Promise<void> {
    if (req.headers[DEVELOPER_ID_HEADER] !== customer.developerId)
      return sendJson(res, 401, error('Required header missing or invalid: X-AppFolio-Developer-ID'));
    const method = req.method ?? 'GET';
    if (method !== (route === 'read' ? 'GET' : 'POST'))
      return sendJson(res, 405, error(`${method} is not supported on ${url.pathname}`));
    const operation = 'POST /api/v0/charges';
    if (this.refusedOverBudget(res, customer.clientId, route === 'read' ? null : operation)) return;
    const sendFailure = (failing: { status: number; headers?: Record<string, string> }) =>
      sendJson(res, failing.status, error('Injected fault'), failing.headers);
    if (route === 'read') {
      const faults = await this.served(url.pathname, sendFailure);
      if (faults) this.listLedger(res, url, faults);
      return;
    }
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      body = undefined;
    }
    await this.servedWrite(url.pathname, operation, sendFailure, () => {
      const reject = (status: number, answer: unknown) => ({
        outcome: 'rejected' as const,
        respond: () => sendJson(res, status, answer),
      });
      if (!isJsonObject(body)) return reject(400, error('The body must be a JSON object'));
      const errors = chargeErrors(body, (id) => this.index('occupancies').has(id as number));
      if (errors.some((e) => e.status === 400))
        return reject(400, error(errors.map((e) => `${e.attribute} ${e.message}`).join('; ')));
      if (errors.length)
        return reject(422, { errors: errors.map(({ attribute, message }) => ({ attribute, message })) });
      const row = postCharge(this.store.ledger, this.index('occupancies').get(body.OccupancyId)!, {
        glAccountId: body.GlAccountId,
        amount: body.Amount,
        chargedOn: body.ChargedOn,
        description: body.Description,
        at: isoSecondsZ(Date.now()),
      });
      this.indexes.forget('ledger');
      this.touch('ledger', row);
      return { outcome: 'applied', respond: () => sendJson(res, 201, { Id: String(row.Id) }) };
    });
  }

  private listLedger(res: ServerResponse, url: URL, faults: Fault[]): void {
    const from = url.searchParams.get('filters[PostedOnFrom]');
    const to = url.searchParams.get('filters[PostedOnTo]');
    const isDay = (value: string | null) => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);
    if (!isDay(from)) return sendJson(res, 400, error('filters[PostedOnFrom] is required, formatted YYYY-MM-DD'));
    if (to !== null && !isDay(to)) return sendJson(res, 400, error('filters[PostedOnTo] must be formatted YYYY-MM-DD'));
    const page = Number(url.searchParams.get('page[number]') ?? 1);
    const size = Number(url.searchParams.get('page[size]') ?? MAX_V0_PAGE_SIZE);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > MAX_V0_PAGE_SIZE)
      return sendJson(res, 400, error(`page[number] must be at least 1 and page[size] from 1 to ${MAX_V0_PAGE_SIZE}`));
    const matching = this.store.ledger.filter((r) => r.PostedOn >= from! && (to === null || r.PostedOn <= to));
    const next = new URLSearchParams(url.searchParams);
    next.set('page[number]', String(page + 1));
    sendJson(res, 200, {
      data: FaultInjector.corruptPage(matching.slice((page - 1) * size, page * size), faults, 'Id'),
      next_page_path: page * size < matching.length ? `/api/v0/tenant_ledgers?${next.toString()}` : null,
    });
  }

  private listWorkOrders(res: ServerResponse, url: URL, faults: Fault[]): void {
    const from = url.searchParams.get('filters[LastUpdatedAtFrom]');
    const property = url.searchParams.get('filters[PropertyId]');
    if (from === null && property === null)
      return sendJson(res, 400, error('At least one filter is required, e.g. filters[LastUpdatedAtFrom]'));
    const fromMs = from === null ? -Infinity : Date.parse(from);
    if (Number.isNaN(fromMs)) return sendJson(res, 400, error('filters[LastUpdatedAtFrom] must be an ISO 8601 time'));
    const page = Number(url.searchParams.get('page[number]') ?? 1);
    const size = Number(url.searchParams.get('page[size]') ?? MAX_V0_PAGE_SIZE);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > MAX_V0_PAGE_SIZE)
      return sendJson(res, 400, error(`page[number] must be at least 1 and page[size] from 1 to ${MAX_V0_PAGE_SIZE}`));
    const matching = this.store.work_orders.filter(
      (w) => this.changedAt(w) >= fromMs && (property === null || String(w.PropertyId) === property),
    );
    const data = matching.slice((page - 1) * size, page * size).map(workOrderView);
    const next = new URLSearchParams(url.searchParams);
    next.set('page[number]', String(page + 1));
    sendJson(res, 200, {
      data: FaultInjector.corruptPage(data, faults, 'Id'),
      next_page_path: page * size < matching.length ? `/api/v0/work_orders?${next.toString()}` : null,
    });
  }

  private customer(req: IncomingMessage) {
    const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [clientId, clientSecret] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
    return (this.options.credentials ?? DEFAULT_CREDENTIALS).find(
      (c) => c.clientId === clientId && c.clientSecret === clientSecret,
    );
  }

  /** Answers 429 when the customer is over its request budget (a write is logged `refused`); true when it did. */
  private refusedOverBudget(res: ServerResponse, clientId: string, writeOperation: string | null): boolean {
    const retryAfter = this.retryAfter(clientId);
    if (retryAfter === null) return false;
    const refuse = () => {
      res.writeHead(429, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(retryAfter) });
      res.end('Rate limit exceeded. Please retry later.\n');
    };
    if (writeOperation === null) refuse();
    else this.refuseWrite(writeOperation, 'refused', refuse);
    return true;
  }

  /** Seconds until the customer may ask again, or null when this request is within its budget. */
  private retryAfter(clientId: string): number | null {
    const budget = this.options.requestBudget === undefined ? DEFAULT_BUDGET : this.options.requestBudget;
    if (!budget) return null;
    const waitMs = this.throttle.admit(budget.requests, budget.perSeconds * 1000, clientId);
    return waitMs ? Math.max(1, Math.ceil(waitMs / 1000)) : null;
  }

  private async runReport(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    clientId: string,
    origin: string,
    faults: Fault[],
  ): Promise<void> {
    const report = REPORTS[name];
    const body = (await readJson(req)) ?? {};
    if (!isJsonObject(body)) return sendJson(res, 400, error('The request body must be a JSON object of filters'));
    const columns = body.columns ?? report.columns;
    if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== 'string'))
      return sendJson(res, 400, error('columns must be a list of column names'));
    const unknown = columns.filter((c) => !report.columns.includes(c));
    if (unknown.length) return sendJson(res, 400, error(`Invalid columns for ${name}: ${unknown.join(', ')}`));
    let rows = this.store[report.collection];
    if (body.from_date !== undefined) {
      if (!report.incremental) return sendJson(res, 400, error(`${name} does not accept from_date`));
      const from =
        typeof body.from_date === 'string' &&
        /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(body.from_date)
          ? Date.parse(body.from_date)
          : NaN;
      if (Number.isNaN(from))
        return sendJson(res, 400, error('from_date must be a date such as 2026-01-31 or 2026-01-31T00:00:00Z'));
      rows = rows.filter((r) => this.changedAt(r) >= from);
    }
    const now = Date.now();
    for (const [token, run] of this.runs) if (run.expiresAt <= now) this.runs.delete(token);
    const run: ReportRun = {
      token: randomUUID(),
      report: name,
      clientId,
      rows: [...rows],
      columns,
      pageSize: body.paginate_results === false ? Infinity : (this.options.pageSize ?? DEFAULT_PAGE_SIZE),
      expiresAt: now + (this.options.cursorTtlMs ?? DEFAULT_CURSOR_TTL_MS),
    };
    if (run.rows.length > run.pageSize) this.runs.set(run.token, run);
    this.sendPage(res, run, 1, origin, faults);
  }

  private nextPage(
    res: ServerResponse,
    url: URL,
    name: string,
    clientId: string,
    origin: string,
    faults: Fault[],
  ): void {
    const token = url.searchParams.get('metadata_id');
    const page = Number(url.searchParams.get('page'));
    if (!token || !Number.isInteger(page) || page < 2)
      return sendJson(res, 400, error('Run a report with POST; GET follows a next_page_url'));
    const run = this.runs.get(token);
    if (!run || run.report !== name || run.clientId !== clientId)
      return sendJson(res, 404, error('No such report page'));
    if (run.expiresAt <= Date.now())
      return sendJson(res, 410, error('This report page has expired. Run the report again.'));
    this.sendPage(res, run, page, origin, faults);
  }

  private sendPage(res: ServerResponse, run: ReportRun, page: number, origin: string, faults: Fault[]): void {
    const start = (page - 1) * run.pageSize;
    const derived = this.derivedColumns(run.report);
    const rows = run.rows.slice(start, start + run.pageSize).map((record) => {
      const row = { ...record, ...derived(record) };
      return Object.fromEntries(run.columns.map((c) => [c, row[c] ?? null])); // every asked-for column, absent ones null
    });
    const more = start + run.pageSize < run.rows.length;
    const next = more ? `${origin}/api/v2/reports/${run.report}.json?metadata_id=${run.token}&page=${page + 1}` : null;
    sendJson(res, 200, {
      results: FaultInjector.corruptPage(rows, faults, REPORTS[run.report].idField),
      next_page_url: next,
    });
  }

  /** The columns a report computes from other collections: a property's unit count, an occupancy's tenant ids. */
  private derivedColumns(report: string): (record: Rec) => Rec {
    if (report === 'property_directory') {
      const units = groupBy(this.store.units, 'property_id');
      return (p) => ({ units: units.get(p.property_id)?.length ?? 0 });
    }
    if (report === 'rent_roll') {
      const tenants = groupBy(this.store.tenants, 'occupancy_id');
      return (o) => ({ tenant_ids: (tenants.get(o.occupancy_id) ?? []).map((t) => t.tenant_id).join(',') || null });
    }
    return () => ({});
  }

  private lookupTenants(res: ServerResponse, url: URL, faults: Fault[]): void {
    const idsParam = url.searchParams.get('filters[Id]');
    const fromParam = url.searchParams.get('filters[LastUpdatedAtFrom]');
    if (idsParam === null && fromParam === null)
      return sendJson(
        res,
        400,
        error('At least one filter is required, e.g. filters[Id] or filters[LastUpdatedAtFrom]'),
      );
    let contacts = this.store.contacts;
    if (idsParam !== null) {
      const ids = idsParam
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      if (ids.length > MAX_LOOKUP_IDS)
        return sendJson(res, 400, error(`filters[Id] takes at most ${MAX_LOOKUP_IDS} ids`));
      const wanted = new Set(ids);
      contacts = contacts.filter((c) => wanted.has(String(c.Id)));
    }
    if (fromParam !== null) {
      const from = Date.parse(fromParam);
      if (Number.isNaN(from)) return sendJson(res, 400, error('filters[LastUpdatedAtFrom] must be an ISO 8601 time'));
      contacts = contacts.filter((c) => this.changedAt(c) >= from);
    }
    const data = contacts.map((c) => ({
      Id: c.Id,
      Emails: c.Emails ?? [],
      PhoneNumbers: c.PhoneNumbers ?? [],
      DateOfBirth: c.DateOfBirth ?? null,
    }));
    sendJson(res, 200, { data: FaultInjector.corruptPage(data, faults, 'Id') });
  }

  // ---- the control API: change the data between syncs, expire cursors, inject faults ----------------

  state() {
    return simulatorState(this, 'APPFOLIO', {
      openCursors: [...this.runs.values()].filter((r) => r.expiresAt > Date.now()).length,
    });
  }

  /**
   * Edits `n` records of each named collection, spread evenly over it: tenants and properties get a new
   * name, contacts a new first email, occupancies a new rent, units a new market rent.
   */
  mutate(counts: Rec) {
    const round = ++this.mutationRound;
    const raised = (value: unknown) => (Number(value ?? 1000) + 1.25).toFixed(2);
    const now = Date.now();
    const today = new Date(now).toISOString().slice(0, 10);
    const withLedger = () => {
      const occupancies = new Set(this.store.ledger.map((r) => r.OccupancyId));
      return this.store.occupancies.filter((o) => occupancies.has(o.occupancy_id));
    };
    const posted = (row: Rec) => {
      this.indexes.forget('ledger');
      this.touch('ledger', row);
    };
    return editEvenly<Exclude<Collection, 'ledger'> | 'charges' | 'payments'>(
      counts,
      (kind) => (kind === 'charges' || kind === 'payments' ? withLedger() : this.store[kind]),
      {
        properties: (r) => this.update('properties', r, { property_name: withRound(r.property_name, round) }),
        units: (r) => this.update('units', r, { market_rent: raised(r.market_rent) }),
        occupancies: (r) => this.update('occupancies', r, { rent: raised(r.rent) }),
        tenants: (r) => this.update('tenants', r, { first_name: withRound(r.first_name, round) }),
        contacts: (r) =>
          this.update('contacts', r, { Emails: [`updated${round}.${r.Id}@example.com`, ...(r.Emails ?? []).slice(1)] }),
        work_orders: (r) => this.update('work_orders', r, { JobDescription: withRound(r.JobDescription, round) }),
        // A new 25.10 late fee; a new 100.30 check payment applied to the oldest open charges.
        charges: (o) =>
          posted(
            postCharge(this.store.ledger, o, {
              glAccountId: INCOME_GL_ACCOUNT_IDS.late_fee,
              amount: '25.10',
              chargedOn: today,
              description: 'Late fee',
              at: isoSecondsZ(now),
            }),
          ),
        payments: (o) =>
          posted(
            postPayment(
              this.store.ledger,
              o,
              { cents: 10030, postedOn: today, type: 'Check', at: isoSecondsZ(now) },
              (charge) => this.touch('ledger', charge),
            ),
          ),
      },
    );
  }

  find(collection: Collection, id: string): Rec | undefined {
    return this.index(collection).get(Number(id));
  }

  /** A new record (a tenant's Emails/PhoneNumbers/DateOfBirth become its directory contact); a string says why not. */
  create(collection: Collection, body: Rec): Rec | string {
    const idField = ID_FIELD[collection];
    if (collection === 'contacts') {
      if (!this.index('tenants').has(Number(body.Id))) return 'a contact needs the Id of an existing tenant';
      if (this.index('contacts').has(Number(body.Id))) return `tenant ${body.Id} already has a contact`;
      return this.insert('contacts', { Emails: [], PhoneNumbers: [], DateOfBirth: null, ...body, Id: Number(body.Id) });
    }
    const records = this.store[collection];
    const id = (records.length ? records[records.length - 1][idField] : 0) + 1; // kept in id order
    const fields = Object.fromEntries(
      Object.entries(body).filter(([k]) => !(collection === 'tenants' && CONTACT_FIELDS.includes(k))),
    );
    const record = this.insert(collection, { ...fields, [idField]: id });
    if (collection === 'tenants') {
      const contact = Object.fromEntries(Object.entries(body).filter(([k]) => CONTACT_FIELDS.includes(k)));
      if (Object.keys(contact).length)
        this.insert('contacts', { Emails: [], PhoneNumbers: [], DateOfBirth: null, ...contact, Id: id });
    }
    return record;
  }

  private insert(collection: Collection, record: Rec): Rec {
    const records = this.store[collection];
    records.push(record);
    records.sort((a, b) => a[ID_FIELD[collection]] - b[ID_FIELD[collection]]);
    this.indexes.forget(collection);
    this.touch(collection, record);
    return record;
  }

  update(collection: Collection, record: Rec, body: Rec): Rec {
    const before = collection === 'tenants' ? record.occupancy_id : undefined;
    for (const [key, value] of Object.entries(body)) if (key !== ID_FIELD[collection]) record[key] = value;
    if (before !== undefined && before !== record.occupancy_id) this.touchOccupancy(before);
    this.touch(collection, record);
    return record;
  }

  remove(collection: Collection, record: Rec): void {
    this.removeRecord(collection, record);
    this.indexes.forget(collection);
    if (collection === 'tenants') {
      const contact = this.index('contacts').get(record.tenant_id);
      if (contact) this.remove('contacts', contact);
      this.touchOccupancy(record.occupancy_id);
    }
    if (collection === 'contacts') this.touchTenant(record.Id);
  }

  /**
   * A tenant taken off and/or put on an occupancy as AppFolio shows it: its `occupancy_id`, from which each
   * occupancy's tenant_ids is derived (one occupancy per tenant: adding needs a tenant on none). The tenant
   * and both occupancies are updated now.
   */
  relink({ resident, from, to }: LinkChange): Rec | string {
    const tenant = this.find('tenants', resident);
    if (!tenant) return `tenant ${resident} not found`;
    const current = tenant.occupancy_id == null ? null : String(tenant.occupancy_id);
    if (from !== current)
      return from === null
        ? `tenant ${resident} is on occupancy ${current} (one per tenant): give it as "from" to move it`
        : `tenant ${resident} is not on occupancy ${from}`;
    if (to !== null && !this.find('occupancies', to)) return `occupancy ${to} not found`;
    this.update('tenants', tenant, { occupancy_id: to === null ? null : Number(to) });
    return { resident, leases: to === null ? [] : [to] };
  }

  /**
   * Marks a record updated now (strictly later than any earlier change, so from_date sees it). A tenant's
   * contact is part of the tenant, and a tenant is part of its occupancy's tenant_ids.
   */
  private touch(collection: Collection, record: Rec): void {
    const at = this.clock.touch(record);
    if (collection === 'work_orders' || collection === 'ledger') record.LastUpdatedAt = isoSecondsZ(at);
    if (collection === 'contacts') this.touchTenant(record.Id);
    if (collection === 'tenants') this.touchOccupancy(record.occupancy_id);
  }

  private touchTenant(id: number): void {
    const tenant = this.index('tenants').get(id);
    if (tenant) this.clock.touchAlong(tenant);
  }

  private touchOccupancy(id: number | null | undefined): void {
    const occupancy = id == null ? undefined : this.index('occupancies').get(id);
    if (occupancy) this.clock.touchAlong(occupancy);
  }

  private changedAt(record: Rec): number {
    return this.clock.changedAt(record);
  }

  private index(collection: Collection): Map<number, Rec> {
    return this.indexes.of(collection);
  }
}

/** Records grouped by the value of one field. */
function groupBy(records: Rec[], field: string): Map<unknown, Rec[]> {
  const groups = new Map<unknown, Rec[]>();
  for (const r of records) {
    const group = groups.get(r[field]);
    if (group) group.push(r);
    else groups.set(r[field], [r]);
  }
  return groups;
}

/** The scheme and host the client reached us by, so next_page_url is absolute as AppFolio's are. */
function originOf(req: IncomingMessage): string {
  const proto =
    String(req.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]
      ?.trim() || 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}

/** Where the sandbox is mounted (/sandbox/appfolio in the app, nothing when served alone). */
function mountPrefix(req: IncomingMessage, path: string): string {
  const original = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? path;
  return original.endsWith(path) ? original.slice(0, original.length - path.length) : '';
}

/** Runs the simulator as its own HTTP server (tests, benchmarks). */
export const startAppfolioSandboxServer = (options: AppfolioSandboxOptions & ServeOptions = {}) =>
  startSandboxServer(createAppfolioSandbox, options);

import { idOrNull } from '../../normalise/normalise';
import type { ListOptions, RawPage, VendorClient } from '../adapter/vendor-adapter';
import { VendorRequestError, type VendorHttp, type VendorRequest } from '../adapter/vendor-http';
import {
  APPFOLIO_REPORTS,
  isReportModel,
  LAST_NOTE_FIELD,
  LEDGER_ROW_TYPES,
  MAX_REPORT_RESTARTS,
  OCCUPANCY_FIELDS,
  reportPath,
  TENANT_LOOKUP,
  TENANT_LEDGER,
  TENANT_TYPES_FIELD,
  UNIT_NAME_FIELD,
  V0,
  WORK_ORDERS,
  type AppfolioModel,
  type AppfolioReport,
  type AppfolioReportModel,
  type AppfolioV0Model,
} from './appfolio.facts';
import { parseTenantIds } from './appfolio.mapper';
import { AppfolioWriter, type AppfolioCalls } from './appfolio.writes';

type Row = Record<string, unknown>;

/**
 * AppFolio Reports API v2 plus the v0 directory lookup, for one customer. `http` carries the Basic auth;
 * the lookup adds the developer id header. Adapters never wait or retry themselves: VendorHttp does.
 */
export class AppfolioClient implements VendorClient<AppfolioModel>, AppfolioCalls {
  readonly writer: AppfolioWriter = new AppfolioWriter(this);

  constructor(
    private readonly http: VendorHttp,
    private readonly developerId: string,
    private readonly baseUrl: string,
  ) {}

  async *listPages(model: AppfolioModel, options: ListOptions = {}): AsyncIterable<RawPage> {
    if (!isReportModel(model)) return yield* this.listV0(model, options);
    const report = APPFOLIO_REPORTS[model];
    const filters: Row = { paginate_results: true, columns: report.columns };
    if (options.since && report.incremental) filters.from_date = options.since.toISOString();
    if (model === 'residents') {
      // A tenant_directory row names its occupancy, not its property nor its move dates: the rent roll's occupancy
      // does, which places the tenant (unless its row carries its own property_id) and dates its link. The rent roll
      // is read once, before the directory (its columns only, in full, also for an incremental pull: a changed row
      // may name an unchanged occupancy).
      const occupancies = await this.columns('leases', 'occupancy_id', Object.keys(OCCUPANCY_FIELDS));
      for await (const rows of this.report(report, filters)) {
        // tenant_directory rows are minimal: each page is completed by the lookup before it is yielded.
        for (let i = 0; i < rows.length; i += TENANT_LOOKUP.maxIds) {
          const hydrated = await this.hydrate(rows.slice(i, i + TENANT_LOOKUP.maxIds));
          yield { records: hydrated.map((row) => withOccupancy(row, occupancies)) };
        }
      }
      return;
    }
    // Full, also for an incremental pull: a changed row may name an unchanged tenant.
    const tenantTypes = model === 'leases' ? await this.columns('residents', 'tenant_id', ['tenant_type']) : null;
    for await (const rows of this.report(report, filters)) {
      yield { records: tenantTypes ? rows.map((row) => withTenantTypes(row, tenantTypes)) : rows };
    }
  }

  /**
   * The report's first page, asking for its id column only (the contract offers no smaller page), without
   * following next_page_url or hydrating tenants: the vendor answering the report is what is probed.
   */
  async probe(model: AppfolioModel): Promise<void> {
    if (!isReportModel(model)) {
      const { path, params } = v0Query(model, {});
      await this.v0({ method: 'GET', path, params: { ...params, 'page[size]': '1' } });
      return;
    }
    const report = APPFOLIO_REPORTS[model];
    const pages = this.report(report, { paginate_results: true, columns: [report.idField] })[Symbol.asyncIterator]();
    await pages.next();
    await pages.return?.();
  }

  /**
   * Every page of a report: POST the filters, then GET each next_page_url until it is null. A cursor that
   * expired (410) restarts the report from its first page; rows already yielded come again, which the
   * cache's upsert absorbs.
   */
  private async *report(report: AppfolioReport, filters: Row): AsyncIterable<Row[]> {
    const path = reportPath(report.name);
    for (let restarts = 0; ; restarts++) {
      try {
        let body = await this.json({ method: 'POST', path, body: filters });
        for (;;) {
          const page = readReportPage(body, path);
          yield page.results;
          if (page.next === null) return;
          body = await this.json({ method: 'GET', url: this.ownUrl(page.next, path) });
        }
      } catch (error) {
        if (!(error instanceof VendorRequestError && error.status === 410)) throw error;
        if (restarts >= MAX_REPORT_RESTARTS) {
          throw new VendorRequestError(
            `${path}: its next_page_url expired (HTTP 410) again after ${MAX_REPORT_RESTARTS} restarts of the report`,
            410,
            false,
          );
        }
      }
    }
  }

  /**
   * A v0 model, page by page (`page[size]` 1000, then each `next_page_path` until null). Work orders come with
   * their newest note and their unit's name; ledger rows are split by `Type` between charges and payments (a
   * row of a Type the contract does not list goes with the charges, whose mapping quarantines it).
   */
  private async *listV0(model: AppfolioV0Model, options: ListOptions): AsyncIterable<RawPage> {
    const unitNames = model === 'service_requests' ? await this.columns('units', 'unit_id', ['unit_name']) : null;
    const first = v0Query(model, options);
    let request: VendorRequest = {
      method: 'GET',
      path: first.path,
      params: { ...first.params, 'page[number]': '1', 'page[size]': String(V0.maxPageSize) },
    };
    for (;;) {
      const page = readV0Page(await this.v0(request), first.path);
      if (unitNames) {
        const records: Row[] = [];
        for (const order of page.data) records.push(await this.withLastNote(order, unitNames));
        yield { records };
      } else {
        yield { records: page.data.filter((row) => ledgerModel(row) === model) };
      }
      if (page.next === null) return;
      request = { method: 'GET', path: page.next };
    }
  }

  /** A work order with its newest note's Body and its unit's name (where unit_directory has the unit). */
  private async withLastNote(order: Row, unitNames: Map<string, Row>): Promise<Row> {
    const id = idOrNull(order?.Id);
    if (id === null) return order; // the mapper quarantines it
    const notes = readV0Page(
      await this.v0({ method: 'GET', path: WORK_ORDERS.notesPath(id), params: { sort: '-CreatedAt' } }),
      WORK_ORDERS.notesPath(id),
    ).data;
    // Sorted newest first; the newest is also picked by CreatedAt, so a server that ignores `sort` is read right.
    const createdAt = (note: Row | null) => (typeof note?.CreatedAt === 'string' ? note.CreatedAt : '');
    const newest = notes.reduce<Row | null>(
      (best, note) => (best === null || createdAt(note) > createdAt(best) ? note : best),
      null,
    );
    const unit = unitNames.get(idOrNull(order.UnitId) ?? '');
    return {
      ...order,
      [LAST_NOTE_FIELD]: newest?.Body ?? null,
      ...(unit ? { [UNIT_NAME_FIELD]: unit.unit_name } : {}),
    };
  }

  async completeWorkOrder(order: Row): Promise<Row> {
    return this.withLastNote(order, await this.columns('units', 'unit_id', ['unit_name']));
  }

  /** A v0 call: the developer id header on top of the Basic auth. */
  v0(request: VendorRequest): Promise<unknown> {
    return this.json({
      ...request,
      headers: { ...request.headers, [TENANT_LOOKUP.developerIdHeader]: this.developerId },
    });
  }

  /** Merges the lookup's contact details into each row; a tenant the lookup does not return stays minimal. */
  private async hydrate(rows: Row[]): Promise<Row[]> {
    const ids = [...new Set(rows.map((row) => idOrNull(row.tenant_id)).filter((id): id is string => id !== null))];
    if (ids.length === 0) return rows;
    const body = await this.json({
      method: 'GET',
      path: TENANT_LOOKUP.path,
      params: { 'filters[Id]': ids.join(',') },
      headers: { [TENANT_LOOKUP.developerIdHeader]: this.developerId },
    });
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data))
      throw new VendorRequestError(`${TENANT_LOOKUP.path} did not answer {"data": [...]}`, 200, false);
    const byId = new Map<string, Row>();
    for (const tenant of data as Row[]) {
      const id = idOrNull(tenant?.Id);
      if (id !== null) byId.set(id, tenant);
    }
    return rows.map((row) => {
      const found = byId.get(idOrNull(row.tenant_id) ?? '');
      if (!found) return row;
      const details = Object.fromEntries(TENANT_LOOKUP.fields.filter((f) => f in found).map((f) => [f, found[f]]));
      return { ...row, ...details };
    });
  }

  /** Some columns of a model's whole report by another, asking for those columns only. */
  private async columns(model: AppfolioReportModel, key: string, values: readonly string[]): Promise<Map<string, Row>> {
    const byKey = new Map<string, Row>();
    for await (const rows of this.report(APPFOLIO_REPORTS[model], {
      paginate_results: true,
      columns: [key, ...values],
    })) {
      for (const row of rows) {
        const id = idOrNull(row[key]);
        if (id !== null) byKey.set(id, row);
      }
    }
    return byKey;
  }

  private async json(request: VendorRequest): Promise<unknown> {
    return (await this.http.request(request)).data;
  }

  /** A cursor is followed only on the customer's own host: it is sent our credentials. */
  private ownUrl(next: string, path: string): string {
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      throw new VendorRequestError(`${path}: next_page_url "${next}" is not an absolute URL`, null, false);
    }
    if (url.origin !== new URL(this.baseUrl).origin)
      throw new VendorRequestError(
        `${path}: next_page_url points to ${url.origin}, not the customer's host`,
        null,
        false,
      );
    return url.toString();
  }
}

/** The first list call of a v0 model: work orders since the checkpoint (else all), or the whole ledger. */
function v0Query(model: AppfolioV0Model, options: ListOptions): { path: string; params: Record<string, string> } {
  if (model === 'service_requests')
    return {
      path: WORK_ORDERS.path,
      params: { 'filters[LastUpdatedAtFrom]': options.since ? isoSecondsZ(options.since) : V0.everything },
    };
  // No last-updated filter, and a payment changes the AmountDue of charges of any age: the whole ledger every time.
  return { path: TENANT_LEDGER.path, params: { 'filters[PostedOnFrom]': V0.firstPostedOn } };
}

/** A ledger row's model by its Type; an unknown Type (or none) is the charges' to quarantine. */
function ledgerModel(row: Row): AppfolioV0Model {
  return LEDGER_ROW_TYPES[String(row?.Type)]?.model ?? 'resident_charges';
}

/** v0 date-times are UTC `YYYY-MM-DDTHH:mm:ssZ`; a checkpoint is taken down to its second (read again, not missed). */
const isoSecondsZ = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

function readV0Page(answer: unknown, path: string): { data: Row[]; next: string | null } {
  const body = answer as { data?: unknown; next_page_path?: unknown } | null;
  const next = body?.next_page_path ?? null;
  if (!Array.isArray(body?.data) || (next !== null && typeof next !== 'string'))
    throw new VendorRequestError(`${path} did not answer {"data": [...], "next_page_path": path | null}`, 200, false);
  return { data: body.data as Row[], next: next === '' ? null : next };
}

function readReportPage(answer: unknown, path: string): { results: Row[]; next: string | null } {
  const body = answer as { results?: unknown; next_page_url?: unknown } | null;
  const next = body?.next_page_url ?? null;
  if (!Array.isArray(body?.results) || (next !== null && typeof next !== 'string')) {
    throw new VendorRequestError(`${path} did not answer {"results": [...], "next_page_url": url | null}`, 200, false);
  }
  return { results: body.results as Row[], next: next === '' ? null : next };
}

function withTenantTypes(row: Row, tenants: Map<string, Row>): Row {
  const ids = parseTenantIds(row.tenant_ids);
  if (!ids) return row; // the mapper quarantines the row for its tenant_ids
  return {
    ...row,
    [TENANT_TYPES_FIELD]: Object.fromEntries(
      ids.filter((id) => tenants.has(id)).map((id) => [id, tenants.get(id)!.tenant_type]),
    ),
  };
}

function withOccupancy(row: Row, occupancies: Map<string, Row>): Row {
  const occupancy = occupancies.get(idOrNull(row.occupancy_id) ?? '');
  if (!occupancy) return row;
  return {
    ...row,
    ...Object.fromEntries(Object.entries(OCCUPANCY_FIELDS).map(([column, field]) => [field, occupancy[column]])),
  };
}

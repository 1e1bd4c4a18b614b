import type { AppfolioModel } from './appfolio.facts';
import { idOrNull } from '../../normalise/normalise';
import type { ListOptions, RawPage, VendorClient } from '../adapter/vendor-adapter';
import { VendorRequestError, type VendorHttp, type VendorRequest } from '../adapter/vendor-http';
import {
  APPFOLIO_REPORTS,
  MAX_REPORT_RESTARTS,
  OCCUPANCY_FIELDS,
  reportPath,
  TENANT_LOOKUP,
  TENANT_TYPES_FIELD,
  type AppfolioReport,
} from './appfolio.facts';
import { parseTenantIds } from './appfolio.mapper';

type Row = Record<string, unknown>;

/**
 * AppFolio Reports API v2 plus the v0 directory lookup, for one customer. `http` carries the Basic auth;
 * the lookup adds the developer id header. Adapters never wait or retry themselves: VendorHttp does.
 */
export class AppfolioClient implements VendorClient {
  constructor(
    private readonly http: VendorHttp,
    private readonly developerId: string,
    private readonly baseUrl: string,
  ) {}

  async *listPages(model: AppfolioModel, options: ListOptions = {}): AsyncIterable<RawPage> {
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
  private async columns(model: AppfolioModel, key: string, values: readonly string[]): Promise<Map<string, Row>> {
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

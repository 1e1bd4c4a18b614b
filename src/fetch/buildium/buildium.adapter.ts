import { type ListOptions, type RawPage, type VendorAdapter, type VendorClient } from '../adapter/vendor-adapter';
import type { VendorHttp } from '../adapter/vendor-http';
import { getArrayPage, offsetPages } from '../adapter/offset-pages';
import { accountScope } from '../adapter/shared-reads';
import { VendorRequestError } from '../adapter/vendor-http';
import { BuildiumCredentials } from './buildium.credentials';
import {
  BUILDIUM_ENDPOINTS,
  BUILDIUM_EXPECTED_FIELDS,
  BUILDIUM_FACTS,
  BUILDIUM_MODELS,
  BUILDIUM_WORK_ORDERS,
  LEDGER_TRANSACTION_TYPES,
  LEDGER_WINDOW_DAYS,
  type BuildiumLedgerModel,
  type BuildiumModel,
} from './buildium.facts';
import { ledgerTypes, rowsOf, SHARED_LEDGERS } from './buildium.ledger-reads';
import { mapBuildiumRecord } from './buildium.mapper';
import {
  allUnitNumbers,
  completeRequests,
  getOrNull,
  mapConcurrently,
  readAhead,
  REQUESTS_IN_FLIGHT,
} from './buildium.requests';
import { BUILDIUM_WRITE_FIELDS, BuildiumWriter } from './buildium.writes';

/** Buildium Open API v1 (docs/vendors/buildium.md): header keys, offset/limit with X-Total-Count. */
export const buildiumAdapter: VendorAdapter<BuildiumCredentials, BuildiumModel> = {
  vendor: 'BUILDIUM',
  facts: BUILDIUM_FACTS,
  credentialsDto: BuildiumCredentials,
  models: BUILDIUM_MODELS,
  // Service requests by their date-only change filter; charges and payments by a window of transaction dates.
  incrementalModels: [
    'properties',
    'units',
    'residents',
    'leases',
    'service_requests',
    'resident_charges',
    'resident_payments',
  ],
  longestModels: ['resident_charges', 'resident_payments'],
  client: (credentials, context) =>
    new BuildiumClient(
      context.connect({ 'x-buildium-client-id': credentials.clientId, 'x-buildium-client-secret': credentials.secret }),
      accountScope(context.baseUrl, credentials),
    ),
  map: mapBuildiumRecord,
  vendorId: (_model, raw) => {
    const id = (raw as { Id?: unknown } | null)?.Id;
    return typeof id === 'number' || typeof id === 'string' ? String(id) : null;
  },
  writeFields: BUILDIUM_WRITE_FIELDS,
  expectedFields: BUILDIUM_EXPECTED_FIELDS,
};

type Raw = Record<string, any>;

class BuildiumClient implements VendorClient {
  readonly writer: BuildiumWriter;

  constructor(
    private readonly http: VendorHttp,
    private readonly account: string,
  ) {
    this.writer = new BuildiumWriter(http);
  }

  /** Every page of a model, offset/limit until X-Total-Count is reached. */
  listPages(model: BuildiumModel, options: ListOptions = {}): AsyncIterable<RawPage> {
    if (model === 'service_requests') return this.residentRequestPages(options.since);
    if (model === 'resident_charges' || model === 'resident_payments') return this.ledgerPages(model, options.since);
    const since = options.since ? formatBuildiumDateTime(options.since) : undefined;
    return offsetPages(BUILDIUM_FACTS.pageSize, (offset, limit) => this.page(model, offset, limit, since));
  }

  async probe(model: BuildiumModel): Promise<void> {
    if (model !== 'resident_charges' && model !== 'resident_payments') {
      await this.page(model, 0, 1);
      return;
    }
    // Lease transactions have a permission of their own (Rentals > Lease transactions): ask one lease's ledger.
    const { records } = await this.page('leases', 0, 1);
    const leaseId = (records[0] as Raw | undefined)?.Id;
    if (leaseId !== undefined)
      await getArrayPage(this.http, ledgerPath(LEDGER_TRANSACTION_TYPES[model], leaseId), { offset: 0, limit: 1 });
  }

  private page(model: BuildiumModel, offset: number, limit: number, lastupdatedfrom?: string): Promise<RawPage> {
    return getArrayPage(this.http, BUILDIUM_ENDPOINTS[model], { offset, limit, lastupdatedfrom });
  }

  /**
   * Resident requests, each with its work orders (`WorkOrders`: GET /v1/workorders?taskids=… for the page's
   * requests) and its unit's number (`UnitNumber`). A later sync asks for the requests changed since the
   * checkpoint's day (the filter takes dates only, so the whole day is read again), then for the work orders
   * changed since then, whose requests are read again too: a new vendor assignment does not move its request's
   * LastUpdatedDateTime.
   */
  private async *residentRequestPages(since?: Date): AsyncIterable<RawPage> {
    const changedFrom = since ? since.toISOString().slice(0, 10) : undefined;
    const unitNumbers = allUnitNumbers(this.http);
    const seen = new Set<number>();
    const pages = offsetPages(BUILDIUM_FACTS.pageSize, (offset, limit) =>
      getArrayPage(this.http, BUILDIUM_ENDPOINTS.service_requests, { offset, limit, lastupdatedfrom: changedFrom }),
    );
    for await (const page of pages) {
      for (const task of page.records as Raw[]) if (typeof task?.Id === 'number') seen.add(task.Id);
      yield { records: await completeRequests(this.http, page.records as Raw[], unitNumbers), total: page.total };
    }
    if (!changedFrom) return;
    const reassigned = new Set<number>();
    const orders = offsetPages(BUILDIUM_FACTS.pageSize, (offset, limit) =>
      getArrayPage(this.http, `${BUILDIUM_WORK_ORDERS}?type=ResidentRequest`, {
        offset,
        limit,
        lastupdatedfrom: changedFrom,
      }),
    );
    for await (const page of orders)
      for (const order of page.records as Raw[]) {
        const taskId = order?.Task?.Id;
        if (typeof taskId === 'number' && !seen.has(taskId)) reassigned.add(taskId);
      }
    const ids = [...reassigned];
    for (let i = 0; i < ids.length; i += BUILDIUM_FACTS.pageSize) {
      const tasks = await mapConcurrently(ids.slice(i, i + BUILDIUM_FACTS.pageSize), REQUESTS_IN_FLIGHT, (id) =>
        getOrNull(this.http, `${BUILDIUM_ENDPOINTS.service_requests}/${id}`),
      );
      const found = tasks.filter((task): task is Raw => task !== null);
      if (found.length > 0) yield { records: await completeRequests(this.http, found, unitNumbers) };
    }
  }

  /**
   * Every lease's ledger rows of a model's transaction types: GET /v1/leases, then each lease's
   * GET /v1/leases/{leaseId}/transactions (Buildium has no cross-lease listing of lease transactions),
   * LEDGERS_IN_FLIGHT leases at a time in a sliding window (the budget still paces each request), in pages of at most
   * `pageSize` rows. The lease list is read a page at a time as the window moves: memory holds the window and a page.
   * There is no last-updated filter: a later sync reads the last LEDGER_WINDOW_DAYS of transaction dates before its
   * checkpoint, and skips the leases that ended before that window (a full sync reads them all). While the other
   * ledger model's pull of the account runs in this process, each lease is read once for both (SHARED_LEDGERS).
   */
  private async *ledgerPages(model: BuildiumLedgerModel, since?: Date): AsyncIterable<RawPage> {
    const from = since
      ? new Date(since.getTime() - LEDGER_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10)
      : undefined;
    const pull = SHARED_LEDGERS.begin(`${this.account}\u0000${from ?? ''}`, model);
    try {
      const ledgers = readAhead(this.ledgerLeaseIds(from), LEDGERS_IN_FLIGHT, async (id) => {
        const { answer, sentFor } = await pull.read(String(id), (models) => this.ledger(ledgerTypes(models), id, from));
        if (sentFor.length === 1) return answer;
        return rowsOf(model, answer, sentFor) ?? this.ledger(LEDGER_TRANSACTION_TYPES[model], id, from);
      });
      let rows: unknown[] = [];
      for await (const ledger of ledgers) {
        for (const row of ledger) rows.push(row);
        if (rows.length >= BUILDIUM_FACTS.pageSize) {
          yield { records: rows.slice(0, BUILDIUM_FACTS.pageSize) };
          rows = rows.slice(BUILDIUM_FACTS.pageSize);
        }
      }
      if (rows.length > 0) yield { records: rows };
    } finally {
      pull.end();
    }
  }

  /** The ids of the leases whose ledgers a pull reads, page by page of the lease list. */
  private async *ledgerLeaseIds(from?: string): AsyncIterable<number> {
    const leases = offsetPages(BUILDIUM_FACTS.pageSize, (offset, limit) => this.page('leases', offset, limit));
    for await (const page of leases)
      for (const lease of page.records as Raw[])
        if (
          typeof lease?.Id === 'number' &&
          (!from ||
            lease.LeaseStatus !== 'Past' ||
            !(typeof lease.LeaseToDate === 'string' && lease.LeaseToDate < from))
        )
          yield lease.Id;
  }

  /** One lease's rows of these transaction types, all pages; none for a lease that is gone since the lease listing. */
  private async ledger(types: readonly string[], leaseId: number, from?: string): Promise<unknown[]> {
    const rows: unknown[] = [];
    try {
      const pages = offsetPages(BUILDIUM_FACTS.pageSize, (offset, limit) =>
        getArrayPage(this.http, ledgerPath(types, leaseId), { offset, limit, transactiondatefrom: from }),
      );
      for await (const page of pages) rows.push(...page.records);
    } catch (error) {
      if (error instanceof VendorRequestError && error.status === 404) return [];
      throw error;
    }
    return rows;
  }
}

/**
 * Lease ledgers read at once. Each is a request under the integration's budget, which spaces them: more in flight
 * only hide each request's latency when the budget allows more requests than one at a time can make. A ledger is
 * ~12 rows, so on a fast vendor 8 left the worker waiting between pages; 32 keeps it busy (BENCHMARKS.md, issue 21:
 * 10 % more money records/s, and 64 no more than 32) while the window still holds a few hundred rows.
 */
const LEDGERS_IN_FLIGHT = 32;

/** A lease's transactions of these types: `transactiontypes` repeated (the spec's `explode: true`). */
function ledgerPath(types: readonly string[], leaseId: number): string {
  return `/v1/leases/${leaseId}/transactions?${types.map((type) => `transactiontypes=${type}`).join('&')}`;
}

/** Buildium's lastupdatedfrom format: YYYY-MM-DDTHH:MM:SSZ (UTC, no milliseconds). */
export function formatBuildiumDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

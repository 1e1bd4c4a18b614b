import type { CanonicalModelName } from '../../canonical/canonical-models';
import type { ListOptions, RawPage, VendorAdapter, VendorClient } from '../vendor-adapter';
import { VendorRequestError, type VendorHttp } from '../vendor-http';
import { BuildiumCredentials } from './buildium.credentials';
import { BUILDIUM_ENDPOINTS, BUILDIUM_EXPECTED_FIELDS, BUILDIUM_FACTS } from './buildium.facts';
import { mapBuildiumRecord } from './buildium.mapper';

/** Buildium Open API v1 (shared/vendors/buildium.md): header keys, offset/limit with X-Total-Count. */
export const buildiumAdapter: VendorAdapter<BuildiumCredentials> = {
  vendor: 'BUILDIUM',
  facts: BUILDIUM_FACTS,
  credentialsDto: BuildiumCredentials,
  models: ['properties', 'units', 'residents', 'leases'],
  incrementalModels: ['properties', 'units', 'residents', 'leases'],
  client: (credentials, context) =>
    new BuildiumClient(context.connect({ 'x-buildium-client-id': credentials.clientId, 'x-buildium-client-secret': credentials.secret })),
  map: mapBuildiumRecord,
  vendorId: (_model, raw) => {
    const id = (raw as { Id?: unknown } | null)?.Id;
    return typeof id === 'number' || typeof id === 'string' ? String(id) : null;
  },
  expectedFields: BUILDIUM_EXPECTED_FIELDS,
};

class BuildiumClient implements VendorClient {
  constructor(private readonly http: VendorHttp) {}

  /**
   * Every page of a model, offset/limit until X-Total-Count is reached. The next page is requested while
   * the caller is still writing the current one, so vendor latency overlaps our own work.
   */
  async *listPages(model: CanonicalModelName, options: ListOptions = {}): AsyncIterable<RawPage> {
    const limit = BUILDIUM_FACTS.pageSize;
    const since = options.since ? formatBuildiumDateTime(options.since) : undefined;
    const fetchPage = (offset: number) => {
      const request = this.page(model, offset, limit, since);
      request.catch(() => undefined); // a prefetch the caller abandons must not crash the process when it fails
      return request;
    };
    let offset = 0;
    let pending = fetchPage(offset);
    for (;;) {
      const { records, total } = await pending;
      offset += records.length;
      // Without X-Total-Count a short page is the last one.
      const more = records.length > 0 && (total !== undefined ? offset < total : records.length >= limit);
      if (more) pending = fetchPage(offset);
      yield { records, total };
      if (!more) return;
    }
  }

  async probe(model: CanonicalModelName): Promise<void> {
    await this.page(model, 0, 1);
  }

  /** One page of a model's endpoint, with the total X-Total-Count gives. */
  private async page(model: CanonicalModelName, offset: number, limit: number, lastupdatedfrom?: string): Promise<RawPage> {
    const path = BUILDIUM_ENDPOINTS[model];
    const response = await this.http.get<unknown>(path, { offset, limit, lastupdatedfrom });
    if (!Array.isArray(response.data)) throw new VendorRequestError(`${path} did not return a JSON array`, response.status, false);
    const totalHeader = response.headers['x-total-count'];
    const total = totalHeader !== undefined && /^\d+$/.test(String(totalHeader)) ? Number(totalHeader) : undefined;
    return { records: response.data, total };
  }
}

/** Buildium's lastupdatedfrom format: YYYY-MM-DDTHH:MM:SSZ (UTC, no milliseconds). */
export function formatBuildiumDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

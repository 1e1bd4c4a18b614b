import { type ListOptions, type RawPage, type VendorAdapter, type VendorClient } from '../adapter/vendor-adapter';
import type { VendorHttp } from '../adapter/vendor-http';
import { getArrayPage, offsetPages } from '../adapter/offset-pages';
import { BuildiumCredentials } from './buildium.credentials';
import {
  BUILDIUM_ENDPOINTS,
  BUILDIUM_EXPECTED_FIELDS,
  BUILDIUM_FACTS,
  BUILDIUM_MODELS,
  type BuildiumModel,
} from './buildium.facts';
import { mapBuildiumRecord } from './buildium.mapper';
import { BUILDIUM_WRITE_FIELDS, BuildiumWriter } from './buildium.writes';

/** Buildium Open API v1 (docs/vendors/buildium.md): header keys, offset/limit with X-Total-Count. */
export const buildiumAdapter: VendorAdapter<BuildiumCredentials, BuildiumModel> = {
  vendor: 'BUILDIUM',
  facts: BUILDIUM_FACTS,
  credentialsDto: BuildiumCredentials,
  models: BUILDIUM_MODELS,
  incrementalModels: ['properties', 'units', 'residents', 'leases'],
  client: (credentials, context) =>
    new BuildiumClient(
      context.connect({ 'x-buildium-client-id': credentials.clientId, 'x-buildium-client-secret': credentials.secret }),
    ),
  map: mapBuildiumRecord,
  vendorId: (_model, raw) => {
    const id = (raw as { Id?: unknown } | null)?.Id;
    return typeof id === 'number' || typeof id === 'string' ? String(id) : null;
  },
  writeFields: BUILDIUM_WRITE_FIELDS,
  expectedFields: BUILDIUM_EXPECTED_FIELDS,
};

class BuildiumClient implements VendorClient {
  readonly writer: BuildiumWriter;

  constructor(private readonly http: VendorHttp) {
    this.writer = new BuildiumWriter(http);
  }

  /** Every page of a model, offset/limit until X-Total-Count is reached. */
  listPages(model: BuildiumModel, options: ListOptions = {}): AsyncIterable<RawPage> {
    const since = options.since ? formatBuildiumDateTime(options.since) : undefined;
    return offsetPages(BUILDIUM_FACTS.pageSize, (offset, limit) => this.page(model, offset, limit, since));
  }

  async probe(model: BuildiumModel): Promise<void> {
    await this.page(model, 0, 1);
  }

  private page(model: BuildiumModel, offset: number, limit: number, lastupdatedfrom?: string): Promise<RawPage> {
    return getArrayPage(this.http, BUILDIUM_ENDPOINTS[model], { offset, limit, lastupdatedfrom });
  }
}

/** Buildium's lastupdatedfrom format: YYYY-MM-DDTHH:MM:SSZ (UTC, no milliseconds). */
export function formatBuildiumDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

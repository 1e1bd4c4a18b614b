import type { CanonicalModelName } from '../canonical/canonical-models';
import type { MappedRecord, MappingContext } from '../etl/canonical-record';
import type { IntegrationVendor } from '../generated/prisma/enums';
import type { VendorHttp } from './vendor-http';

/** Static facts about a vendor's API, kept as data beside its adapter. */
export interface VendorFacts {
  /** Production base URL, used when an integration gives none. */
  defaultBaseUrl: string;
  /** Records asked for per page. */
  pageSize: number;
  /** Sandbox mount slug under /sandbox/<slug>/. */
  slug: string;
  /** First back-off after a throttle signal without Retry-After; doubled per retry. */
  throttleBackoffMs: number;
}

export interface RawPage {
  records: unknown[];
  /** Total matching records, when the vendor says. */
  total?: number;
}

export interface ListOptions {
  /** Only records changed since then (the vendor's incremental filter), when the vendor supports it. */
  since?: Date;
}

/** A vendor client bound to one integration's credentials and base URL. Pure I/O: no database, no events. */
export interface VendorClient {
  listPages(model: CanonicalModelName, options?: ListOptions): AsyncIterable<RawPage>;
}

export type HttpConnector = (authHeaders: Record<string, string>) => VendorHttp;

export interface VendorAdapter<Credentials = unknown> {
  readonly vendor: IntegrationVendor;
  readonly facts: VendorFacts;
  /** class-validator DTO of the credentials shape in shared/vendors/<vendor>.md. */
  readonly credentialsDto: new () => object;
  readonly models: readonly CanonicalModelName[];
  /** Models that accept a since-filter. */
  readonly incrementalModels: readonly CanonicalModelName[];
  /** A client for one integration; `connect` opens HTTP to its base URL with the auth headers the vendor wants. */
  client(credentials: Credentials, connect: HttpConnector): VendorClient;
  /** Raw vendor record -> canonical field values (pure). Throws MalformedRecordError for unusable records. */
  map(model: CanonicalModelName, raw: unknown, ctx: MappingContext): MappedRecord;
}

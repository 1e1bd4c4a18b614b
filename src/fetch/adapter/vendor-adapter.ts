import type { ExpectedFields } from '../../normalise/schema-drift';
import { CANONICAL_MODEL_NAMES, type CanonicalModelName } from '../../catalogue/canonical-models';
import type { MappedRecord, MappingContext } from '../../normalise/canonical-record';
import type { IntegrationVendor } from '../../generated/prisma/enums';
import type { VendorHttp } from './vendor-http';

/** Static facts about a vendor's API, kept as data beside its adapter. */
export interface VendorFacts {
  /** Production base URL, used when an integration gives none; null when it is per customer (base_url required). */
  defaultBaseUrl: string | null;
  /** Records asked for per page (the vendor's maximum, or what it answers fastest with). */
  pageSize: number;
  /** Sandbox mount slug under /sandbox/<slug>/. */
  slug: string;
  /** The spec's integration interface the adapter speaks (`integration_interfaces`, `models[].from_interfaces`). */
  interfaceName: string;
  /** First back-off after a throttle signal without Retry-After; doubled per retry. */
  throttleBackoffMs: number;
  /**
   * The vendor's own published request budget per customer, when it has one (AppFolio: 7 per 15 s): a new
   * integration that names no budget of its own gets it (as requests per MINUTE), so it paces itself under
   * the vendor's limit instead of leaning on 429s. An integration's explicit budget wins (a customer may have
   * a larger allowance).
   */
  requestBudget?: { requests: number; perSeconds: number };
  /** The vendor call each model is synced from (e.g. `GET /v1/leases/tenants`), shown on the integration's `models`. */
  sources: Readonly<Partial<Record<CanonicalModelName, string>>>;
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
export interface VendorClient<Model extends CanonicalModelName = CanonicalModelName> {
  /**
   * Every record of a model, page by page. A record that needs a second call to be complete (AppFolio's
   * tenant directory) is yielded hydrated, so DATA_NEW carries the whole record.
   */
  listPages(model: Model, options?: ListOptions): AsyncIterable<RawPage>;
  /**
   * The data-access probe of a model: the smallest read the vendor allows (one record where it takes a
   * limit). Resolves when the vendor answers with data; throws what the vendor said otherwise:
   * VendorAuthError for bad credentials, VendorAccessDeniedError when this model is not permitted.
   */
  probe(model: Model): Promise<void>;
}

/** Rate limits a vendor reports in its answers (Entrata's X-RateLimit-* headers), per API. */
export interface ReportedRateLimits {
  api: string;
  minute_limit: number | null;
  hour_limit: number | null;
  day_limit: number | null;
  minute_remaining: number | null;
  hour_remaining: number | null;
  day_remaining: number | null;
}

/** How a client tells the sync layer what it learnt on the way (stored by the caller, not the adapter). */
export interface VendorReporter {
  rateLimits(limits: ReportedRateLimits): void;
}

export interface ClientContext {
  /** The integration's base URL (its own, else the vendor's default). */
  baseUrl: string;
  /** Opens HTTP to the base URL with these headers on every request (auth), under the integration's budget. */
  connect(headers: Record<string, string>): VendorHttp;
  report: VendorReporter;
}

/**
 * The models of the catalogue but those a vendor lacks: a vendor says it has no units in one line of its facts,
 * `modelsExcept('units')`, and its own model type (the type of its mappings, clients and tables) loses them.
 * A model added to the catalogue is every vendor's until it says otherwise, so each must map it or lack it.
 */
export function modelsExcept<Lacking extends CanonicalModelName = never>(
  ...lacking: Lacking[]
): ReadonlyArray<Exclude<CanonicalModelName, Lacking>> {
  const lacks = new Set<CanonicalModelName>(lacking);
  return CANONICAL_MODEL_NAMES.filter((model): model is Exclude<CanonicalModelName, Lacking> => !lacks.has(model));
}

/** `Model`: the catalogue's models the vendor has (its facts' `modelsExcept(…)`). */
export interface VendorAdapter<Credentials = unknown, Model extends CanonicalModelName = CanonicalModelName> {
  readonly vendor: IntegrationVendor;
  readonly facts: VendorFacts;
  /** class-validator DTO of the credentials shape in docs/vendors/<vendor>.md. */
  readonly credentialsDto: new () => object;
  /** The catalogue's models the vendor has, in the catalogue's order: `modelsExcept(<those it lacks>)`. */
  readonly models: readonly Model[];
  /** Models that accept a since-filter. */
  readonly incrementalModels: readonly Model[];
  /** A client for one integration. */
  client(credentials: Credentials, context: ClientContext): VendorClient<Model>;
  /**
   * Raw vendor record -> canonical field values (pure). Throws MalformedRecordError for unusable records.
   * Null for a record the vendor lists that is not of this model (an applicant among Yardi's customers):
   * it is neither written nor quarantined, and a copy cached earlier is hidden.
   */
  map(model: Model, raw: unknown, ctx: MappingContext): MappedRecord | null;
  /** The vendor's id of a raw record, for quarantine reports (null when it has none). */
  vendorId(model: Model, raw: unknown): string | null;
  /** Schema-drift expectations per model. */
  readonly expectedFields:
    Readonly<Record<Model, ExpectedFields>> | Partial<Record<CanonicalModelName, ExpectedFields>>;
}

import type { ExpectedFields } from '../../normalise/schema-drift';
import {
  CANONICAL_MODELS,
  CANONICAL_MODEL_NAMES,
  type CanonicalModelName,
  type WriteOperation,
} from '../../catalogue/canonical-models';
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
  /**
   * Write operations the vendor's API lacks (docs/vendors/models.md §3, ✗), one line each: a write of one
   * answers 400 `unsupported_operation` before any job is made.
   */
  unsupportedWrites: readonly WriteRef[];
}

/** A model's write operation, as a vendor's facts name the ones it lacks: `'residents.create'`. */
export type WriteRef = `${CanonicalModelName}.${WriteOperation}`;

/** What a vendor's write of one model and operation takes: the canonical fields it requires and those it can write. */
export interface WriteFields {
  required: readonly string[];
  writable: readonly string[];
  /** Per field, the vendor's own rule for its value (an enum it maps to): the reason a value cannot be written, else null. */
  checks?: Readonly<Record<string, (value: unknown) => string | null>>;
}

/**
 * One write as the vendor client gets it: canonical field values (checked against its WriteFields), with
 * every id field (WRITE_REFERENCES) already replaced by the referenced record's vendor id.
 */
export interface VendorWrite {
  model: CanonicalModelName;
  operation: WriteOperation;
  /**
   * The vendor's id of the record an update changes. On a create, set only when a retry-write completes a create
   * that ended PARTIAL_SUCCESS: the record exists under this id, and the writer sends only the follow-up calls.
   */
  xId?: string;
  fields: Record<string, unknown>;
}

/**
 * What the vendor answered to a write, before any read-back: the record's vendor id when it said it, and the record
 * when its answer already is the record as a sync reads it. Anything read after the write (the record by its id, its
 * notes, its unit's name) is the writer's `readBack`, which the runner calls: a read that fails then never turns a
 * write the vendor accepted into a FAILURE, whose retry-write would send it twice.
 */
export interface VendorWriteResult {
  xId: string | null;
  /** The raw record as the vendor answered it, complete as a sync reads it; absent when it is read back. */
  record?: unknown;
  /**
   * Set when the record is read back (no `record`, an `xId`): what the writer's `readBack` reads it from beyond the
   * id, such as the vendor's answer to complete or the property it was written to (`{}` when the id is enough).
   * Absent: nothing to read back (the vendor made something a sync does not read as this model).
   */
  readBackFrom?: Record<string, unknown>;
  /**
   * The errors of a follow-up call that failed after the record itself was written (Buildium: the work order of
   * a resident request): the write ends PARTIAL_SUCCESS with them, the record read back as on a success.
   */
  partialErrors?: string[];
}

/** How a client sends writes: one vendor call series per write, never resending what may have arrived. */
export interface VendorWriter<Model extends CanonicalModelName = CanonicalModelName> {
  /** The vendor's write calls only: it resolves once the vendor accepted the write, and reads nothing after. */
  write(write: VendorWrite & { model: Model }): Promise<VendorWriteResult>;
  /**
   * The record a write made or changed, raw as a sync reads it, from the write's vendor id and `readBackFrom`; null
   * when the vendor does not list it (yet). Called by the runner after `write` resolved; a failure here leaves the
   * write a success, the record left to the next sync.
   */
  readBack(model: Model, xId: string, from: Record<string, unknown>): Promise<unknown>;
  /**
   * The data-access probe of a write (the vendor file's "access probe"): a deliberately invalid request that
   * changes no data. Resolves when the vendor's answer proves the credentials may write (a validation error);
   * throws what the vendor said otherwise (VendorAuthError, VendorAccessDeniedError, or another refusal).
   */
  probe(model: Model, operation: WriteOperation): Promise<void>;
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
  /** Present when the vendor's adapter sends writes (its `writeFields` say which). */
  readonly writer?: VendorWriter<Model>;
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
  /**
   * Models whose pulls take longest (read with a request per record of another model, as Buildium's ledgers are per
   * lease): a run starts their jobs first, so under max_job_concurrency they do not wait behind the short ones.
   */
  readonly longestModels?: readonly Model[];
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
  /**
   * The writes the adapter sends and the canonical fields each takes (from docs/vendors/<vendor>.md). An
   * operation the vendor has (not in its facts' `unsupportedWrites`) but that is missing here is not built yet.
   */
  readonly writeFields?: Readonly<Partial<Record<Model, Partial<Record<WriteOperation, WriteFields>>>>>;
  /** Schema-drift expectations per model. */
  readonly expectedFields:
    Readonly<Record<Model, ExpectedFields>> | Partial<Record<CanonicalModelName, ExpectedFields>>;
}

/**
 * Whether a vendor can do a model's write operation, and with which fields: the catalogue's model must offer it,
 * the vendor's facts must not list it as unsupported (its API lacks it), and its adapter must have built it. A
 * model the adapter does not map yet (its facts' `modelsExcept`) is `not_built` unless the facts say the vendor's
 * API lacks the write: only the facts speak for the vendor.
 */
export type WriteSupport =
  { supported: true; fields: WriteFields } | { supported: false; reason: 'model' | 'vendor' | 'not_built' };

export function writeSupport(
  adapter: Pick<VendorAdapter, 'facts' | 'writeFields' | 'models'>,
  model: CanonicalModelName,
  operation: WriteOperation,
): WriteSupport {
  if (!CANONICAL_MODELS[model].writes[operation]) return { supported: false, reason: 'model' };
  if (adapter.facts.unsupportedWrites.includes(`${model}.${operation}`)) return { supported: false, reason: 'vendor' };
  if (!adapter.models.includes(model)) return { supported: false, reason: 'not_built' };
  const fields = (
    adapter.writeFields as Partial<Record<CanonicalModelName, Partial<Record<WriteOperation, WriteFields>>>> | undefined
  )?.[model]?.[operation];
  return fields ? { supported: true, fields } : { supported: false, reason: 'not_built' };
}

import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import {
  CANONICAL_MODELS,
  WRITE_REFERENCES,
  type CanonicalModelName,
  type WriteOperation,
} from '../../catalogue/canonical-models';
import { writeSupport } from '../../fetch/adapter/vendor-adapter';
import { VendorRegistry } from '../../fetch/registry/vendor-registry';
import { AppError } from '../../platform/common/errors/app-error';
import { WriteJobs } from '../../sync/write-jobs.service';
import { specBodyIssues, specDefaults, type BodyIssue } from './spec-body';
import { unsupportedWriteMessage } from './write-support';
import { WriteRepository, type WriteTarget } from './write.repository';

/** Spec quirks the write API does not hold users to (docs/vendors/models.md §6): the units POST's misspelt field. */
const IGNORED_SPEC_REQUIREMENTS = new Set(['intgration_id']);
/** Fields that say where a write goes rather than what it writes (the units POST's misspelling among them). */
const ROUTING_FIELDS = new Set(['integration_id', 'intgration_id']);

export interface WriteRequest {
  organizationId: string;
  model: CanonicalModelName;
  operation: WriteOperation;
  /** The record an update changes (PUT's path id). */
  recordId?: string;
  body: Record<string, unknown>;
  ignoreUnknownFields: boolean;
  idempotencyKey?: string;
}

/** The spec's write answer `{job_id, data}`; `data.ignored_fields` (extension) lists what ignore_unknown_fields dropped. */
export interface WriteAccepted {
  job_id: string;
  data: { ignored_fields?: string[] };
}

/**
 * The write API (API.md §6): validates a write synchronously, in order (the spec's input schema, then what the
 * integration's vendor can write: the operation, its required fields, its writable fields), resolves the
 * Latchkey ids it names to the vendor's, and hands it to the write jobs, which send it at once.
 */
@Injectable()
export class WriteService {
  constructor(
    private readonly repository: WriteRepository,
    private readonly vendors: VendorRegistry,
    private readonly jobs: WriteJobs,
  ) {}

  async write(request: WriteRequest): Promise<WriteAccepted> {
    const { model, operation, body } = request;
    const declared = CANONICAL_MODELS[model].writes[operation];
    if (!declared) throw new AppError('not_found', `${model} cannot be written`);
    const issues = specBodyIssues(declared.input, body).filter(
      (issue) =>
        !(issue.path.length === 1 && IGNORED_SPEC_REQUIREMENTS.has(String(issue.path[0]))) &&
        // A PUT's integration is its record's (the spec still marks integration_id required on some).
        !(operation === 'update' && issue.path[0] === 'integration_id' && issue.message === 'is required'),
    );
    if (issues.length > 0) throw invalid(issues);

    const bodyHash = hashOf({
      model,
      operation,
      recordId: request.recordId ?? null,
      body,
      ignore: request.ignoreUnknownFields,
    });
    if (request.idempotencyKey) {
      const earlier = await this.jobs.byIdempotencyKey(request.organizationId, request.idempotencyKey);
      if (earlier) return answer(earlier, bodyHash, request.idempotencyKey);
    }

    const { target, record } = await this.target(request);
    const adapter = this.vendors.get(target.vendor);
    const support = adapter
      ? writeSupport(adapter, model, operation)
      : ({ supported: false, reason: 'vendor' } as const);
    if (!support.supported)
      throw new AppError(
        'unsupported_operation',
        unsupportedWriteMessage(
          target.vendor,
          model,
          operation,
          support.reason === 'not_built' ? 'not_built' : 'vendor',
        ),
        { integration_vendor: target.vendor, model, operation },
      );

    const writable = new Set(support.fields.writable);
    // A field left at the spec's default (`[]`, `false`: what a client generated from the spec sends unasked) asks
    // for no write, so one the vendor cannot write is passed over rather than refused.
    const defaults = specDefaults(declared.input);
    const given = Object.keys(body).filter(
      (field) =>
        body[field] !== undefined &&
        !ROUTING_FIELDS.has(field) &&
        (writable.has(field) || !(field in defaults) || !isDeepStrictEqual(body[field], defaults[field])),
    );
    const unwritable = given.filter((field) => !writable.has(field));
    if (unwritable.length > 0 && !request.ignoreUnknownFields)
      throw invalid(
        unwritable.map((field) => ({
          path: [field],
          message: `${target.vendor} cannot write ${field} of ${model} on ${operation} (send ?ignore_unknown_fields=true to drop it)`,
        })),
      );
    const fields = Object.fromEntries(given.filter((f) => writable.has(f)).map((f) => [f, body[f]]));
    const refusedValues = Object.entries(support.fields.checks ?? {}).flatMap(([field, check]) => {
      const reason = field in fields ? check(fields[field]) : null;
      return reason === null ? [] : [{ path: [field], message: `${reason} (${target.vendor})` }];
    });
    if (refusedValues.length > 0) throw invalid(refusedValues);
    const missing = support.fields.required.filter((field) => fields[field] === undefined || fields[field] === null);
    if (missing.length > 0)
      throw invalid(
        missing.map((field) => ({
          path: [field],
          message: `is required by ${target.vendor} to ${operation} ${model}`,
        })),
      );

    const job = await this.jobs.accept({
      organizationId: request.organizationId,
      integrationId: target.id,
      model,
      operation,
      recordId: request.recordId ?? null,
      xId: record?.x_id ?? null,
      parameters: body,
      fields: await this.withVendorIds(target.id, fields),
      ignoredFields: unwritable,
      idempotencyKey: request.idempotencyKey ?? null,
      bodyHash,
    });
    // A concurrent request with the same key may have been accepted first: this one is answered as its repeat.
    return answer(job, bodyHash, request.idempotencyKey);
  }

  /** The integration a write goes to: the body's integration_id for a create, the record's for an update (404 if not the organization's). */
  private async target(request: WriteRequest): Promise<{ target: WriteTarget; record: { x_id: string } | null }> {
    if (request.operation === 'update') {
      const record = await this.repository.record(request.organizationId, request.model, request.recordId!);
      if (!record) throw AppError.notFound(CANONICAL_MODELS[request.model].noun, request.recordId);
      const target = await this.repository.integration(request.organizationId, record.integration_id);
      if (!target) throw AppError.notFound(CANONICAL_MODELS[request.model].noun, request.recordId);
      return { target, record };
    }
    const integrationId = String(request.body.integration_id);
    const target = await this.repository.integration(request.organizationId, integrationId);
    if (!target) throw AppError.notFound('integration', integrationId);
    return { target, record: null };
  }

  /**
   * The fields with each id field's Latchkey id replaced by the vendor's id of that record (400 naming an unknown
   * one): a single id, a list of ids, or a list of `{id}` items (a lease's `tenants`).
   */
  private async withVendorIds(
    integrationId: string,
    fields: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const resolved = { ...fields };
    const issues: BodyIssue[] = [];
    for (const [field, model] of Object.entries(WRITE_REFERENCES)) {
      const value = fields[field];
      const items = Array.isArray(value) ? value : [value];
      const idOf = (item: unknown) =>
        typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : item;
      const ids = items.map(idOf).filter((id): id is string => typeof id === 'string');
      if (ids.length === 0) continue;
      const xIds = await this.repository.vendorIds(integrationId, model, ids);
      const vendorId = (item: unknown, path: Array<string | number>) => {
        const id = idOf(item);
        if (typeof id !== 'string') return item;
        const xId = xIds.get(id);
        if (xId === undefined)
          issues.push({ path, message: `names no ${CANONICAL_MODELS[model].noun} of this integration` });
        return typeof item === 'object' ? { ...(item as object), id: xId } : xId;
      };
      resolved[field] = Array.isArray(value)
        ? value.map((item, i) => vendorId(item, typeof item === 'object' ? [field, i, 'id'] : [field, i]))
        : vendorId(value, [field]);
    }
    if (issues.length > 0) throw invalid(issues);
    return resolved;
  }
}

function invalid(issues: BodyIssue[]): AppError {
  const named = issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
  return new AppError('invalid_request', `Invalid body: ${named}`, { issues });
}

/** The answer of an accepted job; with an Idempotency-Key, 409 when the job was accepted for another body. */
function answer(
  job: { id: string; body_hash: string | null; ignored_fields: string[] | null },
  bodyHash: string,
  idempotencyKey: string | undefined,
): WriteAccepted {
  if (idempotencyKey && job.body_hash !== bodyHash)
    throw new AppError('conflict', 'This Idempotency-Key was used with another request in the last 24 hours', {
      idempotency_key: idempotencyKey,
    });
  const ignored = job.ignored_fields ?? [];
  return { job_id: job.id, data: ignored.length > 0 ? { ignored_fields: ignored } : {} };
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

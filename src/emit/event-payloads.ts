import {
  CANONICAL_MODELS,
  LINK_MODEL,
  type CanonicalModelName,
  type EventModelName,
} from '../catalogue/canonical-models';
import type { SyncRunKind } from '../generated/prisma/enums';
import { TEST_TRIGGER, type EventTrigger } from './event-triggers';

/**
 * Every event the outbox holds is built here, so its payload has one owner: the webhook body and the
 * /v1/events feed entry (API.md §5). Callers hand over what happened; the shapes are this file's.
 */

/** An event to append to the outbox (see EventOutbox.append). */
export interface NewEvent {
  organizationId: string;
  integrationId: string | null;
  trigger: EventTrigger;
  model: string | null;
  recordId: string | null;
  /** The webhook body: {trigger, data, meta}. */
  payload: Record<string, unknown>;
}

interface Scope {
  organizationId: string;
  integrationId: string;
  vendor: string;
}

/** A finished sync run as its completion event reports it. */
export interface CompletedRun {
  id: string;
  kind: SyncRunKind;
  models_synced: string[];
  models_failed: { model: string; error: string }[];
  successful_job_count: number;
  failed_job_count: number;
}

/** The fields of a record that changed, each side holding only those (store/diff's RecordDiff). */
export interface ChangedFields {
  new: Record<string, unknown>;
  previous: Record<string, unknown>;
}

/**
 * An event and its webhook body: `{trigger, data: {event: trigger, ...data}, meta: {object, integration_id}}`.
 * `model` and `recordId` are the outbox's columns for data events (ordering and `model` narrowing).
 */
function event(
  at: { organizationId: string; integrationId: string | null; model?: string; recordId?: string },
  trigger: EventTrigger,
  object: string,
  data: Record<string, unknown>,
): NewEvent {
  return {
    organizationId: at.organizationId,
    integrationId: at.integrationId,
    trigger,
    model: at.model ?? null,
    recordId: at.recordId ?? null,
    payload: { trigger, data: { event: trigger, ...data }, meta: { object, integration_id: at.integrationId } },
  };
}

/** SYNC_COMPLETE / FIRST_SYNC_COMPLETE for a finished run (API.md §5); `jobScheduleId` is the run's schedule, if any. */
export function runCompleteEvent(scope: Scope, run: CompletedRun, jobScheduleId: string | null): NewEvent {
  return event(scope, run.kind === 'FIRST' ? 'FIRST_SYNC_COMPLETE' : 'SYNC_COMPLETE', 'sync', {
    integration_id: scope.integrationId,
    vendor: scope.vendor,
    successful_job_count: run.successful_job_count,
    failed_job_count: run.failed_job_count,
    is_sync_finished: true,
    job_schedule_id: jobScheduleId,
    models_synced: run.models_synced,
    // Extension: the models whose job failed, each with its error.
    models_failed: run.models_failed,
    is_backsync: false,
    sync_id: run.id,
  });
}

/** JOB_FAILURE for a sync job that failed (API.md §5). */
export function jobFailureEvent(
  scope: Scope,
  job: { jobId: string; runId: string; jobType: string },
  error: string,
): NewEvent {
  return event(scope, 'JOB_FAILURE', 'job', {
    job_id: job.jobId,
    root_job_id: job.runId,
    integration_id: scope.integrationId,
    job_type: job.jobType,
    vendor: scope.vendor,
    error,
  });
}

/** A write that ended FAILURE or PARTIAL_SUCCESS, as WRITE_OPERATION_FAILURE reports it (API.md §6). */
export interface FailedWrite {
  rootJobId: string;
  jobType: string;
  writeStatus: 'FAILURE' | 'PARTIAL_SUCCESS';
  errors: string[];
  /** The written model's event object name. */
  object: string;
}

/** WRITE_OPERATION_FAILURE for a write that ended FAILURE or PARTIAL_SUCCESS (API.md §6, docs/vendors/models.md §1). */
export function writeFailureEvent(scope: Scope, write: FailedWrite): NewEvent {
  return event(scope, 'WRITE_OPERATION_FAILURE', write.object, {
    integration_id: scope.integrationId,
    vendor: scope.vendor,
    root_job_id: write.rootJobId,
    write_status: write.writeStatus,
    errors: write.errors,
    job_type: write.jobType,
  });
}

type DataTrigger = 'DATA_NEW' | 'DATA_UPDATE' | 'DATA_DELETED';

/**
 * DATA_NEW / DATA_UPDATE / DATA_DELETED for one record (API.md §5); `payload` is the record without embedded
 * arrays. A link event (`about` residents_to_leases) carries the link as Connect's stream presents it.
 */
export function dataEvent(
  scope: Scope,
  job: { jobId: string; runId: string; jobType: string; model: CanonicalModelName },
  trigger: DataTrigger,
  record: Record<string, unknown>,
  diff?: ChangedFields,
  about: EventModelName = job.model,
): NewEvent {
  const { name, object } = about === LINK_MODEL.name ? LINK_MODEL : CANONICAL_MODELS[about];
  return event({ ...scope, model: name, recordId: record.id as string }, trigger, object, {
    integration_id: scope.integrationId,
    vendor: scope.vendor,
    object,
    record_id: record.id,
    job_id: job.jobId,
    root_job_id: job.runId,
    job_type: job.jobType,
    payload: record,
    ...(diff ? { diff } : {}),
  });
}

/** The operational event that says the system turned a webhook off (JOB_FAILURE subscribers hear of it). */
export function webhookDeactivatedEvent(
  organizationId: string,
  webhook: { webhookId: string; url: string; deliveryId: string },
  reason: string,
): NewEvent {
  return event({ organizationId, integrationId: null }, 'JOB_FAILURE', 'webhook', {
    job_type: 'WEBHOOK_DELIVERY',
    webhook_id: webhook.webhookId,
    job_id: webhook.deliveryId,
    root_job_id: null,
    integration_id: null,
    vendor: null,
    error: `webhook ${webhook.webhookId} (${webhook.url}) was deactivated: ${reason}`,
  });
}

/** The TEST event of `POST /v1/webhooks/{id}/test`, shaped like the others. */
export function testEvent(organizationId: string, webhookId: string): NewEvent {
  return event({ organizationId, integrationId: null }, TEST_TRIGGER, 'webhook', {
    webhook_id: webhookId,
    integration_id: null,
    vendor: null,
    message: 'A test event from Latchkey: this webhook receives signed deliveries.',
  });
}

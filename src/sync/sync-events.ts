import {
  CANONICAL_MODELS,
  LINK_MODEL,
  type CanonicalModelName,
  type EventModelName,
} from '../catalogue/canonical-models';
import type { RecordDiff } from '../store/diff/record-diff';
import type { NewEvent } from '../emit/outbox.repository';
import type { FinishedRun } from './sync-run.repository';
import { runJobScheduleId } from './sync-schedule';

interface Scope {
  organizationId: string;
  integrationId: string;
  vendor: string;
}

/** SYNC_COMPLETE / FIRST_SYNC_COMPLETE for a finished run (API.md §5). */
export function runCompleteEvent(scope: Scope, run: FinishedRun): NewEvent {
  const trigger = run.kind === 'FIRST' ? 'FIRST_SYNC_COMPLETE' : 'SYNC_COMPLETE';
  return {
    organizationId: scope.organizationId,
    integrationId: scope.integrationId,
    trigger,
    model: null,
    recordId: null,
    payload: {
      trigger,
      data: {
        event: trigger,
        integration_id: scope.integrationId,
        vendor: scope.vendor,
        successful_job_count: run.successful_job_count,
        failed_job_count: run.failed_job_count,
        is_sync_finished: true,
        job_schedule_id: runJobScheduleId(run.kind, scope.integrationId),
        models_synced: run.models_synced,
        // Extension: the models whose job failed, each with its error.
        models_failed: run.models_failed,
        is_backsync: false,
        sync_id: run.id,
      },
      meta: { object: 'sync', integration_id: scope.integrationId },
    },
  };
}

export function jobFailureEvent(
  scope: Scope,
  job: { jobId: string; runId: string; jobType: string },
  error: string,
): NewEvent {
  return {
    organizationId: scope.organizationId,
    integrationId: scope.integrationId,
    trigger: 'JOB_FAILURE',
    model: null,
    recordId: null,
    payload: {
      trigger: 'JOB_FAILURE',
      data: {
        event: 'JOB_FAILURE',
        job_id: job.jobId,
        root_job_id: job.runId,
        integration_id: scope.integrationId,
        job_type: job.jobType,
        vendor: scope.vendor,
        error,
      },
      meta: { object: 'job', integration_id: scope.integrationId },
    },
  };
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
  diff?: RecordDiff,
  about: EventModelName = job.model,
): NewEvent {
  const { name, object } = about === LINK_MODEL.name ? LINK_MODEL : CANONICAL_MODELS[about];
  return {
    organizationId: scope.organizationId,
    integrationId: scope.integrationId,
    trigger,
    model: name,
    recordId: record.id as string,
    payload: {
      trigger,
      data: {
        event: trigger,
        integration_id: scope.integrationId,
        vendor: scope.vendor,
        object,
        record_id: record.id,
        job_id: job.jobId,
        root_job_id: job.runId,
        job_type: job.jobType,
        payload: record,
        ...(diff ? { diff } : {}),
      },
      meta: { object, integration_id: scope.integrationId },
    },
  };
}

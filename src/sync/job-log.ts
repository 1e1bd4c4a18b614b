import { iso } from '../catalogue/record-presenter';
import type { SyncJobStatus, SyncRunKind, SyncRunStatus } from '../generated/prisma/enums';
import type { FailedModel, LatestRunRow } from './sync-run.repository';
import { runJobScheduleId } from './sync-schedule';

/**
 * The statuses a job log shows: the spec's SUCCESS and FAILURE for jobs that ended, PARTIAL_SUCCESS (the
 * spec's word for it on writes) for a run in which some models synced and some failed, and where the others
 * are (a run queued behind another is PENDING, like a job not yet started).
 */
export const JOB_LOG_STATUSES = ['SUCCESS', 'PARTIAL_SUCCESS', 'FAILURE', 'RUNNING', 'PENDING'] as const;
export type JobLogStatus = (typeof JOB_LOG_STATUSES)[number];

type StoredStatus = SyncJobStatus | SyncRunStatus;

const LOG_STATUS: Record<StoredStatus, JobLogStatus> = {
  QUEUED: 'PENDING',
  PENDING: 'PENDING',
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCESS',
  PARTIAL: 'PARTIAL_SUCCESS',
  FAILED: 'FAILURE',
};

/** The stored run and job statuses that a status filter matches. */
export function storedStatuses(status: JobLogStatus): StoredStatus[] {
  return (Object.keys(LOG_STATUS) as StoredStatus[]).filter((s) => LOG_STATUS[s] === status);
}

/**
 * A run (the root job) or one of its model jobs, as the job-log query returns it. A run's job type names
 * how it started (FIRST_SYNC, SCHEDULED_SYNC, MANUAL_SYNC); a job's is its model's (READ_RESIDENTS…).
 */
export interface JobLogRow {
  id: string;
  run_id: string;
  is_run: boolean;
  kind: SyncRunKind;
  integration_id: string;
  job_type: string;
  status: StoredStatus;
  model: string | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  /** A job's progress; a run's is the sum over its jobs. */
  records_seen: number;
  records_written: number;
  records_quarantined: number;
  events_emitted: number;
  /** Runs only: models left out because their read access check FAILED. */
  skipped_models: { model: string; reason: string }[] | null;
  /** Runs only: models whose job failed, with the job's error (so far, while the run goes on). */
  models_failed: FailedModel[] | null;
}

/**
 * An integration's latest run as its root job log names it (extension `last_sync_run` of the Integration
 * object): GET /v1/admin/logs/jobs/{id} gives the rest.
 */
export function presentLatestRun(run: LatestRunRow) {
  return {
    id: run.id,
    job_type: `${run.kind}_SYNC`,
    status: LOG_STATUS[run.status],
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
  };
}

/** The spec's job log object; one per run or job (a retried job keeps one log, with its last error). */
export function presentJobLog(row: JobLogRow) {
  return {
    id: row.id,
    job_id: row.id,
    created_at: iso(row.created_at),
    job_type: row.job_type,
    status: LOG_STATUS[row.status],
    parent_job_id: row.is_run ? null : row.run_id,
    root_job_id: row.run_id,
    job_schedule_id: runJobScheduleId(row.kind, row.integration_id),
    integration_id: row.integration_id,
    associated_property_id: null,
    // Extensions: what an operator asks next about a job.
    model: row.model,
    // A run's error says which models failed and why.
    error: row.is_run ? failureSummary(row.models_failed ?? []) : row.error,
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    records_seen: row.records_seen,
    records_written: row.records_written,
    records_quarantined: row.records_quarantined,
    events_emitted: row.events_emitted,
    ...(row.is_run ? { skipped_models: row.skipped_models ?? [], models_failed: row.models_failed ?? [] } : {}),
  };
}

function failureSummary(failed: FailedModel[]): string | null {
  return failed.length === 0 ? null : failed.map((f) => `${f.model}: ${f.error}`).join('; ');
}

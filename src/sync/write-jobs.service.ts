import { Injectable } from '@nestjs/common';
import { CANONICAL_MODELS, type CanonicalModelName } from '../catalogue/canonical-models';
import { AppError } from '../platform/common/errors/app-error';
import { QueueName, type WriteJobPayload } from '../platform/queue/queue-names';
import { QueueService } from '../platform/queue/queue.service';
import { WriteJobRepository, type NewWriteJob, type WriteJobRow, type WriteLogFilter } from './write-job.repository';

/** Propexo's job type of a write, as its spec names vendor writes: `BUILDIUM_CREATE_RESIDENT`. */
export function writeJobType(vendor: string, model: CanonicalModelName, operation: string): string {
  return `${vendor}_${operation.toUpperCase()}_${CANONICAL_MODELS[model].noun.toUpperCase().replace(/\s+/g, '_')}`;
}

/** A write's state as `GET /v1/admin/write-status/{root_job_id}` answers it. */
export interface WriteStatusView {
  write_status: 'PENDING' | 'SUCCESS' | 'PARTIAL_SUCCESS' | 'FAILURE';
  errors: string[];
  created_record_id: string | null;
}

/**
 * Write jobs as the rest of the app uses them: accepted (a row, then a queue job that runs at once), their
 * state, retry-write, and the write log. The runner (WriteJobRunner) sends them.
 */
@Injectable()
export class WriteJobs {
  constructor(
    private readonly jobs: WriteJobRepository,
    private readonly queues: QueueService,
  ) {}

  /**
   * Records a write PENDING and queues it; the job runs at once, outside the sync schedule. With an
   * Idempotency-Key already used in the last 24 hours (by a request that got here first, even a concurrent one),
   * nothing is recorded: the job accepted then is returned, for the caller to compare its body.
   */
  async accept(job: NewWriteJob): Promise<WriteJobRow> {
    const { row, inserted } = await this.jobs.insert(job);
    if (inserted) await this.enqueue(row);
    return row;
  }

  /** The first write accepted under an Idempotency-Key in the last 24 hours, if any. */
  byIdempotencyKey(organizationId: string, key: string): Promise<WriteJobRow | null> {
    return this.jobs.byIdempotencyKey(organizationId, key);
  }

  async status(organizationId: string, rootJobId: string): Promise<WriteStatusView> {
    const job = await this.require(organizationId, rootJobId);
    return {
      write_status: job.status === 'RUNNING' ? 'PENDING' : job.status,
      errors: job.errors ?? [],
      created_record_id: job.created_record_id,
    };
  }

  /**
   * Queues a write that ended FAILURE or PARTIAL_SUCCESS again, as a new job of the same root; 409 otherwise. A
   * create that ended PARTIAL_SUCCESS made its record: the new job names it (its vendor id, and our id when read
   * back), so the writer sends only the follow-up calls and the record is never created twice.
   */
  async retry(organizationId: string, rootJobId: string): Promise<{ success: boolean; job_id: string }> {
    const last = await this.require(organizationId, rootJobId);
    if (last.status !== 'FAILURE' && last.status !== 'PARTIAL_SUCCESS')
      throw new AppError(
        'conflict',
        `write ${rootJobId} is ${last.status}: only a FAILURE or PARTIAL_SUCCESS write can be retried`,
        {
          write_status: last.status,
        },
      );
    const retried = await this.accept({
      rootJobId: last.root_job_id,
      organizationId: last.organization_id,
      integrationId: last.integration_id,
      model: last.model,
      operation: last.operation,
      recordId: last.record_id ?? last.created_record_id,
      xId: last.x_id,
      parameters: last.parameters,
      fields: last.fields,
      ignoredFields: last.ignored_fields ?? [],
      idempotencyKey: null,
      bodyHash: null,
    });
    return { success: true, job_id: retried.id };
  }

  /** Finished writes, newest first, each with its job type and its first vendor exchange's log id. */
  async logs(filter: WriteLogFilter) {
    const rows = await this.jobs.logs(filter);
    return rows.map((row) => ({
      ...row,
      job_type: writeJobType(row.vendor, row.model as CanonicalModelName, row.operation),
    }));
  }

  async logData(organizationId: string, jobLogId: string) {
    const log = await this.jobs.log(organizationId, jobLogId);
    if (!log) throw AppError.notFound('job log', jobLogId);
    return log;
  }

  private async require(organizationId: string, rootJobId: string): Promise<WriteJobRow> {
    const job = await this.jobs.latestOfRoot(organizationId, rootJobId);
    if (!job) throw AppError.notFound('write job', rootJobId);
    return job;
  }

  private async enqueue(row: WriteJobRow): Promise<void> {
    const writeJobId = row.id;
    const data: WriteJobPayload = { writeJobId, integrationId: row.integration_id };
    // Job id = write job id: a job is never queued twice. Its own queue and workers: no sync job queues ahead of it.
    await this.queues.queue(QueueName.WriteJobs).add('write', data, {
      jobId: writeJobId,
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: 100,
    });
  }
}

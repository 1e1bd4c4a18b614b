import { Inject, Injectable } from '@nestjs/common';
import { EventsCommitted } from '../emit/events-committed';
import { jobFailureEvent, runCompleteEvent, type NewEvent } from '../emit/event-payloads';
import { EventOutbox } from '../emit/outbox.service';
import { runJobScheduleId } from './sync-schedule';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import { sqlOf } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';
import { PageWriter } from '../store/cache/page-writer.service';
import { IntegrationRecordRepository, type SyncIntegration } from './integration-record.repository';
import { deletedEvents } from './page-events';
import { SyncRunRepository, type FinishedRun, type JobContext } from './sync-run.repository';

export interface JobOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  error: string | null;
  /** Set after a complete pull: records not seen since then have vanished from the vendor. */
  deletionsSince?: Date | null;
  checkpoint?: string | null;
  /** What the job learnt of the integration's credentials: accepted (it pulled) or refused (VendorAuthError). */
  canAuthenticate?: boolean;
}

/** A job that ended: the run it ended with it (its last job), and the integration's queued run that started then. */
export interface JobEnded {
  run: FinishedRun | null;
  next: { runId: string; kind: JobContext['runKind']; jobIds: string[] } | null;
}

/**
 * The last stage of a sync job: ends it, and its run when it was the run's last. A complete pull of a later
 * sync first marks the records the vendor no longer has (with DATA_DELETED events), unless there are
 * suspiciously many (the deletion guard): then the job fails with JOB_FAILURE instead. A run's end brings its
 * SYNC_COMPLETE / FIRST_SYNC_COMPLETE and starts the integration's next queued run. One transaction: the
 * events commit with the changes they report.
 */
@Injectable()
export class RunFinisher {
  constructor(
    private readonly transactions: Transactions,
    private readonly runs: SyncRunRepository,
    private readonly integrations: IntegrationRecordRepository,
    private readonly writer: PageWriter,
    private readonly outbox: EventOutbox,
    private readonly eventsCommitted: EventsCommitted,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /** Null when the job had already ended (a duplicate delivery). */
  async finish(job: JobContext, integration: SyncIntegration | null, outcome: JobOutcome): Promise<JobEnded | null> {
    if (integration && outcome.canAuthenticate !== undefined)
      await this.integrations.setCanAuthenticate(integration.id, outcome.canAuthenticate);
    const scope = {
      organizationId: job.organizationId,
      integrationId: job.integrationId,
      vendor: integration?.vendor ?? 'UNKNOWN',
    };
    const result = await this.transactions.run(async (tx) => {
      await this.runs.lockRun(tx, job.runId);
      const sql = sqlOf(tx);
      let { status, error } = outcome;
      const events: NewEvent[] = [];
      if (status === 'SUCCEEDED' && outcome.deletionsSince && job.runKind !== 'FIRST') {
        const share = this.config.deletionGuardShare;
        const vanished = await this.writer.markVanished(
          sql,
          job.model,
          job.integrationId,
          outcome.deletionsSince,
          share,
        );
        if (vanished.refused) {
          status = 'FAILED';
          error = deletionGuardMessage(job.model, vanished.refused, share);
        }
        const deleted = deletedEvents(scope, job, vanished.deleted, vanished.hiddenLinks);
        events.push(...deleted.records, ...deleted.links);
      }
      // So far `events` holds only this job's DATA_DELETED events: they count as the job's own.
      if (!(await this.runs.finishJob(tx, job.jobId, status, error, events.length))) return null;
      if (status === 'SUCCEEDED' && outcome.checkpoint)
        await this.runs.saveCheckpoint(tx, job.integrationId, job.model, outcome.checkpoint);
      if (status === 'FAILED') events.push(jobFailureEvent(scope, job, error ?? 'failed'));
      const run = await this.runs.finishRunIfDone(tx, job.runId);
      let next: JobEnded['next'] = null;
      if (run) {
        if (integration) await this.integrations.markRunComplete(tx, integration.id, run);
        events.push(runCompleteEvent(scope, run, runJobScheduleId(run.kind, scope.integrationId)));
        await this.integrations.lock(tx, job.integrationId);
        next = await this.runs.startQueued(tx, job.integrationId);
      }
      await this.outbox.append(sql, events);
      return { ended: { run, next }, emitted: events.length > 0 };
    });
    if (result?.emitted) this.eventsCommitted.notify();
    return result?.ended ?? null;
  }
}

/** A full pull would remove more of a model than the guard allows: probably a vendor fault, not real deletions. */
function deletionGuardMessage(model: string, counts: { vanished: number; live: number }, share: number): string {
  return `deletion guard: the full pull of ${model} did not see ${counts.vanished} of ${counts.live} records (more than ${Math.round(share * 100)} %); none were deleted`;
}

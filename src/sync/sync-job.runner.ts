import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { RecordCacheRepository, type CacheRow, type CacheScope } from '../store/cache/record-cache.repository';
import { LINK_MODEL } from '../catalogue/canonical-models';
import { presentLink, presentRecord } from '../catalogue/record-presenter';
import { recordId } from '../platform/common/ids';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import { DataDiffLog } from '../store/cache/data-diff-log.service';
import { PrismaService, sqlOf } from '../platform/database/prisma.service';
import { toCanonicalRecord, type CanonicalRecord, type MappingContext } from '../normalise/canonical-record';
import { MalformedRecordError } from '../normalise/malformed-record.error';
import { checkShape, DriftTally } from '../normalise/schema-drift';
import { UnknownValueTally } from '../normalise/unknown-values';
import { dataEvent, jobFailureEvent, runCompleteEvent, type NewEvent } from '../emit/event-payloads';
import { EventsCommitted } from '../emit/events-committed';
import { EventOutbox } from '../emit/outbox.service';
import { Metrics } from '../platform/observability/metrics';
import { QueueName, type SyncJobPayload } from '../platform/queue/queue-names';
import { QueueService } from '../platform/queue/queue.service';
import type { VendorAdapter } from '../fetch/adapter/vendor-adapter';
import { VendorAccessDeniedError, VendorAuthError, VendorRequestError } from '../fetch/adapter/vendor-http';
import { VendorRegistry } from '../fetch/registry/vendor-registry';
import { dataDiffEntries, reportChanges, reportLinkChanges, type LinkReport, type RecordReport } from './page-changes';
import { QuarantineRepository, type QuarantineEntry } from './quarantine.repository';
import { ReadRefusals } from './read-refusals';
import {
  JobHandedOverError,
  SyncIntegrationRepository,
  SyncRunRepository,
  type JobContext,
  type SyncIntegration,
} from './sync-run.repository';
import { runJobScheduleId } from './sync-schedule';
import { SyncService } from './sync.service';
import { VendorClientFactory } from './vendor-client.factory';
import { VendorStateRepository } from './vendor-state.repository';

/**
 * Runs one sync job (an integration × model): pulls every page from the vendor, normalises each record
 * (quarantining the ones that cannot be), and writes each page with one set-based upsert. When the last job
 * of a run ends, the run's completion event commits in the same transaction as the run's end.
 */
/** How soon a job held back by its integration's max_job_concurrency looks again. */
const BUSY_RECHECK_MS = 500;
/** Times a job's worker may stop under it (killed, crashed) and the job still runs again, as BullMQ's maxStalledCount. */
const MAX_INTERRUPTIONS = 1;

@Injectable()
export class SyncJobRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('SyncJob');

  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: SyncRunRepository,
    private readonly integrations: SyncIntegrationRepository,
    private readonly cache: RecordCacheRepository,
    private readonly quarantine: QuarantineRepository,
    private readonly dataDiffs: DataDiffLog,
    private readonly outbox: EventOutbox,
    private readonly eventsCommitted: EventsCommitted,
    private readonly vendors: VendorRegistry,
    private readonly queues: QueueService,
    private readonly sync: SyncService,
    private readonly vendorStates: VendorStateRepository,
    private readonly clients: VendorClientFactory,
    private readonly metrics: Metrics,
    private readonly readRefusals: ReadRefusals,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    const worker = this.queues.worker<SyncJobPayload>(
      QueueName.SyncJobs,
      (job, token) => this.process(job, token),
      {
        concurrency: this.config.syncWorkerConcurrency,
        lockDuration: 60_000,
      },
      (job) => this.runs.handBack(job.data.syncJobId),
    );
    worker.on('failed', (queueJob, error) => {
      if (!queueJob?.finishedOn) return; // failed an attempt; the queue retries it
      void this.failedInQueue(queueJob.data.syncJobId, error.message).catch((e) =>
        this.logger.error(`job ${queueJob.data.syncJobId}: ${(e as Error).message}`),
      );
    });
  }

  /**
   * The queue gave up on a job that `process` did not end: BullMQ fails a job that stalled more than once
   * (its worker died twice while running it) without running it again, and a throw outside `process`'s own
   * handling fails the last attempt. The job would stay open for ever, its run with it, and every later run
   * of the integration would queue behind that run; so it ends here, FAILED, with its JOB_FAILURE (and the
   * run's end if it was the last). A job `process` already ended is left alone.
   */
  private async failedInQueue(syncJobId: string, reason: string): Promise<void> {
    const job = await this.runs.loadJob(syncJobId);
    if (!job || (job.status !== 'PENDING' && job.status !== 'RUNNING')) return;
    this.logger.error(`job ${job.jobId} (${job.model}) failed for good in the queue: ${reason}`);
    await this.finish(job, await this.integrations.load(job.integrationId), {
      status: 'FAILED',
      error: `the queue gave up on the job: ${reason}`,
    });
  }

  private async process(queueJob: Job<SyncJobPayload>, token?: string): Promise<void> {
    const job = await this.runs.loadJob(queueJob.data.syncJobId);
    const startedAt = job ? await this.runs.markRunning(job.jobId, job.integrationId) : null;
    if (startedAt === 'busy') {
      // The integration is at its max_job_concurrency: try again shortly, without using an attempt.
      await queueJob.moveToDelayed(Date.now() + BUSY_RECHECK_MS, token);
      throw new DelayedError();
    }
    if (!job || !startedAt) return; // already finished (a duplicate delivery), or its run is not running
    const integration = await this.integrations.load(job.integrationId);
    const adapter = integration ? this.vendors.get(integration.vendor) : undefined;
    if (!integration || !adapter) {
      await this.finish(job, integration, {
        status: 'FAILED',
        error: 'The integration or its vendor adapter no longer exists',
      });
      return;
    }
    if (job.interruptions > MAX_INTERRUPTIONS) {
      // Perhaps the job itself takes its workers down (memory): it is not run a third time.
      await this.finish(job, integration, {
        status: 'FAILED',
        error: `its worker stopped (killed or crashed) while running it ${job.interruptions} times; not run again`,
      });
      return;
    }
    try {
      const pulled = await this.pull(job, integration, adapter, startedAt);
      await this.integrations.setCanAuthenticate(integration.id, true);
      await this.finish(job, integration, {
        status: 'SUCCEEDED',
        error: null,
        deletionsSince: pulled.complete ? startedAt : null,
        checkpoint: pulled.checkpoint,
      });
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof JobHandedOverError) {
        this.logger.warn(`${message}: stopped here`); // the job is another worker's now; nothing of it is ours to end
        return;
      }
      if (error instanceof VendorAuthError) await this.integrations.setCanAuthenticate(integration.id, false);
      // The model is not readable with these credentials: its read access turns FAILED before the run can end.
      if (error instanceof VendorAccessDeniedError)
        await this.readRefusals.report({ integrationId: integration.id, model: job.model, message });
      const retryable =
        !(error instanceof VendorAuthError) &&
        !(error instanceof VendorRequestError && !error.retryable) &&
        !(error instanceof DeletionGuardError);
      const lastAttempt = queueJob.attemptsMade + 1 >= (queueJob.opts.attempts ?? 1);
      if (retryable && !lastAttempt) {
        this.logger.warn(`job ${job.jobId} (${job.model}) failed, will retry: ${message}`);
        await this.runs.requeueAfterError(job.jobId, message);
        throw error;
      }
      this.logger.error(`job ${job.jobId} (${job.model}) failed for good: ${message}`);
      await this.finish(job, integration, { status: 'FAILED', error: message });
      throw new UnrecoverableError(message);
    }
  }

  /**
   * Pulls every page of the job's model, writing each in its own transaction. A first sync only writes;
   * later syncs also commit DATA_NEW / DATA_UPDATE events with the page. An incremental run asks the
   * vendor for changes since the model's checkpoint. Returns whether every record was pulled (a full
   * pull: the set the deletion pass compares against) and the checkpoint to store on success.
   */
  private async pull(job: JobContext, integration: SyncIntegration, adapter: VendorAdapter, startedAt: Date) {
    const { client, takeRateLimits } = this.clients.open(integration, adapter);
    const saveRateLimits = async () => {
      const latest = takeRateLimits(); // the latest per API, saved with each page
      if (latest.length > 0) await this.vendorStates.saveRateLimits(integration.id, latest);
    };
    const refs = new Map<string, string>(); // a job names the same properties and units again and again
    const ctx: MappingContext = {
      integrationId: integration.id,
      ref: (model, xId) => {
        if (xId === null || xId === undefined) return null;
        const key = `${model}\u0000${xId}`;
        let id = refs.get(key);
        if (id === undefined) refs.set(key, (id = recordId(integration.id, model, xId)));
        return id;
      },
    };
    const incremental = adapter.incrementalModels.includes(job.model);
    const cursor =
      job.runMode === 'INCREMENTAL' && incremental ? await this.runs.checkpoint(integration.id, job.model) : null;
    const scope = {
      organizationId: integration.organization_id,
      integrationId: integration.id,
      vendor: integration.vendor,
    };
    // Pipelined: page N+1 is fetched and mapped while page N is being written; writes stay in page order.
    let writing: Promise<void> = Promise.resolve();
    // A quarantined record without an id cannot be marked seen, so a pull that had one deletes nothing.
    let unidentified = 0;
    for await (const page of client.listPages(job.model, { since: cursor ? new Date(cursor) : undefined })) {
      const batch = this.transform(job, adapter, page.records, ctx);
      unidentified += batch.rejected.filter((r) => r.xId === null).length;
      await writing;
      writing = this.write(job, scope, batch, ctx).then(saveRateLimits);
      writing.catch(() => undefined); // observed by the next await; this only keeps Node from calling it unhandled
    }
    await writing;
    await saveRateLimits();
    // The next incremental pull starts a little before this one did: a change made while we paged is seen again.
    const checkpoint = incremental
      ? new Date(startedAt.getTime() - this.config.syncCheckpointOverlapMs).toISOString()
      : null;
    if (cursor === null && unidentified > 0)
      this.logger.warn(
        `job ${job.jobId}: ${unidentified} ${job.model} record(s) without an id were quarantined; no deletions this run`,
      );
    return { complete: cursor === null && unidentified === 0, checkpoint };
  }

  /**
   * Maps and type-checks one page; records the vendor sent malformed are set aside for quarantine, and so
   * are records missing a field the vendor's contract promises (schema drift: reported, never nulled).
   * Values the mapping tables do not know are counted; records that are not of the model (applicants) are
   * set aside to be hidden.
   */
  private transform(job: JobContext, adapter: VendorAdapter, raws: unknown[], jobCtx: MappingContext) {
    const byId = new Map<string, CanonicalRecord>();
    const rejected: QuarantineEntry[] = [];
    const excluded: string[] = [];
    const drift = new DriftTally();
    const unknown = new UnknownValueTally();
    const ctx: MappingContext = { ...jobCtx, unknownValue: unknown.note };
    const expected = adapter.expectedFields[job.model];
    for (const raw of raws) {
      const shape = checkShape(raw, expected);
      if (shape.missing.length > 0 || shape.unexpected.length > 0) {
        const xId = adapter.vendorId(job.model, raw);
        for (const field of shape.missing) drift.add('MISSING', field, xId);
        for (const field of shape.unexpected) drift.add('UNEXPECTED', field, xId);
        if (shape.missing.length > 0) {
          rejected.push({
            model: job.model,
            xId,
            reason: `schema drift: required field${shape.missing.length > 1 ? 's' : ''} ${shape.missing.map((f) => `"${f}"`).join(', ')} missing`,
            raw,
          });
          continue;
        }
      }
      try {
        const mapped = adapter.map(job.model, raw, ctx);
        if (mapped === null) {
          unknown.drop();
          const id = ctx.ref(job.model, adapter.vendorId(job.model, raw));
          if (id !== null) excluded.push(id);
          continue;
        }
        const record = toCanonicalRecord(job.model, mapped, ctx);
        unknown.settle(record.x_id);
        byId.set(record.id, record); // a record repeated within a page is written once, as last seen
      } catch (error) {
        unknown.drop();
        if (!(error instanceof MalformedRecordError)) throw error;
        rejected.push({ model: job.model, xId: adapter.vendorId(job.model, raw), reason: error.reason, raw });
      }
    }
    return {
      records: [...byId.values()],
      rejected,
      excluded,
      drift: drift.entries(),
      unknownValues: unknown.entries(),
      seen: raws.length,
    };
  }

  /**
   * One transaction per page: the records and their links, what changed (not during a first sync) as data
   * diffs and events (the records', then their links'), the quarantined records and the job's progress
   * commit together.
   */
  private async write(
    job: JobContext,
    scope: CacheScope,
    batch: ReturnType<SyncJobRunner['transform']>,
    ctx: MappingContext,
  ): Promise<void> {
    const { records, rejected, excluded, drift, unknownValues, seen } = batch;
    const reports = job.runKind !== 'FIRST';
    await this.prisma.sqlTransaction(async (tx) => {
      const now = new Date();
      // A quarantined record still exists at the vendor: it counts as seen, so the deletion pass keeps it.
      const alsoSeen = rejected.map((r) => ctx.ref(job.model, r.xId)).filter((id): id is string => id !== null);
      const written = await this.cache.upsertPage(tx, job.model, scope, records, now, { capture: reports, alsoSeen });
      // Records cached before they were known not to be of the model (applicants) go the way deleted ones do.
      const hidden = await this.cache.hide(tx, job.model, scope.integrationId, excluded, now);
      await this.quarantine.add(tx, { ...scope, jobId: job.jobId }, rejected);
      await this.vendorStates.addDrift(
        tx,
        scope,
        drift.map((d) => ({ ...d, model: job.model })),
      );
      await this.vendorStates.addUnknownValues(
        tx,
        scope,
        unknownValues.map((v) => ({ ...v, model: job.model })),
      );
      const changed = reports ? reportChanges(job.model, written.changes) : [];
      const links = reportLinkChanges(written.links);
      await this.dataDiffs.append(tx, { ...scope, model: job.model, jobId: job.jobId }, dataDiffEntries(changed));
      // Records first, then links: changed records, hidden ones (not during a first sync), the page's link
      // changes, and the links hidden with those records.
      const hiddenEvents = reports
        ? deletedEvents(scope, job, hidden.hidden, hidden.hiddenLinks)
        : { records: [], links: [] };
      const events = [
        ...changeEvents(scope, job, changed),
        ...hiddenEvents.records,
        ...linkEvents(scope, job, links),
        ...hiddenEvents.links,
      ];
      await this.outbox.append(tx, events);
      await this.runs.addProgress(tx, job.jobId, {
        seen,
        written: written.inserted + written.updated,
        quarantined: rejected.length,
        events: events.length,
      });
    });
    this.metrics.syncPage(scope.vendor, job.model, { seen, quarantined: rejected.length, drift });
    if (rejected.length > 0)
      this.logger.warn(
        `job ${job.jobId}: quarantined ${rejected.length} ${job.model} record(s): ${rejected[0].reason}`,
      );
    if (drift.length > 0)
      this.logger.warn(
        `job ${job.jobId}: ${job.model} records changed shape: ${drift.map((d) => `${d.kind} ${d.field} ×${d.occurrences}`).join(', ')}`,
      );
    if (unknownValues.length > 0)
      this.logger.warn(
        `job ${job.jobId}: ${job.model} values no table maps: ${unknownValues.map((v) => `${v.field} "${v.value}" ×${v.occurrences}`).join(', ')}`,
      );
  }

  /**
   * Ends the job. A complete pull of a later sync first marks the records the vendor no longer has (with
   * DATA_DELETED events), unless there are suspiciously many: then the job fails with JOB_FAILURE instead.
   * If the job was the run's last, the run ends too, with its completion event, and the next queued run of
   * the integration starts. One transaction: the events commit with the changes they report.
   */
  private async finish(job: JobContext, integration: SyncIntegration | null, outcome: JobOutcome): Promise<void> {
    const scope = {
      organizationId: job.organizationId,
      integrationId: job.integrationId,
      vendor: integration?.vendor ?? 'UNKNOWN',
    };
    const result = await this.prisma.$transaction(async (tx) => {
      await this.runs.lockRun(tx, job.runId);
      const sql = sqlOf(tx);
      let { status, error } = outcome;
      const events: NewEvent[] = [];
      if (status === 'SUCCEEDED' && outcome.deletionsSince && job.runKind !== 'FIRST') {
        const vanished = await this.cache.markVanished(
          sql,
          job.model,
          job.integrationId,
          outcome.deletionsSince,
          new Date(),
          this.config.deletionGuardShare,
        );
        if (vanished.refused) {
          status = 'FAILED';
          error = new DeletionGuardError(job.model, vanished.refused, this.config.deletionGuardShare).message;
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
      let next: { runId: string; kind: JobContext['runKind']; jobIds: string[] } | null = null;
      if (run) {
        if (integration) await this.integrations.markRunComplete(tx, integration.id, run);
        events.push(runCompleteEvent(scope, run, runJobScheduleId(run.kind, scope.integrationId)));
        await this.runs.lockIntegration(tx, job.integrationId);
        next = await this.runs.startQueued(tx, job.integrationId);
      }
      await this.outbox.append(sql, events);
      return { run, next, emitted: events.length > 0 };
    });
    if (result?.emitted) this.eventsCommitted.notify();
    if (result?.run) {
      const { run } = result;
      this.metrics.syncRunFinished(run.kind, run.status, (Date.now() - run.started_at.getTime()) / 1000);
      this.logger.log(
        `integration ${job.integrationId}: sync ${run.id} finished ${run.status} (${run.successful_job_count} jobs succeeded, ${run.failed_job_count} failed)`,
      );
    }
    if (result?.next) await this.sync.startPromoted(job.integrationId, result.next);
    else if (result && !result.run) await this.sync.wakeWaiting(job.integrationId);
  }
}

interface JobOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  error: string | null;
  /** Set after a complete pull: records not seen since then have vanished from the vendor. */
  deletionsSince?: Date | null;
  checkpoint?: string | null;
}

/** A full pull would remove more of a model than the guard allows: probably a vendor fault, not real deletions. */
class DeletionGuardError extends Error {
  constructor(model: string, counts: { vanished: number; live: number }, share: number) {
    super(
      `deletion guard: the full pull of ${model} did not see ${counts.vanished} of ${counts.live} records (more than ${Math.round(share * 100)} %); none were deleted`,
    );
  }
}

/** DATA_NEW for new rows, DATA_UPDATE (only the changed fields) for changed ones, in page order. */
function changeEvents(scope: CacheScope, job: JobContext, reports: RecordReport[]): NewEvent[] {
  return reports.map((r) =>
    r.kind === 'NEW'
      ? dataEvent(scope, job, 'DATA_NEW', r.record)
      : dataEvent(scope, job, 'DATA_UPDATE', r.record, r.diff),
  );
}

/** DATA_DELETED for records that stopped showing (vanished, or not of the model), and for their links hidden with them. */
function deletedEvents(
  scope: CacheScope,
  job: JobContext,
  rows: CacheRow[],
  links: CacheRow[],
): { records: NewEvent[]; links: NewEvent[] } {
  return {
    records: rows.map((row) => dataEvent(scope, job, 'DATA_DELETED', presentRecord(job.model, row))),
    links: links.map((row) => dataEvent(scope, job, 'DATA_DELETED', presentLink(row), undefined, LINK_MODEL.name)),
  };
}

const LINK_TRIGGER = { NEW: 'DATA_NEW', UPDATE: 'DATA_UPDATE', DELETED: 'DATA_DELETED' } as const;

/** The residents_to_leases events of a page: DATA_NEW for links that appeared, DATA_UPDATE, DATA_DELETED for those that ended. */
function linkEvents(scope: CacheScope, job: JobContext, reports: LinkReport[]): NewEvent[] {
  return reports.map((r) =>
    dataEvent(scope, job, LINK_TRIGGER[r.kind], r.link, r.kind === 'UPDATE' ? r.diff : undefined, LINK_MODEL.name),
  );
}

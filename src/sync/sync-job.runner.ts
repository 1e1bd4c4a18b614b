import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { RecordCacheRepository, type CacheScope } from '../cache/record-cache.repository';
import { SecretBox } from '../common/crypto/secret-box';
import { recordId } from '../common/ids';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { PrismaService } from '../database/prisma.service';
import { toCanonicalRecord, type CanonicalRecord, type MappingContext } from '../etl/canonical-record';
import { MalformedRecordError } from '../etl/malformed-record.error';
import { OutboxRelay } from '../events/outbox-relay.service';
import { OutboxRepository } from '../events/outbox.repository';
import { OutboundGuard } from '../outbound/outbound-guard';
import { QueueName, type SyncJobPayload } from '../queue/queue-names';
import { QueueService } from '../queue/queue.service';
import type { VendorAdapter } from '../vendors/vendor-adapter';
import { VendorAuthError, VendorHttp, VendorRequestError } from '../vendors/vendor-http';
import { VendorRegistry } from '../vendors/vendor-registry';
import { QuarantineRepository, type QuarantineEntry } from './quarantine.repository';
import { jobFailureEvent, runCompleteEvent } from './sync-events';
import { SyncIntegrationRepository, SyncRunRepository, type JobContext, type SyncIntegration } from './sync-run.repository';
import { SYNC_JOB_ATTEMPTS } from './sync.service';

/**
 * Runs one sync job (an integration × model): pulls every page from the vendor, normalises each record
 * (quarantining the ones that cannot be), and writes each page with one set-based upsert. When the last job
 * of a run ends, the run's completion event commits in the same transaction as the run's end.
 */
@Injectable()
export class SyncJobRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('SyncJob');

  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: SyncRunRepository,
    private readonly integrations: SyncIntegrationRepository,
    private readonly cache: RecordCacheRepository,
    private readonly quarantine: QuarantineRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly vendors: VendorRegistry,
    private readonly secrets: SecretBox,
    private readonly guard: OutboundGuard,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.queues.worker<SyncJobPayload>(QueueName.SyncJobs, (job) => this.process(job), {
      concurrency: this.config.syncWorkerConcurrency,
      lockDuration: 60_000,
    });
  }

  private async process(queueJob: Job<SyncJobPayload>): Promise<void> {
    const job = await this.runs.loadJob(queueJob.data.syncJobId);
    if (!job || !(await this.runs.markRunning(job.jobId))) return; // already finished: a duplicate delivery
    const integration = await this.integrations.load(job.integrationId);
    const adapter = integration ? this.vendors.get(integration.vendor) : undefined;
    if (!integration || !adapter) {
      await this.fail(job, integration, 'The integration or its vendor adapter no longer exists');
      return;
    }
    try {
      await this.pull(job, integration, adapter);
      await this.integrations.setCanAuthenticate(integration.id, true);
      await this.finish(job, integration, 'SUCCEEDED', null);
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof VendorAuthError) await this.integrations.setCanAuthenticate(integration.id, false);
      const retryable = !(error instanceof VendorAuthError) && !(error instanceof VendorRequestError && !error.retryable);
      const lastAttempt = queueJob.attemptsMade + 1 >= (queueJob.opts.attempts ?? SYNC_JOB_ATTEMPTS);
      if (retryable && !lastAttempt) {
        this.logger.warn(`job ${job.jobId} (${job.model}) failed, will retry: ${message}`);
        await this.runs.requeueAfterError(job.jobId, message);
        throw error;
      }
      this.logger.error(`job ${job.jobId} (${job.model}) failed for good: ${message}`);
      await this.fail(job, integration, message);
      throw new UnrecoverableError(message);
    }
  }

  private async pull(job: JobContext, integration: SyncIntegration, adapter: VendorAdapter): Promise<void> {
    const credentials = this.secrets.openJson<unknown>(integration.credentials_encrypted);
    const baseUrl = integration.base_url ?? adapter.facts.defaultBaseUrl;
    const client = adapter.client(credentials, (authHeaders) =>
      new VendorHttp({ baseUrl, headers: authHeaders, guard: this.guard, throttleBackoffMs: adapter.facts.throttleBackoffMs }));
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
    const scope = { organizationId: integration.organization_id, integrationId: integration.id, vendor: integration.vendor };
    // Pipelined: page N+1 is fetched and mapped while page N is being written; writes stay in page order.
    let writing: Promise<void> = Promise.resolve();
    for await (const page of client.listPages(job.model)) {
      const batch = this.transform(job, adapter, page.records, ctx);
      await writing;
      writing = this.write(job, scope, batch);
      writing.catch(() => undefined); // observed by the next await; this only keeps Node from calling it unhandled
    }
    await writing;
  }

  /** Maps and type-checks one page; records the vendor sent malformed are set aside for quarantine. */
  private transform(job: JobContext, adapter: VendorAdapter, raws: unknown[], ctx: MappingContext) {
    const byId = new Map<string, CanonicalRecord>();
    const rejected: QuarantineEntry[] = [];
    for (const raw of raws) {
      try {
        const record = toCanonicalRecord(job.model, adapter.map(job.model, raw, ctx), ctx);
        byId.set(record.id, record); // a record repeated within a page is written once, as last seen
      } catch (error) {
        if (!(error instanceof MalformedRecordError)) throw error;
        rejected.push({ model: job.model, xId: vendorIdOf(raw), reason: error.reason, raw });
      }
    }
    return { records: [...byId.values()], rejected, seen: raws.length };
  }

  /** One transaction per page: the records, the quarantined ones and the job's progress commit together. */
  private async write(job: JobContext, scope: CacheScope, batch: ReturnType<SyncJobRunner['transform']>): Promise<void> {
    const { records, rejected, seen } = batch;
    await this.prisma.sqlTransaction(async (tx) => {
      const written = await this.cache.upsertPage(tx, job.model, scope, records, new Date());
      await this.quarantine.add(tx, { ...scope, jobId: job.jobId }, rejected);
      await this.runs.addProgress(tx, job.jobId, seen, written.inserted + written.updated, rejected.length);
    });
    if (rejected.length > 0) this.logger.warn(`job ${job.jobId}: quarantined ${rejected.length} ${job.model} record(s): ${rejected[0]!.reason}`);
  }

  private async fail(job: JobContext, integration: SyncIntegration | null, error: string): Promise<void> {
    await this.finish(job, integration, 'FAILED', error);
  }

  /** Ends the job; if it was the run's last, ends the run and commits its completion event with it. */
  private async finish(job: JobContext, integration: SyncIntegration | null, status: 'SUCCEEDED' | 'FAILED', error: string | null): Promise<void> {
    const scope = { organizationId: job.organizationId, integrationId: job.integrationId, vendor: integration?.vendor ?? 'UNKNOWN' };
    const outcome = await this.prisma.$transaction(async (tx) => {
      await this.runs.lockRun(tx, job.runId);
      if (!(await this.runs.finishJob(tx, job.jobId, status, error))) return null;
      const events = status === 'FAILED' ? [jobFailureEvent(scope, job, error ?? 'failed')] : [];
      const run = await this.runs.finishRunIfDone(tx, job.runId);
      if (run) {
        if (integration) await this.integrations.markRunComplete(tx, integration.id, run.kind === 'FIRST');
        events.push(runCompleteEvent(scope, run));
      }
      await this.outbox.append(tx, events);
      return { run, emitted: events.length > 0 };
    });
    if (outcome?.emitted) this.relay.notify();
    if (outcome?.run) {
      const { run } = outcome;
      this.logger.log(`integration ${job.integrationId}: sync ${run.id} finished (${run.successful_job_count} jobs succeeded, ${run.failed_job_count} failed)`);
    }
  }
}

function vendorIdOf(raw: unknown): string | null {
  const id = (raw as { Id?: unknown; id?: unknown } | null)?.Id ?? (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

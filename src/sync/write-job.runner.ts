import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import { CANONICAL_MODELS, type CanonicalModelName, type WriteOperation } from '../catalogue/canonical-models';
import { writeFailureEvent } from '../emit/event-payloads';
import { EventsCommitted } from '../emit/events-committed';
import { EventOutbox } from '../emit/outbox.service';
import type { VendorAdapter, VendorWriteResult } from '../fetch/adapter/vendor-adapter';
import type { VendorExchange } from '../fetch/adapter/vendor-http';
import { VendorRegistry } from '../fetch/registry/vendor-registry';
import { jobMappingContext, PageNormaliser } from '../normalise/page-normaliser';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import type { SqlTx } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';
import { QueueName, type WriteJobPayload } from '../platform/queue/queue-names';
import { QueueService } from '../platform/queue/queue.service';
import { PageWriter } from '../store/cache/page-writer.service';
import type { SyncIntegration } from './integration-record.repository';
import { pageEvents } from './page-events';
import { SyncService } from './sync.service';
import { VendorClientFactory } from './vendor-client.factory';
import { acceptedWrite, errorsOf, type AcceptedWrite } from './write-read-back';
import { writeJobType } from './write-jobs.service';
import { WriteJobRepository, type WriteJobRow } from './write-job.repository';

/**
 * Write jobs a worker runs at once, per sync job it runs: a write spends most of its time waiting, for its budget
 * slot and for the vendor, so enough of them must be under way to take every slot of a busy integration (with
 * as many as sync jobs, 1,000 queued writes used 0.72 of a budget of 600 a minute on a loaded machine). The
 * budget gate, not this number, sets the pace at the vendor.
 */
const WRITES_PER_SYNC_JOB = 4;

/** Thrown inside a write's end transaction to roll it back: another worker ended the write first. */
class WriteEndedElsewhere extends Error {}

/** How soon a write held back by an earlier write of its record looks again. */
const ORDER_RECHECK_MS = 250;

/** Keys whose values never reach the write log (the vendor request and answer are kept for the admin). */
const SECRET_KEY = /secret|password|token|api[-_]?key|authorization|credential/i;

/**
 * Runs write jobs off their own queue, at once and ahead of sync requests in the integration's budget: the
 * vendor's write through its adapter, then the read-back (the record the vendor answered, else fetched by the id
 * it gave) written through the same PageWriter as a sync page, so DATA_NEW / DATA_UPDATE fire once and the next
 * sync finds nothing new. Never twice at the vendor: a create is sent again only when the vendor certainly did
 * nothing (VendorHttp's `unlessSent`); a create whose worker stopped after sending ends "outcome unknown".
 */
@Injectable()
export class WriteJobRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('WriteJob');

  constructor(
    private readonly queues: QueueService,
    private readonly jobs: WriteJobRepository,
    private readonly sync: SyncService,
    private readonly vendors: VendorRegistry,
    private readonly clients: VendorClientFactory,
    private readonly normaliser: PageNormaliser,
    private readonly writer: PageWriter,
    private readonly transactions: Transactions,
    private readonly outbox: EventOutbox,
    private readonly eventsCommitted: EventsCommitted,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    // A live worker renews its lock; a dead one's write comes back through the stalled check within the lock's
    // time, to be ended "outcome unknown" (a create) rather than sent again. Since the runner judges every
    // resumed write itself, a write may stall any number of times: BullMQ's default (1) would fail a write cut
    // twice and leave its row RUNNING for ever. (The PostgreSQL queue backend keeps the count as an integer.)
    this.queues.worker<WriteJobPayload>(QueueName.WriteJobs, (job, token) => this.process(job, token), {
      concurrency: this.config.syncWorkerConcurrency * WRITES_PER_SYNC_JOB,
      lockDuration: 30_000,
      maxStalledCount: 1_000_000,
    });
  }

  private async process(queueJob: Job<WriteJobPayload>, token?: string): Promise<void> {
    const { writeJobId, integrationId } = queueJob.data;
    // The integration is read beside the claim: the vendor request waits for one round trip, not two.
    const [claim, integrationRead] = await Promise.all([
      this.jobs.claim(writeJobId),
      integrationId ? this.sync.loadIntegration(integrationId) : undefined,
    ]);
    if (claim.kind === 'done') return;
    if (claim.kind === 'wait') {
      // An earlier write of the same record is unfinished: this one waits its turn, without using an attempt.
      await queueJob.moveToDelayed(Date.now() + ORDER_RECHECK_MS, token);
      throw new DelayedError();
    }
    const { job, resumed, wasSent } = claim;
    const integration =
      integrationId === job.integration_id
        ? (integrationRead ?? null)
        : await this.sync.loadIntegration(job.integration_id);
    const adapter = integration ? this.vendors.get(integration.vendor) : undefined;
    if (!integration || !adapter)
      return this.fail(job, integration, ['The integration or its vendor adapter no longer exists'], []);
    if (resumed && wasSent && job.operation === 'create')
      return this.fail(
        job,
        integration,
        [
          'outcome unknown: the worker stopped while the request may have been with the vendor; check the PMS before retry-write',
        ],
        [],
      );
    const exchanges: VendorExchange[] = [];
    const { client } = this.clients.open(integration, adapter, { exchanges: (e) => exchanges.push(redacted(e)) });
    const writer = client.writer;
    if (!writer) return this.fail(job, integration, [`${integration.vendor} sends no writes`], exchanges);
    const model = job.model as CanonicalModelName;
    let result: VendorWriteResult;
    try {
      result = await writer.write({
        model,
        operation: job.operation as WriteOperation,
        xId: job.x_id ?? undefined,
        fields: job.fields,
      });
    } catch (error) {
      return this.fail(job, integration, errorsOf(error), exchanges);
    }
    // The vendor accepted the write: whatever its read-back meets, it ends a success (never sent again).
    const accepted = await acceptedWrite(writer, model, result);
    try {
      await this.succeed(job, integration, adapter, { ...accepted, xId: result.xId }, exchanges);
    } catch (error) {
      // The record read back could not be cached: the write stands all the same, the record left to the next sync.
      const errors = [...accepted.errors, ...errorsOf(error).map((e) => `read-back: ${e}`)];
      await this.succeed(job, integration, adapter, { ...accepted, raw: null, errors, xId: result.xId }, exchanges);
    }
  }

  /**
   * The write's read-back, and its end, in one transaction: the record as the vendor has it now goes through the
   * normaliser and the page writer (its events with it); a create's `created_record_id` is our id of it. With no
   * record (the vendor gave no id, or its read-back failed) the write still succeeded: the next sync brings the
   * record. A PARTIAL_SUCCESS (a follow-up call failed) has its WRITE_OPERATION_FAILURE event in the same
   * transaction. The vendor id of a record a create made is kept on the job (`x_id`), so that a retry-write of a
   * partial create completes that record rather than creating another.
   */
  private async succeed(
    job: WriteJobRow,
    integration: SyncIntegration,
    adapter: VendorAdapter,
    answer: AcceptedWrite & { xId: string | null },
    exchanges: VendorExchange[],
  ): Promise<void> {
    const model = job.model as CanonicalModelName;
    const { raw, status } = answer;
    const ctx = jobMappingContext(integration.id);
    const page = raw === null || raw === undefined ? null : this.normaliser.normalise(model, adapter, [raw], ctx);
    const written = page?.records[0];
    const create = job.operation === 'create';
    const createdRecordId = create && written ? (ctx.ref(model, written.x_id) ?? null) : null;
    const rejected = page && page.rejected.length > 0 ? [`read-back: ${page.rejected[0].reason}`] : [];
    const errors = [...answer.errors, ...rejected];
    const end = { status, errors, createdRecordId, xId: create ? (written?.x_id ?? answer.xId) : null } as const;
    const finish = async (tx: SqlTx | null) => {
      if (!(await this.jobs.finish(tx, job.id, end, exchanges))) throw new WriteEndedElsewhere();
      if (tx && status === 'PARTIAL_SUCCESS')
        await this.outbox.append(tx, [this.failureEvent(job, integration, status, errors)]);
    };
    if (!page || page.records.length === 0) {
      if (status === 'SUCCESS') return this.unlessEndedElsewhere(job, () => finish(null));
      await this.unlessEndedElsewhere(job, () => this.transactions.runSql(finish));
      return this.eventsCommitted.notify();
    }
    const scope = scopeOf(integration);
    const eventJob = {
      jobId: job.id,
      runId: job.root_job_id,
      jobType: writeJobType(integration.vendor, model, job.operation),
      model,
    };
    await this.unlessEndedElsewhere(job, () =>
      this.writer.write(
        { model, scope, jobId: job.id, reportChanges: true, records: page.records, alsoSeen: [], excluded: [] },
        { events: (changes) => pageEvents(scope, eventJob, changes), record: (tx) => finish(tx) },
      ),
    );
    this.eventsCommitted.notify();
  }

  /** Runs a write's end; when another worker ended the write first, its verdict stands and nothing is committed. */
  private async unlessEndedElsewhere(job: WriteJobRow, end: () => Promise<unknown>): Promise<void> {
    try {
      await end();
    } catch (error) {
      if (!(error instanceof WriteEndedElsewhere)) throw error;
      this.logger.warn(`write ${job.id} was ended by another worker meanwhile; its verdict stands`);
    }
  }

  /** Ends the write FAILURE with its WRITE_OPERATION_FAILURE event, in one transaction. */
  private async fail(
    job: WriteJobRow,
    integration: SyncIntegration | null,
    errors: string[],
    exchanges: VendorExchange[],
  ): Promise<void> {
    this.logger.warn(`write ${job.id} (${job.operation} ${job.model}) failed: ${errors.join('; ')}`);
    const end = { status: 'FAILURE', errors, createdRecordId: null, xId: null } as const;
    await this.unlessEndedElsewhere(job, () =>
      this.transactions.runSql(async (tx) => {
        if (!(await this.jobs.finish(tx, job.id, end, exchanges))) throw new WriteEndedElsewhere();
        if (integration) await this.outbox.append(tx, [this.failureEvent(job, integration, 'FAILURE', errors)]);
      }),
    );
    this.eventsCommitted.notify();
  }

  /** The WRITE_OPERATION_FAILURE event of a write that ended FAILURE or PARTIAL_SUCCESS. */
  private failureEvent(
    job: WriteJobRow,
    integration: SyncIntegration,
    writeStatus: 'FAILURE' | 'PARTIAL_SUCCESS',
    errors: string[],
  ) {
    const model = job.model as CanonicalModelName;
    return writeFailureEvent(scopeOf(integration), {
      rootJobId: job.root_job_id,
      jobType: writeJobType(integration.vendor, model, job.operation),
      writeStatus,
      errors,
      object: CANONICAL_MODELS[model].object,
    });
  }
}

function scopeOf(integration: SyncIntegration) {
  return { organizationId: integration.organization_id, integrationId: integration.id, vendor: integration.vendor };
}

/** An exchange as the write log keeps it: values under secret-looking keys replaced. */
function redacted(exchange: VendorExchange): VendorExchange {
  return { ...exchange, body: redactValue(exchange.body), response: redactValue(exchange.response) };
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redactValue(v)]),
  );
}

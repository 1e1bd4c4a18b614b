import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job, type JobsOptions } from 'bullmq';
import { BoundedMemo } from '../../platform/common/bounded-memo';
import { SecretBox } from '../../platform/common/crypto/secret-box';
import { repeatInBackground } from '../../platform/common/repeat-in-background';
import { Semaphore } from '../../platform/common/semaphore';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { Transactions } from '../../platform/database/transactions';
import { OutboundGuard } from '../../platform/outbound/outbound-guard';
import { postBody, RequestTimeoutError, type PostOptions } from '../../platform/outbound/post-body';
import {
  QueueName,
  type WebhookDeliveryBatchPayload,
  type WebhookDeliveryPayload,
} from '../../platform/queue/queue-names';
import { QueueService } from '../../platform/queue/queue.service';
import { parseRetryAfter } from '../../platform/common/http/retry-after';
import { webhookDeactivatedEvent } from '../../emit/event-payloads';
import { EventOutbox } from '../../emit/outbox.service';
import { Metrics } from '../../platform/observability/metrics';
import { DeliveryRepository, type DeliveryRef, type DispatchTarget } from './delivery.repository';
import { deliveryBodyOfText } from '../../emit/thin-payload';
import { addSendableHeaders } from './webhook-headers';
import { WEBHOOK_LIMIT_STORE, type WebhookLimitStore } from './webhook-limit.store';
import { WebhookLimiter } from './webhook-limiter';
import { maxAttempts, retryDelayMs } from './retry-schedule';
import { signedHeaders } from './webhook-signing';

const TIMEOUT_MS = 15_000;
const EXCERPT_BYTES = 20 * 1024;
/** Opened webhook secrets and checked URLs kept in memory (a rotation or a new URL is a new entry). */
const MEMO_MAX = 10_000;
const SWEEP_INTERVAL_MS = 30_000;
/** A pending delivery this late may have lost its job; re-adding one whose job still waits is a no-op. */
const OVERDUE_AFTER_MS = 60_000;
/** How soon a delivery held back for an earlier one of the same record (or sync) looks again, at least and at most. */
const ORDER_RECHECK_MS = 250;
const ORDER_RECHECK_MAX_MS = 60_000;
/** A failing limits store is logged at most this often (it can fail on every attempt). */
const LIMIT_STORE_WARNING_INTERVAL_MS = 60_000;
/**
 * Deliveries the relay hands to one queue job (their first attempts). A job per delivery cost the queue
 * about as much CPU as the POST itself; a retry is still a job of its own, with its own schedule.
 */
export const DISPATCH_BATCH_SIZE = 100;

/** What one delivery's turn came to. */
type Turn =
  /** Delivered, given up, no longer pending, or no longer this job's. */
  | { kind: 'settled' }
  /** Not tried (a limit, or an earlier delivery of its record goes first): look again in `waitMs`; no attempt used. */
  | { kind: 'held'; waitMs: number }
  /** Tried and failed: the next attempt in `delayMs`. */
  | { kind: 'retry'; delayMs: number; error: string }
  /** Tried and failed for good. */
  | { kind: 'failed'; error: string };

interface DeliveryJob {
  name: string;
  data: WebhookDeliveryPayload;
  opts: JobsOptions;
}

/** A failed attempt, carrying the delay chosen for the next one (so the queue and the attempt log agree). */
class AttemptFailed extends Error {
  constructor(
    message: string,
    readonly nextDelayMs: number,
  ) {
    super(message);
  }
}

/**
 * Delivers webhook deliveries: signed POSTs, every attempt recorded in PostgreSQL, retries on the configured
 * table. The relay's deliveries go to the queue in batches of one webhook's (one BullMQ job each, its id the
 * batch's, written on each delivery); a retry, a replay or a test is a job of its own, its id the delivery's.
 * Either way enqueueing twice is harmless, and a delivery belongs to one job at a time: a batch job lets go of
 * a delivery once it has attempted it. At most WEBHOOK_WORKER_CONCURRENCY attempts run at once per process.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly http: PostOptions;
  /** Decrypting a secret per delivery showed in profiles; keyed by the sealed form, so a rotation is picked up at once. */
  private readonly openedSecrets: BoundedMemo<string>;
  /** Parsing and checking a URL literal per delivery showed too; DNS answers are still checked per connection. */
  private readonly allowedUrls: BoundedMemo<URL>;
  private readonly attempts: number;
  private readonly limiter: WebhookLimiter;
  private readonly inFlight: Semaphore;
  private stopSweeper?: () => void;
  private lastLimitStoreWarning = 0;

  constructor(
    private readonly queues: QueueService,
    private readonly deliveries: DeliveryRepository,
    private readonly outbox: EventOutbox,
    private readonly transactions: Transactions,
    secrets: SecretBox,
    guard: OutboundGuard,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    @Inject(WEBHOOK_LIMIT_STORE) limitStore: WebhookLimitStore,
  ) {
    this.attempts = maxAttempts(config.webhookRetryScheduleSeconds);
    this.inFlight = new Semaphore(config.webhookWorkerConcurrency);
    this.limiter = new WebhookLimiter({
      maxConcurrent: config.webhookMaxConcurrency,
      perSecond: config.webhookRateLimitPerSecond,
      store: limitStore,
      onStoreError: (error) => this.limitStoreFailed(error),
    });
    this.openedSecrets = new BoundedMemo(MEMO_MAX, (sealed) => secrets.open(sealed));
    this.allowedUrls = new BoundedMemo(MEMO_MAX, (url) => guard.assertUrlAllowed(url));
    this.http = {
      agents: { http: guard.httpAgent, https: guard.httpsAgent },
      timeoutMs: TIMEOUT_MS,
      keepBytes: EXCERPT_BYTES,
    };
  }

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.queues.worker<WebhookDeliveryPayload>(QueueName.WebhookDeliveries, (job, token) => this.process(job, token), {
      concurrency: this.config.webhookWorkerConcurrency,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
          error instanceof AttemptFailed
            ? error.nextDelayMs
            : retryDelayMs(this.config.webhookRetryScheduleSeconds, attemptsMade, null),
      },
    });
    this.stopSweeper = repeatInBackground(SWEEP_INTERVAL_MS, this.logger, 'sweep', () => this.requeueOverdue());
  }

  onModuleDestroy(): void {
    this.stopSweeper?.();
  }

  /** Queues each delivery under the job that owns it: its batch's (one job per batch), or its own. */
  async enqueue(deliveries: DeliveryRef[]): Promise<void> {
    if (deliveries.length === 0) return;
    const batches = new Map<string, WebhookDeliveryBatchPayload>();
    const jobs: DeliveryJob[] = [];
    for (const { id, webhook_id, dispatch_batch_id } of deliveries) {
      if (dispatch_batch_id === null) {
        jobs.push({ name: 'deliver', data: { deliveryId: id, webhookId: webhook_id }, opts: this.jobOptions(id) });
        continue;
      }
      const batch = batches.get(dispatch_batch_id);
      if (batch) batch.deliveryIds.push(id);
      else batches.set(dispatch_batch_id, { webhookId: webhook_id, batchId: dispatch_batch_id, deliveryIds: [id] });
    }
    // Prefixed: a batch is named after its first delivery, whose retry job has the delivery's id.
    for (const data of batches.values())
      jobs.push({ name: 'deliver-batch', data, opts: this.jobOptions(`batch-${data.batchId}`) });
    await this.queues.queue(QueueName.WebhookDeliveries).addBulk(jobs);
  }

  /** The attempt log in PostgreSQL is the record; finished jobs go, so a delivery can be queued again later. */
  private jobOptions(jobId: string, attemptsBefore = 0, delay?: number): JobsOptions {
    return {
      jobId,
      attempts: this.attempts - attemptsBefore,
      backoff: { type: 'schedule' },
      delay,
      removeOnComplete: true,
      removeOnFail: true,
    };
  }

  /**
   * Frees a delivery's job id (the job id is the delivery id) so it can be enqueued again: true when no job
   * holds it any more, false when its job is running right now. A delivery its batch still owns (`batchId`)
   * is false while that batch runs; a waiting batch skips it once it is queued alone (its batch cleared).
   */
  async releaseJob(deliveryId: string, batchId: string | null = null): Promise<boolean> {
    const queue = this.queues.queue(QueueName.WebhookDeliveries);
    if (batchId !== null && (await queue.getJobState(`batch-${batchId}`)) === 'active') return false;
    if ((await queue.remove(deliveryId)) === 1) return true;
    return (await queue.getJobState(deliveryId)) === 'unknown';
  }

  private async process(job: Job<WebhookDeliveryPayload>, token?: string): Promise<void> {
    if ('deliveryIds' in job.data) return this.processBatch(job, job.data, token);
    const { deliveryId, webhookId, attemptsBefore = 0 } = job.data;
    const turn = await this.inFlight.run(() =>
      this.turn(deliveryId, webhookId, attemptsBefore + job.attemptsMade + 1, null),
    );
    if (turn.kind === 'held') return this.holdBack(job, token, turn.waitMs);
    if (turn.kind === 'failed') throw new UnrecoverableError(turn.error);
    if (turn.kind === 'retry') throw new AttemptFailed(turn.error, turn.delayMs);
  }

  /**
   * The first attempts of a batch, concurrently (within the process's attempts in flight). A delivery that
   * failed is retried by a job of its own; those held back stay in this job, which waits and looks again.
   */
  private async processBatch(
    job: Job<WebhookDeliveryPayload>,
    { webhookId, batchId, deliveryIds }: WebhookDeliveryBatchPayload,
    token?: string,
  ): Promise<void> {
    const turns = await Promise.allSettled(
      deliveryIds.map((id) => this.inFlight.run(() => this.turn(id, webhookId, 1, batchId))),
    );
    const held: string[] = [];
    let waitMs = Infinity;
    const retries: DeliveryJob[] = [];
    const failures: unknown[] = [];
    for (const [i, settled] of turns.entries()) {
      const deliveryId = deliveryIds[i];
      if (settled.status === 'rejected') failures.push(settled.reason);
      else if (settled.value.kind === 'held') {
        held.push(deliveryId);
        waitMs = Math.min(waitMs, settled.value.waitMs);
      } else if (settled.value.kind === 'retry') {
        retries.push({
          name: 'deliver',
          data: { deliveryId, webhookId, attemptsBefore: 1 },
          opts: this.jobOptions(deliveryId, 1, settled.value.delayMs),
        });
      }
    }
    // A retry job lost here (the queue failed) is queued again by the sweeper once its delivery is overdue.
    if (retries.length > 0) await this.queues.queue(QueueName.WebhookDeliveries).addBulk(retries);
    // Deliveries that failed to load or record go round again with the whole job (a re-run skips the attempted).
    if (failures.length > 0) throw failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
    if (held.length > 0) {
      await job.updateData({ webhookId, batchId, deliveryIds: held });
      await this.holdBack(job, token, waitMs);
    }
  }

  /**
   * One delivery's turn: its webhook's limits, then its target, its order and its attempt. `batchId` is the
   * batch job running it (null: the delivery's own job), which skips a delivery it no longer owns.
   */
  private async turn(
    deliveryId: string,
    webhookId: string,
    attemptOfJob: number,
    batchId: string | null,
  ): Promise<Turn> {
    // The webhook's limits first, from the job alone: a held-back delivery costs no database round trip.
    const slot = await this.limiter.acquire(webhookId);
    if ('waitMs' in slot) return { kind: 'held', waitMs: slot.waitMs };
    try {
      const target = await this.deliveries.loadTarget(deliveryId);
      // Delivered, given up, deleted with its webhook, or (a batch's) attempted already and retried by its own job.
      if (!target || target.status !== 'PENDING' || (batchId !== null && target.dispatch_batch_id !== batchId))
        return SETTLED;
      // In order per record (and a sync's completion after its data): look again later, no attempt used.
      if (target.waits_for_earlier) return { kind: 'held', waitMs: orderRecheckDelay(target.earlier_due_at) };
      if (!target.active) {
        await this.deliveries.markFailed(target.delivery_id);
        return SETTLED;
      }
      const capped = await slot.start(target.receiver_slow);
      if (capped) return { kind: 'held', waitMs: capped.waitMs };
      return await this.attempt(target, attemptOfJob);
    } finally {
      slot.release();
    }
  }

  /** The limits' store is away: attempts go ahead unlimited meanwhile; said at most once a minute. */
  private limitStoreFailed(error: Error): void {
    if (Date.now() - this.lastLimitStoreWarning < LIMIT_STORE_WARNING_INTERVAL_MS) return;
    this.lastLimitStoreWarning = Date.now();
    this.logger.warn(`webhook limits not enforced: their store failed (${error.message})`);
  }

  /** Puts the job back for a while without spending one of its attempts. */
  private async holdBack(job: Job, token: string | undefined, delayMs: number): Promise<never> {
    await job.moveToDelayed(
      Date.now() + delayMs + Math.floor(Math.random() * Math.min(delayMs, ORDER_RECHECK_MS)),
      token,
    );
    throw new DelayedError();
  }

  /**
   * One signed POST. `attemptOfJob` counts the tries since the delivery was last queued (its batch's first one,
   * then its own job's) and decides retries and giving up, so a delivery sent again (retry, replay) gets the
   * whole schedule; the database numbers the delivery's log.
   */
  private async attempt(target: DispatchTarget, attemptOfJob: number): Promise<Turn> {
    const body = deliveryBodyOfText(target.payload);
    const secrets = [this.openedSecrets.get(target.secret_encrypted)];
    if (
      target.previous_secret_encrypted &&
      target.previous_secret_expires_at &&
      target.previous_secret_expires_at.getTime() > Date.now()
    ) {
      secrets.push(this.openedSecrets.get(target.previous_secret_encrypted));
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'user-agent': 'Latchkey-Webhooks/1.0' };
    // Custom headers that would steer the delivery are refused at create and update; stored ones are dropped here.
    const droppedHeaders = addSendableHeaders(headers, target.headers);
    Object.assign(
      headers,
      { 'content-type': 'application/json' },
      signedHeaders(secrets, target.delivery_id, timestamp, body),
    );

    const startedAt = new Date();
    let statusCode: number | null = null;
    let excerpt: string | null = null;
    let error: string | null = null;
    let retryAfterMs: number | null = null;
    try {
      const response = await postBody(this.allowedUrls.get(target.url), body, headers, this.http);
      statusCode = response.status;
      excerpt = response.body.toString('utf8');
      if (statusCode === 429 || statusCode === 503) retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      if (statusCode < 200 || statusCode >= 300)
        error =
          statusCode >= 300 && statusCode < 400 ? `redirect (HTTP ${statusCode}) not followed` : `HTTP ${statusCode}`;
    } catch (e) {
      error = describeError(e);
    }
    const durationMs = Date.now() - startedAt.getTime();
    const succeeded = error === null;
    this.metrics.webhookAttempt(
      target.webhook_id,
      succeeded,
      target.attempt_count === 0 ? (startedAt.getTime() - target.created_at.getTime()) / 1000 : null,
    );
    const gone = statusCode === 410;
    const final = !succeeded && (gone || attemptOfJob >= this.attempts);
    const nextDelayMs =
      succeeded || final ? null : retryDelayMs(this.config.webhookRetryScheduleSeconds, attemptOfJob, retryAfterMs);
    const nextAttemptAt = nextDelayMs === null ? null : new Date(Date.now() + nextDelayMs);
    await this.deliveries.recordAttempt(
      {
        deliveryId: target.delivery_id,
        webhookId: target.webhook_id,
        startedAt,
        durationMs,
        statusCode,
        responseExcerpt: excerpt,
        error,
        nextAttemptAt,
        droppedHeaders,
      },
      succeeded ? 'SUCCEEDED' : final ? 'FAILED' : 'PENDING',
    );
    const failingSince = succeeded ? null : (target.failing_since ?? startedAt);
    if (gone) await this.deactivate(target, 'the receiver answered 410 Gone');
    else if (failingSince && Date.now() - failingSince.getTime() >= this.config.webhookDisableAfterMs) {
      await this.deactivate(target, `every attempt failed since ${failingSince.toISOString()}`);
    }
    if (final) return { kind: 'failed', error: error! };
    if (!succeeded) return { kind: 'retry', delayMs: nextDelayMs!, error: error! };
    return SETTLED;
  }

  /**
   * Turns the webhook off and reports it with an operational JOB_FAILURE event in the same transaction,
   * once: only the call that actually flips `active` writes the event.
   */
  private async deactivate(target: DispatchTarget, reason: string): Promise<void> {
    const turnedOff = await this.transactions.runSql(async (tx) => {
      const organizationId = await this.deliveries.deactivate(tx, target.webhook_id, reason);
      if (organizationId === null) return false;
      const webhook = { webhookId: target.webhook_id, url: target.url, deliveryId: target.delivery_id };
      await this.outbox.append(tx, [webhookDeactivatedEvent(organizationId, webhook, reason)]);
      return true;
    });
    if (turnedOff) this.logger.warn(`webhook ${target.webhook_id} deactivated: ${reason}`);
  }

  /** Re-enqueues deliveries whose job was lost (a crash between commit and enqueue); job ids make it idempotent. */
  private async requeueOverdue(): Promise<void> {
    const overdue = await this.deliveries.overdue(OVERDUE_AFTER_MS, 1000);
    if (overdue.length > 0) {
      this.logger.debug(`re-enqueueing ${overdue.length} overdue deliveries`);
      await this.enqueue(overdue);
    }
  }
}

const SETTLED: Turn = { kind: 'settled' };

/** Looks again when the delivery it waits for is next tried (not every 250 ms through an hour-long retry delay). */
function orderRecheckDelay(earlierDueAt: Date | null): number {
  const untilDue = earlierDueAt ? earlierDueAt.getTime() - Date.now() : 0;
  return Math.min(ORDER_RECHECK_MAX_MS, Math.max(ORDER_RECHECK_MS, untilDue));
}

function describeError(e: unknown): string {
  const err = e as { code?: string; message?: string; name?: string };
  if (e instanceof RequestTimeoutError) return e.message;
  if (err.name === 'OutboundBlockedError' || err.code === 'OUTBOUND_BLOCKED') return err.message ?? 'blocked';
  return err.code ? `${err.code}: ${err.message}` : (err.message ?? String(e));
}

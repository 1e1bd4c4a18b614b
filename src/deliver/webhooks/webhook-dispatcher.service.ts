import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { BoundedMemo } from '../../platform/common/bounded-memo';
import { SecretBox } from '../../platform/common/crypto/secret-box';
import { repeatInBackground } from '../../platform/common/repeat-in-background';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { Transactions } from '../../platform/database/transactions';
import { OutboundGuard } from '../../platform/outbound/outbound-guard';
import { postBody, RequestTimeoutError, type PostOptions } from '../../platform/outbound/post-body';
import { QueueName, type WebhookDeliveryPayload } from '../../platform/queue/queue-names';
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
 * Delivers webhook deliveries: one BullMQ job per delivery (job id = delivery id, so enqueueing twice is
 * harmless), signed POST, every attempt recorded in PostgreSQL, retries on the configured table.
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

  async enqueue(deliveries: DeliveryRef[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.queues.queue(QueueName.WebhookDeliveries).addBulk(
      deliveries.map(({ id, webhook_id }) => ({
        name: 'deliver',
        data: { deliveryId: id, webhookId: webhook_id },
        // The attempt log in PostgreSQL is the record; finished jobs go, so a delivery can be queued again later.
        opts: {
          jobId: id,
          attempts: this.attempts,
          backoff: { type: 'schedule' },
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }

  /**
   * Frees a delivery's job id (the job id is the delivery id) so it can be enqueued again: true when no job
   * holds it any more, false when its job is running right now.
   */
  async releaseJob(deliveryId: string): Promise<boolean> {
    const queue = this.queues.queue(QueueName.WebhookDeliveries);
    if ((await queue.remove(deliveryId)) === 1) return true;
    return (await queue.getJobState(deliveryId)) === 'unknown';
  }

  private async process(job: Job<WebhookDeliveryPayload>, token?: string): Promise<void> {
    // The webhook's limits first, from the job alone: a held-back job costs no database round trip.
    const slot = await this.limiter.acquire(job.data.webhookId);
    if ('waitMs' in slot) return this.holdBack(job, token, slot.waitMs);
    try {
      const target = await this.deliveries.loadTarget(job.data.deliveryId);
      if (!target || target.status !== 'PENDING') return; // delivered, given up, or deleted with its webhook
      // In order per record (and a sync's completion after its data): look again later, no attempt used.
      if (target.waits_for_earlier) return await this.holdBack(job, token, orderRecheckDelay(target.earlier_due_at));
      if (!target.active) return await this.deliveries.markFailed(target.delivery_id);
      await this.attempt(target, job.attemptsMade + 1);
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
   * One signed POST. `attemptOfJob` counts this job's tries and decides retries and giving up, so a
   * delivery sent again (retry, replay) gets the whole schedule; the database numbers the delivery's log.
   */
  private async attempt(target: DispatchTarget, attemptOfJob: number): Promise<void> {
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
    if (final) throw new UnrecoverableError(error!);
    if (!succeeded) throw new AttemptFailed(error!, nextDelayMs!);
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

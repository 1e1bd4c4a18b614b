import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bullmq';
import { iso } from '../../catalogue/record-presenter';
import { AppError } from '../../platform/common/errors/app-error';
import { pageOf, type ListQueryDto } from '../../platform/common/http/list-query.dto';
import { repeatInBackground } from '../../platform/common/repeat-in-background';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { eventRetentionCutoff } from '../../emit/event-retention.service';
import { EventOutbox } from '../../emit/outbox.service';
import { Transactions } from '../../platform/database/transactions';
import { QueueName, type WebhookReplayPayload } from '../../platform/queue/queue-names';
import { QueueService } from '../../platform/queue/queue.service';
import type { ReplayWebhookDto } from './webhook-delivery.dto';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookReplayRepository, type ReplayRow } from './webhook-replay.repository';
import { assertWebhookActive, InactiveWebhookError } from './webhook-state';
import { WebhookRepository, type WebhookRow } from './webhook.repository';

/** Events a replay makes due per transaction (and per enqueue). */
const REPLAY_BATCH = 1000;
/** Worker attempts of a replay before a transient failure (the database away) fails it; each resumes where the last stopped. */
const REPLAY_ATTEMPTS = 5;
const REPLAY_RETRY_BASE_MS = 2000;
/** Replays run one at a time per worker process: each is a loop of set-based statements. */
const WORKER_CONCURRENCY = 1;
const SWEEP_INTERVAL_MS = 30_000;
/** A replay whose row has not moved for this long may have lost its job (a crash between commit and enqueue). */
const LOST_AFTER_MS = 60_000;
const SORTABLE = ['created_at', 'status', 'id'];

/**
 * Replays of a webhook's events (extension, API.md §5). The request writes a row and queues a job (job id =
 * replay id); a worker sends again every event of the organization committed in [since, until) that the
 * webhook matches, in sequence order, batch by batch: events it never had a delivery for get one, delivered
 * and failed deliveries are made due again, and pending ones keep their schedule. Each batch commits with the
 * replay's progress, so a worker killed mid-replay is replaced (BullMQ's stalled-job check) by one that
 * resumes after the last committed batch. Events of one record reach the webhook in order as ever: the
 * dispatcher holds a delivery while an earlier one of its record is pending.
 */
@Injectable()
export class WebhookReplayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private stopSweeper?: () => void;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly replays: WebhookReplayRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly outbox: EventOutbox,
    private readonly transactions: Transactions,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.queues.worker<WebhookReplayPayload>(QueueName.WebhookReplays, (job) => this.process(job), {
      concurrency: WORKER_CONCURRENCY,
    });
    this.stopSweeper = repeatInBackground(SWEEP_INTERVAL_MS, this.logger, 'replay sweep', () => this.requeueLost());
  }

  onModuleDestroy(): void {
    this.stopSweeper?.();
  }

  /** Checks the window, writes the replay and queues its job: 202 with the replay, QUEUED. */
  async request(organizationId: string, webhookId: string, dto: ReplayWebhookDto) {
    const webhook = await this.requireWebhook(organizationId, webhookId);
    const since = new Date(dto.since);
    const until = dto.until ? new Date(dto.until) : new Date();
    if (since.getTime() >= until.getTime()) {
      throw AppError.invalid(
        'since must be before until',
        dto.until ? { until: ['must be after since'] } : { since: ['must be in the past (until defaults to now)'] },
      );
    }
    assertWebhookActive(webhook);
    const kept = eventRetentionCutoff(this.config.eventRetentionDays);
    if (kept && since.getTime() < kept.getTime()) {
      const why = `must be ${kept.toISOString()} or later: events are kept ${this.config.eventRetentionDays} days (EVENT_RETENTION_DAYS), older ones are pruned`;
      throw AppError.invalid(`since ${why}`, { since: [why] });
    }
    const replay = await this.replays.create(organizationId, webhookId, since, until);
    await this.enqueue(replay.id);
    return present(replay);
  }

  async get(organizationId: string, webhookId: string, replayId: string) {
    await this.requireWebhook(organizationId, webhookId);
    const replay = await this.replays.find(organizationId, webhookId, replayId);
    if (!replay) throw AppError.notFound('Replay', replayId);
    return present(replay);
  }

  async list(organizationId: string, webhookId: string, query: ListQueryDto) {
    await this.requireWebhook(organizationId, webhookId);
    return pageOf(query, SORTABLE, (page) => this.replays.list(organizationId, webhookId, page), present);
  }

  private async process(job: Job<WebhookReplayPayload>): Promise<void> {
    const replay = await this.replays.start(job.data.replayId);
    if (!replay) return; // ended already, or deleted with its webhook
    try {
      await this.run(replay);
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof InactiveWebhookError || job.attemptsMade + 1 >= REPLAY_ATTEMPTS) {
        this.logger.warn(
          `replay ${replay.id} of webhook ${replay.webhook_id} failed after ${replay.attempts} attempt(s): ${message}`,
        );
        await this.replays.finish(replay.id, 'FAILED', message);
        return;
      }
      this.logger.warn(
        `replay ${replay.id} of webhook ${replay.webhook_id}: attempt ${replay.attempts} failed, will resume: ${message}`,
      );
      await this.replays.noteError(replay.id, message);
      throw error;
    }
    await this.replays.finish(replay.id, 'SUCCEEDED', null);
  }

  /** The batches from where the replay stands (its first start fixes the window's sequence range). */
  private async run(replay: ReplayRow): Promise<void> {
    const webhook = await this.webhooks.find(replay.organization_id, replay.webhook_id);
    if (!webhook) return; // deleted meanwhile: its replays went with it
    assertWebhookActive(webhook); // the dispatcher would fail every delivery of an inactive webhook unsent
    const range =
      replay.last_sequence === null
        ? await this.replays.fixRange(replay)
        : { through: replay.through_sequence!, last: replay.last_sequence };
    if (!range) return; // no event in the window
    for (let through = range.through; through < range.last;) {
      const batch = await this.transactions.runSql(async (tx) => {
        await this.outbox.holdRetention(tx);
        return this.replays.advance(tx, replay, through, range.last, REPLAY_BATCH);
      });
      // A failed delivery's job may still hold its id (a stalled one failed by the queue); free it first.
      await Promise.all(batch.failed.map((id) => this.dispatcher.releaseJob(id)));
      await this.dispatcher.enqueue(
        batch.enqueue.map((id) => ({ id, webhook_id: replay.webhook_id, dispatch_batch_id: null })),
      );
      through = batch.throughSequence;
    }
  }

  private async enqueue(replayId: string): Promise<void> {
    const data: WebhookReplayPayload = { replayId };
    await this.queues.queue(QueueName.WebhookReplays).add('replay', data, {
      jobId: replayId,
      attempts: REPLAY_ATTEMPTS,
      backoff: { type: 'exponential', delay: REPLAY_RETRY_BASE_MS },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  /**
   * Replays that stopped moving: queued again when their job is gone (a crash between commit and enqueue;
   * adding an existing job id is a no-op), failed when their job failed without saying so on the row.
   */
  private async requeueLost(): Promise<void> {
    const queue = this.queues.queue(QueueName.WebhookReplays);
    for (const replayId of await this.replays.stalledSince(new Date(Date.now() - LOST_AFTER_MS))) {
      const job = await queue.getJob(replayId);
      if (!job) await this.enqueue(replayId);
      else if (await job.isFailed())
        await this.replays.finish(replayId, 'FAILED', job.failedReason || "the replay's worker job failed");
    }
  }

  private async requireWebhook(organizationId: string, webhookId: string): Promise<WebhookRow> {
    const webhook = await this.webhooks.find(organizationId, webhookId);
    if (!webhook) throw AppError.notFound('Webhook', webhookId);
    return webhook;
  }
}

/** A replay as the API shows it. */
function present(row: ReplayRow) {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    status: row.status,
    since: row.since.toISOString(),
    until: row.until.toISOString(),
    replayed: row.replayed,
    already_pending: row.already_pending,
    last_sequence: row.last_sequence === null ? null : Number(row.last_sequence),
    through_sequence: row.through_sequence === null ? null : Number(row.through_sequence),
    attempts: row.attempts,
    error: row.error,
    created_at: row.created_at.toISOString(),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
  };
}

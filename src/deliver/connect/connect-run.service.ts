import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { repeatInBackground } from '../../platform/common/repeat-in-background';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { Transactions } from '../../platform/database/transactions';
import { QueueName, type ConnectRunPayload } from '../../platform/queue/queue-names';
import { QueueService } from '../../platform/queue/queue.service';
import { ConnectRunRepository } from './connect-run.repository';
import { nextCronTime, type RunTrigger } from './connect-schedule';

const SCHEDULER_TICK_MS = 5_000;
const SWEEP_INTERVAL_MS = 30_000;
/** A running run older than this whose queue job is gone was lost between commit and enqueue. */
const LOST_RUN_AFTER_MS = 60_000;

/**
 * Starts connection runs: a run row first (RUNNING, or QUEUED behind the running one), then its queue job,
 * whose id is the run's id. On workers, a scheduler tick starts due cron runs and a sweeper re-enqueues
 * runs whose job was lost.
 */
@Injectable()
export class ConnectRunService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Connect');
  private readonly stopTimers: Array<() => void> = [];

  constructor(
    private readonly transactions: Transactions,
    private readonly runs: ConnectRunRepository,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.stopTimers.push(
      repeatInBackground(SCHEDULER_TICK_MS, this.logger, 'scheduler', () => this.startDueRuns()),
      repeatInBackground(SWEEP_INTERVAL_MS, this.logger, 'sweep', () => this.requeueLost()),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stopTimers) stop();
  }

  /** A manual run: now, or right after the connection's running one. */
  async requestManualRun(organizationId: string, connectionId: string): Promise<string> {
    const requested = await this.runs.withConnectionLock(connectionId, (tx) =>
      this.runs.requestRun(tx, organizationId, connectionId, 'manual'),
    );
    if (requested.start) await this.enqueue(requested.runId);
    this.logger.log(
      `connection ${connectionId}: manual run ${requested.runId} ${requested.start ? 'started' : 'queued behind the running one'}`,
    );
    return requested.runId;
  }

  /**
   * Starts (or queues) the cron runs that are due and books each connection's next time, counted from now:
   * times missed while no worker ran collapse into one run.
   */
  async startDueRuns(): Promise<void> {
    const requested = await this.transactions.run(async (tx) => {
      const out: Array<{ connectionId: string; runId: string; start: boolean; trigger: RunTrigger }> = [];
      for (const connection of await this.runs.lockDue(tx, 50)) {
        await this.runs.setNextRun(tx, connection.id, nextCronTime(connection.schedule_cron, new Date()));
        out.push({
          connectionId: connection.id,
          trigger: 'cron',
          ...(await this.runs.requestRun(tx, connection.organization_id, connection.id, 'cron')),
        });
      }
      return out;
    });
    for (const r of requested) {
      if (r.start) await this.enqueue(r.runId);
      this.logger.log(
        `connection ${r.connectionId}: cron run ${r.runId} ${r.start ? 'started' : 'queued behind the running one'}`,
      );
    }
  }

  /** Ends a run and starts the one queued behind it. */
  async finish(runId: string, status: 'SUCCEEDED' | 'FAILED', error: string | null): Promise<void> {
    const next = await this.runs.finishRun(runId, status, error);
    if (next) await this.enqueue(next);
  }

  private async enqueue(runId: string): Promise<void> {
    const data: ConnectRunPayload = { runId };
    await this.queues.queue(QueueName.ConnectRuns).add('run', data, {
      jobId: runId,
      attempts: this.config.connectRunAttempts,
      backoff: { type: 'exponential', delay: this.config.connectRetryBaseMs },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  /** Re-enqueues running runs whose job is gone (a crash between commit and enqueue); adding an existing job id is a no-op. */
  private async requeueLost(): Promise<void> {
    const queue = this.queues.queue(QueueName.ConnectRuns);
    for (const runId of await this.runs.runningSince(new Date(Date.now() - LOST_RUN_AFTER_MS))) {
      const job = await queue.getJob(runId);
      if (!job) await this.enqueue(runId);
      else if (await job.isFailed())
        await this.finish(runId, 'FAILED', job.failedReason || "the run's worker job failed");
    }
  }
}

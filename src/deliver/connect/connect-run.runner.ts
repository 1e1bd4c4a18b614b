import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { QueueName, type ConnectRunPayload } from '../../platform/queue/queue-names';
import { QueueService } from '../../platform/queue/queue.service';
import { ConnectRunRepository } from './connect-run.repository';
import { ConnectRunService } from './connect-run.service';
import { ReplicationEngine, StreamFailure } from './replication-engine';
import { describeFailure, isPersistentFailure } from './replication-failures';

/** Runs per worker process at once (each holds one destination connection). */
const WORKER_CONCURRENCY = 2;

/**
 * Executes connection runs on workers. A transient failure (connection reset, timeout, destination down)
 * is thrown back to BullMQ, which retries with exponential backoff; the next attempt resumes from the
 * committed cursors. A persistent one (authentication, permissions, invalid configuration), or the last
 * attempt's failure, fails the run at once with the error on the run and its stream.
 */
@Injectable()
export class ConnectRunRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('Connect');

  constructor(
    private readonly queues: QueueService,
    private readonly runs: ConnectRunRepository,
    private readonly runService: ConnectRunService,
    private readonly engine: ReplicationEngine,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.queues.worker<ConnectRunPayload>(QueueName.ConnectRuns, (job) => this.process(job), {
      concurrency: WORKER_CONCURRENCY,
    });
  }

  private async process(job: Job<ConnectRunPayload>): Promise<void> {
    const run = await this.runs.startAttempt(job.data.runId);
    if (!run) return; // ended already, or its connection was deleted
    try {
      await this.engine.replicate(run);
    } catch (error) {
      const cause = error instanceof StreamFailure ? error.cause : error;
      const message = `${error instanceof StreamFailure ? `${error.stream}: ` : ''}${describeFailure(cause)}`;
      if (isPersistentFailure(cause) || run.attempts >= this.config.connectRunAttempts) {
        this.logger.warn(
          `run ${run.runId} of connection ${run.connectionId} failed after ${run.attempts} attempt(s): ${message}`,
        );
        await this.runService.finish(run.runId, 'FAILED', message);
        return;
      }
      this.logger.warn(
        `run ${run.runId} of connection ${run.connectionId}: attempt ${run.attempts} failed, will retry: ${message}`,
      );
      await this.runs.noteAttemptError(run.runId, error instanceof StreamFailure ? error.stream : null, message);
      throw error;
    }
    await this.runService.finish(run.runId, 'SUCCEEDED', null);
    this.logger.log(`run ${run.runId} of connection ${run.connectionId} succeeded`);
  }
}

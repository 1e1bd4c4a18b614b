import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  createPostgresBackend,
  Queue,
  runMigrations,
  Worker,
  type Job,
  type Processor,
  type WorkerOptions,
} from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import type { QueueName } from './queue-names';

export type QueueBackendKind = 'redis' | 'postgres';

/**
 * Builds BullMQ queues and workers on the configured backend: Redis when REDIS_URL is set, else
 * BullMQ's PostgreSQL backend in the app's own database. The rest of the app never knows which.
 */
@Injectable()
export class QueueService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(QueueService.name);
  readonly backend: QueueBackendKind;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  /** Jobs this process is running, with their lock tokens: what a shutdown hands back if they overrun. */
  private readonly running = new Map<Job, { token: string | undefined; handBack?: (job: Job) => Promise<void> }>();
  private redis?: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: RuntimeConfig) {
    this.backend = config.redisUrl ? 'redis' : 'postgres';
  }

  /** Runs before the modules that build workers (they import QueueModule, so Nest initialises it first). */
  async onModuleInit(): Promise<void> {
    await this.prepare();
  }

  /** Creates BullMQ's own tables on the PostgreSQL backend (idempotent, safe from many processes). */
  async prepare(): Promise<void> {
    if (this.backend !== 'postgres') return;
    const client = new Client({ connectionString: this.config.databaseUrl });
    await client.connect();
    try {
      await runMigrations(client);
    } finally {
      await client.end();
    }
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      const created: Queue =
        this.backend === 'redis'
          ? new Queue(name, { connection: this.sharedRedis() })
          : (new Queue(name, { connection: this.postgresConnection(5) }, createPostgresBackend) as unknown as Queue);
      created.on('error', (error) => this.logger.error(`queue ${name}: ${error.message}`));
      this.queues.set(name, created);
      queue = created;
    }
    return queue;
  }

  /** `handBack` runs for each job a shutdown hands back, before the queue gets it: the processor is still running. */
  worker<T>(
    name: QueueName,
    processor: Processor<T>,
    options: Omit<WorkerOptions, 'connection'>,
    handBack?: (job: Job<T>) => Promise<void>,
  ): Worker<T> {
    const tracked: Processor<T> = async (job, token, signal) => {
      this.running.set(job as Job, { token, handBack: handBack as ((job: Job) => Promise<void>) | undefined });
      try {
        return await processor(job, token, signal);
      } finally {
        this.running.delete(job as Job);
      }
    };
    const worker =
      this.backend === 'redis'
        ? new Worker<T>(name, tracked, {
            ...options,
            connection: new Redis(this.config.redisUrl!, { maxRetriesPerRequest: null }),
          })
        : new Worker<T>(
            name,
            tracked,
            { ...options, connection: this.postgresConnection(Math.min(20, (options.concurrency ?? 1) + 2)) },
            createPostgresBackend as never,
          );
    worker.on('error', (error) => this.logger.error(`worker ${name}: ${error.message}`));
    this.workers.push(worker as Worker);
    return worker;
  }

  /**
   * Shutdown: workers stop taking jobs and get SHUTDOWN_TIMEOUT_SECONDS to finish the running ones; jobs still
   * running then go back to waiting (another worker, or this one restarted, runs them again: every job is
   * idempotent) and the workers close without waiting. Only then do the connections go.
   */
  async onModuleDestroy(): Promise<void> {
    const finished = await within(
      Promise.allSettled(this.workers.map((w) => w.pause())),
      this.config.shutdownTimeoutMs,
    );
    if (!finished) {
      this.logger.warn(
        `${this.running.size} job(s) still running after ${this.config.shutdownTimeoutMs / 1000} s: handing them back to the queue`,
      );
      await Promise.allSettled(
        [...this.running].map(async ([job, { token, handBack }]) => {
          await handBack?.(job).catch((e: Error) => this.logger.error(`handing back job ${job.id}: ${e.message}`));
          await job.moveToWait(token);
        }),
      );
    }
    await Promise.allSettled(this.workers.map((w) => w.close(!finished)));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    if (this.redis) await this.redis.quit().catch(() => undefined);
  }

  private sharedRedis(): Redis {
    this.redis ??= new Redis(this.config.redisUrl!, { maxRetriesPerRequest: null });
    return this.redis;
  }

  private postgresConnection(max: number) {
    return { connectionString: this.config.databaseUrl, max } as never;
  }
}

/** Whether `work` settled within `ms` (it is not cancelled either way). */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import type { Client } from 'pg';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import { WorkerLeaseRepository } from './worker-lease.repository';

const RECONNECT_DELAY_MS = 1_000;

/**
 * This worker process's lease: a session-level PostgreSQL advisory lock held on a connection of its own for as
 * long as the process lives. The sync jobs it runs carry the lease id (`sync_jobs.worker_lease`), so any process
 * can tell a job whose worker is gone (killed or crashed: its connection closed and PostgreSQL released the
 * lock) from one whose worker is alive, however long that worker is busy: nothing to renew, no timeout to tune.
 */
@Injectable()
export class WorkerLease implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('WorkerLease');
  private client?: Client;
  private held?: number;
  private closing = false;

  constructor(
    private readonly leases: WorkerLeaseRepository,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /** The lease id of this process; only worker processes hold one. */
  get id(): number {
    if (this.held === undefined) throw new Error('this process holds no worker lease (it runs no workers)');
    return this.held;
  }

  async onModuleInit(): Promise<void> {
    if (this.config.role === 'api') return;
    await this.acquire();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.client?.end().catch(() => undefined);
  }

  /**
   * Takes a lease id nobody holds and no running job names (a dead worker's id stays unused while its jobs wait
   * to be handed back). After a lost connection the process takes its own id back: its jobs still name it.
   */
  private async acquire(): Promise<void> {
    const client = await this.leases.connect(this.config.databaseUrl);
    client.on('error', (error) => {
      if (this.closing) return;
      this.logger.warn(`lease connection lost (${error.message}); taking lease ${this.held} again`);
      void this.reacquire();
    });
    for (;;) {
      const own = this.held;
      const candidate = own ?? randomInt(1, 2 ** 31 - 1);
      if (await this.leases.tryTake(client, candidate, own === undefined)) {
        this.held = candidate;
        this.client = client;
        return;
      }
      // Only a worker that has just died can hold our own id a moment longer: then it is not ours to take.
      if (own !== undefined) this.held = undefined;
    }
  }

  private async reacquire(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    while (!this.closing) {
      try {
        await this.acquire();
        return;
      } catch (error) {
        this.logger.warn(`lease: ${(error as Error).message}; retrying`);
        await new Promise((r) => setTimeout(r, RECONNECT_DELAY_MS));
      }
    }
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { QueueName, type DataAccessCheckPayload } from '../../platform/queue/queue-names';
import { QueueService } from '../../platform/queue/queue.service';
import { SyncService } from '../../sync/sync.service';
import { VendorClientFactory } from '../../sync/vendor-client.factory';
import { VendorStateService } from '../../sync/vendor-state.service';
import { VendorAccessDeniedError, VendorAuthError } from '../../fetch/adapter/vendor-http';
import { VendorRegistry } from '../../fetch/registry/vendor-registry';
import { DataAccessRepository } from './data-access.repository';

/**
 * Runs a data-access check on a worker: each model's probe (the adapter's smallest read) in turn, under the
 * integration's request budget and circuit like any sync request, each verdict stored as it arrives so the
 * matrix fills in live. Credentials the vendor refuses fail every model at once, with the vendor's words.
 */
@Injectable()
export class DataAccessCheckRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('DataAccess');

  constructor(
    private readonly queues: QueueService,
    private readonly checks: DataAccessRepository,
    private readonly sync: SyncService,
    private readonly clients: VendorClientFactory,
    private readonly vendorStates: VendorStateService,
    private readonly vendors: VendorRegistry,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.queues.worker<DataAccessCheckPayload>(QueueName.DataAccessChecks, (job) => this.process(job), {
      concurrency: 4,
    });
  }

  private async process(job: Job<DataAccessCheckPayload>): Promise<void> {
    const claimedAt = new Date(job.data.claimedAt);
    const integration = await this.sync.loadIntegration(job.data.integrationId);
    const adapter = integration ? this.vendors.get(integration.vendor) : undefined;
    if (!integration || !adapter) return; // deleted meanwhile
    const { client, takeRateLimits } = this.clients.open(integration, adapter);
    let authenticated = false; // some endpoint answered with data
    let refused = false; // the vendor refused the credentials, or every call it was asked
    let refusal: string | null = null; // the vendor refused the credentials themselves
    for (const model of adapter.models) {
      let error: string | null = refusal;
      if (error === null) {
        try {
          await client.probe(model);
          authenticated = true;
        } catch (e) {
          error = (e as Error).message;
          if (e instanceof VendorAuthError) refusal = error;
          refused ||= e instanceof VendorAuthError || e instanceof VendorAccessDeniedError;
        }
      }
      if (
        !(await this.checks.recordRead(integration.id, claimedAt, model, error === null ? 'SUCCESS' : 'FAILED', error))
      )
        return; // a newer check took over
    }
    const limits = takeRateLimits();
    if (limits.length > 0) await this.vendorStates.saveRateLimits(integration.id, limits);
    // An unreachable vendor teaches nothing about the credentials: can_authenticate stays as it was.
    await this.checks.finish(integration.id, claimedAt, authenticated ? true : refused ? false : null);
    this.logger.log(
      `integration ${integration.id}: data-access check done${refusal ? ` (credentials refused: ${refusal})` : ''}`,
    );
  }
}

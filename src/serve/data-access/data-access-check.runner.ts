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
import type { DataAccessOperation } from '../../generated/prisma/enums';
import { DataAccessRepository } from './data-access.repository';
import { probedWrites, WRITE_OPERATIONS } from './access-matrix';

/**
 * Runs a data-access check on a worker, model by model: the read probe (the adapter's smallest read), then the
 * probe of each write Latchkey sends for the model (the writer's deliberately invalid request, which changes no
 * data: the vendor's validation error proves the key may write), all under the integration's request budget and
 * circuit like any sync request, each verdict stored as it arrives so the matrix fills in live. Credentials the
 * vendor refuses fail every cell at once, with the vendor's words.
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
    const learnt = {
      authenticated: false, // the vendor accepted the credentials somewhere (data, or a write's validation error)
      refused: false, // the vendor refused the credentials, or every call it was asked
      refusal: null as string | null, // the vendor refused the credentials themselves
    };
    const verdict = async (model: string, operation: DataAccessOperation, probe: () => Promise<void>) => {
      let error = learnt.refusal;
      if (error === null) {
        try {
          await probe();
          learnt.authenticated = true;
        } catch (e) {
          error = (e as Error).message;
          if (e instanceof VendorAuthError) learnt.refusal = error;
          learnt.refused ||= e instanceof VendorAuthError || e instanceof VendorAccessDeniedError;
        }
      }
      const status = error === null ? 'SUCCESS' : 'FAILED';
      return this.checks.record(integration.id, claimedAt, model, operation, status, error);
    };
    for (const model of adapter.models) {
      if (!(await verdict(model, 'READ', () => client.probe(model)))) return; // a newer check took over
      for (const operation of probedWrites(adapter, model)) {
        const writer = client.writer;
        const probe = writer
          ? () => writer.probe(model, operation)
          : () => Promise.reject(new Error(`the ${integration.vendor} client sends no writes`));
        if (!(await verdict(model, WRITE_OPERATIONS[operation], probe))) return;
      }
    }
    const limits = takeRateLimits();
    if (limits.length > 0) await this.vendorStates.saveRateLimits(integration.id, limits);
    // An unreachable vendor teaches nothing about the credentials: can_authenticate stays as it was.
    await this.checks.finish(integration.id, claimedAt, learnt.authenticated ? true : learnt.refused ? false : null);
    const refusal = learnt.refusal;
    this.logger.log(
      `integration ${integration.id}: data-access check done${refusal ? ` (credentials refused: ${refusal})` : ''}`,
    );
  }
}

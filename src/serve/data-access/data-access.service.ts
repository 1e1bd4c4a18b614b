import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppError } from '../../platform/common/errors/app-error';
import { iso } from '../../catalogue/record-presenter';
import { QueueName, type DataAccessCheckPayload } from '../../platform/queue/queue-names';
import { QueueService } from '../../platform/queue/queue.service';
import { ReadRefusals, type ReadRefusal } from '../../sync/read-refusals';
import { VendorRegistry } from '../../fetch/registry/vendor-registry';
import { accessMatrix, probedWrites, WRITE_OPERATIONS } from './access-matrix';
import { CHECK_ABANDONED_AFTER_MS, DataAccessRepository } from './data-access.repository';

/**
 * Data-access checks (POST|GET /v1/admin/integrations/{id}/data-access): a check probes each model's read and the
 * writes Latchkey sends for it on a worker, one check at a time per integration. A write is `unsupported` unless
 * `writeSupport` says Latchkey sends it to this vendor: the vendor's API lacks it (its facts), or its adapter has
 * not built it yet. The latter is `unsupported` too, not `untested`: a write there answers 400
 * `unsupported_operation`, and no check would ever test it, so the matrix says what a write would get. Once the
 * adapter builds it, the cell is `untested` until the next check probes it. A sync the vendor refuses a model's
 * read sets that read FAILED too, so the matrix never says `untested` or SUCCESS for a model the vendor has just
 * refused.
 */
@Injectable()
export class DataAccessService implements OnModuleInit {
  private readonly logger = new Logger('DataAccess');

  constructor(
    private readonly checks: DataAccessRepository,
    private readonly vendors: VendorRegistry,
    private readonly queues: QueueService,
    private readonly readRefusals: ReadRefusals,
  ) {}

  onModuleInit(): void {
    this.readRefusals.listen((refusal) => this.recordSyncRefusal(refusal));
  }

  /** A sync job was refused a model's read: the read is FAILED with the vendor's words (later syncs leave the model out). */
  private async recordSyncRefusal(refusal: ReadRefusal): Promise<void> {
    await this.checks.recordReadRefused(refusal.integrationId, refusal.model, refusal.message);
    this.logger.warn(
      `integration ${refusal.integrationId}: ${refusal.model} read FAILED in a sync: ${refusal.message}`,
    );
  }

  async begin(organizationId: string, integrationId: string): Promise<{ began_data_access: boolean }> {
    const integration = await this.require(organizationId, integrationId);
    const adapter = this.vendors.get(integration.vendor);
    if (!adapter) throw new AppError('conflict', `${integration.vendor} has no adapter in this build`);
    const probed = adapter.models.flatMap((model) =>
      probedWrites(adapter, model).map((operation) => `${model}.${WRITE_OPERATIONS[operation]}`),
    );
    const claimedAt = await this.checks.claim(integration.id, adapter.models, probed);
    if (!claimedAt) return { began_data_access: false };
    try {
      const data: DataAccessCheckPayload = { integrationId: integration.id, claimedAt: claimedAt.toISOString() };
      await this.queues.queue(QueueName.DataAccessChecks).add('check', data, {
        jobId: `${integration.id}-${claimedAt.getTime()}`,
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: 100,
      });
    } catch (error) {
      await this.checks.release(integration.id, claimedAt);
      throw error;
    }
    return { began_data_access: true };
  }

  async get(organizationId: string, integrationId: string) {
    const integration = await this.require(organizationId, integrationId);
    const adapter = this.vendors.get(integration.vendor);
    return {
      models: adapter ? accessMatrix(adapter, await this.checks.results(integration.id)) : {},
      last_data_access_check: iso(integration.last_data_access_check),
      data_access_check_in_process: checkInProcess(integration.data_access_check_started_at),
    };
  }

  /** Per integration, the models whose last read check FAILED (they are not synced). */
  unreadableModels(integrationIds: string[]): Promise<Map<string, Set<string>>> {
    return this.checks.unreadableModels(integrationIds);
  }

  private async require(organizationId: string, integrationId: string) {
    const integration = await this.checks.findIntegration(organizationId, integrationId);
    if (!integration) throw AppError.notFound('Integration', integrationId);
    return integration;
  }
}

/** Whether a check is running now (an abandoned claim does not count). */
export function checkInProcess(startedAt: Date | null, now = Date.now()): boolean {
  return startedAt !== null && now - startedAt.getTime() < CHECK_ABANDONED_AFTER_MS;
}

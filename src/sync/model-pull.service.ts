import { Inject, Injectable, Logger } from '@nestjs/common';
import type { VendorAdapter } from '../fetch/adapter/vendor-adapter';
import { jobMappingContext, PageNormaliser } from '../normalise/page-normaliser';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import { PageWriter } from '../store/cache/page-writer.service';
import type { SyncIntegration } from './integration-record.repository';
import { PageLedger } from './page-ledger.service';
import { PageSource } from './page-source.service';
import type { JobContext } from './sync-run.repository';

/** How a job's pull ended: whether every record was pulled, and the checkpoint to store on success. */
export interface PullResult {
  /** A full pull in which every record was seen: the set the deletion pass compares against. */
  complete: boolean;
  checkpoint: string | null;
}

/**
 * Pulls every page of a job's model through the stages: fetched (PageSource), normalised and set aside for
 * quarantine (PageNormaliser), written with its diffs and events in one transaction (PageWriter).
 */
@Injectable()
export class ModelPull {
  private readonly logger = new Logger('SyncJob');

  constructor(
    private readonly source: PageSource,
    private readonly normaliser: PageNormaliser,
    private readonly writer: PageWriter,
    private readonly ledger: PageLedger,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /**
   * A first sync only writes; later syncs also commit DATA_NEW / DATA_UPDATE events with each page. An
   * incremental run asks the vendor for changes since the model's checkpoint.
   */
  async pull(
    job: JobContext,
    integration: SyncIntegration,
    adapter: VendorAdapter,
    startedAt: Date,
  ): Promise<PullResult> {
    const opened = await this.source.open(job, integration, adapter);
    const ctx = jobMappingContext(integration.id);
    const scope = {
      organizationId: integration.organization_id,
      integrationId: integration.id,
      vendor: integration.vendor,
    };
    // Pipelined: page N+1 is fetched and mapped while page N is being written; writes stay in page order.
    let writing: Promise<void> = Promise.resolve();
    // A quarantined record without an id cannot be marked seen, so a pull that had one deletes nothing.
    let unidentified = 0;
    for await (const { records } of opened.pages) {
      const page = this.normaliser.normalise(job.model, adapter, records, ctx);
      unidentified += page.rejected.filter((r) => r.xId === null).length;
      await writing;
      writing = this.writer
        .write(this.ledger.pageWrite(job, scope, page, ctx), this.ledger.journal(job, scope, page))
        .then(() => this.ledger.committed(job, scope, page))
        .then(opened.saveRateLimits);
      writing.catch(() => undefined); // observed by the next await; this only keeps Node from calling it unhandled
    }
    await writing;
    await opened.saveRateLimits();
    // The next incremental pull starts a little before this one did: a change made while we paged is seen again.
    const checkpoint = opened.incremental
      ? new Date(startedAt.getTime() - this.config.syncCheckpointOverlapMs).toISOString()
      : null;
    if (opened.since === null && unidentified > 0)
      this.logger.warn(
        `job ${job.jobId}: ${unidentified} ${job.model} record(s) without an id were quarantined; no deletions this run`,
      );
    return { complete: opened.since === null && unidentified === 0, checkpoint };
  }
}

import { Injectable } from '@nestjs/common';
import type { RawPage, VendorAdapter } from '../fetch/adapter/vendor-adapter';
import type { SyncIntegration } from './integration-record.repository';
import { SyncRunRepository, type JobContext } from './sync-run.repository';
import { VendorClientFactory } from './vendor-client.factory';
import { VendorStateRepository } from './vendor-state.repository';

/** A job's pull, opened: where it starts and its pages of raw records. */
export interface OpenedPull {
  /** The model's checkpoint when the pull is incremental (changes since then), else null: a full pull. */
  since: string | null;
  /** Whether the model keeps a checkpoint (the vendor filters it by change time). */
  incremental: boolean;
  /** The raw records, page by page, each request under the integration's budget and circuit. */
  pages: AsyncIterable<RawPage>;
  /** Saves the rate limits the vendor reported since the last call (the latest per API). */
  saveRateLimits: () => Promise<void>;
}

/** The fetch stage of a sync job: drives the vendor's adapter from the model's checkpoint, through the rate gate. */
@Injectable()
export class PageSource {
  constructor(
    private readonly clients: VendorClientFactory,
    private readonly runs: SyncRunRepository,
    private readonly vendorStates: VendorStateRepository,
  ) {}

  async open(job: JobContext, integration: SyncIntegration, adapter: VendorAdapter): Promise<OpenedPull> {
    const { client, takeRateLimits } = this.clients.open(integration, adapter);
    const incremental = adapter.incrementalModels.includes(job.model);
    const since =
      job.runMode === 'INCREMENTAL' && incremental ? await this.runs.checkpoint(integration.id, job.model) : null;
    return {
      since,
      incremental,
      pages: client.listPages(job.model, { since: since ? new Date(since) : undefined }),
      saveRateLimits: async () => {
        const latest = takeRateLimits();
        if (latest.length > 0) await this.vendorStates.saveRateLimits(integration.id, latest);
      },
    };
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { MappingContext } from '../normalise/canonical-record';
import type { NormalisedPage } from '../normalise/page-normaliser';
import { Metrics } from '../platform/observability/metrics';
import type { CacheScope, PageJournal, PageWrite } from '../store/cache/page-writer.service';
import { pageEvents } from './page-events';
import { QuarantineRepository } from './quarantine.repository';
import { SyncRunRepository, type JobContext } from './sync-run.repository';
import { VendorStateRepository } from './vendor-state.repository';

/**
 * A sync job's side of each page it writes: the page as the store writes it, the job's rows that commit with
 * it (quarantined records, schema drift, unknown values, the job's progress under its worker lease), its
 * events, and, once committed, its metrics and warnings.
 */
@Injectable()
export class PageLedger {
  private readonly logger = new Logger('SyncJob');

  constructor(
    private readonly quarantine: QuarantineRepository,
    private readonly vendorStates: VendorStateRepository,
    private readonly runs: SyncRunRepository,
    private readonly metrics: Metrics,
  ) {}

  /** The page to write; a first sync only writes, later syncs report what changed. */
  pageWrite(job: JobContext, scope: CacheScope, page: NormalisedPage, ctx: MappingContext): PageWrite {
    return {
      model: job.model,
      scope,
      jobId: job.jobId,
      reportChanges: job.runKind !== 'FIRST',
      records: page.records,
      // A quarantined record still exists at the vendor: it counts as seen, so the deletion pass keeps it.
      alsoSeen: page.rejected.map((r) => ctx.ref(job.model, r.xId)).filter((id): id is string => id !== null),
      excluded: page.excluded,
    };
  }

  journal(job: JobContext, scope: CacheScope, page: NormalisedPage): PageJournal {
    const { model, jobId } = job;
    return {
      events: (changes) => pageEvents(scope, job, changes),
      record: async (tx, counts) => {
        await this.quarantine.add(tx, { ...scope, jobId }, page.rejected);
        await this.vendorStates.addDrift(
          tx,
          scope,
          page.drift.map((d) => ({ ...d, model })),
        );
        await this.vendorStates.addUnknownValues(
          tx,
          scope,
          page.unknownValues.map((v) => ({ ...v, model })),
        );
        await this.runs.addProgress(tx, jobId, {
          seen: page.seen,
          written: counts.written,
          quarantined: page.rejected.length,
          events: counts.events,
        });
      },
    };
  }

  /** After the page committed: its metrics, and warnings for what it set aside or noticed. */
  committed(job: JobContext, scope: CacheScope, page: NormalisedPage): void {
    const { rejected, drift, unknownValues, seen } = page;
    this.metrics.syncPage(scope.vendor, job.model, { seen, quarantined: rejected.length, drift });
    if (rejected.length > 0)
      this.logger.warn(
        `job ${job.jobId}: quarantined ${rejected.length} ${job.model} record(s): ${rejected[0].reason}`,
      );
    if (drift.length > 0)
      this.logger.warn(
        `job ${job.jobId}: ${job.model} records changed shape: ${drift.map((d) => `${d.kind} ${d.field} ×${d.occurrences}`).join(', ')}`,
      );
    if (unknownValues.length > 0)
      this.logger.warn(
        `job ${job.jobId}: ${job.model} values no table maps: ${unknownValues.map((v) => `${v.field} "${v.value}" ×${v.occurrences}`).join(', ')}`,
      );
  }
}

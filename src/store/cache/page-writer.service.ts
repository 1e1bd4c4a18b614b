import { Injectable } from '@nestjs/common';
import type { CanonicalModelName } from '../../catalogue/canonical-models';
import type { CanonicalRecord } from '../../normalise/canonical-record';
import type { NewEvent } from '../../emit/event-payloads';
import { EventOutbox } from '../../emit/outbox.service';
import type { SqlTx } from '../../platform/database/prisma.service';
import { Transactions } from '../../platform/database/transactions';
import { DataDiffLog } from './data-diff-log.service';
import { RecordCacheRepository, type CacheRow, type CacheScope } from './record-cache.repository';
import { dataDiffEntries, reportChanges, reportLinkChanges, type LinkReport, type RecordReport } from './page-changes';

/** One normalised page to write into the cache, for one job. */
export interface PageWrite {
  model: CanonicalModelName;
  scope: CacheScope;
  jobId: string;
  /** Report what changed (data diffs, events): every sync but the first, which only writes. */
  reportChanges: boolean;
  records: CanonicalRecord[];
  /** Ids the page saw without writing them (quarantined records): they still exist at the vendor. */
  alsoSeen: string[];
  /** Ids of records that turned out not to be of the model (applicants): hidden as deleted ones are. */
  excluded: string[];
}

/** What a page's write changed, for its events, in page order. */
export interface PageChanges {
  /** New and changed records (none during a first sync). */
  changed: RecordReport[];
  /** Cached records hidden as not of the model, and the links hidden with them (none during a first sync). */
  hidden: { records: CacheRow[]; links: CacheRow[] };
  /** Links that appeared, changed or ended with the page's records. */
  links: LinkReport[];
}

/**
 * The job's side of a page's transaction: the events that report the page's changes, and the job's own rows
 * (quarantine, drift, progress), written before the events; a throw rolls the whole page back.
 */
export interface PageJournal {
  events(changes: PageChanges): NewEvent[];
  record(tx: SqlTx, counts: { written: number; events: number }): Promise<void>;
}

export type { CacheRow, CacheScope };

/** What the deletion pass at the end of a full pull did (or, past the guard's share, refused to do). */
export type VanishedRecords = Awaited<ReturnType<RecordCacheRepository['markVanished']>>;

/**
 * Writes sync pages into the data cache: one transaction per page, on plain SQL (the hot path), in which the
 * records and their links, the data-diff log, the job's own rows and the events that report the changes
 * commit together. Also the full pull's deletion pass, in the caller's transaction.
 */
@Injectable()
export class PageWriter {
  constructor(
    private readonly transactions: Transactions,
    private readonly cache: RecordCacheRepository,
    private readonly dataDiffs: DataDiffLog,
    private readonly outbox: EventOutbox,
  ) {}

  /** Returns how many records the page inserted or changed. */
  async write(page: PageWrite, journal: PageJournal): Promise<number> {
    const { model, scope, jobId } = page;
    return this.transactions.runSql(async (tx) => {
      const now = new Date();
      const capture = page.reportChanges;
      const written = await this.cache.upsertPage(tx, model, scope, page.records, now, {
        capture,
        alsoSeen: page.alsoSeen,
      });
      const hidden = await this.cache.hide(tx, model, scope.integrationId, page.excluded, now);
      const changed = capture ? reportChanges(model, written.changes) : [];
      await this.dataDiffs.append(tx, { ...scope, model, jobId }, dataDiffEntries(changed));
      const events = journal.events({
        changed,
        hidden: capture ? { records: hidden.hidden, links: hidden.hiddenLinks } : { records: [], links: [] },
        links: reportLinkChanges(written.links),
      });
      const count = written.inserted + written.updated;
      await journal.record(tx, { written: count, events: events.length });
      await this.outbox.append(tx, events); // last: it takes the outbox's commit-order lock
      return count;
    });
  }

  /**
   * The deletion pass of a complete pull, in the caller's transaction: records not seen since `seenSince`
   * are marked deleted with their links, unless more than `maxShare` of the model would go.
   */
  markVanished(
    tx: SqlTx,
    model: CanonicalModelName,
    integrationId: string,
    seenSince: Date,
    maxShare: number,
  ): Promise<VanishedRecords> {
    return this.cache.markVanished(tx, model, integrationId, seenSince, new Date(), maxShare);
  }
}

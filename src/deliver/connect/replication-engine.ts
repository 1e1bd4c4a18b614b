import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '../../platform/common/crypto/secret-box';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { CacheReaderRepository, type CopyPage } from './cache-reader.repository';
import { ConnectRunRepository, type CachePosition, type RunContext } from './connect-run.repository';
import { destinationTableName, stagingTableName } from './identifiers';
import { PostgresDestinationConnector, type PostgresDestination } from './postgres-destination';
import { PersistentReplicationError } from './replication-failures';
import { streamColumns, type DestinationColumn, type StreamConfig } from './stream-catalog';

/**
 * How far before its cursor an incremental read starts again: a cache transaction that stamped its rows
 * earlier but committed after the last read would otherwise be skipped. Re-read rows change nothing
 * (dedup upserts, append skips versions it holds).
 */
export const INCREMENTAL_OVERLAP_MS = 30_000;

/** The stream a failure happened in, so the run shows it on that stream. */
export class StreamFailure extends Error {
  constructor(
    readonly stream: string,
    override readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/**
 * Replicates a run's streams into its destination, one after another, page by page: read a keyset page
 * of the cache, load it into the destination in one transaction, and only then move the stream's cursor
 * (in our database). A retried attempt therefore resumes from the last committed page.
 */
@Injectable()
export class ReplicationEngine {
  constructor(
    private readonly cache: CacheReaderRepository,
    private readonly runs: ConnectRunRepository,
    private readonly connector: PostgresDestinationConnector,
    private readonly secrets: SecretBox,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async replicate(run: RunContext): Promise<void> {
    let url: string;
    try {
      url = this.secrets.open(run.destinationUrlEncrypted);
    } catch (error) {
      throw new PersistentReplicationError(
        `the destination's connection_url cannot be decrypted: ${(error as Error).message}`,
      );
    }
    const destination = await this.connector.connect(url);
    try {
      for (const stream of run.streams) {
        try {
          await this.runs.startStream(run.runId, stream.name);
          if (stream.sync_mode === 'full_refresh_overwrite') await this.fullRefresh(run, stream, destination);
          else await this.incremental(run, stream, destination);
          await this.runs.finishStream(run.runId, stream.name);
        } catch (error) {
          throw new StreamFailure(stream.name, error);
        }
      }
    } finally {
      await destination.close();
    }
  }

  /** Loads every row into a staging table, then swaps it in: the destination never shows a half table. */
  private async fullRefresh(run: RunContext, stream: StreamConfig, destination: PostgresDestination): Promise<void> {
    const { table, columns } = await this.prepare(run, stream, destination);
    const staging = stagingTableName(table);
    const cursor = await this.runs.cursor(run.connectionId, stream.name);
    let position = cursor.position;
    // Resume this run's staging table when an earlier attempt left one; otherwise start it afresh.
    if (cursor.stagingRunId !== run.runId || !(await destination.tableExists(run.namespace, staging))) {
      await destination.createStaging(run.namespace, table, staging);
      await this.runs.beginFullRefresh(run.connectionId, stream.name, run.runId);
      position = null;
    }
    await this.copyPages(run, stream, columns, position, async (page) => {
      await destination.loadStagingPage(run.namespace, staging, columns, page.data);
      return page.rows;
    });
    await destination.swapStaging(run.namespace, table, staging);
    await this.runs.endFullRefresh(run.connectionId, stream.name);
  }

  /** Rows changed since the stream's cursor (less the overlap), appended or upserted on id. */
  private async incremental(run: RunContext, stream: StreamConfig, destination: PostgresDestination): Promise<void> {
    const { table, columns } = await this.prepare(run, stream, destination);
    const committed = (await this.runs.cursor(run.connectionId, stream.name)).position;
    const from = committed
      ? { updatedAt: new Date(committed.updatedAt.getTime() - INCREMENTAL_OVERLAP_MS), id: '' }
      : null;
    await this.copyPages(
      run,
      stream,
      columns,
      from,
      (page) => destination.mergePage(run.namespace, table, columns, page.data, stream.sync_mode),
      committed,
    );
  }

  private async prepare(
    run: RunContext,
    stream: StreamConfig,
    destination: PostgresDestination,
  ): Promise<{ table: string; columns: DestinationColumn[] }> {
    const table = destinationTableName(run.streamPrefix, stream.name);
    const columns = streamColumns(stream.name, stream.fields);
    await destination.ensureTable(run.namespace, table, columns, stream.sync_mode);
    return { table, columns };
  }

  /**
   * The page loop. `load` commits a page in the destination and returns the rows it wrote; the cursor
   * then moves to the page's last row, never behind `floor` (an overlap re-read must not move it back).
   * The next page is read while the current one loads, so the cache and the destination work
   * at the same time; its position is only saved once it, too, has been committed.
   */
  private async copyPages(
    run: RunContext,
    stream: StreamConfig,
    columns: DestinationColumn[],
    from: CachePosition | null,
    load: (page: CopyPage) => Promise<number>,
    floor: CachePosition | null = null,
  ): Promise<void> {
    const pageSize = this.config.connectPageSize;
    const read = (after: CachePosition | null): Promise<CopyPage | null> =>
      this.cache.copyPage(run.organizationId, run.integrationId, stream.name, columns, after, pageSize, new Date());
    let next = read(from);
    for (;;) {
      const page = await next;
      if (page === null) return;
      const more = page.rows === pageSize;
      next = more ? read(page.last) : Promise.resolve(null);
      // A failed load ends the attempt; the prefetched page is then dropped without an unhandled rejection.
      next.catch(() => undefined);
      const written = await load(page);
      await this.runs.savePosition(
        run.connectionId,
        stream.name,
        run.runId,
        floor && isBefore(page.last, floor) ? floor : page.last,
        written,
      );
      if (!more) return;
    }
  }
}

function isBefore(a: CachePosition, b: CachePosition): boolean {
  return (
    a.updatedAt.getTime() < b.updatedAt.getTime() || (a.updatedAt.getTime() === b.updatedAt.getTime() && a.id < b.id)
  );
}

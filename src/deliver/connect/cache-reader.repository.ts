import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { Transactions } from '../../platform/database/transactions';
import { quoteIdent } from './identifiers';
import type { CachePosition } from './connect-run.repository';
import {
  cacheColumnSql,
  streamRowFilter,
  streamTable,
  type DestinationColumn,
  type StreamName,
} from './stream-catalog';

/** A page of cache rows in COPY text format, ready for the destination's COPY, and the keyset position of its last row. */
export interface CopyPage {
  data: Buffer[];
  rows: number;
  last: CachePosition;
}

/**
 * Reads an integration's cached records (and resident-lease links) for replication, in keyset pages ordered
 * by (updated_at, id) (index: integration_id, updated_at, id). Deleted records are included: they replicate
 * as rows carrying deleted_at; hidden links are not (streamRowFilter).
 */
@Injectable()
export class CacheReaderRepository {
  constructor(private readonly transactions: Transactions) {}

  /**
   * The page after `after` as PostgreSQL's own COPY output of the destination's columns, so no row is
   * parsed or encoded here. The page's bounds and its rows are read in one snapshot.
   */
  async copyPage(
    organizationId: string,
    integrationId: string,
    stream: StreamName,
    columns: readonly DestinationColumn[],
    after: CachePosition | null,
    limit: number,
    syncedAt: Date,
  ): Promise<CopyPage | null> {
    const table = quoteIdent(streamTable(stream));
    return this.transactions.runSnapshot(async (client) => {
      // The text the destination reads must not depend on this server's settings: ISO dates parse under any
      // DateStyle, and floats are written in full.
      await client.query(`SET LOCAL datestyle = 'ISO'; SET LOCAL extra_float_digits = 3`);
      const scope = `c."integration_id" = ${client.escapeLiteral(integrationId)} AND c."organization_id" = ${client.escapeLiteral(organizationId)} AND ${streamRowFilter(stream)}`;
      const from = after ? ` AND (c."updated_at", c."id") > (${positionSql(client, after)})` : '';
      const {
        rows: [bounds],
      } = await client.query<{ rows: number; updated_at: Date; id: string }>(
        `WITH page AS (SELECT c."updated_at", c."id" FROM ${table} c WHERE ${scope}${from} ORDER BY c."updated_at", c."id" LIMIT ${Number(limit)})
         SELECT (SELECT count(*)::int FROM page) AS rows, l."updated_at", l."id"
         FROM (SELECT * FROM page ORDER BY "updated_at" DESC, "id" DESC LIMIT 1) l`,
      );
      if (!bounds) return null;
      const last = { updatedAt: bounds.updated_at, id: bounds.id };
      // COPY takes no parameters: the values above are literals, escaped by the driver.
      const syncedAtLiteral = client.escapeLiteral(syncedAt.toISOString());
      const select = columns.map((column) => cacheColumnSql(stream, column, syncedAtLiteral)).join(', ');
      const data = await copyOut(
        client,
        `COPY (SELECT ${select} FROM ${table} c WHERE ${scope}${from} AND (c."updated_at", c."id") <= (${positionSql(client, last)})
               ORDER BY c."updated_at", c."id") TO STDOUT`,
      );
      return { data, rows: bounds.rows, last };
    });
  }
}

function positionSql(client: PoolClient, position: CachePosition): string {
  return `${client.escapeLiteral(position.updatedAt.toISOString())}::timestamptz, ${client.escapeLiteral(position.id)}::text`;
}

async function copyOut(client: PoolClient, sql: string): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Buffer);
  return chunks;
}

import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type CustomTypesConfig, type PoolClient, type QueryResultRow } from 'pg';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { PrismaClient } from '../../generated/prisma/client';

/** A connection inside a transaction, for plain parameterised SQL: what the hot set-based repositories take. */
export interface SqlTx {
  query<R extends QueryResultRow = any>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * The one Prisma client of a process, on a pg pool it shares with the hot paths: page writes go through
 * `sqlTransaction` as plain parameterised SQL, skipping Prisma's per-parameter conversion of the column
 * arrays (the sync benchmark spends most of its database time there otherwise).
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(@Inject(APP_CONFIG) config: RuntimeConfig) {
    const pool = new Pool({ connectionString: config.databaseUrl, max: 20 });
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
  }

  /**
   * One plain parameterised statement outside any transaction (hot paths that need no Prisma mapping).
   * `preparedAs` names it so each connection plans it once: a statement run per webhook delivery spends
   * several times longer in PostgreSQL's planner than in its executor otherwise.
   */
  async sql<R extends QueryResultRow = any>(
    text: string,
    params: unknown[] = [],
    preparedAs?: string,
    types?: CustomTypesConfig,
  ): Promise<R[]> {
    return (await this.pool.query<R>({ ...(preparedAs && { name: preparedAs }), text, values: params, types })).rows;
  }

  async sqlTransaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN', work);
  }

  /** Several reads that see one snapshot, on one connection of the pool. */
  async readSnapshot<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work);
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }

  private async inTransaction<T>(begin: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** What repositories receive inside a Prisma transaction. */
export type Tx = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];

/** The same Prisma transaction seen as a SqlTx, so set-based repositories join Prisma transactions too. */
export function sqlOf(tx: Tx): SqlTx {
  return { query: async (sql, params = []) => ({ rows: await tx.$queryRawUnsafe(sql, ...params) }) };
}

import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type CustomTypesConfig, type PoolClient, type QueryResultRow } from 'pg';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { PrismaClient } from '../../generated/prisma/client';
import { StatementNames } from './statement-names';

/** Distinct read texts a process prepares (see sqlRead). */
const READ_STATEMENT_LIMIT = 256;

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
  private readonly readNames = new StatementNames('latchkey_read_', READ_STATEMENT_LIMIT);

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

  /**
   * A read whose text its caller composes (filters, order), prepared under a name of this process's: a page read
   * spent a seventh of its PostgreSQL CPU parsing and planning its statements. A column added under a prepared
   * `SELECT *` (another version's migration) makes PostgreSQL refuse it; the names then start afresh and the read
   * is sent once more, prepared anew.
   */
  async sqlRead<R extends QueryResultRow = any>(
    text: string,
    params: unknown[],
    types?: CustomTypesConfig,
  ): Promise<R[]> {
    const name = this.readNames.nameOf(text);
    try {
      return await this.sql<R>(text, params, name, types);
    } catch (error) {
      if (!name || !isStalePlan(error)) throw error;
      this.readNames.renew(name);
      return this.sql<R>(text, params, this.readNames.nameOf(text), types);
    }
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

/** PostgreSQL's refusal of a prepared statement whose result's columns changed since it was planned. */
function isStalePlan(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === '0A000' && /cached plan must not change result type/.test(message ?? '');
}

/** What repositories receive inside a Prisma transaction. */
export type Tx = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];

/** The same Prisma transaction seen as a SqlTx, so set-based repositories join Prisma transactions too. */
export function sqlOf(tx: Tx): SqlTx {
  return { query: async (sql, params = []) => ({ rows: await tx.$queryRawUnsafe(sql, ...params) }) };
}

import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { PrismaService, type SqlTx, type Tx } from './prisma.service';

/**
 * The one way to open a transaction. A service whose change spans repositories runs it here and hands the
 * handle to each repository; a repository whose change is its own opens it here too. `run` gives Prisma's
 * interactive transaction (ordinary queries); `runSql` gives plain parameterised SQL on one pooled
 * connection (the hot set-based statements, skipping Prisma's per-parameter conversion); `runSnapshot` gives
 * a read-only snapshot on the pool's own client (reads that stream, like COPY).
 */
@Injectable()
export class Transactions {
  constructor(private readonly prisma: PrismaService) {}

  run<T>(work: (tx: Tx) => Promise<T>, options?: { timeout?: number }): Promise<T> {
    return this.prisma.$transaction(work, options);
  }

  runSql<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.prisma.sqlTransaction(work);
  }

  runSnapshot<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.prisma.readSnapshot(work);
  }

  /** A list endpoint's page and the count of every row it pages through, read in one transaction. */
  page<Row>(
    rows: (tx: Tx) => Promise<Row[]>,
    total: (tx: Tx) => Promise<number>,
  ): Promise<{ rows: Row[]; total: number }> {
    return this.run(async (tx) => ({ rows: await rows(tx), total: await total(tx) }));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import { SEALED_COLUMNS, type SealedColumn } from './secret-reencryption';

/** What the repository needs of a database: the app's PrismaService, or the CLI's own pg client wrapped to it. */
export type SqlStatements = Pick<PrismaService, 'sql'>;

/** The sealed values of every SEALED_COLUMNS column, as re-encryption reads and re-seals them. */
@Injectable()
export class SealedSecretRepository {
  constructor(@Inject(PrismaService) private readonly db: SqlStatements) {}

  /** Up to `limit` values of the column not starting with `currentPrefix`, after id `after` in id order. */
  sealedOtherwise(
    { table, column }: SealedColumn,
    currentPrefix: string,
    after: string,
    limit: number,
  ): Promise<{ id: string; sealed: string }[]> {
    return this.db.sql(
      `SELECT "id", "${column}" AS sealed FROM "${table}"
       WHERE "${column}" IS NOT NULL AND left("${column}", $1) <> $2 AND "id" > $3
       ORDER BY "id" LIMIT $4`,
      [currentPrefix.length, currentPrefix, after, limit],
    );
  }

  /** Writes each re-sealed value only where the row still holds the value read (compare-and-set); returns how many were. */
  async reseal({ table, column }: SealedColumn, ids: string[], read: string[], written: string[]): Promise<number> {
    const updated = await this.db.sql(
      `UPDATE "${table}" AS t SET "${column}" = v.resealed
       FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, sealed, resealed)
       WHERE t."id" = v.id AND t."${column}" = v.sealed
       RETURNING t."id"`,
      [ids, read, written],
    );
    return updated.length;
  }

  /** How many sealed values, over every sealed column, do not start with `currentPrefix`. */
  async countSealedOtherwise(currentPrefix: string): Promise<number> {
    const counts = SEALED_COLUMNS.map(
      ({ table, column }) =>
        `SELECT count(*) AS n FROM "${table}" WHERE "${column}" IS NOT NULL AND left("${column}", $1) <> $2`,
    );
    const rows = await this.db.sql<{ left: string }>(
      `SELECT sum(n)::text AS left FROM (${counts.join(' UNION ALL ')}) AS c`,
      [currentPrefix.length, currentPrefix],
    );
    return Number(rows[0]?.left ?? 0);
  }
}

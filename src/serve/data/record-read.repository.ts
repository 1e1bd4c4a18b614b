import { Injectable } from '@nestjs/common';
import {
  CANONICAL_MODELS,
  LINK_MODEL,
  NOT_NULL_SYSTEM_COLUMNS,
  type CanonicalModelName,
  type LinkSide,
} from '../../catalogue/canonical-models';
import type { ListPage } from '../../platform/common/http/list-query.dto';
import type { SqlFilter } from '../../platform/common/sql-filter';
import { ISO_TIMESTAMPS } from '../../platform/database/iso-timestamps';
import { PrismaService } from '../../platform/database/prisma.service';

export type LinkRow = Record<string, unknown> & { resident_id: string; lease_id: string };

/**
 * Reads of the data cache; every query is scoped by the caller's organization through the filter. Plain SQL
 * on the shared pool, prepared per distinct text (sqlRead): Prisma's mapping of raw results was a seventh of a
 * page read's CPU, and the cache's column types (text, int, float8, bool, timestamptz, jsonb, text[]) come back
 * from pg as the same values, timestamps as the ISO strings the presenter makes of them (ISO_TIMESTAMPS).
 */
@Injectable()
export class RecordReadRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(
    model: CanonicalModelName,
    filter: SqlFilter,
    page: ListPage,
  ): Promise<{ rows: Record<string, unknown>[]; total: number }> {
    const table = `"${CANONICAL_MODELS[model].table}" r`;
    const order = [
      ...page.orderBy.map((o) => `r."${o.field}" ${o.direction === 'desc' ? 'DESC' : 'ASC'}${nullsLast(o.field)}`),
      'r."id" ASC',
    ].join(', ');
    const limitParam = filter.params.length + 1;
    const [rows, count] = await Promise.all([
      this.prisma.sqlRead<Record<string, unknown>>(
        `SELECT r.* FROM ${table} ${filter.sql} ORDER BY ${order} LIMIT $${limitParam} OFFSET $${limitParam + 1}`,
        [...filter.params, page.limit, page.offset],
        ISO_TIMESTAMPS,
      ),
      this.prisma.sqlRead<{ total: number }>(
        `SELECT count(*)::int AS total FROM ${table} ${filter.sql}`,
        filter.params,
      ),
    ]);
    return { rows, total: count[0]?.total ?? 0 };
  }

  async get(model: CanonicalModelName, organizationId: string, id: string): Promise<Record<string, unknown> | null> {
    const rows = await this.prisma.sqlRead<Record<string, unknown>>(
      `SELECT * FROM "${CANONICAL_MODELS[model].table}" WHERE "id" = $1 AND "organization_id" = $2`,
      [id, organizationId],
      ISO_TIMESTAMPS,
    );
    return rows[0] ?? null;
  }

  /**
   * The resident <-> lease links of a page of a side's records, in one query; hidden ones (deleted_at) only
   * when asked for. Each carries the side's partnerFields, read from the record on the other side.
   */
  async links(side: LinkSide, ids: string[], includeDeleted: boolean): Promise<LinkRow[]> {
    if (ids.length === 0) return [];
    const partner = CANONICAL_MODELS[side.partner];
    const partnerFields = Object.entries(side.partnerFields ?? {})
      .map(
        ([name, column]) =>
          `, (SELECT p."${column}" FROM "${partner.table}" p WHERE p."id" = l."${partner.linkSide!.column}") AS "${name}"`,
      )
      .join('');
    return this.prisma.sqlRead<LinkRow>(
      `SELECT l.*${partnerFields} FROM "${LINK_MODEL.table}" l WHERE l."${side.column}" = ANY($1::text[])${includeDeleted ? '' : ' AND l."deleted_at" IS NULL'}
       ORDER BY l."move_in_date" NULLS LAST, l."id"`,
      [ids],
      ISO_TIMESTAMPS,
    );
  }
}

/** Nulls sort last; said only of a column that may hold one, so an order by a NOT NULL column can use its index. */
const nullsLast = (column: string) =>
  (NOT_NULL_SYSTEM_COLUMNS as readonly string[]).includes(column) ? '' : ' NULLS LAST';

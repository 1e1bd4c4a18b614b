import {
  CANONICAL_MODELS,
  LINK_MODEL,
  RESIDENT_LEASE_FIELDS,
  type CanonicalModelName,
  type LinkSide,
} from '../../catalogue/canonical-models';
import type { SqlTx } from '../../platform/database/prisma.service';
import type { CanonicalLink, CanonicalRecord } from '../../normalise/canonical-record';
import { columnArrays, PG_ARRAY_TYPE } from './bulk-upsert';
import { LINK_SPEC } from './cache-specs';
import type { CacheRow, CacheScope, RecordChange } from './record-cache.repository';

/** How the links of a page (or of a deletion pass) changed as readers see them (deleted_at null = shown). */
export interface LinkChanges {
  /** Links that started showing: new, named again after they ended, or back with their resident or lease. */
  appeared: CacheRow[];
  /** Shown links whose details changed, as written, with the version before. */
  changed: RecordChange[];
  /** Links that stopped showing: ended, or hidden with a resident or lease that vanished. As they are now. */
  ended: CacheRow[];
}

export const NO_LINK_CHANGES: LinkChanges = { appeared: [], changed: [], ended: [] };

/** A link's value of a link-table column: its id and hash, else the field of that name. */
const linkColumn = (link: CanonicalLink, column: string): unknown =>
  column === 'id' ? link.id : column === 'content_hash' ? link.hash : link.values[column];

/** The link upsert's column arrays, its rows sorted by id (the order they are locked in). */
export function linkColumnArrays(links: readonly CanonicalLink[]): string[] {
  return columnArrays(
    LINK_SPEC,
    [...links].sort((a, b) => (a.id < b.id ? -1 : 1)),
    linkColumn,
  );
}

/**
 * Lock class of the per-integration advisory lock that serialises link writes: the residents and the leases
 * jobs of one integration write the same links, and each compares them with what is stored first.
 */
const LINK_LOCK_CLASS = 4_124_303;

const TABLE = `"${LINK_MODEL.table}"`;
const FIELDS = Object.keys(RESIDENT_LEASE_FIELDS);

/**
 * The resident <-> lease links. Residents and leases are its two sides, and a record whose vendor sends
 * its links with it (MappedRecord.links) is the truth about its own links whenever it is written (new or
 * changed, its hash covering its links): links it no longer names end, links it names are written as
 * given. A record that names only the ids of the other side (MappedRecord.linkedTo) ends its other links
 * and creates none. Whichever side changes, its record is written, so its links follow: an unchanged
 * record writes nothing. A link that ends is kept, hidden (`deleted_at`, `ended`); so is a link whose
 * resident or lease vanished, until that record comes back. A first sync takes the links from the leases
 * alone. Set-based: a few statements per page.
 */
export class LinkCacheRepository {
  private readonly upserts = new Map<string, string>();

  /**
   * Applies what a page's written records say about their links, in the page's transaction. `revived` are
   * records of the page that had vanished: their links show again (unless they ended). `report` (syncs after
   * the first) returns what readers will see change; a first sync only writes.
   */
  async write(
    tx: SqlTx,
    model: CanonicalModelName,
    scope: CacheScope,
    written: CanonicalRecord[],
    revived: string[],
    now: Date,
    report: boolean,
  ): Promise<LinkChanges> {
    const side = CANONICAL_MODELS[model].linkSide;
    const statements = new Map(written.filter((r) => r.names !== undefined).map((r) => [r.id, r]));
    if (!side || (statements.size === 0 && revived.length === 0)) return NO_LINK_CHANGES;
    if (!report) return this.writeFirstSync(tx, model, side, scope, [...statements.values()], now);
    // Each page compares with what is stored and reports what changed: the two jobs take turns.
    await this.lock(tx, scope.integrationId);
    const { rows: stored } = await tx.query<CacheRow>(
      `SELECT * FROM ${TABLE} WHERE "${side.column}" = ANY($1::text[])`,
      [[...new Set([...statements.keys(), ...revived])]],
    );
    const before = new Map(stored.map((row) => [row.id, row]));
    const named = new Set<string>();
    const toWrite: CanonicalLink[] = [];
    for (const record of statements.values()) {
      for (const id of record.linkedTo ?? []) named.add(id);
      for (const link of record.links ?? []) {
        named.add(link.id);
        const row = before.get(link.id);
        // Unchanged and showing: nothing to write. A hidden one is written again, so it shows if it may.
        if (!row || row.content_hash !== link.hash || row.deleted_at !== null) toWrite.push(link);
      }
    }
    const changes: LinkChanges = { appeared: [], changed: [], ended: [] };
    // Links of records that came back show again, unless they ended, their record no longer names them, or
    // (checked in SQL) the record on their other side is gone. Links named with details are written below.
    const revivedIds = new Set(revived);
    const reshow = stored.filter((row) => {
      if (!revivedIds.has(row[side.column] as string) || row.deleted_at === null || row.ended) return false;
      const statement = statements.get(row[side.column] as string);
      return statement === undefined || (statement.linkedTo !== undefined && named.has(row.id));
    });
    if (reshow.length > 0)
      changes.appeared.push(...(await this.reshow(tx, side, reshow.map((row) => row.id).sort(), now)));
    const toEnd = stored
      .filter((row) => statements.has(row[side.column] as string) && !row.ended && !named.has(row.id))
      .map((row) => row.id);
    if (toEnd.length > 0) {
      const { rows } = await tx.query<CacheRow>(
        `UPDATE ${TABLE} SET "ended" = true, "deleted_at" = coalesce("deleted_at", $2), "updated_at" = $2 WHERE "id" = ANY($1::text[]) RETURNING *`,
        [toEnd.sort(), now],
      );
      changes.ended.push(...rows.filter((row) => before.get(row.id)!.deleted_at === null));
    }
    if (toWrite.length > 0) {
      const { rows: written } = await tx.query<CacheRow>(
        this.upsert(model, side, 'report'),
        this.upsertParams(toWrite, scope, now),
      );
      for (const row of written) {
        const previous = before.get(row.id);
        const wasShown = previous !== undefined && previous.deleted_at === null;
        const shows = row.deleted_at === null;
        if (shows && !wasShown) changes.appeared.push(row);
        else if (shows && previous!.content_hash !== row.content_hash)
          changes.changed.push({ row, previous: previous! });
        else if (!shows && wasShown) changes.ended.push(row);
      }
    }
    return changes;
  }

  /**
   * A first sync's page: every link is named for the first time, nothing has vanished and nothing is
   * reported. The links come from one side only (LinkSide.firstSyncSource: the leases, which list all their
   * residents), so they are written as the lease side did before both sides counted: one upsert per page.
   */
  private async writeFirstSync(
    tx: SqlTx,
    model: CanonicalModelName,
    side: LinkSide,
    scope: CacheScope,
    statements: CanonicalRecord[],
    now: Date,
  ): Promise<LinkChanges> {
    if (!side.firstSyncSource) return NO_LINK_CHANGES;
    const links = statements.flatMap((r) => r.links ?? []);
    if (links.length > 0) await tx.query(this.upsert(model, side, 'first'), this.upsertParams(links, scope, now));
    return NO_LINK_CHANGES;
  }

  /** The upsert's parameters: the links' columns, sorted by id (the order rows are locked in), then the constants. */
  private upsertParams(links: CanonicalLink[], scope: CacheScope, now: Date): unknown[] {
    return [...linkColumnArrays(links), scope.organizationId, scope.integrationId, now];
  }

  /** Hides the links of records that vanished from the vendor (the deletion pass): they end with them. */
  async hide(
    tx: SqlTx,
    model: CanonicalModelName,
    integrationId: string,
    ids: string[],
    now: Date,
  ): Promise<CacheRow[]> {
    const side = CANONICAL_MODELS[model].linkSide;
    if (!side || ids.length === 0) return [];
    await this.lock(tx, integrationId);
    const { rows } = await tx.query<CacheRow>(
      `UPDATE ${TABLE} SET "deleted_at" = $2, "updated_at" = $2 WHERE "${side.column}" = ANY($1::text[]) AND "deleted_at" IS NULL RETURNING *`,
      [ids, now],
    );
    return rows;
  }

  private async lock(tx: SqlTx, integrationId: string): Promise<void> {
    await tx.query('SELECT 1 AS locked FROM pg_advisory_xact_lock($1, hashtext($2))', [LINK_LOCK_CLASS, integrationId]);
  }

  /** Shows hidden links again, unless the record on their other side is gone too. */
  private async reshow(tx: SqlTx, side: LinkSide, ids: string[], now: Date): Promise<CacheRow[]> {
    const partner = CANONICAL_MODELS[side.partner];
    const { rows } = await tx.query<CacheRow>(
      `UPDATE ${TABLE} l SET "deleted_at" = NULL, "updated_at" = $2
       WHERE l."id" = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM "${partner.table}" p WHERE p."id" = l."${partner.linkSide!.column}" AND p."deleted_at" IS NOT NULL)
       RETURNING l.*`,
      [ids, now],
    );
    return rows;
  }

  /**
   * Writes named links (sorted by id, so concurrent writers lock rows in one order): new ones, changed
   * ones, and ones that had ended are named again. A link to a record of the other side that vanished is
   * written hidden (since that record's deleted_at); otherwise it shows, and comes back as written. A first
   * sync's has no vanished records to look for and returns nothing (not even the ids: nobody reads them).
   */
  private upsert(model: CanonicalModelName, side: LinkSide, kind: 'report' | 'first'): string {
    const statement = `${model}:${kind}`;
    const report = kind === 'report';
    let sql = this.upserts.get(statement);
    if (sql) return sql;
    const partner = CANONICAL_MODELS[side.partner];
    const columns = LINK_SPEC.columns.map(([name]) => name);
    const unnest = LINK_SPEC.columns.map(([, type], i) => `$${i + 1}::${PG_ARRAY_TYPE[type]}`).join(', ');
    const n = LINK_SPEC.columns.length;
    const q = (c: string) => `"${c}"`;
    sql = `INSERT INTO ${TABLE} AS l (${[...columns, 'organization_id', 'integration_id', 'created_at', 'updated_at', 'last_seen', 'deleted_at', 'ended'].map(q).join(', ')})
SELECT ${columns.map((c) => `t.${q(c)}`).join(', ')}, $${n + 1}, $${n + 2}, $${n + 3}::timestamptz, $${n + 3}::timestamptz, $${n + 3}::timestamptz, ${report ? 'p."deleted_at"' : 'NULL::timestamptz'}, false
FROM unnest(${unnest}) WITH ORDINALITY AS t(${columns.map(q).join(', ')}, "n")
${report ? `LEFT JOIN "${partner.table}" p ON p."id" = t.${q(partner.linkSide!.column)} AND p."deleted_at" IS NOT NULL\n` : ''}ORDER BY t."n"
ON CONFLICT ("id") DO UPDATE SET ${[...FIELDS, 'content_hash'].map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')},
  "updated_at" = excluded."updated_at", "last_seen" = excluded."last_seen", "ended" = false,
  "deleted_at" = CASE WHEN excluded."deleted_at" IS NULL THEN NULL WHEN l."ended" THEN excluded."deleted_at" ELSE coalesce(l."deleted_at", excluded."deleted_at") END
WHERE l."content_hash" IS DISTINCT FROM excluded."content_hash" OR l."ended" OR (l."deleted_at" IS NULL) <> (excluded."deleted_at" IS NULL)${report ? '\nRETURNING l.*' : ''}`;
    this.upserts.set(statement, sql);
    return sql;
  }
}

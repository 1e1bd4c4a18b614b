import { Injectable } from '@nestjs/common';
import { CANONICAL_MODELS, type CanonicalModelName } from '../../catalogue/canonical-models';
import type { SqlTx } from '../../platform/database/prisma.service';
import type { CanonicalRecord } from '../../normalise/canonical-record';
import { buildBulkUpsert, columnArrays, type BulkUpsertSpec, type UpsertReturning } from './bulk-upsert';
import { recordSpec } from './cache-specs';
import { LinkCacheRepository, NO_LINK_CHANGES, type LinkChanges } from './link-cache.repository';

export interface CacheScope {
  organizationId: string;
  integrationId: string;
  vendor: string;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  /** With `capture`: the rows as written, and for changed ones the row as it was before. */
  changes: RecordChange[];
  /** With `capture`: how the links of the page's residents or leases changed. */
  links: LinkChanges;
}

export type CacheRow = Record<string, unknown> & { id: string };

export interface RecordChange {
  row: CacheRow;
  /** Null for a new record. */
  previous: CacheRow | null;
}

export interface UpsertOptions {
  /** Return what changed (ongoing syncs, which report it); a first sync only writes. */
  capture: boolean;
  /** Ids seen by this page without being written (quarantined records): kept alive for deletion detection. */
  alsoSeen?: string[];
}

/** A record's value of a cache column: its id, vendor id and hash, else its canonical field of that name. */
function cacheColumn(record: CanonicalRecord, column: string): unknown {
  switch (column) {
    case 'id':
      return record.id;
    case 'x_id':
      return record.x_id;
    case 'content_hash':
      return record.hash;
    default:
      return record.values[column];
  }
}

/** The page upsert's column arrays of canonical records. */
export function recordColumnArrays(spec: BulkUpsertSpec, records: readonly CanonicalRecord[]): string[] {
  return columnArrays(spec, records, cacheColumn);
}

/** Set-based writes of canonical records into the data cache: one statement per page, never one per record. */
@Injectable()
export class RecordCacheRepository {
  private readonly statements = new Map<string, { spec: BulkUpsertSpec; sql: string }>();
  private readonly links = new LinkCacheRepository();

  /**
   * Writes one page. With `capture` (syncs after the first), compares each record's hash with the cached
   * one first: unchanged rows are only marked seen (`last_seen`, which the full pull's deletion pass
   * relies on); new and changed ones are upserted and returned with their previous version. The links
   * that written residents and leases name are written with them (LinkCacheRepository).
   */
  async upsertPage(
    tx: SqlTx,
    model: CanonicalModelName,
    scope: CacheScope,
    records: CanonicalRecord[],
    now: Date,
    options: UpsertOptions,
  ): Promise<UpsertResult> {
    let toWrite = records;
    let previous = new Map<string, CacheRow>();
    if (options.capture) {
      // One comparison per record; unchanged ones are only marked seen, never rewritten.
      const { changed, unchanged } = await this.partition(tx, model, records);
      previous = changed;
      toWrite = records.filter((r) => !unchanged.has(r.id));
      const seen = [...unchanged, ...(options.alsoSeen ?? [])];
      if (seen.length > 0) await this.touch(tx, model, seen, now);
    }
    if (toWrite.length === 0) return { inserted: 0, updated: 0, changes: [], links: NO_LINK_CHANGES };
    const returning = options.capture ? 'rows' : 'ids';
    const { spec, sql } = this.statement(`${model}:${returning}`, () => recordSpec(model), returning);
    const { rows: written } = await tx.query<CacheRow & { inserted: boolean }>(sql, [
      ...recordColumnArrays(spec, toWrite),
      scope.organizationId,
      scope.integrationId,
      scope.vendor,
      now,
    ]);
    const inserted = written.filter((w) => w.inserted).length;
    const changes = options.capture
      ? written.map(({ inserted: isNew, ...row }) => ({
          row: row,
          previous: isNew ? null : (previous.get(row.id) ?? null),
        }))
      : [];
    const revived = changes.filter((c) => c.previous !== null && c.previous.deleted_at !== null).map((c) => c.row.id);
    const links = await this.links.write(tx, model, scope, toWrite, revived, now, options.capture);
    return { inserted, updated: written.length - inserted, changes, links };
  }

  /**
   * Marks records that vanished from the vendor: rows of the model not seen since `seenSince` (the start of
   * a full pull that ended without errors). Returns them as they are now, unless they exceed `maxShare` of
   * the integration's live rows of the model: then nothing is marked and `refused` says how many it would be.
   * The links of the vanished records are hidden with them (`hiddenLinks`, those that were showing).
   */
  async markVanished(
    tx: SqlTx,
    model: CanonicalModelName,
    integrationId: string,
    seenSince: Date,
    now: Date,
    maxShare: number,
  ): Promise<{ deleted: CacheRow[]; hiddenLinks: CacheRow[]; refused: { vanished: number; live: number } | null }> {
    const table = CANONICAL_MODELS[model].table;
    const {
      rows: [counts],
    } = await tx.query<{ vanished: number; live: number }>(
      `SELECT count(*) FILTER (WHERE "last_seen" < $2)::int AS vanished, count(*)::int AS live
       FROM "${table}" WHERE "integration_id" = $1 AND "deleted_at" IS NULL`,
      [integrationId, seenSince],
    );
    if (!counts || counts.vanished === 0) return { deleted: [], hiddenLinks: [], refused: null };
    if (counts.vanished > maxShare * counts.live) return { deleted: [], hiddenLinks: [], refused: counts };
    const { rows } = await tx.query<CacheRow>(
      `UPDATE "${table}" SET "deleted_at" = $3, "updated_at" = $3
       WHERE "integration_id" = $1 AND "deleted_at" IS NULL AND "last_seen" < $2 RETURNING *`,
      [integrationId, seenSince, now],
    );
    const hiddenLinks = await this.links.hide(
      tx,
      model,
      integrationId,
      rows.map((r) => r.id),
      now,
    );
    return { deleted: rows, hiddenLinks, refused: null };
  }

  /**
   * Hides cached records that turned out not to be of the model (the vendor lists applicants among its
   * residents): marked deleted as vanished ones are, outside the deletion guard's count, and their links
   * hidden with them. Returns them, and the links that were showing.
   */
  async hide(
    tx: SqlTx,
    model: CanonicalModelName,
    integrationId: string,
    ids: string[],
    now: Date,
  ): Promise<{ hidden: CacheRow[]; hiddenLinks: CacheRow[] }> {
    if (ids.length === 0) return { hidden: [], hiddenLinks: [] };
    const { rows } = await tx.query<CacheRow>(
      `UPDATE "${CANONICAL_MODELS[model].table}" SET "deleted_at" = $3, "updated_at" = $3
       WHERE "integration_id" = $1 AND "id" = ANY($2::text[]) AND "deleted_at" IS NULL RETURNING *`,
      [integrationId, ids, now],
    );
    const hiddenLinks = await this.links.hide(
      tx,
      model,
      integrationId,
      rows.map((r) => r.id),
      now,
    );
    return { hidden: rows, hiddenLinks };
  }

  /** Splits a page by content hash: rows that changed (with their current version) and ids that did not. */
  private async partition(tx: SqlTx, model: CanonicalModelName, records: CanonicalRecord[]) {
    const { rows } = await tx.query<CacheRow & { page_id: string; same: boolean | null }>(
      `SELECT p."id" AS page_id, (t."content_hash" = p."hash" AND t."deleted_at" IS NULL) AS same, t.*
       FROM unnest($1::text[], $2::text[]) AS p("id", "hash") LEFT JOIN "${CANONICAL_MODELS[model].table}" t ON t."id" = p."id"`,
      [records.map((r) => r.id), records.map((r) => r.hash)],
    );
    const changed = new Map<string, CacheRow>();
    const unchanged = new Set<string>();
    for (const { page_id, same, ...row } of rows) {
      if (same) unchanged.add(page_id);
      else if (row.id) changed.set(page_id, row);
    }
    return { changed, unchanged };
  }

  /** last_seen for rows the page saw unchanged (written rows get it from the upsert). */
  private async touch(tx: SqlTx, model: CanonicalModelName, ids: string[], now: Date): Promise<void> {
    await tx.query(
      `UPDATE "${CANONICAL_MODELS[model].table}" SET "last_seen" = $2 WHERE "id" = ANY($1::text[]) AND "last_seen" < $2`,
      [ids, now],
    );
  }

  private statement(key: string, build: () => BulkUpsertSpec, returning: UpsertReturning) {
    let entry = this.statements.get(key);
    if (!entry) {
      const spec = build();
      entry = { spec, sql: buildBulkUpsert(spec, returning) };
      this.statements.set(key, entry);
    }
    return entry;
  }
}

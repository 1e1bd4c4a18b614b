import { Injectable } from '@nestjs/common';
import type { CanonicalModelName } from '../canonical/canonical-models';
import type { SqlTx } from '../database/prisma.service';
import type { CanonicalRecord } from '../etl/canonical-record';
import { buildBulkUpsert, toColumnArrays, type BulkUpsertSpec } from './bulk-upsert';
import { LINK_SPEC, recordSpec } from './cache-specs';

export interface CacheScope {
  organizationId: string;
  integrationId: string;
  vendor: string;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
}

/** Set-based writes of canonical records into the data cache: one statement per page, never one per record. */
@Injectable()
export class RecordCacheRepository {
  private readonly statements = new Map<string, { spec: BulkUpsertSpec; sql: string }>();

  async upsertPage(tx: SqlTx, model: CanonicalModelName, scope: CacheScope, records: CanonicalRecord[], now: Date): Promise<UpsertResult> {
    if (records.length === 0) return { inserted: 0, updated: 0 };
    const { spec, sql } = this.statement(model, () => recordSpec(model));
    const rows = records.map((r) => ({ ...r.values, id: r.id, x_id: r.x_id, content_hash: r.hash }));
    const { rows: changed } = await tx.query<{ id: string; inserted: boolean }>(
      sql, [...toColumnArrays(spec, rows), scope.organizationId, scope.integrationId, scope.vendor, now],
    );
    const inserted = changed.filter((c) => c.inserted).length;
    if (model === 'leases') await this.replaceLinks(tx, scope, records, now);
    return { inserted, updated: changed.length - inserted };
  }

  /** The lease page is the truth about who is on those leases: upsert its links, drop the ones it no longer has. */
  private async replaceLinks(tx: SqlTx, scope: CacheScope, leases: CanonicalRecord[], now: Date): Promise<void> {
    const links = leases.flatMap((l) => l.links ?? []);
    await tx.query(
      'DELETE FROM "residents_to_leases" WHERE "lease_id" = ANY($1::text[]) AND NOT ("id" = ANY($2::text[]))',
      [leases.map((l) => l.id), links.map((l) => l.id)],
    );
    if (links.length === 0) return;
    const { spec, sql } = this.statement('residents_to_leases', () => LINK_SPEC);
    const rows = links.map((l) => ({ ...l.values, id: l.id, content_hash: l.hash }));
    await tx.query(sql, [...toColumnArrays(spec, rows), scope.organizationId, scope.integrationId, now]);
  }

  private statement(key: string, build: () => BulkUpsertSpec) {
    let entry = this.statements.get(key);
    if (!entry) {
      const spec = build();
      entry = { spec, sql: buildBulkUpsert(spec) };
      this.statements.set(key, entry);
    }
    return entry;
  }
}

import { Injectable } from '@nestjs/common';
import type { VendorExchange } from '../fetch/adapter/vendor-http';
import type { WriteStatus } from '../generated/prisma/enums';
import { newId } from '../platform/common/ids';
import { PrismaService, type SqlTx } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';

/** A write job as the runner and the admin endpoints read it. */
export interface WriteJobRow {
  id: string;
  root_job_id: string;
  organization_id: string;
  integration_id: string;
  model: string;
  operation: string;
  record_id: string | null;
  x_id: string | null;
  parameters: Record<string, unknown>;
  fields: Record<string, unknown>;
  ignored_fields: string[] | null;
  status: WriteStatus;
  errors: string[] | null;
  created_record_id: string | null;
  sent_at: Date | null;
  idempotency_key: string | null;
  body_hash: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** A write to accept: its job row, made PENDING. */
export interface NewWriteJob {
  rootJobId?: string;
  organizationId: string;
  integrationId: string;
  model: string;
  operation: string;
  recordId: string | null;
  xId: string | null;
  parameters: Record<string, unknown>;
  fields: Record<string, unknown>;
  ignoredFields: string[];
  idempotencyKey: string | null;
  bodyHash: string | null;
}

/**
 * What a claim found: the job to run now, one to wait for (an earlier write of its record), or nothing to do.
 * `resumed`: a worker had taken it before (and stopped); `wasSent`: that worker may have sent it to the vendor.
 */
export type WriteClaim =
  { kind: 'run'; job: WriteJobRow; resumed: boolean; wasSent: boolean } | { kind: 'wait' } | { kind: 'done' };

/** What the write log lists (the spec's `logs[]` of `GET /v1/admin/logs/writes/`). */
export interface WriteLogFilter {
  organizationId: string;
  since: Date;
  integrationId?: string;
  status?: 'SUCCESS' | 'FAILURE';
  model?: string;
  limit: number;
  offset: number;
}

/** The write_jobs and write_job_logs tables. */
@Injectable()
export class WriteJobRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Records a write PENDING, unless the organization accepted one under the same Idempotency-Key in the last 24
   * hours: that one is answered instead (`inserted` false). Requests with one key take turns on a
   * transaction-scoped advisory lock of the key, so of concurrent ones only the first inserts. (A unique index
   * cannot say "within 24 hours"; the lock can, and it is released with the transaction.)
   */
  async insert(job: NewWriteJob): Promise<{ row: WriteJobRow; inserted: boolean }> {
    const key = job.idempotencyKey;
    if (key === null) return { row: await this.insertRow(null, job), inserted: true };
    return this.transactions.runSql(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `write_jobs.idempotency_key:${job.organizationId}:${key}`,
      ]);
      const earlier = await this.byIdempotencyKey(job.organizationId, key, tx);
      if (earlier) return { row: earlier, inserted: false };
      return { row: await this.insertRow(tx, job), inserted: true };
    });
  }

  private async insertRow(tx: SqlTx | null, job: NewWriteJob): Promise<WriteJobRow> {
    const id = newId();
    const run = (text: string, params: unknown[]) =>
      tx ? tx.query<WriteJobRow>(text, params).then((r) => r.rows) : this.prisma.sql<WriteJobRow>(text, params);
    const rows = await run(
      `INSERT INTO "write_jobs" ("id", "root_job_id", "organization_id", "integration_id", "model", "operation", "record_id", "x_id",
         "parameters", "fields", "ignored_fields", "errors", "idempotency_key", "body_hash")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '{}', $12, $13) RETURNING *`,
      [
        id,
        job.rootJobId ?? id,
        job.organizationId,
        job.integrationId,
        job.model,
        job.operation,
        job.recordId,
        job.xId,
        JSON.stringify(job.parameters),
        JSON.stringify(job.fields),
        job.ignoredFields,
        job.idempotencyKey,
        job.bodyHash,
      ],
    );
    return rows[0];
  }

  async load(id: string): Promise<WriteJobRow | null> {
    const rows = await this.prisma.sql<WriteJobRow>(`SELECT * FROM "write_jobs" WHERE "id" = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The latest job of a write (its retries share the first job's id as their root), within the organization. */
  async latestOfRoot(organizationId: string, rootJobId: string): Promise<WriteJobRow | null> {
    const rows = await this.prisma.sql<WriteJobRow>(
      `SELECT * FROM "write_jobs" WHERE "root_job_id" = $1 AND "organization_id" = $2 ORDER BY "sequence" DESC LIMIT 1`,
      [rootJobId, organizationId],
    );
    return rows[0] ?? null;
  }

  /** The first write accepted under this Idempotency-Key in the last 24 hours (in the caller's transaction when given). */
  async byIdempotencyKey(organizationId: string, key: string, tx: SqlTx | null = null): Promise<WriteJobRow | null> {
    const text = `SELECT * FROM "write_jobs" WHERE "organization_id" = $1 AND "idempotency_key" = $2
         AND "created_at" > now() - interval '24 hours' ORDER BY "created_at" LIMIT 1`;
    const rows = tx
      ? (await tx.query<WriteJobRow>(text, [organizationId, key])).rows
      : await this.prisma.sql<WriteJobRow>(text, [organizationId, key]);
    return rows[0] ?? null;
  }

  /**
   * Takes a job to run: PENDING → RUNNING, unless an earlier write of the same record is still unfinished
   * (writes to one record reach the vendor in the order accepted). A job found RUNNING was left by a worker
   * that stopped: it is taken again (`resumed`), and the runner decides whether it may be sent. Taking a job
   * marks it `sent_at` (from now on its request may reach the vendor): one round trip fewer before the request,
   * and a worker that stops before sending leaves a create "outcome unknown", never sent twice.
   */
  async claim(id: string): Promise<WriteClaim> {
    const rows = await this.prisma.sql<WriteJobRow & { blocked: boolean; was: WriteStatus; was_sent: boolean }>(
      `WITH target AS (
         SELECT j.*, EXISTS (
           SELECT 1 FROM "write_jobs" e WHERE j."record_id" IS NOT NULL AND e."integration_id" = j."integration_id"
             AND e."record_id" = j."record_id" AND e."sequence" < j."sequence" AND e."status" IN ('PENDING', 'RUNNING')
         ) AS blocked
         FROM "write_jobs" j WHERE j."id" = $1 FOR UPDATE),
       taken AS (
         UPDATE "write_jobs" w SET "status" = 'RUNNING', "started_at" = coalesce(w."started_at", now()),
           "sent_at" = coalesce(w."sent_at", now())
         FROM target t WHERE w."id" = t."id" AND NOT t.blocked AND t."status" IN ('PENDING', 'RUNNING')
         RETURNING w.*)
       SELECT target.blocked, target."status" AS was, target."sent_at" IS NOT NULL AS was_sent, taken.*
       FROM target LEFT JOIN taken ON true`,
      [id],
    );
    const row = rows[0];
    if (!row || (row.was !== 'PENDING' && row.was !== 'RUNNING')) return { kind: 'done' };
    if (row.blocked) return { kind: 'wait' };
    return { kind: 'run', job: row, resumed: row.was === 'RUNNING', wasSent: row.was_sent };
  }

  /**
   * Ends a RUNNING job (in the caller's transaction when given), with its vendor exchanges. False when the job
   * had ended already: a worker whose lock lapsed while it was busy finds its write ended by the worker that
   * took it over, whose verdict stands (the caller rolls back what it meant to commit with the end). A create's
   * `xId` is the vendor's id of the record it made: a retry of a PARTIAL_SUCCESS create completes that record.
   */
  async finish(
    tx: SqlTx | null,
    id: string,
    end: { status: WriteStatus; errors: string[]; createdRecordId: string | null; xId: string | null },
    exchanges: VendorExchange[],
  ): Promise<boolean> {
    const run = async (text: string, params: unknown[]) =>
      tx ? (await tx.query<{ id: string }>(text, params)).rows : await this.prisma.sql<{ id: string }>(text, params);
    const ended = await run(
      `UPDATE "write_jobs" SET "status" = $2, "errors" = $3, "created_record_id" = $4, "x_id" = coalesce($5, "x_id"),
         "finished_at" = now()
       WHERE "id" = $1 AND "status" = 'RUNNING' RETURNING "id"`,
      [id, end.status, end.errors, end.createdRecordId, end.xId],
    );
    if (ended.length === 0) return false;
    if (exchanges.length === 0) return true;
    await run(
      `INSERT INTO "write_job_logs" ("id", "write_job_id", "method", "path", "request", "status", "response", "error", "created_at")
       SELECT t.id, $1, t.method, t.path, t.request, t.status, t.response, t.error, clock_timestamp() + t.n * interval '1 microsecond'
       FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::jsonb[], $8::text[])
         WITH ORDINALITY AS t(id, method, path, request, status, response, error, n)`,
      [
        id,
        exchanges.map(() => newId()),
        exchanges.map((e) => e.method),
        exchanges.map((e) => e.path),
        exchanges.map((e) => JSON.stringify({ params: e.params ?? null, body: e.body ?? null })),
        exchanges.map((e) => e.status),
        exchanges.map((e) => JSON.stringify(e.response ?? null)),
        exchanges.map((e) => e.error ?? null),
      ],
    );
    return true;
  }

  /** Finished writes of the organization, newest first, each with its first vendor request's log id. */
  async logs(filter: WriteLogFilter) {
    return this.prisma.sql<WriteJobRow & { vendor: string; job_log_id: string | null }>(
      `SELECT j.*, i."vendor"::text AS vendor,
              (SELECT l."id" FROM "write_job_logs" l WHERE l."write_job_id" = j."id" ORDER BY l."created_at" LIMIT 1) AS job_log_id
       FROM "write_jobs" j JOIN "integrations" i ON i."id" = j."integration_id"
       WHERE j."organization_id" = $1 AND j."created_at" >= $2
         AND ($3::text IS NULL OR j."integration_id" = $3)
         AND j."status" IN ('SUCCESS', 'FAILURE', 'PARTIAL_SUCCESS')
         AND ($4::text IS NULL OR (CASE WHEN j."status" = 'SUCCESS' THEN 'SUCCESS' ELSE 'FAILURE' END) = $4)
         AND ($5::text IS NULL OR j."model" = $5)
       ORDER BY j."created_at" DESC, j."id" LIMIT $6 OFFSET $7`,
      [
        filter.organizationId,
        filter.since,
        filter.integrationId ?? null,
        filter.status ?? null,
        filter.model ?? null,
        filter.limit,
        filter.offset,
      ],
    );
  }

  /** One vendor exchange of a write of the organization. */
  async log(organizationId: string, jobLogId: string) {
    const rows = await this.prisma.sql<{
      id: string;
      write_job_id: string;
      method: string;
      path: string;
      request: unknown;
      status: number | null;
      response: unknown;
      error: string | null;
      created_at: Date;
    }>(
      `SELECT l.* FROM "write_job_logs" l JOIN "write_jobs" j ON j."id" = l."write_job_id"
       WHERE l."id" = $1 AND j."organization_id" = $2`,
      [jobLogId, organizationId],
    );
    return rows[0] ?? null;
  }
}

import { Injectable } from '@nestjs/common';
import { prismaOrderBy, type ListPage } from '../platform/common/http/list-query.dto';
import { newId } from '../platform/common/ids';
import { PrismaService, type SqlTx } from '../platform/database/prisma.service';
import type { DriftKind } from '../normalise/schema-drift';
import type { UnknownValueCount } from '../normalise/unknown-values';
import type { ReportedRateLimits } from '../fetch/adapter/vendor-adapter';

/** The answer to a claim on the integration's next request: go now, wait, or stop (circuit open). */
/** `failing`: the integration had failures on record when the slot was granted (a success must clear them). */
export type SlotClaim =
  { granted: true; failing: boolean } | { granted: false; waitMs: number; circuit: OpenCircuit | null };

export interface OpenCircuit {
  openUntil: Date;
  lastError: string | null;
}

export interface CircuitPolicy {
  /** Failed requests in a row (each after its own retries) that open the circuit. */
  failureThreshold: number;
  /** First open period; doubled each time it opens again without a success in between. */
  openMs: number;
  maxOpenMs: number;
}

export interface DriftCount {
  model: string;
  field: string;
  kind: DriftKind;
  occurrences: number;
  sampleXId: string | null;
}

export interface ModelUnknownValueCount extends UnknownValueCount {
  model: string;
}

/**
 * Per-integration vendor state shared by every worker process, in PostgreSQL: the request budget (each
 * request reserves the next slot in one statement, so N workers together stay under it), the circuit
 * breaker, the rate limits the vendor reports, and schema drift.
 */
@Injectable()
export class VendorStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims the right to send `slots` requests (one per interval from now): granted when the next slot has come (by
   * the database's clock, shared by every worker) and the circuit is not open; the claim itself moves the next slot
   * on by `slots` intervals, from the slot it took: a claimer that wakes a little late (up to half an interval) does not push every later slot back, so
   * a busy integration uses its whole budget, and any window of the cadence still holds at most one request more
   * than the budget, as before. One statement, so concurrent claimers from any process get at most one per slot.
   * A `write` claim goes first: while one waits (`writes_waiting_until`, moved on by each write refused), sync
   * claims are refused, so a write takes the next slot even when many sync requests queue for it.
   */
  async claimSlot(integrationId: string, intervalMs: number, write = false, slots = 1): Promise<SlotClaim> {
    const rows = await this.prisma.sql<{
      granted: boolean;
      failing: boolean;
      wait_ms: number | null;
      circuit_open_until: Date | null;
      last_error: string | null;
    }>(
      `WITH claim AS (
         INSERT INTO "vendor_states" ("integration_id", "next_slot_at") VALUES ($1, clock_timestamp() + $4::int * $2::float8 * interval '1 millisecond')
         ON CONFLICT ("integration_id") DO UPDATE
           SET "next_slot_at" = greatest("vendor_states"."next_slot_at", clock_timestamp() - $2::float8 * interval '0.5 millisecond') + $4::int * $2::float8 * interval '1 millisecond'
           WHERE "vendor_states"."next_slot_at" <= clock_timestamp()
             AND ("vendor_states"."circuit_open_until" IS NULL OR "vendor_states"."circuit_open_until" <= clock_timestamp())
             AND ($3 OR "vendor_states"."writes_waiting_until" IS NULL OR "vendor_states"."writes_waiting_until" <= clock_timestamp())
         RETURNING 1),
       waiting AS (
         UPDATE "vendor_states" SET "writes_waiting_until" = greatest("next_slot_at", clock_timestamp()) + interval '1 second'
         WHERE $3 AND "integration_id" = $1 AND NOT EXISTS (SELECT 1 FROM claim)
         RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM claim) AS granted,
              coalesce(s."consecutive_failures" > 0 OR s."circuit_open_until" IS NOT NULL, false) AS failing,
              ceil(greatest(0, extract(epoch FROM (
                CASE WHEN $3 THEN s."next_slot_at" ELSE greatest(s."next_slot_at", s."writes_waiting_until") END
                - clock_timestamp())) * 1000))::int AS wait_ms,
              CASE WHEN s."circuit_open_until" > clock_timestamp() THEN s."circuit_open_until" END AS circuit_open_until, s."last_error"
       FROM (SELECT 1) one LEFT JOIN "vendor_states" s ON s."integration_id" = $1`,
      [integrationId, intervalMs, write, slots],
      'latchkey_claim_vendor_slot_v5',
    );
    const row = rows[0];
    if (row.granted) return { granted: true, failing: row.failing };
    return {
      granted: false,
      waitMs: row.wait_ms ?? 0,
      circuit: row.circuit_open_until ? { openUntil: row.circuit_open_until, lastError: row.last_error } : null,
    };
  }

  /** A request that succeeded closes the circuit; written only when there was something to reset. */
  async recordSuccess(integrationId: string): Promise<void> {
    await this.prisma.sql(
      `UPDATE "vendor_states" SET "consecutive_failures" = 0, "circuit_open_until" = NULL, "circuit_opened_count" = 0, "updated_at" = now()
       WHERE "integration_id" = $1 AND ("consecutive_failures" > 0 OR "circuit_open_until" IS NOT NULL)`,
      [integrationId],
    );
  }

  /** A request that failed after its retries; the threshold-th in a row opens the circuit (again, for longer). */
  async recordFailure(integrationId: string, error: string, policy: CircuitPolicy): Promise<Date | null> {
    const rows = await this.prisma.sql<{ opened_until: Date | null }>(
      `UPDATE "vendor_states" s SET
         "consecutive_failures" = s."consecutive_failures" + 1, "last_error" = left($2, 2000), "last_failure_at" = now(), "updated_at" = now(),
         "circuit_open_until" = CASE WHEN s."consecutive_failures" + 1 >= $3
           THEN now() + least($5::bigint, $4::bigint * power(2, s."circuit_opened_count")::bigint) * interval '1 millisecond' ELSE s."circuit_open_until" END,
         "circuit_opened_count" = CASE WHEN s."consecutive_failures" + 1 >= $3 THEN s."circuit_opened_count" + 1 ELSE s."circuit_opened_count" END
       WHERE s."integration_id" = $1
       RETURNING CASE WHEN s."consecutive_failures" >= $3 THEN s."circuit_open_until" END AS opened_until`,
      [integrationId, error, policy.failureThreshold, policy.openMs, policy.maxOpenMs],
    );
    return rows[0]?.opened_until ?? null;
  }

  async state(integrationId: string) {
    return this.prisma.vendorState.findUnique({ where: { integration_id: integrationId } });
  }

  /** Upserts the latest limits per API (one statement for all of them). */
  async saveRateLimits(integrationId: string, limits: ReportedRateLimits[]): Promise<void> {
    if (limits.length === 0) return;
    const column = <K extends keyof ReportedRateLimits>(key: K) => limits.map((l) => l[key]);
    await this.prisma.sql(
      `INSERT INTO "vendor_rate_limits" ("integration_id", "api", "minute_limit", "hour_limit", "day_limit", "minute_remaining", "hour_remaining", "day_remaining")
       SELECT $1, t.* FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[]) AS t
       ON CONFLICT ("integration_id", "api") DO UPDATE SET
         "minute_limit" = excluded."minute_limit", "hour_limit" = excluded."hour_limit", "day_limit" = excluded."day_limit",
         "minute_remaining" = excluded."minute_remaining", "hour_remaining" = excluded."hour_remaining", "day_remaining" = excluded."day_remaining",
         "updated_at" = now()`,
      [
        integrationId,
        column('api'),
        column('minute_limit'),
        column('hour_limit'),
        column('day_limit'),
        column('minute_remaining'),
        column('hour_remaining'),
        column('day_remaining'),
      ],
    );
  }

  rateLimits(integrationId: string, page: ListPage) {
    return this.prisma.vendorRateLimit.findMany({
      where: { integration_id: integrationId },
      skip: page.offset,
      take: page.limit,
      orderBy: [...page.orderBy.map((o) => ({ [o.field]: o.direction })), { api: 'asc' as const }],
    });
  }

  /** Adds a page's drift counts, inside the page's transaction. */
  async addDrift(
    tx: SqlTx,
    scope: { organizationId: string; integrationId: string },
    counts: DriftCount[],
  ): Promise<void> {
    if (counts.length === 0) return;
    await tx.query(
      `INSERT INTO "schema_drift" ("id", "organization_id", "integration_id", "model", "field", "kind", "occurrences", "sample_x_id")
       SELECT t.id, $1, $2, t.model, t.field, t.kind, t.occurrences, t.sample FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])
         AS t(id, model, field, kind, occurrences, sample)
       ON CONFLICT ("integration_id", "model", "field", "kind") DO UPDATE SET
         "occurrences" = "schema_drift"."occurrences" + excluded."occurrences", "last_seen_at" = now(),
         "sample_x_id" = coalesce(excluded."sample_x_id", "schema_drift"."sample_x_id")`,
      [
        scope.organizationId,
        scope.integrationId,
        counts.map(() => newId()),
        counts.map((c) => c.model),
        counts.map((c) => c.field),
        counts.map((c) => c.kind),
        counts.map((c) => c.occurrences),
        counts.map((c) => c.sampleXId),
      ],
    );
  }

  /** Adds a page's counts of values no mapping table knows, inside the page's transaction (one statement). */
  async addUnknownValues(
    tx: SqlTx,
    scope: { organizationId: string; integrationId: string },
    counts: ModelUnknownValueCount[],
  ): Promise<void> {
    if (counts.length === 0) return;
    await tx.query(
      `INSERT INTO "unknown_values" ("id", "organization_id", "integration_id", "model", "field", "value", "mapped_to", "occurrences", "sample_x_id")
       SELECT t.id, $1, $2, t.model, t.field, t.value, t.mapped_to, t.occurrences, t.sample
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[]) AS t(id, model, field, value, mapped_to, occurrences, sample)
       ON CONFLICT ("integration_id", "model", "field", "value") DO UPDATE SET
         "occurrences" = "unknown_values"."occurrences" + excluded."occurrences", "last_seen_at" = now(), "mapped_to" = excluded."mapped_to",
         "sample_x_id" = coalesce(excluded."sample_x_id", "unknown_values"."sample_x_id")`,
      [
        scope.organizationId,
        scope.integrationId,
        counts.map(() => newId()),
        counts.map((c) => c.model),
        counts.map((c) => c.field),
        counts.map((c) => c.value),
        counts.map((c) => c.mappedTo),
        counts.map((c) => c.occurrences),
        counts.map((c) => c.sampleXId),
      ],
    );
  }

  unknownValues(integrationId: string, page: ListPage) {
    const where = { integration_id: integrationId };
    return Promise.all([
      this.prisma.unknownValue.findMany({ where, orderBy: prismaOrderBy(page), skip: page.offset, take: page.limit }),
      this.prisma.unknownValue.count({ where }),
    ]);
  }

  drift(integrationId: string, page: ListPage) {
    const where = { integration_id: integrationId };
    return Promise.all([
      this.prisma.schemaDrift.findMany({ where, orderBy: prismaOrderBy(page), skip: page.offset, take: page.limit }),
      this.prisma.schemaDrift.count({ where }),
    ]);
  }
}

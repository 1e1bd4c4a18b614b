import { Injectable } from '@nestjs/common';
import { newId } from '../../platform/common/ids';
import { prismaOrderBy, type ListPage } from '../../platform/common/http/list-query.dto';
import { PrismaService, type Tx } from '../../platform/database/prisma.service';
import { Transactions } from '../../platform/database/transactions';
import type { RunTrigger } from './connect-schedule';
import type { StreamConfig } from './stream-catalog';

/** A keyset position in the cache: the last (updated_at, id) a destination committed. */
export interface CachePosition {
  updatedAt: Date;
  id: string;
}

export interface StreamCursor {
  position: CachePosition | null;
  stagingRunId: string | null;
}

/** What a worker needs to run a run, read fresh at each attempt. */
export interface RunContext {
  runId: string;
  organizationId: string;
  connectionId: string;
  integrationId: string;
  namespace: string;
  streamPrefix: string;
  destinationUrlEncrypted: string;
  attempts: number;
  /** The run's streams still to do (those an earlier attempt finished are left out). */
  streams: StreamConfig[];
}

export interface DueConnection {
  id: string;
  organization_id: string;
  schedule_cron: string;
}

/** Connect runs, their per-stream results and the stream cursors. */
@Injectable()
export class ConnectRunRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  /** Runs the work in a transaction holding the connection's row lock: run requests and run ends of one connection serialise on it. */
  async withConnectionLock<T>(connectionId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transactions.run(async (tx) => {
      await tx.$queryRawUnsafe(
        'SELECT 1 AS locked FROM "connect_connections" WHERE "id" = $1 FOR UPDATE',
        connectionId,
      );
      return work(tx);
    });
  }

  /**
   * Starts a run, or queues one behind the running run (one at a time per connection). A request while a
   * run is already queued joins that one: exactly one run follows the running one, and none is skipped.
   * The caller's transaction holds the connection's lock. `start` says whether the run must be enqueued.
   */
  async requestRun(
    tx: Tx,
    organizationId: string,
    connectionId: string,
    trigger: RunTrigger,
  ): Promise<{ runId: string; start: boolean }> {
    const running = await tx.connectRun.findFirst({
      where: { connection_id: connectionId, status: 'RUNNING' },
      select: { id: true },
    });
    if (!running) return { runId: await this.createRunning(tx, organizationId, connectionId, trigger), start: true };
    const queued = await tx.connectRun.findFirst({
      where: { connection_id: connectionId, status: 'QUEUED' },
      select: { id: true },
    });
    if (queued) return { runId: queued.id, start: false };
    const runId = newId();
    await tx.connectRun.create({
      data: { id: runId, organization_id: organizationId, connection_id: connectionId, status: 'QUEUED', trigger },
    });
    return { runId, start: false };
  }

  /**
   * Ends a run and, in the same transaction, starts the connection's queued run if there is one (returned,
   * to enqueue). Streams the run left unfinished are marked FAILED with its error when it failed.
   */
  async finishRun(runId: string, status: 'SUCCEEDED' | 'FAILED', error: string | null): Promise<string | null> {
    const run = await this.prisma.connectRun.findUnique({
      where: { id: runId },
      select: { connection_id: true, organization_id: true },
    });
    if (!run) return null;
    return this.withConnectionLock(run.connection_id, async (tx) => {
      const { count } = await tx.connectRun.updateMany({
        where: { id: runId, status: 'RUNNING' },
        data: { status, error, finished_at: new Date() },
      });
      if (count === 0) return null; // already ended (a duplicate delivery)
      if (status === 'FAILED')
        await tx.connectRunStream.updateMany({
          where: { run_id: runId, status: 'RUNNING' },
          data: { status: 'FAILED', error },
        });
      const queued = await tx.connectRun.findFirst({
        where: { connection_id: run.connection_id, status: 'QUEUED' },
        orderBy: { created_at: 'asc' },
        select: { id: true },
      });
      if (!queued) return null;
      await tx.connectRun.update({ where: { id: queued.id }, data: { status: 'RUNNING', started_at: new Date() } });
      await this.createRunStreams(tx, queued.id, run.connection_id);
      return queued.id;
    });
  }

  /** Counts an attempt and loads the run; null when it is not running (ended, or its connection deleted). */
  async startAttempt(runId: string): Promise<RunContext | null> {
    const { count } = await this.prisma.connectRun.updateMany({
      where: { id: runId, status: 'RUNNING' },
      data: { attempts: { increment: 1 } },
    });
    if (count === 0) return null;
    const run = await this.prisma.connectRun.findUnique({
      where: { id: runId },
      include: {
        connection: { include: { destination: { select: { connection_url_encrypted: true } } } },
        streams: true,
      },
    });
    if (!run) return null;
    const configured = run.connection.streams as unknown as StreamConfig[];
    const done = new Set(run.streams.filter((s) => s.status === 'SUCCEEDED').map((s) => s.stream));
    const ofRun = new Set(run.streams.map((s) => s.stream));
    return {
      runId: run.id,
      organizationId: run.organization_id,
      connectionId: run.connection_id,
      integrationId: run.connection.integration_id,
      namespace: run.connection.namespace,
      streamPrefix: run.connection.stream_prefix,
      destinationUrlEncrypted: run.connection.destination.connection_url_encrypted,
      attempts: run.attempts,
      streams: configured.filter((s) => ofRun.has(s.name) && !done.has(s.name)),
    };
  }

  /** The error of a failed attempt that will be retried, shown on the run meanwhile. */
  async noteAttemptError(runId: string, stream: string | null, error: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      await tx.connectRun.updateMany({ where: { id: runId, status: 'RUNNING' }, data: { error } });
      if (stream) await tx.connectRunStream.updateMany({ where: { run_id: runId, stream }, data: { error } });
    });
  }

  async startStream(runId: string, stream: string): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `UPDATE "connect_run_streams" SET "status" = 'RUNNING', "started_at" = COALESCE("started_at", now()) WHERE "run_id" = $1 AND "stream" = $2`,
      runId,
      stream,
    );
  }

  async finishStream(runId: string, stream: string): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `UPDATE "connect_run_streams" SET "status" = 'SUCCEEDED', "error" = NULL,
         "duration_ms" = (extract(epoch FROM now() - COALESCE("started_at", now())) * 1000)::int
       WHERE "run_id" = $1 AND "stream" = $2`,
      runId,
      stream,
    );
  }

  async cursor(connectionId: string, stream: string): Promise<StreamCursor> {
    const row = await this.prisma.connectStreamCursor.findUnique({
      where: { connection_id_stream: { connection_id: connectionId, stream } },
    });
    return {
      position:
        row?.cursor_updated_at && row.cursor_id !== null
          ? { updatedAt: row.cursor_updated_at, id: row.cursor_id }
          : null,
      stagingRunId: row?.staging_run_id ?? null,
    };
  }

  /** A full refresh (re)starts its staging table: its position starts over, and so does the stream's count. */
  async beginFullRefresh(connectionId: string, stream: string, runId: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      await tx.connectStreamCursor.upsert({
        where: { connection_id_stream: { connection_id: connectionId, stream } },
        create: { connection_id: connectionId, stream, staging_run_id: runId },
        update: { cursor_updated_at: null, cursor_id: null, staging_run_id: runId },
      });
      await tx.connectRunStream.updateMany({ where: { run_id: runId, stream }, data: { records: 0 } });
    });
  }

  /** After the swap: the staging table is gone, the position stays where the refresh ended. */
  async endFullRefresh(connectionId: string, stream: string): Promise<void> {
    await this.prisma.connectStreamCursor.updateMany({
      where: { connection_id: connectionId, stream },
      data: { staging_run_id: null },
    });
  }

  /** Called once the destination committed a page: the stream's position moves past it and the run counts its rows. */
  async savePosition(
    connectionId: string,
    stream: string,
    runId: string,
    position: CachePosition,
    records: number,
  ): Promise<void> {
    await this.transactions.runSql(async (tx) => {
      await tx.query(
        `INSERT INTO "connect_stream_cursors" ("connection_id", "stream", "cursor_updated_at", "cursor_id", "updated_at") VALUES ($1, $2, $3, $4, now())
         ON CONFLICT ("connection_id", "stream") DO UPDATE SET "cursor_updated_at" = EXCLUDED."cursor_updated_at", "cursor_id" = EXCLUDED."cursor_id", "updated_at" = now()`,
        [connectionId, stream, position.updatedAt, position.id],
      );
      await tx.query(
        'UPDATE "connect_run_streams" SET "records" = "records" + $3 WHERE "run_id" = $1 AND "stream" = $2',
        [runId, stream, records],
      );
    });
  }

  async listRuns(connectionId: string, page: ListPage) {
    const where = { connection_id: connectionId };
    return this.transactions.page(
      (tx) =>
        tx.connectRun.findMany({
          where,
          skip: page.offset,
          take: page.limit,
          orderBy: prismaOrderBy(page),
          include: { streams: true },
        }),
      (tx) => tx.connectRun.count({ where }),
    );
  }

  getRun(connectionId: string, runId: string) {
    return this.prisma.connectRun.findFirst({
      where: { id: runId, connection_id: connectionId },
      include: { streams: true },
    });
  }

  /** Cron connections whose next run is due, locked (other schedulers skip them) until the transaction ends. */
  lockDue(tx: Tx, limit: number): Promise<DueConnection[]> {
    return tx.$queryRawUnsafe<DueConnection[]>(
      `SELECT "id", "organization_id", "schedule_cron" FROM "connect_connections"
       WHERE "active" AND "schedule_type" = 'cron' AND "next_run_at" <= now()
       ORDER BY "next_run_at" LIMIT $1 FOR UPDATE SKIP LOCKED`,
      limit,
    );
  }

  async setNextRun(tx: Tx, connectionId: string, at: Date): Promise<void> {
    await tx.connectConnection.update({ where: { id: connectionId }, data: { next_run_at: at } });
  }

  /** Running runs started a while ago: the sweeper checks that their queue job still exists. */
  async runningSince(before: Date): Promise<string[]> {
    const rows = await this.prisma.connectRun.findMany({
      where: { status: 'RUNNING', started_at: { lt: before } },
      select: { id: true },
      take: 500,
    });
    return rows.map((r) => r.id);
  }

  private async createRunning(
    tx: Tx,
    organizationId: string,
    connectionId: string,
    trigger: RunTrigger,
  ): Promise<string> {
    const runId = newId();
    await tx.connectRun.create({
      data: {
        id: runId,
        organization_id: organizationId,
        connection_id: connectionId,
        status: 'RUNNING',
        trigger,
        started_at: new Date(),
      },
    });
    await this.createRunStreams(tx, runId, connectionId);
    return runId;
  }

  /** A run replicates the streams its connection has when it starts. */
  private async createRunStreams(tx: Tx, runId: string, connectionId: string): Promise<void> {
    const connection = await tx.connectConnection.findUniqueOrThrow({
      where: { id: connectionId },
      select: { streams: true },
    });
    const streams = connection.streams as unknown as StreamConfig[];
    await tx.connectRunStream.createMany({
      data: streams.map((s) => ({ run_id: runId, stream: s.name, sync_mode: s.sync_mode })),
    });
  }
}

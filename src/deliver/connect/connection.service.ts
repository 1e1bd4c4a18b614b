import { Injectable } from '@nestjs/common';
import { SecretBox } from '../../platform/common/crypto/secret-box';
import { AppError } from '../../platform/common/errors/app-error';
import { pageOf, type ListQueryDto } from '../../platform/common/http/list-query.dto';
import type { Prisma } from '../../generated/prisma/client';
import { cronProblem } from '../../platform/common/cron';
import type { CreateConnectionDto, ScheduleDto, StreamDto, UpdateConnectionDto } from './connect.dto';
import { ConnectRunService } from './connect-run.service';
import { nextCronTime } from './connect-schedule';
import type { Tx } from '../../platform/database/prisma.service';
import { connectionTables, ConnectionRepository, type ConnectionRow, type TableClaim } from './connection.repository';
import { namespaceProblem, stagingTableName, streamPrefixProblem } from './identifiers';
import { explainConnectFailure, PostgresDestinationConnector, type PostgresDestination } from './postgres-destination';
import { describeFailure, isPersistentFailure } from './replication-failures';
import {
  ALWAYS_INCLUDED_FIELDS,
  streamFieldNames,
  syncModeProblem,
  unknownFields,
  type StreamConfig,
  type StreamName,
  type SyncMode,
} from './stream-catalog';

const SORTABLE = ['created_at', 'updated_at', 'name', 'id'];

/** Connect connections: one integration into one destination, with streams, a schedule and a namespace. */
@Injectable()
export class ConnectionService {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly runs: ConnectRunService,
    private readonly connector: PostgresDestinationConnector,
    private readonly secrets: SecretBox,
  ) {}

  async create(organizationId: string, dto: CreateConnectionDto) {
    const streams = validateStreams(dto.streams);
    assertSchedule(dto.schedule);
    assertNames(dto.namespace, dto.stream_prefix ?? '');
    if (!(await this.connections.integrationExists(organizationId, dto.integration_id)))
      throw AppError.notFound('Integration', dto.integration_id);
    if (!(await this.connections.destinationExists(organizationId, dto.destination_id)))
      throw AppError.notFound('Destination', dto.destination_id);
    const active = dto.active ?? true;
    const claim = {
      destinationId: dto.destination_id,
      namespace: dto.namespace,
      tables: connectionTables(dto.stream_prefix ?? '', streams),
      connectionId: null,
    };
    const row = await this.claimTables(organizationId, claim, (tx) =>
      this.connections.create(tx, {
        organization_id: organizationId,
        name: dto.name,
        integration_id: dto.integration_id,
        destination_id: dto.destination_id,
        streams: streams as unknown as Prisma.InputJsonValue,
        schedule_type: dto.schedule.type,
        schedule_cron: dto.schedule.type === 'cron' ? dto.schedule.cron! : null,
        namespace: dto.namespace,
        stream_prefix: dto.stream_prefix ?? '',
        active,
        next_run_at: nextRunAt(active, dto.schedule.type === 'cron' ? dto.schedule.cron! : null),
      }),
    );
    return present(row);
  }

  async list(organizationId: string, query: ListQueryDto) {
    return pageOf(query, SORTABLE, (page) => this.connections.list(organizationId, page), present);
  }

  async get(organizationId: string, id: string) {
    return present(await this.require(organizationId, id));
  }

  async update(organizationId: string, id: string, dto: UpdateConnectionDto) {
    const existing = await this.require(organizationId, id);
    const streams = dto.streams ? validateStreams(dto.streams) : (existing.streams as unknown as StreamConfig[]);
    if (dto.schedule) assertSchedule(dto.schedule);
    assertNames(dto.namespace ?? existing.namespace, dto.stream_prefix ?? existing.stream_prefix);
    if (dto.destination_id && !(await this.connections.destinationExists(organizationId, dto.destination_id)))
      throw AppError.notFound('Destination', dto.destination_id);
    const cron = dto.schedule ? (dto.schedule.type === 'cron' ? dto.schedule.cron! : null) : existing.schedule_cron;
    const active = dto.active ?? existing.active;
    const claim = {
      destinationId: dto.destination_id ?? existing.destination_id,
      namespace: dto.namespace ?? existing.namespace,
      tables: connectionTables(dto.stream_prefix ?? existing.stream_prefix, streams),
      connectionId: id,
    };
    const row = await this.claimTables(organizationId, claim, (tx) =>
      this.connections.update(
        tx,
        organizationId,
        id,
        {
          name: dto.name,
          destination_id: dto.destination_id,
          streams: streams as unknown as Prisma.InputJsonValue,
          ...(dto.schedule ? { schedule_type: dto.schedule.type, schedule_cron: cron } : {}),
          namespace: dto.namespace,
          stream_prefix: dto.stream_prefix,
          active,
          next_run_at: nextRunAt(active, cron),
        },
        streamsToReread(existing, dto, streams),
      ),
    );
    if (!row) throw AppError.notFound('Connection', id);
    return present(row);
  }

  /**
   * Deletes the connection; with `dropTables`, its tables in the destination first (each stream's table and
   * any staging table a full refresh left), through the outbound guard. The connection stays when they
   * cannot be dropped, and the error says why.
   */
  async delete(organizationId: string, id: string, dropTables = false) {
    if (!dropTables) {
      if (!(await this.connections.delete(organizationId, id))) throw AppError.notFound('Connection', id);
      return { success: true };
    }
    const outcome = await this.connections.deleteAfter(organizationId, id, (connection) =>
      this.dropTables(organizationId, connection),
    );
    if (outcome === 'not_found') throw AppError.notFound('Connection', id);
    if (outcome !== 'deleted') {
      throw new AppError(
        'conflict',
        `Connection ${id} has a run in progress (${outcome.runningRunId}), which would write its tables again: delete it with drop_tables once the run has ended`,
        {
          id,
          run_id: outcome.runningRunId,
        },
      );
    }
    return { success: true };
  }

  async sync(organizationId: string, id: string) {
    const connection = await this.require(organizationId, id);
    return { run_id: await this.runs.requestManualRun(organizationId, connection.id) };
  }

  /** Runs a create or update unless it would write a table another connection writes (409 naming it). */
  private async claimTables<T>(organizationId: string, claim: TableClaim, write: (tx: Tx) => Promise<T>): Promise<T> {
    const outcome = await this.connections.claimTables(organizationId, claim, write);
    if ('written' in outcome) return outcome.written;
    const { connection, table } = outcome.taken;
    throw new AppError(
      'conflict',
      `Connection ${connection.id} ("${connection.name}") already writes the table "${claim.namespace}"."${table}" in this destination: choose another namespace or stream_prefix`,
      { connection_id: connection.id, table: `${claim.namespace}.${table}` },
    );
  }

  private async dropTables(organizationId: string, connection: ConnectionRow): Promise<void> {
    const destination = await this.connections.destination(organizationId, connection.destination_id);
    if (!destination) return;
    const tables = connectionTables(connection.stream_prefix, connection.streams as unknown as StreamConfig[]).flatMap(
      (t) => [t, stagingTableName(t)],
    );
    const failed = (error: unknown, why: string) =>
      new AppError(
        isPersistentFailure(error) ? 'conflict' : 'service_unavailable',
        `Could not drop the tables of connection ${connection.id} in "${connection.namespace}" (${why}); the connection was not deleted`,
        { id: connection.id },
      );
    let target: PostgresDestination;
    try {
      target = await this.connector.connect(this.secrets.open(destination.connection_url_encrypted));
    } catch (error) {
      throw failed(error, explainConnectFailure(error, destination));
    }
    try {
      await target.dropTables(connection.namespace, tables);
    } catch (error) {
      throw failed(error, describeFailure(error));
    } finally {
      await target.close();
    }
  }

  async require(organizationId: string, id: string): Promise<ConnectionRow> {
    const row = await this.connections.find(organizationId, id);
    if (!row) throw AppError.notFound('Connection', id);
    return row;
  }
}

/** Checks each stream and normalises its fields: null for all, else the chosen ones plus id and updated_at, in API order. */
function validateStreams(streams: StreamDto[]): StreamConfig[] {
  const problems: Record<string, string[]> = {};
  const seen = new Set<string>();
  const out = streams.map((stream, index) => {
    const name = stream.name as StreamName;
    if (seen.has(name)) problems[`streams.${index}.name`] = [`${name} is listed twice`];
    seen.add(name);
    const modeProblem = syncModeProblem(name, stream.sync_mode as SyncMode);
    if (modeProblem) problems[`streams.${index}.sync_mode`] = [modeProblem];
    if (stream.fields === undefined) return { name, sync_mode: stream.sync_mode as SyncMode, fields: null };
    const unknown = unknownFields(name, stream.fields);
    if (unknown.length > 0) problems[`streams.${index}.fields`] = [`${name} has no field ${unknown.join(', ')}`];
    const chosen = new Set([...ALWAYS_INCLUDED_FIELDS, ...stream.fields]);
    return {
      name,
      sync_mode: stream.sync_mode as SyncMode,
      fields: streamFieldNames(name).filter((f) => chosen.has(f)),
    };
  });
  if (Object.keys(problems).length > 0)
    throw AppError.invalid(`Invalid streams: ${Object.values(problems).flat().join('; ')}`, problems);
  return out;
}

function assertSchedule(schedule: ScheduleDto): void {
  if (schedule.type !== 'cron') return;
  const problem = cronProblem(schedule.cron!);
  if (problem) throw AppError.invalid(`schedule.cron ${problem}`, { 'schedule.cron': [problem] });
}

function assertNames(namespace: string, prefix: string): void {
  const problems: Record<string, string[]> = {};
  const namespaceIssue = namespaceProblem(namespace);
  if (namespaceIssue) problems.namespace = [namespaceIssue];
  const prefixIssue = streamPrefixProblem(prefix);
  if (prefixIssue) problems.stream_prefix = [prefixIssue];
  if (Object.keys(problems).length > 0)
    throw AppError.invalid(`Invalid ${Object.keys(problems).join(' and ')}`, problems);
}

function nextRunAt(active: boolean, cron: string | null): Date | null {
  return active && cron ? nextCronTime(cron, new Date()) : null;
}

/**
 * Streams whose cursor must go: a new destination table (destination, namespace or prefix changed) means
 * every stream starts over; a stream whose mode or fields changed starts over alone.
 */
function streamsToReread(existing: ConnectionRow, next: UpdateConnectionDto, streams: StreamConfig[]): string[] {
  const before = existing.streams as unknown as StreamConfig[];
  const moved =
    (next.destination_id !== undefined && next.destination_id !== existing.destination_id) ||
    (next.namespace !== undefined && next.namespace !== existing.namespace) ||
    (next.stream_prefix !== undefined && next.stream_prefix !== existing.stream_prefix);
  if (moved) return before.map((s) => s.name);
  return streams
    .filter((s) => {
      const old = before.find((b) => b.name === s.name);
      return !old || old.sync_mode !== s.sync_mode || JSON.stringify(old.fields) !== JSON.stringify(s.fields);
    })
    .map((s) => s.name);
}

/** A connection as the API shows it. */
function present(row: ConnectionRow) {
  return {
    id: row.id,
    name: row.name,
    integration_id: row.integration_id,
    destination_id: row.destination_id,
    streams: row.streams as unknown as StreamConfig[],
    schedule: row.schedule_type === 'cron' ? { type: 'cron', cron: row.schedule_cron } : { type: 'manual' },
    namespace: row.namespace,
    stream_prefix: row.stream_prefix,
    active: row.active,
    next_run_at: row.next_run_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

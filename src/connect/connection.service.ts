import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { pageOf, type ListQueryDto } from '../common/http/list-query.dto';
import type { Prisma } from '../generated/prisma/client';
import { cronProblem } from '../sync/sync-schedule';
import type { CreateConnectionDto, ScheduleDto, StreamDto, UpdateConnectionDto } from './connect.dto';
import { ConnectRunService } from './connect-run.service';
import { nextCronTime } from './connect-schedule';
import { ConnectionRepository, type ConnectionRow } from './connection.repository';
import { namespaceProblem, streamPrefixProblem } from './identifiers';
import { ALWAYS_INCLUDED_FIELDS, streamFieldNames, syncModeProblem, unknownFields, type StreamConfig, type StreamName, type SyncMode } from './stream-catalog';

const SORTABLE = ['created_at', 'updated_at', 'name', 'id'];

/** Connect connections: one integration into one destination, with streams, a schedule and a namespace. */
@Injectable()
export class ConnectionService {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly runs: ConnectRunService,
  ) {}

  async create(organizationId: string, dto: CreateConnectionDto) {
    const streams = validateStreams(dto.streams);
    assertSchedule(dto.schedule);
    assertNames(dto.namespace, dto.stream_prefix ?? '');
    if (!(await this.connections.integrationExists(organizationId, dto.integration_id))) throw AppError.notFound('Integration', dto.integration_id);
    if (!(await this.connections.destinationExists(organizationId, dto.destination_id))) throw AppError.notFound('Destination', dto.destination_id);
    const active = dto.active ?? true;
    const row = await this.connections.create({
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
    });
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
    if (dto.destination_id && !(await this.connections.destinationExists(organizationId, dto.destination_id))) throw AppError.notFound('Destination', dto.destination_id);
    const cron = dto.schedule ? (dto.schedule.type === 'cron' ? dto.schedule.cron! : null) : existing.schedule_cron;
    const active = dto.active ?? existing.active;
    const row = await this.connections.update(organizationId, id, {
      name: dto.name,
      destination_id: dto.destination_id,
      streams: streams as unknown as Prisma.InputJsonValue,
      ...(dto.schedule ? { schedule_type: dto.schedule.type, schedule_cron: cron } : {}),
      namespace: dto.namespace,
      stream_prefix: dto.stream_prefix,
      active,
      next_run_at: nextRunAt(active, cron),
    }, streamsToReread(existing, dto, streams));
    if (!row) throw AppError.notFound('Connection', id);
    return present(row);
  }

  async delete(organizationId: string, id: string) {
    if (!(await this.connections.delete(organizationId, id))) throw AppError.notFound('Connection', id);
    return { success: true };
  }

  async sync(organizationId: string, id: string) {
    const connection = await this.require(organizationId, id);
    return { run_id: await this.runs.requestManualRun(organizationId, connection.id) };
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
    return { name, sync_mode: stream.sync_mode as SyncMode, fields: streamFieldNames(name).filter((f) => chosen.has(f)) };
  });
  if (Object.keys(problems).length > 0) throw AppError.invalid(`Invalid streams: ${Object.values(problems).flat().join('; ')}`, problems);
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
  if (Object.keys(problems).length > 0) throw AppError.invalid(`Invalid ${Object.keys(problems).join(' and ')}`, problems);
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
  const moved = (next.destination_id !== undefined && next.destination_id !== existing.destination_id)
    || (next.namespace !== undefined && next.namespace !== existing.namespace)
    || (next.stream_prefix !== undefined && next.stream_prefix !== existing.stream_prefix);
  if (moved) return before.map((s) => s.name);
  return streams.filter((s) => {
    const old = before.find((b) => b.name === s.name);
    return !old || old.sync_mode !== s.sync_mode || JSON.stringify(old.fields) !== JSON.stringify(s.fields);
  }).map((s) => s.name);
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

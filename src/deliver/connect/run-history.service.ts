import { Injectable } from '@nestjs/common';
import { iso } from '../../catalogue/record-presenter';
import { AppError } from '../../platform/common/errors/app-error';
import { pageOf, singleMeta, type ListQueryDto } from '../../platform/common/http/list-query.dto';
import type { Prisma } from '../../generated/prisma/client';
import { ConnectRunRepository } from './connect-run.repository';
import { ConnectionService } from './connection.service';

const SORTABLE = ['created_at', 'started_at', 'finished_at', 'id'];

type RunRow = Prisma.ConnectRunGetPayload<{ include: { streams: true } }>;

/** A connection's run history (GET /v1/connect/connections/{id}/runs[/{run_id}]). */
@Injectable()
export class RunHistoryService {
  constructor(
    private readonly connections: ConnectionService,
    private readonly runs: ConnectRunRepository,
  ) {}

  async list(organizationId: string, connectionId: string, query: ListQueryDto) {
    await this.connections.require(organizationId, connectionId);
    return pageOf(query, SORTABLE, (page) => this.runs.listRuns(connectionId, page), present);
  }

  async get(organizationId: string, connectionId: string, runId: string) {
    await this.connections.require(organizationId, connectionId);
    const run = await this.runs.getRun(connectionId, runId);
    if (!run) throw AppError.notFound('Run', runId);
    return { meta: singleMeta(), results: present(run) };
  }
}

function present(run: RunRow) {
  return {
    id: run.id,
    connection_id: run.connection_id,
    status: run.status,
    trigger: run.trigger,
    created_at: run.created_at.toISOString(),
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
    attempts: run.attempts,
    error: run.error,
    streams: run.streams.map((s) => ({
      name: s.stream,
      sync_mode: s.sync_mode,
      records: s.records,
      duration_ms: s.duration_ms,
      status: s.status,
      error: s.error,
    })),
  };
}

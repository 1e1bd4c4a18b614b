import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { EmptyBodyDto } from '../../platform/common/http/empty-body.dto';
import { ListQueryDto, singleMeta } from '../../platform/common/http/list-query.dto';
import { CreateConnectionDto, DeleteConnectionQueryDto, UpdateConnectionDto } from './connect.dto';
import { ConnectionService } from './connection.service';
import { RunHistoryService } from './run-history.service';

@Controller('v1/connect/connections')
export class ConnectionController {
  constructor(
    private readonly connections: ConnectionService,
    private readonly history: RunHistoryService,
  ) {}

  @Get()
  list(@OrgId() org: string, @Query() query: ListQueryDto) {
    return this.connections.list(org, query);
  }

  @Post()
  @HttpCode(201)
  async create(@OrgId() org: string, @Body() body: CreateConnectionDto) {
    return { result: await this.connections.create(org, body) };
  }

  @Get(':id')
  async get(@OrgId() org: string, @Param('id') id: string) {
    return { meta: singleMeta(), results: await this.connections.get(org, id) };
  }

  @Put(':id')
  async update(@OrgId() org: string, @Param('id') id: string, @Body() body: UpdateConnectionDto) {
    return { result: await this.connections.update(org, id, body) };
  }

  /** `?drop_tables=true` drops the connection's tables in the destination first (default: they stay). */
  @Delete(':id')
  delete(@OrgId() org: string, @Param('id') id: string, @Query() query: DeleteConnectionQueryDto) {
    return this.connections.delete(org, id, query.drop_tables === 'true');
  }

  /** Runs the connection now, or right after its running run. */
  @Post(':id/sync')
  @HttpCode(202)
  async sync(@OrgId() org: string, @Param('id') id: string, @Body() _body: EmptyBodyDto) {
    return { result: await this.connections.sync(org, id) };
  }

  @Get(':id/runs')
  runs(@OrgId() org: string, @Param('id') id: string, @Query() query: ListQueryDto) {
    return this.history.list(org, id, query);
  }

  @Get(':id/runs/:runId')
  run(@OrgId() org: string, @Param('id') id: string, @Param('runId') runId: string) {
    return this.history.get(org, id, runId);
  }
}

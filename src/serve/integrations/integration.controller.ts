import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { GetByIdQueryDto, singleMeta } from '../../platform/common/http/list-query.dto';
import { CreateIntegrationDto, ListIntegrationsQueryDto, ManualSyncDto, UpdateIntegrationDto } from './integration.dto';
import { IntegrationService } from './integration.service';

@Controller('v1/admin/integrations')
export class IntegrationController {
  constructor(private readonly integrations: IntegrationService) {}

  @Get()
  list(@OrgId() org: string, @Query() query: ListIntegrationsQueryDto) {
    return this.integrations.list(org, query);
  }

  // The spec answers 200 (not REST's 201): a client generated from it checks the status.
  @Post()
  @HttpCode(200)
  async create(@OrgId() org: string, @Body() body: CreateIntegrationDto) {
    return { result: await this.integrations.create(org, body) };
  }

  @Get(':id')
  async get(@OrgId() org: string, @Param('id') id: string, @Query() _query: GetByIdQueryDto) {
    return { meta: singleMeta(), results: await this.integrations.get(org, id) };
  }

  @Put(':id')
  async update(@OrgId() org: string, @Param('id') id: string, @Body() body: UpdateIntegrationDto) {
    return { result: await this.integrations.update(org, id, body) };
  }

  @Delete(':id')
  delete(@OrgId() org: string, @Param('id') id: string) {
    return this.integrations.delete(org, id);
  }

  @Post(':id/manual-sync')
  @HttpCode(200)
  async manualSync(@OrgId() org: string, @Param('id') id: string, @Body() body: ManualSyncDto) {
    return { result: await this.integrations.manualSync(org, id, body) };
  }
}

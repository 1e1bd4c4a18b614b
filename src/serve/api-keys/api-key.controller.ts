import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { ListQueryDto } from '../../platform/common/http/list-query.dto';
import { CreateApiKeyDto } from './api-key.dto';
import { ApiKeyService } from './api-key.service';

@Controller('v1/admin/api-keys')
export class ApiKeyController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @HttpCode(201)
  async create(@OrgId() org: string, @Body() body: CreateApiKeyDto) {
    return { result: await this.keys.create(org, body) };
  }

  @Get()
  list(@OrgId() org: string, @Query() query: ListQueryDto) {
    return this.keys.list(org, query);
  }

  @Delete(':id')
  async revoke(@OrgId() org: string, @Param('id') id: string) {
    return { result: await this.keys.revoke(org, id) };
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { ListQueryDto, singleMeta } from '../../platform/common/http/list-query.dto';
import { CreateDestinationDto, UpdateDestinationDto } from './connect.dto';
import { DestinationService } from './destination.service';

@Controller('v1/connect/destinations')
export class DestinationController {
  constructor(private readonly destinations: DestinationService) {}

  @Get()
  list(@OrgId() org: string, @Query() query: ListQueryDto) {
    return this.destinations.list(org, query);
  }

  @Post()
  @HttpCode(201)
  async create(@OrgId() org: string, @Body() body: CreateDestinationDto) {
    return { result: await this.destinations.create(org, body) };
  }

  @Get(':id')
  async get(@OrgId() org: string, @Param('id') id: string) {
    return { meta: singleMeta(), results: await this.destinations.get(org, id) };
  }

  @Put(':id')
  async update(@OrgId() org: string, @Param('id') id: string, @Body() body: UpdateDestinationDto) {
    return { result: await this.destinations.update(org, id, body) };
  }

  @Delete(':id')
  delete(@OrgId() org: string, @Param('id') id: string) {
    return this.destinations.delete(org, id);
  }
}

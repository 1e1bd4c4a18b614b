import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { EmptyBodyDto } from '../../platform/common/http/empty-body.dto';
import { DataAccessService } from './data-access.service';

/** The spec's data-access endpoints of an integration. */
@Controller('v1/admin/integrations/:id/data-access')
export class DataAccessController {
  constructor(private readonly dataAccess: DataAccessService) {}

  @Post()
  @HttpCode(200)
  async begin(@OrgId() org: string, @Param('id') id: string, @Body() _body: EmptyBodyDto) {
    return { result: await this.dataAccess.begin(org, id) };
  }

  @Get()
  async get(@OrgId() org: string, @Param('id') id: string) {
    return { result: await this.dataAccess.get(org, id) };
  }
}

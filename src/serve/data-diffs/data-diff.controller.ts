import { Controller, Get, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { DataDiffListQueryDto } from './data-diff-query.dto';
import { DataDiffService } from './data-diff.service';

@Controller('v1/admin/data-diffs')
export class DataDiffController {
  constructor(private readonly diffs: DataDiffService) {}

  @Get()
  list(@OrgId() org: string, @Query() query: DataDiffListQueryDto) {
    return this.diffs.list(org, query);
  }
}

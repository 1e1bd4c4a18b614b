import { Controller, Get, Param, Query } from '@nestjs/common';
import { OrgId } from '../platform/auth/api-key.guard';
import { AppError } from '../platform/common/errors/app-error';
import { assertSortable, listMeta, ListQueryDto, parseListQuery } from '../platform/common/http/list-query.dto';
import { QuarantineRepository } from './quarantine.repository';
import { IntegrationRecordRepository } from './integration-record.repository';

const SORTABLE = ['created_at', 'model', 'x_id'];

/**
 * Extension: the vendor records an integration's syncs could not normalise, with the reason and the raw
 * record, so a bad record is reported rather than silently dropped.
 */
@Controller('v1/admin/integrations/:id/quarantine')
export class QuarantineController {
  constructor(
    private readonly quarantine: QuarantineRepository,
    private readonly integrations: IntegrationRecordRepository,
  ) {}

  @Get()
  async list(@OrgId() org: string, @Param('id') id: string, @Query() query: ListQueryDto) {
    const integration = await this.integrations.load(id);
    if (!integration || integration.organization_id !== org) throw AppError.notFound('Integration', id);
    const page = parseListQuery(query);
    assertSortable(page.orderBy, SORTABLE);
    const { rows, total } = await this.quarantine.list(org, id, page);
    return {
      meta: listMeta(page, total, rows.length),
      results: rows.map((r) => ({
        id: r.id,
        created_at: r.created_at,
        integration_id: r.integration_id,
        job_id: r.job_id,
        model: r.model,
        x_id: r.x_id,
        reason: r.reason,
        raw: r.raw,
      })),
    };
  }
}

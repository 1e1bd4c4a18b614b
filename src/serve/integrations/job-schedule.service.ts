import { Injectable } from '@nestjs/common';
import { AppError } from '../../platform/common/errors/app-error';
import {
  assertSortable,
  listMeta,
  parseListQuery,
  singleMeta,
  type ListQueryDto,
} from '../../platform/common/http/list-query.dto';
import { IntegrationRepository } from './integration.repository';
import { presentJobSchedule } from './job-schedule';

const SORTABLE = ['created_at', 'updated_at', 'id'];

/** `/v1/admin/integrations/{id}/job-schedules/`: each integration has exactly one schedule. */
@Injectable()
export class JobScheduleService {
  constructor(private readonly integrations: IntegrationRepository) {}

  async list(organizationId: string, integrationId: string, query: ListQueryDto) {
    const page = parseListQuery(query);
    assertSortable(page.orderBy, SORTABLE);
    const schedules = [await this.schedule(organizationId, integrationId)];
    const results = schedules.slice(page.offset, page.offset + page.limit);
    return { meta: listMeta(page, schedules.length, results.length), results };
  }

  async get(organizationId: string, integrationId: string, scheduleId: string) {
    const schedule = await this.schedule(organizationId, integrationId);
    if (scheduleId !== schedule.id) throw AppError.notFound('Job schedule', scheduleId);
    return { meta: singleMeta(), results: schedule };
  }

  private async schedule(organizationId: string, integrationId: string) {
    const integration = await this.integrations.find(organizationId, integrationId);
    if (!integration) throw AppError.notFound('Integration', integrationId);
    return presentJobSchedule(integration, await this.integrations.lastScheduledRunAt(integrationId));
  }
}

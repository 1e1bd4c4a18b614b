import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { GetByIdQueryDto, singleMeta } from '../../platform/common/http/list-query.dto';
import { TRIGGER_CATALOGUE } from '../../emit/event-triggers';
import { CreateWebhookDto, ListWebhooksQueryDto, UpdateWebhookDto } from './webhook.dto';
import { WebhookService } from './webhook.service';

@Controller('v1/webhooks')
export class WebhookController {
  constructor(private readonly webhooks: WebhookService) {}

  @Get()
  list(@OrgId() org: string, @Query() query: ListWebhooksQueryDto) {
    return this.webhooks.list(org, query);
  }

  // The spec answers 200 (not REST's 201): a client generated from it checks the status.
  @Post()
  @HttpCode(200)
  async create(@OrgId() org: string, @Body() body: CreateWebhookDto) {
    return { result: await this.webhooks.create(org, body) };
  }

  /** Extension: the trigger catalogue (what a webhook may subscribe to, what events carry); before `:id`. */
  @Get('triggers')
  triggers() {
    return { results: TRIGGER_CATALOGUE };
  }

  @Get(':id')
  async get(@OrgId() org: string, @Param('id') id: string, @Query() _query: GetByIdQueryDto) {
    return { meta: singleMeta(), results: await this.webhooks.get(org, id) };
  }

  @Put(':id')
  async update(@OrgId() org: string, @Param('id') id: string, @Body() body: UpdateWebhookDto) {
    return { result: await this.webhooks.update(org, id, body) };
  }

  @Delete(':id')
  async delete(@OrgId() org: string, @Param('id') id: string) {
    return { result: await this.webhooks.delete(org, id) };
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { ListQueryDto, singleMeta } from '../../platform/common/http/list-query.dto';
import { ReplayWebhookDto } from './webhook-delivery.dto';
import { WebhookReplayService } from './webhook-replay.service';

/** Extensions (API.md §5): replays of a webhook's events, run as jobs, and their progress. */
@Controller('v1/webhooks/:id')
export class WebhookReplayController {
  constructor(private readonly replays: WebhookReplayService) {}

  @Post('replay')
  @HttpCode(202)
  async replay(@OrgId() org: string, @Param('id') id: string, @Body() body: ReplayWebhookDto) {
    return { result: await this.replays.request(org, id, body) };
  }

  @Get('replays')
  list(@OrgId() org: string, @Param('id') id: string, @Query() query: ListQueryDto) {
    return this.replays.list(org, id, query);
  }

  @Get('replays/:replay_id')
  async get(@OrgId() org: string, @Param('id') id: string, @Param('replay_id') replayId: string) {
    return { meta: singleMeta(), results: await this.replays.get(org, id, replayId) };
  }
}

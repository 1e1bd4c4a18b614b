import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { EmptyBodyDto } from '../../platform/common/http/empty-body.dto';
import { DeliveryControlService } from './delivery-control.service';
import { ListDeliveriesQueryDto } from './webhook-delivery.dto';

/** Extensions (API.md §5): a webhook's deliveries with their attempts, retry and test. */
@Controller('v1/webhooks/:id')
export class WebhookDeliveryController {
  constructor(private readonly deliveries: DeliveryControlService) {}

  @Get('deliveries')
  list(@OrgId() org: string, @Param('id') id: string, @Query() query: ListDeliveriesQueryDto) {
    return this.deliveries.list(org, id, query);
  }

  @Get('deliveries/:delivery_id')
  get(@OrgId() org: string, @Param('id') id: string, @Param('delivery_id') deliveryId: string) {
    return this.deliveries.get(org, id, deliveryId);
  }

  @Post('deliveries/:delivery_id/retry')
  @HttpCode(202)
  async retry(
    @OrgId() org: string,
    @Param('id') id: string,
    @Param('delivery_id') deliveryId: string,
    @Body() _body: EmptyBodyDto,
  ) {
    return { result: await this.deliveries.retry(org, id, deliveryId) };
  }

  @Post('test')
  @HttpCode(202)
  async test(@OrgId() org: string, @Param('id') id: string, @Body() _body: EmptyBodyDto) {
    return { result: await this.deliveries.test(org, id) };
  }
}

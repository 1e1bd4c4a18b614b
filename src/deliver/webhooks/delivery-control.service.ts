import { Injectable } from '@nestjs/common';
import { iso } from '../../catalogue/record-presenter';
import { AppError } from '../../platform/common/errors/app-error';
import { assertSortable, listMeta, parseListQuery, singleMeta } from '../../platform/common/http/list-query.dto';
import { testEvent } from '../../emit/event-payloads';
import { EventOutbox } from '../../emit/outbox.service';
import { Transactions } from '../../platform/database/transactions';
import {
  DELIVERY_SORT_COLUMNS,
  DeliveryLogRepository,
  type AttemptRow,
  type DeliveryRow,
} from './delivery-log.repository';
import type { ListDeliveriesQueryDto } from './webhook-delivery.dto';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { assertWebhookActive } from './webhook-state';
import { WebhookRepository, type WebhookRow } from './webhook.repository';

/**
 * Visibility and control of a webhook's deliveries (extensions, API.md §5): the delivery log with its
 * attempts, retry of one delivery, and a test event (replays: webhook-replay.service.ts).
 */
@Injectable()
export class DeliveryControlService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly log: DeliveryLogRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly outbox: EventOutbox,
    private readonly transactions: Transactions,
  ) {}

  async list(organizationId: string, webhookId: string, query: ListDeliveriesQueryDto) {
    await this.requireWebhook(organizationId, webhookId);
    const page = parseListQuery(query);
    assertSortable(page.orderBy, Object.keys(DELIVERY_SORT_COLUMNS));
    const filter = {
      status: query.status,
      trigger: query.trigger,
      createdAtGte: query.created_at_gte,
      createdAtLte: query.created_at_lte,
    };
    const { rows, total } = await this.log.list(organizationId, webhookId, filter, page);
    return { meta: listMeta(page, total, rows.length), results: await this.present(rows) };
  }

  async get(organizationId: string, webhookId: string, deliveryId: string) {
    await this.requireWebhook(organizationId, webhookId);
    return { meta: singleMeta(), results: await this.presentOne(organizationId, webhookId, deliveryId) };
  }

  /**
   * Sends a delivery again now, whatever its status, under the same delivery id (so the same `webhook-id`).
   * The dispatcher's job id is the delivery id and a failed job is kept for a while, so the old job is
   * removed first; one that is running right now cannot be, and the caller is told to wait for it.
   */
  async retry(organizationId: string, webhookId: string, deliveryId: string) {
    const webhook = await this.requireWebhook(organizationId, webhookId);
    const delivery = await this.log.find(organizationId, webhookId, deliveryId);
    if (!delivery) throw AppError.notFound('Delivery', deliveryId);
    assertWebhookActive(webhook);
    if (!(await this.dispatcher.releaseJob(deliveryId, delivery.dispatch_batch_id))) {
      throw new AppError(
        'conflict',
        `Delivery ${deliveryId} is being attempted right now; retry it once that attempt has finished`,
        { id: deliveryId },
      );
    }
    // Under the retention hold, as replay batches: the events retention never deletes it meanwhile.
    const reset = await this.transactions.runSql(async (tx) => {
      await this.outbox.holdRetention(tx);
      return this.log.resetToPending(tx, organizationId, webhookId, deliveryId);
    });
    if (!reset) throw AppError.notFound('Delivery', deliveryId);
    await this.dispatcher.enqueue([{ id: deliveryId, webhook_id: webhookId, dispatch_batch_id: null }]);
    return this.presentOne(organizationId, webhookId, deliveryId);
  }

  /**
   * Commits a TEST event for this webhook alone, appended through the outbox (commit order) with its one
   * delivery in one transaction, and sends it, signed like any delivery.
   */
  async test(organizationId: string, webhookId: string) {
    const webhook = await this.requireWebhook(organizationId, webhookId);
    assertWebhookActive(webhook);
    const deliveryId = await this.transactions.runSql(async (tx) => {
      const [eventId] = await this.outbox.append(tx, [testEvent(organizationId, webhookId)]);
      return this.log.addDirectDelivery(tx, webhookId, eventId);
    });
    await this.dispatcher.enqueue([{ id: deliveryId, webhook_id: webhookId, dispatch_batch_id: null }]);
    return this.presentOne(organizationId, webhookId, deliveryId);
  }

  private async requireWebhook(organizationId: string, webhookId: string): Promise<WebhookRow> {
    const webhook = await this.webhooks.find(organizationId, webhookId);
    if (!webhook) throw AppError.notFound('Webhook', webhookId);
    return webhook;
  }

  private async presentOne(organizationId: string, webhookId: string, deliveryId: string) {
    const row = await this.log.find(organizationId, webhookId, deliveryId);
    if (!row) throw AppError.notFound('Delivery', deliveryId);
    const [delivery] = await this.present([row]);
    return delivery;
  }

  private async present(rows: DeliveryRow[]) {
    const byDelivery = new Map<string, AttemptRow[]>();
    for (const attempt of await this.log.attempts(rows.map((r) => r.id))) {
      const attempts = byDelivery.get(attempt.delivery_id) ?? [];
      attempts.push(attempt);
      byDelivery.set(attempt.delivery_id, attempts);
    }
    return rows.map((row) => ({
      id: row.id,
      webhook_id: row.webhook_id,
      event_id: row.event_id,
      event_sequence: Number(row.event_sequence),
      trigger: row.trigger,
      status: row.status,
      attempt_count: row.attempt_count,
      created_at: row.created_at.toISOString(),
      delivered_at: iso(row.delivered_at),
      last_attempt_at: iso(row.last_attempt_at),
      next_attempt_at: iso(row.next_attempt_at),
      attempts: (byDelivery.get(row.id) ?? []).map((a) => ({
        attempt_number: a.attempt_number,
        started_at: a.started_at.toISOString(),
        status_code: a.status_code,
        duration_ms: a.duration_ms,
        response_excerpt: a.response_excerpt,
        error: a.error,
        next_attempt_at: iso(a.next_attempt_at),
        dropped_headers: a.dropped_headers ?? [],
      })),
    }));
  }
}

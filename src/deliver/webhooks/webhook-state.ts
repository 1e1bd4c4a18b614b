import { AppError } from '../../platform/common/errors/app-error';
import type { WebhookRow } from './webhook.repository';

/** Sending to an inactive webhook was asked for (409): the dispatcher fails its deliveries unsent. */
export class InactiveWebhookError extends AppError {
  constructor(webhook: WebhookRow) {
    const why = webhook.deactivated_reason ? ` (deactivated: ${webhook.deactivated_reason})` : '';
    super('conflict', `Webhook ${webhook.id} is inactive${why}; turn it on to send to it`, { id: webhook.id });
  }
}

export function assertWebhookActive(webhook: WebhookRow): void {
  if (!webhook.active) throw new InactiveWebhookError(webhook);
}

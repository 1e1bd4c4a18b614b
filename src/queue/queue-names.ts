/** Queue names are persisted in Redis/PostgreSQL with their jobs: never rename one. */
export const QueueName = {
  SyncJobs: 'latchkey-sync-jobs',
  WebhookDeliveries: 'latchkey-webhook-deliveries',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** Typed payloads: the queue carries pointers to PostgreSQL rows, never the data itself. */
export interface SyncJobPayload {
  syncJobId: string;
}
export interface WebhookDeliveryPayload {
  deliveryId: string;
  /** Lets the dispatcher apply the webhook's limits before touching the database. */
  webhookId: string;
}

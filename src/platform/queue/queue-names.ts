/** Queue names are persisted in Redis/PostgreSQL with their jobs: never rename one. */
export const QueueName = {
  SyncJobs: 'latchkey-sync-jobs',
  WebhookDeliveries: 'latchkey-webhook-deliveries',
  DataAccessChecks: 'latchkey-data-access-checks',
  ConnectRuns: 'latchkey-connect-runs',
  WebhookReplays: 'latchkey-webhook-replays',
  WriteJobs: 'latchkey-write-jobs',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** Typed payloads: the queue carries pointers to PostgreSQL rows, never the data itself. */
export interface SyncJobPayload {
  syncJobId: string;
}
/** One delivery's job (a retry, a replay, a test), or the first attempts of a batch of one webhook's deliveries. */
export type WebhookDeliveryPayload =
  | {
      deliveryId: string;
      /** Lets the dispatcher apply the webhook's limits before touching the database. */
      webhookId: string;
      /** Attempts made by earlier jobs (the batch's first one), counted against the retry schedule. */
      attemptsBefore?: number;
    }
  | WebhookDeliveryBatchPayload;
/** The first attempts of deliveries the relay fanned out together to one webhook (their `dispatch_batch_id`). */
export interface WebhookDeliveryBatchPayload {
  webhookId: string;
  batchId: string;
  deliveryIds: string[];
}
export interface DataAccessCheckPayload {
  integrationId: string;
  /** The claim this job serves (ISO time): a job of an older, abandoned claim writes nothing. */
  claimedAt: string;
}
export interface ConnectRunPayload {
  /** Also the BullMQ job id: one queue job per run. */
  runId: string;
}
export interface WebhookReplayPayload {
  /** Also the BullMQ job id: one queue job per replay. */
  replayId: string;
}
export interface WriteJobPayload {
  /** Also the BullMQ job id: one queue job per write job. */
  writeJobId: string;
  /** The write's integration, read while the job is claimed (absent on jobs queued by an older version). */
  integrationId?: string;
}

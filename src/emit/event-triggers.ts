/** Triggers a webhook can subscribe to (with the spec's WRITE_OPERATION_FAILURE, see webhook.dto.ts). */
export const TRIGGERS = [
  'DATA_NEW',
  'DATA_UPDATE',
  'DATA_DELETED',
  'SYNC_COMPLETE',
  'FIRST_SYNC_COMPLETE',
  'JOB_FAILURE',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Triggers that a webhook's `model` narrows. */
export const DATA_TRIGGERS: readonly Trigger[] = ['DATA_NEW', 'DATA_UPDATE', 'DATA_DELETED'];

/**
 * Extension: the event `POST /v1/webhooks/{id}/test` sends to that one webhook. Not subscribable: it is
 * committed already relayed, with its one delivery, so the outbox never fans it out.
 */
export const TEST_TRIGGER = 'TEST';

/** What an event's `trigger` holds: a subscribable trigger or TEST. */
export type EventTrigger = Trigger | typeof TEST_TRIGGER;
export const EVENT_TRIGGERS: readonly EventTrigger[] = [...TRIGGERS, TEST_TRIGGER];

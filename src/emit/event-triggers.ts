/** Triggers the events Latchkey emits carry, and that a webhook can subscribe to. */
export const TRIGGERS = [
  'DATA_NEW',
  'DATA_UPDATE',
  'DATA_DELETED',
  'SYNC_COMPLETE',
  'FIRST_SYNC_COMPLETE',
  'JOB_FAILURE',
  'WRITE_OPERATION_FAILURE',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Triggers that a webhook's `model` narrows. */
export const DATA_TRIGGERS: readonly Trigger[] = ['DATA_NEW', 'DATA_UPDATE', 'DATA_DELETED'];

/** Triggers a webhook may subscribe to: every trigger events carry (TEST aside). */
export const SUBSCRIBABLE_TRIGGERS = TRIGGERS;

/**
 * Extension: the event `POST /v1/webhooks/{id}/test` sends to that one webhook. Not subscribable: it is
 * committed already relayed, with its one delivery, so the outbox never fans it out.
 */
export const TEST_TRIGGER = 'TEST';

/** What an event's `trigger` holds: a subscribable trigger or TEST. */
export type EventTrigger = Trigger | typeof TEST_TRIGGER;
export const EVENT_TRIGGERS: readonly EventTrigger[] = [...TRIGGERS, TEST_TRIGGER];

/** One trigger as `GET /v1/webhooks/triggers` (extension) lists it. */
export interface TriggerEntry {
  trigger: string;
  /** A webhook may list it in `triggers`. */
  subscribable: boolean;
  /** Events carry it (deliveries and the /v1/events feed can be filtered by it). */
  emitted: boolean;
  /** A webhook's `model` narrows it to that model's events. */
  narrowed_by_model: boolean;
}

/** Every trigger, subscribable ones first in the catalogue's order, then TEST. */
export const TRIGGER_CATALOGUE: readonly TriggerEntry[] = [...SUBSCRIBABLE_TRIGGERS, TEST_TRIGGER].map((trigger) => ({
  trigger,
  subscribable: (SUBSCRIBABLE_TRIGGERS as readonly string[]).includes(trigger),
  emitted: (EVENT_TRIGGERS as readonly string[]).includes(trigger),
  narrowed_by_model: (DATA_TRIGGERS as readonly string[]).includes(trigger),
}));

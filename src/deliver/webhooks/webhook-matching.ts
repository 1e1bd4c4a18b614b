/**
 * Which webhooks an event goes to, as SQL over an event `e`, a webhook `w` and one of its triggers `t`:
 * fan-out and replay use the same rules.
 */
/** `w` hears `e`: it is active, of the event's organization, and for all integrations or the event's. */
export const WEBHOOK_HEARS_EVENT = `w."organization_id" = e."organization_id" AND w."active"
  AND (w."integration_id" IS NULL OR w."integration_id" = e."integration_id")`;

/** `t`, a trigger of `w`, matches `e`: the same trigger, and no model or the event's (data events). */
export const TRIGGER_MATCHES_EVENT = `t."webhook_id" = w."id" AND t."trigger" = e."trigger"
  AND (t."model" IS NULL OR e."model" IS NULL OR t."model" = e."model")`;

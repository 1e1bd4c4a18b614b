/**
 * The events retention's statements, kept free of Nest so their behaviour is tested on PostgreSQL directly
 * (test/e2e/event-retention.e2e-spec.ts).
 */

/**
 * Arbitrary constant naming the lock that keeps pruning apart from the writes that make an old event's
 * delivery due again (replay batches take it shared). Without it a replay committing while a prune
 * statement runs could have its fresh PENDING delivery deleted by a prune whose snapshot predates it.
 */
export const EVENT_PRUNE_LOCK = 7_361_244_020;

/**
 * Taken by each prune batch before its statement, which then sees every replay batch committed before it.
 * Workers pruning at once take turns batch by batch.
 */
export const PRUNE_LOCK_SQL = `SELECT 1 AS locked FROM pg_advisory_xact_lock(${EVENT_PRUNE_LOCK}::bigint)`;

/** Waits for any prune batch to end, then keeps the next one out until this transaction ends. */
export const SHARE_PRUNE_LOCK_SQL = `SELECT 1 AS locked FROM pg_advisory_xact_lock_shared(${EVENT_PRUNE_LOCK}::bigint)`;

/**
 * Deletes up to $3 events of organization $1 created before $2, oldest first, with their deliveries (and so
 * their attempts). At-least-once holds: an event is kept while the relay has not fanned it out (past the
 * outbox cursor) or while any of its deliveries is still PENDING. Deliveries are found through the
 * organization's webhooks, a probe of their (webhook_id, event_id) key each. Answers the counts deleted.
 */
export const PRUNE_EVENTS_SQL = `WITH doomed AS (
  SELECT e."id" FROM "events" e
  WHERE e."organization_id" = $1 AND e."created_at" < $2::timestamptz
    AND e."sequence" <= (SELECT c."sequence" FROM "outbox_cursor" c WHERE c."id" = 1)
    AND NOT EXISTS (
      SELECT 1 FROM "webhooks" w JOIN "webhook_deliveries" d ON d."webhook_id" = w."id" AND d."event_id" = e."id"
      WHERE w."organization_id" = e."organization_id" AND d."status" = 'PENDING')
  ORDER BY e."created_at" LIMIT $3
), deliveries AS (
  DELETE FROM "webhook_deliveries" d USING "webhooks" w, doomed
  WHERE w."organization_id" = $1 AND d."webhook_id" = w."id" AND d."event_id" = doomed."id"
  RETURNING 1
), pruned AS (
  DELETE FROM "events" e USING doomed WHERE e."id" = doomed."id" RETURNING 1
)
SELECT (SELECT count(*) FROM pruned)::int AS events, (SELECT count(*) FROM deliveries)::int AS deliveries`;

import { iso } from '../catalogue/record-presenter';
import type { FeedEvent } from './event-feed.repository';

/**
 * A page of the change feed from up to limit + 1 events after `after` (one more than asked says whether
 * more follow, without a count). `next_after` is the cursor for the next call: the last event's sequence,
 * or `after` again when there was nothing new.
 */
export function feedPage(events: FeedEvent[], after: string, limit: number) {
  const page = events.slice(0, limit);
  return {
    meta: {
      after: Number(after),
      limit,
      next_after: Number(page.at(-1)?.sequence ?? after),
      has_more: events.length > limit,
    },
    results: page.map((e) => ({
      sequence: Number(e.sequence),
      id: e.id,
      trigger: e.trigger,
      created_at: iso(e.created_at),
      integration_id: e.integration_id,
      model: e.model,
      record_id: e.record_id,
      payload: e.payload,
    })),
  };
}

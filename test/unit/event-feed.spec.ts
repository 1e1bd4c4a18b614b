import { feedPage } from '../../src/emit/event-feed';
import type { FeedEvent } from '../../src/emit/event-feed.repository';

const event = (sequence: number): FeedEvent => ({
  id: `e${sequence}`,
  sequence: String(sequence),
  trigger: 'DATA_UPDATE',
  integration_id: 'int1',
  model: 'residents',
  record_id: 'r1',
  payload: { trigger: 'DATA_UPDATE', data: {} },
  created_at: new Date('2026-03-01T10:00:00.000Z'),
});

describe('the event feed', () => {
  it('pages in sequence order, its cursor the last sequence, and knows from one extra event that more follow', () => {
    const page = feedPage([event(4), event(7), event(9)], '3', 2);
    expect(page.results.map((e) => e.sequence)).toEqual([4, 7]);
    expect(page.meta).toEqual({ after: 3, limit: 2, next_after: 7, has_more: true });
    expect(page.results[0]).toEqual({
      sequence: 4,
      id: 'e4',
      trigger: 'DATA_UPDATE',
      created_at: '2026-03-01T10:00:00.000Z',
      integration_id: 'int1',
      model: 'residents',
      record_id: 'r1',
      payload: { trigger: 'DATA_UPDATE', data: {} },
    });
  });

  it('ends without more, and keeps the cursor where it was when nothing is new', () => {
    expect(feedPage([event(4)], '3', 2).meta).toEqual({ after: 3, limit: 2, next_after: 4, has_more: false });
    expect(feedPage([], '12', 100)).toEqual({
      meta: { after: 12, limit: 100, next_after: 12, has_more: false },
      results: [],
    });
  });
});

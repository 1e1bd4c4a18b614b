// The change feed (GET /v1/events): events in commit order, page by page from a sequence, optionally followed live.
import { get } from './api.js';
import { errorBox, field, h, replace, time } from './dom.js';
import { RECORD_MODELS } from './record-models.js';
import { listAllIntegrations } from './view-integrations.js';

export async function renderEvents(el, ctx) {
  let after = Math.max(0, Number(ctx.query.after ?? 0) || 0);
  const afterInput = h('input', { type: 'number', min: 0, step: 1, value: String(after), testid: 'events-after' });
  const limitInput = h(
    'select',
    { testid: 'events-limit' },
    [25, 100, 250, 1000].map((n) => h('option', { value: n, selected: n === 100 }, String(n))),
  );
  const follow = h('input', { type: 'checkbox', testid: 'events-follow' });
  const rows = h('tbody', {});
  const status = h('p', { class: 'muted small', testid: 'events-status', 'aria-live': 'polite' });
  const errorBoxEl = h('div', {});
  const more = h('button', { type: 'button', testid: 'events-more' }, 'Next page');
  let count = 0;
  let following = false;
  // Integration names by id (an integration deleted since shows its id).
  const names = new Map((await listAllIntegrations().catch(() => [])).map((i) => [i.id, i.name]));

  const form = h(
    'form',
    { class: 'inline-fields', testid: 'events-form' },
    field('After sequence', afterInput),
    field('Page size', limitInput),
    h('button', { type: 'submit', class: 'primary' }, 'Load'),
    h('label', {}, follow, ' Follow new events'),
  );
  replace(
    el,
    h('h1', {}, 'Events'),
    h(
      'p',
      { class: 'muted' },
      'Every event in commit order (the change feed for clients that poll). Start at 0 for the oldest.',
    ),
    form,
    errorBoxEl,
    status,
    h(
      'table',
      { testid: 'events-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Sequence', 'Committed', 'Trigger', 'Model', 'Record', 'Integration', 'Payload'].map((c) =>
            h('th', { scope: 'col' }, c),
          ),
        ),
      ),
      rows,
    ),
    h('div', { class: 'pager' }, more),
  );

  async function page(reset) {
    if (reset) {
      replace(rows);
      count = 0;
    }
    try {
      const res = await get('/v1/events', { after, limit: limitInput.value });
      replace(errorBoxEl);
      for (const e of res.results) rows.append(eventRow(e, names));
      count += res.results.length;
      after = res.meta.next_after;
      status.textContent = `${count} events shown; next page after sequence ${after}${res.meta.has_more ? ' (more waiting)' : ' (up to date)'}.`;
      more.disabled = !res.meta.has_more;
      return res.meta.has_more;
    } catch (error) {
      replace(errorBoxEl, errorBox(error));
      return false;
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    after = Math.max(0, Number(afterInput.value) || 0);
    page(true);
  });
  more.addEventListener('click', () => page(false));
  follow.addEventListener('change', () => {
    if (!follow.checked || following) return;
    following = true;
    ctx.poll(async () => {
      if (!follow.checked) {
        following = false;
        return false;
      }
      await page(false);
      return true;
    }, 2000);
  });
  await page(true);
}

function eventRow(e, names) {
  const record =
    e.record_id && RECORD_MODELS[e.model]
      ? h('a', { href: `#/records/${e.model}/${encodeURIComponent(e.record_id)}` }, e.record_id)
      : (e.record_id ?? '—');
  return h(
    'tr',
    { testid: 'event-row', 'data-sequence': e.sequence, 'data-trigger': e.trigger },
    h('td', { class: 'num' }, String(e.sequence)),
    h('td', {}, time(e.created_at)),
    h('td', {}, e.trigger),
    h('td', {}, e.model ?? '—'),
    h('td', {}, record),
    h(
      'td',
      {},
      e.integration_id
        ? h(
            'a',
            {
              href: `#/integrations/${encodeURIComponent(e.integration_id)}`,
              title: e.integration_id,
              testid: 'event-integration',
            },
            names.get(e.integration_id) ?? e.integration_id,
          )
        : '—',
    ),
    h(
      'td',
      {},
      e.payload ? h('details', {}, h('summary', {}, 'payload'), h('pre', {}, JSON.stringify(e.payload, null, 2))) : '—',
    ),
  );
}

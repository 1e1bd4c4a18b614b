// Webhooks: list and create, and one webhook's secret rotation, test event, deliveries with attempts and charts.
import { del, get, post, put } from './api.js';
import { barChart, bucketByTime, timeChart } from './charts.js';
import { actionButton, badge, errorBox, field, h, replace, statusKind, table, time } from './dom.js';
import { listAllIntegrations } from './view-integrations.js';

/** The trigger catalogue, from the API (GET /v1/webhooks/triggers), fetched once per page load. */
let triggerCatalogue;
function triggers() {
  triggerCatalogue ??= get('/v1/webhooks/triggers').then((page) => page.results);
  triggerCatalogue.catch(() => {
    triggerCatalogue = undefined;
  });
  return triggerCatalogue;
}
const MODELS = ['properties', 'units', 'residents', 'leases', 'residents_to_leases'];
const STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'];

async function listWebhooks() {
  // The list shows active webhooks unless asked otherwise (the spec's default), so both are fetched.
  const [active, inactive] = await Promise.all(
    ['true', 'false'].map((a) => get('/v1/webhooks/', { active: a, limit: 250 })),
  );
  return [...active.results, ...inactive.results].sort((a, b) => b.created_at.localeCompare(a.created_at));
}

export async function renderWebhooks(el, ctx) {
  const listBox = h('div', { testid: 'webhooks-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const formBox = h('section', { class: 'panel', testid: 'create-webhook' }, h('h2', {}, 'New webhook'));
  replace(el, h('h1', {}, 'Webhooks'), listBox, formBox);
  try {
    formBox.append(await createForm(ctx));
  } catch (error) {
    formBox.append(errorBox(error));
  }
  try {
    replace(
      listBox,
      table(
        [
          {
            label: 'URL',
            cell: (w) => h('a', { href: `#/webhooks/${encodeURIComponent(w.id)}`, testid: 'webhook-link' }, w.url),
          },
          { label: 'Active', cell: (w) => badge(w.active ? 'active' : 'inactive', w.active ? 'ok' : 'idle') },
          { label: 'Triggers', cell: (w) => triggerText(w) },
          {
            label: 'Integration',
            cell: (w) =>
              w.integration_id
                ? h('a', { href: `#/integrations/${encodeURIComponent(w.integration_id)}` }, w.integration_id)
                : 'all',
          },
          { label: 'Created', cell: (w) => time(w.created_at) },
        ],
        await listWebhooks(),
        { testid: 'webhooks-table' },
        (w) => ({ 'data-webhook-id': w.id }),
      ),
    );
  } catch (error) {
    replace(listBox, errorBox(error));
  }
}

function triggerText(w) {
  return w.triggers.map((t) => (t.model ? `${t.trigger} (${t.model})` : t.trigger)).join(', ');
}

async function createForm(ctx) {
  const url = h('input', {
    type: 'url',
    name: 'url',
    required: true,
    size: 60,
    placeholder: 'https://example.com/hooks/latchkey',
    testid: 'new-webhook-url',
  });
  // Checked by default: every trigger events carry (not the spec's WRITE_OPERATION_FAILURE: we do no writes).
  const boxes = (await triggers())
    .filter((t) => t.subscribable)
    .map((t) =>
      h('input', {
        type: 'checkbox',
        name: 'triggers',
        value: t.trigger,
        testid: `new-webhook-trigger-${t.trigger}`,
        checked: t.emitted,
      }),
    );
  const model = h(
    'select',
    { name: 'model', testid: 'new-webhook-model' },
    h('option', { value: '' }, 'Every model'),
    MODELS.map((m) => h('option', { value: m }, m)),
  );
  const integration = h(
    'select',
    { name: 'integration_id', testid: 'new-webhook-integration' },
    h('option', { value: '' }, 'Every integration'),
  );
  const active = h('input', { type: 'checkbox', name: 'active', checked: true, testid: 'new-webhook-active' });
  const out = h('div', { 'aria-live': 'polite' });
  listAllIntegrations()
    .then((all) => {
      for (const i of all) integration.append(h('option', { value: i.id }, `${i.name} (${i.integration_vendor})`));
    })
    .catch(() => {});
  const form = h(
    'form',
    { class: 'stack', testid: 'new-webhook-form' },
    field('URL', url),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Triggers'),
      boxes.map((b) => h('label', {}, b, ` ${b.value}`)),
    ),
    h(
      'div',
      { class: 'inline-fields' },
      field('Model (narrows the DATA_* triggers)', model),
      field('Integration', integration),
    ),
    h('div', {}, h('label', {}, active, ' Active')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'create-webhook-submit' }, 'Create webhook'),
    ),
    out,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {
      url: url.value.trim(),
      triggers: boxes.filter((b) => b.checked).map((b) => b.value),
      active: active.checked,
    };
    if (model.value) body.model = model.value;
    if (integration.value) body.integration_id = integration.value;
    try {
      const created = await post('/v1/webhooks/', body);
      ctx.go(`#/webhooks/${encodeURIComponent(created.result.id)}?created=1`);
    } catch (error) {
      replace(out, errorBox(error, 'create-webhook-error'));
    }
  });
  return form;
}

/** A new secret in the Standard Webhooks form (whsec_ + base64 of 24 random bytes). */
function newSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

export async function renderWebhook(el, ctx, id) {
  const path = `/v1/webhooks/${encodeURIComponent(id)}`;
  const state = {
    webhook: null,
    deliveries: [],
    total: 0,
    error: null,
    revealed: ctx.query.created === '1',
    confirmingDelete: false,
    filters: { status: '', trigger: '', created_at_gte: '', created_at_lte: '' },
  };
  const head = h('div', {});
  const message = h('div', { 'aria-live': 'polite', testid: 'webhook-message' });
  const deliveriesBox = h('div', { testid: 'deliveries-box' });
  const chartsBox = h('div', { class: 'charts', testid: 'webhook-charts' });
  let polling = false;
  let expectUntil = 0;

  const statusFilter = h(
    'select',
    { testid: 'deliveries-status' },
    h('option', { value: '' }, 'Any status'),
    STATUSES.map((s) => h('option', { value: s }, s)),
  );
  const triggerFilter = h('select', { testid: 'deliveries-trigger' }, h('option', { value: '' }, 'Any trigger'));
  triggers()
    .then((all) => {
      for (const t of all) if (t.emitted) triggerFilter.append(h('option', { value: t.trigger }, t.trigger));
    })
    .catch(() => {});
  const fromFilter = h('input', { type: 'datetime-local', step: 1, testid: 'deliveries-from' });
  const toFilter = h('input', { type: 'datetime-local', step: 1, testid: 'deliveries-to' });
  const filters = h(
    'form',
    { class: 'inline-fields', testid: 'deliveries-filters' },
    field('Status', statusFilter),
    field('Trigger', triggerFilter),
    field('Created from', fromFilter),
    field('Created until', toFilter),
    h('button', { type: 'submit' }, 'Filter'),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const iso = (v) => (v ? new Date(v).toISOString() : '');
    state.filters = {
      status: statusFilter.value,
      trigger: triggerFilter.value,
      created_at_gte: iso(fromFilter.value),
      created_at_lte: iso(toFilter.value),
    };
    refresh();
  });

  replace(
    el,
    h('p', {}, h('a', { href: '#/webhooks' }, '← All webhooks')),
    head,
    message,
    h('section', { class: 'panel', testid: 'deliveries-section' }, h('h2', {}, 'Deliveries'), filters, deliveriesBox),
    h('section', { class: 'panel' }, h('h2', {}, 'Latency and failures'), chartsBox),
  );
  const say = (...nodes) => replace(message, ...nodes);

  function renderHead() {
    const w = state.webhook;
    const secret = h('code', { class: 'secret', testid: 'webhook-secret' }, state.revealed ? w.secret : '•'.repeat(16));
    replace(
      head,
      h('h1', { testid: 'webhook-url' }, w.url),
      h(
        'div',
        { class: 'actions' },
        badge(w.active ? 'active' : 'inactive', w.active ? 'ok' : 'idle', { testid: 'webhook-active' }),
        h('span', {}, `Triggers: ${triggerText(w)}`),
        h('span', { class: 'muted' }, w.integration_id ? `integration ${w.integration_id}` : 'every integration'),
      ),
      h(
        'p',
        {},
        'Signing secret: ',
        secret,
        ' ',
        h(
          'button',
          {
            type: 'button',
            testid: 'reveal-secret',
            'aria-pressed': String(state.revealed),
            onClick: () => {
              state.revealed = !state.revealed;
              renderHead();
            },
          },
          state.revealed ? 'Hide' : 'Show',
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        actionButton(
          'Send test event',
          async () => {
            try {
              const res = await post(`${path}/test`, {});
              say(h('p', { class: 'notice', testid: 'test-sent' }, `Test event queued as delivery ${res.result.id}.`));
              expectUntil = Date.now() + 5000;
              refresh();
            } catch (error) {
              say(errorBox(error));
            }
          },
          { testid: 'send-test', class: 'primary' },
        ),
        actionButton(
          'Rotate secret',
          async () => {
            try {
              const res = await put(path, { secret: newSecret() });
              state.webhook = res.result;
              state.revealed = true;
              say(
                h(
                  'p',
                  { class: 'notice', testid: 'secret-rotated' },
                  'New secret set (shown above). For a grace period (WEBHOOK_SECRET_GRACE_HOURS, 24 h by default) deliveries are signed with both the new and the previous secret, so receivers can switch over without losing events.',
                ),
              );
              renderHead();
            } catch (error) {
              say(errorBox(error));
            }
          },
          { testid: 'rotate-secret' },
        ),
        actionButton(
          w.active ? 'Disable' : 'Enable',
          async () => {
            try {
              state.webhook = (await put(path, { active: !w.active })).result;
              renderHead();
            } catch (error) {
              say(errorBox(error));
            }
          },
          { testid: 'toggle-webhook' },
        ),
        ...(state.confirmingDelete
          ? [
              actionButton(
                'Confirm delete',
                async () => {
                  try {
                    await del(path);
                    ctx.go('#/webhooks');
                  } catch (error) {
                    say(errorBox(error));
                  }
                },
                { class: 'danger', testid: 'confirm-delete-webhook' },
              ),
              h(
                'button',
                {
                  type: 'button',
                  onClick: () => {
                    state.confirmingDelete = false;
                    renderHead();
                  },
                },
                'Cancel',
              ),
            ]
          : [
              h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  testid: 'delete-webhook',
                  onClick: () => {
                    state.confirmingDelete = true;
                    renderHead();
                  },
                },
                'Delete',
              ),
            ]),
      ),
    );
  }

  function renderDeliveries() {
    replace(
      deliveriesBox,
      state.error ? errorBox(state.error, 'deliveries-error') : null,
      h(
        'p',
        { class: 'muted small' },
        `${state.total} deliveries${state.total > state.deliveries.length ? `, newest ${state.deliveries.length} shown` : ''}`,
      ),
      table(
        [
          { label: 'Created', cell: (d) => time(d.created_at) },
          { label: 'Trigger', cell: (d) => h('span', { testid: 'delivery-trigger' }, d.trigger) },
          { label: 'Status', cell: (d) => badge(d.status, statusKind(d.status), { testid: 'delivery-status' }) },
          {
            label: 'Latency',
            attrs: () => ({ class: 'num' }),
            cell: (d) => {
              const l = latency(d);
              return l === null ? '—' : `${l} ms`;
            },
          },
          {
            label: 'Attempts',
            cell: (d) =>
              h(
                'ol',
                { class: 'attempts', testid: 'delivery-attempts' },
                d.attempts.map((a) =>
                  h(
                    'li',
                    { testid: 'delivery-attempt', 'data-status-code': a.status_code ?? '' },
                    `${time(a.started_at)} · `,
                    a.status_code === null
                      ? badge('no response', 'bad')
                      : badge(String(a.status_code), a.status_code < 300 ? 'ok' : 'bad'),
                    ` · ${a.duration_ms ?? '—'} ms`,
                    a.error ? ` · ${a.error}` : '',
                    a.response_excerpt ? h('div', { class: 'muted small' }, a.response_excerpt.slice(0, 200)) : null,
                    a.next_attempt_at
                      ? h('div', { class: 'muted small' }, `next attempt ${time(a.next_attempt_at)}`)
                      : null,
                  ),
                ),
              ),
          },
          { label: 'Next attempt', cell: (d) => time(d.next_attempt_at) },
          {
            label: '',
            cell: (d) =>
              actionButton(
                'Retry',
                async () => {
                  try {
                    await post(`${path}/deliveries/${encodeURIComponent(d.id)}/retry`, {});
                    say(h('p', { class: 'notice' }, `Delivery ${d.id} queued again.`));
                    expectUntil = Date.now() + 5000;
                    refresh();
                  } catch (error) {
                    say(errorBox(error));
                  }
                },
                { testid: 'retry-delivery' },
              ),
          },
        ],
        state.deliveries,
        { testid: 'deliveries-table' },
        (d) => ({
          testid: 'delivery-row',
          'data-delivery-id': d.id,
          'data-status': d.status,
          'data-trigger': d.trigger,
        }),
      ),
    );
  }

  function renderCharts() {
    const ds = state.deliveries;
    const attempts = ds.flatMap((d) =>
      d.attempts.map((a) => ({ t: a.started_at, bad: a.status_code === null || a.status_code >= 300 })),
    );
    const buckets = bucketByTime(attempts);
    const ok = buckets.labels.map(() => 0);
    const bad = buckets.labels.map(() => 0);
    for (const a of attempts) (a.bad ? bad : ok)[buckets.index(a.t)] += 1;
    replace(
      chartsBox,
      timeChart({
        title: 'Delivery latency (first attempt − event created)',
        yLabel: 'ms',
        name: 'latency',
        testid: 'chart-latency',
        points: ds
          .filter((d) => latency(d) !== null)
          .map((d) => ({
            t: d.created_at,
            v: latency(d),
            label: `${latency(d)} ms (${d.trigger}, ${d.status})`,
            bad: d.status === 'FAILED',
          })),
      }),
      barChart({
        title: 'Attempts over time',
        yLabel: 'attempts',
        testid: 'chart-failures',
        categories: buckets.labels,
        series: [
          { name: 'succeeded', values: ok, series: 1 },
          { name: 'failed', values: bad, series: 3 },
        ],
      }),
    );
  }

  async function load() {
    try {
      const page = await get(`${path}/deliveries`, { ...state.filters, limit: 100, 'order-by': 'created_at:desc' });
      state.deliveries = page.results;
      state.total = page.meta.total;
      state.error = null;
    } catch (error) {
      state.error = error;
    }
    renderDeliveries();
    renderCharts();
    return state.deliveries.some((d) => d.status === 'PENDING') || Date.now() < expectUntil;
  }

  function refresh() {
    if (polling) return;
    polling = true;
    ctx.poll(async () => {
      const again = await load();
      if (!again) polling = false;
      return again;
    }, 1000);
  }

  try {
    state.webhook = (await get(path)).results;
  } catch (error) {
    replace(el, h('p', {}, h('a', { href: '#/webhooks' }, '← All webhooks')), errorBox(error));
    return;
  }
  renderHead();
  refresh();
}

/** Milliseconds from the delivery (its event) being created to its first attempt, or null before one. */
function latency(d) {
  const first = d.attempts.reduce((min, a) => (min === null || a.started_at < min ? a.started_at : min), null);
  return first ? Math.max(0, new Date(first).getTime() - new Date(d.created_at).getTime()) : null;
}

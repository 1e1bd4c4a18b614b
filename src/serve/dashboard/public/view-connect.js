// Connect: warehouse destinations and connections, and one connection's runs with live progress and a chart.
import { del, get, post, put } from './api.js';
import { barChart } from './charts.js';
import {
  actionButton,
  badge,
  deleteControls,
  errorBox,
  field,
  h,
  num,
  replace,
  statusKind,
  table,
  time,
} from './dom.js';
import { RECORD_MODELS } from './record-models.js';
import { listAllIntegrations } from './view-integrations.js';

/** Connect's streams, as the API names them: the catalogue's models and the resident <-> lease link. */
const STREAMS = [...Object.keys(RECORD_MODELS), 'residents_to_leases'];
const SYNC_MODES = [
  ['full_refresh_overwrite', 'Full refresh (overwrite)'],
  ['incremental_append', 'Incremental (append history)'],
  ['incremental_dedup', 'Incremental (dedup on id)'],
];
/** A link that ends is removed, not marked deleted: only a full refresh carries it (the API refuses the others). */
const MODES_OF = { residents_to_leases: ['full_refresh_overwrite'] };
/** Chart colours per stream (series-3 is the failure red, so it is left out). */
const STREAM_SERIES = {
  properties: 0,
  units: 1,
  residents: 2,
  leases: 4,
  residents_to_leases: 5,
  service_requests: 6,
  resident_charges: 7,
  resident_payments: 8,
};
const isLive = (status) => status === 'QUEUED' || status === 'RUNNING';

async function listAll(path) {
  const out = [];
  for (let offset = 0; ; offset += 250) {
    const page = await get(path, { limit: 250, offset });
    out.push(...page.results);
    if (!page.meta.hasMore) return out;
  }
}

const listDestinations = () => listAll('/v1/connect/destinations');
const listConnections = () => listAll('/v1/connect/connections');

/** Where a destination points: user@host:port/database (the API never returns the password or the URL). */
const address = (d) => `${d.username ? `${d.username}@` : ''}${d.host}:${d.port}/${d.database}`;
const scheduleText = (s) => (s?.type === 'cron' ? `cron ${s.cron} (UTC)` : 'manual');
const modeLabel = (mode) => SYNC_MODES.find(([m]) => m === mode)?.[1] ?? mode;

function ms(value) {
  if (value === undefined || value === null) return '—';
  if (value < 1000) return `${value} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(1)} s`;
  return `${Math.floor(value / 60_000)} min ${Math.round((value % 60_000) / 1000)} s`;
}

/** A run's duration: started → finished, or → now while it runs. */
function runDuration(r) {
  if (!r.started_at) return '—';
  return ms((r.finished_at ? new Date(r.finished_at) : new Date()).getTime() - new Date(r.started_at).getTime());
}

const runRecords = (r) => r.streams.reduce((sum, st) => sum + (st.records ?? 0), 0);

export async function renderConnect(el, ctx) {
  const state = { destinations: [], connections: [], integrations: [], error: null, confirmingDestination: null };
  const destinationsBox = h('div', { testid: 'destinations-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const destinationMessage = h('div', { 'aria-live': 'polite', testid: 'destinations-message' });
  const connectionsBox = h('div', { testid: 'connections-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const destinationForm = h('div', {});
  const connectionForm = h('div', {});

  replace(
    el,
    h('h1', {}, 'Connect'),
    h(
      'p',
      { class: 'muted' },
      'Replicate an integration’s records into your own PostgreSQL warehouse: each stream lands in ',
      h('code', {}, 'namespace.prefix + stream'),
      '.',
    ),
    h(
      'section',
      { class: 'panel', testid: 'destinations-section' },
      h('h2', {}, 'Destinations'),
      destinationMessage,
      destinationsBox,
      h('h3', {}, 'New destination'),
      destinationForm,
    ),
    h(
      'section',
      { class: 'panel', testid: 'connections-section' },
      h('h2', {}, 'Connections'),
      connectionsBox,
      h('h3', {}, 'New connection'),
      connectionForm,
    ),
  );

  const destinationName = (id) => state.destinations.find((d) => d.id === id)?.name ?? id;
  const integrationName = (id) => state.integrations.find((i) => i.id === id)?.name ?? id;

  function renderDestinations() {
    replace(
      destinationsBox,
      table(
        [
          { label: 'Name', cell: (d) => h('strong', { testid: 'destination-name' }, d.name) },
          { label: 'Type', cell: (d) => d.type },
          { label: 'Where', cell: (d) => h('code', { testid: 'destination-address' }, address(d)) },
          {
            label: 'Used by',
            cell: (d) => {
              const n = state.connections.filter((c) => c.destination_id === d.id).length;
              return n ? `${n} connection${n > 1 ? 's' : ''}` : '—';
            },
          },
          { label: 'Created', cell: (d) => time(d.created_at) },
          {
            label: '',
            cell: (d) =>
              state.confirmingDestination === d.id
                ? h(
                    'span',
                    { class: 'actions tight' },
                    actionButton(
                      'Confirm delete',
                      async () => {
                        try {
                          await del(`/v1/connect/destinations/${encodeURIComponent(d.id)}`);
                          state.confirmingDestination = null;
                          replace(
                            destinationMessage,
                            h(
                              'p',
                              { class: 'notice', testid: 'destination-deleted' },
                              `Destination ${d.name} deleted.`,
                            ),
                          );
                          await load();
                        } catch (error) {
                          state.confirmingDestination = null;
                          replace(destinationMessage, errorBox(error, 'destination-delete-error'));
                          renderDestinations();
                        }
                      },
                      { class: 'danger', testid: 'confirm-delete-destination' },
                    ),
                    h(
                      'button',
                      {
                        type: 'button',
                        onClick: () => {
                          state.confirmingDestination = null;
                          renderDestinations();
                        },
                      },
                      'Cancel',
                    ),
                  )
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger',
                      testid: 'delete-destination',
                      onClick: () => {
                        state.confirmingDestination = d.id;
                        renderDestinations();
                      },
                    },
                    'Delete',
                  ),
          },
        ],
        state.destinations,
        { testid: 'destinations-table' },
        (d) => ({ testid: 'destination-row', 'data-destination-id': d.id }),
      ),
    );
  }

  function renderConnections() {
    replace(
      connectionsBox,
      table(
        [
          {
            label: 'Name',
            cell: (c) =>
              h('a', { href: `#/connect/connections/${encodeURIComponent(c.id)}`, testid: 'connection-link' }, c.name),
          },
          {
            label: 'Integration',
            cell: (c) =>
              h(
                'a',
                { href: `#/integrations/${encodeURIComponent(c.integration_id)}` },
                integrationName(c.integration_id),
              ),
          },
          { label: 'Destination', cell: (c) => destinationName(c.destination_id) },
          {
            label: 'Streams',
            cell: (c) =>
              c.streams.map((st) => h('div', { class: 'small' }, h('code', {}, st.name), ` ${st.sync_mode}`)),
          },
          { label: 'Schedule', cell: (c) => scheduleText(c.schedule) },
          { label: 'Namespace', cell: (c) => h('code', {}, `${c.namespace}.${c.stream_prefix ?? ''}*`) },
          { label: 'Active', cell: (c) => badge(c.active ? 'active' : 'paused', c.active ? 'ok' : 'idle') },
          { label: 'Next run', cell: (c) => time(c.next_run_at) },
        ],
        state.connections,
        { testid: 'connections-table' },
        (c) => ({ testid: 'connection-row', 'data-connection-id': c.id }),
      ),
    );
  }

  async function load() {
    try {
      [state.destinations, state.connections] = await Promise.all([listDestinations(), listConnections()]);
      state.error = null;
    } catch (error) {
      replace(destinationsBox, errorBox(error));
      replace(connectionsBox);
      return;
    }
    renderDestinations();
    renderConnections();
    replace(connectionForm, newConnectionForm(ctx, state));
  }

  replace(
    destinationForm,
    newDestinationForm(async (created) => {
      replace(
        destinationMessage,
        h(
          'p',
          { class: 'notice', testid: 'destination-created' },
          `Destination ${created.name} added: connected to ${address(created)}.`,
        ),
      );
      await load();
    }),
  );
  state.integrations = await listAllIntegrations().catch(() => []);
  await load();
}

function newDestinationForm(onCreated) {
  const name = h('input', {
    type: 'text',
    name: 'name',
    required: true,
    maxlength: 200,
    size: 30,
    testid: 'new-destination-name',
    placeholder: 'warehouse',
  });
  const url = h('input', {
    type: 'text',
    name: 'connection_url',
    required: true,
    size: 60,
    autocomplete: 'off',
    spellcheck: 'false',
    testid: 'new-destination-url',
    placeholder: 'postgresql://user:password@host:5432/database',
  });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'stack', testid: 'new-destination-form' },
    h(
      'div',
      { class: 'inline-fields' },
      field('Name', name),
      field('Type', h('select', { name: 'type', disabled: true }, h('option', { value: 'postgres' }, 'PostgreSQL'))),
    ),
    field(
      'Connection URL',
      url,
      'Latchkey connects and checks that the user may create schemas before saving it. It is stored encrypted and never shown again.',
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'create-destination-submit' }, 'Add destination'),
    ),
    out,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(out);
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    replace(
      out,
      h('p', { class: 'muted small', testid: 'destination-checking' }, 'Connecting to check the destination…'),
    );
    try {
      const created = await post('/v1/connect/destinations', {
        name: name.value.trim(),
        type: 'postgres',
        connection_url: url.value.trim(),
      });
      form.reset();
      replace(out);
      await onCreated(created.result);
    } catch (error) {
      replace(out, errorBox(error, 'create-destination-error'));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/**
 * A checkbox and a sync-mode choice per stream, starting from `current` (a connection's streams). `chosen()`
 * gives the ticked ones as the API takes them; a stream kept from `current` keeps its chosen fields.
 */
function streamPicker(testidPrefix, current) {
  const rows = STREAMS.map((stream) => {
    const now = current.find((st) => st.name === stream);
    const modes = SYNC_MODES.filter(([m]) => (MODES_OF[stream] ?? [m]).includes(m));
    return {
      stream,
      now,
      box: h('input', {
        type: 'checkbox',
        name: 'streams',
        value: stream,
        checked: Boolean(now),
        testid: `${testidPrefix}-stream-${stream}`,
      }),
      mode: h(
        'select',
        { name: `mode-${stream}`, testid: `${testidPrefix}-mode-${stream}`, 'aria-label': `${stream} sync mode` },
        modes.map(([m, label]) => h('option', { value: m, selected: now?.sync_mode === m }, label)),
      ),
    };
  });
  return {
    boxes: rows.map((r) => r.box),
    table: h(
      'table',
      { class: 'plain' },
      h(
        'tbody',
        {},
        rows.map((r) =>
          h('tr', {}, h('td', {}, h('label', {}, r.box, ' ', h('code', {}, r.stream))), h('td', {}, r.mode)),
        ),
      ),
    ),
    chosen: () =>
      rows
        .filter((r) => r.box.checked)
        .map((r) => ({
          name: r.stream,
          sync_mode: r.mode.value,
          ...(r.now?.fields ? { fields: r.now.fields } : {}),
        })),
  };
}

function newConnectionForm(ctx, state) {
  const name = h('input', {
    type: 'text',
    name: 'name',
    required: true,
    maxlength: 200,
    size: 30,
    testid: 'new-connection-name',
  });
  const integration = h(
    'select',
    { name: 'integration_id', required: true, testid: 'new-connection-integration' },
    state.integrations.map((i) => h('option', { value: i.id }, `${i.name} (${i.integration_vendor})`)),
  );
  const destination = h(
    'select',
    { name: 'destination_id', required: true, testid: 'new-connection-destination' },
    state.destinations.map((d) => h('option', { value: d.id }, `${d.name} (${address(d)})`)),
  );
  const streams = streamPicker('new-connection', []);
  const manual = h('input', {
    type: 'radio',
    name: 'schedule',
    value: 'manual',
    checked: true,
    testid: 'new-connection-schedule-manual',
  });
  const cron = h('input', { type: 'radio', name: 'schedule', value: 'cron', testid: 'new-connection-schedule-cron' });
  const cronExpr = h('input', {
    type: 'text',
    name: 'cron',
    size: 16,
    value: '0 * * * *',
    spellcheck: 'false',
    testid: 'new-connection-cron',
    'aria-label': 'Cron expression (UTC)',
    disabled: true,
  });
  const syncCron = () => {
    cronExpr.disabled = !cron.checked;
  };
  manual.addEventListener('change', syncCron);
  cron.addEventListener('change', syncCron);
  const namespace = h('input', {
    type: 'text',
    name: 'namespace',
    required: true,
    size: 20,
    value: 'latchkey',
    spellcheck: 'false',
    testid: 'new-connection-namespace',
  });
  const prefix = h('input', {
    type: 'text',
    name: 'stream_prefix',
    size: 14,
    spellcheck: 'false',
    placeholder: 'none',
    testid: 'new-connection-prefix',
  });
  const active = h('input', { type: 'checkbox', name: 'active', checked: true, testid: 'new-connection-active' });
  const out = h('div', { 'aria-live': 'polite' });

  if (state.integrations.length === 0 || state.destinations.length === 0) {
    return h(
      'p',
      { class: 'muted', testid: 'new-connection-unavailable' },
      state.integrations.length === 0 ? 'Create an integration first. ' : '',
      state.destinations.length === 0 ? 'Add a destination first.' : '',
    );
  }

  const form = h(
    'form',
    { class: 'stack', testid: 'new-connection-form' },
    field('Name', name),
    h('div', { class: 'inline-fields' }, field('Integration (source)', integration), field('Destination', destination)),
    h('fieldset', {}, h('legend', {}, 'Streams and sync modes'), streams.table),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Schedule'),
      h('label', {}, manual, ' Manual (Sync now only)'),
      h('label', {}, cron, ' Cron, UTC: '),
      cronExpr,
    ),
    h(
      'div',
      { class: 'inline-fields' },
      field('Namespace (schema)', namespace),
      field('Table prefix', prefix),
      h('div', { class: 'field' }, h('label', {}, active, ' Active')),
    ),
    h('small', { class: 'muted' }, 'Tables: ', h('code', { testid: 'new-connection-tables' }), '.'),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'create-connection-submit' }, 'Create connection'),
    ),
    out,
  );
  const tables = form.querySelector('[data-testid="new-connection-tables"]');
  const showTables = () => {
    const chosen = streams.chosen().map((st) => st.name);
    const text = chosen.length
      ? chosen.map((st) => `${namespace.value}.${prefix.value}${st}`).join(', ')
      : 'pick at least one stream';
    // Rewriting an unchanged line still replaces its text node, and Chromium's scroll anchoring can then move the
    // page under a click that blurred the prefix field (seen at the bottom of a scrolled page).
    if (tables.textContent !== text) tables.textContent = text;
  };
  for (const input of [namespace, prefix, ...streams.boxes])
    for (const type of ['input', 'change']) input.addEventListener(type, showTables);
  showTables();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(out);
    const body = {
      name: name.value.trim(),
      integration_id: integration.value,
      destination_id: destination.value,
      streams: streams.chosen(),
      schedule: cron.checked ? { type: 'cron', cron: cronExpr.value.trim() } : { type: 'manual' },
      namespace: namespace.value.trim(),
      active: active.checked,
    };
    if (prefix.value.trim()) body.stream_prefix = prefix.value.trim();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const created = await post('/v1/connect/connections', body);
      ctx.go(`#/connect/connections/${encodeURIComponent(created.result.id)}`);
    } catch (error) {
      replace(out, errorBox(error, 'create-connection-error'));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** One connection: its settings, Sync now, pause/resume, delete, and its runs with per-stream rows. */
export async function renderConnection(el, ctx, id) {
  const path = `/v1/connect/connections/${encodeURIComponent(id)}`;
  const state = {
    connection: null,
    destination: null,
    integration: null,
    runs: [],
    total: 0,
    runsError: null,
    confirmingDelete: false,
  };
  let expectRunUntil = 0;
  let polling = false;

  const back = h('p', {}, h('a', { href: '#/connect' }, '← Connect'));
  const title = h('h1', { testid: 'connection-name' }, 'Connection');
  const summary = h('div', { class: 'actions', testid: 'connection-summary' });
  const actions = h('div', { class: 'actions', testid: 'connection-actions' });
  const message = h('div', { 'aria-live': 'polite', testid: 'connection-message' });
  const streamsBox = h('div', { testid: 'connection-streams' });
  const progressBox = h('div', { 'aria-live': 'polite', testid: 'connect-run-progress-box' });
  const runsBox = h('div', { testid: 'connect-runs-box' });
  const chartBox = h('div', { class: 'chart-small', testid: 'connect-chart-box' });

  replace(
    el,
    back,
    title,
    summary,
    actions,
    message,
    h('section', { class: 'panel' }, h('h2', {}, 'Streams'), streamsBox),
    h('section', { class: 'panel', testid: 'connect-runs-section' }, h('h2', {}, 'Runs'), progressBox, runsBox),
    h('section', { class: 'panel' }, h('h2', {}, 'Records per run'), chartBox),
  );
  const say = (...nodes) => replace(message, ...nodes);

  function renderHeader() {
    const c = state.connection;
    title.textContent = c.name;
    replace(
      summary,
      badge(c.active ? 'active' : 'paused', c.active ? 'ok' : 'idle', { testid: 'connection-active' }),
      h(
        'span',
        {},
        'from ',
        h(
          'a',
          { href: `#/integrations/${encodeURIComponent(c.integration_id)}` },
          state.integration?.name ?? c.integration_id,
        ),
      ),
      h(
        'span',
        {},
        'into ',
        h('strong', {}, state.destination?.name ?? c.destination_id),
        state.destination ? h('span', { class: 'muted' }, ` (${address(state.destination)})`) : null,
      ),
      h(
        'span',
        {},
        'schema ',
        h('code', { testid: 'connection-namespace' }, c.namespace),
        c.stream_prefix ? [' prefix ', h('code', {}, c.stream_prefix)] : null,
      ),
      h('span', { testid: 'connection-schedule' }, `schedule: ${scheduleText(c.schedule)}`),
      h(
        'span',
        { class: 'muted' },
        `next run: ${c.next_run_at ? time(c.next_run_at) : c.schedule.type === 'cron' ? 'paused' : 'on request'}`,
      ),
    );
    replace(
      actions,
      actionButton(
        'Sync now',
        async () => {
          try {
            const res = await post(`${path}/sync`, {});
            say(h('p', { class: 'notice', testid: 'connect-sync-requested' }, `Run ${res.result.run_id} requested.`));
            expectRunUntil = Date.now() + 5_000;
            pollRuns();
          } catch (error) {
            say(errorBox(error));
          }
        },
        { class: 'primary', testid: 'connect-sync-now' },
      ),
      actionButton(
        c.active ? 'Pause' : 'Resume',
        async () => {
          try {
            state.connection = (await put(path, { active: !c.active })).result;
            say(
              h(
                'p',
                { class: 'notice' },
                state.connection.active
                  ? 'Resumed: the schedule runs again.'
                  : 'Paused: no scheduled runs (Sync now still works).',
              ),
            );
            renderHeader();
          } catch (error) {
            say(errorBox(error));
          }
        },
        { testid: 'connection-toggle-active' },
      ),
      ...deleteControls({
        state,
        rerender: renderHeader,
        question: 'Delete this connection? The warehouse tables stay.',
        remove: async () => {
          await del(path);
          ctx.go('#/connect');
        },
        say,
        testids: { delete: 'delete-connection', confirm: 'confirm-delete-connection' },
      }),
    );
  }

  /** The streams, and a form to change them (rendered apart from the header, so pausing keeps an edit in progress). */
  function renderStreams() {
    const c = state.connection;
    const picker = streamPicker('edit-streams', c.streams);
    const out = h('div', { 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', testid: 'edit-streams-submit' }, 'Save streams');
    const form = h(
      'form',
      { class: 'stack', testid: 'edit-streams-form' },
      picker.table,
      h(
        'small',
        { class: 'muted' },
        'A stream whose sync mode changes starts over on its next run; a stream left out keeps its table in the warehouse.',
      ),
      h('div', { class: 'actions' }, submit),
      out,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      replace(out);
      submit.disabled = true;
      try {
        state.connection = (await put(path, { streams: picker.chosen() })).result;
        renderStreams();
        say(h('p', { class: 'notice', testid: 'edit-streams-saved' }, 'Streams saved: the next run uses them.'));
      } catch (error) {
        replace(out, errorBox(error, 'edit-streams-error'));
        submit.disabled = false;
      }
    });
    replace(
      streamsBox,
      table(
        [
          { label: 'Stream', cell: (st) => h('code', {}, st.name) },
          { label: 'Sync mode', cell: (st) => modeLabel(st.sync_mode) },
          {
            label: 'Table',
            cell: (st) => h('code', { testid: 'stream-table' }, `${c.namespace}.${c.stream_prefix ?? ''}${st.name}`),
          },
          {
            label: 'Fields',
            cell: (st) => (st.fields ? st.fields.join(', ') : h('span', { class: 'muted' }, 'all, new ones included')),
          },
        ],
        c.streams,
        { testid: 'connection-streams-table' },
        (st) => ({ 'data-stream': st.name }),
      ),
      h('details', { testid: 'edit-streams' }, h('summary', {}, 'Change streams'), form),
    );
  }

  function renderRuns() {
    const live = state.runs.find((r) => isLive(r.status));
    if (live) {
      const done = live.streams.filter((st) => st.status === 'SUCCEEDED').length;
      replace(
        progressBox,
        h(
          'div',
          { class: 'notice', testid: 'connect-run-progress' },
          h('strong', {}, `Run ${live.status}`),
          ` — ${done} of ${live.streams.length || '?'} streams done, ${num(runRecords(live))} records so far`,
          live.attempts > 1 ? `, attempt ${live.attempts}` : '',
          live.error ? h('div', { class: 'small' }, `last error: ${live.error}`) : null,
        ),
      );
    } else {
      replace(progressBox);
    }
    replace(
      runsBox,
      state.runsError ? errorBox(state.runsError, 'connect-runs-error') : null,
      h(
        'p',
        { class: 'muted small' },
        `${state.total} run${state.total === 1 ? '' : 's'}${state.total > state.runs.length ? `, newest ${state.runs.length} shown` : ''}`,
      ),
      table(
        [
          { label: 'Requested', cell: (r) => time(r.created_at) },
          { label: 'Trigger', cell: (r) => h('span', { testid: 'connect-run-trigger' }, r.trigger) },
          { label: 'Status', cell: (r) => badge(r.status, statusKind(r.status), { testid: 'connect-run-status' }) },
          { label: 'Duration', cell: (r) => h('span', { testid: 'connect-run-duration' }, runDuration(r)) },
          {
            label: 'Attempts',
            attrs: () => ({ class: 'num' }),
            cell: (r) => h('span', { testid: 'connect-run-attempts' }, num(r.attempts)),
          },
          {
            label: 'Records',
            attrs: () => ({ class: 'num' }),
            cell: (r) => h('span', { testid: 'connect-run-records' }, num(runRecords(r))),
          },
          { label: 'Streams', cell: (r) => streamRows(r) },
          {
            label: 'Error',
            cell: (r) => (r.error ? h('span', { class: 'small', testid: 'connect-run-error' }, r.error) : ''),
          },
        ],
        state.runs,
        { testid: 'connect-runs-table' },
        (r) => ({ testid: 'connect-run-row', 'data-run-id': r.id, 'data-status': r.status }),
      ),
    );
    renderChart();
  }

  function streamRows(r) {
    if (r.streams.length === 0)
      return h('span', { class: 'muted small' }, r.status === 'QUEUED' ? 'waiting to start' : '—');
    return h(
      'table',
      { class: 'nested' },
      h(
        'tbody',
        {},
        r.streams.map((st) =>
          h(
            'tr',
            { testid: 'connect-stream-row', 'data-stream': st.name, 'data-status': st.status },
            h('td', {}, h('code', {}, st.name)),
            h('td', { class: 'num' }, h('span', { testid: 'connect-stream-records' }, num(st.records)), ' rec'),
            h('td', { class: 'num' }, ms(st.duration_ms)),
            h('td', {}, badge(st.status, statusKind(st.status), { testid: 'connect-stream-status' })),
            st.error ? h('td', { class: 'small' }, st.error) : null,
          ),
        ),
      ),
    );
  }

  function renderChart() {
    const runs = [...state.runs].reverse().slice(-20);
    const names = [
      ...new Set([
        ...state.connection.streams.map((st) => st.name),
        ...runs.flatMap((r) => r.streams.map((st) => st.name)),
      ]),
    ];
    replace(
      chartBox,
      barChart({
        title: 'Records replicated per run',
        yLabel: 'records',
        testid: 'connect-chart-records',
        categories: runs.map((r) => new Date(r.created_at).toLocaleTimeString()),
        series: names.map((n, i) => ({
          name: n,
          values: runs.map((r) => r.streams.find((st) => st.name === n)?.records ?? 0),
          series: STREAM_SERIES[n] ?? i,
        })),
        note: runs.length ? `The last ${runs.length} run${runs.length === 1 ? '' : 's'}, oldest first.` : null,
      }),
    );
  }

  async function loadRuns() {
    try {
      const page = await get(`${path}/runs`, { limit: 50, 'order-by': 'created_at:desc' });
      state.runs = page.results;
      state.total = page.meta.total;
      state.runsError = null;
    } catch (error) {
      state.runsError = error;
    }
  }

  function pollRuns() {
    if (polling) return;
    polling = true;
    ctx.poll(async () => {
      await loadRuns();
      renderRuns();
      const again = state.runs.some((r) => isLive(r.status)) || Date.now() < expectRunUntil;
      if (!again) polling = false;
      return again;
    }, 1000);
  }

  try {
    state.connection = (await get(path)).results;
  } catch (error) {
    replace(el, back, errorBox(error));
    return;
  }
  const [destination, integration] = await Promise.all([
    get(`/v1/connect/destinations/${encodeURIComponent(state.connection.destination_id)}`)
      .then((r) => r.results)
      .catch(() => null),
    get(`/v1/admin/integrations/${encodeURIComponent(state.connection.integration_id)}`)
      .then((r) => r.results)
      .catch(() => null),
  ]);
  Object.assign(state, { destination, integration });
  renderHeader();
  renderStreams();
  await loadRuns();
  renderRuns();
  if (state.runs.some((r) => isLive(r.status))) pollRuns();
}

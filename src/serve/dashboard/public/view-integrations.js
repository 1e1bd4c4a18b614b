// Integrations: the list, creating one against a sandbox vendor, and one integration's access matrix, runs, charts and
// the vendor values no mapping knows.
import { del, get, post, put } from './api.js';
import { barChart } from './charts.js';
import {
  actionButton,
  badge,
  deleteControls,
  duration,
  errorBox,
  field,
  h,
  num,
  replace,
  statusKind,
  table,
  time,
} from './dom.js';

let presetsPromise;
/** The sandbox vendors and the credentials their sandboxes accept. */
export function sandboxPresets() {
  presetsPromise ??= fetch('/dashboard/sandbox-presets.json').then((r) => {
    if (!r.ok) throw new Error(`sandbox presets: HTTP ${r.status}`);
    return r.json();
  });
  return presetsPromise;
}

const PRESET_LABELS = {
  standard: 'Sandbox (full access)',
  limited: 'Sandbox, limited (no residents)',
  custom: 'Custom credentials',
};
/** Vendors whose adapter needs a base_url (no public default host). */
const NEEDS_BASE_URL = ['YARDI', 'ENTRATA', 'APPFOLIO'];

export async function listAllIntegrations() {
  const out = [];
  for (let offset = 0; ; offset += 250) {
    const page = await get('/v1/admin/integrations/', { limit: 250, offset });
    out.push(...page.results);
    if (!page.meta.hasMore) return out;
  }
}

export async function renderIntegrations(el, ctx) {
  const listBox = h('div', { testid: 'integrations-list' }, h('p', { class: 'muted' }, 'Loading…'));
  replace(
    el,
    h('h1', {}, 'Integrations'),
    listBox,
    h(
      'section',
      { class: 'panel', testid: 'create-integration' },
      h('h2', {}, 'New integration'),
      await createForm(ctx),
    ),
  );
  try {
    const rows = await listAllIntegrations();
    replace(
      listBox,
      table(
        [
          {
            label: 'Name',
            cell: (i) =>
              h('a', { href: `#/integrations/${encodeURIComponent(i.id)}`, testid: 'integration-link' }, i.name),
          },
          { label: 'Vendor', cell: (i) => i.integration_vendor },
          { label: 'Active', cell: (i) => badge(i.active ? 'active' : 'inactive', i.active ? 'ok' : 'idle') },
          { label: 'Can authenticate', cell: (i) => authBadge(i) },
          { label: 'Sync', cell: (i) => (i.is_running_sync ? badge('running', 'busy') : '') },
          { label: 'Last run', cell: (i) => lastRun(i.last_sync_run) },
          { label: 'Last completed sync', cell: (i) => time(i.last_completed_sync) },
          { label: 'Base URL', cell: (i) => h('code', {}, i.base_url ?? 'vendor default') },
        ],
        rows,
        { testid: 'integrations-table' },
        (i) => ({ 'data-integration-id': i.id }),
      ),
    );
  } catch (error) {
    replace(listBox, errorBox(error));
  }
}

/** The integration's latest run: its status and when it started (and ended). */
function lastRun(run) {
  if (!run) return h('span', { class: 'muted', testid: 'last-run' }, 'never');
  return h(
    'span',
    { testid: 'last-run', 'data-status': run.status },
    badge(run.status, statusKind(run.status), { testid: 'last-run-status' }),
    ' ',
    run.job_type,
    ' · ',
    h('span', { testid: 'last-run-time' }, time(run.started_at)),
    run.finished_at
      ? h('span', { class: 'muted small' }, ` (took ${duration(run.started_at, run.finished_at)})`)
      : null,
  );
}

/** Whether the credentials work; `false` before any check or sync means nobody has tried yet. */
function authBadge(integration) {
  const value = integration.can_authenticate;
  const tried =
    integration.last_data_access_check || integration.last_completed_sync || integration.first_sync_completed_at;
  if (value === true) return badge('yes', 'ok', { testid: 'can-authenticate' });
  if (value === false && tried) return badge('no', 'bad', { testid: 'can-authenticate' });
  return badge('not checked', 'idle', { testid: 'can-authenticate' });
}

async function createForm(ctx) {
  const { vendors } = await sandboxPresets();
  const vendorSelect = h(
    'select',
    { name: 'vendor', testid: 'new-vendor' },
    vendors.map((v) => h('option', { value: v.vendor }, v.label)),
  );
  const presetSelect = h('select', { name: 'preset', testid: 'new-preset' });
  const nameInput = h('input', {
    type: 'text',
    name: 'name',
    required: true,
    maxlength: 200,
    size: 40,
    testid: 'new-name',
  });
  const baseUrlInput = h('input', { type: 'url', name: 'base_url', size: 50, testid: 'new-base-url' });
  const credentialsInput = h('textarea', {
    name: 'credentials',
    rows: 8,
    cols: 60,
    spellcheck: 'false',
    testid: 'new-credentials',
  });
  const fastInput = h('input', { type: 'checkbox', name: 'fast', testid: 'new-fast', checked: true });
  const activeInput = h('input', { type: 'checkbox', name: 'active', testid: 'new-active' });
  const baseUrlHint = h('small', {});
  const out = h('div', { 'aria-live': 'polite' });
  let nameEdited = false;
  nameInput.addEventListener('input', () => {
    nameEdited = true;
  });

  const vendor = () => vendors.find((v) => v.vendor === vendorSelect.value);
  function fillPresets() {
    const v = vendor();
    const keep = presetSelect.value;
    replace(
      presetSelect,
      [...Object.keys(v.presets), 'custom'].map((p) => h('option', { value: p }, PRESET_LABELS[p] ?? p)),
    );
    presetSelect.value = [...presetSelect.options].some((o) => o.value === keep) ? keep : 'standard';
    fillPreset();
  }
  function fillPreset() {
    const v = vendor();
    const preset = presetSelect.value;
    if (!nameEdited)
      nameInput.value =
        `${v.label} ${preset === 'limited' ? 'limited sandbox' : preset === 'custom' ? '' : 'sandbox'}`.trim();
    if (preset === 'custom') {
      credentialsInput.value = '{\n  \n}';
      fastInput.checked = false;
    } else {
      credentialsInput.value = JSON.stringify(v.presets[preset], null, 2);
      baseUrlInput.value = `${location.origin}/sandbox/${v.slug}`;
      fastInput.checked = true;
    }
    baseUrlHint.textContent = NEEDS_BASE_URL.includes(v.vendor)
      ? 'Required for this vendor. The sandbox is mounted on this server under /sandbox/' + v.slug + '/.'
      : 'Optional: empty uses the vendor’s own host. Sandbox presets point at /sandbox/' + v.slug + '/ on this server.';
  }
  vendorSelect.addEventListener('change', fillPresets);
  presetSelect.addEventListener('change', fillPreset);
  fillPresets();

  const form = h(
    'form',
    { class: 'stack', testid: 'new-integration-form' },
    h('div', { class: 'inline-fields' }, field('Vendor', vendorSelect), field('Credentials preset', presetSelect)),
    field('Name', nameInput),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'new-base-url' }, 'Base URL'),
      Object.assign(baseUrlInput, { id: 'new-base-url' }),
      baseUrlHint,
    ),
    field(
      'Credentials (JSON)',
      credentialsInput,
      'The vendor’s credential fields; they are encrypted at rest and never shown again.',
    ),
    h(
      'div',
      {},
      h(
        'label',
        {},
        fastInput,
        ' Request budget of 100 requests per second (for sandboxes; the default is 1 per second)',
      ),
    ),
    h('div', {}, h('label', {}, activeInput, ' Active: start the first sync at once')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'create-integration-submit' }, 'Create integration'),
    ),
    out,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(out);
    let credentials;
    try {
      credentials = JSON.parse(credentialsInput.value);
      if (!credentials || typeof credentials !== 'object' || Array.isArray(credentials))
        throw new Error('credentials must be a JSON object');
    } catch (error) {
      replace(out, errorBox({ message: `Credentials are not valid JSON: ${error.message}` }));
      return;
    }
    const body = {
      name: nameInput.value.trim(),
      integration_vendor: vendorSelect.value,
      credentials,
      active: activeInput.checked,
    };
    if (baseUrlInput.value.trim()) body.base_url = baseUrlInput.value.trim();
    if (fastInput.checked) Object.assign(body, { max_request_frequency: 100, max_request_cadence: 'SECOND' });
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const created = await post('/v1/admin/integrations/', body);
      ctx.go(`#/integrations/${encodeURIComponent(created.result.id)}`);
    } catch (error) {
      replace(out, errorBox(error, 'create-integration-error'));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

const OPS = ['read', 'create', 'update'];
const isLive = (status) => status === 'RUNNING' || status === 'PENDING';

/** One integration: status and actions, data-access matrix, sync runs with live progress, charts. */
export async function renderIntegration(el, ctx, id) {
  const path = `/v1/admin/integrations/${encodeURIComponent(id)}`;
  const state = {
    integration: null,
    access: null,
    accessError: null,
    runs: [],
    runsError: null,
    selectedRun: null,
    jobs: [],
    jobsError: null,
    unknown: [],
    unknownError: null,
    confirmingDelete: false,
  };
  let expectRunUntil = 0;
  let expectAccessUntil = 0;
  let runsPolling = false;
  let accessPolling = false;

  const title = h('h1', { testid: 'integration-name' }, 'Integration');
  const summary = h('div', { class: 'actions', testid: 'integration-summary' });
  const actions = h('div', { class: 'actions', testid: 'integration-actions' });
  const message = h('div', { 'aria-live': 'polite', testid: 'integration-message' });
  const accessBox = h('div', { testid: 'access-box' });
  const runsBox = h('div', { testid: 'runs-box' });
  const progressBox = h('div', { testid: 'run-progress-box', 'aria-live': 'polite' });
  const jobsBox = h('div', { testid: 'run-jobs-box' });
  const chartsBox = h('div', { class: 'charts', testid: 'integration-charts' });
  const unknownBox = h('div', { testid: 'unknown-values-box' });
  const settingsBox = h('pre', { testid: 'integration-json' });

  replace(
    el,
    h('p', {}, h('a', { href: '#/integrations' }, '← All integrations')),
    title,
    summary,
    actions,
    message,
    h(
      'section',
      { class: 'panel', testid: 'access-section' },
      h('h2', {}, 'Data access'),
      h(
        'p',
        { class: 'muted small' },
        'What the credentials may do per model, from the last data-access check (or a sync the vendor refused a read); “Synced from” is the vendor call each model is read from.',
      ),
      accessBox,
    ),
    h('section', { class: 'panel', testid: 'runs-section' }, h('h2', {}, 'Sync runs'), progressBox, runsBox, jobsBox),
    h('section', { class: 'panel' }, h('h2', {}, 'Per run'), chartsBox),
    h(
      'section',
      { class: 'panel', testid: 'unknown-values-section' },
      h('h2', {}, 'Values no mapping knows'),
      h(
        'p',
        { class: 'muted small' },
        'Vendor values no mapping table knows: synced as OTHER (or empty), the raw value kept.',
      ),
      unknownBox,
    ),
    h(
      'p',
      {},
      h(
        'a',
        { href: `#/records/residents?integration_id=${encodeURIComponent(id)}`, testid: 'integration-records' },
        'Browse this integration’s records →',
      ),
    ),
    h('details', {}, h('summary', {}, 'Settings (as the API returns them)'), settingsBox),
  );

  const say = (...nodes) => replace(message, ...nodes);

  function renderHeader() {
    const i = state.integration;
    if (!i) return;
    title.textContent = i.name;
    replace(
      summary,
      h('span', {}, i.integration_vendor),
      badge(i.active ? 'active' : 'inactive', i.active ? 'ok' : 'idle', { testid: 'integration-active' }),
      h('span', { class: 'muted' }, 'can authenticate:'),
      authBadge(i),
      i.is_running_sync ? badge('sync running', 'busy', { testid: 'sync-running' }) : null,
      i.is_running_data_access_check ? badge('access check running', 'busy') : null,
      h('span', { class: 'muted' }, `last completed sync: ${time(i.last_completed_sync)}`),
      h('span', { class: 'muted' }, `base URL: ${i.base_url ?? 'vendor default'}`),
    );
    const deleteButtons = deleteControls({
      state,
      rerender: renderHeader,
      question: 'Delete this integration and its cached records?',
      remove: async () => {
        await del(path);
        ctx.go('#/integrations');
      },
      say,
      testids: {
        delete: 'delete-integration',
        confirm: 'confirm-delete-integration',
        cancel: 'cancel-delete-integration',
      },
    });
    replace(
      actions,
      actionButton(
        i.active ? 'Disable' : 'Enable',
        async () => {
          try {
            const res = await put(path, { active: !i.active });
            state.integration = res.result;
            say(
              h(
                'p',
                { class: 'notice' },
                res.result.active
                  ? 'Enabled. The first sync starts now if it never ran.'
                  : 'Disabled: no more scheduled syncs.',
              ),
            );
            if (res.result.active) {
              expectRunUntil = Date.now() + 20_000;
              pollRuns();
            }
            renderAll();
          } catch (error) {
            say(errorBox(error));
          }
        },
        { testid: 'toggle-active', class: i.active ? '' : 'primary' },
      ),
      actionButton(
        'Sync now',
        async () => {
          try {
            const res = await post(`${path}/manual-sync`, {});
            if (res.result?.sync_id) state.selectedRun = res.result.sync_id;
            say(
              h(
                'p',
                { class: 'notice' },
                `Sync requested${res.result?.sync_id ? ` (run ${res.result.sync_id})` : ''}.`,
              ),
            );
            expectRunUntil = Date.now() + 20_000;
            pollRuns();
          } catch (error) {
            say(errorBox(error));
          }
        },
        { testid: 'sync-now' },
      ),
      actionButton(
        'Check access',
        async () => {
          try {
            const res = await post(`${path}/data-access`, {});
            say(
              h(
                'p',
                { class: 'notice' },
                res.result?.began_data_access
                  ? 'Data-access check started.'
                  : 'A data-access check is already running.',
              ),
            );
            expectAccessUntil = Date.now() + 5_000;
            pollAccess();
          } catch (error) {
            say(errorBox(error));
          }
        },
        { testid: 'check-access' },
      ),
      ...deleteButtons,
    );
    settingsBox.textContent = JSON.stringify(i, null, 2);
  }

  function renderAccess() {
    const models = state.integration?.models ?? {};
    const access = state.access;
    const names = [...new Set([...Object.keys(models), ...Object.keys(access?.models ?? {})])];
    replace(
      accessBox,
      h(
        'p',
        { class: 'small', testid: 'access-meta' },
        'Last check: ',
        h(
          'span',
          { testid: 'access-last-check' },
          time(access?.last_data_access_check ?? state.integration?.last_data_access_check),
        ),
        access?.data_access_check_in_process
          ? [' ', badge('checking…', 'busy', { testid: 'access-in-process' })]
          : null,
      ),
      state.accessError ? errorBox(state.accessError, 'access-error') : null,
      table(
        [
          { label: 'Model', cell: (m) => h('code', {}, m) },
          {
            label: 'Enabled',
            cell: (m) => (models[m] ? badge(models[m].enabled ? 'yes' : 'no', models[m].enabled ? 'ok' : 'idle') : '—'),
          },
          {
            label: 'Synced from',
            cell: (m) =>
              h('code', { testid: `source-${m}` }, models[m]?.source ?? (models[m]?.from_interfaces ?? []).join(', ')),
          },
          ...OPS.map((op) => ({
            label: op[0].toUpperCase() + op.slice(1),
            attrs: (m) => {
              const c = cellView(access?.models?.[m]?.[op]);
              return { class: `cell ${c.kind}`, testid: `access-${m}-${op}`, 'data-status': c.status };
            },
            cell: (m) => {
              const c = cellView(access?.models?.[m]?.[op]);
              return [
                h('strong', {}, c.status),
                c.error ? h('span', { class: 'cell-error', testid: `access-${m}-${op}-error` }, c.error) : null,
              ];
            },
          })),
        ],
        names,
        { class: 'matrix', testid: 'access-matrix' },
        (m) => ({ 'data-model': m }),
      ),
    );
  }

  function renderRuns() {
    const runs = state.runs;
    const live = runs.find((r) => isLive(r.status));
    replace(
      runsBox,
      state.runsError ? errorBox(state.runsError, 'runs-error') : null,
      table(
        [
          {
            label: 'Started',
            cell: (r) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  testid: 'run-open',
                  onClick: () => {
                    state.selectedRun = r.id;
                    loadJobs().then(renderRuns);
                  },
                },
                time(r.created_at),
              ),
          },
          { label: 'Type', cell: (r) => r.job_type },
          { label: 'Status', cell: (r) => badge(r.status, statusKind(r.status), { testid: 'run-status' }) },
          { label: 'Duration', cell: (r) => duration(r.started_at ?? r.created_at, r.finished_at) },
          ...countColumns(),
          {
            label: 'Skipped models',
            cell: (r) =>
              (r.skipped_models ?? []).map((sk) =>
                h('div', { class: 'small' }, h('code', {}, sk.model), `: ${sk.reason}`),
              ),
          },
          {
            label: 'Failed models',
            cell: (r) =>
              (r.models_failed ?? []).map((f) =>
                h(
                  'div',
                  { class: 'small bad-text', testid: 'run-failed-model', 'data-model': f.model },
                  h('code', {}, f.model),
                  `: ${f.error}`,
                ),
              ),
          },
        ],
        runs,
        { testid: 'runs-table' },
        (r) => ({
          testid: 'run-row',
          'data-run-id': r.id,
          'data-status': r.status,
          class: r.id === state.selectedRun ? 'selected' : null,
        }),
      ),
    );

    const selected = runs.find((r) => r.id === state.selectedRun);
    if ((selected && isLive(selected.status)) || live) {
      const run = selected && isLive(selected.status) ? selected : live;
      const jobs = run.id === state.selectedRun ? state.jobs : [];
      const done = jobs.filter((j) => !isLive(j.status)).length;
      replace(
        progressBox,
        h(
          'div',
          { class: 'notice', testid: 'run-progress' },
          h('strong', {}, `${run.job_type} ${run.status}`),
          ` — ${done} of ${jobs.length || '?'} jobs finished, ${num(run.records_seen)} records seen, ${num(run.records_written)} written, ${num(run.events_emitted)} events so far`,
          h(
            'div',
            {
              class: 'progress',
              role: 'progressbar',
              'aria-valuemin': 0,
              'aria-valuemax': jobs.length || 1,
              'aria-valuenow': done,
            },
            progressFill(jobs.length ? done / jobs.length : 0),
          ),
        ),
      );
    } else {
      replace(progressBox);
    }

    if (selected) {
      replace(
        jobsBox,
        h('h3', {}, `Jobs of the run of ${time(selected.created_at)} (${selected.job_type})`),
        state.jobsError ? errorBox(state.jobsError) : null,
        table(
          [
            { label: 'Model', cell: (j) => h('code', {}, j.model ?? '—') },
            { label: 'Job', cell: (j) => j.job_type },
            { label: 'Status', cell: (j) => badge(j.status, statusKind(j.status), { testid: 'job-status' }) },
            { label: 'Duration', cell: (j) => duration(j.started_at, j.finished_at) },
            ...countColumns(),
            {
              label: 'Error',
              cell: (j) =>
                j.error ? h('span', { class: `small${j.status === 'FAILURE' ? ' bad-text' : ''}` }, j.error) : '',
            },
          ],
          state.jobs,
          { testid: 'run-jobs' },
          (j) => ({ testid: 'job-row', 'data-model': j.model ?? '', 'data-status': j.status }),
        ),
      );
    } else {
      replace(jobsBox);
    }
    renderCharts();
  }

  function renderCharts() {
    const runs = [...state.runs].reverse().slice(-20);
    const reported =
      runs.length === 0 || runs.some((r) => r.records_seen !== undefined || r.events_emitted !== undefined);
    replace(
      chartsBox,
      barChart({
        title: 'Records synced per run',
        yLabel: 'records',
        testid: 'chart-records',
        categories: runs.map((r) => new Date(r.created_at).toLocaleTimeString()),
        series: [
          { name: 'seen', values: runs.map((r) => r.records_seen ?? 0) },
          { name: 'written', values: runs.map((r) => r.records_written ?? 0), series: 1 },
          { name: 'quarantined', values: runs.map((r) => r.records_quarantined ?? 0), series: 3 },
        ],
        note: reported ? null : 'This server does not report record counts on job logs.',
      }),
      barChart({
        title: 'Events emitted per run',
        yLabel: 'events',
        testid: 'chart-events',
        categories: runs.map((r) => new Date(r.created_at).toLocaleTimeString()),
        series: [{ name: 'events', values: runs.map((r) => r.events_emitted ?? 0), series: 2 }],
      }),
    );
  }

  function renderUnknown() {
    replace(
      unknownBox,
      state.unknownError ? errorBox(state.unknownError) : null,
      table(
        [
          { label: 'Model', cell: (u) => h('code', {}, u.model) },
          { label: 'Field', cell: (u) => h('code', {}, u.field) },
          { label: 'Vendor value', cell: (u) => h('code', { testid: 'unknown-value' }, u.value) },
          { label: 'Stored as', cell: (u) => u.mapped_to ?? 'empty' },
          {
            label: 'Records',
            attrs: () => ({ class: 'num' }),
            cell: (u) => h('span', { testid: 'unknown-occurrences' }, num(u.occurrences)),
          },
          { label: 'Example', cell: (u) => (u.sample_x_id ? h('code', {}, u.sample_x_id) : '') },
          { label: 'Last seen', cell: (u) => time(u.last_seen_at) },
        ],
        state.unknown,
        { testid: 'unknown-values' },
        (u) => ({ testid: 'unknown-row', 'data-field': u.field, 'data-value': u.value }),
      ),
    );
  }

  function renderAll() {
    renderHeader();
    renderAccess();
    renderRuns();
    renderUnknown();
  }

  async function loadUnknown() {
    try {
      state.unknown = (await get(`${path}/unknown-values`, { limit: 100, 'order-by': 'occurrences:desc' })).results;
      state.unknownError = null;
    } catch (error) {
      state.unknownError = error;
    }
  }

  async function loadIntegration() {
    state.integration = (await get(path)).results;
  }

  async function loadAccess() {
    try {
      state.access = (await get(`${path}/data-access`)).result;
      state.accessError = null;
    } catch (error) {
      state.accessError = error;
    }
  }

  async function loadRuns() {
    try {
      const page = await get('/v1/admin/logs/jobs/', { integration_id: id, limit: 250, 'order-by': 'created_at:desc' });
      state.runs = page.results.filter((r) => r.parent_job_id === null);
      state.runsError = null;
    } catch (error) {
      state.runsError = error;
    }
    if (!state.selectedRun || !state.runs.some((r) => r.id === state.selectedRun)) {
      const live = state.runs.find((r) => isLive(r.status));
      if (live || !state.selectedRun) state.selectedRun = (live ?? state.runs[0])?.id ?? state.selectedRun;
    }
    await loadJobs();
  }

  async function loadJobs() {
    if (!state.selectedRun || !state.runs.some((r) => r.id === state.selectedRun)) {
      state.jobs = [];
      return;
    }
    try {
      const page = await get(`/v1/admin/logs/jobs/${encodeURIComponent(state.selectedRun)}`, {
        include_all_jobs: 'true',
        limit: 250,
        'order-by': 'created_at:asc',
      });
      state.jobs = page.results.filter((j) => j.parent_job_id !== null);
      state.jobsError = null;
    } catch (error) {
      state.jobsError = error;
    }
  }

  const accessBusy = () =>
    state.access?.data_access_check_in_process ||
    Object.values(state.access?.models ?? {}).some((m) => OPS.some((op) => m?.[op]?.status === 'PROCESSING'));

  function pollRuns() {
    if (runsPolling) return;
    runsPolling = true;
    ctx.poll(async () => {
      // A sync the vendor refuses a model turns that model's read FAILED, and each page may count values no
      // mapping knows: the matrix and the unknown values follow the runs.
      await Promise.all([loadRuns(), loadIntegration().catch(() => {}), loadAccess(), loadUnknown()]);
      renderHeader();
      renderAccess();
      renderRuns();
      renderUnknown();
      const again =
        state.runs.some((r) => isLive(r.status)) || state.integration?.is_running_sync || Date.now() < expectRunUntil;
      if (!again) runsPolling = false;
      return again;
    }, 1000);
  }

  function pollAccess() {
    if (accessPolling) return;
    accessPolling = true;
    ctx.poll(async () => {
      await Promise.all([loadAccess(), loadIntegration().catch(() => {})]);
      renderHeader();
      renderAccess();
      const again = accessBusy() || state.integration?.is_running_data_access_check || Date.now() < expectAccessUntil;
      if (!again) accessPolling = false;
      return again;
    }, 1000);
  }

  try {
    await loadIntegration();
  } catch (error) {
    replace(el, h('p', {}, h('a', { href: '#/integrations' }, '← All integrations')), errorBox(error));
    return;
  }
  await Promise.all([loadAccess(), loadRuns(), loadUnknown()]);
  renderAll();
  if (accessBusy()) pollAccess();
  if (state.runs.some((r) => isLive(r.status)) || state.integration.is_running_sync) pollRuns();
}

function progressFill(fraction) {
  const span = h('span', {});
  span.style.width = `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
  return span;
}

function countColumns() {
  return [
    {
      label: 'Seen',
      attrs: () => ({ class: 'num' }),
      cell: (r) => h('span', { testid: 'records-seen' }, num(r.records_seen)),
    },
    {
      label: 'Written',
      attrs: () => ({ class: 'num' }),
      cell: (r) => h('span', { testid: 'records-written' }, num(r.records_written)),
    },
    { label: 'Quarantined', attrs: () => ({ class: 'num' }), cell: (r) => num(r.records_quarantined) },
    {
      label: 'Events',
      attrs: () => ({ class: 'num' }),
      cell: (r) => h('span', { testid: 'events-emitted' }, num(r.events_emitted)),
    },
  ];
}

/** A data-access cell: {status, error_message} | {unsupported} | {untested} | absent. */
function cellView(cell) {
  if (!cell) return { status: 'NOT CHECKED', kind: 'idle', error: null };
  if (cell.unsupported) return { status: 'UNSUPPORTED', kind: 'idle', error: null };
  if (cell.untested) return { status: 'UNTESTED', kind: 'idle', error: null };
  return { status: cell.status, kind: statusKind(cell.status), error: cell.error_message ?? null };
}

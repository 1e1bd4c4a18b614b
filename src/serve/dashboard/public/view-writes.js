// Writes to the PMS: a record's Edit and a model's New forms, built from GET /v1/admin/write-support (which fields
// each vendor's write takes, or why it cannot), a write followed to its end, and the write log with its retries.
import { get, post, put } from './api.js';
import { actionButton, badge, errorBox, field, h, replace, statusKind, table, time } from './dom.js';
import { apiPath } from './record-models.js';
import { listAllIntegrations } from './view-integrations.js';

let catalogue;
/** The API's write-support answer, fetched once per page load. */
function writeCatalogue() {
  catalogue ??= get('/v1/admin/write-support').then(
    (answer) => answer.results,
    (error) => {
      catalogue = undefined;
      throw error;
    },
  );
  return catalogue;
}

/** What the vendor's write of a model can do: `{supported, message, fields, method, path, noun}`, or undefined. */
export async function writeEntry(vendor, model, operation) {
  return (await writeCatalogue()).find(
    (e) => e.integration_vendor === vendor && e.model === model && e.operation === operation,
  );
}

/**
 * A button that opens a write form, or the same button disabled with the vendor's reason beside it; nothing when
 * the model has no such write. `testid` names the button, `<testid>-reason` the reason.
 */
function writeButton(ctx, entry, label, hash, testid) {
  if (!entry) return null;
  if (!entry.supported)
    return h(
      'span',
      { class: 'write-unsupported' },
      h('button', { type: 'button', disabled: true, title: entry.message, testid }, label),
      h('small', { class: 'muted', testid: `${testid}-reason` }, entry.message),
    );
  return h('button', { type: 'button', class: 'primary', testid, onClick: () => ctx.go(hash) }, label);
}

/** The Edit button of a record's page (by the record's vendor). */
export async function editButton(ctx, model, record) {
  const entry = await writeEntry(record.integration_vendor, model, 'update');
  return writeButton(ctx, entry, 'Edit', `#/records/${model}/${encodeURIComponent(record.id)}/edit`, 'record-edit');
}

/**
 * The New button of a model's records: for the chosen integration's vendor, or (all integrations) offered when some
 * integration's vendor can create one, the form then asking which.
 */
export async function newButton(ctx, model, integrationId) {
  const [entries, integrations] = await Promise.all([writeCatalogue(), listAllIntegrations()]);
  const creates = entries.filter((e) => e.model === model && e.operation === 'create');
  if (creates.length === 0) return null;
  const noun = creates[0].noun;
  const hash = `#/records/${model}/new${integrationId ? `?integration_id=${encodeURIComponent(integrationId)}` : ''}`;
  const chosen = integrations.find((i) => i.id === integrationId);
  const supported = (i) => creates.some((e) => e.integration_vendor === i.integration_vendor && e.supported);
  const entry = chosen
    ? creates.find((e) => e.integration_vendor === chosen.integration_vendor)
    : integrations.some(supported)
      ? { supported: true }
      : { supported: false, message: `No integration's vendor can create a ${noun} in this version of Latchkey` };
  return writeButton(ctx, entry, `New ${noun}`, hash, 'record-new');
}

/** `#/records/<model>/new` (create, `?integration_id=`) and `#/records/<model>/<id>/edit` (update). */
export async function renderWriteForm(el, ctx, model, operation, id) {
  const back = h(
    'p',
    {},
    h('a', { href: id ? `#/records/${model}/${encodeURIComponent(id)}` : `#/records/${model}` }, '← Back'),
  );
  const heading = h('h1', { testid: 'write-title' }, '…');
  const formBox = h('div', { testid: 'write-form-box' });
  replace(el, back, heading, formBox);
  if (operation === 'update') {
    const record = (await get(`/v1/${apiPath(model)}/${encodeURIComponent(id)}`)).results;
    const entry = await writeEntry(record.integration_vendor, model, 'update');
    heading.textContent = `Edit ${entry?.noun ?? model} ${record.x_id}`;
    showForm(formBox, ctx, entry, { record });
    return;
  }
  const [entries, integrations] = await Promise.all([writeCatalogue(), listAllIntegrations()]);
  const entryOf = (integration) =>
    entries.find(
      (e) => e.integration_vendor === integration?.integration_vendor && e.model === model && e.operation === 'create',
    );
  heading.textContent = `New ${entries.find((e) => e.model === model)?.noun ?? model}`;
  const select = h(
    'select',
    { name: 'integration_id', testid: 'write-integration', required: true },
    h('option', { value: '' }, 'Choose an integration'),
    integrations.map((i) => {
      const entry = entryOf(i);
      return h(
        'option',
        { value: i.id, disabled: !entry?.supported },
        `${i.name} (${i.integration_vendor})${entry?.supported ? '' : ` — ${entry?.message ?? 'cannot be written'}`}`,
      );
    }),
  );
  const fieldsBox = h('div');
  const choose = () => {
    const integration = integrations.find((i) => i.id === select.value);
    if (!integration) replace(fieldsBox, h('p', { class: 'muted' }, 'Choose the integration to write to.'));
    else showForm(fieldsBox, ctx, entryOf(integration), { integrationId: integration.id });
  };
  select.addEventListener('change', choose);
  select.value = integrations.some((i) => i.id === ctx.query.integration_id && entryOf(i)?.supported)
    ? ctx.query.integration_id
    : '';
  replace(formBox, h('div', { class: 'inline-fields' }, field('Integration', select)), fieldsBox);
  choose();
}

/** The form of one write: its fields (an update's prefilled from the record), then the write followed to its end. */
function showForm(box, ctx, entry, { record, integrationId }) {
  if (!entry?.supported) {
    replace(
      box,
      h(
        'p',
        { class: 'notice', testid: 'write-unsupported' },
        entry?.message ?? 'This record cannot be written from here.',
      ),
    );
    return;
  }
  const targetIntegration = integrationId ?? record.integration_id;
  const lists = [];
  const inputs = entry.fields.map((f) => {
    const c = control(f, record ? initialText(f, record[f.name]) : '', targetIntegration, lists);
    // What the control shows (a value it cannot show is blank): only a change from it is sent.
    return { f, initial: c.value, control: c };
  });
  const out = h('div', { 'aria-live': 'polite', testid: 'write-result' });
  const submit = h(
    'button',
    { type: 'submit', class: 'primary', testid: 'write-submit' },
    record ? `Save to ${record.integration_vendor}` : `Create in the PMS`,
  );
  const form = h(
    'form',
    { class: 'stack', testid: 'write-form' },
    h(
      'p',
      { class: 'muted small' },
      record
        ? 'Only the fields you change are sent. The write goes to the PMS first; the record here changes once the vendor accepts it.'
        : 'The write goes to the PMS first; the record appears here once the vendor accepts it. Required fields are marked *.',
    ),
    inputs.map(({ f, control: c }) => field(`${f.name}${f.required ? ' *' : ''}`, c, hint(f))),
    lists,
    h('div', { class: 'actions' }, submit),
    out,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let body;
    try {
      body = record ? changedFields(inputs) : { integration_id: integrationId, ...givenFields(inputs) };
    } catch (error) {
      replace(out, errorBox(error, 'write-error'));
      return;
    }
    if (record && Object.keys(body).length === 0) {
      replace(out, h('p', { class: 'notice', testid: 'write-nothing' }, 'Nothing changed.'));
      return;
    }
    submit.disabled = true;
    try {
      const path = entry.path.replace('{id}', encodeURIComponent(record?.id ?? ''));
      const accepted = entry.method === 'PUT' ? await put(path, body) : await post(path, body);
      const ignored = accepted.data?.ignored_fields ?? [];
      const statusBox = h('div');
      replace(
        out,
        ignored.length ? h('p', { class: 'notice' }, `Not written (the vendor cannot): ${ignored.join(', ')}`) : null,
        statusBox,
      );
      await followWrite(statusBox, ctx, accepted.job_id, {
        model: entry.model,
        noun: entry.noun,
        recordId: record?.id,
      });
    } catch (error) {
      replace(out, errorBox(error, 'write-error'));
    } finally {
      if (submit.isConnected) submit.disabled = false;
    }
  });
  replace(box, form);
}

/**
 * Follows a write (GET /v1/admin/write-status/{root_job_id}) until SUCCESS or FAILURE: its status, its errors, and
 * then a link to the record written. Resolves when it ends (or the view is left).
 */
export function followWrite(box, ctx, rootJobId, { model, noun, recordId, logLink = true }) {
  return new Promise((resolve) => {
    ctx.poll(async () => {
      let status;
      try {
        status = await get(`/v1/admin/write-status/${encodeURIComponent(rootJobId)}`);
      } catch (error) {
        replace(box, errorBox(error, 'write-status-error'));
        return true;
      }
      const done = status.write_status !== 'PENDING';
      const target = status.created_record_id ?? recordId;
      replace(
        box,
        h(
          'p',
          { testid: 'write-status', 'data-status': status.write_status, 'data-job-id': rootJobId },
          'Write ',
          h('code', {}, rootJobId),
          ': ',
          badge(status.write_status, statusKind(status.write_status)),
          done ? null : ' waiting for the vendor…',
        ),
        status.errors.length
          ? h(
              'ul',
              { class: 'error', testid: 'write-errors' },
              status.errors.map((e) => h('li', { testid: 'write-error-item' }, e)),
            )
          : null,
        status.write_status === 'SUCCESS' && target && model
          ? h(
              'p',
              {},
              h(
                'a',
                { href: `#/records/${model}/${encodeURIComponent(target)}`, testid: 'write-record-link' },
                `Open the ${recordId ? '' : 'created '}${noun ?? 'record'}`,
              ),
            )
          : null,
        done && logLink
          ? h('p', {}, h('a', { href: '#/writes', testid: 'write-log-link' }, 'See the write log'))
          : null,
      );
      if (done) resolve(status);
      return !done;
    }, 500);
  });
}

/** A field's value as its form control shows it. */
function initialText(f, value) {
  if (value === null || value === undefined) return '';
  if (f.type === 'array' || f.type === 'object' || typeof value === 'object') return JSON.stringify(value, null, 2);
  if (f.format === 'date') return String(value).slice(0, 10);
  return String(value);
}

function hint(f) {
  const parts = [];
  if (f.format) parts.push(f.format === 'date-time' ? 'date-time, e.g. 1990-04-01T00:00:00Z' : f.format);
  if (f.minimum !== null || f.maximum !== null) parts.push(`${f.minimum ?? ''}–${f.maximum ?? ''}`);
  if (f.enum_open) parts.push(`e.g. ${f.enum.join(', ')}`);
  if (f.references) parts.push(`the Latchkey id of one of this integration's ${f.references}`);
  if (f.type === 'array' || f.type === 'object') parts.push('JSON');
  if (f.description) parts.push(f.description);
  return parts.join(' · ') || null;
}

let listCounter = 0;
/**
 * The control for one field's shape: a select for closed enums and booleans, an input with suggestions (a datalist,
 * added to `lists`) for open ones and ids.
 */
function control(f, initial, integrationId, lists) {
  const common = { name: f.name, testid: `write-field-${f.name}`, required: f.required, value: initial };
  const choices = (values) => {
    const select = h(
      'select',
      common,
      h('option', { value: '' }, '—'),
      values.map((v) => h('option', { value: v }, v)),
    );
    select.value = initial; // after the options exist
    return select;
  };
  if (f.enum && !f.enum_open) return choices(f.enum);
  if (f.type === 'boolean') return choices(['true', 'false']);
  if (f.type === 'array' || f.type === 'object') return h('textarea', { ...common, rows: 3 });
  const type =
    f.type === 'integer' || f.type === 'number'
      ? 'number'
      : f.format === 'date'
        ? 'date'
        : f.format === 'email'
          ? 'email'
          : 'text';
  const suggestions = f.enum_open ? f.enum.map((v) => h('option', { value: v })) : [];
  const list = suggestions.length || f.references ? `suggest-${++listCounter}` : null;
  const input = h('input', {
    ...common,
    type,
    list,
    step: f.type === 'integer' ? 1 : f.type === 'number' ? 'any' : null,
    min: f.minimum,
    max: f.maximum,
  });
  if (!list) return input;
  const datalist = h('datalist', { id: list }, suggestions);
  if (f.references) suggestRecords(datalist, f.references, integrationId);
  lists.push(datalist);
  return input;
}

/** Offers the integration's records of a model as an id field's suggestions (id, with the record's x_id). */
function suggestRecords(datalist, model, integrationId) {
  get(`/v1/${apiPath(model)}/`, { integration_id: integrationId, limit: 100 })
    .then((page) =>
      datalist.append(...page.results.map((r) => h('option', { value: r.id }, `${model} x_id ${r.x_id}`))),
    )
    .catch(() => {});
}

/** A control's value as the API takes it (undefined when left empty). */
function valueOf(f, text) {
  const raw = text.trim();
  if (raw === '') return undefined;
  if (f.type === 'boolean') return raw === 'true';
  if (f.type === 'integer' || f.type === 'number') return Number(raw);
  if (f.type === 'array' || f.type === 'object') {
    try {
      return JSON.parse(raw);
    } catch {
      throw new Error(`${f.name} must be JSON`);
    }
  }
  return raw;
}

/** A create's body: every field given. */
function givenFields(inputs) {
  return Object.fromEntries(
    inputs.map(({ f, control: c }) => [f.name, valueOf(f, c.value)]).filter(([, v]) => v !== undefined),
  );
}

/** An update's body: the fields changed from the record's values (a cleared one as null). */
function changedFields(inputs) {
  return Object.fromEntries(
    inputs
      .filter(({ control: c, initial }) => c.value !== initial)
      .map(({ f, control: c }) => [f.name, valueOf(f, c.value) ?? null]),
  );
}

const TIME_RANGES = ['hour', 'day', 'week', 'month'];
/** A write log's operation and model: its name is `<operation> <model>`. */
const writeOf = (log) => {
  const [operation, model] = log.name.split(' ');
  return { operation, model };
};

/** `#/writes`: finished writes, newest first, with their vendor exchanges and a Retry for a failed one. */
export async function renderWriteLog(el, ctx) {
  const status = ctx.query.status ?? '';
  const range = TIME_RANGES.includes(ctx.query.time_range) ? ctx.query.time_range : 'day';
  const link = (q) =>
    `#/writes?${new URLSearchParams(Object.entries({ status, time_range: range, ...q }).filter(([, v]) => v)).toString()}`;
  const statusSelect = h(
    'select',
    { name: 'status', testid: 'writes-status-filter', value: status },
    h('option', { value: '' }, 'Any status'),
    ['SUCCESS', 'FAILURE'].map((s) => h('option', { value: s }, s)),
  );
  statusSelect.value = status;
  statusSelect.addEventListener('change', () => ctx.go(link({ status: statusSelect.value })));
  const rangeSelect = h(
    'select',
    { name: 'time_range', testid: 'writes-range' },
    TIME_RANGES.map((r) => h('option', { value: r }, `Last ${r}`)),
  );
  rangeSelect.value = range;
  rangeSelect.addEventListener('change', () => ctx.go(link({ time_range: rangeSelect.value })));
  const retryBox = h('div', { testid: 'write-retry-box' });
  const listBox = h('div', { testid: 'writes-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const dataBox = h('div', { testid: 'write-log-data-box' });
  const state = { confirming: null, logs: [], names: new Map() };
  replace(
    el,
    h('h1', {}, 'Writes'),
    h(
      'p',
      { class: 'muted' },
      'Writes to the PMS that have ended (a write still waiting for the vendor appears once it ends).',
    ),
    h('div', { class: 'inline-fields' }, field('Status', statusSelect), field('Time range', rangeSelect)),
    retryBox,
    listBox,
    dataBox,
  );

  const load = async () => {
    try {
      const [answer, integrations] = await Promise.all([
        get('/v1/admin/logs/writes/', { status, time_range: range, limit: 100 }),
        state.names.size ? null : listAllIntegrations().catch(() => []),
      ]);
      for (const i of integrations ?? []) state.names.set(i.id, i.name);
      state.logs = answer.results.logs;
      draw();
    } catch (error) {
      replace(listBox, errorBox(error));
    }
  };

  const retry = async (log) => {
    state.confirming = null;
    draw();
    try {
      await post(`/v1/admin/retry-write/${encodeURIComponent(log.root_job_id)}`);
    } catch (error) {
      replace(retryBox, errorBox(error, 'write-retry-error'));
      return;
    }
    const { model } = writeOf(log);
    const noun = (await writeCatalogue()).find((e) => e.model === model)?.noun;
    const statusBox = h('div', { testid: 'write-retry-status' });
    replace(retryBox, h('h2', {}, `Retry of ${log.name}`), statusBox);
    await followWrite(statusBox, ctx, log.root_job_id, { model, noun, logLink: false });
    if (ctx.alive) await load();
  };

  const showData = async (log) => {
    replace(dataBox, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const data = await get(`/v1/admin/job-logs/${encodeURIComponent(log.job_log_id)}/data`);
      replace(
        dataBox,
        h('h2', {}, `Vendor exchange of ${log.job_type}`),
        h(
          'pre',
          { testid: 'write-log-data', 'data-job-id': log.job_id },
          JSON.stringify({ request: data.request, response: data.response }, null, 2),
        ),
      );
    } catch (error) {
      replace(dataBox, errorBox(error));
    }
  };

  // A failed write may be retried from its newest row only (the list is newest first).
  const newestOfRoot = (log) => state.logs.find((l) => l.root_job_id === log.root_job_id) === log;
  function actions(log) {
    const request = log.job_log_id
      ? h(
          'button',
          { type: 'button', class: 'link', testid: 'write-log-open', onClick: () => showData(log) },
          'Vendor request',
        )
      : h('span', { class: 'muted small' }, 'no vendor call');
    if (log.status !== 'FAILURE' || !newestOfRoot(log)) return request;
    if (state.confirming !== log.job_id)
      return [
        request,
        ' ',
        h(
          'button',
          {
            type: 'button',
            testid: 'write-retry',
            onClick: () => {
              state.confirming = log.job_id;
              draw();
            },
          },
          'Retry',
        ),
      ];
    return h(
      'div',
      { class: 'stack', testid: 'write-retry-confirmation' },
      h(
        'p',
        { class: 'small' },
        writeOf(log).operation === 'update'
          ? 'Send this write to the vendor again?'
          : 'Send this write to the vendor again? If its outcome was unknown (the vendor may have received it), a retry may create a second record at the vendor: check the PMS first.',
      ),
      actionButton('Confirm retry', () => retry(log), { class: 'danger', testid: 'write-retry-confirm' }),
      h(
        'button',
        {
          type: 'button',
          testid: 'write-retry-cancel',
          onClick: () => {
            state.confirming = null;
            draw();
          },
        },
        'Cancel',
      ),
    );
  }

  function draw() {
    replace(
      listBox,
      table(
        [
          { label: 'Time', cell: (l) => time(l.created_at) },
          { label: 'Status', cell: (l) => badge(l.status, statusKind(l.status), { testid: 'write-row-status' }) },
          { label: 'Job type', cell: (l) => h('code', {}, l.job_type) },
          { label: 'Vendor', cell: (l) => l.vendor },
          {
            label: 'Integration',
            cell: (l) =>
              h(
                'a',
                { href: `#/integrations/${encodeURIComponent(l.integration_id)}` },
                state.names.get(l.integration_id) ?? l.integration_id,
              ),
          },
          { label: 'Write', cell: (l) => l.name },
          {
            label: 'Error',
            cell: (l) => (l.error ? h('span', { class: 'bad-text', testid: 'write-row-error' }, l.error) : '—'),
          },
          { label: '', cell: actions },
        ],
        state.logs,
        { testid: 'writes-table' },
        (l) => ({
          testid: 'write-row',
          'data-job-id': l.job_id,
          'data-root-job-id': l.root_job_id,
          'data-status': l.status,
          'data-job-type': l.job_type,
        }),
      ),
    );
  }

  await load();
}

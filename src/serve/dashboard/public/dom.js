// Tiny DOM helpers. Text always goes in as text nodes: API data is never parsed as HTML.
const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'testid') el.setAttribute('data-testid', v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An HTML element: h('button', {class: 'x', onClick}, 'text', child…). */
export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
/** An SVG element. */
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function replace(el, ...children) {
  return append(clear(el), children);
}

/** A date-time as the reader's local time ('—' when absent). */
export function time(value) {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

export function duration(from, to) {
  if (!from) return '—';
  const ms = (to ? new Date(to) : new Date()).getTime() - new Date(from).getTime();
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const num = (v) => (v === undefined || v === null ? '—' : Number(v).toLocaleString());

/**
 * Whole cents as dollars, exactly: BigInt arithmetic on the integer, never a float division (30 → "$0.30",
 * 123456789012 → "$1,234,567,890.12", −12345 → "-$123.45"). A value that is not whole cents is shown as it is.
 */
export function money(cents) {
  if (cents === undefined || cents === null || cents === '') return '—';
  let value;
  try {
    value = BigInt(cents);
  } catch {
    return `${cents} cents`;
  }
  const abs = value < 0n ? -value : value;
  return `${value < 0n ? '-' : ''}$${(abs / 100n).toLocaleString('en-US')}.${String(abs % 100n).padStart(2, '0')}`;
}

/** A coloured status label; `kind` picks the colour (ok, bad, busy, idle). */
export function badge(text, kind, attrs = {}) {
  return h('span', { class: `badge ${kind}`, ...attrs }, text);
}

/** The colour of a job, run, delivery or access status. */
export function statusKind(status) {
  if (['SUCCESS', 'SUCCEEDED', 'ACTIVE', 'true'].includes(status)) return 'ok';
  if (['FAILED', 'FAILURE', 'PARTIAL_SUCCESS'].includes(status)) return 'bad'; // a run in which some models failed is not a success
  if (['RUNNING', 'PENDING', 'PROCESSING', 'QUEUED'].includes(status)) return 'busy';
  return 'idle';
}

/** An inline error: the API's message, its code and details. */
export function errorBox(error, testid = 'error') {
  const details = error?.details && Object.keys(error.details).length ? JSON.stringify(error.details, null, 2) : null;
  return h(
    'div',
    { class: 'error', role: 'alert', testid },
    h('strong', {}, error?.message ?? String(error)),
    error?.code
      ? h('span', { class: 'code' }, ` (${error.code}${error.status ? `, HTTP ${error.status}` : ''})`)
      : null,
    details ? h('pre', {}, details) : null,
  );
}

/** A table from column definitions {label, cell(row) → node|string}. */
export function table(columns, rows, attrs = {}, rowAttrs = () => ({})) {
  return h(
    'table',
    attrs,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, c.label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.length === 0
        ? h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'Nothing yet.'))
        : rows.map((r) =>
            h(
              'tr',
              rowAttrs(r),
              columns.map((c) => h('td', c.attrs ? c.attrs(r) : {}, c.cell(r))),
            ),
          ),
    ),
  );
}

let idCounter = 0;
/** A labelled form field: the control gets an id and the label points at it. */
export function field(label, control, hint) {
  if (!control.id) control.id = `f${++idCounter}`;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint ? h('small', {}, hint) : null,
  );
}

/** A button that runs an async action, disabled while it runs; errors go to `onError`. */
export function actionButton(label, action, attrs = {}) {
  const button = h('button', { type: 'button', ...attrs }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await action(button);
    } finally {
      if (button.isConnected) button.disabled = false;
    }
  });
  return button;
}

/**
 * A Delete button that asks once before deleting: `state.confirmingDelete` holds whether it is asking,
 * `rerender` redraws the controls, `remove` deletes and moves on; a failure is shown through `say`.
 */
export function deleteControls({ state, rerender, question, remove, say, testids }) {
  const asking = (value) => () => {
    state.confirmingDelete = value;
    rerender();
  };
  if (!state.confirmingDelete) {
    return [h('button', { type: 'button', class: 'danger', testid: testids.delete, onClick: asking(true) }, 'Delete')];
  }
  return [
    h('span', {}, question),
    actionButton(
      'Confirm delete',
      async () => {
        try {
          await remove();
        } catch (error) {
          say(errorBox(error));
        }
      },
      { class: 'danger', testid: testids.confirm },
    ),
    h('button', { type: 'button', testid: testids.cancel, onClick: asking(false) }, 'Cancel'),
  ];
}

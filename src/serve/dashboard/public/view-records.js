// Records: each model's cached records of every (or one) integration, with its filters, one record's fields (embedded
// arrays as tables, money as dollars) and, for a resident or a lease, its ledger: charges, payments, running balance.
import { get } from './api.js';
import { balanceChart } from './charts.js';
import { errorBox, field, h, money, replace, table, time } from './dom.js';
import { LEDGER_ENTRY_MODELS, RECORD_MODELS, REFERENCES } from './record-models.js';
import { listAllIntegrations } from './view-integrations.js';
import { editButton, newButton } from './view-writes.js';

const PAGE = 50;
/** A date filter that ends a range takes in its whole day (the API reads a day alone as its midnight). */
const toQuery = (f, v) => (f.type === 'date' && f.param.endsWith('_end') ? `${v}T23:59:59.999Z` : v);

export async function renderRecords(el, ctx, model) {
  const spec = RECORD_MODELS[model];
  if (!spec) {
    replace(el, errorBox({ message: `Unknown model ${model}` }));
    return;
  }
  const integrationId = ctx.query.integration_id ?? '';
  const offset = Math.max(0, Number(ctx.query.offset ?? 0) || 0);
  const filters = Object.fromEntries(spec.filters.map((f) => [f.param, ctx.query[f.param] ?? '']));
  const link = (q) =>
    `#/records/${model}?${new URLSearchParams(Object.entries({ integration_id: integrationId, ...filters, offset: 0, ...q }).filter(([, v]) => v !== '' && v !== 0 && v !== '0')).toString()}`;

  const integrationSelect = h(
    'select',
    { name: 'integration_id', testid: 'records-integration' },
    h('option', { value: '' }, 'All integrations'),
  );
  integrationSelect.addEventListener('change', () => ctx.go(link({ integration_id: integrationSelect.value })));
  const filterInputs = spec.filters.map((f) => ({
    f,
    input: h('input', { type: f.type, name: f.param, value: filters[f.param], testid: `records-filter-${f.param}` }),
  }));
  const filterForm = filterInputs.length
    ? h(
        'form',
        { class: 'inline-fields', testid: 'records-filters' },
        filterInputs.map(({ f, input }) => field(f.label, input)),
        h('div', { class: 'actions' }, h('button', { type: 'submit', testid: 'records-filter-apply' }, 'Filter')),
      )
    : null;
  filterForm?.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.go(link(Object.fromEntries(filterInputs.map(({ f, input }) => [f.param, input.value.trim()]))));
  });
  const listBox = h('div', { testid: 'records-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const newBox = h('div', { class: 'actions' });
  replace(
    el,
    h('h1', {}, 'Records'),
    h(
      'nav',
      { 'aria-label': 'Models', class: 'actions' },
      Object.entries(RECORD_MODELS).map(([m, s]) =>
        h(
          'a',
          {
            href: `#/records/${m}${integrationId ? `?integration_id=${encodeURIComponent(integrationId)}` : ''}`,
            testid: `records-tab-${m}`,
            'aria-current': m === model ? 'page' : null,
          },
          s.label,
        ),
      ),
    ),
    h('div', { class: 'inline-fields' }, field('Integration', integrationSelect), newBox),
    filterForm,
    listBox,
  );
  newButton(ctx, model, integrationId)
    .then((button) => replace(newBox, button))
    .catch((error) => replace(newBox, errorBox(error)));

  listAllIntegrations()
    .then((all) => {
      for (const i of all)
        integrationSelect.append(h('option', { value: i.id }, `${i.name} (${i.integration_vendor})`));
      integrationSelect.value = integrationId;
    })
    .catch(() => {});

  try {
    const query = Object.fromEntries(
      spec.filters.map((f) => [f.param, filters[f.param] && toQuery(f, filters[f.param])]),
    );
    const page = await get(`/v1/${spec.path}/`, { integration_id: integrationId, ...query, limit: PAGE, offset });
    const rows = page.results;
    replace(
      listBox,
      h(
        'p',
        { class: 'muted', testid: 'records-total' },
        `${page.meta.total.toLocaleString()} ${spec.label.toLowerCase()}; showing ${rows.length ? offset + 1 : 0}–${offset + rows.length}`,
      ),
      h(
        'table',
        { testid: 'records-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            spec.columns.map(([label]) => h('th', { scope: 'col' }, label)),
            h('th', { scope: 'col' }, 'Updated'),
          ),
        ),
        h(
          'tbody',
          {},
          rows.length === 0
            ? h('tr', {}, h('td', { colspan: spec.columns.length + 1, class: 'empty' }, 'No records.'))
            : rows.map((r) =>
                h(
                  'tr',
                  { testid: 'record-row', 'data-record-id': r.id },
                  spec.columns.map(([label, cell], i) =>
                    h(
                      'td',
                      { 'data-column': label },
                      i === 0
                        ? h(
                            'a',
                            { href: `#/records/${model}/${encodeURIComponent(r.id)}`, testid: 'record-link' },
                            String(cell(r) ?? '—'),
                          )
                        : String(cell(r) ?? '—'),
                    ),
                  ),
                  h('td', {}, time(r.updated_at)),
                ),
              ),
        ),
      ),
      h(
        'div',
        { class: 'pager' },
        offset > 0
          ? h('a', { href: link({ offset: Math.max(0, offset - PAGE) }), testid: 'records-prev' }, '← Previous')
          : null,
        page.meta.hasMore ? h('a', { href: link({ offset: offset + PAGE }), testid: 'records-next' }, 'Next →') : null,
      ),
    );
  } catch (error) {
    replace(listBox, errorBox(error));
  }
}

export async function renderRecord(el, ctx, model, id) {
  const spec = RECORD_MODELS[model];
  const back = h('p', {}, h('a', { href: `#/records/${model}` }, `← ${spec?.label ?? model}`));
  if (!spec) {
    replace(el, back, errorBox({ message: `Unknown model ${model}` }));
    return;
  }
  try {
    const record = (await get(`/v1/${spec.path}/${encodeURIComponent(id)}`)).results;
    const heading = String(spec.columns[0][1](record) ?? record.x_id);
    const writeBox = h('div', { class: 'actions', testid: 'record-writes' });
    editButton(ctx, model, record)
      .then((button) => replace(writeBox, button))
      .catch((error) => replace(writeBox, errorBox(error)))
      .finally(() => writeBox.setAttribute('data-loaded', '')); // also when there is no Edit to offer
    const ledgerBox = spec.ledger
      ? h(
          'section',
          { class: 'panel', testid: 'ledger' },
          h('h2', {}, 'Ledger'),
          h('p', { class: 'muted' }, 'Loading…'),
        )
      : null;
    replace(
      el,
      back,
      h('h1', { testid: 'record-title' }, heading),
      h('p', { class: 'muted' }, `${model} · ${record.integration_vendor} · x_id ${record.x_id}`),
      writeBox,
      related('Leases', 'leases', 'lease_id', record.leases_meta_data, 'record-leases'),
      related('Residents', 'residents', 'resident_id', record.residents_meta_data, 'record-residents'),
      ledgerBox,
      h(
        'dl',
        { class: 'record', testid: 'record-fields' },
        Object.entries(record).flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-field': k }, value(k, v))]),
      ),
    );
    if (ledgerBox) await renderLedger(ledgerBox, spec.ledger, record);
  } catch (error) {
    replace(el, back, errorBox(error));
  }
}

/** Links to the records a resident's leases_meta_data (or a lease's residents_meta_data) names. */
function related(label, model, key, meta, testid) {
  if (!Array.isArray(meta) || meta.length === 0) return null;
  return h(
    'p',
    { testid },
    `${label}: `,
    meta
      .filter((m) => m?.[key])
      .map((m, i) => [i ? ', ' : '', h('a', { href: `#/records/${model}/${encodeURIComponent(m[key])}` }, m[key])]),
  );
}

function value(key, v) {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, 'null');
  if (key.endsWith('_in_cents')) return h('span', { 'data-cents': String(v), title: `${v} cents` }, money(v));
  if (Array.isArray(v)) return items(key, v);
  if (typeof v === 'object') return h('pre', {}, JSON.stringify(v, null, 2));
  if (key === 'integration_id') return h('a', { href: `#/integrations/${encodeURIComponent(v)}` }, String(v));
  if (REFERENCES[key]) return h('a', { href: `#/records/${REFERENCES[key]}/${encodeURIComponent(v)}` }, String(v));
  return String(v);
}

/** An embedded array (a request's history, a payment's allocations…): a table of its items, one column per field. */
function items(key, list) {
  if (list.length === 0) return h('span', { class: 'muted' }, 'none');
  if (!list.every((item) => item && typeof item === 'object' && !Array.isArray(item)))
    return h('pre', {}, JSON.stringify(list, null, 2));
  const keys = [...new Set(list.flatMap((item) => Object.keys(item)))];
  return h(
    'div',
    { class: 'items' },
    table(
      keys.map((k) => ({ label: k, attrs: () => ({ 'data-item-field': k }), cell: (item) => value(k, item[k]) })),
      list,
      { class: 'nested', testid: `record-items-${key}` },
      () => ({ testid: 'record-item' }),
    ),
  );
}

async function listAll(path, query) {
  const out = [];
  for (let offset = 0; ; offset += 250) {
    const page = await get(path, { ...query, limit: 250, offset });
    out.push(...page.results);
    if (!page.meta.hasMore) return out;
  }
}

/**
 * A record's ledger entries, oldest first: the charges and payments naming it (`ledger.filter`), and those of its
 * linked records (`ledger.shared`: a resident's leases) that name no record of its kind. Each with its signed amount.
 */
async function ledgerEntries(ledger, record) {
  const sharedKeys = ledger.shared
    ? [...new Set((record[ledger.shared.links] ?? []).map((m) => m[ledger.shared.key]).filter(Boolean))]
    : [];
  const lists = await Promise.all(
    LEDGER_ENTRY_MODELS.map(async ([model, spec], order) => {
      const path = `/v1/${spec.path}/`;
      const [own, ...shared] = await Promise.all([
        listAll(path, { [ledger.filter]: record.id }),
        ...sharedKeys.map((key) => listAll(path, { [ledger.shared.filter]: key })),
      ]);
      const unique = new Map(
        [...own, ...shared.flat().filter((r) => r[ledger.filter] === null || r[ledger.filter] === undefined)].map(
          (r) => [r.id, r],
        ),
      );
      return [...unique.values()].map((r) => ({
        model,
        spec,
        order,
        record: r,
        amount: BigInt(r.amount_in_cents ?? 0),
      }));
    }),
  );
  const when = (e) => e.record.transaction_date ?? '\uffff'; // undated last
  return lists
    .flat()
    .sort(
      (a, b) =>
        (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0) ||
        a.order - b.order ||
        String(a.record.x_id).localeCompare(String(b.record.x_id)),
    );
}

const balanceText = (cents) => (cents < 0n ? `${money(cents)} (credit)` : money(cents));
const moneyCell = (cents, testid) => h('span', { testid, 'data-cents': String(cents) }, money(cents));

/** The ledger: a running-balance chart (charges add, payments take away), then every entry and the totals. */
async function renderLedger(box, ledger, record) {
  const heading = h('h2', {}, 'Ledger');
  let entries;
  try {
    entries = await ledgerEntries(ledger, record);
  } catch (error) {
    replace(box, heading, errorBox(error, 'ledger-error'));
    return;
  }
  let charges = 0n;
  let payments = 0n;
  const rows = entries.map((e) => {
    const charge = e.spec.entry.adds;
    if (charge) charges += e.amount;
    else payments += e.amount;
    const kind = e.amount < 0n ? e.spec.entry.negativeLabel : e.spec.entry.label;
    return { ...e, charge, kind, balance: charges - payments };
  });
  const day = (e) => (e.record.transaction_date ? String(e.record.transaction_date).slice(0, 10) : 'no date');
  const name = (e) => e.record.name ?? e.record.description ?? e.record.x_id;
  replace(
    box,
    heading,
    h(
      'p',
      { class: 'muted' },
      `${ledger.note} Charges add to the balance, payments take from it; below zero is a credit.`,
    ),
    h(
      'div',
      { class: 'chart-wide' },
      balanceChart({
        title: 'Running balance',
        testid: 'ledger-chart',
        entries: rows.map((e) => ({
          balanceCents: e.balance,
          day: day(e),
          label: `${day(e)} · ${e.kind} ${name(e)} ${money(e.amount)} → balance ${balanceText(e.balance)}`,
        })),
        note: `${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}, oldest first.`,
      }),
    ),
    h(
      'table',
      { testid: 'ledger-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Date', 'Entry', 'Type'].map((label) => h('th', { scope: 'col' }, label)),
          ['Charge', 'Payment', 'Balance'].map((label) => h('th', { scope: 'col', class: 'num' }, label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.length === 0
          ? h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No charges or payments.'))
          : rows.map((e) =>
              h(
                'tr',
                { testid: 'ledger-row', 'data-model': e.model, 'data-record-id': e.record.id },
                h('td', {}, day(e)),
                h(
                  'td',
                  {},
                  h('a', { href: `#/records/${e.model}/${encodeURIComponent(e.record.id)}` }, String(name(e))),
                ),
                h('td', { 'data-column': 'Type' }, e.kind),
                h('td', { class: 'num' }, e.charge ? moneyCell(e.amount, 'ledger-charge') : ''),
                h('td', { class: 'num' }, e.charge ? '' : moneyCell(e.amount, 'ledger-payment')),
                h('td', { class: 'num', 'data-cents': String(e.balance) }, balanceText(e.balance)),
              ),
            ),
      ),
      h(
        'tfoot',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'row', colspan: 3 }, 'Totals'),
          h('td', { class: 'num' }, moneyCell(charges, 'ledger-total-charges')),
          h('td', { class: 'num' }, moneyCell(payments, 'ledger-total-payments')),
          h(
            'td',
            { class: 'num' },
            h(
              'strong',
              { testid: 'ledger-balance', 'data-cents': String(charges - payments) },
              balanceText(charges - payments),
            ),
          ),
        ),
      ),
    ),
  );
}

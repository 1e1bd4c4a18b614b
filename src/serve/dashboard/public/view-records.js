// Records: the cached residents, leases, properties and units of every (or one) integration, and one record's fields.
import { get } from './api.js';
import { errorBox, field, h, replace, time } from './dom.js';
import { listAllIntegrations } from './view-integrations.js';
import { editButton, newButton } from './view-writes.js';

const vendor = ['Vendor', (r) => r.integration_vendor];
const MODELS = {
  residents: {
    label: 'Residents',
    columns: [
      ['Name', (r) => [r.first_name, r.last_name].filter(Boolean).join(' ') || '(no name)'],
      ['Email', (r) => r.email_1],
      ['Phone', (r) => r.phone_1],
      ['Lease status', leaseStatuses],
      vendor,
      ['x_id', (r) => r.x_id],
    ],
  },
  leases: {
    label: 'Leases',
    columns: [
      ['Unit', (r) => r.unit_number ?? r.x_unit_id],
      ['Status', (r) => r.status_normalized],
      ['Start', (r) => day(r.start_date)],
      ['End', (r) => day(r.end_date)],
      ['Rent', (r) => money(r.rent_amount_in_cents)],
      vendor,
      ['x_id', (r) => r.x_id],
    ],
  },
  properties: {
    label: 'Properties',
    columns: [
      ['Name', (r) => r.name ?? '(no name)'],
      ['Address', (r) => r.address_1],
      ['City', (r) => r.city],
      ['State', (r) => r.state],
      ['Units', (r) => r.number_of_units],
      vendor,
      ['x_id', (r) => r.x_id],
    ],
  },
  units: {
    label: 'Units',
    columns: [
      ['Number', (r) => r.number ?? '(no number)'],
      ['Address', (r) => r.address_1],
      ['Beds', (r) => r.bedrooms],
      ['Baths', (r) => r.bathrooms],
      ['Vacant', (r) => bool(r.is_vacant)],
      vendor,
      ['x_id', (r) => r.x_id],
    ],
  },
};
const PAGE = 50;
const LINKS = { property_id: 'properties', unit_id: 'units', lease_id: 'leases', resident_id: 'residents' };

const day = (v) => (v ? String(v).slice(0, 10) : '—');
const money = (cents) =>
  cents === null || cents === undefined
    ? '—'
    : (cents / 100).toLocaleString(undefined, { style: 'currency', currency: 'USD' });
const bool = (v) => (v === null || v === undefined ? '—' : v ? 'yes' : 'no');
/** A resident has no status of its own: its leases' statuses, as the API gives them in leases_meta_data. */
function leaseStatuses(r) {
  const statuses = [...new Set((r.leases_meta_data ?? []).map((m) => m.lease_status_normalized).filter(Boolean))];
  return statuses.length ? statuses.join(', ') : r.leases_meta_data?.length ? null : 'no lease';
}

export async function renderRecords(el, ctx, model) {
  const spec = MODELS[model];
  if (!spec) {
    replace(el, errorBox({ message: `Unknown model ${model}` }));
    return;
  }
  const integrationId = ctx.query.integration_id ?? '';
  const offset = Math.max(0, Number(ctx.query.offset ?? 0) || 0);
  const link = (q) =>
    `#/records/${model}?${new URLSearchParams(Object.entries({ integration_id: integrationId, offset: 0, ...q }).filter(([, v]) => v !== '' && v !== 0 && v !== '0')).toString()}`;

  const integrationSelect = h(
    'select',
    { name: 'integration_id', testid: 'records-integration' },
    h('option', { value: '' }, 'All integrations'),
  );
  integrationSelect.addEventListener('change', () => ctx.go(link({ integration_id: integrationSelect.value })));
  const listBox = h('div', { testid: 'records-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const newBox = h('div', { class: 'actions' });
  replace(
    el,
    h('h1', {}, 'Records'),
    h(
      'nav',
      { 'aria-label': 'Models', class: 'actions' },
      Object.entries(MODELS).map(([m, s]) =>
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
    const page = await get(`/v1/${model}/`, { integration_id: integrationId, limit: PAGE, offset });
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
  const spec = MODELS[model];
  const back = h('p', {}, h('a', { href: `#/records/${model}` }, `← ${spec?.label ?? model}`));
  try {
    const record = (await get(`/v1/${model}/${encodeURIComponent(id)}`)).results;
    const heading = spec ? String(spec.columns[0][1](record) ?? record.x_id) : record.x_id;
    const writeBox = h('div', { class: 'actions', testid: 'record-writes' });
    editButton(ctx, model, record)
      .then((button) => replace(writeBox, button))
      .catch((error) => replace(writeBox, errorBox(error)));
    replace(
      el,
      back,
      h('h1', { testid: 'record-title' }, heading),
      h('p', { class: 'muted' }, `${model} · ${record.integration_vendor} · x_id ${record.x_id}`),
      writeBox,
      related('Leases', 'leases', 'lease_id', record.leases_meta_data, 'record-leases'),
      related('Residents', 'residents', 'resident_id', record.residents_meta_data, 'record-residents'),
      h(
        'dl',
        { class: 'record', testid: 'record-fields' },
        Object.entries(record).flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-field': k }, value(k, v))]),
      ),
    );
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
  if (typeof v === 'object') return h('pre', {}, JSON.stringify(v, null, 2));
  if (key === 'integration_id') return h('a', { href: `#/integrations/${encodeURIComponent(v)}` }, String(v));
  if (LINKS[key]) return h('a', { href: `#/records/${LINKS[key]}/${encodeURIComponent(v)}` }, String(v));
  return String(v);
}

// The dashboard shell: the API key, hash routing (#/integrations/<id>, #/records/residents/<id>[/edit], #/writes…) and the views.
import { get, getKey, setKey } from './api.js';
import { errorBox, field, h, replace } from './dom.js';
import { renderConnect, renderConnection } from './view-connect.js';
import { renderEvents } from './view-events.js';
import { renderIntegration, renderIntegrations } from './view-integrations.js';
import { renderRecord, renderRecords } from './view-records.js';
import { renderWebhook, renderWebhooks } from './view-webhooks.js';
import { renderWriteForm, renderWriteLog } from './view-writes.js';

const view = document.getElementById('view');
const keyStatus = document.getElementById('key-status');

const ROUTES = [
  [/^\/?$/, () => renderIntegrations],
  [/^\/integrations$/, () => renderIntegrations],
  [/^\/integrations\/([^/]+)$/, (id) => (el, ctx) => renderIntegration(el, ctx, id)],
  [/^\/records$/, () => (el, ctx) => renderRecords(el, ctx, 'residents')],
  [/^\/records\/([a-z_]+)$/, (model) => (el, ctx) => renderRecords(el, ctx, model)],
  [/^\/records\/([a-z_]+)\/new$/, (model) => (el, ctx) => renderWriteForm(el, ctx, model, 'create')],
  [/^\/records\/([a-z_]+)\/([^/]+)\/edit$/, (model, id) => (el, ctx) => renderWriteForm(el, ctx, model, 'update', id)],
  [/^\/records\/([a-z_]+)\/([^/]+)$/, (model, id) => (el, ctx) => renderRecord(el, ctx, model, id)],
  [/^\/writes$/, () => renderWriteLog],
  [/^\/webhooks$/, () => renderWebhooks],
  [/^\/webhooks\/([^/]+)$/, (id) => (el, ctx) => renderWebhook(el, ctx, id)],
  [/^\/events$/, () => renderEvents],
  [/^\/connect$/, () => renderConnect],
  [/^\/connect\/connections\/([^/]+)$/, (id) => (el, ctx) => renderConnection(el, ctx, id)],
  [/^\/key$/, () => renderKeyForm],
];

/**
 * What a view may use: `query` (the hash's ?a=b), `go(hash)`, and timers that stop when the view is left
 * (`poll(fn, ms)` calls fn until it returns false or the view goes away).
 */
function makeContext(query) {
  const timers = new Set();
  const ctx = {
    alive: true,
    query,
    go: (hash) => {
      location.hash = hash;
    },
    later(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        if (ctx.alive) fn();
      }, ms);
      timers.add(t);
    },
    poll(fn, ms) {
      const tick = async () => {
        if (!ctx.alive) return;
        let again;
        try {
          again = await fn();
        } catch {
          again = true;
        }
        if (again && ctx.alive) ctx.later(ms, tick);
      };
      return tick();
    },
    dispose() {
      ctx.alive = false;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
  return ctx;
}

let current;

function route() {
  current?.dispose();
  const [path, search] = location.hash.replace(/^#/, '').split('?');
  const query = Object.fromEntries(new URLSearchParams(search ?? ''));
  current = makeContext(query);
  for (const a of document.querySelectorAll('#nav a')) {
    if (
      path.startsWith(a.getAttribute('href').slice(1)) ||
      (path.replace(/^\/?$/, '') === '' && a.getAttribute('href') === '#/integrations')
    )
      a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  renderKeyStatus();
  if (!getKey() && path !== '/key') {
    renderKeyForm(view, current, 'Enter your API key to start. It is kept in this browser only (localStorage).');
    return;
  }
  for (const [pattern, make] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      const render = make(...match.slice(1).map(decodeURIComponent));
      replace(view);
      Promise.resolve(render(view, current)).catch((error) => view.append(errorBox(error)));
      return;
    }
  }
  replace(
    view,
    h('h1', {}, 'Not found'),
    h('p', {}, 'No such page. ', h('a', { href: '#/integrations' }, 'Go to the integrations.')),
  );
}

function renderKeyStatus() {
  const key = getKey();
  replace(
    keyStatus,
    key
      ? [
          h('span', { class: 'muted small', testid: 'key-set' }, `Key …${key.slice(-4)}`),
          h(
            'button',
            {
              type: 'button',
              testid: 'change-key',
              onClick: () => {
                location.hash = '#/key';
              },
            },
            'Change key',
          ),
          h(
            'button',
            {
              type: 'button',
              testid: 'forget-key',
              onClick: () => {
                setKey('');
                route();
              },
            },
            'Forget key',
          ),
        ]
      : h('span', { class: 'muted small' }, 'No API key'),
  );
}

function renderKeyForm(el, ctx, message) {
  const input = h('input', {
    type: 'password',
    name: 'api-key',
    autocomplete: 'off',
    size: 48,
    testid: 'api-key-input',
    value: getKey(),
    required: true,
  });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'stack', testid: 'key-form' },
    field('API key', input, 'In embedded mode it is in .data/api-key; otherwise the LATCHKEY_API_KEY you configured.'),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'api-key-save' }, 'Use this key'),
    ),
    out,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setKey(input.value.trim());
    try {
      await get('/v1/admin/integrations/', { limit: 1 });
      const back = ctx.query.back;
      location.hash = back && back.startsWith('#/') && back !== '#/key' ? back : '#/integrations';
      if (location.hash === '#/integrations') route();
    } catch (error) {
      if (error.status === 401) setKey('');
      renderKeyStatus();
      replace(out, errorBox(error, 'key-error'));
    }
  });
  replace(
    el,
    h('h1', {}, 'API key'),
    message ? h('p', { class: 'notice', testid: 'key-needed' }, message) : null,
    form,
  );
  input.focus();
}

window.addEventListener('latchkey:unauthorized', (e) => {
  if (view.querySelector('[data-testid="key-form"]')) return; // the form reports it itself
  current?.dispose();
  current = makeContext({ back: location.hash });
  renderKeyForm(view, current, `The API refused the key: ${e.detail.message}. Enter a valid key.`);
});
window.addEventListener('hashchange', route);
route();

// The public HTTP API, called with the user's own key (kept in localStorage, sent as a Bearer token).
const KEY = 'latchkey-key';

export const getKey = () => localStorage.getItem(KEY) ?? '';
export function setKey(key) {
  if (key) localStorage.setItem(KEY, key);
  else localStorage.removeItem(KEY);
}

/** An API error as the API reports it: `{error: {code, message, details}}`, or a network failure. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details ?? {};
  }
}

/** `?a=1&b=2` from an object, leaving out undefined, null and '' values. */
export function qs(query) {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

export async function api(method, path, body) {
  const headers = { accept: 'application/json', authorization: `Bearer ${getKey()}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, 'network_error', `Could not reach the server: ${error.message}`, {});
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: reported below if the status says it failed
  }
  if (!res.ok) {
    const e = json?.error;
    const error = new ApiError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? `${method} ${path} answered ${res.status} ${res.statusText}`,
      e?.details,
    );
    if (res.status === 401) window.dispatchEvent(new CustomEvent('latchkey:unauthorized', { detail: error }));
    throw error;
  }
  return json;
}

export const get = (path, query) => api('GET', path + qs(query));
export const post = (path, body = {}) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

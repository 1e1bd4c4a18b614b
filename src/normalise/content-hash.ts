import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so equal records serialise identically whatever order
 * their fields were built in (plain JSON.stringify would make key order part of the hash).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return scalarJson(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Characters JSON.stringify escapes in a string: a quote, a backslash, controls, and (when lone) surrogates. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * JSON.stringify of a value that is not an object, with its commonest cases written without the call: records are
 * hashed by the million, and a string that needs no escape (nearly all of them) is only quoted.
 */
export function scalarJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(value);
  }
}

export function contentHash(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'base64url');
}

/**
 * contentHash specialised for records whose fields are known in advance (a canonical model's catalogue):
 * the keys are sorted once, not per record. Gives exactly contentHash(values) for such records; with
 * `more`, a hash of the values and that text (what else the record says, e.g. its links).
 */
export function recordHasher(fields: readonly string[]): (values: Record<string, unknown>, more?: string) => string {
  const keys = [...fields].sort();
  const keyJson = keys.map((k) => `${JSON.stringify(k)}:`);
  return (values, more) => {
    // One string grown in place: records are hashed by the million, an array of parts per record is garbage.
    let json = '{';
    for (let i = 0; i < keys.length; i++) {
      const value = values[keys[i]];
      if (value === undefined) continue;
      if (json.length > 1) json += ',';
      json +=
        keyJson[i] + (value === null ? 'null' : typeof value !== 'object' ? scalarJson(value) : canonicalJson(value));
    }
    json += '}';
    return hash('sha256', more === undefined ? json : `${json}\u0000${more}`, 'base64url');
  };
}

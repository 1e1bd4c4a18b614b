/**
 * An unknown value as text for messages and lookups: a scalar as `String` spells it, an object or array as
 * JSON, so a malformed vendor value shows what it was instead of "[object Object]".
 */
export function textOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return `[function ${value.name}]`;
    case 'object':
      return json(value);
  }
}

function json(value: object | null): string {
  try {
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value); // a cycle, or a BigInt inside
  }
}

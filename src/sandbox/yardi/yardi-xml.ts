import { textOf } from '../../platform/text/text-of';

/**
 * Serialises MITS element trees (`@Name` keys are attributes, `#text` the text) into XML parts, with every
 * value escaped. Hand-written because the sandbox answers tens of thousands of records per sync: parts
 * are pushed to one array and joined once.
 */
type Tree = Record<string, unknown>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;

export function escapeXml(value: unknown): string {
  const text = String(value);
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : text;
}

export function writeElement(name: string, value: unknown, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) writeElement(name, item, out);
    return;
  }
  if (typeof value !== 'object') {
    const text = textOf(value);
    out.push(text === '' ? `<${name} />` : `<${name}>${escapeXml(text)}</${name}>`);
    return;
  }
  let open = `<${name}`;
  const children: Array<[string, unknown]> = [];
  let text: unknown;
  for (const [key, child] of Object.entries(value as Tree)) {
    if (key.startsWith('@')) {
      if (child !== undefined && child !== null) open += ` ${key.slice(1)}="${escapeXml(child)}"`;
    } else if (key === '#text') text = child;
    else children.push([key, child]);
  }
  if (children.length === 0 && (text === undefined || text === null || text === '')) {
    out.push(`${open} />`);
    return;
  }
  out.push(`${open}>`);
  if (text !== undefined && text !== null) out.push(escapeXml(text));
  for (const [key, child] of children) writeElement(key, child, out);
  out.push(`</${name}>`);
}

/**
 * Which custom headers a webhook may carry. A custom header adds to a delivery; it must never steer it:
 * not where it goes (`Host`), not how it is framed or forwarded (hop-by-hop and framing headers), and not
 * what Latchkey itself says on every delivery (its type, its user agent, its signatures). Names compare
 * case-insensitively, as HTTP's do.
 */
const ROUTING = new Set(['host']);
const FRAMING = new Set([
  'connection',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
]);
const OURS = new Set(['content-type', 'user-agent', 'propexo-signature']);
const FRAMING_PREFIX = 'proxy-';
const OURS_PREFIX = 'webhook-';

/** Why a custom header may not be sent (a sentence naming it), or null when it may. */
export function forbiddenHeaderReason(name: string): string | null {
  const lower = name.toLowerCase();
  if (ROUTING.has(lower)) return `${name} cannot be set: the webhook's URL decides where a delivery goes`;
  if (FRAMING.has(lower) || lower.startsWith(FRAMING_PREFIX))
    return `${name} cannot be set: it controls how a delivery is framed or forwarded`;
  if (OURS.has(lower) || lower.startsWith(OURS_PREFIX))
    return `${name} cannot be set: Latchkey sets it on every delivery`;
  return null;
}

export interface CustomHeader {
  header: string;
  value: string;
}

/** The problems of a list of custom headers, keyed by field path (`headers.N.header`), for a 400. */
export function customHeaderProblems(headers: readonly CustomHeader[]): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  headers.forEach((h, index) => {
    const reason = forbiddenHeaderReason(h.header);
    if (reason) problems[`headers.${index}.header`] = [reason];
  });
  return problems;
}

/**
 * Copies the stored custom headers a delivery may send into `into` (names lower-cased) and returns the names
 * it left out, or null when none was. Stored headers may predate the rule or have been written behind the
 * API's back: a forbidden one is dropped, never sent.
 */
export function addSendableHeaders(into: Record<string, string>, headers: readonly CustomHeader[]): string[] | null {
  let dropped: string[] | null = null;
  for (const h of headers) {
    if (forbiddenHeaderReason(h.header) === null) into[h.header.toLowerCase()] = h.value;
    else (dropped ??= []).push(h.header);
  }
  return dropped;
}

/** Standard Webhooks' advice and ours: request bodies stay at or under 256 kB. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * The body to send for an event. A body over the limit is sent thin: the record in `data.payload` is cut
 * down to its ids (the full record is one GET away) and `data.payload_truncated` says so; a DATA_UPDATE
 * keeps its diff (the changed fields) unless the diff alone is over the limit too, in which case only the
 * names of the changed fields are kept. Here, beside the payloads it cuts down, so delivery knows no shape.
 */
export function deliveryBody(payload: unknown): string {
  const full = JSON.stringify(payload);
  if (Buffer.byteLength(full) <= MAX_BODY_BYTES) return full;
  const event = payload as { data?: Record<string, unknown> };
  if (!event?.data || typeof event.data !== 'object') return full;
  const record = (event.data.payload ?? {}) as Record<string, unknown>;
  const ids = { id: record.id ?? null, x_id: record.x_id ?? null, integration_id: record.integration_id ?? null };
  const thin = { ...event, data: { ...event.data, payload: ids, payload_truncated: true } };
  const body = JSON.stringify(thin);
  if (Buffer.byteLength(body) <= MAX_BODY_BYTES) return body;
  const diff = event.data.diff as { new?: Record<string, unknown> } | undefined;
  return JSON.stringify({
    ...thin,
    data: { ...thin.data, diff: { changed_fields: Object.keys(diff?.new ?? {}) }, diff_truncated: true },
  });
}

/**
 * deliveryBody for a payload read as its stored JSON text: sent as it is when within the limit (no parse and
 * re-serialise per delivery; numbers keep the digits they were stored with), else thinned as deliveryBody does.
 */
export function deliveryBodyOfText(payloadText: string): string {
  if (Buffer.byteLength(payloadText) <= MAX_BODY_BYTES) return payloadText;
  return deliveryBody(JSON.parse(payloadText));
}

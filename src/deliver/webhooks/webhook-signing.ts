import { createHmac, randomBytes } from 'node:crypto';

/** Generated secrets have the Standard Webhooks `whsec_` form, so one secret verifies both signatures. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** `propexo-signature`: hex HMAC-SHA256 of the raw body, keyed with the secret string exactly as shown. */
export function propexoSignature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * What a secret given by the user may look like: anything, except that a `whsec_` prefix promises base64 after
 * it (the Standard Webhooks form, which its libraries decode strictly), so a receiver can verify as documented.
 */
export const WEBHOOK_SECRET_FORM =
  /^(?!whsec_)[\s\S]*$|^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/;

/**
 * The Standard Webhooks key: the base64-decoded part of a `whsec_` secret; a secret of another form
 * (user-chosen) is used as its UTF-8 bytes: with the standardwebhooks library,
 * `new Webhook(new TextEncoder().encode(secret), { format: 'raw' })` (README, "Verifying deliveries").
 */
export function standardWebhooksKey(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

/** `webhook-signature` value: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function standardWebhooksSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', standardWebhooksKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/**
 * The signature headers of a delivery. `secrets` lists the current secret first, then any still in their
 * rotation grace period: `webhook-signature` carries one `v1,` signature per secret (space-separated, as
 * Standard Webhooks allows), so receivers holding either secret verify; `propexo-signature` has one value
 * and uses the current secret.
 */
export function signedHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  return {
    'propexo-signature': propexoSignature(secrets[0], body),
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets
      .map((secret) => standardWebhooksSignature(secret, id, timestampSeconds, body))
      .join(' '),
  };
}

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** A sealed value names a key this process does not have. The message names the key id, never the value. */
export class UnknownEncryptionKeyError extends Error {
  constructor(readonly keyId: string) {
    super(
      `A secret was sealed with encryption key ${keyId}, which this process does not have: ` +
        'add that key to LATCHKEY_PREVIOUS_ENCRYPTION_KEYS (or set it as LATCHKEY_ENCRYPTION_KEY)',
    );
  }
}

/** The id a sealed value carries for its key: the first bytes of the key's SHA-256, which reveal nothing of the key. */
export function encryptionKeyId(base64Key: string): string {
  return createHash('sha256').update(decodeKey(base64Key)).digest('base64url').slice(0, 8);
}

function decodeKey(base64Key: string): Buffer {
  const key = Buffer.from(base64Key, 'base64');
  if (key.length !== 32) throw new Error('An encryption key must be 32 bytes, base64-encoded');
  return key;
}

/**
 * AES-256-GCM envelope for secrets at rest (vendor credentials, webhook secrets):
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url). The key id says which key sealed a value, so keys
 * rotate: the current key seals, previous keys (LATCHKEY_PREVIOUS_ENCRYPTION_KEYS) only open, and
 * re-encryption (secret-reencryption.ts) moves every value to the current key.
 */
export class SecretBox {
  private readonly key: Buffer;
  readonly keyId: string;
  /** Every key that may open a value (the current one included), by key id. */
  private readonly openers = new Map<string, Buffer>();

  constructor(currentBase64Key: string, previousBase64Keys: readonly string[] = []) {
    this.key = decodeKey(currentBase64Key);
    this.keyId = encryptionKeyId(currentBase64Key);
    for (const previous of previousBase64Keys) this.openers.set(encryptionKeyId(previous), decodeKey(previous));
    this.openers.set(this.keyId, this.key);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      this.keyId,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  open(envelope: string): string {
    const [version, keyId, iv, tag, ciphertext] = envelope.split('.');
    if (version !== VERSION || ciphertext === undefined) throw new Error('Not a sealed secret');
    const key = this.openers.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError(keyId);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The same plaintext sealed under the current key. */
  reseal(envelope: string): string {
    return this.seal(this.open(envelope));
  }

  sealJson(value: unknown): string {
    return this.seal(JSON.stringify(value));
  }

  openJson<T>(envelope: string): T {
    return JSON.parse(this.open(envelope)) as T;
  }
}

/** The prefix every value sealed with `keyId` starts with. */
export function sealedPrefix(keyId: string): string {
  return `${VERSION}.${keyId}.`;
}

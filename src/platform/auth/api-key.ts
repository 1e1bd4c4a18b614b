import { createHash, randomBytes } from 'node:crypto';

/** Keys are 32 random bytes: a fast hash is enough (nothing to brute-force), and lookup is one index probe. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): string {
  return `lk_${randomBytes(32).toString('base64url')}`;
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, 10);
}

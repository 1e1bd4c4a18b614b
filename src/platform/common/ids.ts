import { hash, randomBytes } from 'node:crypto';

/** A new random id: 25 lowercase base-36 characters starting with a letter (the shape of Propexo's ids). */
export function newId(): string {
  const bytes = randomBytes(16);
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return `c${n.toString(36).padStart(24, '0').slice(-24)}`;
}

/**
 * The id of a canonical record, derived from (integration, model, vendor id). Being derivable, a lease
 * can name its property's and residents' ids before those rows are written, so models sync in any
 * order and in parallel with no lookups.
 */
export function recordId(integrationId: string, model: string, xId: string): string {
  const hex = hash('sha256', `${integrationId}\u0000${model}\u0000${xId}`, 'hex');
  return `c${BigInt(`0x${hex.slice(0, 32)}`)
    .toString(36)
    .padStart(24, '0')
    .slice(-24)}`;
}

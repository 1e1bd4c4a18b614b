import { OutboundBlockedError } from '../../platform/outbound/outbound-guard';

/** A failure that retrying cannot fix (bad configuration, a deleted destination): the run fails at once. */
export class PersistentReplicationError extends Error {}

/**
 * SQLSTATE classes that mean the destination refuses, not that it is unwell: authentication (28), missing
 * database or schema (3D, 3F), permissions and invalid statements (42), bad data (22), constraints (23),
 * objects that depend on a table being replaced (2B), unsupported features (0A).
 */
const PERSISTENT_SQLSTATE_CLASSES = new Set(['28', '3D', '3F', '42', '22', '23', '2B', '0A']);

/**
 * Whether a run should fail now rather than retry. Everything not known to be persistent is treated as
 * transient (connection resets, timeouts, a destination restarting: SQLSTATE 08, 53, 57), since the
 * retries are bounded anyway.
 */
export function isPersistentFailure(error: unknown): boolean {
  if (error instanceof PersistentReplicationError || error instanceof OutboundBlockedError) return true;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && PERSISTENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
}

/** What went wrong, for a run's error or a 400: the message with the network or SQLSTATE code. */
export function describeFailure(error: unknown): string {
  const message = (error as Error)?.message || String(error);
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

import { SecretBox, sealedPrefix, UnknownEncryptionKeyError } from './secret-box';
import type { SealedSecretRepository } from './sealed-secret.repository';

export interface SealedColumn {
  table: string;
  column: string;
}

/**
 * Every column that holds a SecretBox envelope, each in a table keyed by a text `id`. A unit test checks
 * this list against the `*_encrypted` fields of prisma/schema.prisma, so a new sealed column cannot be missed.
 */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'integrations', column: 'credentials_encrypted' },
  { table: 'webhooks', column: 'secret_encrypted' },
  { table: 'webhooks', column: 'previous_secret_encrypted' },
  { table: 'connect_destinations', column: 'connection_url_encrypted' },
];

/** Rows per read and per UPDATE: short statements that hold few row locks, so the API never waits on them. */
const BATCH_SIZE = 500;

export interface ReencryptionReport {
  /** Values re-sealed under the current key by this run. */
  resealed: number;
  /** Values still sealed with another key after the run (0 means older keys may be dropped). */
  left: number;
  /** Values that could not be opened, one line each: where, and why (key ids, never values). */
  failures: string[];
}

/**
 * Re-seals every sealed value whose key is not the current one, batch by batch, while the app runs. A row is
 * written only if its sealed value is still the one read (compare-and-set), so a concurrent change (a new
 * secret, new credentials) always wins and several workers may run this at once.
 */
export async function reencryptSecrets(
  secrets: SealedSecretRepository,
  box: SecretBox,
  stopping: () => boolean = () => false,
): Promise<ReencryptionReport> {
  const current = sealedPrefix(box.keyId);
  let resealed = 0;
  const failures: string[] = [];
  for (const sealedColumn of SEALED_COLUMNS) {
    const { table, column } = sealedColumn;
    // Keyset paging by id: rows that cannot be opened are passed over instead of being read again.
    let after = '';
    while (!stopping()) {
      const rows = await secrets.sealedOtherwise(sealedColumn, current, after, BATCH_SIZE);
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const ids: string[] = [];
      const read: string[] = [];
      const written: string[] = [];
      for (const row of rows) {
        try {
          written.push(box.reseal(row.sealed));
          ids.push(row.id);
          read.push(row.sealed);
        } catch (error) {
          const reason =
            error instanceof UnknownEncryptionKeyError
              ? `sealed with encryption key ${error.keyId}, which is not configured`
              : 'could not be opened (damaged, or sealed with another key of the same id)';
          failures.push(`${table}.${column} of ${row.id}: ${reason}`);
        }
      }
      if (ids.length > 0) resealed += await secrets.reseal(sealedColumn, ids, read, written);
    }
  }
  return { resealed, left: await secrets.countSealedOtherwise(current), failures };
}

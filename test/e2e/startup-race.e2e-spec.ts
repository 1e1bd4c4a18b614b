import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { hashApiKey } from '../../src/platform/auth/api-key';
import { migrate } from '../../src/platform/database/migrator';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase } from '../support/database';

/**
 * Processes starting together write the same start-up rows: the default organization and the bootstrap
 * API key. The test makes the race certain instead of likely: it holds each row uncommitted in a
 * transaction of its own, starts two processes that must wait for it, and commits. Written as read-then-
 * insert, both waiting inserts then fail and neither process starts; as one INSERT … ON CONFLICT, both do.
 */
/** DEFAULT_ORGANIZATION_ID of src/platform/auth/auth.repository.ts (a Nest module, which jest cannot load). */
const DEFAULT_ORGANIZATION_ID = 'org_default';

describe('processes starting together', () => {
  const started: AppProcess[] = [];

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
  });

  async function raceOn(holdRow: (db: Client, apiKey: string) => Promise<unknown>): Promise<void> {
    const databaseUrl = await createTestDatabase();
    await migrate(databaseUrl);
    const apiKey = `lk_test_${randomBytes(16).toString('hex')}`;
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: await testRedisUrl(),
      SANDBOX: 'false',
      LATCHKEY_API_KEY: apiKey,
    };
    const [holder, watcher] = [
      new Client({ connectionString: databaseUrl }),
      new Client({ connectionString: databaseUrl }),
    ];
    await Promise.all([holder.connect(), watcher.connect()]);
    try {
      await holder.query('BEGIN');
      await holdRow(holder, apiKey);
      const starting = Promise.allSettled([1, 2].map((n) => startApp({ name: `race-${n}`, role: 'api', env })));
      // Both processes are waiting on the held row (their start-up cannot finish before it commits). Asked
      // outside the holder's transaction, whose view of pg_stat_activity is a snapshot.
      await waitFor(async () => {
        const { rows } = await watcher.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return rows[0].n >= 2 ? true : undefined;
      }, 'both processes to wait for the held row');
      await holder.query('COMMIT');
      const results = await starting;
      for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason).slice(0, 300) : 'started'))).toEqual([
        'started',
        'started',
      ]);
    } finally {
      await Promise.all([holder.end(), watcher.end()]);
    }
  }

  it('both start when the default organization is being written by another process', async () => {
    await raceOn((db) =>
      db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'Default organization')`, [DEFAULT_ORGANIZATION_ID]),
    );
  });

  it('both start when the bootstrap API key is being written by another process', async () => {
    await raceOn(async (db, apiKey) => {
      await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'Default organization')`, [
        DEFAULT_ORGANIZATION_ID,
      ]);
      await db.query('COMMIT');
      await db.query('BEGIN');
      await db.query(
        `INSERT INTO api_keys (id, organization_id, name, key_hash, prefix, scopes) VALUES ('held-key', $1, 'LATCHKEY_API_KEY', $2, 'lk_test', '{read,admin}')`,
        [DEFAULT_ORGANIZATION_ID, hashApiKey(apiKey)],
      );
    });
  });
});

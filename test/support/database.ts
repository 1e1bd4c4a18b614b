import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A fresh, empty database on the test PostgreSQL server, so test files never share state. */
export async function createTestDatabase(): Promise<string> {
  const serverUrl = process.env.TEST_DATABASE_URL!;
  const name = `latchkey_test_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(databaseUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs, jobs, events and deliveries of a test database: what a timed-out end-to-end test reports. */
export function pipelineState(databaseUrl: string): Promise<Record<string, unknown[]>> {
  return withClient(databaseUrl, async (db) => {
    const q = async (sql: string) => (await db.query(sql)).rows;
    return {
      runs: await q('SELECT kind, status, started_at, finished_at FROM sync_runs ORDER BY started_at'),
      jobs: await q(
        'SELECT model, status, attempts, error, records_seen, started_at, finished_at FROM sync_jobs ORDER BY created_at',
      ),
      events: await q('SELECT sequence, trigger FROM events ORDER BY sequence'),
      relayed_up_to: await q('SELECT sequence FROM outbox_cursor'),
      deliveries: await q('SELECT status, attempt_count, next_attempt_at, last_attempt_at FROM webhook_deliveries'),
    };
  });
}

/** A second organization `org_other` with an admin key `apiKey` (stored hashed, as the app stores keys). */
export async function addOtherOrganization(databaseUrl: string, apiKey: string): Promise<void> {
  await withClient(databaseUrl, async (db) => {
    await db.query(`INSERT INTO organizations (id, name) VALUES ('org_other', 'Other')`);
    await db.query(
      `INSERT INTO api_keys (id, organization_id, name, prefix, key_hash, scopes) VALUES ('key_other', 'org_other', 'other', 'lk_other', $1, '{read,admin}')`,
      [createHash('sha256').update(apiKey).digest('hex')],
    );
  });
}

import { createPostgresBackend, Queue, runMigrations } from 'bullmq';
import { Client } from 'pg';
import { createTestDatabase, withClient } from '../support/database';

/**
 * Minimal reproduction of a race in BullMQ's PostgreSQL backend (bullmq 6.7), kept because Latchkey works
 * around it (SyncService.wakeWaiting wakes a held-back sync job with `changeDelay(0)`, not `promote()`).
 *
 * `promote` reads the job's state without locking the row, then updates it with no state condition. When a
 * worker's `move_to_active` promotes that same due job and claims it in between, `promote` waits for the
 * worker's row lock and then turns the *active* job back to `waiting`: a second worker claims it, two
 * workers run one job, and the first to finish deletes it (removeOnComplete), so the other logs
 * "Missing key for job … moveToFinished" (and, retrying, "… moveToDelayed"). Redis's promote is one atomic
 * script and has no such window.
 *
 * The interleaving is made deterministic by holding the worker's claim open in a transaction. If the first
 * test starts failing after a BullMQ upgrade, the backend was fixed and the workaround may go.
 */
describe('BullMQ PostgreSQL backend: promote() racing a worker that claims the same due job', () => {
  const QUEUE = 'promote-race';
  let databaseUrl: string;
  let queue: Queue;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    await withClient(databaseUrl, (client) => runMigrations(client));
    queue = new Queue(QUEUE, { connection: { connectionString: databaseUrl, max: 2 } }, createPostgresBackend as never);
  });

  afterAll(async () => {
    await queue?.close();
  });

  /**
   * A worker claims the due delayed job in a transaction held open while `wake` runs against the job, then
   * commits; returns the job's state afterwards and whether another worker can claim it again.
   */
  async function claimWhile(jobId: string, wake: () => Promise<unknown>) {
    await queue.add('job', {}, { jobId, delay: 1 });
    await new Promise((r) => setTimeout(r, 20)); // due
    const worker = new Client({ connectionString: databaseUrl });
    await worker.connect();
    try {
      await worker.query('BEGIN');
      // What a worker's fetch runs: promote due delayed jobs, claim the next waiting one (60 s lock).
      const claimed = await worker.query(
        `SELECT id FROM bullmq.move_to_active($1, 'token-1', 60000, $2, NULL, NULL, NULL)`,
        [QUEUE, Date.now()],
      );
      expect(claimed.rows.map((r) => r.id)).toEqual([jobId]);
      const woken = wake().then(
        () => 'done',
        (error: Error) => error.message,
      );
      // `wake` has read the job's committed state (still delayed) and now waits for the claim's row lock.
      const blocked = await waitForBlockedQuery(databaseUrl);
      await worker.query('COMMIT');
      await woken;
      const state = await queue.getJobState(jobId);
      const again = await withClient(databaseUrl, async (db) =>
        (
          await db.query(`SELECT id FROM bullmq.move_to_active($1, 'token-2', 60000, $2, NULL, NULL, NULL)`, [
            QUEUE,
            Date.now(),
          ])
        ).rows.map((r) => r.id),
      );
      return { blocked, state, claimedAgain: again.includes(jobId) };
    } finally {
      await worker.end();
    }
  }

  it('promote() puts the claimed, active job back to waiting, so a second worker claims it too (the bug)', async () => {
    const outcome = await claimWhile('promoted', async () => (await queue.getJob('promoted'))!.promote());
    expect(outcome).toEqual({ blocked: true, state: 'waiting', claimedAgain: true });
  });

  it('changeDelay(0), what Latchkey uses instead, leaves the claimed job active with its one worker', async () => {
    const outcome = await claimWhile('delay-changed', async () =>
      (await queue.getJob('delay-changed'))!.changeDelay(0),
    );
    expect(outcome).toEqual({ blocked: true, state: 'active', claimedAgain: false });
  });
});

/** Waits until some session of the database waits on a row lock (the racing wake-up); false if none did. */
async function waitForBlockedQuery(databaseUrl: string): Promise<boolean> {
  return withClient(databaseUrl, async (db) => {
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows.length > 0) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  });
}

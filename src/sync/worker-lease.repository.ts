import { Injectable } from '@nestjs/common';
import { Client } from 'pg';

/** The first key of every worker lease (PostgreSQL's two-key advisory locks; the second key is the lease id). */
export const LEASE_LOCK_SPACE = "hashtext('latchkey.sync-worker-lease')";

/** The statements of a worker's lease, on the connection of its own that holds it for the process's life. */
@Injectable()
export class WorkerLeaseRepository {
  async connect(databaseUrl: string): Promise<Client> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'latchkey worker lease' });
    await client.connect();
    return client;
  }

  /**
   * Takes lease `id` on the connection when no session holds it. A `fresh` id (a new one, not this process's
   * own taken back after a lost connection) must also be named by no running job: a dead worker's id stays
   * unused while its jobs wait to be handed back.
   */
  async tryTake(client: Client, id: number, fresh: boolean): Promise<boolean> {
    const { rows } = await client.query<{ held: boolean }>(
      fresh
        ? `SELECT pg_try_advisory_lock(${LEASE_LOCK_SPACE}, $1) AS held WHERE NOT EXISTS (SELECT 1 FROM "sync_jobs" WHERE "status" = 'RUNNING' AND "worker_lease" = $1)`
        : `SELECT pg_try_advisory_lock(${LEASE_LOCK_SPACE}, $1) AS held`,
      [id],
    );
    return rows[0]?.held === true;
  }
}

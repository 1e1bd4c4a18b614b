import request from 'supertest';
import { BUILDIUM_SANDBOX_CREDENTIALS } from '../../src/sandbox/buildium/buildium-sandbox';
import { withClient } from '../support/database';
import { authHeader, firstSync, startSyncHarness, type SyncHarness } from '../support/sync-helpers';

/**
 * The read API prepares its statements (PrismaService.sqlRead). A column added to a table under a prepared
 * `SELECT *`, as another version's migration does while this one still serves, makes PostgreSQL refuse the
 * prepared statement; reads must go on answering, the same as before.
 */
describe('read API statements', () => {
  let harness: SyncHarness;
  const reads: string[] = [];

  beforeAll(async () => {
    harness = await startSyncHarness({ name: 'read-statements', vendor: 'BUILDIUM' });
    await firstSync(harness, 'Reads', `${harness.app.url}/sandbox/buildium`, BUILDIUM_SANDBOX_CREDENTIALS);
    const app = harness.app.url;
    const resident = (await request(app).get('/v1/residents/').query({ limit: 1 }).set(authHeader(harness.app))).body
      .results[0];
    const lease = (await request(app).get('/v1/leases/').query({ limit: 1 }).set(authHeader(harness.app))).body
      .results[0];
    reads.push(
      '/v1/residents/?limit=5',
      '/v1/residents/?limit=3&offset=2&order-by=last_name:asc,first_name:desc',
      `/v1/residents/?limit=5&lease_id=${lease.id}`,
      `/v1/residents/${resident.id}`,
      '/v1/leases/?limit=5&include_deleted=true',
      `/v1/leases/${lease.id}`,
      '/v1/units/?limit=5',
    );
  });

  afterAll(() => harness?.stop());

  const answers = async () => {
    const bodies: unknown[] = [];
    for (const path of reads) {
      const res = await request(harness.app.url).get(path).set(authHeader(harness.app));
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 200, error: undefined });
      bodies.push(res.body);
    }
    return bodies;
  };

  it('answer the same after columns are added under their prepared statements', async () => {
    // Several rounds, so the pool's connections that serve them have each statement prepared.
    const before = await answers();
    expect(await answers()).toEqual(before);
    expect(await answers()).toEqual(before);
    expect((before[0] as { results: unknown[] }).results).toHaveLength(5);

    await withClient(harness.databaseUrl, (db) =>
      db.query(
        `ALTER TABLE "residents" ADD COLUMN "added_by_a_later_version" text;
         ALTER TABLE "residents_to_leases" ADD COLUMN "added_by_a_later_version" text;
         ALTER TABLE "leases" ADD COLUMN "added_by_a_later_version" text;
         ALTER TABLE "units" ADD COLUMN "added_by_a_later_version" text`,
      ),
    );
    expect(await answers()).toEqual(before);
    expect(await answers()).toEqual(before);
  });
});

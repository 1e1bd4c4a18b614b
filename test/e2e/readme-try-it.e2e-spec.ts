import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startApp, type AppProcess } from '../support/app-process';
import { withClient } from '../support/database';

const README = path.resolve(__dirname, '../../README.md');

/** The README's "Try it" shell blocks (section "Two commands"), for a server on `port`. */
function tryItScript(port: number): string {
  const readme = fs.readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Two commands'), readme.indexOf('## Configuration'));
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.length).toBeGreaterThanOrEqual(2);
  return blocks.join('\n').replaceAll('localhost:3000', `localhost:${port}`);
}

/**
 * Getting started, as a new user does it: `npm start`'s embedded mode (no configuration), then the README's
 * commands pasted as they are, from the folder it was started in. The record read after the wait returns
 * records, and Connect replicates them into the embedded database under its real user.
 */
describe("the README's getting started", () => {
  let folder: string;
  let app: AppProcess | undefined;

  beforeAll(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-readme-'));
    fs.chmodSync(folder, 0o755); // as a checkout is: run as root, the embedded PostgreSQL runs as `postgres`
  });

  afterAll(async () => {
    await app?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('works the first time: the first sync is waited for, records come back, Connect replicates them', async () => {
    const port = await freePort();
    app = await startApp({
      name: 'readme',
      env: {
        DATA_DIR: path.join(folder, '.data'),
        PORT: String(port),
        LATCHKEY_API_KEY: '',
        LATCHKEY_ENCRYPTION_KEY: '',
        OUTBOUND_ALLOW_CIDRS: '',
        SANDBOX: '',
      },
    });

    const script = `set -e\n${tryItScript(port)}\necho "VARS $ID $DEST $CONN $RUN"\n`;
    const run = spawnSync('bash', ['-c', script], {
      cwd: folder,
      encoding: 'utf8',
      timeout: 150_000,
      env: { PATH: process.env.PATH!, HOME: folder },
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const lines = run.stdout.trim().split('\n');
    const [, id, dest, conn, runId] = lines.at(-1)!.split(' ');
    expect({ id, dest, conn, runId }).toEqual({
      id: expect.stringMatching(/^\w+$/),
      dest: expect.stringMatching(/^\w+$/),
      conn: expect.stringMatching(/^\w+$/),
      runId: expect.stringMatching(/^\w+$/),
    });
    const [jobLog, residents, connectRun] = lines.slice(0, -1).map((line) => JSON.parse(line));

    // The job log after the wait: the first sync's run and its jobs, all ended well.
    const firstSync = jobLog.results.find((j: any) => j.job_type === 'FIRST_SYNC');
    expect(firstSync).toMatchObject({ status: 'SUCCESS', integration_id: id });
    const jobs = jobLog.results.filter((j: any) => j.parent_job_id === firstSync.id);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.filter((j: any) => j.status !== 'SUCCESS' || j.records_written === 0)).toEqual([]);

    // The record read right after: records, not `results: []`.
    expect(residents.results).toHaveLength(2);
    expect(residents.results[0].integration_id).toBe(id);

    // Connect into the embedded database with its real user: the run succeeded and the rows are there.
    const connect = connectRun.results ?? connectRun.result;
    expect(connect).toMatchObject({ id: runId, status: 'SUCCEEDED' });
    const written = connect.streams.find((s: any) => s.name === 'residents').records;
    expect(written).toBe(residents.meta.total);
    const password = fs.readFileSync(path.join(folder, '.data', 'postgres-password'), 'utf8').trim();
    const pgPort = fs.readFileSync(path.join(folder, '.data', 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3];
    const count = await withClient(`postgresql://latchkey:${password}@127.0.0.1:${pgPort}/latchkey`, async (db) =>
      Number((await db.query('SELECT count(*) FROM warehouse.residents')).rows[0].count),
    );
    expect(count).toBe(residents.meta.total);
  });
});

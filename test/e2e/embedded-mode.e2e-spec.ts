import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { freePort, startApp, waitFor, type AppProcess } from '../support/app-process';

const ROOT = path.resolve(__dirname, '../..');

/** The two-command path: no DATABASE_URL, no REDIS_URL, no key: `npm start` on a fresh machine. */
describe('embedded mode (npm start with no configuration)', () => {
  let dataDir: string;
  let app: AppProcess | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-embedded-'));
  });

  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts its own PostgreSQL, creates a key once, serves the sandbox and completes a first sync on the PostgreSQL queue', async () => {
    const port = await freePort();
    app = await startApp({
      name: 'embedded',
      env: {
        DATA_DIR: dataDir,
        PORT: String(port),
        LATCHKEY_API_KEY: '',
        LATCHKEY_ENCRYPTION_KEY: '',
        OUTBOUND_ALLOW_CIDRS: '',
        SANDBOX: '',
      },
    });
    const keyFile = path.join(dataDir, 'api-key');
    const key = fs.readFileSync(keyFile, 'utf8').trim();
    expect(key).toMatch(/^lk_/);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(app.logFile, 'utf8')).toContain(key); // printed once, at first start
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    const auth = { authorization: `Bearer ${key}` };

    const ready = await request(app.url).get('/ready');
    expect(ready.body).toMatchObject({ status: 'ready', queue_backend: 'postgres' });
    expect((await request(app.url).get('/')).text).toContain('Latchkey');

    // The mounted sandbox speaks Buildium's contract on the same port.
    const unauthorised = await fetch(`${app.url}/sandbox/buildium/v1/rentals`);
    expect(unauthorised.status).toBe(401);

    const created = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(auth)
      .send({
        name: 'Sandbox',
        integration_vendor: 'BUILDIUM',
        active: true,
        credentials: { clientId: 'sandbox-client-id', secret: 'sandbox-secret' },
        base_url: `${app.url}/sandbox/buildium`,
      });
    expect(created.status).toBe(200);
    const id = created.body.result.id;
    await waitFor(
      async () => {
        const res = await request(app!.url).get(`/v1/admin/integrations/${id}/`).set(auth);
        return res.body.results.last_completed_sync ?? undefined;
      },
      'the first sync',
      120_000,
    );
    const residents = await request(app.url).get('/v1/residents/').set(auth);
    expect(residents.body.meta.total).toBeGreaterThan(0);

    // A restart reuses the data folder: same key (not printed again), same data.
    await app.stop();
    app = await startApp({
      name: 'embedded-restart',
      env: {
        DATA_DIR: dataDir,
        PORT: String(port),
        LATCHKEY_API_KEY: '',
        LATCHKEY_ENCRYPTION_KEY: '',
        OUTBOUND_ALLOW_CIDRS: '',
        SANDBOX: '',
      },
    });
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(key);
    expect(fs.readFileSync(app.logFile, 'utf8')).not.toContain(key);
    const again = await request(app.url).get('/v1/residents/').set(auth);
    expect(again.body.meta.total).toBe(residents.body.meta.total);
  });
});

describe('configuration errors', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [path.join(ROOT, 'dist/main.js')], {
      env: { PATH: process.env.PATH!, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('refuses DATABASE_URL without an encryption key, naming the variable and not echoing secrets', () => {
    const result = run({ DATABASE_URL: 'postgresql://u:hunter2-password@127.0.0.1:1/db' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('LATCHKEY_ENCRYPTION_KEY');
    expect(result.stderr).not.toContain('hunter2-password');
  });

  it('names each invalid variable and its rule, without its value', () => {
    const result = run({
      PORT: 'eighty',
      REDIS_URL: 'http://secret-host-name',
      LATCHKEY_ENCRYPTION_KEY: 'too-short-key-value',
      WEBHOOK_RETRY_SCHEDULE: 'soon',
    });
    expect(result.status).toBe(78);
    for (const name of ['PORT', 'REDIS_URL', 'LATCHKEY_ENCRYPTION_KEY', 'WEBHOOK_RETRY_SCHEDULE'])
      expect(result.stderr).toContain(name);
    for (const value of ['eighty', 'secret-host-name', 'too-short-key-value'])
      expect(result.stderr).not.toContain(value);
  });

  it('refuses an unknown role', () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist/main.js'), 'janitor'], {
      env: { PATH: process.env.PATH! },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('role');
  });
});

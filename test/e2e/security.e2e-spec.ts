import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { encryptionKeyId, SecretBox } from '../../src/platform/common/crypto/secret-box';
import { BUILDIUM_SANDBOX_CREDENTIALS } from '../../src/sandbox/buildium/buildium-sandbox';
import { freePort, startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { addOtherOrganization, createTestDatabase, pipelineState, withClient } from '../support/database';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { expectError } from '../support/api-error';

const LIMIT = 20;
/** From 80 % of LIMIT (the 16th request of a minute) each request waits this long first. */
const SLOWDOWN_MS = 1000;
const SLOWED_FROM = 16;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const adminKey = () => `lk_security_admin_${randomBytes(12).toString('hex')}`;

/** Counts restart at each minute: start a countdown early enough in one that it cannot straddle two. */
async function earlyInMinute(): Promise<void> {
  const second = new Date().getSeconds();
  if (second > 40) await new Promise((r) => setTimeout(r, (60 - second) * 1000 + 250));
}

async function createKey(
  url: string,
  admin: string,
  name: string,
  scopes: string[],
): Promise<{ id: string; key: string }> {
  const res = await request(url).post('/v1/admin/api-keys').set(bearer(admin)).send({ name, scopes });
  expect(res.status).toBe(201);
  return res.body.result;
}

/**
 * LIMIT requests of one key spread over `urls` (round robin) see x-ratelimit-remaining count down from
 * LIMIT-1 to 0, the ones from 80 % of the limit on held back by the slowdown; the next one, on any process,
 * is 429 with Retry-After (not held back); another key is unaffected.
 */
async function expectSharedLimit(urls: string[], key: string, otherKey: string): Promise<void> {
  await earlyInMinute();
  for (let i = 0; i < LIMIT; i++) {
    const startedAt = Date.now();
    const res = await request(urls[i % urls.length])
      .get('/v1/residents/')
      .set(bearer(key));
    const tookMs = Date.now() - startedAt;
    expect(res.status).toBe(200);
    if (i + 1 >= SLOWED_FROM) expect(tookMs).toBeGreaterThanOrEqual(SLOWDOWN_MS);
    else expect(tookMs).toBeLessThan(SLOWDOWN_MS);
    expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1 - i));
  }
  for (const url of urls) {
    const startedAt = Date.now();
    const limited = await request(url).get('/v1/residents/').set(bearer(key));
    expect(Date.now() - startedAt).toBeLessThan(SLOWDOWN_MS);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.any(String),
        details: { limit: LIMIT, retry_after_seconds: expect.any(Number) },
      },
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.error.details.retry_after_seconds).toBe(retryAfter);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
  }
  const other = await request(urls[0]).get('/v1/residents/').set(bearer(otherKey));
  expect(other.status).toBe(200);
  expect(other.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
  // Unauthenticated routes are not limited.
  expect((await request(urls[0]).get('/health')).headers['x-ratelimit-limit']).toBeUndefined();
}

describe('rate limit on Redis, shared by two api processes', () => {
  let apps: AppProcess[] = [];
  const admin = adminKey();

  beforeAll(async () => {
    const env = {
      DATABASE_URL: await createTestDatabase(),
      REDIS_URL: await testRedisUrl(),
      LATCHKEY_API_KEY: admin,
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      RATE_LIMIT_SLOWDOWN_MS: String(SLOWDOWN_MS),
    };
    apps.push(await startApp({ name: 'security-redis-1', role: 'api', env }));
    apps.push(await startApp({ name: 'security-redis-2', role: 'api', env }));
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    apps = [];
  });

  it('counts one key across both processes, answers 429 with Retry-After past the limit, and leaves other keys alone', async () => {
    const counted = await createKey(apps[0].url, admin, 'counted', ['read']);
    const other = await createKey(apps[0].url, admin, 'other', ['read']);
    await expectSharedLimit(
      apps.map((a) => a.url),
      counted.key,
      other.key,
    );
  });

  it('a revoked key answers 401 at once on the revoking process and within the auth cache bound (2 s) on the other', async () => {
    const victim = await createKey(apps[0].url, admin, 'victim', ['read']);
    for (const app of apps) expect((await request(app.url).get('/v1/units/').set(bearer(victim.key))).status).toBe(200);
    const revoked = await request(apps[0].url).delete(`/v1/admin/api-keys/${victim.id}`).set(bearer(admin));
    expect(revoked.status).toBe(200);
    expect(revoked.body.result.revoked_at).toEqual(expect.any(String));
    expect((await request(apps[0].url).get('/v1/units/').set(bearer(victim.key))).status).toBe(401);
    // Whatever the other process cached before the revocation has expired once the bound has passed.
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await request(apps[1].url).get('/v1/units/').set(bearer(victim.key))).status).toBe(401);
  });
});

describe('rate limit on PostgreSQL (no Redis)', () => {
  let app: AppProcess;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    app = await startApp({
      name: 'security-pg',
      env: {
        DATABASE_URL: databaseUrl,
        RATE_LIMIT_PER_MINUTE: String(LIMIT),
        RATE_LIMIT_SLOWDOWN_MS: String(SLOWDOWN_MS),
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('counts each key in one row per key and answers 429 past the limit', async () => {
    const counted = await createKey(app.url, app.apiKey, 'counted', ['read']);
    const other = await createKey(app.url, app.apiKey, 'other', ['read']);
    await expectSharedLimit([app.url], counted.key, other.key);
    const rows = await withClient(databaseUrl, (db) =>
      db.query('SELECT request_count FROM api_rate_limits WHERE api_key_id = $1', [counted.id]),
    );
    expect(rows.rows).toEqual([{ request_count: LIMIT + 1 }]);
  });
});

describe('API keys, scopes, body limits and secrets in errors', () => {
  let app: AppProcess;
  let databaseUrl: string;
  let admin: Record<string, string>;
  const OTHER_KEY = `lk_other_org_${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    // '' = RATE_LIMIT_PER_MINUTE unset: the default limit.
    app = await startApp({ name: 'security-keys', env: { DATABASE_URL: databaseUrl, RATE_LIMIT_PER_MINUTE: '' } });
    admin = bearer(app.apiKey);
    await addOtherOrganization(databaseUrl, OTHER_KEY);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('limits to 150 requests a minute by default', async () => {
    const res = await request(app.url).get('/v1/properties/').set(admin);
    expect(res.status).toBe(200);
    expect(res.headers['x-ratelimit-limit']).toBe('150');
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThan(150);
  });

  it('shows a new key once, lists keys by prefix only and stores only its hash', async () => {
    const created = await request(app.url)
      .post('/v1/admin/api-keys')
      .set(admin)
      .send({ name: 'Reporting', scopes: ['read'] });
    expect(created.status).toBe(201);
    const key = created.body.result;
    expect(key).toEqual({
      id: expect.any(String),
      name: 'Reporting',
      prefix: key.key.slice(0, 10),
      scopes: ['read'],
      created_at: expect.any(String),
      last_used_at: null,
      revoked_at: null,
      key: expect.stringMatching(/^lk_/),
    });

    const listed = await request(app.url).get('/v1/admin/api-keys').set(admin);
    expect(listed.status).toBe(200);
    expect(listed.body.meta).toMatchObject({ offset: 0, limit: 100, total: 2, hasMore: false });
    expect(listed.body.results.map((k: { name: string }) => k.name).sort()).toEqual(['LATCHKEY_API_KEY', 'Reporting']);
    expect(JSON.stringify(listed.body)).not.toContain(key.key);
    expect(JSON.stringify(listed.body)).not.toContain('hash');
    const stored = await withClient(databaseUrl, (db) => db.query('SELECT * FROM api_keys WHERE id = $1', [key.id]));
    expect(JSON.stringify(stored.rows)).not.toContain(key.key);

    expectError(
      await request(app.url)
        .post('/v1/admin/api-keys')
        .set(admin)
        .send({ name: 'x', scopes: ['write'] }),
      400,
      'invalid_request',
    );
    expectError(
      await request(app.url)
        .post('/v1/admin/api-keys')
        .set(admin)
        .send({ name: 'x', scopes: ['admin'] }),
      400,
      'invalid_request',
    );
    expectError(
      await request(app.url)
        .post('/v1/admin/api-keys')
        .set(admin)
        .send({ scopes: ['read'] }),
      400,
      'invalid_request',
    );
  });

  it('lets a read key GET data and events only: anything else is 403 (still counted and labelled)', async () => {
    const reader = bearer((await createKey(app.url, app.apiKey, 'reader', ['read'])).key);
    for (const path of ['/v1/residents/', '/v1/properties/', '/v1/units/', '/v1/leases/', '/v1/events']) {
      expect((await request(app.url).get(path).set(reader)).status).toBe(200);
    }
    const forbidden = await request(app.url)
      .post('/v1/webhooks/')
      .set(reader)
      .send({ url: 'http://127.0.0.1:9/hook', triggers: ['DATA_NEW'] });
    expectError(forbidden, 403, 'forbidden');
    expect(forbidden.headers['x-ratelimit-remaining']).toEqual(expect.any(String));
    for (const path of ['/v1/admin/integrations/', '/v1/webhooks/', '/v1/admin/api-keys', '/v1/admin/logs/jobs/']) {
      expectError(await request(app.url).get(path).set(reader), 403, 'forbidden');
    }
    expectError(
      await request(app.url)
        .post('/v1/admin/api-keys')
        .set(reader)
        .send({ name: 'escalate', scopes: ['read', 'admin'] }),
      403,
      'forbidden',
    );
    expect((await withClient(databaseUrl, (db) => db.query(`SELECT count(*)::int AS n FROM webhooks`))).rows[0].n).toBe(
      0,
    );

    const second = bearer((await createKey(app.url, app.apiKey, 'second admin', ['read', 'admin'])).key);
    expect((await request(app.url).get('/v1/admin/integrations/').set(second)).status).toBe(200);
  });

  it('revokes keys of its own organization only, never the last admin key, and a revoked key is refused', async () => {
    const doomed = await createKey(app.url, app.apiKey, 'doomed', ['read']);
    // Another organization sees none of our keys and cannot revoke them.
    const theirs = await request(app.url).get('/v1/admin/api-keys').set(bearer(OTHER_KEY));
    expect(theirs.body.results.map((k: { id: string }) => k.id)).toEqual(['key_other']);
    expectError(
      await request(app.url).delete(`/v1/admin/api-keys/${doomed.id}`).set(bearer(OTHER_KEY)),
      404,
      'not_found',
    );
    expect((await request(app.url).get('/v1/units/').set(bearer(doomed.key))).status).toBe(200);

    const revoked = await request(app.url).delete(`/v1/admin/api-keys/${doomed.id}`).set(admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body.result).toMatchObject({ id: doomed.id, revoked_at: expect.any(String) });
    expectError(await request(app.url).get('/v1/units/').set(bearer(doomed.key)), 401, 'unauthorized');
    expectError(await request(app.url).delete('/v1/admin/api-keys/nope').set(admin), 404, 'not_found');

    // The other organization's only admin key cannot revoke itself; ours can go once another admin key exists.
    expectError(await request(app.url).delete('/v1/admin/api-keys/key_other').set(bearer(OTHER_KEY)), 409, 'conflict');
    const admins = (await request(app.url).get('/v1/admin/api-keys').set(admin)).body.results.filter(
      (k: any) => k.scopes.includes('admin') && !k.revoked_at,
    );
    for (const key of admins.filter((k: any) => k.name !== 'LATCHKEY_API_KEY')) {
      expect((await request(app.url).delete(`/v1/admin/api-keys/${key.id}`).set(admin)).status).toBe(200);
    }
    const self = admins.find((k: any) => k.name === 'LATCHKEY_API_KEY');
    expectError(await request(app.url).delete(`/v1/admin/api-keys/${self.id}`).set(admin), 409, 'conflict');
    expect((await request(app.url).get('/v1/admin/api-keys').set(admin)).status).toBe(200);
  });

  it('answers 413 for a body over 1 MiB and 400 for malformed JSON', async () => {
    const big = JSON.stringify({
      url: 'http://127.0.0.1:9/hook',
      triggers: ['DATA_NEW'],
      padding: 'x'.repeat(2 * 1024 * 1024),
    });
    const tooLarge = await fetch(`${app.url}/v1/webhooks/`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: big,
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({
      error: { code: 'payload_too_large', message: expect.any(String), details: { max_bytes: 1_048_576 } },
    });

    const malformed = await request(app.url)
      .post('/v1/webhooks/')
      .set(admin)
      .set('content-type', 'application/json')
      .send('{"url": "http://127.0.0.1:9/hook", ');
    expectError(malformed, 400, 'invalid_request');
    // Just under the limit is parsed (and then judged by validation).
    const near = await request(app.url)
      .post('/v1/webhooks/')
      .set(admin)
      .send({ url: 'http://127.0.0.1:9/hook', triggers: ['DATA_NEW'], padding: 'x'.repeat(1_000_000) });
    expectError(near, 400, 'invalid_request');
    expect(Object.keys(near.body.error.details.fields)).toEqual(['padding']);
  });

  it('never echoes credentials or webhook secrets in validation errors', async () => {
    const credentials = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(admin)
      .send({
        name: 'x',
        integration_vendor: 'BUILDIUM',
        credentials: { clientId: 'client-id-visible', secret: 'vendor-secret-value', extra: 'another-secret-value' },
      });
    expectError(credentials, 400, 'invalid_request');
    expect(Object.keys(credentials.body.error.details.fields)).toEqual(['credentials.extra']);
    for (const value of ['client-id-visible', 'vendor-secret-value', 'another-secret-value'])
      expect(JSON.stringify(credentials.body)).not.toContain(value);

    const webhook = await request(app.url)
      .post('/v1/webhooks/')
      .set(admin)
      .send({ url: 'http://127.0.0.1:9/hook', triggers: ['DATA_NEW'], secret: 'too-short' });
    expectError(webhook, 400, 'invalid_request');
    expect(Object.keys(webhook.body.error.details.fields)).toEqual(['secret']);
    expect(JSON.stringify(webhook.body)).not.toContain('too-short');
  });
});

describe('encryption key rotation', () => {
  const KEY_A = randomBytes(32).toString('base64');
  const KEY_B = randomBytes(32).toString('base64');
  const KEY_C = randomBytes(32).toString('base64');
  const ORIGINAL_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
  const ROTATED_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
  const SEALED = [
    'integrations.credentials_encrypted',
    'webhooks.secret_encrypted',
    'webhooks.previous_secret_encrypted',
  ];
  let databaseUrl: string;
  let port: number;
  let receiver: WebhookReceiver;
  let app: AppProcess | undefined;
  let integrationId: string;
  const admin = adminKey();

  const start = (name: string, env: Record<string, string>) =>
    startApp({
      name,
      env: {
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        LATCHKEY_API_KEY: admin,
        WEBHOOK_RETRY_SCHEDULE: '1,1,1',
        ...env,
      },
    });

  /** The key id of every sealed value, e.g. {"integrations.credentials_encrypted": ["abc"]}. */
  const sealedKeyIds = () =>
    withClient(databaseUrl, async (db) => {
      const ids: Record<string, string[]> = {};
      for (const where of SEALED) {
        const [table, column] = where.split('.');
        const rows = await db.query(
          `SELECT split_part("${column}", '.', 2) AS key_id FROM "${table}" WHERE "${column}" IS NOT NULL`,
        );
        ids[where] = [...new Set(rows.rows.map((r) => r.key_id as string))];
      }
      return ids;
    });
  const allSealedWith = (keyId: string) => Object.fromEntries(SEALED.map((where) => [where, [keyId]]));

  /** Syncs and waits for the delivery of its SYNC_COMPLETE (or FIRST_SYNC_COMPLETE), checking both signatures. */
  async function syncAndVerifyDelivery(trigger: 'FIRST_SYNC_COMPLETE' | 'SYNC_COMPLETE', url: string): Promise<void> {
    const before = receiver.received.length;
    if (trigger === 'SYNC_COMPLETE') {
      expect(
        (await request(url).post(`/v1/admin/integrations/${integrationId}/manual-sync`).set(bearer(admin)).send({}))
          .status,
      ).toBe(200);
    }
    const delivery = await waitFor(
      async () => receiver.received.slice(before).find((r) => r.json?.trigger === trigger),
      trigger,
      120_000,
      () => pipelineState(databaseUrl),
    );
    expect(delivery.json.data.successful_job_count).toBeGreaterThan(0);
    expect(delivery.json.data.failed_job_count).toBe(0);
    expect(delivery.headers['propexo-signature']).toBe(
      createHmac('sha256', ROTATED_SECRET).update(delivery.body).digest('hex'),
    );
    // The secret from before the webhook's own rotation still signs (Standard Webhooks, grace period): it was in previous_secret_encrypted.
    const signed = `${String(delivery.headers['webhook-id'])}.${String(delivery.headers['webhook-timestamp'])}.${delivery.body}`;
    const original = createHmac('sha256', Buffer.from(ORIGINAL_SECRET.slice('whsec_'.length), 'base64'))
      .update(signed)
      .digest('base64');
    expect(String(delivery.headers['webhook-signature']).split(' ')).toContain(`v1,${original}`);
  }

  const reencryptCli = (env: Record<string, string>) =>
    spawnSync(process.execPath, [path.join(__dirname, '../../dist/platform/runtime/reencrypt.cli.js')], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    port = await freePort();
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('moves every sealed value to the new key without downtime, and keeps syncing and signing throughout', async () => {
    // 1. Key A: an integration with credentials, and a webhook whose secret was rotated once (two sealed secrets).
    app = await start('security-rotation-a', { LATCHKEY_ENCRYPTION_KEY: KEY_A });
    const hook = await request(app.url)
      .post('/v1/webhooks/')
      .set(bearer(admin))
      .send({
        url: receiver.url,
        triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE'],
        active: true,
        secret: ORIGINAL_SECRET,
      });
    expect(hook.status).toBe(200);
    expect(
      (
        await request(app.url)
          .put(`/v1/webhooks/${hook.body.result.id}`)
          .set(bearer(admin))
          .send({ secret: ROTATED_SECRET })
      ).status,
    ).toBe(200);
    const created = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(bearer(admin))
      .send({
        name: 'Rotation',
        integration_vendor: 'BUILDIUM',
        credentials: BUILDIUM_SANDBOX_CREDENTIALS,
        base_url: `${app.url}/sandbox/buildium`,
        max_request_frequency: 100,
        active: true,
      });
    expect(created.status).toBe(200);
    integrationId = created.body.result.id;
    await syncAndVerifyDelivery('FIRST_SYNC_COMPLETE', app.url);
    expect(await sealedKeyIds()).toEqual(allSealedWith(encryptionKeyId(KEY_A)));
    await app.stop();

    // 2. Swap: B seals, A only opens. The worker re-seals everything under B at start.
    app = await start('security-rotation-b', {
      LATCHKEY_ENCRYPTION_KEY: KEY_B,
      LATCHKEY_PREVIOUS_ENCRYPTION_KEYS: KEY_A,
    });
    const target = JSON.stringify(allSealedWith(encryptionKeyId(KEY_B)));
    await waitFor(
      async () => (JSON.stringify(await sealedKeyIds()) === target ? true : undefined),
      're-encryption under key B',
      30_000,
      sealedKeyIds,
    );
    await syncAndVerifyDelivery('SYNC_COMPLETE', app.url);
    const shown = await request(app.url).get(`/v1/webhooks/${hook.body.result.id}`).set(bearer(admin));
    expect(shown.body.results.secret).toBe(ROTATED_SECRET);
    const cli = reencryptCli({ LATCHKEY_ENCRYPTION_KEY: KEY_B, LATCHKEY_PREVIOUS_ENCRYPTION_KEYS: KEY_A });
    expect(cli.stdout).toContain('0 left under older keys');
    expect(cli.status).toBe(0);
    await app.stop();

    // 3. Key A dropped: everything still opens.
    app = await start('security-rotation-b-only', { LATCHKEY_ENCRYPTION_KEY: KEY_B, SYNC_JOB_ATTEMPTS: '1' });
    await syncAndVerifyDelivery('SYNC_COMPLETE', app.url);
  });

  it('a value sealed with a key that is not configured fails with an error naming the key id, never the secret', async () => {
    const foreign = new SecretBox(KEY_C).sealJson(BUILDIUM_SANDBOX_CREDENTIALS);
    await withClient(databaseUrl, (db) =>
      db.query('UPDATE integrations SET credentials_encrypted = $1 WHERE id = $2', [foreign, integrationId]),
    );
    const keyId = encryptionKeyId(KEY_C);

    const cli = reencryptCli({ LATCHKEY_ENCRYPTION_KEY: KEY_B });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(
      `integrations.credentials_encrypted of ${integrationId}: sealed with encryption key ${keyId}, which is not configured`,
    );
    expect(cli.stdout).toContain('1 left under older keys');

    expect(
      (await request(app!.url).post(`/v1/admin/integrations/${integrationId}/manual-sync`).set(bearer(admin)).send({}))
        .status,
    ).toBe(200);
    const errors = await waitFor(
      async () => {
        const rows = (
          await withClient(databaseUrl, (db) => db.query('SELECT error FROM sync_jobs WHERE error IS NOT NULL'))
        ).rows;
        return rows.length > 0 ? rows.map((r) => r.error as string) : undefined;
      },
      'the sync job to fail',
      60_000,
      () => pipelineState(databaseUrl),
    );
    expect(errors.join('\n')).toContain(`sealed with encryption key ${keyId}`);
    const everything = `${cli.stdout}${cli.stderr}${errors.join('\n')}`;
    expect(everything).not.toContain(BUILDIUM_SANDBOX_CREDENTIALS.secret);
  });
});

import { ConfigError, DEFAULT_WEBHOOK_RETRY_SCHEDULE, loadConfig } from '../../src/platform/config/app-config';

describe('loadConfig', () => {
  it('defaults to the embedded mode: all roles, port 3000, sandbox on, loopback allowed', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      role: 'all',
      port: 3000,
      databaseUrl: null,
      redisUrl: null,
      sandbox: true,
      outboundAllowCidrs: ['127.0.0.0/8', '::1/128'],
    });
    expect(config.webhookRetryScheduleSeconds).toEqual(DEFAULT_WEBHOOK_RETRY_SCHEDULE);
  });

  it('with DATABASE_URL: requires the encryption key, turns the sandbox and loopback allowance off', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://h/db' })).toThrow(/LATCHKEY_ENCRYPTION_KEY/);
    const key = Buffer.alloc(32, 1).toString('base64');
    const config = loadConfig(
      { DATABASE_URL: 'postgres://h/db', LATCHKEY_ENCRYPTION_KEY: key, REDIS_URL: 'redis://r:6379' },
      'worker',
    );
    expect(config).toMatchObject({
      role: 'worker',
      sandbox: false,
      outboundAllowCidrs: [],
      redisUrl: 'redis://r:6379',
    });
  });

  it('reads the retry schedule, the allow-list and booleans', () => {
    const config = loadConfig({
      WEBHOOK_RETRY_SCHEDULE: '1, 2,3',
      OUTBOUND_ALLOW_CIDRS: '10.0.0.0/8, fd00::/8',
      SANDBOX: 'false',
    });
    expect(config.webhookRetryScheduleSeconds).toEqual([1, 2, 3]);
    expect(config.outboundAllowCidrs).toEqual(['10.0.0.0/8', 'fd00::/8']);
    expect(config.sandbox).toBe(false);
  });

  it('lists every bad variable without echoing values', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '99999', SANDBOX: 'maybe', OUTBOUND_ALLOW_CIDRS: '10.0.0.0/99', LATCHKEY_API_KEY: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'SANDBOX', 'OUTBOUND_ALLOW_CIDRS', 'LATCHKEY_API_KEY']) expect(message).toContain(name);
    expect(message).not.toContain('maybe');
    expect(message).not.toContain('short');
  });

  it('reads the API limits and previous encryption keys, naming a bad key by position only', () => {
    expect(loadConfig({})).toMatchObject({
      rateLimitPerMinute: 150,
      rateLimitSlowdownMs: 2000,
      maxBodyBytes: 1_048_576,
      previousEncryptionKeys: [],
    });
    const a = Buffer.alloc(32, 1).toString('base64');
    const b = Buffer.alloc(32, 2).toString('base64');
    expect(
      loadConfig({
        RATE_LIMIT_PER_MINUTE: '0',
        RATE_LIMIT_SLOWDOWN_MS: '0',
        MAX_BODY_BYTES: '2048',
        LATCHKEY_PREVIOUS_ENCRYPTION_KEYS: `${a}, ${b}`,
      }),
    ).toMatchObject({
      rateLimitPerMinute: 0,
      rateLimitSlowdownMs: 0,
      maxBodyBytes: 2048,
      previousEncryptionKeys: [a, b],
    });
    let error: unknown;
    try {
      loadConfig({
        RATE_LIMIT_PER_MINUTE: '-1',
        MAX_BODY_BYTES: '1mb',
        LATCHKEY_PREVIOUS_ENCRYPTION_KEYS: `${a},not-a-key-but-a-secret`,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/RATE_LIMIT_PER_MINUTE/);
    expect(message).toMatch(/MAX_BODY_BYTES/);
    expect(message).toMatch(/LATCHKEY_PREVIOUS_ENCRYPTION_KEYS .*entry 2 is not/);
    expect(message).not.toContain('not-a-key-but-a-secret');
  });

  it('reads the events retention: 30 days by default, 0 keeps events forever, a fraction or a negative is refused', () => {
    expect(loadConfig({}).eventRetentionDays).toBe(30);
    expect(loadConfig({ EVENT_RETENTION_DAYS: '7' }).eventRetentionDays).toBe(7);
    expect(loadConfig({ EVENT_RETENTION_DAYS: '0' }).eventRetentionDays).toBe(0);
    expect(() => loadConfig({ EVENT_RETENTION_DAYS: '1.5' })).toThrow(
      /EVENT_RETENTION_DAYS .*must be a whole number of days/,
    );
    expect(() => loadConfig({ EVENT_RETENTION_DAYS: '-1' })).toThrow(/EVENT_RETENTION_DAYS/);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';

const ROOT = path.resolve(__dirname, '../..');
export const OUTPUT_DIR = path.join(ROOT, 'test-output');

export interface AppProcess {
  url: string;
  apiKey: string;
  logFile: string;
  child: ChildProcess;
  /** SIGTERM and wait (graceful). */
  stop(): Promise<void>;
  /** SIGKILL: the process dies mid-flight. */
  kill(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Redis databases the tests use: 1 to this (0 is left alone). */
const REDIS_TEST_DBS = 15;

/**
 * A Redis database of its own for a test file (flushed): files running side by side never share or flush one. Each
 * jest worker (TEST_WORKERS of them, set by global-setup) takes its databases from its own range of them.
 */
export async function testRedisUrl(): Promise<string> {
  const workers = Math.min(REDIS_TEST_DBS, Number(process.env.TEST_WORKERS ?? 1));
  const perWorker = Math.floor(REDIS_TEST_DBS / workers);
  const worker = (Number(process.env.JEST_WORKER_ID ?? 1) - 1) % workers;
  const db = 1 + worker * perWorker + Math.floor(Math.random() * perWorker);
  const url = `${process.env.TEST_REDIS_URL!.replace(/\/\d*$/, '')}/${db}`;
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  await redis.flushdb();
  await redis.quit();
  return url;
}

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** Every app this test file started and that has not exited: what `killStartedApps` cleans up. */
const liveApps = new Set<ChildProcess>();

/**
 * Kills the apps a test file left running. A file whose start-up failed half-way (one of several processes
 * started together) never got the others' handles to stop them; left running, they took jobs from the next
 * file's queue. Runs after every e2e file (test/support/e2e-setup.js).
 */
export async function killStartedApps(): Promise<void> {
  await Promise.all(
    [...liveApps].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/**
 * Starts `node dist/main.js <role>` as a real child process with the given environment and waits until
 * /ready answers 200 (or /health for processes that have no queue yet).
 */
export async function startApp(options: {
  env: Record<string, string | undefined>;
  role?: 'api' | 'worker' | 'all';
  name?: string;
}): Promise<AppProcess> {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const port = Number(options.env.PORT ?? (await freePort()));
  const apiKey = options.env.LATCHKEY_API_KEY ?? `lk_test_${randomBytes(16).toString('hex')}`;
  const logFile = path.join(OUTPUT_DIR, `${options.name ?? 'app'}-${port}.log`);
  const log = fs.openSync(logFile, 'w');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    LATCHKEY_API_KEY: apiKey,
    LATCHKEY_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8,::1/128',
    SANDBOX: 'true',
    LOG_LEVEL: 'info',
    // Tests send many requests with one key; the security tests set a limit of their own ('' = the default).
    RATE_LIMIT_PER_MINUTE: '0',
    ...(Object.fromEntries(Object.entries(options.env).filter(([, v]) => v !== undefined)) as Record<string, string>),
    PORT: String(port),
  };
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/main.js'), options.role ?? 'all'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  liveApps.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => liveApps.delete(child));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `app exited with ${child.exitCode} during start-up; see ${logFile}:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`,
      );
    try {
      const res = await fetch(`${url}/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`app did not become ready; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    apiKey,
    logFile,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * The worker processes of a test file, started one at a time and ended together: `killAll` is a crash (SIGKILL,
 * nothing cleaned up), `stopAll` a shutdown. `env` is read at each start (it names the API's key, known later).
 */
export function workerPool(name: string, env: () => Record<string, string | undefined>) {
  let workers: AppProcess[] = [];
  let started = 0;
  const endAll = async (end: (worker: AppProcess) => Promise<void>) => {
    const ending = workers;
    workers = [];
    await Promise.all(ending.map(end));
  };
  return {
    async start(): Promise<AppProcess> {
      const worker = await startApp({ name: `${name}-${++started}`, role: 'worker', env: env() });
      workers.push(worker);
      return worker;
    },
    killAll: () => endAll((worker) => worker.kill()),
    stopAll: () => endAll((worker) => worker.stop()),
  };
}

/**
 * Polls `probe` until it returns a value (not undefined) or the time runs out; `explain` adds the state
 * that matters to the timeout message (CI logs are all we get).
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
  explain?: () => Promise<unknown>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const state = explain ? `\n${JSON.stringify(await explain().catch((e: Error) => e.message), null, 1)}` : '';
      throw new Error(`timed out waiting for ${what}${state}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

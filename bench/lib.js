// Shared pieces of the benchmarks: a PostgreSQL with default durability, a Buildium sandbox in its own
// process, the real app as a child process, and small helpers. Everything started is stopped by stopAll().
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');
const { Redis } = require('ioredis');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '..');
const children = [];

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const reachable = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a helper process and resolves with the first line it prints; `onLine` gets every later line. */
function startChild(args, env = {}, onLine = undefined) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      resolve(line);
      if (onLine) lines.on('line', onLine);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

/** CPU milliseconds (user + system) a process has used so far; 0 once it is gone. */
function cpuMsOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100); // clock ticks of 10 ms
  } catch {
    return 0;
  }
}

/** CPU milliseconds used so far by each process whose command line matches `pattern`, by pid. */
function cpuMsOfCommands(pattern) {
  const byPid = new Map();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (pattern.test(cmdline)) byPid.set(pid, cpuMsOf(pid));
  }
  return byPid;
}

/**
 * CPU milliseconds used so far by each process a webhook delivery involves, by pid: the app's processes
 * (`appPids`), the PostgreSQL backends connected to `dbName`, Redis, the receiver, and this (the benchmark's)
 * process. `redisPid` and `receiverPid` count only those processes (a private Redis, this run's receiver), not
 * every redis-server and receiver on the machine, which other runs may share.
 */
function deliveryCpuMs(appPids, dbName, { redisPid, receiverPid } = {}) {
  const own = process.cpuUsage();
  const only = (pid) => new Map([[String(pid), cpuMsOf(pid)]]);
  return {
    app: new Map(appPids.map((pid) => [String(pid), cpuMsOf(pid)])),
    postgres: cpuMsOfCommands(new RegExp(`^postgres: \\S+ ${dbName} `)),
    redis: redisPid ? only(redisPid) : cpuMsOfCommands(/^redis-server /),
    receiver: receiverPid ? only(receiverPid) : cpuMsOfCommands(/receiver-server\.js/),
    bench: new Map([[String(process.pid), (own.user + own.system) / 1000]]),
  };
}

/**
 * A redis-server of this run's own on a free port (no persistence), so the Redis CPU it reads is its own and no
 * other run flushes its databases; null when redis-server is not installed.
 */
async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const started = await new Promise((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
  });
  if (!started) return null;
  children.push(child);
  for (let i = 0; !(await reachable(port)); i++) {
    if (i > 100) throw new Error('redis-server did not start');
    await sleep(50);
  }
  return { port, pid: child.pid };
}

/**
 * µs of CPU per item of `count` for each of `parts` between two deliveryCpuMs snapshots, and their total. A
 * process that ended in between (an idle pool connection closed) no longer counts; one that started counts whole.
 */
function cpuPerItem(before, after, count, parts) {
  const used = (part) => [...after[part]].reduce((sum, [pid, ms]) => sum + ms - (before[part].get(pid) ?? 0), 0);
  const each = Object.fromEntries(parts.map((k) => [k, Math.round((used(k) * 1000) / count)]));
  return { ...each, total: parts.reduce((sum, k) => sum + each[k], 0) };
}

/** A V8 CPU profile (`--cpu-prof`) with its nodes by id and each node's parent id. */
function readProfile(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  return { profile, byId: new Map(profile.nodes.map((node) => [node.id, node])), parent };
}

/** Calls `visit(nodeId, µs)` for each busy sample (neither idle nor "program") of a readProfile in [fromUs, toUs]. */
function forEachBusySample({ profile, byId }, fromUs, toUs, visit) {
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t > toUs) return;
    const { functionName } = byId.get(id).callFrame;
    if (functionName !== '(idle)' && functionName !== '(program)') visit(id, delta);
  });
}

async function withClient(url, fn) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let serverUrl;
/** A fresh database on the benchmark PostgreSQL (BENCH_DATABASE_URL, or one started with default settings). */
async function createDatabase() {
  serverUrl ??=
    process.env.BENCH_DATABASE_URL ??
    (await startChild([path.join(ROOT, 'test/support/test-postgres.mjs')], { PG_DURABLE: '1' }));
  const dbName = `latchkey_bench_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (db) => db.query(`CREATE DATABASE ${dbName}`));
  return Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
}

/**
 * The Buildium sandbox with `residents` residents, in its own process. `ledgers` (issue 21): `none` by default, so
 * the sync benchmarks of the first four models keep their data (and figures) of before ledgers existed.
 */
async function startSandbox(residents, { ledgers = 'none' } = {}) {
  const credentials = { clientId: 'bench-client', secret: `bench-${randomBytes(8).toString('hex')}` };
  const startedAt = Date.now();
  const sandbox = JSON.parse(
    await startChild([
      path.join(__dirname, 'sandbox-server.js'),
      String(residents),
      credentials.clientId,
      credentials.secret,
      ledgers,
    ]),
  );
  console.log(`sandbox: ${JSON.stringify(sandbox.counts)} generated in ${Date.now() - startedAt} ms`);
  const control = async (method, route, body) => {
    const res = await fetch(`${sandbox.url}/_control/${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status}`);
    return res.json();
  };
  return { ...sandbox, credentials, control };
}

/**
 * `node dist/main.js all` on `dbUrl`, the queue on Redis when one answers on `redisPort` (default 6379; BENCH_QUEUE overrides).
 * `build` names another compiled tree beside dist/ and `redisDb` another Redis database, so two apps can run side by side;
 * `role` starts another role (a `worker` beside an app: pass that app's LATCHKEY_ENCRYPTION_KEY in `extraEnv`).
 */
async function startApp(
  dbUrl,
  extraEnv = {},
  extraNodeArgs = [],
  { build = 'dist', redisDb = Number(process.env.BENCH_REDIS_DB ?? 15), role = 'all', redisPort = 6379 } = {},
) {
  const queue = process.env.BENCH_QUEUE ?? ((await reachable(redisPort)) ? 'redis' : 'postgres');
  const redisUrl = `redis://127.0.0.1:${redisPort}/${redisDb}`;
  if (queue === 'redis' && role === 'all') {
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    await redis.quit();
  }
  const port = await freePort();
  const apiKey = `lk_bench_${randomBytes(12).toString('hex')}`;
  const encryptionKey = extraEnv.LATCHKEY_ENCRYPTION_KEY ?? randomBytes(32).toString('base64');
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the app.
  const nodeArgs = [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...extraNodeArgs];
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, build, 'main.js'), role], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: dbUrl,
      REDIS_URL: queue === 'redis' ? redisUrl : '',
      LATCHKEY_API_KEY: apiKey,
      LATCHKEY_ENCRYPTION_KEY: encryptionKey,
      OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8',
      SANDBOX: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      ...extraEnv,
    },
  });
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      (await fetch(`${base}/ready`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      break;
    if (i > 600) throw new Error('the app did not become ready');
    await sleep(100);
  }
  const api = async (method, url, body) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  return { child, queue, api, stop, base, apiKey, encryptionKey };
}

/** Polls until the run ends; samples the app's RSS meanwhile. */
async function waitForRun(dbUrl, runId, pid) {
  let peakRss = 0;
  for (;;) {
    if (pid) peakRss = Math.max(peakRss, rssOf(pid).rss);
    const run = await withClient(dbUrl, (db) =>
      db.query(
        'SELECT id, status, started_at, finished_at, successful_job_count, failed_job_count FROM sync_runs WHERE id = $1',
        [runId],
      ),
    ).then((r) => r.rows[0]);
    if (run && run.status !== 'RUNNING' && run.status !== 'QUEUED')
      return { run, peakRss: pid ? Math.max(peakRss, rssOf(pid).hwm) : 0 };
    await sleep(100);
  }
}

async function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await sleep(1500);
}

/**
 * The models the residents benchmarks sync (`models_to_sync`): what their earlier figures measured, without the
 * money and maintenance models (Buildium's ledgers alone are two requests per lease); bench/ledger-first-sync.js
 * measures those.
 */
const CORE_MODELS = ['properties', 'units', 'residents', 'leases'];

module.exports = {
  ROOT,
  CORE_MODELS,
  freePort,
  startChild,
  createDatabase,
  startSandbox,
  startApp,
  startRedis,
  waitForRun,
  withClient,
  rssOf,
  cpuMsOf,
  cpuMsOfCommands,
  deliveryCpuMs,
  cpuPerItem,
  readProfile,
  forEachBusySample,
  sleep,
  stopAll,
};

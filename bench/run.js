// First-sync benchmark (issue 2): a Buildium sandbox with BENCH_RESIDENTS residents (default 100,000) in
// its own process, the real app (`node dist/main.js all`) on a PostgreSQL with default durability, and
// the queue on Redis when one answers on 127.0.0.1:6379 (else PostgreSQL). Measures, in one run:
//   - end-to-end records/s: activation -> the run finished (every record fetched, mapped, written);
//   - the app's peak RSS;
//   - the raw rate of the same rows written by the same `unnest … ON CONFLICT` statement, page by page in
//     transactions, straight from memory, into empty copies of the tables on the same database;
//   - their ratio (target >= 0.5).
// Usage: npm run bench   (env: BENCH_RESIDENTS, BENCH_DATABASE_URL, BENCH_QUEUE=redis|postgres)
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');
const { Redis } = require('ioredis');
const { Client } = require('pg');
const { buildBulkUpsert, toColumnArrays } = require('../dist/cache/bulk-upsert');
const { LINK_SPEC, recordSpec } = require('../dist/cache/cache-specs');

const ROOT = path.resolve(__dirname, '..');
const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 100_000);
const PAGE = 1000;
const children = [];

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const reachable = (port) => new Promise((resolve) => {
  const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
  socket.on('error', () => resolve(false));
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a helper process and resolves with the first line it prints. */
function startChild(args, env = {}) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve(line));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

async function withClient(url, fn) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try { return await fn(client); } finally { await client.end(); }
}

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? (await startChild([path.join(ROOT, 'test/support/test-postgres.mjs')], { PG_DURABLE: '1' }));
  const dbName = `latchkey_bench_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (db) => db.query(`CREATE DATABASE ${dbName}`));
  const dbUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
  const queue = process.env.BENCH_QUEUE ?? ((await reachable(6379)) ? 'redis' : 'postgres');

  const credentials = { clientId: 'bench-client', secret: `bench-${randomBytes(8).toString('hex')}` };
  const generatedAt = Date.now();
  const sandbox = JSON.parse(await startChild([path.join(__dirname, 'sandbox-server.js'), String(RESIDENTS), credentials.clientId, credentials.secret]));
  console.log(`sandbox: ${JSON.stringify(sandbox.counts)} generated in ${Date.now() - generatedAt} ms`);

  if (queue === 'redis') {
    const redis = new Redis('redis://127.0.0.1:6379/15');
    await redis.flushdb();
    await redis.quit();
  }
  const port = await freePort();
  const apiKey = `lk_bench_${randomBytes(12).toString('hex')}`;
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the app.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const app = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist/main.js'), 'all'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      PATH: process.env.PATH, PORT: String(port), DATABASE_URL: dbUrl, REDIS_URL: queue === 'redis' ? 'redis://127.0.0.1:6379/15' : '',
      LATCHKEY_API_KEY: apiKey, LATCHKEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8', SANDBOX: 'false', LOG_LEVEL: 'warn',
    },
  });
  children.push(app);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/ready`).then((r) => r.status, () => 0)) === 200) break;
    if (i > 600) throw new Error('the app did not become ready');
    await sleep(100);
  }
  const api = async (method, url, body) => {
    const res = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const { result: integration } = await api('POST', '/v1/admin/integrations/', { name: 'bench', integration_vendor: 'BUILDIUM', credentials, base_url: sandbox.url });

  const baseline = rssOf(app.pid).rss;
  let peakRss = baseline;
  await api('PUT', `/v1/admin/integrations/${integration.id}/`, { active: true });
  let run;
  for (;;) {
    peakRss = Math.max(peakRss, rssOf(app.pid).rss);
    run = await withClient(dbUrl, (db) => db.query(`SELECT status, started_at, finished_at FROM sync_runs WHERE integration_id = $1`, [integration.id])).then((r) => r.rows[0]);
    if (run && run.status !== 'RUNNING') break;
    await sleep(200);
  }
  peakRss = Math.max(peakRss, rssOf(app.pid).hwm);
  const seconds = (run.finished_at - run.started_at) / 1000;
  const tables = ['properties', 'units', 'residents', 'leases'];
  const counts = await withClient(dbUrl, async (db) => {
    const result = {};
    for (const t of [...tables, 'residents_to_leases', 'quarantined_records']) result[t] = Number((await db.query(`SELECT count(*) FROM ${t}`)).rows[0].count);
    return result;
  });
  const records = tables.reduce((n, t) => n + counts[t], 0);
  app.kill('SIGTERM');
  await new Promise((resolve) => app.once('exit', resolve));

  // The raw baseline: the same rows, the same statement shape, the same page size, empty copies of the tables.
  const raw = await withClient(dbUrl, async (db) => {
    await db.query('CREATE SCHEMA bench_raw');
    const specs = [...tables.map((t) => recordSpec(t)), LINK_SPEC];
    const work = [];
    for (const spec of specs) {
      await db.query(`CREATE TABLE bench_raw."${spec.table}" (LIKE public."${spec.table}" INCLUDING ALL)`);
      const rows = (await db.query(`SELECT * FROM public."${spec.table}" ORDER BY id`)).rows;
      const sample = rows[0];
      const constants = spec.constants.map((c) => sample[c]);
      for (let i = 0; i < rows.length; i += PAGE) work.push({ sql: buildBulkUpsert(spec), params: [...toColumnArrays(spec, rows.slice(i, i + PAGE)), ...constants, new Date()] });
    }
    await db.query('SET search_path TO bench_raw');
    const started = process.hrtime.bigint();
    for (const { sql, params } of work) {
      await db.query('BEGIN');
      await db.query(sql, params);
      await db.query('COMMIT');
    }
    return Number(process.hrtime.bigint() - started) / 1e9;
  });

  const endToEnd = records / seconds;
  const rawRate = records / raw;
  const result = {
    residents: RESIDENTS, queue, records, counts, end_to_end_seconds: +seconds.toFixed(2), end_to_end_records_per_s: Math.round(endToEnd),
    raw_upsert_seconds: +raw.toFixed(2), raw_upsert_records_per_s: Math.round(rawRate), ratio: +(endToEnd / rawRate).toFixed(2),
    app_peak_rss_mb: Math.round(peakRss / 2 ** 20), app_idle_rss_mb: Math.round(baseline / 2 ** 20), run_status: run.status,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`| first sync, ${RESIDENTS} residents (${queue} queue) | ${result.end_to_end_records_per_s} records/s end to end (${records} records in ${result.end_to_end_seconds} s) | raw unnest upsert ${result.raw_upsert_records_per_s} records/s | ratio ${result.ratio} | peak RSS ${result.app_peak_rss_mb} MB (idle ${result.app_idle_rss_mb} MB) |`);
  if (run.status !== 'SUCCEEDED' || counts.residents !== RESIDENTS) throw new Error(`the sync did not complete: ${run.status}, ${counts.residents} residents`);
}

main()
  .catch((error) => { console.error(error); process.exitCode = 1; })
  .finally(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await sleep(1500);
    process.exit();
  });

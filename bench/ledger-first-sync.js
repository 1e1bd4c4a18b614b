// Resident ledger first sync (issue 21): a Buildium sandbox with BENCH_LEDGER_RESIDENTS residents (default 100,000)
// and a year of monthly charges and payments on every begun lease (`every-lease` ledgers, generated on request:
// about 25 money records per resident), in its own process; the real app (`all`) on a PostgreSQL with default
// durability syncs everything the Buildium adapter reads. Measures, in one run:
//   - money records/s: resident_charges + resident_payments rows / (the run's end - activation);
//   - the ceiling: the same rows written by the same `unnest … ON CONFLICT` statement the cache writer uses, 1,000
//     rows per transaction, from memory, into empty copies of the two tables on the same database (rows are read
//     back in chunks; only the upserts are timed), in the pages the sync wrote (BENCH_CEILING_ORDER=id: sorted by id,
//     as before 2026-12-06);
//   - their ratio (target >= 0.5), peak RSS of the app's processes (/proc, sampled; target <= 512 MB), CPU per
//     money record of each side from /proc (ours: the app, its PostgreSQL backends, Redis, the sandbox; the
//     ceiling: this process and its PostgreSQL backend), and the cores each side kept busy.
// BENCH_LEDGER_PROFILE=1 profiles the app (--cpu-prof) and prints the top self-time frames of the run; BENCH_KEEP_PROFILE=<file>
// keeps the profile. BENCH_LEDGER_WORKERS=N adds N worker processes (their CPU and RSS counted as the app's).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildBulkUpsert, toColumnArrays } = require('../dist/store/cache/bulk-upsert');
const { recordSpec } = require('../dist/store/cache/cache-specs');
const {
  ceilingOrder,
  cpuMsOf,
  cpuMsOfCommands,
  createDatabase,
  processTree,
  sleep,
  startApp,
  startFirstSync,
  startSandbox,
  topFrames,
  withClient,
} = require('./lib');

const PAGE = 1000;
/** Rows read back per chunk for the ceiling (the upserts of a chunk are timed, not its read). */
const CHUNK = 50 * PAGE;
const MONEY = ['resident_charges', 'resident_payments'];
const OTHERS = ['properties', 'units', 'residents', 'leases', 'residents_to_leases', 'service_requests'];

/** Resident set of the processes, summed (bytes); 0 for one that is gone. */
function rssOfAll(pids) {
  let sum = 0;
  for (const pid of pids) {
    try {
      sum += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

/**
 * CPU ms so far of each process of our side of the sync, by part and pid: only this run's (the machine is shared:
 * its database's backends, the Redis on 6379 the app uses, the sandbox started with this run's secret).
 */
function syncCpu(appPids, dbName, sandboxSecret) {
  return {
    app: new Map(appPids().map((pid) => [String(pid), cpuMsOf(pid)])),
    postgres: cpuMsOfCommands(new RegExp(`^postgres: \\S+ ${dbName} `)),
    redis: cpuMsOfCommands(/^redis-server \S*:6379\b/),
    sandbox: cpuMsOfCommands(new RegExp(`sandbox-server\\.js .*${sandboxSecret}`)),
  };
}
/** `seen` with the latest CPU ms of every process of `snapshot`: a process that ends later keeps its last reading. */
function keepLatest(seen, snapshot) {
  for (const [part, byPid] of Object.entries(snapshot)) {
    const kept = (seen[part] ??= new Map());
    for (const [pid, ms] of byPid) kept.set(pid, Math.max(ms, kept.get(pid) ?? 0));
  }
  return seen;
}
const usedMs = (before, after, part) =>
  [...after[part]].reduce((sum, [pid, ms]) => sum + ms - (before[part].get(pid) ?? 0), 0);

/**
 * The ceiling: every row of the money tables, upserted again by the cache writer's statement, a page per
 * transaction, into empty copies of the tables (bench_raw), in `order` (bench/lib's ceilingOrder); rows are read back
 * a chunk at a time (untimed).
 */
async function rawCeiling(dbUrl, order) {
  return withClient(dbUrl, async (db) => {
    const backend = (await db.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await db.query('CREATE SCHEMA bench_raw');
    // Rows are read back a chunk at a time in the ceiling's order, by keyset on its columns, indexed for that.
    const keys = order.columns.map((c) => `"${c}"`).join(', ');
    for (const table of MONEY) await db.query(`CREATE INDEX ON public."${table}" (${keys})`);
    await db.query('CHECKPOINT'); // as before ours: neither side pays for the other's dirty pages
    let seconds = 0;
    let rows = 0;
    let benchCpuMs = 0;
    let postgresCpuMs = 0;
    for (const table of MONEY) {
      const spec = recordSpec(table);
      const sql = buildBulkUpsert(spec);
      await db.query(`CREATE TABLE bench_raw."${table}" (LIKE public."${table}" INCLUDING ALL)`);
      for (let after = null; ;) {
        const chunk = (
          await db.query(
            `SELECT * FROM public."${table}" ${after ? `WHERE (${keys}) > (${after.map((_, i) => `$${i + 1}`).join(', ')})` : ''} ORDER BY ${keys} LIMIT ${CHUNK}`,
            after ?? [],
          )
        ).rows;
        if (chunk.length === 0) break;
        after = order.columns.map((c) => chunk[chunk.length - 1][c]);
        const constants = spec.constants.map((c) => chunk[0][c]);
        await db.query('SET search_path TO bench_raw');
        const own = process.cpuUsage();
        const pgBefore = cpuMsOf(backend);
        const started = process.hrtime.bigint();
        for (let i = 0; i < chunk.length; i += PAGE) {
          await db.query('BEGIN');
          await db.query(sql, [...toColumnArrays(spec, chunk.slice(i, i + PAGE)), ...constants, new Date()]);
          await db.query('COMMIT');
        }
        seconds += Number(process.hrtime.bigint() - started) / 1e9;
        const used = process.cpuUsage(own);
        benchCpuMs += (used.user + used.system) / 1000;
        postgresCpuMs += cpuMsOf(backend) - pgBefore;
        rows += chunk.length;
        await db.query('SET search_path TO public');
      }
    }
    return { seconds, rows, benchCpuMs, postgresCpuMs };
  });
}

async function ledgerFirstSync() {
  const residents = Number(process.env.BENCH_LEDGER_RESIDENTS ?? 100_000);
  const jobConcurrency = Number(process.env.BENCH_JOB_CONCURRENCY ?? 4);
  const dbUrl = await createDatabase();
  const dbName = new URL(dbUrl).pathname.slice(1);
  const sandbox = await startSandbox(residents, { ledgers: 'every-lease' });
  const profileDir = process.env.BENCH_LEDGER_PROFILE
    ? fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-prof-ledger-'))
    : undefined;
  const app = await startApp(dbUrl, {}, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  // BENCH_LEDGER_WORKERS=N adds N `worker` processes beside the `all` one (production's scale-out, on one machine).
  const workers = [];
  for (let i = 0; i < Number(process.env.BENCH_LEDGER_WORKERS ?? 0); i++)
    workers.push(
      await startApp(dbUrl, { LATCHKEY_ENCRYPTION_KEY: app.encryptionKey, LATCHKEY_API_KEY: app.apiKey }, [], {
        role: 'worker',
      }),
    );
  const appPids = () => [app, ...workers].flatMap((p) => processTree(p.child.pid));
  const { result: integration } = await app.api('POST', '/v1/admin/integrations/', {
    name: 'bench ledgers',
    integration_vendor: 'BUILDIUM',
    credentials: sandbox.credentials,
    base_url: sandbox.url,
    max_request_frequency: 100_000,
    max_job_concurrency: jobConcurrency,
  });
  // Each side starts from a checkpoint: without one, the ceiling (run second) paid for writing out our sync's dirty pages.
  await withClient(dbUrl, (db) => db.query('CHECKPOINT'));
  const idleRss = rssOfAll(appPids());

  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const cpuBefore = syncCpu(appPids, dbName, sandbox.credentials.secret);
  const wallStarted = Date.now();
  const runId = await startFirstSync(app, dbUrl, integration.id);
  let peakRss = idleRss;
  let run;
  // Pool connections (PostgreSQL backends) come and go during a long run: each is read every second, and counted
  // up to its last reading.
  const cpuSeen = keepLatest({}, cpuBefore);
  for (let polls = 0; ; polls++) {
    peakRss = Math.max(peakRss, rssOfAll(appPids()));
    // Every 100 ms for the RSS; the run's row and the CPU readings every second.
    if (polls % 10 === 0) {
      keepLatest(cpuSeen, syncCpu(appPids, dbName, sandbox.credentials.secret));
      run = await withClient(dbUrl, (db) =>
        db.query('SELECT status, started_at, finished_at, failed_job_count FROM sync_runs WHERE id = $1', [runId]),
      ).then((r) => r.rows[0]);
      if (run.status !== 'RUNNING' && run.status !== 'QUEUED') break;
    }
    await sleep(100);
  }
  const cpuAfter = keepLatest(cpuSeen, syncCpu(appPids, dbName, sandbox.credentials.secret));
  const wallSeconds = (Date.now() - wallStarted) / 1000;
  const toUs = Number(process.hrtime.bigint() / 1000n);

  const counts = await withClient(dbUrl, async (db) => {
    const result = {};
    for (const t of [...MONEY, ...OTHERS, 'quarantined_records'])
      result[t] = Number((await db.query(`SELECT count(*) FROM ${t}`)).rows[0].count);
    return result;
  });
  // Σ charges − Σ payments in Latchkey against the sandbox's balances (issue 21's identity), for the record.
  const [latchkeyBalance, sandboxBalances] = await Promise.all([
    withClient(dbUrl, (db) =>
      db.query(
        `SELECT (SELECT coalesce(sum(amount_in_cents), 0) FROM resident_charges)
              - (SELECT coalesce(sum(amount_in_cents), 0) FROM resident_payments) AS balance`,
      ),
    ).then((r) => Number(r.rows[0].balance)),
    sandbox.control('GET', 'ledgers/balances'),
  ]);
  const sandboxBalance = Object.values(sandboxBalances.leases).reduce((sum, l) => sum + l.balance_in_cents, 0);
  const timeline = await withClient(dbUrl, (db) =>
    db.query(
      `SELECT model, round(extract(epoch FROM started_at - $2::timestamptz)::numeric, 1) AS started_s,
              round(extract(epoch FROM finished_at - $2::timestamptz)::numeric, 1) AS finished_s
         FROM sync_jobs WHERE run_id = $1 ORDER BY started_at`,
      [runId, run.started_at],
    ),
  ).then((r) => r.rows.map((j) => `${j.model} ${j.started_s}–${j.finished_s} s`));
  await Promise.all([app, ...workers].map((p) => p.stop()));

  const money = counts.resident_charges + counts.resident_payments;
  const allRecords = money + OTHERS.reduce((n, t) => n + counts[t], 0);
  const seconds = (run.finished_at - run.started_at) / 1000;
  const order = ceilingOrder();
  const raw = await rawCeiling(dbUrl, order);
  const perRecord = (ms) => Math.round((ms * 1000) / money);
  const ours = Object.fromEntries(
    ['app', 'postgres', 'redis', 'sandbox'].map((part) => [part, usedMs(cpuBefore, cpuAfter, part)]),
  );
  const oursLatchkeyMs = ours.app + ours.postgres + ours.redis;
  const rate = money / seconds;
  const rawRate = raw.rows / raw.seconds;
  const result = {
    residents,
    queue: app.queue,
    max_job_concurrency: jobConcurrency,
    run_status: run.status,
    failed_jobs: run.failed_job_count,
    counts,
    money_records: money,
    first_sync_seconds: +seconds.toFixed(2),
    money_records_per_s: Math.round(rate),
    all_records_per_s: Math.round(allRecords / seconds),
    raw_upsert_rows: raw.rows,
    raw_upsert_seconds: +raw.seconds.toFixed(2),
    raw_upsert_records_per_s: Math.round(rawRate),
    raw_upsert_order: order.name,
    ratio: +(rate / rawRate).toFixed(2),
    app_peak_rss_mb: Math.round(peakRss / 2 ** 20),
    app_idle_rss_mb: Math.round(idleRss / 2 ** 20),
    cpu_us_per_money_record: {
      ours: Object.fromEntries(Object.entries(ours).map(([k, ms]) => [k, perRecord(ms)])),
      ours_without_sandbox: perRecord(oursLatchkeyMs),
      ceiling: { bench: perRecord(raw.benchCpuMs), postgres: perRecord(raw.postgresCpuMs) },
      ceiling_total: perRecord(raw.benchCpuMs + raw.postgresCpuMs),
    },
    cores_used: {
      ours_without_sandbox: +(oursLatchkeyMs / 1000 / wallSeconds).toFixed(2),
      sandbox: +(ours.sandbox / 1000 / wallSeconds).toFixed(2),
      ceiling: +((raw.benchCpuMs + raw.postgresCpuMs) / 1000 / raw.seconds).toFixed(2),
    },
    job_timeline: timeline,
    balance_identity: { latchkey_cents: latchkeyBalance, sandbox_cents: sandboxBalance },
    load_average: os.loadavg().map((l) => +l.toFixed(1)),
  };
  if (profileDir) {
    const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) result.profile = topFrames(path.join(profileDir, file), fromUs, toUs);
    if (file && process.env.BENCH_KEEP_PROFILE)
      fs.copyFileSync(path.join(profileDir, file), process.env.BENCH_KEEP_PROFILE);
    fs.rmSync(profileDir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result, null, 2));
  const c = result.cpu_us_per_money_record;
  console.log(
    `| ${residents.toLocaleString('en-US')} residents (${app.queue}, max_job_concurrency ${jobConcurrency}) | ${result.money_records_per_s.toLocaleString('en-US')} money records/s (${money.toLocaleString('en-US')} in ${result.first_sync_seconds} s; all ${allRecords.toLocaleString('en-US')} records ${result.all_records_per_s.toLocaleString('en-US')}/s) | ${result.raw_upsert_records_per_s.toLocaleString('en-US')} rows/s (${order.name} order) | **${result.ratio}** | ${result.app_peak_rss_mb} MB (idle ${result.app_idle_rss_mb}) | ours ${c.ours_without_sandbox} µs (app ${c.ours.app}, PostgreSQL ${c.ours.postgres}, Redis ${c.ours.redis}; sandbox ${c.ours.sandbox}) · ceiling ${c.ceiling_total} µs (bench ${c.ceiling.bench}, PostgreSQL ${c.ceiling.postgres}) | ours ${result.cores_used.ours_without_sandbox} (+ sandbox ${result.cores_used.sandbox}) · ceiling ${result.cores_used.ceiling} |`,
  );
  if (run.status !== 'SUCCEEDED' || money === 0)
    throw new Error(`the sync did not complete: ${run.status}, ${money} money records`);
}

module.exports = { ledgerFirstSync, rawCeiling };

// Writes to the PMS (issue 20): `POST /v1/residents/` against the Buildium sandbox, which runs in its own process
// and prints each request's arrival on the machine's monotonic clock (bench/write-sandbox-server.js). In one run:
//   (a) latency, budget free: BENCH_WRITES_SEQUENTIAL writes (default 300) one after the other, each from its
//       `POST /v1/residents/` answer received to its vendor POST arriving at the sandbox, p50 / p99 (target
//       p99 ≤ 50 ms); CPU µs per write (/proc) of ours (the app's processes, its PostgreSQL backends, Redis), of
//       the sandbox apart, and of the floor's raw requests (this process; their sandbox apart), and the cores used;
//   (b) budget share: the integration's budget set to BENCH_WRITES_BUDGET requests a minute (default 600),
//       BENCH_WRITES_QUEUED writes (default 1,000) queued at once; the writes' share of the budget's slots from
//       the first write's arrival to the last (target ≥ 0.95);
//   (c) ahead of sync: a sync started first, then BENCH_WRITES_WITH_SYNC writes (default 300) under the same
//       budget; the sync's GETs and the writes' POSTs arriving in the writes' window (the sync should yield:
//       target met when none arrives).
const { randomBytes } = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const {
  appSides,
  bySide,
  CORE_MODELS,
  cpuCells,
  cpuFigures,
  cpuMeter,
  cpuOf,
  createDatabase,
  printTargets,
  sleep,
  startApp,
  startChildProcess,
  target,
  targetCell,
  waitForRun,
  withClient,
} = require('./lib');

const CREATE_PATH = '/v1/leases/tenants';

/** The sandbox process, and every request it received, in arrival order. */
async function startArrivalSandbox(residents) {
  const credentials = { clientId: 'bench-writes', secret: `bench-${randomBytes(8).toString('hex')}` };
  const arrivals = [];
  let waiters = [];
  const onLine = (line) => {
    const [ns, epochMs, method, route] = line.split(' ');
    arrivals.push({ ns: BigInt(ns), epochMs: Number(epochMs), method, route });
    const ready = waiters.filter((w) => w.test());
    waiters = waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  };
  const startedAt = Date.now();
  const { child, line } = await startChildProcess(
    [path.join(__dirname, 'write-sandbox-server.js'), String(residents), credentials.clientId, credentials.secret],
    {},
    onLine,
  );
  const { url } = JSON.parse(line);
  console.log(`sandbox: ${residents} residents generated in ${Date.now() - startedAt} ms`);
  /** Resolves once `test()` holds, checked at each arrival. */
  const until = (test) => (test() ? Promise.resolve() : new Promise((resolve) => waiters.push({ test, resolve })));
  return { url, credentials, arrivals, until, pid: child.pid };
}

const isWrite = (a) => a.method === 'POST' && a.route === CREATE_PATH;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (ns) => Number(ns) / 1e6;

async function writes() {
  const residents = Number(process.env.BENCH_WRITES_RESIDENTS ?? 20_000);
  const sequential = Number(process.env.BENCH_WRITES_SEQUENTIAL ?? 300);
  const budget = Number(process.env.BENCH_WRITES_BUDGET ?? 600);
  const queued = Number(process.env.BENCH_WRITES_QUEUED ?? 1000);
  const withSync = Number(process.env.BENCH_WRITES_WITH_SYNC ?? 300);

  const sandbox = await startArrivalSandbox(residents);
  const dbUrl = await createDatabase();
  const dbName = new URL(dbUrl).pathname.slice(1);
  const app = await startApp(dbUrl);
  const { result: integration } = await app.api('POST', '/v1/admin/integrations/', {
    name: 'bench writes',
    integration_vendor: 'BUILDIUM',
    credentials: sandbox.credentials,
    base_url: sandbox.url,
    active: true,
    max_job_concurrency: 4,
    max_request_frequency: 100_000,
    max_request_cadence: 'SECOND',
    models_to_sync: CORE_MODELS,
  });
  const latestRun = () =>
    withClient(dbUrl, (db) =>
      db.query('SELECT id FROM sync_runs WHERE integration_id = $1 ORDER BY started_at DESC LIMIT 1', [integration.id]),
    ).then((r) => r.rows[0].id);
  const firstSync = (await waitForRun(dbUrl, await latestRun())).run;
  console.log(`first sync: ${firstSync.status} in ${(firstSync.finished_at - firstSync.started_at) / 1000} s`);
  const { results: leases } = await app.api('GET', `/v1/leases?integration_id=${integration.id}&limit=100`);
  let written = 0;
  const create = () => {
    const n = written++;
    return app.api('POST', '/v1/residents/', {
      integration_id: integration.id,
      lease_id: leases[n % leases.length].id,
      first_name: 'Bench',
      last_name: `Write-${n}`,
      address_1: `${n} Benchmark Road`,
      country: 'US',
    });
  };
  const writesArrived = () => sandbox.arrivals.filter(isWrite).length;
  const allEnded = async () => {
    for (;;) {
      const { rows } = await withClient(dbUrl, (db) =>
        db.query(`SELECT count(*) FILTER (WHERE "status" IN ('PENDING', 'RUNNING'))::int AS open,
                         count(*) FILTER (WHERE "status" <> 'SUCCESS' AND "status" <> 'PENDING' AND "status" <> 'RUNNING')::int AS failed
                  FROM "write_jobs"`),
      );
      if (rows[0].open === 0) return rows[0].failed;
      await sleep(100);
    }
  };

  // (a) One write at a time, budget free: answer received → arrival at the sandbox. The first writes after the
  // first sync warm up (their times are printed, not counted).
  const warmUp = [];
  for (let i = 0; i < 20; i++) {
    const arrived = writesArrived();
    await create();
    const answeredNs = process.hrtime.bigint();
    await sandbox.until(() => writesArrived() > arrived);
    warmUp.push(+ms(sandbox.arrivals.filter(isWrite)[arrived].ns - answeredNs).toFixed(1));
  }
  console.log(`warm-up writes, answer → arrival (ms): ${warmUp.join(' ')}`);
  await allEnded();
  const oursMeter = cpuMeter(appSides(app.child.pid, [dbName], sandbox.pid));
  const fromAnswer = [];
  const fromSend = [];
  const timed = []; // [job id, its arrival]
  for (let i = 0; i < sequential; i++) {
    const arrived = writesArrived();
    const sentNs = process.hrtime.bigint();
    const { job_id: jobId } = await create();
    const answeredNs = process.hrtime.bigint();
    await sandbox.until(() => writesArrived() > arrived);
    const arrival = sandbox.arrivals.filter(isWrite)[arrived];
    fromAnswer.push(ms(arrival.ns - answeredNs));
    fromSend.push(ms(arrival.ns - sentNs));
    timed.push([jobId, arrival]);
  }
  const failedA = await allEnded();
  const oursCpu = oursMeter.stop();
  // Where the time goes, by the job's own timestamps: accepted (row inserted) → claimed by a worker → marked
  // sent (just before the budget claim and the request) → arrival at the sandbox.
  const stamps = await withClient(dbUrl, (db) =>
    db.query(
      `SELECT "id", extract(epoch FROM "created_at") * 1000 AS created, extract(epoch FROM "started_at") * 1000 AS started,
              extract(epoch FROM "sent_at") * 1000 AS sent FROM "write_jobs" WHERE "id" = ANY($1)`,
      [timed.map(([id]) => id)],
    ),
  ).then((r) => new Map(r.rows.map((row) => [row.id, row])));
  const stage = (fn) => {
    const values = timed.map(([id, arrival]) => fn(stamps.get(id), arrival)).sort((a, b) => a - b);
    return { p50: +percentile(values, 50).toFixed(1), p99: +percentile(values, 99).toFixed(1) };
  };
  const stages = {
    accepted_to_claimed: stage((j) => j.started - j.created),
    claimed_to_marked_sent: stage((j) => j.sent - j.started),
    marked_sent_to_arrival: stage((j, a) => a.epochMs - j.sent),
  };
  // The floor, in the same run: a request from this process straight to the sandbox, sent → arrival.
  const raw = [];
  // Both processes outlive the loop: read at its two ends only (a reading between would cost this process CPU).
  const floorMeter = cpuMeter(
    { floor: { bench: cpuOf.own() }, 'floor sandbox': { sandbox: cpuOf.pid(sandbox.pid) } },
    { everyMs: 0 },
  );
  const headers = {
    'x-buildium-client-id': sandbox.credentials.clientId,
    'x-buildium-client-secret': sandbox.credentials.secret,
  };
  for (let i = 0; i < sequential; i++) {
    const arrived = sandbox.arrivals.length;
    const sentNs = process.hrtime.bigint();
    await fetch(`${sandbox.url}/v1/rentals?limit=1`, { headers }).then((r) => r.arrayBuffer());
    await sandbox.until(() => sandbox.arrivals.length > arrived);
    raw.push(ms(sandbox.arrivals[arrived].ns - sentNs));
  }
  const floorCpu = floorMeter.stop();
  raw.sort((a, b) => a - b);
  const cpuFigure = { ...cpuFigures(oursCpu, sequential), ...cpuFigures(floorCpu, sequential) };
  const cpu = bySide(cpuFigure, 'cpu_per_unit');
  fromAnswer.sort((a, b) => a - b);
  fromSend.sort((a, b) => a - b);
  const latency = {
    writes: sequential,
    failed: failedA,
    answer_to_arrival_ms: {
      p50: +percentile(fromAnswer, 50).toFixed(1),
      p99: +percentile(fromAnswer, 99).toFixed(1),
      max: +fromAnswer[fromAnswer.length - 1].toFixed(1),
    },
    request_sent_to_arrival_ms: {
      p50: +percentile(fromSend, 50).toFixed(1),
      p99: +percentile(fromSend, 99).toFixed(1),
    },
    raw_request_sent_to_arrival_ms: { p50: +percentile(raw, 50).toFixed(1), p99: +percentile(raw, 99).toFixed(1) },
    stages_ms: stages,
    cpu_us_per_write: cpu,
    cores_used: bySide(cpuFigure, 'cores'),
  };
  console.log(JSON.stringify({ latency }));

  // (b) and (c): the integration's budget binds.
  await app.api('PUT', `/v1/admin/integrations/${integration.id}/`, {
    max_request_frequency: budget,
    max_request_cadence: 'MINUTE',
  });
  const intervalMs = 60_000 / budget;
  /** Queues `count` writes (20 requests to the API at a time) and waits until each reached the sandbox and ended. */
  const burst = async (count) => {
    const first = writesArrived();
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < count) {
          next++;
          await create();
        }
      }),
    );
    await sandbox.until(() => writesArrived() >= first + count);
    const failed = await allEnded();
    const window = sandbox.arrivals.filter(isWrite).slice(first);
    const from = window[0].ns;
    const to = window[window.length - 1].ns;
    const seconds = ms(to - from) / 1000;
    const slots = Math.floor(ms(to - from) / intervalMs) + 1;
    const inWindow = sandbox.arrivals.filter((a) => a.ns >= from && a.ns <= to);
    return {
      writes: count,
      failed,
      window_s: +seconds.toFixed(1),
      budget_slots_in_window: slots,
      budget_share: +(count / slots).toFixed(3),
      write_posts_in_window: inWindow.filter(isWrite).length,
      sync_gets_in_window: inWindow.filter((a) => a.method === 'GET').length,
    };
  };
  const share = await burst(queued);
  console.log(JSON.stringify({ budget_per_minute: budget, share }));

  const { result: manual } = await app.api('POST', `/v1/admin/integrations/${integration.id}/manual-sync`, {});
  const syncFrom = sandbox.arrivals.length;
  await sandbox.until(() => sandbox.arrivals.slice(syncFrom).some((a) => a.method === 'GET'));
  const ahead = await burst(withSync);
  const { run } = await waitForRun(dbUrl, manual.sync_id);
  const syncGets = sandbox.arrivals.slice(syncFrom).filter((a) => a.method === 'GET').length;
  const withSyncResult = { ...ahead, sync_status: run.status, sync_gets_total: syncGets };
  console.log(JSON.stringify({ budget_per_minute: budget, with_sync: withSyncResult }));
  await app.stop();

  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const targets = [
    target('issue 20 (a): answer → vendor arrival p99 (ms)', latency.answer_to_arrival_ms.p99, '≤', 50),
    target("issue 20 (b): the writes' share of the budget's slots", share.budget_share, '≥', 0.95),
    target("issue 20 (c): sync GETs in the writes' window", ahead.sync_gets_in_window, '=', 0),
  ];
  printTargets(targets);
  console.log(`\n| writes (Buildium sandbox, ${app.queue} queue, load average ${load}) | result | target |`);
  console.log(`|---|---|---|`);
  console.log(
    `| (a) answer → vendor arrival, ${sequential} sequential writes, budget free | p50 ${latency.answer_to_arrival_ms.p50} ms, p99 ${latency.answer_to_arrival_ms.p99} ms (request sent → arrival p50 ${latency.request_sent_to_arrival_ms.p50} ms, p99 ${latency.request_sent_to_arrival_ms.p99} ms; a raw request from the benchmark p50 ${latency.raw_request_sent_to_arrival_ms.p50} ms, p99 ${latency.raw_request_sent_to_arrival_ms.p99} ms) | p99 ${targetCell(targets[0], ' ms')} |`,
  );
  const cells = cpuCells(cpuFigure);
  console.log(`| (a) CPU per write (the floor: per raw request) | ${cells.perUnit} | |`);
  console.log(`| (a) cores used | ${cells.cores} | |`);
  console.log(
    `| (b) ${queued} writes queued, budget ${budget}/min | ${share.budget_share} of the budget's slots (${share.writes} writes in ${share.window_s} s, ${share.budget_slots_in_window} slots) | ${targetCell(targets[1])} |`,
  );
  console.log(
    `| (c) ${withSync} writes during a sync, budget ${budget}/min | ${ahead.write_posts_in_window} write POSTs and ${ahead.sync_gets_in_window} sync GETs in the writes' ${ahead.window_s} s (share ${ahead.budget_share}); the sync then ${run.status} with ${syncGets} GETs | sync GETs yield: ${targetCell(targets[2])} |`,
  );
  if (failedA || share.failed || ahead.failed) throw new Error('some writes did not succeed');
}

module.exports = { writes };

// Connect benchmark (issue 8): BENCH_RESIDENTS residents (default 20,000, with their leases, units and
// properties) synced into the cache, then one full-refresh connection run of every stream into a second
// database on the same server. Measures, in one run:
//   - the connection run's rows/s (run start to end: schema discovery, keyset reads of the cache, the
//     presenter, COPY into staging tables, the swaps);
//   - the ceiling: the same rows (as the run wrote them) loaded by one raw `COPY … FROM STDIN` per table
//     into empty tables of the same shape in the same destination database;
//   - their ratio (no target was set);
//   - CPU per row of each side by part, from /proc (ours: the app's processes, the PostgreSQL backends of both
//     databases, Redis; the ceiling: this process and its backend), the cores each kept busy, and the best ratio
//     the machine's cores allow ours (every core busy at its CPU per row).
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { from: copyFrom, to: copyTo } = require('pg-copy-streams');
const {
  appSides,
  bySide,
  ceilingSide,
  CORE_MODELS,
  cpuCells,
  cpuFigures,
  cpuMeter,
  createDatabase,
  ratioBoundAllCoresBusy,
  sleep,
  startApp,
  startSandbox,
  waitForRun,
  withClient,
} = require('./lib');

const STREAMS = ['properties', 'units', 'residents', 'leases'];

async function connect() {
  const residents = Number(process.env.BENCH_RESIDENTS ?? 20_000);
  const dbUrl = await createDatabase();
  const destinationUrl = await createDatabase();
  const sandbox = await startSandbox(residents);
  const app = await startApp(dbUrl);
  const { result: integration } = await app.api('POST', '/v1/admin/integrations/', {
    name: 'bench',
    integration_vendor: 'BUILDIUM',
    credentials: sandbox.credentials,
    base_url: sandbox.url,
    active: true,
    max_job_concurrency: 4,
    max_request_frequency: 1000,
    models_to_sync: CORE_MODELS,
  });
  const syncRunId = await withClient(dbUrl, (db) =>
    db.query('SELECT id FROM sync_runs WHERE integration_id = $1', [integration.id]),
  ).then((r) => r.rows[0].id);
  const { run: sync } = await waitForRun(dbUrl, syncRunId);
  if (sync.status !== 'SUCCEEDED') throw new Error(`the cache sync did not complete: ${sync.status}`);

  const { result: destination } = await app.api('POST', '/v1/connect/destinations', {
    name: 'bench',
    type: 'postgres',
    connection_url: destinationUrl,
  });
  const { result: connection } = await app.api('POST', '/v1/connect/connections', {
    name: 'bench',
    integration_id: integration.id,
    destination_id: destination.id,
    namespace: 'bench',
    schedule: { type: 'manual' },
    streams: STREAMS.map((name) => ({ name, sync_mode: 'full_refresh_overwrite' })),
  });
  const dbNames = [dbUrl, destinationUrl].map((url) => new URL(url).pathname.slice(1));
  // The run's status is polled through the API, so those requests count as ours (a few per second).
  const meter = cpuMeter(appSides(app.child.pid, dbNames));
  const {
    result: { run_id: runId },
  } = await app.api('POST', `/v1/connect/connections/${connection.id}/sync`, {});
  let run;
  for (;;) {
    run = (await app.api('GET', `/v1/connect/connections/${connection.id}/runs/${runId}`)).results;
    if (run.status === 'SUCCEEDED' || run.status === 'FAILED') break;
    await sleep(100);
  }
  const oursCpu = meter.stop();
  if (run.status !== 'SUCCEEDED') throw new Error(`the connection run failed: ${run.error}`);
  const seconds = (new Date(run.finished_at) - new Date(run.started_at)) / 1000;
  const rows = run.streams.reduce((n, s) => n + s.records, 0);
  await app.stop();

  // The ceiling: the rows the run wrote, as COPY text in memory, loaded by one COPY per table into empty
  // tables shaped like the run's (primary key included, as the run's staging tables have one).
  const raw = await withClient(destinationUrl, async (db) => {
    const backend = (await db.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await db.query('CREATE SCHEMA bench_raw');
    const data = [];
    for (const table of STREAMS) {
      await db.query(`CREATE TABLE bench_raw."${table}" (LIKE bench."${table}" INCLUDING ALL)`);
      const chunks = [];
      const out = db.query(copyTo(`COPY bench."${table}" TO STDOUT`));
      out.on('data', (chunk) => chunks.push(chunk));
      await new Promise((resolve, reject) => {
        out.on('end', resolve);
        out.on('error', reject);
      });
      data.push({ table, chunks });
    }
    const cpu = cpuMeter(ceilingSide(backend), { everyMs: 0 });
    const started = process.hrtime.bigint();
    for (const { table, chunks } of data)
      await pipeline(Readable.from(chunks), db.query(copyFrom(`COPY bench_raw."${table}" FROM STDIN`)));
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu: cpu.stop() };
  });

  const runRate = rows / seconds;
  const rawRate = rows / raw.seconds;
  const cpu = { ...cpuFigures(oursCpu, rows), ...cpuFigures(raw.cpu, rows) };
  const result = {
    residents,
    queue: app.queue,
    rows,
    streams: run.streams.map((s) => ({ name: s.name, records: s.records, duration_ms: s.duration_ms })),
    run_seconds: +seconds.toFixed(2),
    run_rows_per_s: Math.round(runRate),
    raw_copy_seconds: +raw.seconds.toFixed(2),
    raw_copy_rows_per_s: Math.round(rawRate),
    ratio: +(runRate / rawRate).toFixed(2),
    ratio_bound_all_cores_busy: ratioBoundAllCoresBusy(cpu.ours.cpu_per_unit.total, rawRate),
    cpu_us_per_row: bySide(cpu, 'cpu_per_unit'),
    cores_used: bySide(cpu, 'cores'),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log('no target was set for the connect run (issue 8): target met: n/a');
  const cells = cpuCells(cpu);
  console.log(
    `| Connect full refresh, ${residents} residents (${rows} rows, 4 streams) | ${result.run_rows_per_s} rows/s (${result.run_seconds} s) | raw COPY ${result.raw_copy_rows_per_s} rows/s (${result.raw_copy_seconds} s) | ratio ${result.ratio} (bound with all cores busy ${result.ratio_bound_all_cores_busy}) | ${cells.perUnit} per row | cores ${cells.cores} |`,
  );
}

module.exports = { connect };

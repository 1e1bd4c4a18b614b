// First-sync benchmark (issue 2): a Buildium sandbox with BENCH_RESIDENTS residents (default 100,000) in
// its own process, the real app on a PostgreSQL with default durability. Measures, in one run:
//   - end-to-end records/s: activation -> the run finished (every record fetched, mapped, written);
//   - the app's peak RSS;
//   - the raw rate of the same rows written by the same `unnest … ON CONFLICT` statement, page by page in
//     transactions, straight from memory, into empty copies of the tables on the same database;
//   - their ratio (target >= 0.5).
const { buildBulkUpsert, toColumnArrays } = require('../dist/store/cache/bulk-upsert');
const { LINK_SPEC, recordSpec } = require('../dist/store/cache/cache-specs');
const { CORE_MODELS, createDatabase, rssOf, startApp, startSandbox, waitForRun, withClient } = require('./lib');

const PAGE = 1000;
const TABLES = ['properties', 'units', 'residents', 'leases'];

async function firstSync() {
  const residents = Number(process.env.BENCH_RESIDENTS ?? 100_000);
  const dbUrl = await createDatabase();
  const sandbox = await startSandbox(residents);
  const app = await startApp(dbUrl);
  // max_job_concurrency: how many of the integration's model jobs may run at once (the spec's default is 1).
  const jobConcurrency = Number(process.env.BENCH_JOB_CONCURRENCY ?? 4);
  const { result: integration } = await app.api('POST', '/v1/admin/integrations/', {
    name: 'bench',
    integration_vendor: 'BUILDIUM',
    credentials: sandbox.credentials,
    base_url: sandbox.url,
    max_request_frequency: 1000,
    max_job_concurrency: jobConcurrency,
    models_to_sync: CORE_MODELS,
  });
  const idleRss = rssOf(app.child.pid).rss;
  await app.api('PUT', `/v1/admin/integrations/${integration.id}/`, { active: true });
  const runId = await withClient(dbUrl, (db) =>
    db.query('SELECT id FROM sync_runs WHERE integration_id = $1', [integration.id]),
  ).then((r) => r.rows[0].id);
  const { run, peakRss } = await waitForRun(dbUrl, runId, app.child.pid);
  const seconds = (run.finished_at - run.started_at) / 1000;
  const counts = await withClient(dbUrl, async (db) => {
    const result = {};
    for (const t of [...TABLES, 'residents_to_leases', 'quarantined_records'])
      result[t] = Number((await db.query(`SELECT count(*) FROM ${t}`)).rows[0].count);
    return result;
  });
  const records = TABLES.reduce((n, t) => n + counts[t], 0);
  await app.stop();

  // The ceiling: the same rows, the same statement, the same page size, empty copies of the tables.
  const raw = await withClient(dbUrl, async (db) => {
    await db.query('CREATE SCHEMA bench_raw');
    const work = [];
    for (const spec of [...TABLES.map((t) => recordSpec(t)), LINK_SPEC]) {
      await db.query(`CREATE TABLE bench_raw."${spec.table}" (LIKE public."${spec.table}" INCLUDING ALL)`);
      const rows = (await db.query(`SELECT * FROM public."${spec.table}" ORDER BY id`)).rows;
      const constants = spec.constants.map((c) => rows[0][c]);
      for (let i = 0; i < rows.length; i += PAGE)
        work.push({
          sql: buildBulkUpsert(spec),
          params: [...toColumnArrays(spec, rows.slice(i, i + PAGE)), ...constants, new Date()],
        });
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
    residents,
    queue: app.queue,
    max_job_concurrency: jobConcurrency,
    records,
    counts,
    end_to_end_seconds: +seconds.toFixed(2),
    end_to_end_records_per_s: Math.round(endToEnd),
    raw_upsert_seconds: +raw.toFixed(2),
    raw_upsert_records_per_s: Math.round(rawRate),
    ratio: +(endToEnd / rawRate).toFixed(2),
    app_peak_rss_mb: Math.round(peakRss / 2 ** 20),
    app_idle_rss_mb: Math.round(idleRss / 2 ** 20),
    run_status: run.status,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `| first sync, ${residents} residents (${app.queue} queue, max_job_concurrency ${jobConcurrency}) | ${result.end_to_end_records_per_s} records/s end to end (${records} records in ${result.end_to_end_seconds} s) | raw unnest upsert ${result.raw_upsert_records_per_s} records/s | ratio ${result.ratio} | peak RSS ${result.app_peak_rss_mb} MB (idle ${result.app_idle_rss_mb} MB) |`,
  );
  if (run.status !== 'SUCCEEDED' || counts.residents !== residents)
    throw new Error(`the sync did not complete: ${run.status}, ${counts.residents} residents`);
}

module.exports = { firstSync };

// Ongoing-sync benchmark (issue 3): about 1,000,000 cached records (BENCH_ONGOING_RESIDENTS residents,
// default 500,000, with their leases, units and properties), 1 % of them changed at the source, then a
// full manual sync. Measures, in one run:
//   - the tail: from the sandbox's last response to the run's end (every DATA_UPDATE committed; the run
//     ends after its last page transaction, which commits that page's events), target <= 5 s;
//   - the events: exactly one DATA_UPDATE per changed record;
//   - the cost of an unchanged record: a second full sync with nothing changed, seconds per 100k records,
//     next to the first sync's seconds per 100k (which writes every record);
//   - CPU per record of each of the three syncs, by part, from /proc (ours: the app's processes, its database's
//     PostgreSQL backends, Redis; the sandbox apart), and the cores each kept busy. No ceiling: the first sync is
//     the yardstick.
const {
  appSides,
  bySide,
  CORE_MODELS,
  cpuCells,
  cpuFigures,
  cpuMeter,
  createDatabase,
  printTargets,
  startApp,
  startSandbox,
  target,
  targetCell,
  waitForRun,
  withClient,
} = require('./lib');

async function ongoingSync() {
  const residents = Number(process.env.BENCH_ONGOING_RESIDENTS ?? 500_000);
  const dbUrl = await createDatabase();
  const dbName = new URL(dbUrl).pathname.slice(1);
  const sandbox = await startSandbox(residents);
  const app = await startApp(dbUrl);
  const meter = () => cpuMeter(appSides(app.child.pid, [dbName], sandbox.pid));
  const firstCpu = meter();
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
  const lastRun = () =>
    withClient(dbUrl, (db) =>
      db.query('SELECT id FROM sync_runs WHERE integration_id = $1 ORDER BY started_at DESC LIMIT 1', [integration.id]),
    ).then((r) => r.rows[0].id);
  const first = (await waitForRun(dbUrl, await lastRun())).run;
  const firstUsed = firstCpu.stop();
  const records = await withClient(dbUrl, async (db) => {
    let n = 0;
    for (const t of ['properties', 'units', 'residents', 'leases'])
      n += Number((await db.query(`SELECT count(*) FROM ${t}`)).rows[0].count);
    return n;
  });
  const firstSeconds = (first.finished_at - first.started_at) / 1000;
  const firstFigures = cpuFigures(firstUsed, records);
  console.log(`first sync: ${records} records in ${firstSeconds.toFixed(1)} s`);

  // 1 % of the records change at the source, spread over the models in proportion.
  const share = 0.01;
  const counts = (await sandbox.control('GET', 'state')).counts;
  const edits = {
    tenants: Math.round(counts.tenants * share),
    leases: Math.round(counts.leases * share),
    units: Math.round(counts.units * share),
    rentals: Math.round(counts.rentals * share),
  };
  await sandbox.control('POST', 'mutate', edits);
  const changed = Object.values(edits).reduce((a, b) => a + b, 0);

  const fullSync = async () => {
    const cpu = meter();
    const { result } = await app.api('POST', `/v1/admin/integrations/${integration.id}/manual-sync`, {});
    const { run } = await waitForRun(dbUrl, result.sync_id);
    const used = cpu.stop();
    const state = await sandbox.control('GET', 'state');
    const updates = await withClient(dbUrl, (db) =>
      db.query(
        `SELECT count(*)::int AS n FROM events WHERE trigger = 'DATA_UPDATE' AND payload->'data'->>'root_job_id' = $1`,
        [run.id],
      ),
    ).then((r) => r.rows[0].n);
    return {
      run,
      updates,
      tailSeconds: (run.finished_at - new Date(state.lastResponseAt)) / 1000,
      seconds: (run.finished_at - run.started_at) / 1000,
      cpu: cpuFigures(used, records),
    };
  };
  const changedSync = await fullSync();
  const unchangedSync = await fullSync();
  await app.stop();

  const perRecord = (figures) => ({
    cpu_us_per_record: bySide(figures, 'cpu_per_unit'),
    cores_used: bySide(figures, 'cores'),
  });
  const tail = +changedSync.tailSeconds.toFixed(2);
  const targets = [
    target('issue 3: tail, last response → every DATA_UPDATE committed (s)', tail, '≤', 5),
    target(`issue 3: DATA_UPDATE events for ${changed} changes`, changedSync.updates, '=', changed),
    target('issue 3: DATA_UPDATE events of the unchanged sync', unchangedSync.updates, '=', 0),
  ];
  const result = {
    records,
    changed_at_source: changed,
    queue: app.queue,
    changed_sync: {
      seconds: +changedSync.seconds.toFixed(2),
      data_update_events: changedSync.updates,
      tail_seconds_last_response_to_all_committed: tail,
      status: changedSync.run.status,
      ...perRecord(changedSync.cpu),
    },
    unchanged_sync: {
      seconds: +unchangedSync.seconds.toFixed(2),
      data_update_events: unchangedSync.updates,
      seconds_per_100k_unchanged: +((unchangedSync.seconds / records) * 100_000).toFixed(2),
      ...perRecord(unchangedSync.cpu),
    },
    first_sync_seconds_per_100k: +((firstSeconds / records) * 100_000).toFixed(2),
    first_sync: perRecord(firstFigures),
    targets,
  };
  console.log(JSON.stringify(result, null, 2));
  printTargets(targets);
  const [changedCells, unchangedCells, firstCells] = [changedSync.cpu, unchangedSync.cpu, firstFigures].map((f) =>
    cpuCells(f),
  );
  console.log(
    `| 1 % changed of ${records} cached (${app.queue} queue) | tail ${targetCell(targets[0], ' s')} | ${changedSync.updates} DATA_UPDATE for ${changed} changes (${targets[1].met && targets[2].met ? 'exact: met' : 'not met'}) | unchanged: ${result.unchanged_sync.seconds_per_100k_unchanged} s per 100k (first sync ${result.first_sync_seconds_per_100k} s per 100k) | CPU per record: changed sync ${changedCells.perUnit}; unchanged ${unchangedCells.perUnit}; first sync ${firstCells.perUnit} | cores: changed ${changedCells.cores}; unchanged ${unchangedCells.cores}; first ${firstCells.cores} |`,
  );
  if (changedSync.updates !== changed || unchangedSync.updates !== 0)
    throw new Error(`expected ${changed} DATA_UPDATE then 0, got ${changedSync.updates} and ${unchangedSync.updates}`);
}

module.exports = { ongoingSync };

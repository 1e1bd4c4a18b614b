// First sync per vendor (issue 5): every vendor's sandbox with the same number of residents
// (BENCH_VENDOR_RESIDENTS, default 20,000) in its own process, unthrottled; the app (profiled with
// --cpu-prof) syncs it with a request budget that never binds and 4 model jobs at once. Per vendor:
// records/s from activation to the run's end, and the share of the app's busy CPU in that window spent
// parsing the vendor's answers: JSON (VendorHttp's parseJsonBody) and XML (everything under fast-xml-parser or
// Yardi's own reader, yardi.xml-reader.js, which includes the records made from each element as it closes); CPU
// per record from /proc (ours: the app's processes, its database's PostgreSQL backends, Redis; the sandbox apart)
// and the cores each kept busy. BENCH_VENDOR_ROUNDS rounds (default 3), every other one in reverse order.
// Target (issue 22, target 3): Yardi's records/s >= 0.8 x Buildium's in the same round, the median of the rounds.
// BENCH_KEEP_PROFILE=<prefix> keeps each sync's profile as <prefix>-<vendor>-<round>.cpuprofile.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  appSides,
  bySide,
  CORE_MODELS,
  cpuCells,
  cpuFigures,
  cpuMeter,
  createDatabase,
  forEachBusySample,
  median,
  printTargets,
  readProfile,
  startApp,
  startFirstSync,
  startChildProcess,
  target,
  targetCell,
  topFrames,
  waitForRun,
  withClient,
} = require('./lib');

const VENDORS = [
  ['BUILDIUM', 'buildium'],
  ['PROPERTYWARE_REST', 'propertyware-rest'],
  ['YARDI', 'yardi'],
  ['ENTRATA', 'entrata'],
  ['APPFOLIO', 'appfolio'],
];
const TABLES = ['properties', 'units', 'residents', 'leases'];

/** Busy CPU in [fromUs, toUs] (the monotonic clock) and the parts of it spent parsing JSON and XML. */
function parseShares(profileFile, fromUs, toUs) {
  const read = readProfile(profileFile);
  const { byId, parent } = read;
  const under = (test) => {
    const memo = new Map();
    const check = (id) => {
      if (!memo.has(id)) memo.set(id, test(byId.get(id).callFrame) || (parent.has(id) && check(parent.get(id))));
      return memo.get(id);
    };
    return check;
  };
  const underJson = under((frame) => frame.functionName === 'parseJsonBody');
  const underXml = under(
    (frame) => frame.url.includes('/fast-xml-parser/') || frame.url.endsWith('/yardi.xml-reader.js'),
  );
  let busy = 0;
  let json = 0;
  let xml = 0;
  forEachBusySample(read, fromUs, toUs, (id, delta) => {
    busy += delta;
    if (underJson(id)) json += delta;
    else if (underXml(id)) xml += delta;
  });
  return { busySeconds: busy / 1e6, jsonParseShare: json / busy, xmlParseShare: xml / busy };
}

/** One vendor's first sync on a fresh database and app: its row, and its CPU figures as table cells. */
async function syncVendor(vendor, slug, residents, round) {
  const { child: sandboxProcess, line } = await startChildProcess([
    path.join(__dirname, 'vendor-sandbox-server.js'),
    slug,
    String(residents),
  ]);
  const sandbox = JSON.parse(line);
  const dbUrl = await createDatabase();
  const dbName = new URL(dbUrl).pathname.slice(1);
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), `latchkey-prof-${slug}-`));
  const app = await startApp(dbUrl, {}, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  const { result: integration } = await app.api('POST', '/v1/admin/integrations/', {
    name: `bench ${slug}`,
    integration_vendor: vendor,
    credentials: sandbox.credentials,
    base_url: sandbox.url,
    max_request_frequency: 1000,
    max_job_concurrency: 4,
    models_to_sync: CORE_MODELS,
  });
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const meter = cpuMeter(appSides(app.child.pid, [dbName], sandboxProcess.pid));
  const { run } = await waitForRun(dbUrl, await startFirstSync(app, dbUrl, integration.id));
  const used = meter.stop();
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const counts = await withClient(dbUrl, async (db) => {
    const result = {};
    for (const t of [...TABLES, 'quarantined_records'])
      result[t] = Number((await db.query(`SELECT count(*) FROM ${t}`)).rows[0].count);
    return result;
  });
  await app.stop();
  const seconds = (run.finished_at - run.started_at) / 1000;
  const records = TABLES.reduce((n, t) => n + counts[t], 0);
  const profile = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  const shares = parseShares(path.join(profileDir, profile), fromUs, toUs);
  // Where the app's time went, for a target not met (wall-clock samples: on a loaded machine they include time
  // the thread was runnable but not running).
  const { top } = topFrames(path.join(profileDir, profile), fromUs, toUs, 10);
  if (process.env.BENCH_KEEP_PROFILE)
    fs.copyFileSync(path.join(profileDir, profile), `${process.env.BENCH_KEEP_PROFILE}-${slug}-${round}.cpuprofile`);
  fs.rmSync(profileDir, { recursive: true, force: true });
  sandboxProcess.kill('SIGTERM'); // its CPU and memory are not the next vendor's
  const cpu = cpuFigures(used, records);
  const row = {
    round,
    vendor,
    status: run.status,
    failed_jobs: run.failed_job_count,
    records,
    counts,
    seconds: +seconds.toFixed(2),
    records_per_s: Math.round(records / seconds),
    app_busy_cpu_s: +shares.busySeconds.toFixed(2),
    json_parse_share: +(shares.jsonParseShare * 100).toFixed(1),
    xml_parse_share: +(shares.xmlParseShare * 100).toFixed(1),
    cpu_us_per_record: bySide(cpu, 'cpu_per_unit'),
    cores_used: bySide(cpu, 'cores'),
    top_frames: top,
  };
  return { row, cells: cpuCells(cpu) };
}

async function vendorFirstSync() {
  const residents = Number(process.env.BENCH_VENDOR_RESIDENTS ?? 20_000);
  const rounds = Number(process.env.BENCH_VENDOR_ROUNDS ?? 3);
  const chosen = VENDORS.filter(
    ([, slug]) => !process.env.BENCH_VENDORS || process.env.BENCH_VENDORS.split(',').includes(slug),
  );
  const rows = [];
  const cells = new Map();
  const ratios = [];
  for (let round = 1; round <= rounds; round++) {
    // Every other round in reverse, so a machine that slows or speeds up through the run favours no vendor.
    const order = round % 2 === 1 ? chosen : [...chosen].reverse();
    const inRound = [];
    for (const [vendor, slug] of order) {
      const { row, cells: rowCells } = await syncVendor(vendor, slug, residents, round);
      console.log(JSON.stringify(row, null, 2));
      rows.push(row);
      inRound.push(row);
      cells.set(row, rowCells);
    }
    const rate = (name) => inRound.find((r) => r.vendor === name)?.records_per_s;
    if (rate('YARDI') && rate('BUILDIUM')) ratios.push(+(rate('YARDI') / rate('BUILDIUM')).toFixed(2));
  }
  // Target 3 compares the two vendors synced in the same round (seconds apart), the median of the rounds.
  const targets =
    ratios.length > 0
      ? [
          target(
            `issue 22 (target 3): Yardi's records/s / Buildium's, median of ${ratios.length} rounds (${ratios.join(', ')})`,
            median(ratios),
            '≥',
            0.8,
          ),
        ]
      : [];
  printTargets(targets);
  console.log(
    `\n| round | vendor | records | first sync | records/s | JSON parse share | XML parse share | CPU per record (app profiled) | cores used |`,
  );
  for (const r of rows)
    console.log(
      `| ${r.round} | ${r.vendor} | ${r.records.toLocaleString('en-US')} | ${r.seconds} s | ${r.records_per_s.toLocaleString('en-US')} | ${r.json_parse_share} % | ${r.xml_parse_share} % | ${cells.get(r).perUnit} | ${cells.get(r).cores} |`,
    );
  for (const t of targets) console.log(`\n${t.name}: ${targetCell(t)}`);
  if (rows.some((r) => r.status !== 'SUCCEEDED' || r.failed_jobs > 0))
    throw new Error("a vendor's first sync did not succeed");
}

module.exports = { vendorFirstSync };

// The per-record path of a money first sync, alone (issue 21): Buildium ledgers read once from an in-process sandbox,
// then, in this process only, each body parsed, its rows normalised (mapped, completed, hashed, given ids), turned
// into the page upsert's column arrays and into the text pg sends, 1,000 rows a page. CPU µs per money record of
// each stage, cumulative, best of BENCH_RECORD_PATH_ROUNDS rounds (default 5): no network, no PostgreSQL, no other
// process, so it is steady on a loaded machine where the end-to-end `ledger` benchmark is not, and says what a
// change to mapping, hashing or the column arrays is worth. `BENCH_RECORD_PATH_BUILD=<dir>` measures another
// compiled tree (an A/B against an older build).
const path = require('node:path');
const { prepareValue } = require('pg/lib/utils');

const build = path.resolve(__dirname, '..', process.env.BENCH_RECORD_PATH_BUILD ?? 'dist');
const { startBuildiumSandboxServer } = require(`${build}/sandbox/buildium/buildium-sandbox`);
const { LEDGER_TRANSACTION_TYPES } = require(`${build}/fetch/buildium/buildium.facts`);
const { buildiumAdapter } = require(`${build}/fetch/buildium/buildium.adapter`);
const { PageNormaliser, jobMappingContext } = require(`${build}/normalise/page-normaliser`);
const { columnArrays } = require(`${build}/store/cache/bulk-upsert`);
const { recordSpec } = require(`${build}/store/cache/cache-specs`);

const MODELS = ['resident_charges', 'resident_payments'];
const LEASES = 600;
const PAGE = 1000;
const STAGES = ['parse', 'normalise', 'column arrays', 'pg text'];

/** Each model's ledger bodies (JSON text as the vendor sent it) for the first LEASES leases. */
async function ledgerBodies() {
  const credentials = { clientId: 'bench', secret: 'bench' };
  const server = await startBuildiumSandboxServer({
    residents: 3000,
    seed: 2026,
    credentials: [credentials],
    ledgers: 'every-lease',
  });
  const headers = { 'x-buildium-client-id': credentials.clientId, 'x-buildium-client-secret': credentials.secret };
  try {
    const leases = await (await fetch(`${server.url}/v1/leases?limit=${LEASES}`, { headers })).json();
    const bodies = Object.fromEntries(MODELS.map((model) => [model, []]));
    for (const lease of leases)
      for (const model of MODELS) {
        const types = LEDGER_TRANSACTION_TYPES[model].map((type) => `transactiontypes=${type}`).join('&');
        const answer = await fetch(`${server.url}/v1/leases/${lease.Id}/transactions?${types}&limit=1000`, { headers });
        bodies[model].push(await answer.text());
      }
    return bodies;
  } finally {
    await server.close();
  }
}

/** One pass over every body, stopping after `last` stage; returns the records it went through. */
function pass(bodies, last) {
  const normaliser = new PageNormaliser();
  const ctx = jobMappingContext('cbenchintegration00000000');
  const cell = (record, column) =>
    column === 'id'
      ? record.id
      : column === 'x_id'
        ? record.x_id
        : column === 'content_hash'
          ? record.hash
          : record.values[column];
  let records = 0;
  for (const model of MODELS) {
    const spec = recordSpec(model);
    let page = [];
    const flush = () => {
      if (last === 0 || page.length === 0) return;
      const { records: normalised } = normaliser.normalise(model, buildiumAdapter, page, ctx);
      if (last === 1) return;
      const arrays = columnArrays(spec, normalised, cell);
      if (last === 2) return;
      for (const array of arrays) prepareValue(array);
    };
    for (const body of bodies[model]) {
      const rows = JSON.parse(body);
      records += rows.length;
      for (const row of rows) page.push(row);
      if (page.length >= PAGE) {
        flush();
        page = [];
      }
    }
    flush();
  }
  return records;
}

async function recordPath() {
  const bodies = await ledgerBodies();
  const rounds = Number(process.env.BENCH_RECORD_PATH_ROUNDS ?? 5);
  const best = STAGES.map(() => Infinity);
  let records = 0;
  for (let round = 0; round < rounds; round++)
    STAGES.forEach((_, stage) => {
      pass(bodies, stage); // warm
      const before = process.cpuUsage();
      records = pass(bodies, stage) + pass(bodies, stage) + pass(bodies, stage);
      const used = process.cpuUsage(before);
      best[stage] = Math.min(best[stage], (used.user + used.system) / records);
    });
  const perStage = Object.fromEntries(STAGES.map((stage, i) => [stage, +best[i].toFixed(1)]));
  const result = {
    build: path.relative(process.cwd(), build) || '.',
    money_records_per_pass: records / 3,
    cpu_us_per_record: perStage,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `| ${result.build} | ${STAGES.map((stage) => `${stage} ${perStage[stage]} µs`).join(' · ')} (cumulative, best of ${rounds}) |`,
  );
  return result;
}

module.exports = { recordPath };

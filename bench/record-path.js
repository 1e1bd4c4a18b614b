// The per-record path of a first sync, alone (issues 21 and 22): Buildium pages read once from an in-process sandbox,
// then, in this process only, each body decoded from its bytes and parsed as the app does, its rows normalised
// (mapped, completed, hashed, given ids), turned into the page upsert's column arrays (with the resident-lease links
// a first sync writes beside the leases) and into the text pg sends, 1,000 rows a page. CPU µs per record of each
// stage, cumulative, best of BENCH_RECORD_PATH_ROUNDS rounds (default 5): no network, no PostgreSQL, no other process,
// so it is steady on a loaded machine where the end-to-end benchmarks are not, and says what a change to mapping,
// hashing or the column arrays is worth.
// BENCH_RECORD_PATH_MODELS: `money` (default: ledger charges and payments, the `ledger` benchmark's records) or `core`
// (properties, units, leases, residents: the `first-sync` benchmark's). `BENCH_RECORD_PATH_BUILD=<dir>` measures
// another compiled tree (an A/B against an older build).
const path = require('node:path');
const { prepareValue } = require('pg/lib/utils');

const build = path.resolve(__dirname, '..', process.env.BENCH_RECORD_PATH_BUILD ?? 'dist');
const { startBuildiumSandboxServer } = require(`${build}/sandbox/buildium/buildium-sandbox`);
const { BUILDIUM_ENDPOINTS, LEDGER_TRANSACTION_TYPES } = require(`${build}/fetch/buildium/buildium.facts`);
const { CORE_MODELS } = require('./lib');
const { buildiumAdapter } = require(`${build}/fetch/buildium/buildium.adapter`);
const { PageNormaliser, jobMappingContext } = require(`${build}/normalise/page-normaliser`);
const { columnArrays } = require(`${build}/store/cache/bulk-upsert`);
const { recordColumnArrays } = require(`${build}/store/cache/record-cache.repository`);
const { linkColumnArrays } = require(`${build}/store/cache/link-cache.repository`);
const { LINK_SPEC, recordSpec } = require(`${build}/store/cache/cache-specs`);
const { CANONICAL_MODELS } = require(`${build}/catalogue/canonical-models`);
// Builds from before the app decoded the bytes itself decoded them as axios does.
const decode = optionalRequire(`${build}/platform/text/utf8-text`)?.utf8Text ?? ((bytes) => bytes.toString('utf8'));

function optionalRequire(module) {
  try {
    return require(module);
  } catch {
    return undefined;
  }
}

const MONEY_MODELS = ['resident_charges', 'resident_payments'];
const SETS = {
  money: { models: MONEY_MODELS, bodies: ledgerBodies },
  core: { models: CORE_MODELS, bodies: coreBodies },
};
const LEASES = 600;
const CORE_RESIDENTS = 20_000;
const PAGE = 1000;
const STAGES = ['parse', 'normalise', 'column arrays', 'pg text'];

/** Each model's ledger bodies (the bytes the vendor sent) for the first LEASES leases. */
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
    const bodies = Object.fromEntries(MONEY_MODELS.map((model) => [model, []]));
    for (const lease of leases)
      for (const model of MONEY_MODELS) {
        const types = LEDGER_TRANSACTION_TYPES[model].map((type) => `transactiontypes=${type}`).join('&');
        const answer = await fetch(`${server.url}/v1/leases/${lease.Id}/transactions?${types}&limit=1000`, { headers });
        bodies[model].push(Buffer.from(await answer.arrayBuffer()));
      }
    return bodies;
  } finally {
    await server.close();
  }
}

/** Each core model's pages (the bytes the vendor sent) of a sandbox with CORE_RESIDENTS residents. */
async function coreBodies() {
  const credentials = { clientId: 'bench', secret: 'bench' };
  const server = await startBuildiumSandboxServer({
    residents: CORE_RESIDENTS,
    seed: 2026,
    credentials: [credentials],
  });
  const headers = { 'x-buildium-client-id': credentials.clientId, 'x-buildium-client-secret': credentials.secret };
  try {
    const bodies = {};
    for (const model of CORE_MODELS) {
      const route = BUILDIUM_ENDPOINTS[model];
      bodies[model] = [];
      for (let offset = 0; ; offset += PAGE) {
        const answer = await fetch(`${server.url}${route}?offset=${offset}&limit=${PAGE}`, { headers });
        const bytes = Buffer.from(await answer.arrayBuffer());
        if (bytes.toString() === '[]') break;
        bodies[model].push(bytes);
      }
    }
    return bodies;
  } finally {
    await server.close();
  }
}

/** The links a first sync writes with a page of its model (from the side that is their first-sync source). */
function firstSyncLinks(model, records) {
  const side = CANONICAL_MODELS[model].linkSide;
  return side?.firstSyncSource ? records.flatMap((record) => record.links ?? []) : [];
}

let wire = Buffer.alloc(1 << 22);

/** A record's or a link's value of a column, as the cache writer reads it (for builds that do not export theirs). */
const cell = (record, column) =>
  column === 'id'
    ? record.id
    : column === 'x_id'
      ? record.x_id
      : column === 'content_hash'
        ? record.hash
        : record.values[column];
const recordArrays = recordColumnArrays ?? ((spec, records) => columnArrays(spec, records, cell));
const linkArrays =
  linkColumnArrays ??
  ((links) =>
    columnArrays(
      LINK_SPEC,
      [...links].sort((a, b) => (a.id < b.id ? -1 : 1)),
      cell,
    ));

/** One pass over every body, stopping after `last` stage; returns the records it went through. */
function pass(models, bodies, last) {
  const normaliser = new PageNormaliser();
  const ctx = jobMappingContext('cbenchintegration00000000');
  let records = 0;
  for (const model of models) {
    const spec = recordSpec(model);
    let page = [];
    const flush = () => {
      if (last === 0 || page.length === 0) return;
      const { records: normalised } = normaliser.normalise(model, buildiumAdapter, page, ctx);
      if (last === 1) return;
      const arrays = [...recordArrays(spec, normalised), ...linkArrays(firstSyncLinks(model, normalised))];
      if (last === 2) return;
      // What pg's writer does with each parameter: its UTF-8 length (flattening a string built piece by piece), then the bytes.
      let offset = 0;
      for (const array of arrays) {
        const text = prepareValue(array);
        const length = Buffer.byteLength(text);
        if (offset + length > wire.length) wire = Buffer.alloc(2 * (offset + length));
        offset += wire.write(text, offset, length, 'utf8');
      }
    };
    for (const body of bodies[model]) {
      const rows = JSON.parse(decode(body));
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
  const set = process.env.BENCH_RECORD_PATH_MODELS ?? 'money';
  if (!SETS[set]) throw new Error(`BENCH_RECORD_PATH_MODELS: ${set} is not one of ${Object.keys(SETS).join(', ')}`);
  const { models } = SETS[set];
  const bodies = await SETS[set].bodies();
  const rounds = Number(process.env.BENCH_RECORD_PATH_ROUNDS ?? 5);
  const best = STAGES.map(() => Infinity);
  let records = 0;
  for (let round = 0; round < rounds; round++)
    STAGES.forEach((_, stage) => {
      pass(models, bodies, stage); // warm
      const before = process.cpuUsage();
      records = pass(models, bodies, stage) + pass(models, bodies, stage) + pass(models, bodies, stage);
      const used = process.cpuUsage(before);
      best[stage] = Math.min(best[stage], (used.user + used.system) / records);
    });
  const perStage = Object.fromEntries(STAGES.map((stage, i) => [stage, +best[i].toFixed(1)]));
  const result = {
    build: path.relative(process.cwd(), build) || '.',
    models: set,
    records_per_pass: records / 3,
    cpu_us_per_record: perStage,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `| ${result.build} | ${set} | ${STAGES.map((stage) => `${stage} ${perStage[stage]} µs`).join(' · ')} (cumulative, best of ${rounds}) |`,
  );
  return result;
}

module.exports = { recordPath };

// Read-API benchmark (issue 7): `GET /v1/residents?limit=100` through the real app (API key, validation,
// tenant scoping, rate limiting off, leases_meta_data), measured with autocannon beside a raw pg + node:http
// server doing the same database work, in the same run:
//   - throughput: BENCH_READ_CONNECTIONS (default 32) connections for BENCH_READ_SECONDS (default 10);
//     ratio ours / raw (target >= 0.5);
//   - latency under open-loop load at steady rates (BENCH_READ_RATES, default 50 requests/s) for the same
//     time: p50 / p99 from each request's scheduled departure (target p99 <= 25 ms at 500/s; a rate above
//     what even the raw server sustains on this machine only measures its queue).
const autocannon = require('autocannon');
const http = require('node:http');
const path = require('node:path');
const { CORE_MODELS, createDatabase, startApp, startChild, startSandbox, waitForRun, withClient } = require('./lib');

const SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_READ_CONNECTIONS ?? 32);
const RATES = (process.env.BENCH_READ_RATES ?? '50').split(',').map(Number);

function load(url, headers, options) {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, duration: SECONDS, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/**
 * Open-loop load at a steady rate: request i leaves at start + i/rate whether or not earlier ones have
 * answered (autocannon's overallRate sends each second's requests in one burst, which measures the burst).
 * Latency is measured from the scheduled departure, so queueing behind a slow server counts.
 */
async function paced(url, headers, rate, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies = [];
  let errors = 0;
  const count = rate * seconds;
  const started = performance.now();
  const inFlight = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      new Promise((resolve) => {
        const req = http.get(url, { agent, headers }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - due);
            else errors++;
            resolve();
          });
        });
        req.on('error', () => {
          errors++;
          resolve();
        });
      }),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => +(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN).toFixed(1);
  return {
    requests_per_s: Math.round(latencies.length / elapsed),
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    non_2xx: errors,
    errors: 0,
  };
}

const summary = (r) => ({
  requests_per_s: Math.round(r.requests.average),
  p50_ms: r.latency.p50,
  p99_ms: r.latency.p99,
  non_2xx: r.non2xx,
  errors: r.errors,
});

async function readApi() {
  const residents = Number(process.env.BENCH_RESIDENTS ?? 5000);
  const dbUrl = await createDatabase();
  const sandbox = await startSandbox(residents);
  const app = await startApp(dbUrl, { RATE_LIMIT_PER_MINUTE: '0' });
  const { result: integration } = await app.api('POST', '/v1/admin/integrations/', {
    name: 'bench',
    integration_vendor: 'BUILDIUM',
    credentials: sandbox.credentials,
    base_url: sandbox.url,
    max_request_frequency: 1000,
    active: true,
    models_to_sync: CORE_MODELS,
  });
  const runId = await withClient(dbUrl, (db) =>
    db.query('SELECT id FROM sync_runs WHERE integration_id = $1', [integration.id]),
  ).then((r) => r.rows[0].id);
  await waitForRun(dbUrl, runId);
  await withClient(dbUrl, (db) => db.query('VACUUM ANALYZE'));

  const ours = `${app.base}/v1/residents?limit=100`;
  const headers = { authorization: `Bearer ${app.apiKey}` };
  const raw = await startChild([path.join(__dirname, 'raw-read-server.js'), dbUrl, integration.customer_id]);
  await load(ours, headers, { duration: 2, connections: 4 }); // warm both up (JIT, pools, plans)
  await load(raw, {}, { duration: 2, connections: 4 });

  const oursMax = summary(await load(ours, headers, { connections: CONNECTIONS }));
  const rawMax = summary(await load(raw, {}, { connections: CONNECTIONS }));
  const atRate = {};
  for (const rate of RATES) {
    atRate[rate] = {
      ours: await paced(ours, headers, rate, SECONDS),
      raw: await paced(raw, {}, rate, SECONDS),
    };
  }
  const result = {
    residents,
    queue: app.queue,
    seconds: SECONDS,
    connections: CONNECTIONS,
    ours: oursMax,
    raw: rawMax,
    ratio: +(oursMax.requests_per_s / rawMax.requests_per_s).toFixed(2),
    at_rate: atRate,
  };
  console.log(JSON.stringify(result, null, 2));
  const latencies = RATES.map(
    (rate) =>
      `at ${rate}/s: ours p50 ${atRate[rate].ours.p50_ms} / p99 ${atRate[rate].ours.p99_ms} ms (${atRate[rate].ours.requests_per_s}/s served), raw p99 ${atRate[rate].raw.p99_ms} ms (${atRate[rate].raw.requests_per_s}/s)`,
  ).join('; ');
  console.log(
    `| read API (${residents} residents, ${CONNECTIONS} connections, ${app.queue}) | ${oursMax.requests_per_s} req/s, p99 ${oursMax.p99_ms} ms | raw pg + node:http ${rawMax.requests_per_s} req/s | ${result.ratio} | ${latencies} |`,
  );
  await app.stop();
  return result;
}

module.exports = { readApi };

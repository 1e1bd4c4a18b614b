// `npm run bench`: every benchmark, one after the other (BENCH_ONLY=first-sync|ongoing-sync|webhook-delivery|vendor-first-sync|read-api|connect|npm-start|writes|ledger|record-path runs one;
// BENCH_ONLY=webhook-ab, the A/B comparison of two builds, runs only when asked for).
// Each prints a JSON result and a table row for BENCHMARKS.md. The app uses Redis database 15 on 6379 (flushed at start):
// BENCH_REDIS_DB=N puts a second benchmark run at the same time on another (the two still share the CPUs).
const { connect } = require('./connect');
const { firstSync } = require('./first-sync');
const { ledgerFirstSync } = require('./ledger-first-sync');
const { npmStart } = require('./npm-start');
const { ongoingSync } = require('./ongoing-sync');
const { readApi } = require('./read-api');
const { recordPath } = require('./record-path');
const { stopAll } = require('./lib');
const { vendorFirstSync } = require('./vendor-first-sync');
const { webhookAb } = require('./webhook-ab');
const { webhookDelivery } = require('./webhook-delivery');
const { writes } = require('./writes');

const BENCHMARKS = {
  'first-sync': firstSync,
  'ongoing-sync': ongoingSync,
  'webhook-delivery': webhookDelivery,
  'vendor-first-sync': vendorFirstSync,
  'read-api': readApi,
  connect,
  'npm-start': npmStart,
  writes,
  ledger: ledgerFirstSync,
  'record-path': recordPath,
};
const ON_REQUEST = { 'webhook-ab': webhookAb };

async function main() {
  const only = process.env.BENCH_ONLY;
  const all = { ...BENCHMARKS, ...ON_REQUEST };
  if (only && !all[only]) throw new Error(`BENCH_ONLY must be one of ${Object.keys(all).join(', ')}`);
  for (const [name, bench] of Object.entries(only ? { [only]: all[only] } : BENCHMARKS)) {
    console.log(`\n== ${name}`);
    await bench();
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    process.exit();
  });

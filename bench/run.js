// `npm run bench`: every benchmark, one after the other (BENCH_ONLY=first-sync|ongoing-sync|webhook-delivery|vendor-first-sync|read-api|connect runs one).
// Each prints a JSON result and a table row for BENCHMARKS.md.
const { connect } = require('./connect');
const { firstSync } = require('./first-sync');
const { ongoingSync } = require('./ongoing-sync');
const { readApi } = require('./read-api');
const { stopAll } = require('./lib');
const { vendorFirstSync } = require('./vendor-first-sync');
const { webhookDelivery } = require('./webhook-delivery');

const BENCHMARKS = { 'first-sync': firstSync, 'ongoing-sync': ongoingSync, 'webhook-delivery': webhookDelivery, 'vendor-first-sync': vendorFirstSync, 'read-api': readApi, connect };

async function main() {
  const only = process.env.BENCH_ONLY;
  if (only && !BENCHMARKS[only]) throw new Error(`BENCH_ONLY must be one of ${Object.keys(BENCHMARKS).join(', ')}`);
  for (const [name, bench] of Object.entries(BENCHMARKS)) {
    if (only && name !== only) continue;
    console.log(`\n== ${name}`);
    await bench();
  }
}

main()
  .catch((error) => { console.error(error); process.exitCode = 1; })
  .finally(async () => { await stopAll(); process.exit(); });

// A/B comparison of webhook delivery (`BENCH_ONLY=webhook-ab npm run bench`). This VM's speed drifts by ±20 %
// within minutes, more than most changes are worth, so two apps run side by side on one PostgreSQL server,
// one Redis and one receiver, and take turns: after a 5,000-delivery warm-up each, BENCH_AB_PAIRS pairs
// (default 6) of bursts of BENCH_DELIVERIES events (default 20,000), A then B, B then A…, with autovacuum
// settled between bursts. B/A per pair, then the median. (Starting fresh apps for every pair was tried: one
// side then fell to a third of its speed after a few pairs, for a reason not found, so both apps live for the run.)
// A and B are compiled trees beside dist/: BENCH_AB_A and BENCH_AB_B (both default dist; copy another
// commit's dist/ to compare it). BENCH_AB_SQL_B runs SQL on B's database after its migrations, to try a
// schema change before it is written as code; BENCH_AB_ENV_B (JSON) adds environment variables to B's app, e.g.
// another WEBHOOK_WORKER_CONCURRENCY; BENCH_AB_WORKERS_B adds worker processes beside B's app, with
// BENCH_AB_WORKER_ENV_B (JSON) as their extra environment. Each burst also reports CPU per delivery by process,
// which separates a change in work done from the VM's drift better than rates do. Run dist against itself to
// see the harness's own spread.
const { Client } = require('pg');
const { cpuPerItem, createDatabase, deliveryCpuMs, median, startApp, startChild, startRedis } = require('./lib');
const { timedBurst } = require('./webhook-delivery');

async function side(name, build, redisDb, receiver, redis, setupSql) {
  const dbUrl = await createDatabase();
  const redisPort = redis?.port ?? 6379;
  const app = await startApp(dbUrl, name === 'B' ? JSON.parse(process.env.BENCH_AB_ENV_B ?? '{}') : {}, [], {
    build,
    redisDb,
    redisPort,
  });
  // BENCH_AB_WORKERS_B: worker processes beside B's app (the same build, database and Redis), to see whether one
  // process's thread is what limits a burst.
  const workers = [];
  for (let i = 0; i < (name === 'B' ? Number(process.env.BENCH_AB_WORKERS_B ?? 0) : 0); i++) {
    workers.push(
      await startApp(
        dbUrl,
        { ...JSON.parse(process.env.BENCH_AB_WORKER_ENV_B ?? '{}'), LATCHKEY_ENCRYPTION_KEY: app.encryptionKey },
        [],
        { build, redisDb, redisPort, role: 'worker' },
      ),
    );
  }
  const { result: hook } = await app.api('POST', '/v1/webhooks/', {
    url: receiver.url,
    triggers: ['DATA_UPDATE'],
    model: 'residents',
    active: true,
  });
  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  if (setupSql) await db.query(setupSql);
  const organizationId = (await db.query('SELECT "organization_id" FROM "webhooks" WHERE "id" = $1', [hook.id])).rows[0]
    .organization_id;
  let next = 0;
  const dbName = new URL(dbUrl).pathname.slice(1);
  /**
   * One burst of `count` events: deliveries per second from their commit to the last delivery, and the CPU per
   * delivery (µs) of the side's processes (app and workers), its PostgreSQL backends, Redis and the receiver
   * meanwhile (the sides take turns, so Redis and the receiver work for this side only). CPU is work done:
   * it drifts less with this VM's speed than a rate does.
   */
  const burst = async (count) => {
    const marks = [];
    const seconds = await timedBurst(db, organizationId, next, count, () =>
      marks.push(
        deliveryCpuMs(
          [app, ...workers].map((p) => p.child.pid),
          dbName,
          { redisPid: redis?.pid, receiverPid: receiver.pid },
        ),
      ),
    );
    next += count;
    return {
      rate: count / seconds,
      cpu: cpuPerItem(marks[0], marks[1], count, ['app', 'postgres', 'redis', 'receiver']),
    };
  };
  return {
    name,
    burst,
    stop: async () => {
      await db.end();
      for (const w of [app, ...workers]) await w.stop();
    },
  };
}

async function webhookAb() {
  const deliveries = Number(process.env.BENCH_DELIVERIES ?? 20_000);
  const pairs = Number(process.env.BENCH_AB_PAIRS ?? 6);
  const receiver = JSON.parse(await startChild([require.resolve('./receiver-server.js')]));
  // A Redis of this run's own (BENCH_SHARED_REDIS=1: the one on 6379), so no other run shares its CPU or databases.
  const redis = process.env.BENCH_QUEUE === 'postgres' || process.env.BENCH_SHARED_REDIS ? null : await startRedis();
  const a = await side('A', process.env.BENCH_AB_A ?? 'dist', 12, receiver, redis);
  const b = await side('B', process.env.BENCH_AB_B ?? 'dist', 13, receiver, redis, process.env.BENCH_AB_SQL_B);
  await a.burst(5_000);
  await b.burst(5_000);
  const ratios = [];
  const cpu = { A: [], B: [] };
  for (let pair = 0; pair < pairs; pair++) {
    const order = pair % 2 === 0 ? [a, b] : [b, a]; // neither side always goes first
    const runs = {};
    for (const s of order) runs[s.name] = await s.burst(deliveries);
    ratios.push(runs.B.rate / runs.A.rate);
    for (const name of ['A', 'B']) cpu[name].push(runs[name].cpu);
    const show = (name) =>
      `${name} ${Math.round(runs[name].rate)}/s (CPU µs per delivery ${JSON.stringify(runs[name].cpu)})`;
    console.log(`pair ${pair + 1}: ${show('A')}, ${show('B')}, B/A ${(runs.B.rate / runs.A.rate).toFixed(2)}`);
  }
  await a.stop();
  await b.stop();
  const medianCpu = (name) =>
    Object.fromEntries(Object.keys(cpu[name][0]).map((k) => [k, median(cpu[name].map((c) => c[k]))]));
  console.log(
    JSON.stringify(
      {
        deliveries,
        pairs,
        b_over_a: ratios.map((r) => +r.toFixed(2)),
        median_b_over_a: +median(ratios).toFixed(2),
        median_cpu_us_per_delivery: { A: medianCpu('A'), B: medianCpu('B') },
      },
      null,
      2,
    ),
  );
}

module.exports = { webhookAb };

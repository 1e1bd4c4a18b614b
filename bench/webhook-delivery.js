// Webhook delivery benchmark (issue 4), on the queue backend of BENCH_QUEUE (default: Redis when one
// answers on 6379). A receiver answering 200 runs in its own process. Measured in one run:
//   - ceilings, from this process with the app's worker concurrency: a raw signed-POST loop, a BullMQ
//     no-op job loop, and BullMQ jobs that each sign and POST (the "BullMQ-plus-POST ceiling");
//   - ours: BENCH_DELIVERIES events (default 20,000) committed to the outbox in one transaction, each
//     delivered through relay → BullMQ → signed POST with its attempt recorded in PostgreSQL; deliveries/s
//     from the commit to the last delivery, after an untimed warm-up burst of BENCH_WARMUP_DELIVERIES
//     (default 5,000), as the ceiling runs warm;
//   - the ratio (target ≥ 0.6) in BENCH_ROUNDS rounds (default 3), each a BullMQ+POST ceiling loop right
//     before one burst of ours, so both sides of a ratio meet the same machine (this VM's speed drifts by
//     ±20 % within minutes); the median round is the result, every round is printed;
//   - CPU per delivery of every process involved, each side of each round (/proc: ours = the app, its
//     database's PostgreSQL backends, Redis, the receiver; the ceiling = this process, Redis, the receiver),
//     and from ours the best ratio this machine's cores allow: if ours kept every core busy it would reach
//     cores ÷ its CPU per delivery, against the ceiling's rate in the same round;
//   - issue 22's CPU ratio, the receiver apart on both sides: ours (app + PostgreSQL + Redis) over the ceiling's
//     (its process + its queue's store: Redis, or PostgreSQL with BENCH_QUEUE=postgres), target ≤ 1.3; the cores
//     each side kept busy; and per delivery PostgreSQL's commits and row writes and Redis's commands by name.
//     Redis is a redis-server of the run's own (BENCH_SHARED_REDIS=1: the one on 6379), so its CPU is this run's;
//     BENCH_BUILD runs another compiled tree beside dist/ (e.g. a copy of the build before a change);
//   - latency: events committed at 1,000/s for BENCH_LATENCY_SECONDS (default 10) in 100-event
//     transactions every 100 ms; p50/p99 from an event's commit to its first attempt (target p99 ≤ 1 s).
const http = require('node:http');
const os = require('node:os');
const { Queue, Worker, createPostgresBackend, runMigrations } = require('bullmq');
const { Redis } = require('ioredis');
const { Client } = require('pg');
const { signedHeaders } = require('../dist/deliver/webhooks/webhook-signing');
const { postBody } = require('../dist/platform/outbound/post-body');
const { OUTBOX_CHANNEL } = require('../dist/emit/outbox.repository');
const {
  cpuPerItem,
  createDatabase,
  deliveryCpuMs,
  sleep,
  startApp,
  startChild,
  startRedis,
  withClient,
} = require('./lib');

/** Jobs in flight, the same for the ceilings and the app (WEBHOOK_WORKER_CONCURRENCY; the app's default unless set). */
const CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 50);
/** The app's Redis database (flushed at start); the ceilings use the one below it. */
const REDIS_DB = Number(process.env.BENCH_REDIS_DB ?? 15);
/** Issue 22: ours (app, PostgreSQL, Redis) within this many times the ceiling's CPU per job (its process and queue). */
const CPU_TARGET = 1.3;
const SECRET = `whsec_${Buffer.alloc(24, 5).toString('base64')}`;

function payloadOf(n) {
  return {
    trigger: 'DATA_UPDATE',
    data: {
      event: 'DATA_UPDATE',
      integration_id: 'bench-integration',
      vendor: 'BUILDIUM',
      model: 'residents',
      record_id: `resident-${n}`,
      job_type: 'SYNC',
      diff: {
        new: { first_name: `New${n}`, email_1: `new${n}@example.com` },
        previous: { first_name: `Old${n}`, email_1: `old${n}@example.com` },
      },
      payload: {
        id: `resident-${n}`,
        first_name: `New${n}`,
        last_name: 'Benchmark',
        email_1: `new${n}@example.com`,
        phone_1: '+15555550100',
        phone_1_type: 'MOBILE',
        city: 'Springfield',
        state: 'IL',
        zip: '62701',
      },
    },
    meta: { object: 'residents', integration_id: 'bench-integration' },
  };
}

/** Runs `count` tasks at most `concurrency` at a time; resolves with the seconds it took. */
async function pool(count, concurrency, task) {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The same signed POST the dispatcher sends (same headers, same node:http helper), without the database. */
function signedPost(post, url, n) {
  const body = JSON.stringify(payloadOf(n));
  const headers = {
    'content-type': 'application/json',
    ...signedHeaders([SECRET], `delivery-${n}`, Math.floor(Date.now() / 1000), body),
  };
  return postBody(url, body, headers, post).then((r) => {
    if (r.status !== 200) throw new Error(`receiver answered ${r.status}`);
  });
}

/**
 * BullMQ queue and worker on the benchmark's backend; the worker runs `processor` for every job. `atEnd` runs
 * when the last job is done, before the connections close (a CPU snapshot then still sees their PostgreSQL
 * backends, which end with them).
 */
async function bullmqLoop(backend, dbUrl, redisUrl, name, count, processor, atEnd = () => undefined) {
  let connection;
  const connections = [];
  if (backend === 'redis')
    connection = () => {
      connections.push(new Redis(redisUrl, { maxRetriesPerRequest: null }));
      return connections.at(-1);
    };
  else await withClient(dbUrl, (db) => runMigrations(db));
  const queue =
    backend === 'redis'
      ? new Queue(name, { connection: connection() })
      : new Queue(name, { connection: { connectionString: dbUrl, max: 5 } }, createPostgresBackend);
  let done = 0;
  let finish;
  const finished = new Promise((resolve) => {
    finish = resolve;
  });
  const handler = async (job) => {
    await processor(job.data.n);
    if (++done === count) finish();
  };
  const worker =
    backend === 'redis'
      ? new Worker(name, handler, { connection: connection(), concurrency: CONCURRENCY })
      : new Worker(
          name,
          handler,
          { connection: { connectionString: dbUrl, max: CONCURRENCY + 2 }, concurrency: CONCURRENCY },
          createPostgresBackend,
        );
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, count - i) }, (_, k) => ({
        name: 'job',
        data: { n: i + k },
        opts: { jobId: `${name}-${i + k}`, removeOnComplete: true },
      })),
    );
  }
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  atEnd();
  await worker.close();
  await queue.close();
  await Promise.all(connections.map((c) => c.quit())); // BullMQ leaves connections it was given open
  return seconds;
}

/**
 * Commits `count` DATA_UPDATE events (sequence numbers from `first`) to the outbox in one transaction, with
 * the NOTIFY that the app's own appends send (OutboxRepository.append), so the relay wakes as it would.
 */
async function commitEvents(db, organizationId, first, count) {
  await db.query('BEGIN');
  await db.query(
    `INSERT INTO "events" ("id", "organization_id", "integration_id", "trigger", "model", "record_id", "payload")
     SELECT gen_random_uuid()::text, $1, 'bench-integration', 'DATA_UPDATE', 'residents', 'resident-' || n, p
     FROM unnest($2::int[], $3::jsonb[]) AS t(n, p)`,
    [
      organizationId,
      Array.from({ length: count }, (_, k) => first + k),
      Array.from({ length: count }, (_, k) => JSON.stringify(payloadOf(first + k))),
    ],
  );
  await db.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  await db.query('COMMIT');
  return Date.now();
}

/**
 * Waits until every committed event is fanned out and no delivery is pending. The question is two index
 * probes: counting delivered rows every 250 ms cost PostgreSQL ~40 µs of CPU per delivery over a burst,
 * CPU taken from the app it measures (the ceilings count in memory).
 */
async function waitForDeliveries(db) {
  const {
    rows: [{ last }],
  } = await db.query('SELECT max("sequence") AS last FROM "events"');
  for (;;) {
    const { rows } = await db.query(
      `SELECT (SELECT "sequence" FROM "outbox_cursor" WHERE "id" = 1) >= $1::bigint
              AND NOT EXISTS (SELECT 1 FROM "webhook_deliveries" WHERE "status" = 'PENDING') AS done`,
      [last],
    );
    if (rows[0].done) return;
    await sleep(250); // the end time is max(delivered_at); polling only has to notice it, not time it
  }
}

/**
 * What the store did so far, to count per delivery: PostgreSQL's commits and row writes in this database
 * (its statistics, which backends flush about once a second, so a burst's figures are close, not exact) and
 * the Redis commands by name (`redisUrl`: null on the PostgreSQL queue).
 */
async function storeWork(db, redisUrl) {
  const {
    rows: [pg],
  } = await db.query(
    `SELECT d."xact_commit"::float AS commits,
            sum(t."n_tup_ins")::float AS inserted, sum(t."n_tup_upd")::float AS updated, sum(t."n_tup_hot_upd")::float AS hot_updated
     FROM pg_stat_database d, pg_stat_user_tables t WHERE d."datname" = current_database() GROUP BY d."xact_commit"`,
  );
  const commands = {};
  if (redisUrl) {
    const redis = new Redis(redisUrl);
    const stats = await redis.info('commandstats');
    await redis.quit();
    for (const [, name, calls] of stats.matchAll(/^cmdstat_(\S+):calls=(\d+)/gm)) commands[name] = Number(calls);
  }
  return { ...pg, commands };
}

/** Per delivery, what the store did between two storeWork snapshots (Redis commands called at least 0.05 times). */
function storeWorkPer(before, after, count) {
  const per = (a, b) => +((a - b) / count).toFixed(2);
  const commands = Object.fromEntries(
    Object.entries(after.commands)
      .map(([name, calls]) => [name, per(calls, before.commands[name] ?? 0)])
      .filter(([, n]) => n >= 0.05),
  );
  return {
    postgres: Object.fromEntries(
      ['commits', 'inserted', 'updated', 'hot_updated'].map((k) => [k, per(after[k], before[k])]),
    ),
    redis: commands,
  };
}

/** Waits (up to 60 s) until no autovacuum worker runs, so cleanup after one side's burst does not slow the other side. */
async function autovacuumDone(db) {
  for (let waited = 0; waited < 60_000; waited += 250) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
    );
    if (rows[0].n === 0) return;
    await sleep(250);
  }
}

/**
 * One burst through the outbox: `count` events from record `first`, timed from their commit to the last
 * delivery (seconds); returns once autovacuum has settled, as the burst's vacuum is its own cost and must
 * not slow whatever is measured next. `around` (optional) is called once right after the commit and once
 * when every event is delivered, to measure what happened in between.
 */
async function timedBurst(db, organizationId, first, count, around = () => undefined) {
  const committedAt = await commitEvents(db, organizationId, first, count);
  around();
  await waitForDeliveries(db);
  around();
  const {
    rows: [{ last }],
  } = await db.query('SELECT max("delivered_at") AS last FROM "webhook_deliveries"');
  await autovacuumDone(db);
  return (last.getTime() - committedAt) / 1000;
}

async function webhookDelivery() {
  const deliveries = Number(process.env.BENCH_DELIVERIES ?? 20_000);
  const latencySeconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
  const dbUrl = await createDatabase();
  const receiver = JSON.parse(await startChild([require.resolve('./receiver-server.js')]));
  // A Redis of this run's own (BENCH_SHARED_REDIS=1: the one on 6379), so its CPU per delivery is this run's alone.
  const redis = process.env.BENCH_QUEUE === 'postgres' || process.env.BENCH_SHARED_REDIS ? null : await startRedis();
  const redisPort = redis?.port ?? 6379;
  const ceilingRedisUrl = `redis://127.0.0.1:${redisPort}/${REDIS_DB - 1}`;
  const app = await startApp(dbUrl, { WEBHOOK_WORKER_CONCURRENCY: String(CONCURRENCY) }, [], {
    build: process.env.BENCH_BUILD ?? 'dist', // another compiled tree beside dist/, e.g. a "before" build
    redisDb: REDIS_DB,
    redisPort,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const post = { agents: { http: agent, https: agent }, timeoutMs: 15_000, keepBytes: 20 * 1024 };
  const receiverUrl = new URL(receiver.url);
  if (app.queue === 'redis') {
    const ceilingRedis = new Redis(ceilingRedisUrl);
    await ceilingRedis.flushdb();
    await ceilingRedis.quit();
  }

  // Ceilings without the database, for reference.
  const rawSeconds = await pool(deliveries, CONCURRENCY, (n) => signedPost(post, receiverUrl, n));
  const noopSeconds = await bullmqLoop(
    app.queue,
    dbUrl,
    ceilingRedisUrl,
    'bench-noop',
    deliveries,
    async () => undefined,
  );

  const { result: hook } = await app.api('POST', '/v1/webhooks/', {
    url: receiver.url,
    triggers: ['DATA_UPDATE'],
    model: 'residents',
    active: true,
  });
  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  const organizationId = (await db.query('SELECT "organization_id" FROM "webhooks" WHERE "id" = $1', [hook.id])).rows[0]
    .organization_id;
  // Both sides are timed warm: the BullMQ+POST ceiling runs after the raw-POST and no-op loops have run the
  // same signing, HTTP and BullMQ code in its process, so ours first delivers a warm-up burst (JIT, pools,
  // the tables' first pages) that is not timed.
  const warmup = Number(process.env.BENCH_WARMUP_DELIVERIES ?? 5_000);
  if (warmup > 0) {
    await commitEvents(db, organizationId, 1_000_000, warmup);
    await waitForDeliveries(db);
  }

  // Rounds: the ceiling, then one burst of ours through the outbox (new records each round).
  const dbName = new URL(dbUrl).pathname.slice(1);
  const cpuNow = () => ({
    at: process.hrtime.bigint(),
    ...deliveryCpuMs([app.child.pid], dbName, { redisPid: redis?.pid, receiverPid: receiver.pid }),
  });
  const cores = os.availableParallelism();
  // What issue 22's CPU target compares, the receiver apart on both sides: ours is the app, its PostgreSQL
  // backends and Redis; the ceiling is its process and its queue's store.
  const oursParts = app.queue === 'redis' ? ['app', 'postgres', 'redis'] : ['app', 'postgres'];
  const ceilingParts = ['bench', app.queue === 'redis' ? 'redis' : 'postgres'];
  /** CPU µs per delivery by part (the receiver apart), their sum, and the cores used on average in between. */
  const sideCpu = (before, after, parts) => {
    const cpu = cpuPerItem(before, after, deliveries, [...parts, 'receiver']);
    const total = parts.reduce((sum, k) => sum + cpu[k], 0);
    const seconds = Number(after.at - before.at) / 1e9;
    return { ...cpu, total, cores: +((total * deliveries) / 1e6 / seconds).toFixed(2) };
  };
  const rounds = [];
  for (let round = 0; round < Number(process.env.BENCH_ROUNDS ?? 3); round++) {
    const redisStats = app.queue === 'redis' ? `redis://127.0.0.1:${redisPort}` : null;
    const ceilingWorkBefore = await storeWork(db, redisStats);
    const beforeCeiling = cpuNow();
    let afterCeiling;
    const ceilingSeconds = await bullmqLoop(
      app.queue,
      dbUrl,
      ceilingRedisUrl,
      `bench-post-${round}`,
      deliveries,
      (n) => signedPost(post, receiverUrl, n),
      () => (afterCeiling = cpuNow()),
    );
    const ceilingCpu = sideCpu(beforeCeiling, afterCeiling, ceilingParts);
    const ceilingWork = storeWorkPer(ceilingWorkBefore, await storeWork(db, redisStats), deliveries);
    const marks = [];
    const workBefore = await storeWork(db, redisStats);
    const oursSeconds = await timedBurst(db, organizationId, 2_000_000 + round * deliveries, deliveries, () =>
      marks.push(cpuNow()),
    );
    const oursCpu = sideCpu(marks[0], marks[1], oursParts);
    const work = storeWorkPer(workBefore, await storeWork(db, redisStats), deliveries);
    const ceilingRate = deliveries / ceilingSeconds;
    const bound = (cores * 1e6) / (oursCpu.total + oursCpu.receiver) / ceilingRate;
    const cpuRatio = oursCpu.total / ceilingCpu.total;
    rounds.push({
      ceilingSeconds,
      oursSeconds,
      ratio: ceilingSeconds / oursSeconds,
      ceilingCpu,
      oursCpu,
      cpuRatio,
      bound,
    });
    const parts = (cpu, names, labels) => names.map((k, i) => `${labels[i]} ${cpu[k]}`).join(' + ');
    console.log(
      `round ${round + 1}: ours ${Math.round(deliveries / oursSeconds)}/s, BullMQ+POST ${Math.round(ceilingRate)}/s, ratio ${(ceilingSeconds / oursSeconds).toFixed(2)}\n` +
        `  CPU µs per delivery, receiver apart: ours ${parts(oursCpu, oursParts, ['app', 'PostgreSQL', 'Redis'])} = ${oursCpu.total} ` +
        `(receiver ${oursCpu.receiver}; ${oursCpu.cores} cores); ceiling ${parts(ceilingCpu, ceilingParts, ['process', app.queue === 'redis' ? 'Redis' : 'PostgreSQL'])} = ${ceilingCpu.total} ` +
        `(receiver ${ceilingCpu.receiver}; ${ceilingCpu.cores} cores)\n` +
        `  per delivery, ours: PostgreSQL ${JSON.stringify(work.postgres)}; Redis commands ${JSON.stringify(work.redis)}\n` +
        `  per job, ceiling: Redis commands ${JSON.stringify(ceilingWork.redis)}\n` +
        `  CPU ratio ours/ceiling ${cpuRatio.toFixed(2)} (target ≤ ${CPU_TARGET}: ${cpuRatio <= CPU_TARGET ? 'met' : 'not met'}); throughput ratio with all ${cores} cores busy ≤ ${bound.toFixed(2)}`,
    );
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
  const {
    rows: [{ attempts }],
  } = await db.query('SELECT count(*)::int AS attempts FROM "webhook_attempts"');

  // Latency at 1,000 events/s.
  const startSequence = (await db.query('SELECT coalesce(max("sequence"), 0) AS s FROM "events"')).rows[0].s;
  const ticks = latencySeconds * 10;
  const started = Date.now();
  for (let t = 0; t < ticks; t++) {
    await commitEvents(db, organizationId, deliveries + t * 100, 100);
    const wait = started + (t + 1) * 100 - Date.now();
    if (wait > 0) await sleep(wait);
  }
  const offeredRate = (ticks * 100) / ((Date.now() - started) / 1000);
  await waitForDeliveries(db);
  const latency = (
    await db.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
     FROM (SELECT extract(epoch FROM (a."started_at" - e."created_at")) * 1000 AS ms
           FROM "events" e JOIN "webhook_deliveries" d ON d."event_id" = e."id" JOIN "webhook_attempts" a ON a."delivery_id" = d."id" AND a."attempt_number" = 1
           WHERE e."sequence" > $1) t`,
      [startSequence],
    )
  ).rows[0];
  await db.end();
  await app.stop();

  const rate = (seconds) => Math.round(deliveries / seconds);
  const result = {
    queue: app.queue,
    deliveries,
    worker_concurrency: CONCURRENCY,
    raw_signed_post_per_s: rate(rawSeconds),
    bullmq_noop_jobs_per_s: rate(noopSeconds),
    rounds: rounds.map((r) => ({
      ours_per_s: rate(r.oursSeconds),
      bullmq_plus_post_per_s: rate(r.ceilingSeconds),
      ratio: +r.ratio.toFixed(2),
      cpu_us_per_delivery: { ours: r.oursCpu, ceiling: r.ceilingCpu },
      cpu_ratio: +r.cpuRatio.toFixed(2),
      store_work_per_delivery: r.work,
      ratio_bound_all_cores_busy: +r.bound.toFixed(2),
    })),
    median_round: {
      ours_deliveries_per_s: rate(median.oursSeconds),
      ours_seconds: +median.oursSeconds.toFixed(2),
      bullmq_plus_post_per_s: rate(median.ceilingSeconds),
    },
    ratio_to_bullmq_plus_post: +median.ratio.toFixed(2),
    cpu_ratio_median_round: +[...rounds]
      .sort((a, b) => a.cpuRatio - b.cpuRatio)
      [Math.floor(rounds.length / 2)].cpuRatio.toFixed(2),
    attempts_recorded: attempts,
    latency_offered_events_per_s: Math.round(offeredRate),
    latency_p50_ms: Math.round(latency.p50),
    latency_p99_ms: Math.round(latency.p99),
    latency_max_ms: Math.round(latency.max),
  };
  console.log(JSON.stringify(result, null, 2));
  const m = result.median_round;
  console.log(
    `| ${app.queue} | ${m.ours_deliveries_per_s}/s (${deliveries} in ${m.ours_seconds} s) | raw signed POST ${result.raw_signed_post_per_s}/s · BullMQ no-op ${result.bullmq_noop_jobs_per_s}/s · BullMQ+POST ${m.bullmq_plus_post_per_s}/s | **${result.ratio_to_bullmq_plus_post}** (rounds ${result.rounds.map((r) => r.ratio).join(', ')}; bound with all cores busy ${result.rounds.map((r) => r.ratio_bound_all_cores_busy).join(', ')}) | p50 ${result.latency_p50_ms} ms · p99 ${result.latency_p99_ms} ms at ${result.latency_offered_events_per_s} events/s |`,
  );
  const cpuRow = (r) => {
    const o = r.cpu_us_per_delivery.ours;
    const c = r.cpu_us_per_delivery.ceiling;
    return `${oursParts.map((k) => o[k]).join(' + ')} = ${o.total} (${o.cores} cores) vs ${ceilingParts.map((k) => c[k]).join(' + ')} = ${c.total} (${c.cores} cores): ${r.cpu_ratio}`;
  };
  console.log(
    `| ${app.queue} | CPU ratio ${result.cpu_ratio_median_round} (target ≤ ${CPU_TARGET}) | rounds, µs per delivery, ours (${oursParts.join(' + ')}) vs ceiling (${ceilingParts.join(' + ')}): ${result.rounds.map(cpuRow).join(' · ')} |`,
  );
  const expected = warmup + deliveries * rounds.length;
  if (attempts < expected) throw new Error(`only ${attempts} attempts recorded for ${expected} deliveries`);
}

module.exports = { webhookDelivery, timedBurst };

// Shared pieces of the benchmarks: a PostgreSQL with default durability, a Buildium sandbox in its own
// process, the real app as a child process, and small helpers. Everything started is stopped by stopAll().
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { Worker } = require('node:worker_threads');
const { Redis } = require('ioredis');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '..');
const children = [];

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const reachable = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a helper process; resolves with it and the first line it prints. `onLine` gets every later line. */
function startChildProcess(args, env = {}, onLine = undefined) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      resolve({ child, line });
      if (onLine) lines.on('line', onLine);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

/** Starts a helper process and resolves with the first line it prints; `onLine` gets every later line. */
const startChild = (args, env = {}, onLine = undefined) =>
  startChildProcess(args, env, onLine).then(({ line }) => line);

function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

/** What /proc counts CPU time in: clock ticks of 10 ms (USER_HZ 100). */
const TICK_MS = 10;

/**
 * CPU milliseconds (user + system) a process has used so far; 0 once it is gone. With `reaped`, also that of its
 * children that ended and were waited for (a build's compiler run by a shell run by npm).
 */
function cpuMsOf(pid, { reaped = false } = {}) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0);
    return ticks * TICK_MS;
  } catch {
    return 0;
  }
}

/** The pid and every descendant of it, from /proc (the app's helper processes, or npm's shell and what it runs). */
function processTree(root) {
  const children = new Map();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(pid)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [];
  for (const queue = [root]; queue.length > 0;) {
    const pid = queue.shift();
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** A process's command line, its arguments joined by spaces; '' once it is gone. */
function commandLineOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** CPU milliseconds used so far by each process whose command line matches `pattern`, by pid. */
function cpuMsOfCommands(pattern) {
  const byPid = new Map();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)))
    if (pattern.test(commandLineOf(pid))) byPid.set(pid, cpuMsOf(pid));
  return byPid;
}

/**
 * CPU milliseconds used so far by each process a webhook delivery involves, by pid: the app's processes
 * (`appPids`), the PostgreSQL backends connected to `dbName`, Redis, the receiver, and this (the benchmark's)
 * process. `redisPid` and `receiverPid` count only those processes (a private Redis, this run's receiver), not
 * every redis-server and receiver on the machine, which other runs may share.
 */
function deliveryCpuMs(appPids, dbName, { redisPid, receiverPid } = {}) {
  const own = process.cpuUsage();
  const only = (pid) => new Map([[String(pid), cpuMsOf(pid)]]);
  return {
    app: new Map(appPids.map((pid) => [String(pid), cpuMsOf(pid)])),
    postgres: cpuMsOfCommands(new RegExp(`^postgres: \\S+ ${dbName} `)),
    redis: redisPid ? only(redisPid) : cpuMsOfCommands(/^redis-server /),
    receiver: receiverPid ? only(receiverPid) : cpuMsOfCommands(/receiver-server\.js/),
    bench: new Map([[String(process.pid), (own.user + own.system) / 1000]]),
  };
}

/**
 * A redis-server of this run's own on a free port (no persistence), so the Redis CPU it reads is its own and no
 * other run flushes its databases; null when redis-server is not installed.
 */
async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const started = await new Promise((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
  });
  if (!started) return null;
  children.push(child);
  for (let i = 0; !(await reachable(port)); i++) {
    if (i > 100) throw new Error('redis-server did not start');
    await sleep(50);
  }
  return { port, pid: child.pid };
}

/**
 * µs of CPU per item of `count` for each of `parts` between two deliveryCpuMs snapshots, and their total. A
 * process that ended in between (an idle pool connection closed) no longer counts; one that started counts whole.
 */
function cpuPerItem(before, after, count, parts) {
  const used = (part) => [...after[part]].reduce((sum, [pid, ms]) => sum + ms - (before[part].get(pid) ?? 0), 0);
  const each = Object.fromEntries(parts.map((k) => [k, Math.round((used(k) * 1000) / count)]));
  return { ...each, total: parts.reduce((sum, k) => sum + each[k], 0) };
}

/**
 * Where a part of a benchmark's side (cpuMeter) takes its CPU from: each gives a function returning the CPU ms so far
 * of the part's processes, by pid.
 */
const cpuOf = {
  /**
   * A process and its descendants (the app may run helper processes); `reaped` adds each one's ended children's;
   * `command` keeps only the processes whose command line it accepts.
   */
  tree:
    (pid, { reaped = false, command = () => true } = {}) =>
    () =>
      new Map(
        processTree(pid)
          .filter((p) => command(commandLineOf(p)))
          .map((p) => [String(p), cpuMsOf(p, { reaped })]),
      ),
  /** One process. */
  pid: (pid) => () => new Map([[String(pid), cpuMsOf(pid)]]),
  /** The PostgreSQL backends connected to these databases (each database of a run has its own name). */
  backends:
    (...dbNames) =>
    () =>
      cpuMsOfCommands(new RegExp(`^postgres: \\S+ (${dbNames.join('|')}) `)),
  /** The Redis on 6379: the whole server, so another benchmark running at the same time on another db counts too. */
  redis: () => () => cpuMsOfCommands(/^redis-server \S*:6379\b/),
  /** This, the benchmark's, process (its ceiling loops). */
  own: () => () => {
    const used = process.cpuUsage();
    return new Map([[String(process.pid), (used.user + used.system) / 1000]]);
  },
};

/**
 * The sides of a sync or write benchmark: ours (the app's processes, the PostgreSQL backends of its databases, Redis)
 * and, apart, the vendor's sandbox when it runs in a process of its own.
 */
const appSides = (appPid, dbNames, sandboxPid = undefined) => ({
  ours: { app: cpuOf.tree(appPid), postgres: cpuOf.backends(...dbNames), redis: cpuOf.redis() },
  ...(sandboxPid ? { sandbox: { sandbox: cpuOf.pid(sandboxPid) } } : {}),
});
/** The side of a ceiling loop run by this process on one connection (`backendPid`: its pg_backend_pid()). */
const ceilingSide = (backendPid) => ({ ceiling: { bench: cpuOf.own(), postgres: cpuOf.pid(backendPid) } });

/**
 * Measures, from now until stop(), the CPU of each side of a benchmark part by part: `sides` maps a side (ours, the
 * ceiling, the sandbox apart) to its parts, each a cpuOf source. Every process is read at the start, every `everyMs`
 * and at stop(), and counted up to its last reading: a pool connection (a PostgreSQL backend) that closes during a
 * run keeps its CPU; a process that starts meanwhile counts whole. `everyMs: 0` reads only at the two ends, for
 * sides whose processes outlive the window (reading /proc costs this process CPU, which a ceiling counts).
 * stop() gives the window's wall seconds and the CPU ms of each part: { seconds, ms: { side: { part: ms } } }.
 */
function cpuMeter(sides, { everyMs = 1000 } = {}) {
  const read = () =>
    Object.fromEntries(
      Object.entries(sides).map(([side, parts]) => [
        side,
        Object.fromEntries(Object.entries(parts).map(([part, of]) => [part, of()])),
      ]),
    );
  const first = read();
  const latest = read();
  const keep = (reading) => {
    for (const [side, parts] of Object.entries(reading))
      for (const [part, byPid] of Object.entries(parts)) {
        const kept = latest[side][part];
        for (const [pid, ms] of byPid) kept.set(pid, Math.max(ms, kept.get(pid) ?? 0));
      }
  };
  const started = process.hrtime.bigint();
  const timer = everyMs > 0 ? setInterval(() => keep(read()), everyMs).unref() : undefined;
  return {
    stop() {
      clearInterval(timer);
      keep(read());
      const used = (side, part) =>
        [...latest[side][part]].reduce((sum, [pid, ms]) => sum + ms - (first[side][part].get(pid) ?? 0), 0);
      return {
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        ms: Object.fromEntries(
          Object.entries(sides).map(([side, parts]) => [
            side,
            Object.fromEntries(Object.keys(parts).map((part) => [part, used(side, part)])),
          ]),
        ),
      };
    },
  };
}

/**
 * How a process's threads were scheduled from now until stop(), from /proc/<pid>/task/<tid>/schedstat (ns running, ns
 * runnable but waiting for a core): its main thread (the one that runs the JavaScript) apart from the others (V8's
 * collector and compiler helpers, libuv's pool). Says whether the main thread bounds a run: runnable nearly all of
 * it, and how much of that it waited for a core. stop() gives null where the kernel keeps no schedstat.
 */
function threadSchedule(pid) {
  const read = () => {
    const threads = new Map();
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        const [run, wait] = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
        threads.set(tid, { run, wait });
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return threads;
  };
  if (!fs.existsSync(`/proc/${pid}/task/${pid}/schedstat`)) return { stop: () => null };
  const first = read();
  const started = process.hrtime.bigint();
  return {
    /** The window's wall seconds, and the seconds each kind of thread ran and waited for a core. */
    stop() {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const last = read();
      const used = (tid, key) => (last.get(tid)[key] - (first.get(tid)?.[key] ?? 0)) / 1e9;
      const others = [...last.keys()].filter((tid) => tid !== String(pid));
      return {
        seconds,
        main: { run: used(String(pid), 'run'), wait: used(String(pid), 'wait') },
        others: { threads: others.length, run: others.reduce((sum, tid) => sum + used(tid, 'run'), 0) },
      };
    },
  };
}

/** A CPU-bound loop for a worker thread: SHA-256 of 1 KB, as often as it can for `ms`; posts how many it made. */
const CAPACITY_PROBE = `const { parentPort, workerData } = require('node:worker_threads');
const { hash } = require('node:crypto');
const text = 'x'.repeat(1024);
const end = Date.now() + workerData;
let done = 0;
while (Date.now() < end) for (let i = 0; i < 100; i++, done++) hash('sha256', text);
parentPort.postMessage(done);`;

/**
 * How much of two cores this machine gives right now: the same CPU-bound loop on one thread, then on two at once, for
 * `ms` each, `rounds` times; the median of the two threads' work over the one's (2 when both cores are whole, 1 when
 * they share one). A VM's two cores may be two threads of one physical core, or have their host's other work beside
 * them: ours keeps two cores busy and the ceiling one, so a run where this falls says the machine, not the code, moved
 * the ratio. Run it with nothing else busy.
 */
async function twoCoreCapacity(ms = 500, rounds = 3) {
  const probe = () =>
    new Promise((resolve, reject) =>
      new Worker(CAPACITY_PROBE, { eval: true, workerData: ms }).once('message', resolve).once('error', reject),
    );
  const run = (threads) => Promise.all(Array.from({ length: threads }, probe));
  const ratios = [];
  for (let i = 0; i < rounds; i++) {
    const [one] = await run(1);
    const two = (await run(2)).reduce((sum, done) => sum + done, 0);
    ratios.push(two / one);
  }
  return +ratios.sort((a, b) => a - b)[Math.floor(rounds / 2)].toFixed(2);
}

/** The machine's steal time so far (/proc/stat, in seconds over all its cores): time its host ran something else. */
function stealSeconds() {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  return (Number(cpu[8] ?? 0) * TICK_MS) / 1000;
}

/** The kinds of pause the app's `nodejs_gc_duration_seconds` reports, by what V8 calls them. */
const GC_KINDS = { minor: 'scavenges', major: 'mark_compacts', incremental: 'incremental_marking' };

/**
 * The app's garbage collection from now until stop(), read from its /metrics (nodejs_gc_duration_seconds: every
 * pause of the main thread, by kind; src/platform/observability/gc-pauses.ts): how many scavenges, mark-compacts and
 * incremental marking steps, and the seconds they held the main thread. What V8's helper threads do at the same
 * time is not in it (threadSchedule's other threads). stop() gives null when the app has no such metric.
 */
async function gcPauses(base) {
  const read = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const kinds = {};
    for (const [, part, kind, value] of text.matchAll(
      /^nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} (\S+)$/gm,
    ))
      (kinds[kind] ??= { sum: 0, count: 0 })[part] = Number(value);
    return kinds;
  };
  const first = await read();
  return {
    async stop() {
      const last = await read();
      if (!last.minor) return null;
      return Object.fromEntries(
        Object.entries(GC_KINDS).map(([kind, name]) => [
          name,
          {
            count: (last[kind]?.count ?? 0) - (first[kind]?.count ?? 0),
            seconds: (last[kind]?.sum ?? 0) - (first[kind]?.sum ?? 0),
          },
        ]),
      );
    },
  };
}

/** Stopped gcPauses for `units` units of work: each kind's count and main-thread seconds, and the pauses per unit. */
function gcFigures(stopped, units) {
  if (!stopped) return null;
  const kinds = Object.fromEntries(
    Object.entries(stopped).map(([name, { count, seconds }]) => [name, { count, seconds: +seconds.toFixed(2) }]),
  );
  const seconds = Object.values(stopped).reduce((sum, kind) => sum + kind.seconds, 0);
  return { ...kinds, main_thread_us_per_unit: usPerUnit(seconds, units) };
}

/** Seconds of CPU over `units` units of work, in whole µs per unit. */
const usPerUnit = (seconds, units) => Math.round((seconds * 1e6) / units);

/** A stopped threadSchedule for `units` units of work: each kind of thread's CPU per unit, the main thread's shares. */
function scheduleFigures(stopped, units) {
  if (!stopped) return null;
  const { seconds, main, others } = stopped;
  const share = (s) => +(s / seconds).toFixed(2);
  return {
    main_thread: {
      cpu_us_per_unit: usPerUnit(main.run, units),
      running: share(main.run),
      waiting_for_a_core: share(main.wait),
      runnable: share(main.run + main.wait),
    },
    other_threads: { threads: others.threads, cpu_us_per_unit: usPerUnit(others.run, units) },
  };
}

/** Stopped cpuMeters' figures added up: the seconds and each part's CPU of windows measured apart. */
function sumMeterWindows(windows) {
  const sum = { seconds: 0, ms: {} };
  for (const { seconds, ms } of windows) {
    sum.seconds += seconds;
    for (const [side, parts] of Object.entries(ms)) {
      sum.ms[side] ??= {};
      for (const [part, used] of Object.entries(parts)) sum.ms[side][part] = (sum.ms[side][part] ?? 0) + used;
    }
  }
  return sum;
}

const CPU_UNITS = { µs: 1000, ms: 1, s: 1 / 1000 };
/**
 * A stopped cpuMeter's figures for `units` units of work (records, writes, starts): per side, the CPU per unit of
 * each part and their total (in `unit`: µs, ms or s), and the cores the side kept busy (its CPU seconds / the
 * window's wall seconds), which says how much of the machine it had: compare CPU per unit across machines.
 */
function cpuFigures({ seconds, ms }, units, unit = 'µs') {
  const per = (value) => +((value * CPU_UNITS[unit]) / units).toFixed(unit === 's' ? 2 : 0);
  return Object.fromEntries(
    Object.entries(ms).map(([side, parts]) => {
      const total = Object.values(parts).reduce((sum, value) => sum + value, 0);
      const perUnit = Object.fromEntries(Object.entries(parts).map(([part, value]) => [part, per(value)]));
      return [side, { cpu_per_unit: { ...perUnit, total: per(total) }, cores: +(total / 1000 / seconds).toFixed(2) }];
    }),
  );
}

/**
 * The best ratio this machine's cores allow ours: its rate if it kept every core busy (cores ÷ its CPU µs per unit,
 * the sandbox apart) over the ceiling's rate. Below the target, the target cannot be met here without less CPU.
 */
const ratioBoundAllCoresBusy = (oursUsPerUnit, ceilingPerSecond) =>
  +((os.availableParallelism() * 1e6) / oursUsPerUnit / ceilingPerSecond).toFixed(2);

/** One figure of each side of cpuFigures (`cpu_per_unit` or `cores`), for a benchmark's JSON. */
const bySide = (figures, key) => Object.fromEntries(Object.entries(figures).map(([side, f]) => [side, f[key]]));

const PART_LABELS = { postgres: 'PostgreSQL', redis: 'Redis' };
/** cpuFigures as table cells: "ours 95 µs (app 60, PostgreSQL 30, Redis 5) · sandbox 20 µs · ceiling 40 µs (…)". */
function cpuCells(figures, unit = 'µs') {
  const number = (value) => value.toLocaleString('en-US');
  const perUnit = Object.entries(figures)
    .map(([side, { cpu_per_unit: parts }]) => {
      const names = Object.keys(parts).filter((part) => part !== 'total');
      const detail =
        names.length > 1 || names[0] !== side
          ? ` (${names.map((part) => `${PART_LABELS[part] ?? part} ${number(parts[part])}`).join(', ')})`
          : '';
      return `${side} ${number(parts.total)} ${unit}${detail}`;
    })
    .join(' · ');
  const cores = Object.entries(figures)
    .map(([side, { cores: used }]) => `${side} ${used}`)
    .join(' · ');
  return { perUnit, cores };
}

/** One target of an issue that a benchmark measures: its figure, the bound (≥, ≤ or =) and whether it is met. */
function target(name, value, bound, limit) {
  const met = bound === '≥' ? value >= limit : bound === '≤' ? value <= limit : value === limit;
  return { name, value, target: `${bound} ${limit}`, met };
}
/** The middle value (the mean of the two middle ones for an even count). */
function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length % 2
    ? sorted[sorted.length >> 1]
    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
}
/** Prints each target with "target met: yes/no". */
function printTargets(targets) {
  for (const t of targets)
    console.log(`${t.name}: ${t.value} (target ${t.target}) — target met: ${t.met ? 'yes' : 'no'}`);
}
/** A target as a table cell: "**0.62** (≥ 0.75: not met)". */
const targetCell = (t, unit = '') => `**${t.value}${unit}** (${t.target}${unit}: ${t.met ? 'met' : 'not met'})`;

/** A V8 CPU profile (`--cpu-prof`) with its nodes by id and each node's parent id. */
function readProfile(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  return { profile, byId: new Map(profile.nodes.map((node) => [node.id, node])), parent };
}

/** Calls `visit(nodeId, µs)` for each busy sample (neither idle nor "program") of a readProfile in [fromUs, toUs]. */
function forEachBusySample({ profile, byId }, fromUs, toUs, visit) {
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t > toUs) return;
    const { functionName } = byId.get(id).callFrame;
    if (functionName !== '(idle)' && functionName !== '(program)') visit(id, delta);
  });
}

/**
 * Top `n` frames by self time of the busy samples in [fromUs, toUs] of a V8 CPU profile (wall-clock samples: on a
 * loaded machine they include time the thread was runnable but not running), each with the JavaScript function
 * nearest above it in the stack that is ours or a library's (`via`), so a native frame (writev, GC) has a cause.
 */
function topFrames(profileFile, fromUs, toUs, n = 15) {
  const read = readProfile(profileFile);
  const { byId, parent } = read;
  const name = ({ functionName, url, lineNumber }) => {
    const where = url
      ? `${url.replace(/^file:\/\//, '').replace(/^.*(node_modules|dist)\//, '')}:${lineNumber + 1}`
      : '';
    return `${functionName || '(anonymous)'} ${where}`.trim();
  };
  const caller = (id) => {
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const frame = byId.get(up).callFrame;
      if (frame.url && !frame.url.startsWith('node:')) return name(frame);
    }
    return '';
  };
  const self = new Map();
  let busy = 0;
  forEachBusySample(read, fromUs, toUs, (id, delta) => {
    busy += delta;
    const key = name(byId.get(id).callFrame);
    const entry = self.get(key) ?? { us: 0, via: new Map() };
    entry.us += delta;
    const via = caller(id);
    entry.via.set(via, (entry.via.get(via) ?? 0) + delta);
    self.set(key, entry);
  });
  const share = (us) => `${((us / busy) * 100).toFixed(1)} %`;
  return {
    busySeconds: +(busy / 1e6).toFixed(2),
    top: [...self]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, n)
      .map(([frame, { us, via }]) => {
        const callers = [...via].sort((a, b) => b[1] - a[1]).slice(0, 3);
        return `${share(us)} ${frame}${callers[0]?.[0] ? ` via ${callers.map(([c, v]) => `${c} (${share(v)})`).join(', ')}` : ''}`;
      }),
  };
}

async function withClient(url, fn) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let serverUrl;
/** A fresh database on the benchmark PostgreSQL (BENCH_DATABASE_URL, or one started with default settings). */
async function createDatabase() {
  serverUrl ??=
    process.env.BENCH_DATABASE_URL ??
    (await startChild([path.join(ROOT, 'test/support/test-postgres.mjs')], { PG_DURABLE: '1' }));
  const dbName = `latchkey_bench_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (db) => db.query(`CREATE DATABASE ${dbName}`));
  return Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
}

/**
 * The Buildium sandbox with `residents` residents, in its own process (`pid`). `ledgers` (issue 21): `none` by
 * default, so the sync benchmarks of the first four models keep their data (and figures) of before ledgers existed.
 * `replay`: it answers a GET it answered before with the same bytes (bench/sandbox-server.js), once
 * recordSandboxAnswers has asked for its pages; `replayed()` counts the answers replayed and rendered.
 */
async function startSandbox(residents, { ledgers = 'none', replay = false } = {}) {
  const credentials = { clientId: 'bench-client', secret: `bench-${randomBytes(8).toString('hex')}` };
  const startedAt = Date.now();
  const { child, line } = await startChildProcess([
    path.join(__dirname, 'sandbox-server.js'),
    String(residents),
    credentials.clientId,
    credentials.secret,
    ledgers,
    replay ? 'replay' : 'live',
  ]);
  const sandbox = { ...JSON.parse(line), pid: child.pid };
  console.log(`sandbox: ${JSON.stringify(sandbox.counts)} generated in ${Date.now() - startedAt} ms`);
  const control = async (method, route, body) => {
    const res = await fetch(`${sandbox.url}/_control/${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status}`);
    return res.json();
  };
  const replayed = async () => (await fetch(`${sandbox.url}/_bench/replay`)).json();
  return { ...sandbox, credentials, control, replayed };
}

/**
 * Whether a sync benchmark replays the sandbox's answers (the default since 2026-12-06; BENCH_SANDBOX_LIVE=1 renders
 * every page during the timed run, as before): the sandbox stands in for a vendor whose CPU is not on our machine.
 */
const replaySandbox = () => !process.env.BENCH_SANDBOX_LIVE;

/** How the sandbox answered during a timed run, from its counts before and after: e.g. `replayed 257 of 257 answers`. */
function sandboxAnswers(before, after) {
  const replayed = after.replayed - before.replayed;
  return `replayed ${replayed} of ${replayed + after.rendered - before.rendered} answers`;
}

/**
 * Asks a replaying sandbox for every page a sync of `integration` (the benchmark's own settings) will ask for, by
 * running that sync, untimed, with its own app on a database of its own, dropped after. `afterSync(dbUrl)` runs on
 * that database once its app has stopped (the first-sync ceiling measured before the timed run). Returns the seconds
 * the sync took and what `afterSync` returned.
 */
async function recordSandboxAnswers(sandbox, integration, afterSync = async () => undefined) {
  const startedAt = Date.now();
  const dbUrl = await createDatabase();
  const app = await startApp(dbUrl);
  try {
    const { result } = await app.api('POST', '/v1/admin/integrations/', integration);
    const { run } = await waitForRun(dbUrl, await startFirstSync(app, dbUrl, result.id));
    if (run.status !== 'SUCCEEDED') throw new Error(`the sync that records the sandbox's answers ended ${run.status}`);
  } finally {
    await app.stop();
  }
  const seconds = (Date.now() - startedAt) / 1000;
  try {
    return { seconds, after: await afterSync(dbUrl) };
  } finally {
    const database = new URL(dbUrl).pathname.slice(1);
    await withClient(serverUrl, (db) => db.query(`DROP DATABASE ${database}`));
  }
}

/**
 * `node dist/main.js all` on `dbUrl`, the queue on Redis when one answers on `redisPort` (default 6379; BENCH_QUEUE overrides).
 * `build` names another compiled tree beside dist/ and `redisDb` another Redis database, so two apps can run side by side;
 * `role` starts another role (a `worker` beside an app: pass that app's LATCHKEY_ENCRYPTION_KEY in `extraEnv`).
 */
async function startApp(
  dbUrl,
  extraEnv = {},
  extraNodeArgs = [],
  { build = 'dist', redisDb = Number(process.env.BENCH_REDIS_DB ?? 15), role = 'all', redisPort = 6379 } = {},
) {
  const queue = process.env.BENCH_QUEUE ?? ((await reachable(redisPort)) ? 'redis' : 'postgres');
  const redisUrl = `redis://127.0.0.1:${redisPort}/${redisDb}`;
  if (queue === 'redis' && role === 'all') {
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    await redis.quit();
  }
  const port = await freePort();
  const apiKey = `lk_bench_${randomBytes(12).toString('hex')}`;
  const encryptionKey = extraEnv.LATCHKEY_ENCRYPTION_KEY ?? randomBytes(32).toString('base64');
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the app.
  const nodeArgs = [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...extraNodeArgs];
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, build, 'main.js'), role], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: dbUrl,
      REDIS_URL: queue === 'redis' ? redisUrl : '',
      LATCHKEY_API_KEY: apiKey,
      LATCHKEY_ENCRYPTION_KEY: encryptionKey,
      OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8',
      SANDBOX: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      ...extraEnv,
    },
  });
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      (await fetch(`${base}/ready`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      break;
    if (i > 600) throw new Error('the app did not become ready');
    await sleep(100);
  }
  const api = async (method, url, body) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  return { child, queue, api, stop, base, apiKey, encryptionKey };
}

/** Activates an integration, which starts its first sync; returns that sync run's id. */
async function startFirstSync(app, dbUrl, integrationId) {
  await app.api('PUT', `/v1/admin/integrations/${integrationId}/`, { active: true });
  const { rows } = await withClient(dbUrl, (db) =>
    db.query('SELECT id FROM sync_runs WHERE integration_id = $1', [integrationId]),
  );
  if (!rows[0]) throw new Error('activating the integration started no sync');
  return rows[0].id;
}

/**
 * Polls until the run ends, on one connection (a connection per poll would cost a backend's start each time, counted
 * as the app's database's CPU); samples the app's RSS meanwhile.
 */
async function waitForRun(dbUrl, runId, pid) {
  let peakRss = 0;
  return withClient(dbUrl, async (db) => {
    for (;;) {
      if (pid) peakRss = Math.max(peakRss, rssOf(pid).rss);
      const run = (
        await db.query(
          'SELECT id, status, started_at, finished_at, successful_job_count, failed_job_count FROM sync_runs WHERE id = $1',
          [runId],
        )
      ).rows[0];
      if (run && run.status !== 'RUNNING' && run.status !== 'QUEUED')
        return { run, peakRss: pid ? Math.max(peakRss, rssOf(pid).hwm) : 0 };
      await sleep(100);
    }
  });
}

async function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await sleep(1500);
}

/**
 * The models the residents benchmarks sync (`models_to_sync`): what their earlier figures measured, without the
 * money and maintenance models (Buildium's ledgers alone are two requests per lease); bench/ledger-first-sync.js
 * measures those.
 */
const CORE_MODELS = ['properties', 'units', 'residents', 'leases'];

/**
 * The order a first-sync ceiling writes the synced rows in (ORDER BY of the rows read back), BENCH_CEILING_ORDER:
 * `pages` (the default): the pages the sync wrote, each page's rows sharing its created_at: the order a first sync
 * receives them in from the vendor, our ids (hashes) spread over every page. `id`: sorted by id, so each page appends
 * to the end of the empty indexes: an order no sync can write in without holding every record first (measured 1.05 ×
 * the pages' rate on average, inside the ceiling's spread); the ceiling of the benchmarks before 2026-12-06.
 */
const CEILING_ORDERS = { pages: ['created_at', 'id'], id: ['id'] };
function ceilingOrder(name = process.env.BENCH_CEILING_ORDER ?? 'pages') {
  const columns = CEILING_ORDERS[name];
  if (!columns) throw new Error(`BENCH_CEILING_ORDER must be one of ${Object.keys(CEILING_ORDERS).join(', ')}`);
  return { name, columns };
}

module.exports = {
  ROOT,
  CORE_MODELS,
  ceilingOrder,
  freePort,
  startChild,
  startChildProcess,
  createDatabase,
  gcFigures,
  gcPauses,
  twoCoreCapacity,
  stealSeconds,
  startSandbox,
  recordSandboxAnswers,
  replaySandbox,
  sandboxAnswers,
  startApp,
  startRedis,
  startFirstSync,
  waitForRun,
  withClient,
  rssOf,
  cpuMsOf,
  cpuMsOfCommands,
  processTree,
  cpuOf,
  appSides,
  ceilingSide,
  cpuMeter,
  scheduleFigures,
  sumMeterWindows,
  threadSchedule,
  bySide,
  cpuFigures,
  cpuCells,
  ratioBoundAllCoresBusy,
  target,
  median,
  printTargets,
  targetCell,
  deliveryCpuMs,
  cpuPerItem,
  readProfile,
  topFrames,
  forEachBusySample,
  sleep,
  stopAll,
};

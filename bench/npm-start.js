// `npm start` benchmark (issue 18): seconds from `npm start` to `/ready` answering 200 in embedded mode (its
// own PostgreSQL under a data folder of its own, initialised before the first timed start). Three kinds of
// start, BENCH_START_ROUNDS of each (default 3), in turn: full (dist/ removed, as after a clone), changed (one
// source file changed since the last start: a probe file the benchmark writes, removed at the end with its
// output) and warm (nothing changed). The CPU of a start, from /proc when /ready answers (every process under npm,
// with the children each has reaped): npm and the build it ran, the app, the embedded PostgreSQL; mean per start
// of each kind, and the cores the start kept busy. No target was set for a start's time.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { cpuFigures, cpuMeter, cpuOf, freePort, median, sleep } = require('./lib');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const PROBE = path.join(ROOT, 'src', 'bench-start-probe.ts');

const isPostgres = (command) => /(^|\/)postgres( |:|$)/.test(command);
const isApp = (command) => command.includes('dist/main.js');
/** The parts of a start: each process under npm by its command line, counted with the children it has reaped. */
const startParts = (pid) => ({
  npm: cpuOf.tree(pid, { reaped: true, command: (c) => !isPostgres(c) && !isApp(c) }),
  app: cpuOf.tree(pid, { reaped: true, command: isApp }),
  postgres: cpuOf.tree(pid, { reaped: true, command: isPostgres }),
});

/**
 * `npm start` in its own process group; resolves, after stopping it, with the milliseconds until /ready and the CPU
 * its processes used until then (a cpuMeter's reading).
 */
async function timedStart(dataDir) {
  const port = await freePort();
  const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port) };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'LATCHKEY_API_KEY', 'LATCHKEY_ENCRYPTION_KEY']) delete env[name];
  const started = Date.now();
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Read at the two ends only: a process that ends meanwhile is in its parent's reaped CPU by then.
  const cpu = cpuMeter({ start: startParts(child.pid) }, { everyMs: 0 });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return { ms: Date.now() - started, cpu: cpu.stop() };
      if (Date.now() - started > 180_000) throw new Error('npm start did not become ready in 180 s');
      await sleep(100);
    }
  } finally {
    process.kill(-child.pid, 'SIGTERM'); // npm, its shell and the app: one process group
    await exited;
    await sleep(500); // the app stops its embedded PostgreSQL on its way out
  }
}

async function npmStart() {
  const rounds = Number(process.env.BENCH_START_ROUNDS ?? 3);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-bench-start-'));
  try {
    await timedStart(dataDir); // initialises the data folder (initdb, migrations, key) and builds if needed
    const starts = { full: [], changed: [], warm: [] };
    for (let i = 0; i < rounds; i++) {
      fs.rmSync(DIST, { recursive: true, force: true });
      starts.full.push(await timedStart(dataDir));
      fs.writeFileSync(PROBE, `export const BENCH_START_PROBE = ${Date.now()};\n`);
      starts.changed.push(await timedStart(dataDir));
      starts.warm.push(await timedStart(dataDir));
    }
    const seconds = (ms) => +(ms / 1000).toFixed(1);
    /** The CPU of a kind's starts together, per start. */
    const cpuPerStart = (runs) =>
      cpuFigures(
        {
          seconds: runs.reduce((sum, r) => sum + r.cpu.seconds, 0),
          ms: {
            start: Object.fromEntries(
              Object.keys(runs[0].cpu.ms.start).map((part) => [
                part,
                runs.reduce((sum, r) => sum + r.cpu.ms.start[part], 0),
              ]),
            ),
          },
        },
        runs.length,
        's',
      );
    const figures = Object.fromEntries(Object.entries(starts).map(([kind, runs]) => [kind, cpuPerStart(runs)]));
    const result = Object.fromEntries(
      Object.entries(starts).map(([kind, runs]) => {
        const ms = runs.map((r) => r.ms);
        return [
          kind,
          {
            median_s: seconds(median(ms)),
            runs_s: ms.map(seconds),
            cpu_s_per_start: figures[kind].start.cpu_per_unit,
            cores_used: figures[kind].start.cores,
          },
        ];
      }),
    );
    console.log(JSON.stringify(result));
    console.log('no target was set for the time of a start (issue 18): target met: n/a');
    const cell = (kind) => {
      const { npm, app, postgres, total } = result[kind].cpu_s_per_start;
      return `${result[kind].median_s} s (${result[kind].runs_s.join(', ')}); CPU ${total} s a start (npm and its build ${npm}, app ${app}, PostgreSQL ${postgres}), ${result[kind].cores_used} cores`;
    };
    console.log(
      `| \`npm start\` to /ready, embedded mode | full build ${cell('full')} | one file changed ${cell('changed')} | unchanged ${cell('warm')} |`,
    );
    return result;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    for (const file of [PROBE, path.join(DIST, 'bench-start-probe.js'), path.join(DIST, 'bench-start-probe.js.map')])
      fs.rmSync(file, { force: true });
  }
}

module.exports = { npmStart };

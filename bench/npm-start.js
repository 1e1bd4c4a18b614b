// `npm start` benchmark (issue 18): seconds from `npm start` to `/ready` answering 200 in embedded mode (its
// own PostgreSQL under a data folder of its own, initialised before the first timed start). Three kinds of
// start, BENCH_START_ROUNDS of each (default 3), in turn: full (dist/ removed, as after a clone), changed (one
// source file changed since the last start: a probe file the benchmark writes, removed at the end with its
// output) and warm (nothing changed).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort, sleep } = require('./lib');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const PROBE = path.join(ROOT, 'src', 'bench-start-probe.ts');

/** `npm start` in its own process group; resolves with the milliseconds until /ready, after stopping it. */
async function timedStart(dataDir) {
  const port = await freePort();
  const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port) };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'LATCHKEY_API_KEY', 'LATCHKEY_ENCRYPTION_KEY']) delete env[name];
  const started = Date.now();
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return Date.now() - started;
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
    const times = { full: [], changed: [], warm: [] };
    for (let i = 0; i < rounds; i++) {
      fs.rmSync(DIST, { recursive: true, force: true });
      times.full.push(await timedStart(dataDir));
      fs.writeFileSync(PROBE, `export const BENCH_START_PROBE = ${Date.now()};\n`);
      times.changed.push(await timedStart(dataDir));
      times.warm.push(await timedStart(dataDir));
    }
    const seconds = (ms) => +(ms / 1000).toFixed(1);
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const result = Object.fromEntries(
      Object.entries(times).map(([kind, ms]) => [kind, { median_s: seconds(median(ms)), runs_s: ms.map(seconds) }]),
    );
    console.log(JSON.stringify(result));
    const cell = (kind) => `${result[kind].median_s} s (${result[kind].runs_s.join(', ')})`;
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

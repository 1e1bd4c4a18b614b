// Gives the e2e suite one PostgreSQL server (TEST_DATABASE_URL, or an embedded one started here) and one
// Redis (TEST_REDIS_URL, or a private redis-server started here on a free port when the binary is
// installed, else 127.0.0.1:6379). Each test file creates its own database.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const reachable = (host, port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, host, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

async function startTestPostgres() {
  const child = spawn(process.execPath, [path.join(__dirname, 'test-postgres.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  globalThis.__TEST_POSTGRES__ = child;
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`test PostgreSQL exited with ${code}`)));
  });
}

async function startTestRedis() {
  if (spawnSync('redis-server', ['--version']).status !== 0) return 'redis://127.0.0.1:6379';
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  globalThis.__TEST_REDIS__ = child;
  for (let i = 0; i < 100 && !(await reachable('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 50));
  return `redis://127.0.0.1:${port}`;
}

module.exports = async (globalConfig) => {
  // How many files run at once (jest.config.js maxWorkers, or the command line's): testRedisUrl splits Redis by it.
  process.env.TEST_WORKERS = String(globalConfig.maxWorkers);
  if (!fs.existsSync(path.join(__dirname, '../../dist/main.js')))
    throw new Error('Build first: npm run build (npm test does it)');
  process.env.TEST_DATABASE_URL ??= await startTestPostgres();
  process.env.TEST_REDIS_URL ??= await startTestRedis();
  const { hostname, port } = new URL(process.env.TEST_REDIS_URL);
  if (!(await reachable(hostname, Number(port || 6379)))) {
    throw new Error(
      `Redis is not reachable at ${process.env.TEST_REDIS_URL}: install redis-server (apt-get install -y redis-server), run bash .ci/run, or set TEST_REDIS_URL`,
    );
  }
};

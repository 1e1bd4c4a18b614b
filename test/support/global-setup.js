// Gives the e2e suite one PostgreSQL server (TEST_DATABASE_URL, or an embedded one started here) and
// checks Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379). Each test file creates its own database.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

module.exports = async () => {
  if (!fs.existsSync(path.join(__dirname, '../../dist/main.js'))) throw new Error('Build first: npm run build (npm test does it)');
  if (!process.env.TEST_DATABASE_URL) {
    const child = spawn(process.execPath, [path.join(__dirname, 'test-postgres.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(out.trim()); });
      child.on('exit', (code) => reject(new Error(`test PostgreSQL exited with ${code}`)));
    });
    process.env.TEST_DATABASE_URL = url;
    globalThis.__TEST_POSTGRES__ = child;
  }
  process.env.TEST_REDIS_URL ??= 'redis://127.0.0.1:6379';
  const { hostname, port } = new URL(process.env.TEST_REDIS_URL);
  await new Promise((resolve, reject) => {
    const socket = net.connect(Number(port || 6379), hostname, () => { socket.end(); resolve(); });
    socket.on('error', () => reject(new Error(`Redis is not reachable at ${process.env.TEST_REDIS_URL}: start it (see .ci/run) or set TEST_REDIS_URL`)));
  });
};

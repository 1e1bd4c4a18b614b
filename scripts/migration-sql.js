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
const { schema, partialIndexSql } = withoutPartialIndexes(
  fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8').replace(/provider = "postgresql"\n/, 'provider = "postgresql"\n  url      = env("DATABASE_URL")\n'),
);
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
if (result.status === 0) process.stdout.write(partialIndexSql);
if (result.status !== 0) process.stderr.write(result.stderr);
process.exit(result.status ?? 1);

/**
 * Prisma 6 predates partial indexes (Prisma 7's `partialIndexes` preview: `@@index([...], map: "...", where:
 * raw("..."))`), so they leave the copy it diffs and are printed as the SQL Prisma 7 writes for them. Fields of
 * such an index must be their columns' names (no @map), and the index must be named with `map`.
 */
function withoutPartialIndexes(source) {
  let sql = '';
  let table = null;
  const withoutPreview = source.replace(/previewFeatures\s*=\s*\[([^\]]*)\]/, (_, list) => {
    const others = list.split(',').map((f) => f.trim()).filter((f) => f && f !== '"partialIndexes"');
    return others.length > 0 ? `previewFeatures = [${others.join(', ')}]` : '';
  });
  const kept = [];
  for (const line of withoutPreview.split('\n')) {
    const model = line.match(/^model (\w+) \{/);
    if (model) table = model[1];
    const mapped = line.match(/^\s*@@map\("([^"]+)"\)/);
    if (mapped) sql = sql.replaceAll(`"__table_of_${table}__"`, `"${mapped[1]}"`);
    const partial = line.match(/^\s*@@index\(\[([^\]]+)\], map: "([^"]+)", where: raw\("(.+)"\)\)\s*$/);
    if (!partial) {
      kept.push(line);
      continue;
    }
    const columns = partial[1].split(',').map((c) => `"${c.trim()}"`).join(', ');
    sql += `\n-- CreateIndex\nCREATE INDEX "${partial[2]}" ON "__table_of_${table}__"(${columns}) WHERE ${partial[3].replace(/\\"/g, '"')};\n`;
  }
  sql = sql.replace(/"__table_of_(\w+)__"/g, '"$1"'); // models without @@map keep their own name
  return { schema: kept.join('\n'), partialIndexSql: sql };
}

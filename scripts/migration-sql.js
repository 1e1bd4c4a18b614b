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
  fs
    .readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8')
    .replace(/provider = "postgresql"\n/, 'provider = "postgresql"\n  url      = env("DATABASE_URL")\n'),
);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-schema-'));
const schemaPath = path.join(dir, 'schema.prisma');
fs.writeFileSync(schemaPath, schema);

const args = [
  require.resolve('prisma6/build/index.js'),
  'migrate',
  'diff',
  '--config',
  path.join(root, 'prisma/prisma6-diff.config.ts'),
  '--from-empty',
  '--to-schema-datamodel',
  schemaPath,
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
else process.stderr.write(result.stderr);
process.exit(result.status ?? 1);

/**
 * Prisma 6 predates partial indexes (Prisma 7's `partialIndexes` preview: `@@index([...], map: "...", where:
 * raw("..."))`), so they leave the copy it diffs and are printed as the SQL Prisma 7 writes for them. Fields of
 * such an index must be their columns' names (no @map), and the index must be named with `map`.
 */
function withoutPartialIndexes(source) {
  const withoutPreview = source.replace(/previewFeatures\s*=\s*\[([^\]]*)\]/, (_, list) => {
    const others = list
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f && f !== '"partialIndexes"');
    return others.length > 0 ? `previewFeatures = [${others.join(', ')}]` : '';
  });
  const kept = [];
  let partialIndexSql = '';
  let model = null; // the model being read: its table (the model's name unless @@map says otherwise) and partial indexes
  for (const line of withoutPreview.split('\n')) {
    const partial = line.match(/^\s*@@index\(\[([^\]]+)\], map: "([^"]+)", where: raw\("(.+)"\)\)\s*$/);
    if (!partial) kept.push(line);
    const opened = line.match(/^model (\w+) \{/);
    if (opened) model = { table: opened[1], indexes: [] };
    if (!model) continue;
    const mapped = line.match(/^\s*@@map\("([^"]+)"\)/);
    if (mapped) model.table = mapped[1];
    if (partial) model.indexes.push(partial);
    if (line === '}') {
      for (const [, fields, name, predicate] of model.indexes) {
        const columns = fields
          .split(',')
          .map((f) => `"${f.trim()}"`)
          .join(', ');
        partialIndexSql += `\n-- CreateIndex\nCREATE INDEX "${name}" ON "${model.table}"(${columns}) WHERE ${predicate.replace(/\\"/g, '"')};\n`;
      }
      model = null;
    }
  }
  return { schema: kept.join('\n'), partialIndexSql };
}

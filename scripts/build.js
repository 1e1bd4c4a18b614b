#!/usr/bin/env node
// `npm run build`: `prisma generate`, then tsc into dist/. With --if-changed (`npm start`'s prestart) each step
// runs only when its inputs changed since the last build: the Prisma client when the schema (or the installed
// Prisma, through package-lock.json) changed, tsc when any source, tsconfig or dependency did, and then
// incrementally (dist/.tsbuildinfo: only what the change affects is checked and emitted again). The hashes of
// those inputs are kept beside what they produced (src/generated/prisma/.schema-stamp, dist/.build-stamp),
// written after the step succeeds, so a deleted output or a failed step runs again. Without the flag every step
// runs, from scratch.
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const STAMP = path.join(root, 'dist', '.build-stamp');
const BUILD_INFO = path.join(root, 'dist', '.tsbuildinfo');
const GENERATED_CLIENT = path.join(root, 'src', 'generated', 'prisma', 'client.ts');
const SCHEMA_STAMP = path.join(root, 'src', 'generated', 'prisma', '.schema-stamp');
const SCHEMA_INPUTS = ['prisma/schema.prisma', 'prisma.config.ts', 'package-lock.json', 'scripts/prisma-generate.js'];
const COMPILER_INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** SHA-256 over the files' paths and contents (a missing file counts as missing, not as an error). */
function hashOf(files) {
  const hash = crypto.createHash('sha256');
  for (const file of [...files].sort()) {
    const absolute = path.join(root, file);
    hash.update(`${file}\0${fs.existsSync(absolute) ? fs.readFileSync(absolute).toString('base64') : '-'}\0`);
  }
  return hash.digest('hex');
}

/** Every .ts file under src/, generated client included, as paths relative to the root. */
function sources(dir = 'src') {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sources(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

function read(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

function run(script, args) {
  execFileSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
}

const ifChanged = process.argv.includes('--if-changed');

const schema = hashOf(SCHEMA_INPUTS);
if (!ifChanged || read(SCHEMA_STAMP) !== schema || !fs.existsSync(GENERATED_CLIENT)) {
  run(path.join(root, 'scripts', 'prisma-generate.js'), []);
  fs.writeFileSync(SCHEMA_STAMP, `${schema}\n`);
}

const compiled = hashOf([...COMPILER_INPUTS, ...sources()]);
if (ifChanged && read(STAMP) === compiled && fs.existsSync(path.join(root, 'dist', 'main.js'))) {
  console.log('build: dist/ is up to date with the sources');
} else {
  // tsc trusts its build info that the outputs it lists exist: without dist/main.js, or for a full build, start over.
  if (!ifChanged || !fs.existsSync(path.join(root, 'dist', 'main.js'))) fs.rmSync(BUILD_INFO, { force: true });
  run(require.resolve('typescript/bin/tsc'), [
    '-p',
    'tsconfig.build.json',
    '--incremental',
    '--tsBuildInfoFile',
    BUILD_INFO,
  ]);
  fs.writeFileSync(STAMP, `${compiled}\n`);
}

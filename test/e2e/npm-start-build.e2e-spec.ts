import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * `npm start`'s prestart (`node scripts/build.js --if-changed`) in a copy of the repository: it builds what a
 * change needs and nothing when nothing changed, and what it leaves in dist/ always matches the sources.
 */
describe('npm start builds only what changed', () => {
  let copy: string;
  const prestart = () => {
    const run = spawnSync(process.execPath, ['scripts/build.js', '--if-changed'], {
      cwd: copy,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect({
      status: run.status,
      stderr: run.stderr.replace(/^(Loaded Prisma config|Prisma schema loaded).*\n|^\n/gm, ''),
    }).toEqual({ status: 0, stderr: '' });
    return {
      output: run.stdout + run.stderr,
      generated: /Prisma schema loaded/.test(run.stderr + run.stdout),
      upToDate: run.stdout.includes('up to date'),
    };
  };
  const dist = (file: string) => path.join(copy, 'dist', file);
  const mtime = (file: string) => fs.statSync(dist(file)).mtimeMs;

  beforeAll(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-build-'));
    for (const entry of [
      'src',
      'prisma',
      'scripts',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'prisma.config.ts',
    ]) {
      fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), {
        recursive: true,
        filter: (source) => !source.includes(`${path.sep}generated`),
      });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  });

  afterAll(() => {
    fs.rmSync(copy, { recursive: true, force: true });
  });

  it('generates and compiles a fresh copy, then skips both while nothing changes', () => {
    const first = prestart();
    expect(first).toMatchObject({ generated: true, upToDate: false });
    expect(fs.existsSync(dist('main.js'))).toBe(true);
    const built = mtime('main.js');

    const again = prestart();
    expect(again).toMatchObject({ generated: false, upToDate: true });
    expect(mtime('main.js')).toBe(built);
  });

  it('compiles again when a source changes (and back), without generating the Prisma client', () => {
    const file = path.join(copy, 'src', 'platform', 'common', 'ids.ts');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `${original}\nexport const BUILD_PROBE = 'probe-1';\n`);
    expect(prestart()).toMatchObject({ generated: false, upToDate: false });
    expect(fs.readFileSync(dist('platform/common/ids.js'), 'utf8')).toContain('probe-1');

    fs.writeFileSync(file, original);
    expect(prestart()).toMatchObject({ generated: false, upToDate: false });
    expect(fs.readFileSync(dist('platform/common/ids.js'), 'utf8')).not.toContain('probe-1');
    expect(prestart()).toMatchObject({ upToDate: true });
  });

  it('generates the Prisma client again when the schema changes, and builds again when dist/ is gone', () => {
    const schema = path.join(copy, 'prisma', 'schema.prisma');
    fs.appendFileSync(schema, '\n// a comment\n');
    expect(prestart()).toMatchObject({ generated: true, upToDate: false });
    expect(prestart()).toMatchObject({ generated: false, upToDate: true });

    fs.rmSync(path.join(copy, 'dist'), { recursive: true });
    expect(prestart()).toMatchObject({ generated: false, upToDate: false });
    expect(fs.existsSync(dist('main.js'))).toBe(true);
    expect(fs.existsSync(dist('sync/sync.service.js'))).toBe(true);
  });
});

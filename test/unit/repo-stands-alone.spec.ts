import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A user's clone has nothing beside it: no code, test, script or document may reach outside the repository,
 * and every relative link in the documents must name a file the repository holds.
 */
const ROOT = path.resolve(__dirname, '../..');
const SCANNED_DIRS = ['src', 'test', 'scripts', 'bench', 'prisma'];
const DOCUMENTS = [
  'README.md',
  'DEVELOPERS.md',
  'ARCHITECTURE.md',
  'BENCHMARKS.md',
  'docs/README.md',
  'docs/vendor-notes.md',
  'docs/writes.md',
  'docs/sandbox-writes.md',
];
const SKIPPED = new Set(['node_modules', 'generated', 'dist', 'test-output', '.data']);

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(rel));
    else if (/\.(ts|js|mjs|json|md|sql|prisma|yml)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

describe('the repository stands alone', () => {
  it('no source, test, script or document names a path outside the repository', () => {
    const outside = /\.\.\/shared\b|\/work\/shared\b/;
    const offenders = [...SCANNED_DIRS.flatMap(filesUnder), ...DOCUMENTS, 'package.json']
      .filter((file) => fs.existsSync(path.join(ROOT, file)))
      .filter((file) => file !== 'test/unit/repo-stands-alone.spec.ts')
      .filter((file) => outside.test(fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('every relative link in the documents names a file in the repository', () => {
    const broken: string[] = [];
    for (const doc of DOCUMENTS) {
      const text = fs.readFileSync(path.join(ROOT, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target)) continue;
        const file = target.split('#')[0];
        if (!fs.existsSync(path.resolve(ROOT, path.dirname(doc), file))) broken.push(`${doc}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('keeps the specs the tests validate against, with where they came from', () => {
    const provenance = fs.readFileSync(path.join(ROOT, 'docs/README.md'), 'utf8');
    for (const spec of fs.readdirSync(path.join(ROOT, 'docs/reference')))
      expect(provenance).toContain(`reference/${spec}`);
    for (const contract of fs.readdirSync(path.join(ROOT, 'docs/vendors')))
      expect(fs.statSync(path.join(ROOT, 'docs/vendors', contract)).size).toBeGreaterThan(0);
  });

  it('keeps the vendor contracts byte for byte as the owner wrote them (their SHA-256 in docs/README.md): our notes go elsewhere', () => {
    const provenance = fs.readFileSync(path.join(ROOT, 'docs/README.md'), 'utf8');
    const recorded = Object.fromEntries(
      [...provenance.matchAll(/^\| `vendors\/([\w.-]+\.md)` \| `([0-9a-f]{64})` \|$/gm)].map(([, file, sum]) => [
        file,
        sum,
      ]),
    );
    const copies = fs.readdirSync(path.join(ROOT, 'docs/vendors'));
    expect(Object.keys(recorded).sort()).toEqual([...copies].sort());
    for (const file of copies) {
      const sum = createHash('sha256')
        .update(fs.readFileSync(path.join(ROOT, 'docs/vendors', file)))
        .digest('hex');
      expect([file, sum]).toEqual([file, recorded[file]]);
    }
  });
});

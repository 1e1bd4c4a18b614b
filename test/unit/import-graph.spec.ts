import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * src/ reads top to bottom (ARCHITECTURE.md): every import points to its own folder or to a layer below, and
 * no two modules import each other, directly or round a loop.
 */
const SRC = path.resolve(__dirname, '../../src');

/** The top-level folders of src/ by layer, lowest first; files at the root of src/ (main.ts, app.module.ts) sit above all. */
const LAYERS: readonly (readonly string[])[] = [
  ['platform'],
  ['catalogue'],
  ['normalise'],
  ['fetch'],
  ['emit'],
  ['store'],
  ['sync', 'deliver'],
  ['serve'],
];
/** Prisma's generated client is the schema's, usable from any layer. */
const GENERATED = 'generated';
/** Simulators stand beside production code: they may use the platform only, and only main.ts loads them. */
const SANDBOX = 'sandbox';
const rankOf = new Map(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank] as const)));

interface Import {
  file: string;
  target: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports of a file, static and dynamic, resolved to the file or folder they name. */
function importsOf(file: string): Import[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({ file, target: path.resolve(path.dirname(file), specifier.replace(/\.js$/, '')) }));
}

const relative = (file: string) => path.relative(SRC, file).split(path.sep);
/** `store/cache/x.ts` → `store`; a file at the root of src/ → ''. */
const topOf = (file: string) => (relative(file).length > 1 ? relative(file)[0]! : '');
/** `store/cache/x.ts` → `store/cache`; `store/x.ts` → `store`. */
const moduleOf = (file: string) => {
  const parts = relative(file);
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.length === 2 ? parts[0]! : '';
};

const imports = sourceFiles(SRC).flatMap(importsOf);

describe('the import graph of src/', () => {
  it('has a layer for every top-level folder', () => {
    const tops = new Set(
      sourceFiles(SRC)
        .map(topOf)
        .filter((top) => top !== '' && top !== SANDBOX),
    );
    expect([...tops].filter((top) => !rankOf.has(top))).toEqual([]);
  });

  it('imports only from the same folder or a layer below', () => {
    const upward = imports
      .filter(({ file, target }) => {
        const [from, to] = [topOf(file), topOf(target)];
        if (from === '' || from === to || to === GENERATED) return false;
        if (from === SANDBOX || to === SANDBOX) return !(from === SANDBOX && to === 'platform');
        return (rankOf.get(to) ?? Infinity) >= (rankOf.get(from) ?? -1);
      })
      .map(({ file, target }) => `${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`);
    expect(upward).toEqual([]);
  });

  it('keeps each vendor to its own folder and the shared adapter kit', () => {
    const vendors = fs
      .readdirSync(path.join(SRC, 'fetch'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !['adapter', 'registry'].includes(entry.name))
      .map((entry) => `fetch/${entry.name}`);
    expect(vendors.length).toBeGreaterThanOrEqual(5);
    const crossed = imports
      .filter(({ file, target }) => vendors.includes(moduleOf(file)) && moduleOf(target).startsWith('fetch/'))
      .filter(({ file, target }) => moduleOf(target) !== moduleOf(file) && moduleOf(target) !== 'fetch/adapter')
      .map(({ file, target }) => `${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`);
    expect(crossed).toEqual([]);
  });

  it('has no loop between modules', () => {
    const edges = new Map<string, Set<string>>();
    for (const { file, target } of imports) {
      const [from, to] = [moduleOf(file), moduleOf(target)];
      if (from === to) continue;
      edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
    // Tarjan's strongly connected components: any with more than one module is a loop.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const loops: string[][] = [];
    let next = 0;
    const visit = (node: string) => {
      index.set(node, next);
      low.set(node, next++);
      stack.push(node);
      onStack.add(node);
      for (const to of edges.get(node) ?? []) {
        if (!index.has(to)) {
          visit(to);
          low.set(node, Math.min(low.get(node)!, low.get(to)!));
        } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
      if (low.get(node) === index.get(node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        if (component.length > 1) loops.push(component.sort());
      }
    };
    for (const node of edges.keys()) if (!index.has(node)) visit(node);
    expect(loops).toEqual([]);
  });
});

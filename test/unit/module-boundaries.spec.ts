import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Module boundaries (ARCHITECTURE.md): modules talk through exported services, never another module's
 * repository; Prisma and SQL live only in repositories; a transaction opens only through `Transactions`.
 * Each failure names the file, the rule it breaks and what in it breaks the rule.
 */
const SRC = path.resolve(__dirname, '../../src');

/** Files that may use Prisma and SQL without being a repository: the database layer itself. */
const PRISMA_OUTSIDE_REPOSITORIES: Readonly<Record<string, string>> = {
  'platform/database/prisma.service.ts': 'defines PrismaService',
  'platform/database/database.module.ts': 'provides PrismaService to every module',
  'platform/database/transactions.ts': 'opens transactions on PrismaService for the repositories',
};
/** The one file that opens transactions. */
const TRANSACTION_OPENERS: Readonly<Record<string, string>> = {
  'platform/database/transactions.ts': 'Transactions: the one way to open a transaction',
};

/** Prisma's raw-SQL calls, and PrismaService's plain-SQL one. */
const RAW_SQL = new Set(['$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe', 'sql']);
/** PrismaService's ways to open a transaction; `Transactions` wraps each (run, runSql, runSnapshot). */
const TRANSACTION_CALLS = new Set(['$transaction', 'sqlTransaction', 'readSnapshot']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const relative = (file: string) => path.relative(SRC, file).split(path.sep).join('/');
/** `serve/integrations/x.ts` → `serve/integrations`; a flat top folder is one module: `emit/x.ts` → `emit`. */
const moduleOf = (file: string) => {
  const parts = relative(file).split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.length === 2 ? parts[0] : '(src root)';
};
const isRepository = (file: string) => file.endsWith('.repository.ts');

interface Use {
  file: string;
  line: number;
  what: string;
}

interface Scan {
  /** Relative imports (static, type-only and dynamic alike), resolved to the file they name. */
  imports: Array<{ file: string; target: string }>;
  /** Mentions of PrismaService, raw-SQL calls. */
  prisma: Use[];
  /** Calls that open a transaction. */
  transactions: Use[];
}

function scan(file: string): Scan {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const result: Scan = { imports: [], prisma: [], transactions: [] };
  const use = (node: ts.Node, what: string): Use => ({
    file: relative(file),
    line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
    what,
  });
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      addImport(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [specifier] = node.arguments;
      if (specifier && ts.isStringLiteral(specifier)) addImport(specifier.text);
    }
    if (ts.isIdentifier(node) && node.text === 'PrismaService') result.prisma.push(use(node, 'PrismaService'));
    if (ts.isPropertyAccessExpression(node)) {
      const name = node.name.text;
      const called =
        (ts.isCallExpression(node.parent) && node.parent.expression === node) ||
        ts.isTaggedTemplateExpression(node.parent);
      if (called && RAW_SQL.has(name)) result.prisma.push(use(node, `.${name}`));
      if (called && TRANSACTION_CALLS.has(name)) result.transactions.push(use(node, `.${name}(…)`));
    }
    ts.forEachChild(node, visit);
  };
  const addImport = (specifier: string) => {
    if (!specifier.startsWith('.')) return;
    const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, ''));
    result.imports.push({ file, target: fs.existsSync(`${target}.ts`) ? `${target}.ts` : target });
  };
  visit(source);
  return result;
}

const scans = sourceFiles(SRC).map(scan);

/** One line per file and offence: `serve/x.service.ts: uses PrismaService outside a repository (lines 4, 35)`. */
function report(uses: Use[], offence: (what: string) => string): string[] {
  const lines = new Map<string, number[]>();
  for (const u of uses) {
    const key = `${u.file}: ${offence(u.what)}`;
    lines.set(key, [...(lines.get(key) ?? []), u.line]);
  }
  return [...lines].map(([key, at]) => `${key} (line${at.length > 1 ? 's' : ''} ${at.join(', ')})`);
}

describe('module boundaries in src/', () => {
  it('finds the code it checks', () => {
    // A scanner that sees nothing would pass every rule below.
    expect(scans.length).toBeGreaterThan(100);
    expect(sourceFiles(SRC).filter(isRepository).length).toBeGreaterThan(10);
    expect(scans.flatMap((s) => s.imports).filter(({ target }) => isRepository(target)).length).toBeGreaterThan(10);
    expect(scans.flatMap((s) => s.prisma).length).toBeGreaterThan(10);
  });

  it('keeps each module to its own repositories (others are reached through their exported services)', () => {
    const crossing = scans
      .flatMap((s) => s.imports)
      .filter(({ file, target }) => isRepository(target) && moduleOf(file) !== moduleOf(target))
      .map(
        ({ file, target }) =>
          `${relative(file)} (module ${moduleOf(file)}) imports ${relative(target)}, a repository of module ${moduleOf(target)}`,
      );
    expect(crossing).toEqual([]);
  });

  it('uses Prisma and SQL only in repositories', () => {
    const outside = report(
      scans.flatMap((s) => s.prisma).filter((u) => !isRepository(u.file) && !(u.file in PRISMA_OUTSIDE_REPOSITORIES)),
      (what) => `uses ${what} outside a repository`,
    );
    expect(outside).toEqual([]);
  });

  it('opens transactions only through Transactions', () => {
    const opened = report(
      scans.flatMap((s) => s.transactions).filter((u) => !(u.file in TRANSACTION_OPENERS)),
      (what) => `opens a transaction with ${what} instead of Transactions (run, runSql, runSnapshot)`,
    );
    expect(opened).toEqual([]);
  });

  it('lists only exceptions that are still needed', () => {
    const prismaUsers = new Set(scans.flatMap((s) => s.prisma).map((u) => u.file));
    const openers = new Set(scans.flatMap((s) => s.transactions).map((u) => u.file));
    expect(Object.keys(PRISMA_OUTSIDE_REPOSITORIES).filter((file) => !prismaUsers.has(file))).toEqual([]);
    expect(Object.keys(TRANSACTION_OPENERS).filter((file) => !openers.has(file))).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listMigrations, migrate, MIGRATIONS_DIR } from '../../src/platform/database/migrator';
import { createTestDatabase, withClient } from '../support/database';

const ROOT = path.resolve(__dirname, '../..');

describe('migrations', () => {
  it('build exactly the catalog that Prisma generates for prisma/schema.prisma', async () => {
    const migrated = await createTestDatabase();
    const result = await migrate(migrated);
    expect(result.applied).toEqual(listMigrations());

    // Prisma's own SQL for the schema (its JS engine, offline), applied to a second empty database.
    const fromSchema = await createTestDatabase();
    const generated = spawnSync(process.execPath, [path.join(ROOT, 'scripts/migration-sql.js')], {
      env: { ...process.env, DATABASE_URL: fromSchema },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ status: generated.status, stderr: generated.stderr.slice(0, 2000) }).toEqual({ status: 0, stderr: '' });
    expect(generated.stdout).toContain('CREATE TABLE');
    await withClient(fromSchema, (db) => db.query(generated.stdout));

    const [actual, expected] = await Promise.all([describeCatalog(migrated), describeCatalog(fromSchema)]);
    expect(actual).toEqual(expected);
    expect(actual.columns.length).toBeGreaterThan(100);
  });

  it('are recorded in _prisma_migrations as Prisma records them, and applying twice is a no-op', async () => {
    const url = await createTestDatabase();
    await migrate(url);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(listMigrations());
    const rows = await withClient(url, (db) =>
      db.query(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      ),
    );
    expect(rows.rows.map((r) => r.migration_name)).toEqual(listMigrations());
    for (const row of rows.rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('refuse to run when an applied migration was edited, and roll a failing migration back whole', async () => {
    const url = await createTestDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-migrations-'));
    fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    await migrate(url, dir);
    const first = listMigrations(dir)[0];
    fs.appendFileSync(path.join(dir, first, 'migration.sql'), '\n-- edited\n');
    await expect(migrate(url, dir)).rejects.toThrow(/modified after it was applied/);

    fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    fs.mkdirSync(path.join(dir, '99990101000000_broken'));
    fs.writeFileSync(
      path.join(dir, '99990101000000_broken', 'migration.sql'),
      'CREATE TABLE half_written (id int);\nSELECT no_such_function();\n',
    );
    await expect(migrate(url, dir)).rejects.toThrow(/99990101000000_broken failed/);
    const leftovers = await withClient(url, (db) =>
      db.query(
        `SELECT to_regclass('half_written') AS t, (SELECT count(*)::int FROM _prisma_migrations WHERE migration_name = '99990101000000_broken') AS n`,
      ),
    );
    expect(leftovers.rows[0]).toEqual({ t: null, n: 0 });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/** Tables, columns, enums, indexes and constraints of the public schema, minus the migration ledger. */
async function describeCatalog(url: string) {
  return withClient(url, async (db) => {
    const rows = async (sql: string) => (await db.query(sql)).rows.map((r) => Object.values(r).join(' | '));
    return {
      columns:
        await rows(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1, 2`),
      enums:
        await rows(`SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' GROUP BY 1 ORDER BY 1`),
      indexes: await rows(
        `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1, 2`,
      ),
      constraints:
        await rows(`SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
        JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1, 2`),
    };
  });
}

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listMigrations, migrate, MIGRATIONS_DIR } from '../../src/database/migrator';
import { createTestDatabase, withClient } from '../support/database';

const ROOT = path.resolve(__dirname, '../..');

describe('migrations', () => {
  it('produce exactly what prisma/schema.prisma describes (Prisma diff from the migrated database is empty)', async () => {
    const url = await createTestDatabase();
    const result = await migrate(url);
    expect(result.applied).toEqual(listMigrations());
    const diff = spawnSync(process.execPath, [path.join(ROOT, 'scripts/migration-sql.js'), '--from-url', '--exit-code'], {
      env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8', timeout: 120_000,
    });
    // Exit code 0: no difference; 2: the migrations and the schema disagree (the diff is printed).
    expect({ status: diff.status, stderr: diff.stderr.slice(0, 2000), sql: diff.stdout.replace(/^-- This is an empty migration\.\s*$/m, '').trim() })
      .toEqual({ status: 0, stderr: '', sql: '' });
  });

  it('are recorded in _prisma_migrations as Prisma records them, and applying twice is a no-op', async () => {
    const url = await createTestDatabase();
    await migrate(url);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(listMigrations());
    const rows = await withClient(url, (db) => db.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name'));
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
    const first = listMigrations(dir)[0]!;
    fs.appendFileSync(path.join(dir, first, 'migration.sql'), '\n-- edited\n');
    await expect(migrate(url, dir)).rejects.toThrow(/modified after it was applied/);

    fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    fs.mkdirSync(path.join(dir, '99990101000000_broken'));
    fs.writeFileSync(path.join(dir, '99990101000000_broken', 'migration.sql'), 'CREATE TABLE half_written (id int);\nSELECT no_such_function();\n');
    await expect(migrate(url, dir)).rejects.toThrow(/99990101000000_broken failed/);
    const leftovers = await withClient(url, (db) => db.query(`SELECT to_regclass('half_written') AS t, (SELECT count(*)::int FROM _prisma_migrations WHERE migration_name = '99990101000000_broken') AS n`));
    expect(leftovers.rows[0]).toEqual({ t: null, n: 0 });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

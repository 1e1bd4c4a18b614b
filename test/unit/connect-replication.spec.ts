import {
  namespaceProblem,
  quoteIdent,
  stagingTableName,
  streamPrefixProblem,
} from '../../src/deliver/connect/identifiers';
import { isPersistentFailure, PersistentReplicationError } from '../../src/deliver/connect/replication-failures';
import {
  addColumnsSql,
  cacheColumnSql,
  createTableSql,
  destinationColumnType,
  mergePageSql,
  streamColumns,
  streamFieldNames,
  swapStagingSql,
  unknownFields,
} from '../../src/deliver/connect/stream-catalog';
import { OutboundBlockedError } from '../../src/platform/outbound/outbound-guard';

describe('Connect identifiers', () => {
  it('accepts lowercase identifiers as namespaces and refuses anything that needs quoting or is a system schema', () => {
    expect(namespaceProblem('warehouse')).toBeNull();
    expect(namespaceProblem('_raw_2024')).toBeNull();
    for (const bad of [
      'Warehouse',
      '1abc',
      'a-b',
      'a b',
      'a"b',
      '',
      'x'.repeat(64),
      'pg_temp',
      'information_schema',
      'ünicode',
    ]) {
      expect(namespaceProblem(bad)).not.toBeNull();
    }
  });

  it('accepts an empty prefix or a short identifier fragment', () => {
    expect(streamPrefixProblem('')).toBeNull();
    expect(streamPrefixProblem('lk_')).toBeNull();
    expect(streamPrefixProblem('9lives_')).not.toBeNull();
    expect(streamPrefixProblem('a;')).not.toBeNull();
    expect(streamPrefixProblem('p'.repeat(33))).not.toBeNull();
  });

  it('quotes identifiers, doubling embedded quotes', () => {
    expect(quoteIdent('residents')).toBe('"residents"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});

describe('Connect type mapping', () => {
  it('maps canonical column types to destination types, money in cents to bigint', () => {
    expect(destinationColumnType('name', 'text')).toBe('text');
    expect(destinationColumnType('square_feet', 'int')).toBe('bigint');
    expect(destinationColumnType('balance_in_cents', 'float')).toBe('bigint');
    expect(destinationColumnType('amount_in_cents', 'cents')).toBe('bigint');
    expect(destinationColumnType('bathrooms_full', 'float')).toBe('double precision');
    expect(destinationColumnType('is_active', 'bool')).toBe('boolean');
    expect(destinationColumnType('end_date', 'timestamptz')).toBe('timestamptz');
    expect(destinationColumnType('custom_data', 'jsonb')).toBe('jsonb');
  });

  it("lists a stream's API fields and always keeps id and updated_at among the chosen ones", () => {
    expect(streamFieldNames('residents').slice(0, 5)).toEqual(['id', 'created_at', 'updated_at', 'last_seen', 'x_id']);
    expect(streamFieldNames('residents')).toEqual(
      expect.arrayContaining(['first_name', 'deleted_at', 'pets', 'integration_vendor']),
    );
    expect(unknownFields('residents', ['first_name', 'shoe_size'])).toEqual(['shoe_size']);
    expect(streamColumns('residents', ['last_name', 'balance_in_cents'])).toEqual([
      { name: 'id', type: 'text' },
      { name: 'updated_at', type: 'timestamptz' },
      { name: 'balance_in_cents', type: 'bigint' },
      { name: 'last_name', type: 'text' },
      { name: '_latchkey_synced_at', type: 'timestamptz' },
    ]);
    expect(streamColumns('units', null).map((c) => c.name)).toEqual([
      ...streamFieldNames('units'),
      '_latchkey_synced_at',
    ]);
  });
});

describe('Connect DDL', () => {
  const columns = streamColumns('residents', ['first_name']);

  it('keys overwrite and dedup tables on id, and indexes append tables on (id, updated_at)', () => {
    expect(createTableSql('w', 'residents', columns, 'incremental_dedup')).toEqual([
      'CREATE TABLE IF NOT EXISTS "w"."residents" ("id" text NOT NULL, "updated_at" timestamptz, "first_name" text, "_latchkey_synced_at" timestamptz, CONSTRAINT "residents_pkey" PRIMARY KEY ("id"))',
    ]);
    expect(createTableSql('w', 'log_residents', columns, 'incremental_append')).toEqual([
      'CREATE TABLE IF NOT EXISTS "w"."log_residents" ("id" text NOT NULL, "updated_at" timestamptz, "first_name" text, "_latchkey_synced_at" timestamptz)',
      'CREATE INDEX IF NOT EXISTS "log_residents_id_updated_at_idx" ON "w"."log_residents" ("id", "updated_at")',
    ]);
  });

  it('adds new columns only, in one statement, and nothing when none is new', () => {
    expect(
      addColumnsSql('w', 'residents', [
        { name: 'email_1', type: 'text' },
        { name: 'custom_data', type: 'jsonb' },
      ]),
    ).toBe(
      'ALTER TABLE "w"."residents" ADD COLUMN IF NOT EXISTS "email_1" text, ADD COLUMN IF NOT EXISTS "custom_data" jsonb',
    );
    expect(addColumnsSql('w', 'residents', [])).toBeNull();
  });

  it('swaps a staging table in by dropping, renaming and renaming its key', () => {
    expect(swapStagingSql('w', 'residents', stagingTableName('residents'))).toEqual([
      'DROP TABLE IF EXISTS "w"."residents"',
      'ALTER TABLE "w"."residents_lk_stage" RENAME TO "residents"',
      'ALTER INDEX "w"."residents_lk_stage_pkey" RENAME TO "residents_pkey"',
    ]);
  });

  it('merges pages: dedup never lets an older version win, append skips versions it holds', () => {
    const dedup = mergePageSql('w', 'residents', 'lk_page', columns, 'incremental_dedup');
    expect(dedup).toContain(
      'ON CONFLICT ("id") DO UPDATE SET "updated_at" = EXCLUDED."updated_at", "first_name" = EXCLUDED."first_name"',
    );
    expect(dedup).toContain('WHERE t."updated_at" IS NULL OR t."updated_at" <= EXCLUDED."updated_at"');
    const append = mergePageSql('w', 'residents', 'lk_page', columns, 'incremental_append');
    expect(append).toContain(
      'WHERE NOT EXISTS (SELECT 1 FROM "w"."residents" t WHERE t."id" = p."id" AND t."updated_at" IS NOT DISTINCT FROM p."updated_at")',
    );
    expect(append).not.toContain('ON CONFLICT');
  });
});

describe('Connect COPY rows', () => {
  it('reads each column from the cache typed for the destination: whole cents rounded half up, empty embedded arrays, the sync time', () => {
    const columns = streamColumns('residents', [
      'first_name',
      'balance_in_cents',
      'is_employee',
      'custom_data',
      'pets',
    ]);
    const sql = Object.fromEntries(
      columns.map((c) => [c.name, cacheColumnSql('residents', c, "'2026-01-03T00:00:00.000Z'")]),
    );
    expect(sql).toEqual({
      id: 'c."id"',
      updated_at: 'c."updated_at"',
      balance_in_cents: 'floor(c."balance_in_cents" + 0.5)::bigint',
      custom_data: 'c."custom_data"',
      first_name: 'c."first_name"',
      is_employee: 'c."is_employee"',
      pets: "'[]'::jsonb",
      _latchkey_synced_at: "'2026-01-03T00:00:00.000Z'::timestamptz",
    });
    const [units] = streamColumns('properties', ['number_of_units']).filter((c) => c.name === 'number_of_units');
    expect(cacheColumnSql('properties', units, "'x'")).toBe('c."number_of_units"::bigint');
    // Cents are whole already (bigint in the cache): copied as they are, never rounded.
    const [amount] = streamColumns('resident_charges', ['amount_in_cents']).filter((c) => c.name === 'amount_in_cents');
    expect([amount.type, cacheColumnSql('resident_charges', amount, "'x'")]).toEqual([
      'bigint',
      'c."amount_in_cents"::bigint',
    ]);
  });
});

describe('Connect failure classification', () => {
  it('fails at once on refusals and retries what may pass', () => {
    const pg = (code: string) => Object.assign(new Error('x'), { code });
    for (const persistent of [
      pg('28P01'),
      pg('42501'),
      pg('3D000'),
      pg('42P01'),
      new PersistentReplicationError('x'),
      new OutboundBlockedError('x'),
    ]) {
      expect(isPersistentFailure(persistent)).toBe(true);
    }
    for (const transient of [
      pg('ECONNRESET'),
      pg('ECONNREFUSED'),
      pg('08006'),
      pg('57P01'),
      pg('53300'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      expect(isPersistentFailure(transient)).toBe(false);
    }
  });
});

import { PG_ARRAY_TYPE, columnArrays, type BulkUpsertSpec } from '../../src/store/cache/bulk-upsert';
import type { ColumnType } from '../../src/catalogue/canonical-models';
import { createTestDatabase, withClient } from '../support/database';

/**
 * The cache writer sends each column as an array literal of its own (columnArrays) instead of letting pg write it:
 * PostgreSQL must read every value back exactly as it reads pg's own array parameter of the same values.
 */
describe('column array literals', () => {
  const values: Record<ColumnType, unknown[]> = {
    text: [
      'plain',
      '',
      'NULL',
      'a "quoted" word',
      'back\\slash\\',
      'comma, {braces} and spaces ',
      'ünïcødé ✓',
      '\n\t',
      null,
      undefined,
    ],
    int: [0, -1, 2147483647, null],
    cents: [0, -12345, Number.MAX_SAFE_INTEGER, null],
    float: [1.5, -0.25, 1e21, 123456.789, 0, null],
    bool: [true, false, null],
    timestamptz: ['2024-02-29T23:59:59.123Z', '2024-01-01T00:00:00+05:30', new Date('2025-06-01T12:00:00Z'), null],
    jsonb: [{ a: 'x "y" \\ z', b: [1, null, { c: true }] }, [], 'a string', 42, null],
  };

  it('read back as pg reads its own arrays of the same values, for every column type', async () => {
    const url = await createTestDatabase();
    await withClient(url, async (db) => {
      for (const [type, column] of Object.entries(values) as [ColumnType, unknown[]][]) {
        const spec: BulkUpsertSpec = { table: 't', columns: [['v', type]], constants: [], softDelete: false };
        const [literal] = columnArrays(spec, column, (v) => v);
        const pgArray = column.map((v) =>
          v === undefined ? null : type === 'jsonb' && v !== null ? JSON.stringify(v) : v,
        );
        const { rows } = await db.query(
          `SELECT $1::${PG_ARRAY_TYPE[type]}::text AS ours, $2::${PG_ARRAY_TYPE[type]}::text AS pg, cardinality($1::${PG_ARRAY_TYPE[type]}) AS n`,
          [literal, pgArray],
        );
        expect({ type, ours: rows[0].ours }).toEqual({ type, ours: rows[0].pg });
        expect(rows[0].n).toBe(column.length);
      }
    });
  });
});

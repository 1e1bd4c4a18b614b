import type { ColumnType } from '../../catalogue/canonical-models';

export const PG_ARRAY_TYPE: Record<ColumnType, string> = {
  text: 'text[]',
  int: 'int4[]',
  cents: 'int8[]',
  float: 'float8[]',
  bool: 'bool[]',
  timestamptz: 'timestamptz[]',
  jsonb: 'jsonb[]',
};

export interface BulkUpsertSpec {
  table: string;
  /** Columns that vary per row, with their types (the first must be the conflict key `id`). */
  columns: [name: string, type: ColumnType][];
  /** Columns with one value for the whole batch (organization, integration, vendor…). */
  constants: string[];
  /** The table has deleted_at: seeing a deleted row again revives it. */
  softDelete: boolean;
}

/** What the statement returns for each inserted or changed row: its id, or the whole new row. */
export type UpsertReturning = 'ids' | 'rows';

/**
 * Builds one statement that upserts a whole page: `INSERT … SELECT FROM unnest($1, $2, …) ON CONFLICT (id)
 * DO UPDATE … WHERE content_hash IS DISTINCT FROM excluded.content_hash`, so unchanged rows cost one
 * comparison and are not rewritten. A row that had been soft-deleted and is seen again is revived.
 * Parameters: one array per column, then the constants, then `now` (created_at/updated_at/last_seen).
 * Returns, for every row that was inserted or changed, (id, inserted) or the whole row plus `inserted`.
 */
export function buildBulkUpsert(spec: BulkUpsertSpec, returning: UpsertReturning = 'ids'): string {
  const names = spec.columns.map(([name]) => name);
  const unnestArgs = spec.columns.map(([, type], i) => `$${i + 1}::${PG_ARRAY_TYPE[type]}`).join(', ');
  const constantParams = spec.constants.map((_, i) => `$${spec.columns.length + i + 1}`);
  const nowParam = `$${spec.columns.length + spec.constants.length + 1}::timestamptz`;
  const quoted = (n: string) => `"${n}"`;
  const updatable = names.filter((n) => n !== 'id');
  return `INSERT INTO ${quoted(spec.table)} (${[...names, ...spec.constants, 'created_at', 'updated_at', 'last_seen'].map(quoted).join(', ')})
SELECT ${names.map((n) => `t.${quoted(n)}`).join(', ')}, ${constantParams.join(', ')}, ${nowParam}, ${nowParam}, ${nowParam}
FROM unnest(${unnestArgs}) AS t(${names.map(quoted).join(', ')})
ON CONFLICT ("id") DO UPDATE SET ${updatable.map((n) => `${quoted(n)} = excluded.${quoted(n)}`).join(', ')},
  "updated_at" = excluded."updated_at", "last_seen" = excluded."last_seen"${spec.softDelete ? ', "deleted_at" = NULL' : ''}
WHERE ${quoted(spec.table)}."content_hash" IS DISTINCT FROM excluded."content_hash"${spec.softDelete ? ` OR ${quoted(spec.table)}."deleted_at" IS NOT NULL` : ''}
RETURNING ${returning === 'rows' ? '*' : '"id"'}, (xmax = 0) AS "inserted"`;
}

/** Column-major parameter arrays for buildBulkUpsert, converting jsonb values to JSON text. */
export function toColumnArrays(spec: BulkUpsertSpec, rows: Record<string, unknown>[]): unknown[][] {
  return columnArrays(spec, rows, (row, name) => row[name]);
}

/**
 * The same arrays read by `value` from rows of any shape (the cache writer's records, without a copy of each as a
 * flat row).
 */
export function columnArrays<T>(
  spec: BulkUpsertSpec,
  rows: readonly T[],
  value: (row: T, column: string) => unknown,
): unknown[][] {
  return spec.columns.map(([name, type]) =>
    rows.map((row) => {
      const v = value(row, name) ?? null;
      return type === 'jsonb' && v !== null ? JSON.stringify(v) : v;
    }),
  );
}

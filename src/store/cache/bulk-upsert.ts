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

/** Column-major parameters for buildBulkUpsert (one array literal per column), converting jsonb values to JSON text. */
export function toColumnArrays(spec: BulkUpsertSpec, rows: Record<string, unknown>[]): string[] {
  return columnArrays(spec, rows, (row, name) => row[name]);
}

/**
 * The same parameters read by `value` from rows of any shape (the cache writer's records, without a copy of each as
 * a flat row). Each is the column's PostgreSQL array literal, written here rather than by pg from a JavaScript array:
 * pg quotes and escapes every element with two regular expressions, ~7 % of a first sync's app CPU.
 */
export function columnArrays<T>(
  spec: BulkUpsertSpec,
  rows: readonly T[],
  value: (row: T, column: string) => unknown,
): string[] {
  return spec.columns.map(([name, type]) => {
    let literal = '{';
    for (let i = 0; i < rows.length; i++) {
      if (i > 0) literal += ',';
      const v = value(rows[i], name);
      literal += v === null || v === undefined ? 'NULL' : arrayElement(type === 'jsonb' ? JSON.stringify(v) : v);
    }
    return `${literal}}`;
  });
}

/**
 * One element of an array literal: numbers bare, everything else double-quoted (a quote or backslash escaped), so
 * the parameter's cast reads the value pg would have sent (a Date as its ISO instant, an object as its JSON).
 */
function arrayElement(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return String(value);
    case 'string':
      return quotedElement(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return quotedElement(value instanceof Date ? value.toISOString() : JSON.stringify(value));
  }
}

const ESCAPED = /["\\]/;
const quotedElement = (text: string) => (ESCAPED.test(text) ? `"${text.replace(/["\\]/g, '\\$&')}"` : `"${text}"`);

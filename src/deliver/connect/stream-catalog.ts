import {
  CANONICAL_MODEL_NAMES,
  CANONICAL_MODELS,
  isCanonicalModelName,
  LINK_MODEL,
  type ColumnType,
} from '../../catalogue/canonical-models';
import { primaryKeyName, qualified, quoteIdent } from './identifiers';

/** The resident <-> lease links (the read API's leases_meta_data and residents_meta_data), as a stream of their own. */
export const LINK_STREAM = LINK_MODEL.name;

/** The streams a connection can replicate: the cached canonical models and their links. */
export const STREAM_NAMES = [...CANONICAL_MODEL_NAMES, LINK_STREAM] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

export const SYNC_MODES = ['full_refresh_overwrite', 'incremental_append', 'incremental_dedup'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** Streams that take only some sync modes, and why. */
const MODE_LIMITS: Partial<Record<StreamName, { modes: readonly SyncMode[]; why: string }>> = {
  [LINK_STREAM]: {
    modes: ['full_refresh_overwrite'],
    why: 'a link that ends is left out, so an incremental read cannot see it go',
  },
};

/** Why a stream cannot be replicated in a mode, or null when it can. */
export function syncModeProblem(stream: StreamName, mode: SyncMode): string | null {
  const limit = MODE_LIMITS[stream];
  return limit && !limit.modes.includes(mode)
    ? `${stream} can only be replicated with ${limit.modes.join(', ')}: ${limit.why}`
    : null;
}

export function streamTable(stream: StreamName): string {
  return isCanonicalModelName(stream) ? CANONICAL_MODELS[stream].table : LINK_MODEL.table;
}

/**
 * Which cache rows of a stream replicate (SQL over the cache row `c`): every record, deleted ones as rows
 * with deleted_at; of the links only those showing (one that ended, or whose resident or lease vanished, is
 * hidden as in the read API's embedded arrays, and left out here).
 */
export function streamRowFilter(stream: StreamName): string {
  return isCanonicalModelName(stream) ? 'true' : 'c."deleted_at" IS NULL';
}

/** A stream as a connection stores it; `fields` null means every field of the model, new ones included. */
export interface StreamConfig {
  name: StreamName;
  sync_mode: SyncMode;
  fields: string[] | null;
}

export type DestinationColumnType = 'text' | 'bigint' | 'double precision' | 'boolean' | 'timestamptz' | 'jsonb';

export interface DestinationColumn {
  name: string;
  type: DestinationColumnType;
}

/** Fields every replicated row carries: the key and the cursor. */
export const ALWAYS_INCLUDED_FIELDS = ['id', 'updated_at'] as const;
/** When Latchkey wrote the row into the destination. */
export const SYNCED_AT_COLUMN = '_latchkey_synced_at';

const SYSTEM_FIELD_TYPES: Record<string, ColumnType> = {
  id: 'text',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  last_seen: 'timestamptz',
  x_id: 'text',
  integration_id: 'text',
  integration_vendor: 'text',
  deleted_at: 'timestamptz',
};

/** A stream's API fields in the read API's order, each with the type the cache stores it as. */
function apiFieldTypes(stream: StreamName): Array<[string, ColumnType]> {
  const { id, created_at, updated_at, last_seen, x_id, integration_id, integration_vendor, deleted_at } =
    SYSTEM_FIELD_TYPES;
  // A link is keyed `<lease id>:<resident id>` and belongs to its lease's integration.
  if (!isCanonicalModelName(stream)) return LINK_MODEL.presentedFields.map(([field, type]) => [field, type]);
  const model = CANONICAL_MODELS[stream];
  return [
    ['id', id],
    ['created_at', created_at],
    ['updated_at', updated_at],
    ['last_seen', last_seen],
    ['x_id', x_id],
    ...Object.entries(model.fields),
    ['integration_id', integration_id],
    ['integration_vendor', integration_vendor],
    ['deleted_at', deleted_at],
    ...model.emptyArrays.map((field): [string, ColumnType] => [field, 'jsonb']),
  ];
}

export function streamFieldNames(stream: StreamName): string[] {
  return apiFieldTypes(stream).map(([field]) => field);
}

/** Fields a connection names that the stream does not have. */
export function unknownFields(stream: StreamName, fields: readonly string[]): string[] {
  const known = new Set(streamFieldNames(stream));
  return fields.filter((f) => !known.has(f));
}

/** The destination type of a cache column type: money in cents is whole, so bigint. */
export function destinationColumnType(field: string, type: ColumnType): DestinationColumnType {
  switch (type) {
    case 'text':
      return 'text';
    case 'int':
    case 'cents':
      return 'bigint';
    case 'float':
      return field.endsWith('_in_cents') ? 'bigint' : 'double precision';
    case 'bool':
      return 'boolean';
    case 'timestamptz':
      return 'timestamptz';
    case 'jsonb':
      return 'jsonb';
  }
}

/** The destination columns of a stream's chosen fields (id and updated_at always), in API order, plus the sync time. */
export function streamColumns(stream: StreamName, fields: readonly string[] | null): DestinationColumn[] {
  const chosen = fields === null ? null : new Set([...ALWAYS_INCLUDED_FIELDS, ...fields]);
  return [
    ...apiFieldTypes(stream)
      .filter(([field]) => chosen === null || chosen.has(field))
      .map(([name, type]) => ({ name, type: destinationColumnType(name, type) })),
    { name: SYNCED_AT_COLUMN, type: 'timestamptz' },
  ];
}

// ---- DDL ---------------------------------------------------------------------------------------------

export function createSchemaSql(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`;
}

/**
 * The stream's table when it does not exist yet. Overwrite and dedup tables are keyed on id; an append
 * table keeps every version of a row, so it is only indexed on (id, updated_at), which is what makes a
 * re-sent page a no-op.
 */
export function createTableSql(
  schema: string,
  table: string,
  columns: readonly DestinationColumn[],
  mode: SyncMode,
): string[] {
  const definitions = columns.map((c) => `${quoteIdent(c.name)} ${c.type}${c.name === 'id' ? ' NOT NULL' : ''}`);
  if (mode !== 'incremental_append')
    definitions.push(`CONSTRAINT ${quoteIdent(primaryKeyName(table))} PRIMARY KEY ("id")`);
  const statements = [`CREATE TABLE IF NOT EXISTS ${qualified(schema, table)} (${definitions.join(', ')})`];
  if (mode === 'incremental_append')
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${table}_id_updated_at_idx`)} ON ${qualified(schema, table)} ("id", "updated_at")`,
    );
  return statements;
}

/**
 * A table made for the other kind of incremental mode (the stream's mode changed; its cursor was reset so it
 * starts over): a dedup table keeps the newest version of each id and gains its key; an append table loses
 * its key, so it can hold versions from now on. Run in one transaction.
 */
export function convertTableSql(
  schema: string,
  table: string,
  mode: 'incremental_append' | 'incremental_dedup',
  primaryKey: string | null,
): string[] {
  const target = qualified(schema, table);
  const versionIndex = `${table}_id_updated_at_idx`;
  if (mode === 'incremental_append') {
    return [
      ...(primaryKey ? [`ALTER TABLE ${target} DROP CONSTRAINT ${quoteIdent(primaryKey)}`] : []),
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(versionIndex)} ON ${target} ("id", "updated_at")`,
    ];
  }
  return [
    `DELETE FROM ${target} a USING ${target} b WHERE a."id" = b."id"
       AND (coalesce(a."updated_at", '-infinity'), a.ctid) < (coalesce(b."updated_at", '-infinity'), b.ctid)`,
    `ALTER TABLE ${target} ADD CONSTRAINT ${quoteIdent(primaryKeyName(table))} PRIMARY KEY ("id")`,
    `DROP INDEX IF EXISTS ${qualified(schema, versionIndex)}`,
  ];
}

/** Schema evolution: columns of fields added since the table was made. Nothing is ever dropped. */
export function addColumnsSql(schema: string, table: string, columns: readonly DestinationColumn[]): string | null {
  if (columns.length === 0) return null;
  return `ALTER TABLE ${qualified(schema, table)} ${columns.map((c) => `ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.type}`).join(', ')}`;
}

/** A fresh staging table shaped like the live one (every column it ever had), keyed on id. */
export function createStagingSql(schema: string, table: string, staging: string): string[] {
  return [
    `DROP TABLE IF EXISTS ${qualified(schema, staging)}`,
    `CREATE TABLE ${qualified(schema, staging)} (LIKE ${qualified(schema, table)} INCLUDING DEFAULTS)`,
    `ALTER TABLE ${qualified(schema, staging)} ADD CONSTRAINT ${quoteIdent(primaryKeyName(staging))} PRIMARY KEY ("id")`,
  ];
}

/** Run in one transaction: readers see the old table, then the new one, never a half-loaded one. */
export function swapStagingSql(schema: string, table: string, staging: string): string[] {
  return [
    `DROP TABLE IF EXISTS ${qualified(schema, table)}`,
    `ALTER TABLE ${qualified(schema, staging)} RENAME TO ${quoteIdent(table)}`,
    `ALTER INDEX ${qualified(schema, primaryKeyName(staging))} RENAME TO ${quoteIdent(primaryKeyName(table))}`,
  ];
}

/**
 * Moves a page from a session's temporary table into the stream's table. Dedup (and a full refresh's page
 * that repeats an id) upserts on id, never letting an older version overwrite a newer one; append adds
 * the versions the table does not hold yet, so the overlap re-read and a retried page add nothing twice.
 */
export function mergePageSql(
  schema: string,
  table: string,
  page: string,
  columns: readonly DestinationColumn[],
  mode: SyncMode,
): string {
  const target = qualified(schema, table);
  const names = columns.map((c) => quoteIdent(c.name)).join(', ');
  const select = `SELECT ${columns.map((c) => `p.${quoteIdent(c.name)}`).join(', ')} FROM ${quoteIdent(page)} p`;
  if (mode === 'incremental_append') {
    return `INSERT INTO ${target} (${names}) ${select} WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE t."id" = p."id" AND t."updated_at" IS NOT DISTINCT FROM p."updated_at")`;
  }
  const updates = columns
    .filter((c) => c.name !== 'id')
    .map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`)
    .join(', ');
  return `INSERT INTO ${target} AS t (${names}) ${select} ON CONFLICT ("id") DO UPDATE SET ${updates} WHERE t."updated_at" IS NULL OR t."updated_at" <= EXCLUDED."updated_at"`;
}

export function copyFromStdinSql(target: string, columns: readonly DestinationColumn[]): string {
  return `COPY ${target} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) FROM STDIN`;
}

// ---- rows ----------------------------------------------------------------------------------------------

/**
 * How a destination column is read from the stream's cache table, typed as the column is, so that
 * PostgreSQL's own COPY text output of it is what the destination's COPY reads. The values are the read
 * API's (record-presenter.ts): money in cents is whole, rounded as Math.round rounds (halves up), and
 * the spec's arrays that Latchkey does not fill are empty.
 */
export function cacheColumnSql(stream: StreamName, column: DestinationColumn, syncedAtLiteral: string): string {
  if (column.name === SYNCED_AT_COLUMN) return `${syncedAtLiteral}::timestamptz`;
  if (isCanonicalModelName(stream) && CANONICAL_MODELS[stream].emptyArrays.includes(column.name)) return `'[]'::jsonb`;
  const source = `c.${quoteIdent(column.name)}`;
  const cacheType = apiFieldTypes(stream).find(([field]) => field === column.name)?.[1];
  if (column.type === 'bigint')
    return cacheType === 'int' || cacheType === 'cents' ? `${source}::bigint` : `floor(${source} + 0.5)::bigint`;
  return source;
}

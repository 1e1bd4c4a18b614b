/**
 * Names Connect creates in a customer's warehouse. Namespaces and prefixes are restricted to lowercase
 * identifiers, so the name the user wrote is the name PostgreSQL shows (no case folding surprises), and
 * every identifier is quoted in SQL regardless.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** PostgreSQL truncates identifiers at 63 bytes. */
export const MAX_IDENTIFIER_LENGTH = 63;
/** Leaves room for the stream name and the staging / index suffixes inside 63 bytes. */
export const MAX_STREAM_PREFIX_LENGTH = 32;
const STAGING_SUFFIX = '_lk_stage';

/** Null for a usable destination schema name, else why not. */
export function namespaceProblem(namespace: string): string | null {
  if (!IDENTIFIER.test(namespace)) return 'must be a lowercase identifier: a letter or _ then letters, digits or _';
  if (namespace.length > MAX_IDENTIFIER_LENGTH) return `must be at most ${MAX_IDENTIFIER_LENGTH} characters`;
  if (namespace.startsWith('pg_') || namespace === 'information_schema') return 'is a PostgreSQL system schema';
  return null;
}

/** Null for a usable table-name prefix ('' is none), else why not. */
export function streamPrefixProblem(prefix: string): string | null {
  if (prefix === '') return null;
  if (!IDENTIFIER.test(prefix))
    return 'must be a lowercase identifier fragment: a letter or _ then letters, digits or _';
  if (prefix.length > MAX_STREAM_PREFIX_LENGTH) return `must be at most ${MAX_STREAM_PREFIX_LENGTH} characters`;
  return null;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

export function destinationTableName(prefix: string, stream: string): string {
  return `${prefix}${stream}`;
}

/** Where a full refresh loads before it swaps in; no prefix + stream can end like this. */
export function stagingTableName(table: string): string {
  return `${table}${STAGING_SUFFIX}`;
}

export function primaryKeyName(table: string): string {
  return `${table}_pkey`;
}

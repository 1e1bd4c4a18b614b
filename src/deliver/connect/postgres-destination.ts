import { Injectable } from '@nestjs/common';
import dns from 'node:dns';
import net from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, type ClientConfig } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { parse as parseConnectionString } from 'pg-connection-string';
import { OutboundBlockedError, OutboundGuard } from '../../platform/outbound/outbound-guard';
import { qualified } from './identifiers';
import { PersistentReplicationError } from './replication-failures';
import {
  addColumnsSql,
  convertTableSql,
  copyFromStdinSql,
  createSchemaSql,
  createStagingSql,
  createTableSql,
  mergePageSql,
  swapStagingSql,
  type DestinationColumn,
  type SyncMode,
} from './stream-catalog';

/** How long a destination check may take to connect (API requests wait for it). */
const CHECK_CONNECT_TIMEOUT_MS = 5_000;
const RUN_CONNECT_TIMEOUT_MS = 10_000;
/** A page's statements that hang longer than this (a half-open connection) fail the attempt, which is retried. */
const RUN_QUERY_TIMEOUT_MS = 300_000;
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/** The temporary table a merged page goes through (one per session, dropped at commit). */
const PAGE_TABLE = 'lk_page';

/** Where a destination URL points; everything but the password, which only the sealed URL holds. */
export interface DestinationAddress {
  host: string;
  port: number;
  database: string;
  username: string;
}

/** The destination check refused the URL; the message says why (never the password). */
export class DestinationCheckError extends Error {}

/** Parses a postgres:// URL; throws DestinationCheckError naming what is missing. */
export function parseDestinationUrl(url: string): DestinationAddress {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new DestinationCheckError('must be a postgres:// or postgresql:// URL');
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(url);
  } catch {
    throw new DestinationCheckError('is not a valid postgres:// URL');
  }
  if (!parsed.host || parsed.host.startsWith('/')) throw new DestinationCheckError('must name a TCP host');
  if (!parsed.user) throw new DestinationCheckError('must name a user');
  const port = parsed.port ? Number(parsed.port) : 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DestinationCheckError('has an invalid port');
  return { host: parsed.host, port, database: parsed.database || parsed.user, username: parsed.user };
}

/** Opens connections to customers' PostgreSQL warehouses, through the outbound guard like every outbound call. */
@Injectable()
export class PostgresDestinationConnector {
  constructor(private readonly guard: OutboundGuard) {}

  /**
   * The check on create and on URL change: it connects, runs SELECT 1, and confirms the user may create a
   * schema. Throws DestinationCheckError with a message fit for the API.
   */
  async check(url: string): Promise<DestinationAddress> {
    const address = parseDestinationUrl(url);
    let destination: PostgresDestination;
    try {
      destination = await this.open(url, CHECK_CONNECT_TIMEOUT_MS);
    } catch (error) {
      throw new DestinationCheckError(explainConnectFailure(error, address));
    }
    try {
      await destination.query('SELECT 1');
      const { rows } = await destination.query<{ may_create: boolean }>(
        `SELECT has_database_privilege(current_user, current_database(), 'CREATE') AS may_create`,
      );
      if (!rows[0]?.may_create) {
        throw new DestinationCheckError(
          `user "${address.username}" is not allowed to create schemas in database "${address.database}" (GRANT CREATE ON DATABASE)`,
        );
      }
      return address;
    } catch (error) {
      if (error instanceof DestinationCheckError) throw error;
      throw new DestinationCheckError(explainConnectFailure(error, address));
    } finally {
      await destination.close();
    }
  }

  /** A connection for a run; a refused address or bad URL is a persistent failure. */
  async connect(url: string): Promise<PostgresDestination> {
    try {
      parseDestinationUrl(url);
    } catch (error) {
      throw new PersistentReplicationError(`connection_url ${(error as Error).message}`);
    }
    return this.open(url, RUN_CONNECT_TIMEOUT_MS);
  }

  /**
   * Resolves the host, refuses it if any address is blocked, then connects to the address it checked (a
   * second lookup could answer differently); TLS still verifies the name in the URL.
   */
  private async open(url: string, connectTimeoutMs: number): Promise<PostgresDestination> {
    const parsed = parseConnectionString(url);
    const host = parsed.host!;
    const addresses = net.isIP(host) ? [{ address: host }] : await dns.promises.lookup(host, { all: true });
    const refused = addresses.find((a) => !this.guard.isAllowedAddress(a.address));
    if (refused) {
      throw new OutboundBlockedError(
        `Connections to ${host} (${refused.address}) are blocked (private, loopback, link-local or metadata address); allow it with OUTBOUND_ALLOW_CIDRS`,
      );
    }
    const ssl = parsed.ssl
      ? ({
          ...(typeof parsed.ssl === 'object' ? parsed.ssl : {}),
          servername: net.isIP(host) ? undefined : host,
        } as ConnectionOptions)
      : undefined;
    const config: ClientConfig = {
      host: addresses[0].address,
      port: parsed.port ? Number(parsed.port) : 5432,
      user: parsed.user,
      password: parsed.password,
      database: parsed.database || parsed.user,
      ssl,
      connectionTimeoutMillis: connectTimeoutMs,
      query_timeout: RUN_QUERY_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'latchkey-connect',
    };
    const client = new Client(config);
    // A connection lost while idle is reported as an event; the next query fails with it anyway.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return new PostgresDestination(client);
  }
}

/** One connection to a destination and the statements a run needs. */
export class PostgresDestination {
  constructor(private readonly client: Client) {}

  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []) {
    return this.client.query<R>(sql, params);
  }

  /** Schema discovery: the schema and table exist and have a column for every chosen field. */
  async ensureTable(
    schema: string,
    table: string,
    columns: readonly DestinationColumn[],
    mode: SyncMode,
  ): Promise<void> {
    await this.query(createSchemaSql(schema));
    for (const statement of createTableSql(schema, table, columns, mode)) await this.query(statement);
    const { rows } = await this.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [schema, table],
    );
    const existing = new Set(rows.map((r) => r.column_name));
    const added = addColumnsSql(
      schema,
      table,
      columns.filter((c) => !existing.has(c.name)),
    );
    if (added) await this.query(added);
    // A full refresh rebuilds the table keyed anyway; an incremental one must find the key its mode needs.
    if (mode === 'full_refresh_overwrite') return;
    const primaryKey = await this.primaryKeyOf(schema, table);
    if ((primaryKey !== null) !== (mode === 'incremental_dedup')) {
      await this.transaction(async () => {
        for (const statement of convertTableSql(schema, table, mode, primaryKey)) await this.query(statement);
      });
    }
  }

  private async primaryKeyOf(schema: string, table: string): Promise<string | null> {
    const { rows } = await this.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'`,
      [qualified(schema, table)],
    );
    return rows[0]?.conname ?? null;
  }

  async tableExists(schema: string, table: string): Promise<boolean> {
    const { rows } = await this.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
      qualified(schema, table),
    ]);
    return rows[0].found;
  }

  /** Drops the tables (those that exist) in one transaction: all of them, or none. */
  async dropTables(schema: string, tables: readonly string[]): Promise<void> {
    if (tables.length === 0) return;
    await this.transaction(async () => {
      await this.query(`DROP TABLE IF EXISTS ${tables.map((t) => qualified(schema, t)).join(', ')}`);
    });
  }

  async createStaging(schema: string, table: string, staging: string): Promise<void> {
    await this.transaction(async () => {
      for (const statement of createStagingSql(schema, table, staging)) await this.query(statement);
    });
  }

  async swapStaging(schema: string, table: string, staging: string): Promise<void> {
    await this.transaction(async () => {
      for (const statement of swapStagingSql(schema, table, staging)) await this.query(statement);
    });
  }

  /**
   * Loads one page (COPY text) into a full refresh's staging table with a plain COPY. A row updated
   * while the refresh read the cache comes again in a later page: then the page is merged instead.
   */
  async loadStagingPage(
    schema: string,
    staging: string,
    columns: readonly DestinationColumn[],
    data: Buffer[],
  ): Promise<void> {
    try {
      await this.transaction(() => this.copy(qualified(schema, staging), columns, data));
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      await this.mergePage(schema, staging, columns, data, 'incremental_dedup');
    }
  }

  /** Loads one page into an incremental stream's table through a temporary table, as one transaction; returns the rows written. */
  async mergePage(
    schema: string,
    table: string,
    columns: readonly DestinationColumn[],
    data: Buffer[],
    mode: SyncMode,
  ): Promise<number> {
    return this.transaction(async () => {
      await this.query(
        `CREATE TEMP TABLE "${PAGE_TABLE}" (LIKE ${qualified(schema, table)} INCLUDING DEFAULTS) ON COMMIT DROP`,
      );
      await this.copy(`"${PAGE_TABLE}"`, columns, data);
      return (await this.query(mergePageSql(schema, table, PAGE_TABLE, columns, mode))).rowCount ?? 0;
    });
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }

  private async copy(target: string, columns: readonly DestinationColumn[], data: Buffer[]): Promise<void> {
    await pipeline(Readable.from(data), this.client.query(copyFrom(copyFromStdinSql(target, columns))));
  }

  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.query('BEGIN');
    try {
      const result = await work();
      await this.query('COMMIT');
      return result;
    } catch (error) {
      await this.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}

/** A failed connect or check, in words for the API: unreachable (with the network code), authentication, missing database. */
export function explainConnectFailure(error: unknown, address: DestinationAddress): string {
  if (error instanceof OutboundBlockedError) return error.message;
  const code = (error as { code?: unknown })?.code;
  const message = (error as Error)?.message ?? String(error);
  if (code === '28P01' || code === '28000') return `authentication failed for user "${address.username}"`;
  if (code === '3D000') return `database "${address.database}" does not exist`;
  const where = `${address.host}:${address.port}`;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return `destination unreachable at ${where} (${code})`;
  if (/timeout/i.test(message))
    return `destination unreachable at ${where} (ETIMEDOUT: no answer within ${CHECK_CONNECT_TIMEOUT_MS / 1000} s)`;
  return `could not connect to ${where}: ${message}${typeof code === 'string' ? ` (${code})` : ''}`;
}

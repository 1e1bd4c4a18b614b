import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import { PrismaService } from '../database/prisma.service';

export interface ApiKeyIdentity {
  apiKeyId: string;
  organizationId: string;
  scopes: string[];
}

export const DEFAULT_ORGANIZATION_ID = 'org_default';

@Injectable()
export class AuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The key's identity unless unknown or revoked; notes its use in `last_used_at` (at most once a minute, same round trip). */
  async findActiveKey(keyHash: string): Promise<ApiKeyIdentity | null> {
    const rows = await this.prisma.sql<{ id: string; organization_id: string; scopes: string[] }>(
      `WITH key AS (SELECT "id", "organization_id", "scopes", "last_used_at" FROM "api_keys" WHERE "key_hash" = $1 AND "revoked_at" IS NULL),
       touched AS (
         UPDATE "api_keys" SET "last_used_at" = now() FROM key
         WHERE "api_keys"."id" = key."id" AND (key."last_used_at" IS NULL OR key."last_used_at" < now() - interval '1 minute')
       )
       SELECT "id", "organization_id", "scopes" FROM key`,
      [keyHash],
      'auth_find_active_key',
    );
    const key = rows[0];
    return key ? { apiKeyId: key.id, organizationId: key.organization_id, scopes: key.scopes } : null;
  }

  /**
   * One statement, not Prisma's upsert (a read, then an insert): processes starting together would both
   * read nothing and the second insert would fail its start-up.
   */
  async ensureDefaultOrganization(): Promise<string> {
    await this.prisma.sql(
      `INSERT INTO "organizations" ("id", "name") VALUES ($1, 'Default organization') ON CONFLICT ("id") DO NOTHING`,
      [DEFAULT_ORGANIZATION_ID],
    );
    return DEFAULT_ORGANIZATION_ID;
  }

  async countKeys(): Promise<number> {
    return this.prisma.apiKey.count({ where: { revoked_at: null } });
  }

  /** Idempotent in one statement: the same key (by hash) is stored once, whichever process gets there first. */
  async insertKey(
    organizationId: string,
    name: string,
    keyHash: string,
    prefix: string,
    scopes: string[],
  ): Promise<void> {
    await this.prisma.sql(
      `INSERT INTO "api_keys" ("id", "organization_id", "name", "key_hash", "prefix", "scopes") VALUES ($1, $2, $3, $4, $5, $6::text[])
       ON CONFLICT ("key_hash") DO UPDATE SET "revoked_at" = NULL`,
      [newId(), organizationId, name, keyHash, prefix, scopes],
    );
  }
}

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

  async findActiveKey(keyHash: string): Promise<ApiKeyIdentity | null> {
    const key = await this.prisma.apiKey.findUnique({ where: { key_hash: keyHash }, select: { id: true, organization_id: true, scopes: true, revoked_at: true } });
    if (!key || key.revoked_at) return null;
    return { apiKeyId: key.id, organizationId: key.organization_id, scopes: key.scopes };
  }

  async ensureDefaultOrganization(): Promise<string> {
    await this.prisma.organization.upsert({ where: { id: DEFAULT_ORGANIZATION_ID }, create: { id: DEFAULT_ORGANIZATION_ID, name: 'Default organization' }, update: {} });
    return DEFAULT_ORGANIZATION_ID;
  }

  async countKeys(): Promise<number> {
    return this.prisma.apiKey.count({ where: { revoked_at: null } });
  }

  /** Idempotent: the same key (by hash) is stored once, whichever process gets there first. */
  async insertKey(organizationId: string, name: string, keyHash: string, prefix: string, scopes: string[]): Promise<void> {
    await this.prisma.apiKey.upsert({
      where: { key_hash: keyHash },
      create: { id: newId(), organization_id: organizationId, name, key_hash: keyHash, prefix, scopes },
      update: { revoked_at: null },
    });
  }
}

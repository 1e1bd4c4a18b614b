import { Injectable } from '@nestjs/common';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../../platform/auth/api-key';
import { AuthService } from '../../platform/auth/auth.service';
import { API_KEY_SCOPES } from '../../platform/auth/scopes';
import { AppError } from '../../platform/common/errors/app-error';
import { pageOf, type ListQueryDto } from '../../platform/common/http/list-query.dto';
import type { CreateApiKeyDto } from './api-key.dto';
import { ApiKeyRepository, type ApiKeyRow } from './api-key.repository';

const SORTABLE = ['created_at', 'last_used_at', 'name', 'id'];

@Injectable()
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly auth: AuthService,
  ) {}

  /** The only response that ever carries the key itself: only its hash is stored. */
  async create(organizationId: string, dto: CreateApiKeyDto) {
    const key = generateApiKey();
    const scopes = API_KEY_SCOPES.filter((scope) => dto.scopes.includes(scope));
    const row = await this.keys.create(organizationId, {
      name: dto.name,
      keyHash: hashApiKey(key),
      prefix: apiKeyPrefix(key),
      scopes,
    });
    return { ...present(row), key };
  }

  async list(organizationId: string, query: ListQueryDto) {
    return pageOf(query, SORTABLE, (page) => this.keys.list(organizationId, page), present);
  }

  async revoke(organizationId: string, id: string) {
    const outcome = await this.keys.revoke(organizationId, id);
    if ('refused' in outcome) {
      if (outcome.refused === 'not_found') throw AppError.notFound('API key', id);
      throw new AppError(
        'conflict',
        "This is the organization's last admin key: create another admin key before revoking it",
        { id },
      );
    }
    this.auth.forget(id);
    return present(outcome.revoked);
  }
}

function present(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

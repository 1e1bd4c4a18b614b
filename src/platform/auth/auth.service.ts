import { Inject, Injectable, Logger } from '@nestjs/common';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors/app-error';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key';
import { AuthRepository, type ApiKeyIdentity } from './auth.repository';

/**
 * How long a verified key is trusted without asking the database: the bound on how late another process
 * notices a revocation (the revoking process forgets the key at once).
 */
export const AUTH_CACHE_TTL_MS = 2_000;

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  /** Recently verified keys, so each request does not cost a database round trip. */
  private readonly cache = new Map<string, { identity: ApiKeyIdentity | null; until: number }>();

  constructor(
    private readonly repository: AuthRepository,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async authenticate(authorization: string | undefined): Promise<ApiKeyIdentity> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>"');
    const keyHash = hashApiKey(match[1]);
    const cached = this.cache.get(keyHash);
    let identity: ApiKeyIdentity | null;
    if (cached && cached.until > Date.now()) {
      identity = cached.identity;
    } else {
      identity = await this.repository.findActiveKey(keyHash);
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(keyHash, { identity, until: Date.now() + AUTH_CACHE_TTL_MS });
    }
    if (!identity) throw new AppError('unauthorized', 'The API key is not valid');
    return identity;
  }

  /** Drops a revoked key from this process's cache, so it answers 401 here at once. */
  forget(apiKeyId: string): void {
    for (const [keyHash, entry] of this.cache) if (entry.identity?.apiKeyId === apiKeyId) this.cache.delete(keyHash);
  }

  /**
   * LATCHKEY_API_KEY, when set, becomes an admin key of the default organization. Otherwise the first start
   * creates one, prints it once and writes it to DATA_DIR/api-key (mode 0600).
   */
  async bootstrap(): Promise<void> {
    const organizationId = await this.repository.ensureDefaultOrganization();
    if (this.config.bootstrapApiKey) {
      const key = this.config.bootstrapApiKey;
      await this.repository.insertKey(organizationId, 'LATCHKEY_API_KEY', hashApiKey(key), apiKeyPrefix(key), [
        'read',
        'admin',
      ]);
      return;
    }
    if ((await this.repository.countKeys()) > 0) return;
    const key = generateApiKey();
    await this.repository.insertKey(organizationId, 'bootstrap', hashApiKey(key), apiKeyPrefix(key), ['read', 'admin']);
    fs.mkdirSync(this.config.dataDir, { recursive: true });
    const file = path.join(this.config.dataDir, 'api-key');
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    // Printed once, on purpose: this is the operator's only sight of the key besides the 0600 file.
    process.stdout.write(`\nLatchkey API key (shown once; also in ${file}):\n\n  ${key}\n\n`);
    this.logger.log(`Created the first API key; it is in ${file}`);
  }
}

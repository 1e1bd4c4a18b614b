import { Module } from '@nestjs/common';
import { ApiKeyController } from './api-key.controller';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';

/** Issuing, listing and revoking API keys (`/v1/admin/api-keys`); authentication itself lives in auth/. */
@Module({
  controllers: [ApiKeyController],
  providers: [ApiKeyRepository, ApiKeyService],
})
export class ApiKeysModule {}

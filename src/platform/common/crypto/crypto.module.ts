import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../../config/config.module';
import { SealedSecretRepository } from './sealed-secret.repository';
import { SecretBox } from './secret-box';
import { SecretReencryptionOnStart } from './secret-reencryption.service';

@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => new SecretBox(config.encryptionKey, config.previousEncryptionKeys),
    },
    SealedSecretRepository,
    SecretReencryptionOnStart,
  ],
  exports: [SecretBox],
})
export class CryptoModule {}

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Client } from 'pg';
import { APP_CONFIG, type RuntimeConfig } from '../../config/config.module';
import { SealedSecretRepository } from './sealed-secret.repository';
import { SecretBox } from './secret-box';
import { reencryptSecrets, type ReencryptionReport } from './secret-reencryption';

/**
 * Worker role: at start, moves every secret sealed with a previous encryption key to the current one, in the
 * background (the process serves meanwhile; values sealed with a previous key still open).
 */
@Injectable()
export class SecretReencryptionOnStart implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Secrets');
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly secrets: SealedSecretRepository,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.running = reencryptSecrets(this.secrets, this.box, () => this.stopping)
      .then((report) => {
        if (report.resealed > 0 || report.left > 0) {
          this.logger.log(
            `re-encryption: ${report.resealed} secret(s) re-sealed with key ${this.box.keyId}; ${report.left} left under older keys`,
          );
        }
        for (const failure of report.failures) this.logger.error(`re-encryption: ${failure}`);
      })
      .catch((error) => this.logger.error(`re-encryption failed: ${(error as Error).message}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.running;
  }
}

/** One re-encryption pass over a connection of its own: the `secrets:reencrypt` CLI, which runs without the app. */
export function reencryptOverConnection(client: Pick<Client, 'query'>, box: SecretBox): Promise<ReencryptionReport> {
  const secrets = new SealedSecretRepository({
    sql: async (text: string, params?: unknown[]) => (await client.query(text, params)).rows,
  });
  return reencryptSecrets(secrets, box);
}

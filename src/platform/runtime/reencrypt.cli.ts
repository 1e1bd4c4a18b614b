import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { ConfigError, loadConfig } from '../config/app-config';
import { prepareRuntime } from './prepare-runtime';
import { SecretBox } from '../common/crypto/secret-box';
import { reencryptOverConnection } from '../common/crypto/secret-reencryption.service';

/**
 * `npm run secrets:reencrypt`: re-seals every secret under LATCHKEY_ENCRYPTION_KEY (opening older values with
 * LATCHKEY_PREVIOUS_ENCRYPTION_KEYS) and reports how many are left under older keys. Exits 0 only when none
 * are, i.e. when the old keys may be dropped. Safe while the app runs.
 */
async function main(): Promise<void> {
  const logger = new Logger('Secrets');
  let exitCode = 1;
  try {
    const runtime = await prepareRuntime(loadConfig(process.env), (m) => logger.log(m));
    const client = new Client({ connectionString: runtime.config.databaseUrl });
    await client.connect();
    try {
      const box = new SecretBox(runtime.config.encryptionKey, runtime.config.previousEncryptionKeys);
      const report = await reencryptOverConnection(client, box);
      for (const failure of report.failures) process.stderr.write(`${failure}\n`);
      process.stdout.write(
        `re-sealed ${report.resealed} secret(s) with key ${box.keyId}; ${report.left} left under older keys\n`,
      );
      exitCode = report.left === 0 ? 0 : 1;
    } finally {
      await client.end();
      await runtime.stop();
    }
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  }
  process.exit(exitCode);
}

void main();

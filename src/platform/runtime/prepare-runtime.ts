import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/app-config';
import type { RuntimeConfig } from '../config/config.module';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../database/embedded-postgres';
import { migrate } from '../database/migrator';

export interface PreparedRuntime {
  config: RuntimeConfig;
  /** Stops what prepareRuntime started (the embedded PostgreSQL), after the app has closed. */
  stop(): Promise<void>;
}

/**
 * Everything that must exist before the Nest app: the database (embedded when DATABASE_URL is unset), the
 * encryption key (generated into DATA_DIR in embedded mode) and the schema (migrations applied).
 */
export async function prepareRuntime(config: AppConfig, log: (message: string) => void): Promise<PreparedRuntime> {
  let embedded: EmbeddedDatabase | null = null;
  const databaseUrl = config.databaseUrl ?? (embedded = await startEmbeddedPostgres(config.dataDir, log)).url;
  try {
    const encryptionKey = config.encryptionKey ?? readOrCreateEncryptionKey(config.dataDir, log);
    const result = await migrate(databaseUrl);
    if (result.applied.length > 0) log(`applied migrations: ${result.applied.join(', ')}`);
    return {
      config: { ...config, databaseUrl, encryptionKey, embedded: embedded !== null },
      stop: async () => {
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function readOrCreateEncryptionKey(dataDir: string, log: (message: string) => void): string {
  const file = path.join(dataDir, 'encryption-key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  log(`generated an encryption key for secrets at rest in ${file} (back it up with the database)`);
  return key;
}

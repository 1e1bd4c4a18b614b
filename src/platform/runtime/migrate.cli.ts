import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '../config/app-config';
import { prepareRuntime } from './prepare-runtime';

/** `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (or the embedded database) and exits. */
async function main(): Promise<void> {
  const logger = new Logger('Migrate');
  try {
    const runtime = await prepareRuntime(loadConfig(process.env), (m) => logger.log(m));
    logger.log('database schema is up to date');
    await runtime.stop();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
    process.exit(1);
  }
}

void main();

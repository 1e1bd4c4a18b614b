import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { AuthService } from './auth/auth.service';
import { ConfigError, loadConfig } from './config/app-config';
import { prepareRuntime } from './runtime/prepare-runtime';

const WORKER_ROUTES = new Set(['/health', '/ready', '/metrics']);

async function main(): Promise<void> {
  const logger = new Logger('Latchkey');
  let config;
  try {
    config = loadConfig(process.env, process.argv[2]);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const runtime = await prepareRuntime(config, (m) => logger.log(m));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime.config), {
    bodyParser: false,
    logger: config.logLevel === 'debug' ? ['error', 'warn', 'log', 'debug'] : config.logLevel === 'info' ? ['error', 'warn', 'log'] : config.logLevel === 'warn' ? ['error', 'warn'] : ['error'],
  });
  app.disable('x-powered-by');
  if (config.role === 'worker') {
    // A worker serves only its probes; the API lives in `api` processes.
    app.use((req: Request, res: Response, next: NextFunction) => (WORKER_ROUTES.has(req.path) ? next() : res.status(404).json({ error: { code: 'not_found', message: 'This process runs as a worker; the API is served by api processes', details: {} } })));
  }
  if (config.sandbox && config.role !== 'worker') {
    // Loaded lazily: production code paths never import the simulators. Mounted before the body parser
    // because the simulators read their own bodies.
    const { mountSandboxes } = await import('./sandbox/sandbox.mount.js');
    logger.log(`sandbox vendors mounted: ${mountSandboxes(app).map((s: string) => `/sandbox/${s}/`).join(', ')}`);
  }
  app.useBodyParser('json', { limit: '1mb' });
  app.enableShutdownHooks();
  await app.init();
  if (config.role !== 'worker') await app.get(AuthService).bootstrap();
  await app.listen(config.port);
  logger.log(`${config.role} listening on http://localhost:${config.port} (database: ${runtime.config.embedded ? 'embedded PostgreSQL' : 'external'}, queue: ${config.redisUrl ? 'Redis' : 'PostgreSQL'})`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing in-flight work`);
    await app.close();
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`Latchkey failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

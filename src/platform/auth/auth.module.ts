import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { ScopeInterceptor } from './scopes';

@Global()
@Module({
  providers: [
    AuthRepository,
    AuthService,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_INTERCEPTOR, useClass: ScopeInterceptor },
  ],
  exports: [AuthService],
})
export class AuthModule {}

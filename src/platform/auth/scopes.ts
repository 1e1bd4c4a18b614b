import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/errors/app-error';
import type { AuthedRequest } from './api-key.guard';

/** What an API key may do: `read` reads data; `admin` may do everything. */
export const API_KEY_SCOPES = ['read', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const READ_SCOPE = 'latchkey:read-scope';
/**
 * Marks a controller (or handler) whose GET routes a `read` key may call: the data endpoints and the event
 * feed. Everything else (admin, webhooks, any write) needs `admin`, so a route added without thinking about
 * scopes is admin-only.
 */
export const ReadScope = () => SetMetadata(READ_SCOPE, true);

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Enforces scopes (403 forbidden). An interceptor rather than a guard so that it runs after every guard:
 * the rate limiter (a guard) counts forbidden requests too, and their responses carry its headers.
 */
@Injectable()
export class ScopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler) {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    if (request.auth) {
      const readable =
        READ_METHODS.has(request.method) &&
        this.reflector.getAllAndOverride<boolean>(READ_SCOPE, [context.getHandler(), context.getClass()]) === true;
      const scopes = request.auth.scopes;
      if (!scopes.includes('admin') && !(readable && scopes.includes('read'))) {
        const needed: ApiKeyScope = readable ? 'read' : 'admin';
        throw new AppError(
          'forbidden',
          `This API key lacks the "${needed}" scope that ${request.method} on this endpoint needs`,
          { required_scope: needed },
        );
      }
    }
    return next.handle();
  }
}

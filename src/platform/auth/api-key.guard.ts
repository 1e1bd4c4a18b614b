import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyIdentity } from './auth.repository';
import { AuthService } from './auth.service';

const PUBLIC = 'latchkey:public';
/** Marks a route that needs no API key (health, docs, dashboard shell). */
export const Public = () => SetMetadata(PUBLIC, true);

export type AuthedRequest = { method: string; headers: Record<string, string | undefined>; auth?: ApiKeyIdentity };

export function isPublicRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]) === true;
}

/** Authenticates every non-public request: `request.auth` is the API key's identity afterwards. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublicRoute(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    request.auth = await this.auth.authenticate(request.headers.authorization);
    return true;
  }
}

/** The organization of the request's API key: every repository call is scoped by it. */
export const OrgId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  return context.switchToHttp().getRequest<AuthedRequest>().auth!.organizationId;
});

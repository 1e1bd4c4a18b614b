import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyIdentity } from './auth.repository';
import { AuthService } from './auth.service';

const PUBLIC = 'latchkey:public';
/** Marks a route that needs no API key (health, docs, dashboard shell). */
export const Public = () => SetMetadata(PUBLIC, true);

type AuthedRequest = { headers: Record<string, string | undefined>; auth?: ApiKeyIdentity };

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    request.auth = await this.auth.authenticate(request.headers.authorization);
    return true;
  }
}

/** The organization of the request's API key: every repository call is scoped by it. */
export const OrgId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  return context.switchToHttp().getRequest<AuthedRequest>().auth!.organizationId;
});

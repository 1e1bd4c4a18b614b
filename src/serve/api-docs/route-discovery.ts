import { Injectable, RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';

/** One HTTP route of a Nest controller, as Nest registers it. */
export interface DiscoveredRoute {
  method: string; // lower case, as OpenAPI keys operations
  /** OpenAPI form: `/v1/webhooks/{id}/deliveries`. */
  path: string;
  pathParams: string[];
  /** The success status: @HttpCode's, else Nest's default (201 for POST, 200 otherwise). */
  status: number;
  queryDto?: Type;
  bodyDto?: Type;
}

type Paramtypes = Type[] | undefined;

/**
 * Reads the routes from the controllers' own decorators (the metadata Nest builds its router from), so the
 * document lists exactly what the app serves and a new route appears in it without anyone remembering to.
 */
@Injectable()
export class RouteDiscovery {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  routes(): DiscoveredRoute[] {
    return this.discovery.getControllers().flatMap(({ metatype }) => {
      if (!metatype) return [];
      const controller = metatype as Type;
      const prefixes = asList(Reflect.getMetadata(PATH_METADATA, controller));
      return this.scanner.getAllMethodNames(controller.prototype).flatMap((name) => {
        const handler = controller.prototype[name] as (...args: unknown[]) => unknown;
        const paths = Reflect.getMetadata(PATH_METADATA, handler);
        if (paths === undefined) return []; // a plain method, not a route
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod].toLowerCase();
        const status =
          (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'post' ? 201 : 200);
        const dtos = dtosOf(controller, name);
        return prefixes.flatMap((prefix) =>
          asList(paths).map((routePath) => ({ method, status, ...toOpenApiPath(prefix, routePath), ...dtos })),
        );
      });
    });
  }
}

function asList(value: string | string[] | undefined): string[] {
  return Array.isArray(value) ? value : [value ?? ''];
}

/** `v1/webhooks/:id` + `deliveries` → `/v1/webhooks/{id}/deliveries` and its path parameters. */
function toOpenApiPath(prefix: string, routePath: string): { path: string; pathParams: string[] } {
  const segments = [prefix, routePath].join('/').split('/').filter(Boolean);
  const pathParams = segments.filter((s) => s.startsWith(':')).map((s) => s.slice(1));
  return { path: `/${segments.map((s) => (s.startsWith(':') ? `{${s.slice(1)}}` : s)).join('/')}`, pathParams };
}

/** The DTO classes of the handler's @Query() and @Body() parameters (whole-object ones only). */
function dtosOf(controller: Type, handlerName: string): Pick<DiscoveredRoute, 'queryDto' | 'bodyDto'> {
  const args: Record<string, { index: number; data?: unknown }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handlerName) ?? {};
  const types: Paramtypes = Reflect.getMetadata('design:paramtypes', controller.prototype, handlerName);
  const dtoOf = (kind: RouteParamtypes) => {
    const arg = Object.entries(args).find(
      ([key, value]) => key.split(':')[0] === String(kind) && value.data === undefined,
    )?.[1];
    return arg ? types?.[arg.index] : undefined;
  };
  return { queryDto: dtoOf(RouteParamtypes.QUERY), bodyDto: dtoOf(RouteParamtypes.BODY) };
}

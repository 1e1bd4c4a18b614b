import { Injectable } from '@nestjs/common';
import { ERROR_STATUS, type ErrorCode } from '../common/errors/app-error';
import { dtoFields, dtoSchema, ref, type JsonSchema } from './dto-schema';
import { LATCHKEY_SCHEMAS, OPERATIONS, type OperationDoc } from './operation-catalogue';
import propexoSchemas from './propexo-schemas.json';
import { RouteDiscovery, type DiscoveredRoute } from './route-discovery';

/** The routes the document describes: the API under /v1 and the operational endpoints (not the dashboard or the docs themselves). */
const DOCUMENTED = (path: string) => path.startsWith('/v1/') || ['/health', '/ready', '/metrics'].includes(path);

/** Error responses as API.md §2 lists them (status from the code, as the exception filter maps it); each operation references those it can answer. */
const ERROR_RESPONSES: Record<string, { code: ErrorCode; description: string }> = {
  InvalidRequest: { code: 'invalid_request', description: 'invalid_request: a bad or unknown field (details.fields names each)' },
  Unauthorized: { code: 'unauthorized', description: 'unauthorized: missing or unknown API key' },
  NotFound: { code: 'not_found', description: "not_found: no such id in the key's organization" },
  Conflict: { code: 'conflict', description: 'conflict: the change clashes with the current state' },
  PayloadTooLarge: { code: 'payload_too_large', description: 'payload_too_large: the body exceeds MAX_BODY_BYTES' },
  RateLimited: { code: 'rate_limited', description: 'rate_limited: too many requests this minute for this key (see Retry-After)' },
};

/**
 * Our OpenAPI document: paths from the live route metadata, request schemas from the DTOs' validation
 * rules, response schemas from Propexo's spec (committed copy) or our own for extensions. Built once.
 */
@Injectable()
export class OpenApiDocumentService {
  private document?: JsonSchema;

  constructor(private readonly discovery: RouteDiscovery) {}

  get(): JsonSchema {
    this.document ??= this.build();
    return this.document;
  }

  private build(): JsonSchema {
    const paths: Record<string, Record<string, JsonSchema>> = {};
    const routes = this.discovery.routes().filter((r) => DOCUMENTED(r.path)).sort((a, b) => a.path.localeCompare(b.path));
    for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
    return {
      openapi: '3.1.0',
      info: {
        title: 'Latchkey API',
        version: '1',
        description: "Propexo's public API, self-hosted. Operations and fields marked `x-latchkey-extension: true` are Latchkey's own additions.",
      },
      security: [{ bearerAuth: [] }],
      paths,
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <api key>' } },
        schemas: { ...propexoSchemas, ...LATCHKEY_SCHEMAS },
        responses: Object.fromEntries(
          Object.entries(ERROR_RESPONSES).map(([name, { code, description }]) => [
            name,
            {
              description,
              ...(code === 'rate_limited' ? { headers: { 'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer' } } } } : {}),
              content: { 'application/json': { schema: ref('LatchkeyError') } },
            },
          ]),
        ),
      },
    };
  }
}

function operation(route: DiscoveredRoute): JsonSchema {
  const key = `${route.method.toUpperCase()} ${route.path}`;
  // A route nobody has described yet is still listed (the route metadata is the source of truth), plainly.
  const doc: OperationDoc = OPERATIONS[key] ?? { summary: key, response: { type: 'object' } };
  const extensionFields = new Set(doc.extensionFields);
  const markExtension = (name: string, schema: JsonSchema) => (extensionFields.has(name) ? { ...schema, 'x-latchkey-extension': true } : schema);
  const parameters = [
    ...route.pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(route.queryDto ? dtoFields(route.queryDto) : []).map((f) => ({ name: f.name, in: 'query', required: f.required, schema: markExtension(f.name, f.schema) })),
  ];
  const body = route.bodyDto ? dtoSchema(route.bodyDto) : undefined;
  if (body) body.properties = Object.fromEntries(Object.entries(body.properties as Record<string, JsonSchema>).map(([name, s]) => [name, markExtension(name, s)]));
  return {
    operationId: `${route.method}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.extension ? { 'x-latchkey-extension': true } : {}),
    ...(doc.public ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    // Bodies are optional when no field is required: the app reads a missing body as {}.
    ...(body ? { requestBody: { required: Array.isArray(body.required), content: { 'application/json': { schema: body } } } } : {}),
    responses: {
      [route.status]: { description: 'Success', content: { [doc.contentType ?? 'application/json']: { schema: doc.response } } },
      ...(route.path === '/ready' ? { 503: { description: 'Not ready, or shutting down', content: { 'application/json': { schema: ref('LatchkeyReady') } } } } : {}),
      ...(doc.public ? {} : errorResponses(route, body !== undefined)),
    },
  };
}

function errorResponses(route: DiscoveredRoute, hasBody: boolean): Record<number, JsonSchema> {
  const refs = ['Unauthorized', 'RateLimited'];
  if (route.queryDto || hasBody) refs.push('InvalidRequest');
  if (route.pathParams.length > 0) refs.push('NotFound');
  if (route.method !== 'get') refs.push('Conflict');
  if (hasBody) refs.push('PayloadTooLarge');
  return Object.fromEntries(refs.map((name) => [ERROR_STATUS[ERROR_RESPONSES[name]!.code], { $ref: `#/components/responses/${name}` }]));
}

import { Injectable } from '@nestjs/common';
import { ERROR_STATUS, type ErrorCode } from '../../platform/common/errors/app-error';
import { dtoFields, dtoSchema, ref, type JsonSchema } from './dto-schema';
import { LATCHKEY_SCHEMAS, OPERATIONS, type OperationDoc } from './operation-catalogue';
import propexoSchemas from './propexo-schemas.json';
import { RouteDiscovery, type DiscoveredRoute } from './route-discovery';

/** The routes the document describes: the API under /v1 and the operational endpoints (not the dashboard or the docs themselves). */
const DOCUMENTED = (path: string) => path.startsWith('/v1/') || ['/health', '/ready', '/metrics'].includes(path);

/** Error responses as API.md §2 lists them (status from the code, as the exception filter maps it); each operation references those it can answer. */
const ERROR_RESPONSES: Record<string, { code: ErrorCode; description: string }> = {
  InvalidRequest: {
    code: 'invalid_request',
    description: 'invalid_request: a bad or unknown field (details.fields names each)',
  },
  Unauthorized: { code: 'unauthorized', description: 'unauthorized: missing or unknown API key' },
  NotFound: { code: 'not_found', description: "not_found: no such id in the key's organization" },
  Conflict: { code: 'conflict', description: 'conflict: the change clashes with the current state' },
  PayloadTooLarge: { code: 'payload_too_large', description: 'payload_too_large: the body exceeds MAX_BODY_BYTES' },
  RateLimited: {
    code: 'rate_limited',
    description: 'rate_limited: too many requests this minute for this key (see Retry-After)',
  },
};

/**
 * Propexo's spec redacts two vendor names (docs/vendor-notes.md): its SAMPLE1 is YARDI and its SAMPLE2 APPFOLIO.
 * A client generated from the spec knows neither name, so wherever one appears in an enum (ours in requests, the
 * spec's in responses, which take the name beside the placeholder) it is listed as an extension value.
 */
const REDACTED_VENDORS: Record<string, string> = { SAMPLE1: 'YARDI', SAMPLE2: 'APPFOLIO' };
const EXTENSION_VENDORS: unknown[] = Object.values(REDACTED_VENDORS);

/** The schema with `values` marked as extension values of its enum (`x-latchkey-extension-values`). */
function withExtensionValues(schema: JsonSchema, values: unknown[]): JsonSchema {
  const unique = [...new Set(values)];
  return unique.length === 0 ? schema : { ...schema, 'x-latchkey-extension-values': unique };
}

/** The enum of a field: its own, or its items'. */
const enumOf = (schema: JsonSchema): unknown[] =>
  (schema.enum ?? (schema.items as JsonSchema | undefined)?.enum ?? []) as unknown[];

/** The spec's schemas with each enum that holds a redacted vendor placeholder taking the vendor's name too, marked. */
function unredactVendors(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(unredactVendors);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, unredactVendors(value)]));
  const names = Array.isArray(out.enum)
    ? out.enum
        .filter((v) => typeof v === 'string' && Object.hasOwn(REDACTED_VENDORS, v))
        .map((v) => REDACTED_VENDORS[v as string])
    : [];
  return withExtensionValues(names.length > 0 ? { ...out, enum: [...(out.enum as unknown[]), ...names] } : out, names);
}

const PROPEXO_SCHEMAS = unredactVendors(propexoSchemas) as Record<string, JsonSchema>;

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
    const routes = this.discovery
      .routes()
      .filter((r) => DOCUMENTED(r.path))
      .sort((a, b) => a.path.localeCompare(b.path));
    for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
    return {
      openapi: '3.1.0',
      info: {
        title: 'Latchkey API',
        version: '1',
        description:
          "Propexo's public API, self-hosted. Operations and fields marked `x-latchkey-extension: true` are Latchkey's own additions, " +
          'and so are the enum values a schema lists in `x-latchkey-extension-values` (among them the vendors YARDI and APPFOLIO, which ' +
          "Propexo's spec redacts as SAMPLE1 and SAMPLE2). A parameter with `x-latchkey-requires` is taken only together with the one it names.",
      },
      security: [{ bearerAuth: [] }],
      paths,
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <api key>' },
        },
        schemas: { ...PROPEXO_SCHEMAS, ...LATCHKEY_SCHEMAS },
        responses: Object.fromEntries(
          Object.entries(ERROR_RESPONSES).map(([name, { code, description }]) => [
            name,
            {
              description,
              ...(code === 'rate_limited'
                ? {
                    headers: {
                      'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer' } },
                    },
                  }
                : {}),
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
  const markExtension = (name: string, schema: JsonSchema) => {
    const marked = withExtensionValues(schema, [
      ...(doc.extensionValues?.[name] ?? []),
      ...enumOf(schema).filter((v) => EXTENSION_VENDORS.includes(v)),
    ]);
    return extensionFields.has(name) ? { ...marked, 'x-latchkey-extension': true } : marked;
  };
  const parameters = [
    ...route.pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(route.queryDto ? dtoFields(route.queryDto) : []).map((f) => ({
      name: f.name,
      in: 'query',
      required: f.required,
      schema: markExtension(f.name, f.schema),
    })),
  ];
  // A body typed as a plain object (the write API's, checked against the spec's schema) has no DTO to describe it.
  const body = route.bodyDto && route.bodyDto !== Object ? dtoSchema(route.bodyDto) : undefined;
  if (body)
    body.properties = Object.fromEntries(
      Object.entries(body.properties as Record<string, JsonSchema>).map(([name, s]) => [name, markExtension(name, s)]),
    );
  return {
    operationId: `${route.method}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.extension ? { 'x-latchkey-extension': true } : {}),
    ...(doc.public ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    // Bodies are optional when no field is required: the app reads a missing body as {}.
    ...(body
      ? { requestBody: { required: Array.isArray(body.required), content: { 'application/json': { schema: body } } } }
      : doc.requestBody
        ? { requestBody: { required: true, content: { 'application/json': { schema: doc.requestBody } } } }
        : {}),
    responses: {
      [route.status]: {
        description: 'Success',
        content: { [doc.contentType ?? 'application/json']: { schema: doc.response } },
      },
      ...(route.path === '/ready'
        ? {
            503: {
              description: 'Not ready, or shutting down',
              content: { 'application/json': { schema: ref('LatchkeyReady') } },
            },
          }
        : {}),
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
  return Object.fromEntries(
    refs.map((name) => [ERROR_STATUS[ERROR_RESPONSES[name].code], { $ref: `#/components/responses/${name}` }]),
  );
}

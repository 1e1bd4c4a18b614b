import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import YAML from 'yaml';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { OUTPUT_DIR, startApp, waitFor, type AppProcess } from '../support/app-process';
import { launchBrowser, watchPage } from '../support/browser';
import { createTestDatabase, pipelineState } from '../support/database';
import { startWebhookReceiver } from '../support/webhook-receiver';

const ROOT = path.resolve(__dirname, '../..');
const SPEC_FILE = path.resolve(ROOT, 'docs/reference/propexo-openapi.yml');
const COMMITTED_SCHEMAS = path.join(ROOT, 'src/serve/api-docs/propexo-schemas.json');
const METHODS = ['get', 'post', 'put', 'delete', 'patch'];
/** Routes outside /v1 that are not API operations: the dashboard and the docs themselves. */
const UI_ROUTES = [
  'GET /',
  'GET /dashboard/{file}',
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/swagger-initializer.js',
  'GET /docs/{file}',
];
const DUMMY_ID = 'api-docs-dummy-id';

type Json = Record<string, any>;

/**
 * The routes the built app registers, read from Nest's route metadata of every controller reachable from
 * AppModule (a plain Node child: jest cannot load Nest's ES modules). Independent of the app's own
 * discovery code: it walks the module tree rather than asking Nest's DiscoveryService.
 */
function registeredRoutes(): string[] {
  const script = `
    require('reflect-metadata');
    const { RequestMethod } = require('@nestjs/common');
    const { AppModule } = require('./dist/app.module.js');
    const seen = new Set(); const routes = [];
    const visit = (entry) => {
      if (!entry) return;
      if (typeof entry.forwardRef === 'function') return visit(entry.forwardRef());
      const cls = typeof entry === 'function' ? entry : entry.module;
      const key = typeof entry === 'function' ? entry : entry;
      if (seen.has(key)) return; seen.add(key);
      const imports = [...(Reflect.getMetadata('imports', cls) ?? []), ...(entry.imports ?? [])];
      const controllers = [...(Reflect.getMetadata('controllers', cls) ?? []), ...(entry.controllers ?? [])];
      for (const controller of controllers) {
        const prefix = Reflect.getMetadata('path', controller) ?? '';
        for (const name of Object.getOwnPropertyNames(controller.prototype).filter((n) => n !== 'constructor')) {
          const handler = controller.prototype[name];
          const sub = typeof handler === 'function' ? Reflect.getMetadata('path', handler) : undefined;
          if (sub === undefined) continue;
          const method = RequestMethod[Reflect.getMetadata('method', handler)];
          routes.push(method + ' /' + [prefix, sub].join('/').split('/').filter(Boolean).join('/'));
        }
      }
      imports.forEach(visit);
    };
    visit(AppModule.forRoot({}));
    process.stdout.write(JSON.stringify(routes));
  `;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(out) as string[]).map((r) => r.replace(/:([A-Za-z0-9_]+)/g, '{$1}'));
}

/** Validates with @seriousme/openapi-schema-validator (an ES module, so in a plain Node child). */
function validateOpenApi(document: Json): { valid: boolean; errors?: unknown; version?: string } {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(document));
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    const validator = new Validator();
    const result = await validator.validate(${JSON.stringify(file)});
    if (result.valid) validator.resolveRefs();
    process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
  `;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' }),
  );
}

/** Every `$ref` in the document, with where it is. */
function refsIn(node: unknown, at = '#'): { ref: string; at: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => refsIn(item, `${at}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' ? [{ ref: value as string, at }] : refsIn(value, `${at}/${key}`),
  );
}

function resolvePointer(document: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document);
}

function operations(document: Json): { method: string; path: string; op: Json }[] {
  return Object.entries(document.paths as Json).flatMap(([p, item]) =>
    Object.entries(item as Json)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ method, path: p, op: op as Json })),
  );
}

/**
 * Object schemas of an operation's success response (our components only: Propexo's are checked byte for
 * byte elsewhere) that accept fields they do not name: where an undocumented field would go unnoticed.
 */
function openObjects(document: Json, schema: unknown, at: string, seen = new Set<string>()): string[] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => openObjects(document, s, `${at}/${i}`, seen));
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Json;
  if (typeof node.$ref === 'string') {
    if (!node.$ref.startsWith('#/components/schemas/Latchkey') || seen.has(node.$ref)) return [];
    seen.add(node.$ref);
    return openObjects(document, resolvePointer(document, node.$ref), node.$ref, seen);
  }
  const types = ([] as unknown[]).concat(node.type ?? []);
  const open = (types.includes('object') || node.properties) && node.additionalProperties !== false ? [at] : [];
  const children = ['properties', 'items', 'allOf', 'oneOf', 'anyOf']
    .filter((k) => k in node)
    .flatMap((k) =>
      k === 'properties'
        ? Object.entries(node.properties as Json).flatMap(([name, s]) =>
            openObjects(document, s, `${at}.${name}`, seen),
          )
        : openObjects(document, node[k], `${at}/${k}`, seen),
    );
  return [...open, ...children];
}

/** The schema as the spec has it: each `x-latchkey-extension-values` marker taken out, with the values it lists. */
function withoutExtensionValues(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutExtensionValues);
  if (node === null || typeof node !== 'object') return node;
  const { 'x-latchkey-extension-values': values, ...rest } = node as Json;
  const out = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, withoutExtensionValues(value)]));
  return values ? { ...out, enum: (out.enum as unknown[]).filter((v) => !(values as unknown[]).includes(v)) } : out;
}

const concrete = (p: string) => p.replace(/\{[^}]+\}/g, DUMMY_ID);
const isRouteNotFound = (res: request.Response) =>
  (res.status === 404 && /^No route for /.test(res.body?.error?.message ?? '')) ||
  /Cannot (GET|POST|PUT|DELETE)/.test(res.text);

describe('API docs: /openapi.json and /docs', () => {
  let app: AppProcess;
  let document: Json;
  let databaseUrl: string;
  const auth = () => ({ authorization: `Bearer ${app.apiKey}` });

  beforeAll(async () => {
    app = await startApp({ name: 'api-docs', env: { DATABASE_URL: (databaseUrl = await createTestDatabase()) } });
    const res = await request(app.url).get('/openapi.json'); // no API key
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    document = res.body;
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('is a valid OpenAPI 3 document whose every $ref resolves', () => {
    expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
    const result = validateOpenApi(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter(({ ref }) => resolvePointer(document, ref) === undefined)).toEqual([]);
    expect(document.components.securitySchemes.bearerAuth).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(document.security).toEqual([{ bearerAuth: [] }]);
  });

  it('documents every route the app registers, and registers every route it documents', async () => {
    const registered = registeredRoutes();
    expect(registered).toContain('GET /v1/properties/{id}'); // the walk found the controllers at all
    const documented = operations(document).map(({ method, path: p }) => `${method.toUpperCase()} ${p}`);
    const inScope = (route: string) =>
      / \/v1\//.test(route) || ['GET /health', 'GET /ready', 'GET /metrics'].includes(route);
    expect(registered.filter(inScope).filter((r) => !documented.includes(r))).toEqual([]);
    // Anything else the app serves is the dashboard or the docs; a new API route outside /v1 would show here.
    expect(registered.filter((r) => !inScope(r)).filter((r) => !UI_ROUTES.includes(r))).toEqual([]);
    expect(documented.filter((r) => !registered.includes(r))).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);

    // The live app answers each documented operation (dummy ids: a not_found for the id is fine, no route is not).
    const unrouted: string[] = [];
    for (const { method, path: p } of operations(document)) {
      const res = await (request(app.url) as any)
        [method](concrete(p))
        .set(auth())
        .send(method === 'get' || method === 'delete' ? undefined : {});
      if (isRouteNotFound(res)) unrouted.push(`${method.toUpperCase()} ${p}`);
      expect(res.status).toBeLessThan(500);
    }
    expect(unrouted).toEqual([]);
    // The check itself tells the two 404s apart.
    expect(isRouteNotFound(await request(app.url).get('/v1/no-such-model').set(auth()))).toBe(true);
    expect(isRouteNotFound(await request(app.url).get(`/v1/properties/${DUMMY_ID}`).set(auth()))).toBe(false);
  });

  it('describes each operation: summary, path parameters, success and error envelopes, security', async () => {
    for (const { method, path: p, op } of operations(document)) {
      const where = `${method.toUpperCase()} ${p}`;
      expect([where, typeof op.summary === 'string' && op.summary !== where]).toEqual([where, true]); // written, not the fallback
      const pathParams = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect([where, (op.parameters ?? []).filter((x: Json) => x.in === 'path').map((x: Json) => x.name)]).toEqual([
        where,
        pathParams,
      ]);
      const success = Object.keys(op.responses).filter((s) => /^2/.test(s));
      expect([where, success.length]).toEqual([where, 1]);
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic) {
        for (const status of ['401', '429'])
          expect([where, op.responses[status]?.$ref]).toEqual([
            where,
            expect.stringMatching(/^#\/components\/responses\//),
          ]);
        if (pathParams.length > 0)
          expect([where, op.responses['404']?.$ref]).toEqual([where, '#/components/responses/NotFound']);
      }
      // Security as documented is what the app enforces.
      const res = await (request(app.url) as any)
        [method](concrete(p))
        .send(method === 'get' || method === 'delete' ? undefined : {});
      expect([where, res.status === 401]).toEqual([where, !isPublic]);
      if (!isPublic) expect(res.body.error.code).toBe('unauthorized');
    }
    expect(
      operations(document)
        .filter(({ op }) => op.security?.length === 0)
        .map(({ path: p }) => p)
        .sort(),
    ).toEqual(['/health', '/metrics', '/ready']);
    // The error envelope of API.md §2 with each listed status.
    const error = document.components.schemas.LatchkeyError;
    expect(error.properties.error.required).toEqual(['code', 'message', 'details']);
    const statuses = Object.values(document.components.responses as Json).map(
      (r: Json) => r.content['application/json'].schema.$ref,
    );
    expect(new Set(statuses)).toEqual(new Set(['#/components/schemas/LatchkeyError']));
    expect(Object.keys(document.components.responses).sort()).toEqual([
      'Conflict',
      'InvalidRequest',
      'NotFound',
      'PayloadTooLarge',
      'RateLimited',
      'Unauthorized',
    ]);
    expect(document.components.responses.RateLimited.headers['Retry-After']).toBeDefined();
    // The documented success status is the one the app answers (health: 200; a create the spec has: its 200; an extension's create: 201).
    expect(document.paths['/health'].get.responses['200']).toBeDefined();
    expect(document.paths['/v1/webhooks'].post.responses['200']).toBeDefined();
    expect(document.paths['/v1/admin/integrations'].post.responses['200']).toBeDefined();
    expect(document.paths['/v1/admin/api-keys'].post.responses['201']).toBeDefined();
    expect(document.paths['/v1/webhooks/{id}/test'].post.responses['202']).toBeDefined();
  });

  it('documents the query parameters and bodies the app accepts', async () => {
    const getsWithQuery = operations(document).filter(
      ({ method, op }) => method === 'get' && (op.parameters ?? []).some((x: Json) => x.in === 'query'),
    );
    expect(getsWithQuery.length).toBeGreaterThan(15);
    const sample = (schema: Json): string => {
      if (schema.enum) return String(schema.enum[0]);
      if (schema.format === 'date-time') return '2026-01-01T00:00:00Z';
      return schema.pattern && new RegExp(schema.pattern).test('1') ? '1' : 'x';
    };
    const unknownTo = async (p: string, query: Record<string, string>) => {
      const res = await request(app.url).get(concrete(p)).query(query).set(auth());
      const fields = (res.body?.error?.details?.fields ?? {}) as Record<string, string[]>;
      return Object.entries(fields)
        .filter(([, messages]) => messages.some((m) => /should not exist/.test(m)))
        .map(([name]) => name);
    };
    for (const { path: p, op } of getsWithQuery) {
      const query = Object.fromEntries(
        (op.parameters as Json[]).filter((x) => x.in === 'query').map((x) => [x.name, sample(x.schema)]),
      );
      expect([p, await unknownTo(p, query)]).toEqual([p, []]);
    }
    // The same probe does see a parameter the app does not know.
    expect(await unknownTo('/v1/properties', { zz_undocumented: '1' })).toEqual(['zz_undocumented']);

    const leases = document.paths['/v1/leases'].get.parameters as Json[];
    expect(leases.find((x) => x.name === 'status_normalized')!.schema.enum).toEqual([
      'ACTIVE',
      'INACTIVE',
      'OTHER',
      'PENDING',
      'EVICTED',
    ]);
    // Typed as a client sends them (the wire carries strings): limit an integer from 0 (just the meta) to 250, flags booleans.
    expect(leases.find((x) => x.name === 'limit')).toEqual(
      expect.objectContaining({
        required: false,
        schema: expect.objectContaining({ type: 'integer', minimum: 0, maximum: 250 }),
      }),
    );
    expect(leases.find((x) => x.name === 'limit')!.schema.description).toMatch(/0 answers no records, only the meta/);
    expect(leases.find((x) => x.name === 'only_null_move_outs')!.schema).toEqual({ type: 'boolean' });
    expect(leases.find((x) => x.name === 'updated_at_gte')!.schema).toEqual(
      expect.objectContaining({ type: 'string', anyOf: [{ format: 'date-time' }, { format: 'date' }] }),
    );
    // A field a vendor writes that the spec's input lacks is documented as an extension on the spec's body.
    const propertyBody = document.paths['/v1/properties'].post.requestBody.content['application/json'].schema;
    expect(propertyBody.allOf).toEqual([{ $ref: '#/components/schemas/_v1_properties__post_input' }]);
    expect(propertyBody.properties).toEqual({
      x_operating_bank_account_id: expect.objectContaining({ type: 'string', 'x-latchkey-extension': true }),
    });
    // Get by id takes the spec's paging parameters.
    for (const p of ['/v1/leases/{id}', '/v1/webhooks/{id}', '/v1/admin/integrations/{id}']) {
      expect([
        p,
        (document.paths[p].get.parameters as Json[]).filter((x) => x.in === 'query').map((x) => x.name),
      ]).toEqual([p, expect.arrayContaining(['offset', 'limit', 'order-by'])]);
    }
    const create = document.paths['/v1/admin/integrations'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(expect.arrayContaining(['name', 'integration_vendor', 'credentials']));
    expect(create.properties.integration_vendor.enum).toEqual(
      expect.arrayContaining(['BUILDIUM', 'PROPERTYWARE_REST', 'YARDI', 'ENTRATA', 'APPFOLIO']),
    );
    const webhook = document.paths['/v1/webhooks'].post.requestBody.content['application/json'].schema;
    expect(webhook.properties.headers.items.properties.header.type).toBe('string'); // nested DTO
    expect(webhook.additionalProperties).toBe(false);
    // A body of just the documented required fields is accepted.
    const minimal = await request(app.url)
      .post('/v1/webhooks')
      .set(auth())
      .send({ url: 'http://127.0.0.1:9/hook', triggers: [webhook.properties.triggers.items.enum[0]] });
    expect(minimal.status).toBe(200);
  });

  it("says where each vendor's residents get their property, which are quarantined, and who is not a resident", () => {
    const notes = document.paths['/v1/residents'].get.description as string;
    expect(document.paths['/v1/residents/{id}'].get.description).toBe(notes);
    for (const vendor of ['BUILDIUM', 'PROPERTYWARE_REST', 'YARDI', 'ENTRATA', 'APPFOLIO'])
      expect(notes).toContain(`- ${vendor}: `);
    expect(notes).toMatch(/APPFOLIO: the `property_id` of the tenant's occupancy on the `rent_roll`/);
    expect(notes).toMatch(
      /AppFolio tenant\s+whose occupancy is not on the rent roll, such as a past tenant\), the record is quarantined/,
    );
    expect(notes).toMatch(
      /Entrata's customers whose leases are Applicant\s+intervals only \(told from the property's `getLeases`/,
    );
  });

  it('marks extensions with x-latchkey-extension', () => {
    const ext = (op: Json) => op['x-latchkey-extension'] === true;
    expect(ext(document.paths['/v1/webhooks/{id}/deliveries'].get)).toBe(true);
    expect(ext(document.paths['/v1/webhooks/{id}/replay'].post)).toBe(true);
    expect(ext(document.paths['/v1/events'].get)).toBe(true);
    expect(ext(document.paths['/v1/webhooks'].get)).toBe(false);
    expect(ext(document.paths['/v1/properties'].get)).toBe(false);
    const includeDeleted = (document.paths['/v1/residents'].get.parameters as Json[]).find(
      (x) => x.name === 'include_deleted',
    );
    expect(includeDeleted!.schema['x-latchkey-extension']).toBe(true);
    const limit = (document.paths['/v1/residents'].get.parameters as Json[]).find((x) => x.name === 'limit');
    expect(limit!.schema['x-latchkey-extension']).toBeUndefined();
    const integration =
      document.paths['/v1/admin/integrations'].post.requestBody.content['application/json'].schema.properties;
    expect(integration.base_url['x-latchkey-extension']).toBe(true);
    expect(integration.name['x-latchkey-extension']).toBeUndefined();
    expect(
      document.paths['/v1/webhooks'].post.requestBody.content['application/json'].schema.properties.integration_id[
        'x-latchkey-extension'
      ],
    ).toBe(true);
    expect(document.components.schemas.LatchkeyRecordExtension.properties.deleted_at['x-latchkey-extension']).toBe(
      true,
    );
    // The links embedded in residents and leases carry deleted_at too (a resident's also its lease's status);
    // link events are of model residents_to_leases.
    expect(document.components.schemas.LatchkeyLinkExtension.properties.deleted_at['x-latchkey-extension']).toBe(true);
    expect(JSON.stringify(document.components.schemas.LatchkeyResidentExtension)).toContain('leases_meta_data');
    expect(JSON.stringify(document.components.schemas.LatchkeyResidentExtension)).toContain('lease_status_normalized');
    expect(JSON.stringify(document.components.schemas.LatchkeyLeaseExtension)).toContain('residents_meta_data');
    expect(document.components.schemas.LatchkeyEvent.properties.model.enum).toContain('residents_to_leases');
    // Extension fields and values on the spec's own objects.
    const jobLog = document.components.schemas.LatchkeyJobLog.properties;
    expect(jobLog.status.enum).toEqual(expect.arrayContaining(['SUCCESS', 'FAILURE', 'PARTIAL_SUCCESS']));
    expect(jobLog.models_failed['x-latchkey-extension']).toBe(true);
    expect(
      document.components.schemas.LatchkeyIntegrationExtension.properties.last_sync_run['x-latchkey-extension'],
    ).toBe(true);
  });

  it('documents every extension response exactly: live responses validate against their documented schemas', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const checked = new Set<string>();
    /** Calls an operation with real ids and validates the answer against the document's success response for it. */
    const check = async (
      method: string,
      template: string,
      ids: Record<string, string> = {},
      body?: object,
    ): Promise<Json> => {
      const where = `${method.toUpperCase()} ${template}`;
      const [status, success] = Object.entries(document.paths[template][method].responses as Json).find(([code]) =>
        /^2/.test(code),
      )!;
      const schema = (success as Json).content['application/json'].schema;
      const url = template.replace(/\{([^}]+)\}/g, (_, name: string) => ids[name]);
      const res = await (request(app.url) as any)[method](url).set(auth()).send(body);
      expect([where, res.status, res.status < 300 ? '' : res.text]).toEqual([where, Number(status), '']);
      // The document's components ride along so that its #/components/... refs resolve in place.
      const validate = ajv.compile({ ...schema, components: document.components });
      validate(res.body);
      expect([where, validate.errors ?? []]).toEqual([where, []]);
      checked.add(where);
      return res.body;
    };
    const nonEmpty = (where: string, body: Json) => expect([where, body.results.length > 0]).toEqual([where, true]);

    const sandbox = await startBuildiumSandboxServer({
      residents: 12,
      seed: 41,
      credentials: [{ clientId: 'docs-client', secret: 'docs-secret' }],
    });
    const receiver = await startWebhookReceiver();
    try {
      const startedAt = new Date(Date.now() - 1000).toISOString();
      const webhook = await request(app.url)
        .post('/v1/webhooks')
        .set(auth())
        .send({ url: receiver.url, triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE'], active: true });
      expect(webhook.status).toBe(200);
      const webhookId: string = webhook.body.result.id;

      // API keys.
      const key = await check('post', '/v1/admin/api-keys', {}, { name: 'docs key', scopes: ['read'] });
      nonEmpty('GET /v1/admin/api-keys', await check('get', '/v1/admin/api-keys'));
      nonEmpty('GET /v1/admin/write-support', await check('get', '/v1/admin/write-support'));
      await check('delete', '/v1/admin/api-keys/{id}', { id: key.result.id });

      // An integration whose vendor renamed the tenants' Id: its first sync records schema drift and quarantines them.
      // One lease has a status Buildium's spec does not list: reported as a value no table knows.
      sandbox.sandbox.faults.add({ path: '/v1/leases/tenants', renameField: { from: 'Id', to: 'TenantId' } });
      sandbox.sandbox.data.leases[0].LeaseStatus = 'Evicted';
      const integration = await request(app.url)
        .post('/v1/admin/integrations')
        .set(auth())
        .send({
          name: 'docs',
          integration_vendor: 'BUILDIUM',
          credentials: { clientId: 'docs-client', secret: 'docs-secret' },
          base_url: sandbox.url,
          max_request_frequency: 100,
          active: true,
        });
      expect(integration.status).toBe(200);
      const integrationId: string = integration.body.result.id;
      await waitFor(
        async () =>
          receiver.received.find(
            (r) => r.json?.trigger === 'FIRST_SYNC_COMPLETE' && r.json.data?.integration_id === integrationId,
          ),
        'FIRST_SYNC_COMPLETE',
        120_000,
        () => pipelineState(databaseUrl),
      );
      const drift = await check('get', '/v1/admin/integrations/{id}/schema-drift', { id: integrationId });
      expect(drift.results.map((d: Json) => d.kind).sort()).toEqual(['MISSING', 'UNEXPECTED']);
      nonEmpty(
        'GET /v1/admin/integrations/{id}/quarantine',
        await check('get', '/v1/admin/integrations/{id}/quarantine', { id: integrationId }),
      );
      await check('get', '/v1/admin/integrations/{id}/vendor-status', { id: integrationId });
      nonEmpty(
        'GET /v1/admin/integrations/{id}/unknown-values',
        await check('get', '/v1/admin/integrations/{id}/unknown-values', { id: integrationId }),
      );
      nonEmpty('GET /v1/events', await check('get', '/v1/events'));

      // The trigger catalogue (what the dashboard offers): every trigger a webhook takes, and those events carry.
      const catalogue = (await check('get', '/v1/webhooks/triggers')).results as Json[];
      expect(catalogue.filter((t) => t.subscribable).map((t) => t.trigger)).toEqual([
        'DATA_NEW',
        'DATA_UPDATE',
        'DATA_DELETED',
        'SYNC_COMPLETE',
        'FIRST_SYNC_COMPLETE',
        'JOB_FAILURE',
        'WRITE_OPERATION_FAILURE',
      ]);
      expect(catalogue.filter((t) => t.emitted).map((t) => t.trigger)).toEqual([
        'DATA_NEW',
        'DATA_UPDATE',
        'DATA_DELETED',
        'SYNC_COMPLETE',
        'FIRST_SYNC_COMPLETE',
        'JOB_FAILURE',
        'WRITE_OPERATION_FAILURE',
        'TEST',
      ]);
      expect(catalogue.filter((t) => t.narrowed_by_model).map((t) => t.trigger)).toEqual([
        'DATA_NEW',
        'DATA_UPDATE',
        'DATA_DELETED',
      ]);
      expect((await request(app.url).get('/v1/webhooks/triggers')).status).toBe(401);

      // Webhook deliveries: a test send, delivered, then listed, fetched, retried; a replay of the sync's events.
      const sent = await check('post', '/v1/webhooks/{id}/test', { id: webhookId }, {});
      const deliveryId: string = sent.result.id;
      const delivered = () => request(app.url).get(`/v1/webhooks/${webhookId}/deliveries/${deliveryId}`).set(auth());
      await waitFor(
        async () => ((await delivered()).body.results?.status === 'SUCCEEDED' ? true : undefined),
        `delivery ${deliveryId}`,
        60_000,
        async () => (await delivered()).body,
      );
      const one = await check('get', '/v1/webhooks/{id}/deliveries/{delivery_id}', {
        id: webhookId,
        delivery_id: deliveryId,
      });
      expect(one.results.attempts.length).toBeGreaterThan(0);
      const list = await check('get', '/v1/webhooks/{id}/deliveries', { id: webhookId });
      expect(list.results.filter((d: Json) => d.attempts.length > 0).length).toBeGreaterThan(0);
      await check(
        'post',
        '/v1/webhooks/{id}/deliveries/{delivery_id}/retry',
        { id: webhookId, delivery_id: deliveryId },
        {},
      );
      const replay = await check('post', '/v1/webhooks/{id}/replay', { id: webhookId }, { since: startedAt });
      const replayed = () => request(app.url).get(`/v1/webhooks/${webhookId}/replays/${replay.result.id}`).set(auth());
      await waitFor(
        async () => ((await replayed()).body.results?.status === 'SUCCEEDED' ? true : undefined),
        `replay ${replay.result.id}`,
        60_000,
        async () => (await replayed()).body,
      );
      const finishedReplay = await check('get', '/v1/webhooks/{id}/replays/{replay_id}', {
        id: webhookId,
        replay_id: replay.result.id,
      });
      expect(finishedReplay.results.replayed + finishedReplay.results.already_pending).toBeGreaterThan(0);
      nonEmpty('GET /v1/webhooks/{id}/replays', await check('get', '/v1/webhooks/{id}/replays', { id: webhookId }));

      // Connect: a destination, a connection (cron, then manual) into it, a run, then both deleted.
      const destination = await check(
        'post',
        '/v1/connect/destinations',
        {},
        { name: 'docs warehouse', type: 'postgres', connection_url: await createTestDatabase() },
      );
      const destinationId: string = destination.result.id;
      nonEmpty('GET /v1/connect/destinations', await check('get', '/v1/connect/destinations'));
      await check('get', '/v1/connect/destinations/{id}', { id: destinationId });
      await check('put', '/v1/connect/destinations/{id}', { id: destinationId }, { name: 'docs warehouse (renamed)' });
      const connection = await check(
        'post',
        '/v1/connect/connections',
        {},
        {
          name: 'docs',
          integration_id: integrationId,
          destination_id: destinationId,
          namespace: 'docs',
          schedule: { type: 'cron', cron: '0 3 * * *' },
          streams: [
            { name: 'properties', sync_mode: 'full_refresh_overwrite' },
            { name: 'units', sync_mode: 'incremental_dedup', fields: [] },
          ],
        },
      );
      const connectionId: string = connection.result.id;
      expect(connection.result.schedule.type).toBe('cron');
      nonEmpty('GET /v1/connect/connections', await check('get', '/v1/connect/connections'));
      await check('get', '/v1/connect/connections/{id}', { id: connectionId });
      expect(
        (await check('put', '/v1/connect/connections/{id}', { id: connectionId }, { schedule: { type: 'manual' } }))
          .result.schedule,
      ).toEqual({ type: 'manual' });
      const runId: string = (await check('post', '/v1/connect/connections/{id}/sync', { id: connectionId }, {})).result
        .run_id;
      const run = () => request(app.url).get(`/v1/connect/connections/${connectionId}/runs/${runId}`).set(auth());
      await waitFor(
        async () => (['SUCCEEDED', 'FAILED'].includes((await run()).body.results?.status) ? true : undefined),
        `run ${runId}`,
        120_000,
        async () => (await run()).body,
      );
      const finished = await check('get', '/v1/connect/connections/{id}/runs/{runId}', { id: connectionId, runId });
      expect({ status: finished.results.status, streams: finished.results.streams.length }).toEqual({
        status: 'SUCCEEDED',
        streams: 2,
      });
      nonEmpty(
        'GET /v1/connect/connections/{id}/runs',
        await check('get', '/v1/connect/connections/{id}/runs', { id: connectionId }),
      );
      await check('delete', '/v1/connect/connections/{id}', { id: connectionId });
      await check('delete', '/v1/connect/destinations/{id}', { id: destinationId });

      // The spec's operations whose answers carry extension fields answer as documented too (after a sync
      // without the renamed field, so that residents are in).
      sandbox.sandbox.faults.clear();
      const resync = await request(app.url)
        .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
        .set(auth())
        .send({});
      expect(resync.status).toBe(200);
      await waitFor(
        async () =>
          receiver.received.find(
            (r) => r.json?.trigger === 'SYNC_COMPLETE' && r.json.data?.sync_id === resync.body.result.sync_id,
          ),
        'SYNC_COMPLETE',
        120_000,
        () => pipelineState(databaseUrl),
      );
      for (const [template, ids] of [
        ['/v1/admin/logs/jobs', {}],
        ['/v1/admin/integrations', {}],
        ['/v1/admin/integrations/{id}', { id: integrationId }],
        ['/v1/residents', {}],
      ] as const) {
        const { results } = await check('get', template, ids);
        expect([template, Array.isArray(results) ? results.length > 0 : Boolean(results)]).toEqual([template, true]);
      }
    } finally {
      await receiver.close();
      await sandbox.close();
    }

    // Every extension operation was exercised, and each documents its records closed (free-form JSON aside).
    const extensions = operations(document).filter(({ op }) => op['x-latchkey-extension'] === true);
    const extensionOperations = extensions.map(({ method, path: p }) => `${method.toUpperCase()} ${p}`).sort();
    expect([...checked].filter((where) => extensionOperations.includes(where)).sort()).toEqual(extensionOperations);
    const freeForm = [
      '#/components/schemas/LatchkeyEvent.payload',
      '#/components/schemas/LatchkeyQuarantinedRecord.raw',
    ];
    for (const { method, path: p, op } of extensions) {
      const success = Object.entries(op.responses as Json).find(([code]) => /^2/.test(code))![1] as Json;
      const open = openObjects(
        document,
        success.content['application/json'].schema,
        `${method.toUpperCase()} ${p}`,
      ).filter((at) => !freeForm.includes(at));
      expect([p, open]).toEqual([p, []]);
    }
  });

  it("states where it parts from Propexo's spec: extension fields and values marked, stricter rules named and enforced", async () => {
    const spec = YAML.parse(fs.readFileSync(SPEC_FILE, 'utf8')) as Json;
    /** One route however its parameters are named, with or without the trailing slash. */
    const shape = (p: string) => p.replace(/\/$/, '').replace(/\{[^}]+\}/g, '{}');
    const specOperations = new Map(operations(spec).map(({ method, path: p, op }) => [`${method} ${shape(p)}`, op]));
    const deref = (doc: Json, node: Json | undefined): Json | undefined =>
      node?.$ref ? deref(doc, resolvePointer(doc, node.$ref) as Json) : node;
    /** A field's enum: its own, its items', or its alternatives'. */
    const enumOf = (doc: Json, node: Json | undefined): unknown[] => {
      const schema = deref(doc, node);
      if (!schema) return [];
      if (Array.isArray(schema.enum)) return schema.enum;
      return [schema.items, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]
        .filter(Boolean)
        .flatMap((s: Json) => enumOf(doc, s));
    };
    // API.md §2's time filters are in Propexo's current docs, though not in this copy of its spec: not extensions.
    const apiMdFilters = ['updated_at_gte', 'updated_at_lte', 'last_seen_gte', 'last_seen_lte'];
    const problems: string[] = [];
    let compared = 0;
    for (const { method, path: p, op } of operations(document)) {
      const theirs = specOperations.get(`${method} ${shape(p)}`);
      if (!theirs || op['x-latchkey-extension'] === true) continue;
      const theirQuery = ((theirs.parameters ?? []) as Json[]).filter((x) => x.in === 'query');
      const theirBody = deref(spec, theirs.requestBody?.content?.['application/json']?.schema);
      const fields = [
        ...((op.parameters ?? []) as Json[])
          .filter((x) => x.in === 'query')
          .map((x) => ({
            name: x.name as string,
            ours: x.schema as Json,
            spec: theirQuery.find((y) => y.name === x.name)?.schema as Json | undefined,
          })),
        ...Object.entries((op.requestBody?.content['application/json'].schema.properties ?? {}) as Json).map(
          ([name, ours]) => ({ name, ours: ours as Json, spec: theirBody?.properties?.[name] as Json | undefined }),
        ),
      ];
      for (const { name, ours, spec: specSchema } of fields) {
        const where = `${method.toUpperCase()} ${p} ${name}`;
        if (!specSchema) {
          if (ours['x-latchkey-extension'] !== true && !apiMdFilters.includes(name))
            problems.push(`${where}: not in the spec, not marked x-latchkey-extension`);
          continue;
        }
        const specValues = enumOf(spec, specSchema);
        const extensionValues =
          specValues.length === 0 ? [] : enumOf(document, ours).filter((v) => !specValues.includes(v));
        const marked = (ours['x-latchkey-extension-values'] ?? []) as unknown[];
        if (JSON.stringify([...marked].sort()) !== JSON.stringify([...extensionValues].sort()))
          problems.push(
            `${where}: extension values ${JSON.stringify(extensionValues)}, marked ${JSON.stringify(marked)}`,
          );
        compared += 1;
      }
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(60);
    // The cases the issue named: vendors the spec redacts, and our own trigger.
    const vendorFilter = (document.paths['/v1/properties'].get.parameters as Json[]).find(
      (x) => x.name === 'integration_vendor',
    )!.schema;
    expect(vendorFilter['x-latchkey-extension-values']).toEqual(['YARDI', 'APPFOLIO']);
    expect(
      document.paths['/v1/webhooks'].post.requestBody.content['application/json'].schema.properties.triggers[
        'x-latchkey-extension-values'
      ],
    ).toEqual(['DATA_DELETED']);

    // Stricter on purpose (as Propexo's docs say): a filter that needs another names it, and the app holds to it.
    const required: string[] = [];
    for (const { path: p, op } of operations(document).filter(({ method }) => method === 'get')) {
      for (const parameter of ((op.parameters ?? []) as Json[]).filter((x) => x.schema?.['x-latchkey-requires'])) {
        const needed = parameter.schema['x-latchkey-requires'] as string;
        required.push(`${p} ${parameter.name}→${needed}`);
        expect(parameter.schema.description).toContain(`Only together with ${needed}`);
        const without = await request(app.url)
          .get(concrete(p))
          .query({ [parameter.name]: 'x' })
          .set(auth());
        expect([p, parameter.name, without.status, Object.keys(without.body.error?.details?.fields ?? {})]).toEqual([
          p,
          parameter.name,
          400,
          [parameter.name],
        ]);
        const together = await request(app.url)
          .get(concrete(p))
          .query({ [parameter.name]: 'x', [needed]: 'y' })
          .set(auth());
        expect([p, parameter.name, together.status]).toEqual([p, parameter.name, 200]);
      }
    }
    expect(required.sort()).toEqual([
      '/v1/leases unit_number→property_id',
      '/v1/leases x_id→integration_id',
      '/v1/leases x_property_id→integration_id',
      '/v1/leases x_unit_id→integration_id',
      '/v1/properties x_id→integration_id',
      '/v1/properties x_property_id→integration_id',
      '/v1/resident-charges x_id→integration_id',
      '/v1/resident-charges x_property_id→integration_id',
      '/v1/resident-payments x_id→integration_id',
      '/v1/resident-payments x_property_id→integration_id',
      '/v1/residents x_id→integration_id',
      '/v1/residents x_property_id→integration_id',
      '/v1/service-requests unit_number→property_id',
      '/v1/service-requests x_id→integration_id',
      '/v1/service-requests x_property_id→integration_id',
      '/v1/units unit_number→property_id',
      '/v1/units x_id→integration_id',
      '/v1/units x_property_id→integration_id',
    ]);
  });

  it("uses Propexo's own component schemas, byte for byte but for the extension values they list, for the data models and integrations", () => {
    // Component names lose the spec's braces (OpenAPI allows only [a-zA-Z0-9._-] there); the schemas stay as they are.
    const spec = Object.fromEntries(
      Object.entries(YAML.parse(fs.readFileSync(SPEC_FILE, 'utf8')).components.schemas as Json).map(([name, s]) => [
        name.replace(/[{}]/g, ''),
        s,
      ]),
    );
    const committed = JSON.parse(fs.readFileSync(COMMITTED_SCHEMAS, 'utf8')) as Json;
    const models = [
      'Property',
      'Lease',
      'ResponseMeta',
      '_v1_units__get_output',
      '_v1_residents_id_get_output',
      '_v1_admin_integrations__post_output',
      '_v1_webhooks__get_output',
    ];
    for (const name of models) expect(committed).toHaveProperty([name]);
    for (const [name, schema] of Object.entries(committed)) {
      expect([name, JSON.stringify(schema)]).toEqual([name, JSON.stringify(spec[name])]);
      expect([name, JSON.stringify(withoutExtensionValues(document.components.schemas[name]))]).toEqual([
        name,
        JSON.stringify(spec[name]),
      ]);
    }
    // The vendor names the spec redacts (SAMPLE1, SAMPLE2) are what we answer: extension values of its vendor enums.
    expect(document.components.schemas.Enum1['x-latchkey-extension-values']).toEqual(['APPFOLIO', 'YARDI']);
    expect(document.components.schemas.Enum1.enum).toEqual(
      expect.arrayContaining(['SAMPLE1', 'SAMPLE2', 'YARDI', 'APPFOLIO']),
    );
    const vendor =
      document.components.schemas._v1_admin_integrations_integration_id__get_output.properties.results.properties
        .vendor;
    expect(vendor['x-latchkey-extension-values']).toEqual(['APPFOLIO', 'YARDI']);
    // Every schema the document references by a Propexo name is the spec's (ours are prefixed Latchkey).
    const named = new Set(
      refsIn(document)
        .map(({ ref }) => ref)
        .filter((r) => r.startsWith('#/components/schemas/'))
        .map((r) => r.slice('#/components/schemas/'.length)),
    );
    expect([...named].filter((n) => !n.startsWith('Latchkey') && !(n in committed))).toEqual([]);
    // The data-model routes answer with the spec's envelopes.
    const success = (p: string) => document.paths[p].get.responses['200'].content['application/json'].schema;
    expect(success('/v1/properties').allOf[0].$ref).toBe('#/components/schemas/_v1_properties__get_output');
    expect(success('/v1/leases/{id}').allOf[0].$ref).toBe('#/components/schemas/_v1_leases_lease_id_get_output');
    expect(success('/v1/admin/integrations').allOf[0].$ref).toBe(
      '#/components/schemas/_v1_admin_integrations__get_output',
    );
    expect(success('/v1/admin/logs/jobs').allOf[0].$ref).toBe('#/components/schemas/_v1_admin_logs_jobs__get_output');
    expect(success('/v1/webhooks/{id}').$ref).toBe('#/components/schemas/_v1_webhooks_webhook_id_get_output');
  });

  it('serves Swagger UI at /docs from same-origin files only, no inline script', async () => {
    const page = await request(app.url).get('/docs'); // no API key
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = page.headers['content-security-policy'];
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const scripts = [...page.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const [, attributes, body] of scripts) {
      expect(body.trim()).toBe(''); // no inline code
      expect(attributes).toMatch(/src="\/docs\/[a-z0-9.-]+"/); // same origin
    }
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual(
      expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-initializer.js', '/docs/swagger-ui.css']),
    );
    for (const asset of assets) {
      expect(asset).toMatch(/^\/(?!\/)/);
      const res = await request(app.url).get(asset);
      expect([asset, res.status]).toEqual([asset, 200]);
    }
    const initializer = await request(app.url).get('/docs/swagger-initializer.js');
    expect(initializer.headers['content-type']).toMatch(/^text\/javascript/);
    expect(initializer.text).toContain("url: '/openapi.json'");
    expect((await request(app.url).get('/docs/swagger-ui-bundle.js')).headers['content-type']).toMatch(/javascript/);
    // Only the files the page needs: nothing else of the package, no path tricks.
    for (const other of [
      '/docs/package.json',
      '/docs/index.html',
      '/docs/..%2Fpackage.json',
      '/docs/oauth2-redirect.html',
    ]) {
      const res = await request(app.url).get(other);
      expect([other, res.status, res.body?.error?.code]).toEqual([other, 404, 'not_found']);
    }
  });

  it('renders the operations in a browser under its Content-Security-Policy', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ baseURL: app.url });
      const problems = watchPage(page);
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/.test(message.text())) violations.push(message.text());
      });
      await page.goto('/docs');
      await page.locator('.opblock').first().waitFor({ timeout: 10_000 });
      expect(await page.locator('.opblock').count()).toBe(operations(document).length);
      // GET and PUT (the lease write).
      expect(await page.locator('.opblock-summary-path[data-path="/v1/leases/{id}"]').count()).toBe(2);
      expect([...problems, ...violations]).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';
import {
  CACHE_TABLES,
  CANONICAL_MODEL_NAMES,
  CANONICAL_MODELS,
  COMMON_FILTERS,
  EVENT_MODELS,
  LINK_MODEL,
  SYSTEM_COLUMNS,
  type CanonicalModel,
} from '../../src/catalogue/canonical-models';
import { STREAM_NAMES, streamFieldNames, streamTable } from '../../src/deliver/connect/stream-catalog';
import { VendorRegistry } from '../../src/fetch/registry/vendor-registry';
import { IntegrationVendor } from '../../src/generated/prisma/enums';
import { INTEGRATION_DATA_TABLES } from '../../src/serve/integrations/integration-data-tables';
import propexoSchemas from '../../src/serve/api-docs/propexo-schemas.json';
import { accessMatrix } from '../../src/serve/data-access/access-matrix';
import { referenceDocument } from '../support/propexo-schema';

const ROOT = path.resolve(__dirname, '../..');
const spec = referenceDocument('propexo-openapi.yml') as { paths: Record<string, any>; components: { schemas: any } };
/** The spec's record of a model, as its list envelope holds it (inline, or a $ref to a component). */
const specRecord = (model: CanonicalModel) => {
  const items = spec.components.schemas[model.docs.listOutput].properties.results.items;
  return items.$ref ? spec.components.schemas[items.$ref.split('/').pop()] : items;
};
/** The spec's paths of a model: its list (`/v1/<path>/`) and its get by id (`/v1/<path>/{…}`). */
const specPaths = (model: CanonicalModel) => ({
  list: Object.keys(spec.paths).find((p) => p === `/v1/${model.path}/`),
  get: Object.keys(spec.paths).find((p) => new RegExp(`^/v1/${model.path}/\\{\\w+\\}$`).test(p)),
});
const PAGING = ['order-by', 'offset', 'limit'];
const API_MD_FILTERS = ['updated_at_gte', 'updated_at_lte', 'last_seen_gte', 'last_seen_lte'];
const MODELS = Object.values(CANONICAL_MODELS);
const schema = fs.readFileSync(path.join(ROOT, 'prisma/schema.prisma'), 'utf8');
const migrations = fs
  .readdirSync(path.join(ROOT, 'prisma/migrations'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => fs.readFileSync(path.join(ROOT, 'prisma/migrations', entry.name, 'migration.sql'), 'utf8'))
  .join('\n');

/** schema.prisma's models: the table each maps to, its columns, and whether it cascades from its integration. */
const prismaTables = [...schema.matchAll(/^model (\w+) \{([\s\S]*?)\n\}/gm)].map(([, , body]) => ({
  table: /@@map\("(\w+)"\)/.exec(body)?.[1] ?? '',
  hasIntegrationId: /^\s+integration_id\s/m.test(body),
  cascadesFromIntegration: /^\s+\w+\s+Integration\s+@relation\([^)]*onDelete: Cascade/m.test(body),
}));

/**
 * Tables holding an integration_id that outlive its deletion on purpose, or go with it another way. Anything
 * else with an integration_id and no cascading key must be in the integration delete's list.
 */
const NOT_DELETED_WITH_INTEGRATION: Record<string, string> = {
  sync_jobs: 'cascades from its run (sync_runs), which cascades from the integration',
  events: 'the event log is history: it stays readable at /v1/events after the integration goes',
  webhooks: 'a subscription of the organization; its integration filter then matches nothing',
  webhook_deliveries: 'the delivery log, like the events it delivers',
};

describe('the model catalogue: each model has everything it needs, declared once', () => {
  it.each([...CACHE_TABLES])('%s is a table of schema.prisma, created by a migration', (table) => {
    expect(prismaTables.map((t) => t.table)).toContain(table);
    expect(migrations).toContain(`CREATE TABLE "${table}"`);
  });

  it.each(MODELS.map((m) => [m.name, m] as const))(
    '%s is a Connect stream over its table, with every field of the model',
    (name, model) => {
      expect(STREAM_NAMES).toContain(name);
      expect(streamTable(name)).toBe(model.table);
      expect(streamFieldNames(name)).toEqual(expect.arrayContaining(Object.keys(model.fields)));
    },
  );

  it('streams the links as a model of their own, and webhooks and events name every model and the links', () => {
    expect(STREAM_NAMES).toContain(LINK_MODEL.name);
    expect(streamTable(LINK_MODEL.name)).toBe(LINK_MODEL.table);
    expect([...EVENT_MODELS].sort()).toEqual([...CANONICAL_MODEL_NAMES, LINK_MODEL.name].sort());
  });

  it.each([...CACHE_TABLES])("%s goes with its integration (the integration delete's tables)", (table) => {
    expect(INTEGRATION_DATA_TABLES).toContain(table);
  });

  it('deletes every table that holds an integration_id without a cascading key, but those kept on purpose', () => {
    const orphaned = prismaTables
      .filter((t) => t.hasIntegrationId && !t.cascadesFromIntegration)
      .map((t) => t.table)
      .filter((table) => !INTEGRATION_DATA_TABLES.includes(table) && !(table in NOT_DELETED_WITH_INTEGRATION));
    expect(orphaned).toEqual([]);
  });

  it.each(MODELS.map((m) => [m.name, m] as const))(
    "%s is documented with Propexo's own envelopes (extracted into propexo-schemas.json)",
    (_name, model) => {
      const extracted = Object.keys(propexoSchemas);
      for (const output of [model.docs.listOutput, model.docs.getOutput])
        expect(extracted).toContain(output.replace(/[{}]/g, ''));
    },
  );

  it.each(MODELS.map((m) => [m.name, m] as const))(
    "%s's filters match columns it has, name filters it takes, and look at links only on a side of one",
    (_name, model: CanonicalModel) => {
      const filters = [...COMMON_FILTERS, ...model.filters];
      const params = filters.map((f) => f.param);
      expect(params).toEqual([...new Set(params)]);
      const columns = new Set<string>([...SYSTEM_COLUMNS, ...Object.keys(model.fields)]);
      const linkColumns = new Set(LINK_MODEL.presentedFields.map(([field]) => field));
      for (const filter of filters) {
        const { match } = filter;
        if ('column' in match) expect([filter.param, columns.has(match.column)]).toEqual([filter.param, true]);
        if ('linkColumn' in match || 'noLinkWith' in match) {
          const column = 'linkColumn' in match ? match.linkColumn : match.noLinkWith;
          expect([filter.param, Boolean(model.linkSide), linkColumns.has(column)]).toEqual([filter.param, true, true]);
        }
        if ('arrayColumn' in match)
          expect([filter.param, model.fields[match.arrayColumn]]).toEqual([filter.param, 'jsonb']);
        if (filter.requires) expect(params).toContain(filter.requires);
      }
    },
  );

  it.each(MODELS.map((m) => [m.name, m] as const))(
    "%s is served at the spec's paths, with every list filter the spec documents",
    (name, model) => {
      const { list, get } = specPaths(model);
      expect([name, list, get && spec.paths[get].get ? 'get' : null]).toEqual([name, `/v1/${model.path}/`, 'get']);
      const documented = (spec.paths[list!].get.parameters as { name: string; in: string }[])
        .filter((p) => p.in === 'query' && !PAGING.includes(p.name))
        .map((p) => p.name);
      const declared = [...COMMON_FILTERS, ...model.filters].map((f) => f.param);
      expect([name, documented.filter((param) => !declared.includes(param))]).toEqual([name, []]);
      // Those the spec lacks are documented as extensions (API.md §2's time filters are in Propexo's current docs).
      const beyond = declared.filter((param) => !documented.includes(param) && !API_MD_FILTERS.includes(param));
      expect([name, [...(model.docs.extensionFilters ?? [])].sort()]).toEqual([name, beyond.sort()]);
      // The envelopes the docs name are the spec's own for those paths.
      const ref = (p: string) => spec.paths[p].get.responses['200'].content['application/json'].schema.$ref;
      expect([ref(list!), ref(get!)]).toEqual([
        `#/components/schemas/${model.docs.listOutput}`,
        `#/components/schemas/${model.docs.getOutput}`,
      ]);
    },
  );

  it.each(MODELS.map((m) => [m.name, m] as const))(
    "%s keeps every array of the spec's record: stored as jsonb (never null), embedded links, or always empty",
    (name, model) => {
      const arrays = Object.entries(specRecord(model).properties as Record<string, { type?: unknown }>)
        .filter(([, schema]) => schema.type === 'array')
        .map(([field]) => field);
      for (const field of arrays) {
        const how =
          model.fields[field] === 'jsonb' &&
          Array.isArray(model.nullDefaults[field]) &&
          model.nullDefaults[field].length === 0
            ? 'stored'
            : model.linkSide?.embeddedAs === field
              ? 'links'
              : model.emptyArrays.includes(field)
                ? 'empty'
                : 'missing';
        expect([name, field, how]).toEqual([name, field, expect.stringMatching(/^(stored|links|empty)$/)]);
      }
    },
  );

  it("stores the new models' embedded arrays with their records (jsonb), filtered by containment", () => {
    expect(CANONICAL_MODELS.service_requests.fields).toMatchObject({
      vendors: 'jsonb',
      history: 'jsonb',
      employees: 'jsonb',
    });
    expect(CANONICAL_MODELS.resident_charges.fields.allocations).toBe('jsonb');
    expect(CANONICAL_MODELS.resident_payments.fields.allocations).toBe('jsonb');
    expect(CANONICAL_MODELS.service_requests.filters.find((f) => f.param === 'vendor_id')?.match).toEqual({
      arrayColumn: 'vendors',
      key: 'vendor_id',
    });
  });

  it('lists every model in the data-access matrix: a model the vendor does not sync is unsupported in every cell', () => {
    const registry = new VendorRegistry();
    for (const vendor of Object.values(IntegrationVendor)) {
      const adapter = registry.get(vendor)!;
      const matrix = accessMatrix(adapter, [
        // A check's row for a model the vendor does not sync does not make it supported.
        { model: 'service_requests', operation: 'READ', status: 'SUCCESS', error_message: null },
      ]);
      expect([vendor, Object.keys(matrix)]).toEqual([vendor, [...CANONICAL_MODEL_NAMES]]);
      for (const model of CANONICAL_MODEL_NAMES.filter((m) => !adapter.models.includes(m as never)))
        expect([vendor, model, matrix[model]]).toEqual([
          vendor,
          model,
          { read: { unsupported: true }, create: { unsupported: true }, update: { unsupported: true } },
        ]);
      // A synced model shows its check's row, and one without a row is untested.
      for (const model of adapter.models)
        expect([vendor, model, matrix[model].read]).toEqual([
          vendor,
          model,
          model === 'service_requests' ? { status: 'SUCCESS', error_message: null } : { untested: true },
        ]);
    }
  });

  it('lets each vendor have every model but those it says it lacks, each with its drift expectations', () => {
    const registry = new VendorRegistry();
    for (const vendor of Object.values(IntegrationVendor)) {
      const adapter = registry.get(vendor)!;
      expect([vendor, CANONICAL_MODEL_NAMES.filter((m) => adapter.models.includes(m))]).toEqual([
        vendor,
        [...adapter.models],
      ]);
      for (const model of adapter.models)
        expect([vendor, model, Boolean(adapter.expectedFields[model])]).toEqual([vendor, model, true]);
    }
  });
});

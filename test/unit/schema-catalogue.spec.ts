import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  CANONICAL_MODELS,
  RESIDENT_LEASE_FIELDS,
  NOT_NULL_SYSTEM_COLUMNS,
  SYSTEM_COLUMNS,
  type ColumnType,
} from '../../src/catalogue/canonical-models';

const PRISMA_TYPE: Record<ColumnType, string> = {
  text: 'String',
  int: 'Int',
  cents: 'BigInt',
  float: 'Float',
  bool: 'Boolean',
  timestamptz: 'DateTime',
  jsonb: 'Json',
};

/** Fields of a model block in schema.prisma: name -> base type (with `?` when `optional`: a nullable column). */
function prismaFields(schema: string, table: string, { optional = false } = {}): Map<string, string> {
  const block = [...schema.matchAll(/model \w+ \{([\s\S]*?)\n\}/g)]
    .map((m) => m[1])
    .find((b) => b.includes(`@@map("${table}")`));
  if (!block) throw new Error(`no model mapped to ${table}`);
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    const m = /^\s+(\w+)\s+(\w+)(\[\])?(\?)?/.exec(line);
    if (m && !line.trim().startsWith('//') && !line.trim().startsWith('@@'))
      fields.set(m[1], optional && m[4] ? `${m[2]}?` : m[2]);
  }
  return fields;
}

describe('canonical model catalogue', () => {
  const schema = fs.readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8');

  it.each(Object.values(CANONICAL_MODELS).map((m) => [m.table, m] as const))(
    '%s matches schema.prisma column for column',
    (table, model) => {
      const fields = prismaFields(schema, table);
      const expected = new Map<string, string>([
        ...SYSTEM_COLUMNS.map((c) => [c, fields.get(c)!] as [string, string]),
        ...Object.entries(model.fields).map(([f, t]) => [f, PRISMA_TYPE[t]] as [string, string]),
      ]);
      expect(Object.fromEntries(fields)).toEqual(Object.fromEntries(expected));
    },
  );

  // The read API orders by these without NULLS LAST (so an index serves the order): a nullable one would move its
  // nulls first in a descending order.
  it.each(Object.values(CANONICAL_MODELS).map((m) => [m.table] as const))(
    '%s declares every NOT_NULL_SYSTEM_COLUMNS column NOT NULL',
    (table) => {
      const fields = prismaFields(schema, table, { optional: true });
      expect(NOT_NULL_SYSTEM_COLUMNS.filter((c) => fields.get(c)?.endsWith('?') !== false)).toEqual([]);
    },
  );

  it('residents_to_leases matches schema.prisma', () => {
    const fields = prismaFields(schema, 'residents_to_leases');
    for (const [f, t] of Object.entries(RESIDENT_LEASE_FIELDS)) expect([f, fields.get(f)]).toEqual([f, PRISMA_TYPE[t]]);
  });

  it('lists every field of the spec output schemas', () => {
    const spec = parse(fs.readFileSync(path.resolve(__dirname, '../../docs/reference/propexo-openapi.yml'), 'utf8'));
    const schemas = spec.components.schemas;
    // Each model's record as the spec's list envelope holds it (inline, or a $ref to a component: Lease, Property).
    const recordSchema = (output: string) => {
      const items = schemas[output].properties.results.items;
      return items.$ref ? schemas[items.$ref.split('/').pop()] : items;
    };
    const specFields = Object.fromEntries(
      Object.values(CANONICAL_MODELS).map((m) => [m.name, Object.keys(recordSchema(m.docs.listOutput).properties)]),
    );
    const served = new Set([
      'id',
      'created_at',
      'updated_at',
      'last_seen',
      'x_id',
      'integration_id',
      'integration_vendor',
      'leases_meta_data',
      'residents_meta_data',
    ]);
    for (const [name, fields] of Object.entries(specFields)) {
      const model = CANONICAL_MODELS[name as keyof typeof CANONICAL_MODELS];
      const missing = fields.filter(
        (f: string) => !(f in model.fields) && !model.emptyArrays.includes(f) && !served.has(f),
      );
      expect([name, missing]).toEqual([name, []]);
    }
  });
});

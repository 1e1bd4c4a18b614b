import propexoSchemas from '../api-docs/propexo-schemas.json';

/** One thing wrong with a write body, as `error.details.issues[]` names it (docs/vendors/models.md §1). */
export interface BodyIssue {
  path: Array<string | number>;
  message: string;
}

type Schema = Record<string, any>;

const SCHEMAS = propexoSchemas as Record<string, Schema>;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks a write body against the spec's input schema (a component of docs/reference/propexo-openapi.yml, as
 * scripts/extract-propexo-schemas.js copies it; `{id}` braces dropped from the name). Covers the keywords those
 * schemas use: type, enum, format, anyOf, properties, required, items, lengths, bounds and pattern. Fields the
 * spec does not name are left to the vendor's check (they are fields no vendor writes).
 */
export function specBodyIssues(component: string, body: unknown): BodyIssue[] {
  const schema = SCHEMAS[component.replace(/[{}]/g, '')];
  if (!schema) throw new Error(`${component} is not among the extracted Propexo schemas`);
  const issues: BodyIssue[] = [];
  check(schema, body, [], issues);
  return issues;
}

/** The fields a spec input schema names. */
export function specFields(component: string): string[] {
  return Object.keys(resolve(SCHEMAS[component.replace(/[{}]/g, '')])?.properties ?? {});
}

/** The defaults a spec input schema gives its fields (what a client generated from the spec sends unasked). */
export function specDefaults(component: string): Record<string, unknown> {
  const properties = (resolve(SCHEMAS[component.replace(/[{}]/g, '')])?.properties ?? {}) as Record<string, Schema>;
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([, field]) => field.default !== undefined)
      .map(([name, field]) => [name, field.default]),
  );
}

function resolve(schema: Schema | undefined): Schema | undefined {
  const ref: unknown = schema?.$ref;
  return typeof ref === 'string' ? resolve(SCHEMAS[ref.split('/').pop()!.replace(/[{}]/g, '')]) : schema;
}

function check(raw: Schema, value: unknown, path: Array<string | number>, issues: BodyIssue[]): void {
  const schema = resolve(raw)!;
  const fail = (message: string) => issues.push({ path, message });
  if (Array.isArray(schema.anyOf)) {
    const matches = (schema.anyOf as Schema[]).some((option) => {
      const inner: BodyIssue[] = [];
      check(option, value, path, inner);
      return inner.length === 0;
    });
    if (!matches) fail('matches none of the allowed forms');
    return;
  }
  if (value === null) {
    const types: unknown[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.includes('null') && !(schema.enum as unknown[] | undefined)?.includes(null)) fail('must not be null');
    return;
  }
  if (schema.type !== undefined && !hasType(schema.type, value))
    return void fail(`must be of type ${[schema.type].flat().join(' or ')}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    return void fail(`must be one of ${(schema.enum as unknown[]).join(', ')}`);
  if (typeof value === 'string') checkString(schema, value, fail);
  if (typeof value === 'number') checkNumber(schema, value, fail);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      fail(`must have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      fail(`must have at most ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, i) => check(schema.items, item, [...path, i], issues));
  } else if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const field of (schema.required as string[] | undefined) ?? [])
      if (record[field] === undefined) issues.push({ path: [...path, field], message: 'is required' });
    for (const [field, inner] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {}))
      if (record[field] !== undefined) check(inner, record[field], [...path, field], issues);
  }
}

function checkString(schema: Schema, value: string, fail: (message: string) => void): void {
  if (schema.minLength !== undefined && value.length < schema.minLength)
    fail(`must be at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined && value.length > schema.maxLength)
    fail(`must be at most ${schema.maxLength} characters`);
  if (schema.pattern !== undefined && !new RegExp(schema.pattern as string).test(value))
    fail(`must match ${schema.pattern}`);
  if (schema.format === 'email' && !EMAIL.test(value)) fail('must be an email address');
  if (schema.format === 'date' && !DATE.test(value)) fail('must be a date (YYYY-MM-DD)');
  if (schema.format === 'date-time' && !(DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))))
    fail('must be an ISO 8601 date-time');
}

function checkNumber(schema: Schema, value: number, fail: (message: string) => void): void {
  if (schema.minimum !== undefined && value < schema.minimum) fail(`must be at least ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) fail(`must be at most ${schema.maximum}`);
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
    fail(`must be more than ${schema.exclusiveMinimum}`);
}

function hasType(type: unknown, value: unknown): boolean {
  return [type].flat().some((t) => {
    switch (t) {
      case 'string':
        return typeof value === 'string';
      case 'integer':
        return Number.isInteger(value);
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'boolean':
        return typeof value === 'boolean';
      case 'array':
        return Array.isArray(value);
      case 'object':
        return value !== null && typeof value === 'object' && !Array.isArray(value);
      case 'null':
        return value === null;
      default:
        return true;
    }
  });
}

/** How a form takes one field of a spec input schema (GET /v1/admin/write-support). */
export interface FieldShape {
  type: string;
  /** `date` when the spec takes a plain YYYY-MM-DD among its forms, else the spec's format. */
  format: string | null;
  /** The values the spec names; `enum_open` when it takes others too (an anyOf with a free string). */
  enum: string[] | null;
  enum_open: boolean;
  minimum: number | null;
  maximum: number | null;
  nullable: boolean;
  description: string | null;
}

/** One field of a spec input schema as a form takes it: its forms (anyOf) folded into one. */
export function specFieldShape(component: string, field: string): FieldShape {
  const schema = resolve(resolve(SCHEMAS[component.replace(/[{}]/g, '')])?.properties?.[field]) ?? {};
  const forms = (Array.isArray(schema.anyOf) ? (schema.anyOf as Schema[]) : [schema]).map((f) => resolve(f) ?? {});
  const types = forms.flatMap((f) => [f.type ?? []].flat() as string[]);
  const named = forms.filter((f) => Array.isArray(f.enum));
  const enumValues = [...new Set(named.flatMap((f) => f.enum as unknown[]).filter((v) => v !== null))].map(String);
  const formats = forms.map((f) =>
    f.format === 'date' || f.pattern === DATE.source ? 'date' : ((f.format as string | undefined) ?? null),
  );
  const numberOf = (key: string): number | null => {
    const value: unknown = forms.find((f) => typeof f[key] === 'number')?.[key];
    return typeof value === 'number' ? value : null;
  };
  return {
    type: types.find((t) => t !== 'null') ?? 'string',
    format: formats.includes('date') ? 'date' : (formats.find((f) => f !== null) ?? null),
    enum: enumValues.length > 0 ? enumValues : null,
    enum_open: enumValues.length > 0 && named.length < forms.length,
    minimum: numberOf('minimum'),
    maximum: numberOf('maximum'),
    nullable: types.includes('null'),
    description: typeof schema.description === 'string' ? schema.description : null,
  };
}

import type { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
// class-transformer keeps @Type(() => Nested) here and exports no public accessor (see class-transformer-storage.d.ts;
// the api-docs e2e test fails should a release move it).
import { defaultMetadataStorage as transformerMetadata } from 'class-transformer/cjs/storage';

export type JsonSchema = Record<string, unknown>;

/**
 * A component reference. Spec names keep their form here; OpenAPI forbids braces in component names, so they are
 * dropped (as in propexo-schemas.json). Lives here, not in the catalogue, so extension-schemas.ts can use it without a cycle.
 */
export const ref = (schema: string): JsonSchema => ({ $ref: `#/components/schemas/${schema.replace(/[{}]/g, '')}` });

export interface DtoField {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

/**
 * A DTO's fields as JSON Schema, read from the class-validator decorators that validate requests
 * (DtoValidationPipe), so the document states the rules the app enforces. Inherited fields included.
 */
export function dtoFields(dto: Type): DtoField[] {
  const byField = new Map<string, ValidationMetadata[]>();
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    byField.set(rule.propertyName, [...(byField.get(rule.propertyName) ?? []), rule]);
  }
  return [...byField].map(([name, rules]) => ({
    name,
    // @IsOptional and @ValidateIf both make a field conditional: not required as far as a schema can say.
    required: !rules.some((r) => r.type === 'conditionalValidation'),
    schema: fieldSchema(dto, name, rules),
  }));
}

/** The DTO as an object schema; unknown fields are rejected by the validation pipe, hence no additional properties. */
export function dtoSchema(dto: Type): JsonSchema {
  const fields = dtoFields(dto);
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, f.schema])),
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** What a rule's `context` may tell the docs: the type a client sends (query values arrive as strings) and what the field does. */
interface RuleContext {
  schema?: JsonSchema;
  description?: string;
}

/** A query flag (`'true'` / `'false'` on the wire) is a boolean to a client, as Propexo's spec types its flags. */
const isFlag = (values: unknown[]) => values.length === 2 && values.includes('true') && values.includes('false');

function fieldSchema(dto: Type, name: string, rules: ValidationMetadata[]): JsonSchema {
  const value: JsonSchema = {}; // the value itself, or each item of an array
  const array: JsonSchema = {};
  const notes: string[] = [];
  let isArray = false;
  let declared: JsonSchema | undefined;
  for (const rule of rules) {
    const [first] = (rule.constraints ?? []) as unknown[];
    const context = rule.context as RuleContext | undefined;
    if (context?.description) notes.push(context.description);
    if (context?.schema) declared = context.schema;
    switch (rule.name) {
      case 'isArray':
        isArray = true;
        break;
      case 'arrayMinSize':
        array.minItems = first;
        break;
      case 'arrayMaxSize':
        array.maxItems = first;
        break;
      case 'arrayUnique':
        array.uniqueItems = true;
        break;
      case 'isIn':
        if (isFlag(first as unknown[])) value.type = 'boolean';
        else value.enum = [...(first as unknown[])];
        break;
      case 'isString':
        value.type = 'string';
        break;
      case 'isBoolean':
        value.type = 'boolean';
        break;
      case 'isInt':
        value.type = 'integer';
        break;
      case 'isObject':
        value.type = 'object';
        break;
      case 'isNotEmpty':
        if (!value.minLength) value.minLength = 1;
        break;
      case 'minLength':
        value.minLength = first;
        break;
      case 'maxLength':
        value.maxLength = first;
        break;
      case 'min':
        value.minimum = first;
        break;
      case 'max':
        value.maximum = first;
        break;
      case 'matches':
        Object.assign(value, { type: 'string', pattern: (first as RegExp).source });
        break;
      case 'isUrl':
        Object.assign(value, { type: 'string', format: 'uri' });
        break;
      case 'isIso8601':
        Object.assign(value, { type: 'string', format: 'date-time' });
        break;
      case 'isTimeFilter':
        Object.assign(value, { type: 'string', anyOf: [{ format: 'date-time' }, { format: 'date' }] });
        notes.push(
          'ISO 8601 date-time (any zone, any fraction of a second; without a zone, UTC) or date (its midnight, UTC)',
        );
        break;
      case 'isDateFilter':
        Object.assign(value, { type: 'string', format: 'date' });
        break;
      case 'requiresParam':
        value['x-latchkey-requires'] = first;
        notes.push(`Only together with ${first as string}: without it, 400 invalid_request`);
        break;
      default: // the other rules (and unnamed custom ones) say nothing a schema can state
        break;
    }
    if (rule.type === 'nestedValidation') {
      const nested = transformerMetadata.findTypeMetadata(dto, name)?.typeFunction() as Type | undefined;
      if (nested) Object.assign(value, dtoSchema(nested));
      if (rule.each) isArray = true;
    }
  }
  if (declared) {
    delete value.pattern;
    Object.assign(value, declared);
  }
  if (value.enum && !value.type) value.type = 'string';
  if (value.type !== 'string') {
    delete value.minLength; // isNotEmpty on a non-string means "present", not a length
  }
  const description = notes.length > 0 ? { description: notes.join('. ') } : {};
  return isArray ? { type: 'array', items: value, ...array, ...description } : { ...value, ...description };
}

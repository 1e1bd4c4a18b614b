import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const REFERENCE = path.resolve(__dirname, '../../docs/reference');
const validators = new Map<string, Ajv>();

/** Makes every object schema closed, so a field the spec does not name fails validation. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node))
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closeObjects(s)]))
        : closeObjects(v);
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

/**
 * Propexo's public spec redacts two vendor names (docs/vendor-notes.md): SAMPLE1 is YARDI and
 * SAMPLE2 is APPFOLIO, which API.md names plainly. Every enum that lists the placeholder, alone or as the
 * prefix of an interface name (SAMPLE2_BASE), also accepts the name.
 */
const REDACTED_VENDOR = /^(SAMPLE1|SAMPLE2)(?=_|$)/;
const REDACTED_VENDORS: Record<string, string> = { SAMPLE1: 'YARDI', SAMPLE2: 'APPFOLIO' };
function unredactVendors(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(unredactVendors);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] =
      k === 'enum' && Array.isArray(v)
        ? [
            ...v,
            ...v
              .filter((e) => typeof e === 'string' && REDACTED_VENDOR.test(e))
              .map((e) => (e as string).replace(REDACTED_VENDOR, (p) => REDACTED_VENDORS[p])),
          ]
        : unredactVendors(v);
  }
  return out;
}

const documents = new Map<string, any>();

/** An OpenAPI document of docs/reference as published, parsed once. */
export function referenceDocument(file: string): any {
  let document = documents.get(file);
  if (!document) {
    const text = fs.readFileSync(path.join(REFERENCE, file), 'utf8');
    document = file.endsWith('.json') ? JSON.parse(text) : parse(text);
    documents.set(file, document);
  }
  return document;
}

/**
 * A validator for `components.schemas.<name>` of an OpenAPI document in docs/reference. `closed`
 * rejects fields the schema does not name (the vendor simulators must not invent fields).
 */
export function openapiValidator(
  file: string,
  schemaName: string,
  options: { closed?: boolean } = {},
): ValidateFunction {
  const key = `${file}:${options.closed ? 'closed' : 'open'}`;
  let ajv = validators.get(key);
  if (!ajv) {
    const parsed = referenceDocument(file);
    const spec = file === 'propexo-openapi.yml' ? (unredactVendors(parsed) as typeof parsed) : parsed;
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(
      { $id: 'spec', components: options.closed ? closeObjects(spec.components) : spec.components },
      'spec',
    );
    validators.set(key, ajv);
  }
  const validate = ajv.getSchema(`spec#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`No schema ${schemaName} in ${file}`);
  return validate;
}

/** Propexo's spec (OpenAPI 3.1), e.g. `_v1_residents__get_output`. */
export function propexoValidator(schemaName: string): ValidateFunction {
  return openapiValidator('propexo-openapi.yml', schemaName);
}

export function assertValid(
  schemaName: string,
  value: unknown,
  file = 'propexo-openapi.yml',
  options: { closed?: boolean } = {},
): void {
  const validate = openapiValidator(file, schemaName, options);
  if (!validate(value)) {
    throw new Error(`Value does not match ${schemaName}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
  }
}

/**
 * Validates an answer against Propexo's response schema for that operation and status (`specPath` spelt as
 * in the spec, e.g. `/v1/leases/{lease_id}`). A status the spec does not document for it fails too.
 */
export function assertValidResponse(method: string, specPath: string, status: number, body: unknown): void {
  const operation = referenceDocument('propexo-openapi.yml').paths[specPath]?.[method.toLowerCase()];
  if (!operation) throw new Error(`Propexo's spec has no ${method} ${specPath}`);
  const ref: string | undefined = operation.responses?.[String(status)]?.content?.['application/json']?.schema?.$ref;
  if (!ref)
    throw new Error(
      `${method} ${specPath} answered ${status}; the spec documents ${Object.keys(operation.responses ?? {}).join(', ')}`,
    );
  assertValid(ref.slice('#/components/schemas/'.length), body);
}

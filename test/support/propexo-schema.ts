import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const SPEC = path.resolve(__dirname, '../../../shared/reference/propexo-openapi.yml');
let ajv: Ajv | undefined;

/**
 * A validator for a schema of Propexo's OpenAPI spec (components.schemas.<name>), e.g.
 * `_v1_residents__get_output`. The spec is OpenAPI 3.1 (JSON Schema 2020-12 types with "null").
 */
export function propexoValidator(schemaName: string): ValidateFunction {
  if (!ajv) {
    const spec = parse(fs.readFileSync(SPEC, 'utf8'));
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'propexo', components: spec.components }, 'propexo');
  }
  const validate = ajv.getSchema(`propexo#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`No schema ${schemaName} in the Propexo spec`);
  return validate;
}

export function assertValid(schemaName: string, value: unknown): void {
  const validate = propexoValidator(schemaName);
  if (!validate(value)) {
    throw new Error(`Response does not match ${schemaName}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
  }
}

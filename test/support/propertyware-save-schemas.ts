import type { SaveSchema } from '../../src/sandbox/propertyware-rest/propertyware-rest-writes';
import { referenceDocument } from './propexo-schema';

/** A spec property's kind in the terms of the sandbox's FieldRule types. */
const typeOf = (property: any): string =>
  property.$ref === '#/components/schemas/SaveAddress'
    ? 'address'
    : property.$ref
      ? 'object'
      : property.type === 'array'
        ? `${property.items.$ref ? 'object' : property.items.type}[]`
        : property.format === 'date'
          ? 'date'
          : property.type;

/**
 * Checks a sandbox Save/Update schema field by field against docs/reference/propertyware-openapi.json: the
 * required set, each field's type, maxLength and enum, and (given `readSchema`) that what a write sets is a field
 * of the read schema under the name reads give it.
 */
export function expectSameAsSaveSchema(ours: SaveSchema, readSchema?: string): void {
  const schemas = referenceDocument('propertyware-openapi.json').components.schemas;
  const spec = schemas[ours.name];
  expect([...ours.required].sort()).toEqual([...(spec.required ?? [])].sort());
  expect(Object.keys(ours.fields).sort()).toEqual(Object.keys(spec.properties).sort());
  for (const [name, rule] of Object.entries(ours.fields)) {
    const property = spec.properties[name];
    expect({ name, type: rule.type, max: rule.max, values: rule.values }).toEqual({
      name,
      type: typeOf(property),
      max: property.maxLength,
      // SaveBuilding.targetDeposit's "enum" is its two example values, not a list of allowed ones.
      values: ours.name.endsWith('Building') && name === 'targetDeposit' ? undefined : property.enum,
    });
    if (readSchema && !rule.hidden) expect(schemas[readSchema].properties).toHaveProperty(rule.read ?? name);
  }
}

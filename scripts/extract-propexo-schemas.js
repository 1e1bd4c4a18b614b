#!/usr/bin/env node
/**
 * Copies the Propexo component schemas our OpenAPI document uses (the output envelopes of the routes we
 * share with the spec, and everything they $ref) from docs/reference/propexo-openapi.yml into
 * src/serve/api-docs/propexo-schemas.json. The app reads only the schemas it serves, so that extract is committed;
 * rerun this after the spec or the list below changes: `node scripts/extract-propexo-schemas.js`.
 * OpenAPI allows only [a-zA-Z0-9._-] in component names, so the spec's `{id}`-style names lose their
 * braces (`_v1_units_{id}_get_output` becomes `_v1_units_id_get_output`); the schemas themselves are
 * copied unchanged.
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const SPEC = path.resolve(__dirname, '../docs/reference/propexo-openapi.yml');
const OUT = path.resolve(__dirname, '../src/serve/api-docs/propexo-schemas.json');

const ROOTS = [
  'ResponseMeta',
  '_v1_properties__get_output',
  '_v1_properties_{id}_get_output',
  '_v1_units__get_output',
  '_v1_units_{id}_get_output',
  '_v1_residents__get_output',
  '_v1_residents_{id}_get_output',
  '_v1_leases__get_output',
  '_v1_leases_{lease_id}_get_output',
  '_v1_admin_integrations__get_output',
  '_v1_admin_integrations__post_output',
  '_v1_admin_integrations_{integration_id}__get_output',
  '_v1_admin_integrations_{integration_id}__put_output',
  '_v1_admin_integrations_{integration_id}__delete_output',
  '_v1_admin_integrations_{integration_id}_manual-sync_post_output',
  '_v1_admin_integrations_{integration_id}_data-access_post_output',
  '_v1_admin_integrations_{integration_id}_data-access_get_output',
  '_v1_admin_integrations_{integration_id}_job-schedules__get_output',
  '_v1_admin_integrations_{integration_id}_job-schedules_{job_schedule_id}__get_output',
  '_v1_admin_integrations_{integration_id}_rate-limits__get_output',
  '_v1_admin_logs_jobs__get_output',
  '_v1_admin_logs_jobs_{id}_get_output',
  '_v1_admin_data-diffs__get_output',
  '_v1_webhooks__get_output',
  '_v1_webhooks__post_output',
  '_v1_webhooks_{webhook_id}_get_output',
  '_v1_webhooks_{webhook_id}_put_output',
  '_v1_webhooks_{webhook_id}_delete_output',
  // Writes (issue 20): the bodies the write API validates against, and its answers.
  '_v1_admin_write-status_{root_job_id}_get_output',
  '_v1_admin_retry-write_{root_job_id}_post_output',
  '_v1_admin_logs_writes__get_output',
  '_v1_admin_job-logs_{job_log_id}_data_get_output',
  ...[
    ['properties', 'id'],
    ['units', 'id'],
    ['residents', 'id'],
    ['leases', 'lease_id'],
  ].flatMap(([model, id]) => [
    `_v1_${model}__post_input`,
    `_v1_${model}__post_output`,
    `_v1_${model}_{${id}}_put_input`,
    `_v1_${model}_{${id}}_put_output`,
  ]),
  // Issue 21: service requests (read, create, update), resident charges and payments (read, create).
  '_v1_service-requests__get_output',
  '_v1_service-requests_{service_request_id}_get_output',
  '_v1_service-requests__post_input',
  '_v1_service-requests__post_output',
  '_v1_service-requests_{service_request_id}_put_input',
  '_v1_service-requests_{service_request_id}_put_output',
  ...['resident-charges', 'resident-payments'].flatMap((model) => [
    `_v1_${model}__get_output`,
    `_v1_${model}_{${model.replace(/s$/, '').replace('-', '_')}_id}_get_output`,
    `_v1_${model}__post_input`,
    `_v1_${model}__post_output`,
  ]),
];

const PREFIX = '#/components/schemas/';
const schemas = YAML.parse(fs.readFileSync(SPEC, 'utf8')).components.schemas;
const picked = {};
const visit = (name) => {
  if (name in picked) return;
  if (!(name in schemas)) throw new Error(`${name} is not a component schema of ${SPEC}`);
  picked[name] = schemas[name];
  refsOf(schemas[name]).forEach(visit);
};
function refsOf(node) {
  if (Array.isArray(node)) return node.flatMap(refsOf);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if (key !== '$ref') return refsOf(value);
    if (!value.startsWith(PREFIX)) throw new Error(`unsupported $ref ${value}`);
    return [value.slice(PREFIX.length)];
  });
}
ROOTS.forEach(visit);
const componentName = (name) => name.replace(/[{}]/g, '');
const renamed = Object.keys(picked).filter((name) => componentName(name) !== name);
for (const name of renamed) {
  if (componentName(name) in schemas) throw new Error(`${name} would collide with ${componentName(name)}`);
  // A renamed schema that another one references would need its $ref rewritten: the copy would differ.
  if (Object.values(picked).some((schema) => refsOf(schema).includes(name)))
    throw new Error(`${name} is referenced; cannot rename it`);
}
const output = Object.fromEntries(Object.entries(picked).map(([name, schema]) => [componentName(name), schema]));
fs.writeFileSync(OUT, `${JSON.stringify(output, null, 2)}\n`);
console.log(`${Object.keys(picked).length} schemas written to ${path.relative(process.cwd(), OUT)}`);

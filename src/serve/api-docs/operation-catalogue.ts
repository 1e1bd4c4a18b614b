import { ERROR_STATUS } from '../../platform/common/errors/app-error';
import { ref, type JsonSchema } from './dto-schema';
import { CANONICAL_MODELS, type CanonicalModelName, type WriteOperation } from '../../catalogue/canonical-models';
import { BUILT_WRITES } from '../../fetch/registry/vendor-registry';
import { EXTENSION_SCHEMAS, listOf, recordExtensionName, resultOf, singleOf } from './extension-schemas';
import propexoSchemas from './propexo-schemas.json';

const PROPEXO_SCHEMAS = propexoSchemas as Record<string, { properties?: Record<string, JsonSchema> }>;

/** What the routes' decorators cannot say: a summary, whether it is an extension, and the response body. */
export interface OperationDoc {
  summary: string;
  /** Longer notes (CommonMark), where the behaviour needs more than a summary. */
  description?: string;
  /** API.md calls it an **extension**: not in Propexo's spec. */
  extension?: boolean;
  /** Request fields (query or body) that are extensions of an operation the spec has. */
  extensionFields?: string[];
  /** Values a request field (query or body) takes that the spec's enum for it lacks (vendor names: see REDACTED_VENDORS). */
  extensionValues?: Record<string, string[]>;
  /** No API key (probes and metrics). */
  public?: boolean;
  /** The request body's schema, for routes that validate their body against the spec rather than a DTO. */
  requestBody?: JsonSchema;
  response: JsonSchema;
  /** Media type of the response when it is not JSON. */
  contentType?: string;
}

/** What a data-access check tests, cell by cell (both data-access operations). */
const DATA_ACCESS_NOTES = [
  "A check runs on a worker under the integration's request budget; cells turn from `PROCESSING` to their verdict one by one.",
  "- `read`: the model's list call with the smallest page. `SUCCESS` when the vendor answers with data, `FAILED` with the vendor's message otherwise.",
  "- `create` / `update`: `unsupported` when the vendor's API lacks the operation, **and also when Latchkey does not send that write to this vendor yet** (a write there answers 400 `unsupported_operation`). Otherwise the vendor's access probe: a deliberately invalid request that changes no data. `SUCCESS` when the vendor rejects it for its content (the key may write), `FAILED` with the vendor's message when it refuses the key (authentication or permission) or cannot be probed. A write Latchkey starts sending is `untested` until the next check.",
  "- Credentials the vendor refuses fail every cell with its words; a sync refused a model's read sets that `read` `FAILED` too.",
].join('\n');

/** A spec envelope whose object(s) under `key` also carry the fields of our schema `extension`. */
const extended = (specOutput: string, key: 'results' | 'result', many: boolean, extension: string): JsonSchema => ({
  allOf: [
    ref(specOutput),
    { type: 'object', properties: { [key]: many ? { type: 'array', items: ref(extension) } : ref(extension) } },
  ],
});

/**
 * Each catalogue model's list and get: the spec's envelopes, each record with our `deleted_at` extension (a
 * side of the resident <-> lease link with its links': recordExtensionName).
 */
function recordOperations(): Record<string, OperationDoc> {
  return Object.fromEntries(
    Object.values(CANONICAL_MODELS).flatMap((model) => {
      const common = {
        extensionFields: ['include_deleted', ...(model.docs.extensionFilters ?? [])],
        ...(model.docs.notes ? { description: model.docs.notes } : {}),
      };
      const extension = recordExtensionName(model);
      const embedded = model.linkSide ? ` (with ${model.linkSide.embeddedAs})` : '';
      return [
        [
          `GET /v1/${model.path}`,
          {
            summary: `List ${model.name.replace(/_/g, ' ')}${embedded}`,
            ...common,
            response: extended(model.docs.listOutput, 'results', true, extension),
          },
        ],
        [
          `GET /v1/${model.path}/{id}`,
          {
            summary: `Get ${model.docs.aRecord}`,
            ...common,
            response: extended(model.docs.getOutput, 'results', false, extension),
          },
        ],
      ];
    }),
  );
}

const WRITE_NOTES =
  "Validated at once against the spec's input schema, then against what the integration's vendor can write " +
  '(docs/vendors/models.md): a field it cannot write is a 400 naming it unless `ignore_unknown_fields=true` drops it ' +
  '(listed in `data.ignored_fields`, **extension**); an operation it lacks is a 400 `unsupported_operation`. The write ' +
  'is a job sent at once, ahead of syncs; follow it with `GET /v1/admin/write-status/{root_job_id}`. A field left at ' +
  "the spec's default (`[]`, `false`) asks for no write and is passed over. **Extension**: an " +
  '`Idempotency-Key` header answers a repeat of the same body within 24 h with the first answer (another body: 409).';

/**
 * A write's body: the spec's input schema, with the fields some vendor writes that it lacks as extensions
 * (docs/vendors/models.md §2: Buildium's `x_operating_bank_account_id`), typed as the other operation's input has
 * them, else as text.
 */
function writeBody(model: CanonicalModelName, operation: WriteOperation, input: string): JsonSchema {
  const fieldsOf = (component: string | undefined) =>
    (component ? (PROPEXO_SCHEMAS[component.replace(/[{}]/g, '')]?.properties ?? {}) : {}) as Record<
      string,
      JsonSchema
    >;
  const named = fieldsOf(input);
  const other = fieldsOf(CANONICAL_MODELS[model].writes[operation === 'create' ? 'update' : 'create']?.input);
  const written = BUILT_WRITES.find((w) => w.model === model && w.operation === operation)?.writable ?? [];
  const extensions = written.filter((field) => !(field in named));
  if (extensions.length === 0) return ref(input);
  return {
    allOf: [ref(input)],
    properties: Object.fromEntries(
      extensions.map((field) => [
        field,
        {
          ...(other[field] ?? { type: 'string' }),
          description: `Written by some vendor though the spec's input lacks it (docs/vendors/models.md, vendor files).`,
          'x-latchkey-extension': true,
        },
      ]),
    ),
  };
}

/** The writes the API serves (BUILT_WRITES): the spec's input and output schemas the catalogue's `writes` declare. */
function writeOperations(): Record<string, OperationDoc> {
  const built = (model: CanonicalModelName, operation: WriteOperation) =>
    BUILT_WRITES.some((w) => w.model === model && w.operation === operation)
      ? CANONICAL_MODELS[model].writes[operation]
      : undefined;
  return Object.fromEntries(
    Object.values(CANONICAL_MODELS).flatMap((model) => {
      const create = built(model.name, 'create');
      const update = built(model.name, 'update');
      return [
        ...(create
          ? [
              [
                `POST /v1/${model.path}`,
                {
                  summary: `Create ${model.docs.aRecord} in the PMS`,
                  description: WRITE_NOTES,
                  extensionFields: ['ignore_unknown_fields'],
                  requestBody: writeBody(model.name, 'create', create.input),
                  response: ref(create.output),
                },
              ] as const,
            ]
          : []),
        ...(update
          ? [
              [
                `PUT /v1/${model.path}/{id}`,
                {
                  summary: `Update ${model.docs.aRecord} in the PMS`,
                  description: WRITE_NOTES,
                  extensionFields: ['ignore_unknown_fields'],
                  requestBody: writeBody(model.name, 'update', update.input),
                  response: ref(update.output),
                },
              ] as const,
            ]
          : []),
      ];
    }),
  );
}

/** Keyed by `METHOD /path` in OpenAPI form. */
export const OPERATIONS: Record<string, OperationDoc> = {
  'GET /health': { summary: 'Process is up', public: true, response: ref('LatchkeyHealth') },
  'GET /ready': {
    summary: 'Database and queue are reachable (503 while not, or while shutting down)',
    public: true,
    response: ref('LatchkeyReady'),
  },
  'GET /metrics': {
    summary: 'Prometheus metrics (text format)',
    public: true,
    response: { type: 'string' },
    contentType: 'text/plain',
  },

  ...recordOperations(),
  ...writeOperations(),
  'GET /v1/admin/write-status/{root_job_id}': {
    summary: 'Get the status of a write',
    description:
      'PARTIAL_SUCCESS: the record was written but a follow-up call was not (Buildium: the work order that assigns a ' +
      "service request's vendor; Propertyware: the lease PUT that makes a new resident's contact a tenant); `errors` " +
      'says which, and `created_record_id` names a record it created once it is read back (a Propertyware contact on ' +
      'no lease is no resident yet: null until its retry puts it on the lease).',
    response: ref('_v1_admin_write-status_{root_job_id}_get_output'),
  },
  'POST /v1/admin/retry-write/{root_job_id}': {
    summary: 'Retry a write that ended FAILURE or PARTIAL_SUCCESS (409 otherwise)',
    description:
      'A PARTIAL_SUCCESS create is completed, not created again: the new job sends only the follow-up calls to the ' +
      'record it created (which keeps its `created_record_id`).',
    response: ref('_v1_admin_retry-write_{root_job_id}_post_output'),
  },
  'GET /v1/admin/logs/writes': {
    summary: 'List write logs',
    response: { allOf: [ref('_v1_admin_logs_writes__get_output'), ref('LatchkeyWriteLogExtension')] },
  },
  'GET /v1/admin/write-support': {
    summary: "Each vendor's writes: supported with the fields it takes (and their shapes), or why not",
    extension: true,
    response: ref('LatchkeyWriteSupport'),
  },
  'GET /v1/admin/job-logs/{job_log_id}/data': {
    summary: "A write's vendor request and response (credentials redacted)",
    description:
      '**Extension**: answered directly with `{id, job_id, created_at, request: {method, path, params, body}, ' +
      "response: {status, body, error}}` instead of the spec's 302 to a download link.",
    response: ref('_v1_admin_job-logs_{job_log_id}_data_get_output'),
  },

  'GET /v1/admin/integrations': {
    summary: 'List integrations',
    response: extended('_v1_admin_integrations__get_output', 'results', true, 'LatchkeyIntegrationExtension'),
  },
  'POST /v1/admin/integrations': {
    summary: 'Create an integration (credentials are validated, encrypted and never returned)',
    extensionFields: ['base_url', 'sync_cron', 'models_to_sync'],
    response: extended('_v1_admin_integrations__post_output', 'result', false, 'LatchkeyIntegrationExtension'),
  },
  'GET /v1/admin/integrations/{id}': {
    summary: 'Get an integration',
    response: extended(
      '_v1_admin_integrations_{integration_id}__get_output',
      'results',
      false,
      'LatchkeyIntegrationExtension',
    ),
  },
  'PUT /v1/admin/integrations/{id}': {
    summary: 'Update an integration (turning it active the first time starts the first sync)',
    extensionFields: ['base_url', 'sync_cron', 'models_to_sync', 'is_archived'],
    response: extended(
      '_v1_admin_integrations_{integration_id}__put_output',
      'result',
      false,
      'LatchkeyIntegrationExtension',
    ),
  },
  'DELETE /v1/admin/integrations/{id}': {
    summary: 'Delete an integration',
    response: ref('_v1_admin_integrations_{integration_id}__delete_output'),
  },
  'POST /v1/admin/integrations/{id}/manual-sync': {
    summary: 'Start a sync now',
    response: {
      allOf: [
        ref('_v1_admin_integrations_{integration_id}_manual-sync_post_output'),
        {
          type: 'object',
          properties: {
            result: { type: 'object', properties: { sync_id: { type: 'string', 'x-latchkey-extension': true } } },
          },
        },
      ],
    },
  },
  'POST /v1/admin/integrations/{id}/data-access': {
    summary: 'Start a data-access check',
    description: DATA_ACCESS_NOTES,
    response: ref('_v1_admin_integrations_{integration_id}_data-access_post_output'),
  },
  'GET /v1/admin/integrations/{id}/data-access': {
    summary: 'Result of the last data-access check',
    description: DATA_ACCESS_NOTES,
    response: ref('_v1_admin_integrations_{integration_id}_data-access_get_output'),
  },
  'GET /v1/admin/integrations/{integration_id}/job-schedules': {
    summary: "List an integration's job schedules",
    response: ref('_v1_admin_integrations_{integration_id}_job-schedules__get_output'),
  },
  'GET /v1/admin/integrations/{integration_id}/job-schedules/{job_schedule_id}': {
    summary: 'Get a job schedule',
    response: ref('_v1_admin_integrations_{integration_id}_job-schedules_{job_schedule_id}__get_output'),
  },
  'GET /v1/admin/integrations/{id}/rate-limits': {
    summary: 'Rate limits the vendor last reported (the *_remaining fields are an extension)',
    response: ref('_v1_admin_integrations_{integration_id}_rate-limits__get_output'),
  },
  'GET /v1/admin/integrations/{id}/schema-drift': {
    summary: 'Fields the vendor stopped or started sending',
    extension: true,
    response: listOf('LatchkeySchemaDrift'),
  },
  'GET /v1/admin/integrations/{id}/unknown-values': {
    summary: 'Vendor values no mapping table knows (mapped to OTHER or null), per model, field and value',
    extension: true,
    response: listOf('LatchkeyUnknownValue'),
  },
  'GET /v1/admin/integrations/{id}/vendor-status': {
    summary: "The integration's circuit breaker and request budget",
    extension: true,
    response: resultOf('LatchkeyVendorStatus'),
  },
  'GET /v1/admin/integrations/{id}/quarantine': {
    summary: 'Vendor records the syncs could not normalise',
    extension: true,
    response: listOf('LatchkeyQuarantinedRecord'),
  },
  'GET /v1/admin/logs/jobs': {
    summary: 'List job logs',
    extensionValues: { status: ['RUNNING', 'PENDING', 'PARTIAL_SUCCESS'] },
    response: extended('_v1_admin_logs_jobs__get_output', 'results', true, 'LatchkeyJobLog'),
  },
  'GET /v1/admin/logs/jobs/{id}': {
    summary: 'Get a job log',
    response: extended('_v1_admin_logs_jobs_{id}_get_output', 'results', true, 'LatchkeyJobLog'),
  },
  'GET /v1/admin/data-diffs': {
    summary: 'List data diffs (the change log)',
    response: ref('_v1_admin_data-diffs__get_output'),
  },

  'GET /v1/admin/api-keys': {
    summary: "List the organization's API keys",
    extension: true,
    response: listOf('LatchkeyApiKey'),
  },
  'POST /v1/admin/api-keys': {
    summary: 'Create an API key (the key is shown once)',
    extension: true,
    response: resultOf('LatchkeyNewApiKey'),
  },
  'DELETE /v1/admin/api-keys/{id}': {
    summary: 'Revoke an API key',
    extension: true,
    response: resultOf('LatchkeyApiKey'),
  },

  'GET /v1/events': {
    summary: 'Change feed in commit order (poll with after=<sequence>)',
    extension: true,
    response: ref('LatchkeyEventFeed'),
  },

  'GET /v1/webhooks': { summary: 'List webhooks', response: ref('_v1_webhooks__get_output') },
  'POST /v1/webhooks': {
    summary: 'Create a webhook',
    extensionFields: ['integration_id'],
    extensionValues: { triggers: ['DATA_DELETED'] },
    response: ref('_v1_webhooks__post_output'),
  },
  'GET /v1/webhooks/triggers': {
    summary: 'The triggers: which a webhook may subscribe to, which events carry, which `model` narrows',
    extension: true,
    response: ref('LatchkeyTriggerCatalogue'),
  },
  'GET /v1/webhooks/{id}': { summary: 'Get a webhook', response: ref('_v1_webhooks_{webhook_id}_get_output') },
  'PUT /v1/webhooks/{id}': {
    summary: 'Update a webhook',
    extensionFields: ['integration_id'],
    extensionValues: { triggers: ['DATA_DELETED'] },
    response: ref('_v1_webhooks_{webhook_id}_put_output'),
  },
  'DELETE /v1/webhooks/{id}': { summary: 'Delete a webhook', response: ref('_v1_webhooks_{webhook_id}_delete_output') },
  'GET /v1/webhooks/{id}/deliveries': {
    summary: "List a webhook's deliveries with their attempts",
    extension: true,
    response: listOf('LatchkeyWebhookDelivery'),
  },
  'GET /v1/webhooks/{id}/deliveries/{delivery_id}': {
    summary: 'Get a delivery with its attempts',
    extension: true,
    response: singleOf('LatchkeyWebhookDelivery'),
  },
  'POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry': {
    summary: 'Retry a delivery now',
    extension: true,
    response: resultOf('LatchkeyWebhookDelivery'),
  },
  'POST /v1/webhooks/{id}/replay': {
    summary: 'Deliver again the events committed in [since, until): queues a replay job (202)',
    extension: true,
    response: resultOf('LatchkeyReplay'),
  },
  'GET /v1/webhooks/{id}/replays': {
    summary: "List a webhook's replays",
    extension: true,
    response: listOf('LatchkeyReplay'),
  },
  'GET /v1/webhooks/{id}/replays/{replay_id}': {
    summary: 'Get a replay with its progress',
    extension: true,
    response: singleOf('LatchkeyReplay'),
  },
  'POST /v1/webhooks/{id}/test': {
    summary: 'Send a signed TEST event',
    extension: true,
    response: resultOf('LatchkeyWebhookDelivery'),
  },

  'GET /v1/connect/destinations': {
    summary: 'List Connect destinations',
    extension: true,
    response: listOf('LatchkeyConnectDestination'),
  },
  'POST /v1/connect/destinations': {
    summary: 'Create a Connect destination (a PostgreSQL database)',
    extension: true,
    response: resultOf('LatchkeyConnectDestination'),
  },
  'GET /v1/connect/destinations/{id}': {
    summary: 'Get a Connect destination',
    extension: true,
    response: singleOf('LatchkeyConnectDestination'),
  },
  'PUT /v1/connect/destinations/{id}': {
    summary: 'Update a Connect destination',
    extension: true,
    response: resultOf('LatchkeyConnectDestination'),
  },
  'DELETE /v1/connect/destinations/{id}': {
    summary: 'Delete a Connect destination',
    extension: true,
    response: ref('LatchkeySuccess'),
  },
  'GET /v1/connect/connections': {
    summary: 'List Connect connections',
    extension: true,
    response: listOf('LatchkeyConnectConnection'),
  },
  'POST /v1/connect/connections': {
    summary: 'Create a Connect connection (replicates streams into a destination)',
    extension: true,
    response: resultOf('LatchkeyConnectConnection'),
  },
  'GET /v1/connect/connections/{id}': {
    summary: 'Get a Connect connection',
    extension: true,
    response: singleOf('LatchkeyConnectConnection'),
  },
  'PUT /v1/connect/connections/{id}': {
    summary: 'Update a Connect connection',
    extension: true,
    response: resultOf('LatchkeyConnectConnection'),
  },
  'DELETE /v1/connect/connections/{id}': {
    summary: 'Delete a Connect connection (drop_tables=true drops its tables in the destination first)',
    extension: true,
    response: ref('LatchkeySuccess'),
  },
  'POST /v1/connect/connections/{id}/sync': {
    summary: 'Run a Connect connection now',
    extension: true,
    response: resultOf('LatchkeyConnectRunRequested'),
  },
  'GET /v1/connect/connections/{id}/runs': {
    summary: "List a connection's runs",
    extension: true,
    response: listOf('LatchkeyConnectRun'),
  },
  'GET /v1/connect/connections/{id}/runs/{runId}': {
    summary: 'Get a connection run',
    extension: true,
    response: singleOf('LatchkeyConnectRun'),
  },
};

/** Our own component schemas (the spec's are in propexo-schemas.json). */
export const LATCHKEY_SCHEMAS: Record<string, JsonSchema> = {
  LatchkeyError: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'details'],
        properties: {
          code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
          message: { type: 'string' },
          details: {
            type: 'object',
            description: 'For invalid_request, `fields` maps each bad field to what is wrong with it',
          },
        },
      },
    },
  },
  LatchkeyRecordExtension: {
    type: 'object',
    properties: {
      deleted_at: {
        type: ['string', 'null'],
        format: 'date-time',
        description: 'When the record disappeared from the PMS',
        'x-latchkey-extension': true,
      },
    },
  },
  LatchkeyHealth: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } },
  LatchkeyReady: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string', enum: ['ready', 'not_ready', 'shutting_down'] },
      database: { type: 'string' },
      queue: { type: 'string' },
      queue_backend: { type: 'string' },
    },
  },
  ...EXTENSION_SCHEMAS,
};

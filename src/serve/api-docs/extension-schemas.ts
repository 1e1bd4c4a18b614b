import { API_KEY_SCOPES } from '../../platform/auth/scopes';
import {
  CANONICAL_MODEL_NAMES,
  CANONICAL_MODELS,
  EVENT_MODELS,
  WRITE_OPERATIONS,
  type CanonicalModel,
} from '../../catalogue/canonical-models';
import { RUN_TRIGGERS } from '../../deliver/connect/connect-schedule';
import { STREAM_NAMES, SYNC_MODES } from '../../deliver/connect/stream-catalog';
import { DRIFT_KINDS } from '../../normalise/schema-drift';
import { EVENT_TRIGGERS, SUBSCRIBABLE_TRIGGERS, TEST_TRIGGER, TRIGGERS } from '../../emit/event-triggers';
import { ConnectRunStatus, DeliveryStatus, ReplayStatus } from '../../generated/prisma/enums';
import { JOB_LOG_STATUSES } from '../../sync/job-log';
import { ref, type JsonSchema } from './dto-schema';

/**
 * Response schemas of the extension routes (ours, not in Propexo's spec), field for field as their
 * presenters build them. Enums come from the same constants the code uses, so they cannot drift apart.
 */

/**
 * One of our records: every property is always present (the presenters write null rather than omit), and
 * nothing else is, so a field added to a presenter but not here fails the api-docs test.
 */
const record = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  required: Object.keys(properties),
  properties,
  additionalProperties: false,
});

const string = (description?: string): JsonSchema => ({ type: 'string', ...(description ? { description } : {}) });
const nullableString = (description?: string): JsonSchema => ({
  type: ['string', 'null'],
  ...(description ? { description } : {}),
});
const integer = (description?: string): JsonSchema => ({ type: 'integer', ...(description ? { description } : {}) });
const timestamp = (description?: string): JsonSchema => ({
  type: 'string',
  format: 'date-time',
  ...(description ? { description } : {}),
});
const nullableTimestamp = (description?: string): JsonSchema => ({
  type: ['string', 'null'],
  format: 'date-time',
  ...(description ? { description } : {}),
});
const enumOf = (values: readonly string[], description?: string): JsonSchema => ({
  type: 'string',
  enum: [...values],
  ...(description ? { description } : {}),
});

/** `{meta, results: [X]}`: the spec's list envelope (pageOf / listMeta). */
export const listOf = (schema: string): JsonSchema =>
  record({ meta: ref('ResponseMeta'), results: { type: 'array', items: ref(schema) } });
/** `{meta, results: X}`: the spec's get-by-id envelope (singleMeta). */
export const singleOf = (schema: string): JsonSchema => record({ meta: ref('ResponseMeta'), results: ref(schema) });
/** `{result: X}`: the spec's envelope for writes. */
export const resultOf = (schema: string): JsonSchema => record({ result: ref(schema) });

/**
 * Fields one of the spec's objects carries beyond the spec, each marked as an extension: allOf'd with the
 * spec's own schema (which names the rest), so it stays open.
 */
const asExtensions = (properties: Record<string, JsonSchema>): Record<string, JsonSchema> =>
  Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [name, { ...schema, 'x-latchkey-extension': true }]),
  );
const beyondSpec = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  properties: asExtensions(properties),
});

/** A resident's or lease's record: our `deleted_at`, and each of its embedded links (`embeddedAs`) as `link` says. */
const linkedRecord = (embeddedAs: string, link: JsonSchema): JsonSchema => ({
  allOf: [
    ref('LatchkeyRecordExtension'),
    { type: 'object', properties: { [embeddedAs]: { type: 'array', items: link } } },
  ],
});

/** The extension schema of a model's records: a side of the resident <-> lease link has its own, with its links. */
export function recordExtensionName(model: CanonicalModel): string {
  return model.linkSide
    ? `Latchkey${model.noun[0].toUpperCase()}${model.noun.slice(1)}Extension`
    : 'LatchkeyRecordExtension';
}

/** Each link side's record extension: its embedded links, with the fields they carry from the other side. */
function linkedRecordSchemas(): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.values(CANONICAL_MODELS).flatMap((model) => {
      if (!model.linkSide) return [];
      const partnerFields = Object.keys(model.linkSide.partnerFields ?? {});
      const notes = model.docs.partnerFieldNotes ?? {};
      const link =
        partnerFields.length === 0
          ? ref('LatchkeyLinkExtension')
          : {
              allOf: [
                ref('LatchkeyLinkExtension'),
                beyondSpec(
                  Object.fromEntries(
                    partnerFields.map((field) => [
                      field,
                      { type: ['string', 'null'], ...(notes[field] ? { description: notes[field] } : {}) },
                    ]),
                  ),
                ),
              ],
            };
      return [[recordExtensionName(model), linkedRecord(model.linkSide.embeddedAs, link)]];
    }),
  );
}

const failedModels = {
  type: 'array',
  items: record({
    model: enumOf(CANONICAL_MODEL_NAMES),
    error: string("The job's last error (the vendor's words when it refused)"),
  }),
};

const apiKey = {
  id: string(),
  name: string(),
  prefix: string('First characters of the key, enough to recognise it, never to use it'),
  scopes: { type: 'array', items: enumOf(API_KEY_SCOPES) },
  created_at: timestamp(),
  last_used_at: nullableTimestamp(),
  revoked_at: nullableTimestamp('Null while the key is active'),
};

export const EXTENSION_SCHEMAS: Record<string, JsonSchema> = {
  LatchkeyApiKey: record(apiKey),
  LatchkeyNewApiKey: record({
    ...apiKey,
    key: string('The API key itself: shown in this response only (only its hash is stored)'),
  }),

  LatchkeySchemaDrift: record({
    id: string(),
    integration_id: string(),
    model: enumOf(CANONICAL_MODEL_NAMES),
    field: string('Dotted path of the field in the vendor record'),
    kind: enumOf(
      DRIFT_KINDS,
      'MISSING: a required field was absent (the record was quarantined); UNEXPECTED: a field the vendor contract does not name',
    ),
    occurrences: integer('Records seen with this drift'),
    sample_x_id: nullableString('Vendor id of one such record'),
    first_seen_at: timestamp(),
    last_seen_at: timestamp(),
  }),
  LatchkeyUnknownValue: record({
    id: string(),
    integration_id: string(),
    model: enumOf(CANONICAL_MODEL_NAMES),
    field: string(
      'The canonical field the vendor value was mapped into (e.g. status_normalized, phone_1_type, type_normalized)',
    ),
    value: string(
      'The vendor value no mapping table of its vendor knows (the raw value stays in the record, e.g. status_raw)',
    ),
    mapped_to: nullableString('What the field got instead: OTHER, or null'),
    occurrences: integer('Records synced with this value'),
    sample_x_id: nullableString('Vendor id of one such record'),
    first_seen_at: timestamp(),
    last_seen_at: timestamp(),
  }),
  LatchkeyVendorStatus: record({
    integration_id: string(),
    circuit: record({
      state: enumOf(
        ['CLOSED', 'OPEN', 'HALF_OPEN'],
        'HALF_OPEN: the open period is over but no request has succeeded since',
      ),
      consecutive_failures: integer('Requests in a row that failed after their retries'),
      open_until: nullableTimestamp('While OPEN, when requests to the vendor resume'),
      last_error: nullableString(),
      last_failure_at: nullableTimestamp(),
    }),
    next_request_slot_at: nullableTimestamp(
      'Earliest time the next request may go under the request budget (null before the first request)',
    ),
  }),
  LatchkeyQuarantinedRecord: record({
    id: string(),
    created_at: timestamp(),
    integration_id: string(),
    job_id: string('The sync job that read the record'),
    model: enumOf(CANONICAL_MODEL_NAMES),
    x_id: nullableString('Vendor id, when the record had a usable one'),
    reason: string('Why the record could not be normalised'),
    // The vendor's record as received: whatever JSON it was.
    raw: {
      type: ['object', 'array', 'string', 'number', 'boolean', 'null'],
      description: 'The vendor record as received',
    },
  }),

  LatchkeyDeliveryAttempt: record({
    attempt_number: integer('1 for the first attempt'),
    started_at: timestamp(),
    status_code: { type: ['integer', 'null'], description: "The receiver's HTTP status (null when no response came)" },
    duration_ms: integer(),
    response_excerpt: nullableString("Start of the receiver's response body"),
    error: nullableString('Why the attempt failed (null when it succeeded)'),
    next_attempt_at: nullableTimestamp('When the attempt failed and another is scheduled, when'),
    dropped_headers: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Stored custom headers this attempt did not send because they would steer the delivery (Host, hop-by-hop and framing headers, the headers Latchkey sets)',
    },
  }),
  LatchkeyWebhookDelivery: record({
    id: string('Also the `webhook-id` header of each attempt'),
    webhook_id: string(),
    event_id: string(),
    event_sequence: integer("The event's position in the change feed (GET /v1/events)"),
    trigger: enumOf(EVENT_TRIGGERS),
    status: enumOf(Object.values(DeliveryStatus)),
    attempt_count: integer(),
    created_at: timestamp(),
    delivered_at: nullableTimestamp(),
    last_attempt_at: nullableTimestamp(),
    next_attempt_at: nullableTimestamp('When the next attempt is scheduled (null when none is)'),
    attempts: { type: 'array', items: ref('LatchkeyDeliveryAttempt'), description: 'Oldest first' },
  }),
  LatchkeyReplay: record({
    id: string('GET /v1/webhooks/{id}/replays/{replay_id} shows its progress'),
    webhook_id: string(),
    status: enumOf(
      Object.values(ReplayStatus),
      'QUEUED until a worker starts it; a worker that dies mid-replay is replaced by one that resumes after the last committed batch',
    ),
    since: timestamp(),
    until: timestamp('The end of the window (the time of the request when it gave none)'),
    replayed: integer('Deliveries created or made due again and queued so far'),
    already_pending: integer('Matching deliveries left to their schedule because they were still pending'),
    last_sequence: {
      type: ['integer', 'null'],
      description:
        "The window's last event sequence (null until a worker starts the replay, or when the window holds no event)",
    },
    through_sequence: {
      type: ['integer', 'null'],
      description: 'Events up to this sequence are done; the replay is through when it reaches last_sequence',
    },
    attempts: integer('Worker attempts so far'),
    error: nullableString('Why the replay failed, or the error of an attempt that will be retried'),
    created_at: timestamp(),
    started_at: nullableTimestamp(),
    finished_at: nullableTimestamp(),
  }),

  LatchkeyConnectDestination: record(
    {
      id: string(),
      name: string(),
      type: enumOf(['postgres']),
      host: string(),
      port: integer(),
      database: string(),
      username: string(),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    'Where a destination points; its connection URL and password are never returned',
  ),
  LatchkeyConnectStream: record({
    name: enumOf(STREAM_NAMES),
    sync_mode: enumOf(SYNC_MODES),
    fields: {
      type: ['array', 'null'],
      items: { type: 'string' },
      description: 'The replicated fields (always with id and updated_at); null: every field',
    },
  }),
  LatchkeyConnectConnection: record({
    id: string(),
    name: string(),
    integration_id: string(),
    destination_id: string(),
    streams: { type: 'array', items: ref('LatchkeyConnectStream') },
    schedule: {
      oneOf: [
        record({ type: enumOf(['cron']), cron: string('5-field cron expression, UTC') }),
        record({ type: enumOf(['manual']) }),
      ],
    },
    namespace: string('The destination schema'),
    stream_prefix: string('Prefix of the destination table names (may be empty)'),
    active: { type: 'boolean' },
    next_run_at: nullableTimestamp('When the next cron run starts (null: manual or inactive)'),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
  LatchkeyConnectRun: record({
    id: string(),
    connection_id: string(),
    status: enumOf(
      Object.values(ConnectRunStatus),
      'QUEUED: requested while another run of the connection was running',
    ),
    trigger: enumOf(RUN_TRIGGERS),
    created_at: timestamp(),
    started_at: nullableTimestamp(),
    finished_at: nullableTimestamp(),
    attempts: integer('Worker attempts so far (transient failures are retried)'),
    error: nullableString(),
    streams: { type: 'array', items: ref('LatchkeyConnectRunStream') },
  }),
  LatchkeyConnectRunStream: record({
    name: enumOf(STREAM_NAMES),
    sync_mode: enumOf(SYNC_MODES),
    records: integer('Rows committed to the destination by this run'),
    duration_ms: { type: ['integer', 'null'] },
    status: enumOf(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED']),
    error: nullableString(),
  }),
  LatchkeyConnectRunRequested: record({ run_id: string('The run started or queued (GET .../runs/{runId})') }),
  // Connect's deletes answer bare {success: true}, not the {result} envelope of its other writes.
  LatchkeySuccess: record({ success: { type: 'boolean', enum: [true] } }),

  LatchkeyJobLog: {
    type: 'object',
    properties: {
      status: enumOf(
        JOB_LOG_STATUSES,
        'SUCCESS and FAILURE as in the spec; extensions: PARTIAL_SUCCESS (a run in which some models synced and some failed: see models_failed), RUNNING, PENDING (not started, or a run queued behind another)',
      ),
      ...asExtensions({
        model: nullableString("A job's model (null for a run)"),
        error: nullableString("A job's last error; a run's names each failed model with its error"),
        started_at: nullableTimestamp(),
        finished_at: nullableTimestamp(),
        records_seen: integer('Records read (a run: its jobs summed)'),
        records_written: integer('Records new or changed'),
        records_quarantined: integer('Records that could not be normalised'),
        events_emitted: integer('DATA_NEW / DATA_UPDATE / DATA_DELETED events committed'),
        skipped_models: {
          type: 'array',
          items: record({ model: enumOf(CANONICAL_MODEL_NAMES), reason: string() }),
          description: 'Runs only: models left out because their read access is FAILED',
        },
        models_failed: { ...failedModels, description: 'Runs only: models whose job failed, with its error' },
      }),
    },
  },
  LatchkeyLastSyncRun: record({
    id: string('The run: its root job log is GET /v1/admin/logs/jobs/{id}'),
    job_type: enumOf(['FIRST_SYNC', 'SCHEDULED_SYNC', 'MANUAL_SYNC']),
    status: enumOf(JOB_LOG_STATUSES, 'As in the job log: PARTIAL_SUCCESS when some models failed'),
    started_at: timestamp(),
    finished_at: nullableTimestamp('Null while it runs'),
  }),
  LatchkeyIntegrationExtension: beyondSpec({
    last_sync_run: {
      anyOf: [ref('LatchkeyLastSyncRun'), { type: 'null' }],
      description: 'The latest run that started (null before the first)',
    },
    models_to_sync: {
      type: ['array', 'null'],
      items: enumOf(CANONICAL_MODEL_NAMES),
      description:
        "The models the integration's syncs read, as chosen; null: every model its vendor has (models.<model>.enabled shows the effect)",
    },
  }),
  LatchkeyLinkExtension: beyondSpec({
    deleted_at: {
      type: ['string', 'null'],
      format: 'date-time',
      description:
        'When the link stopped showing: the PMS no longer lists it, or its resident or lease disappeared. Such links are listed only with include_deleted=true',
    },
  }),
  ...linkedRecordSchemas(),

  LatchkeyWriteSupport: record({
    results: {
      type: 'array',
      items: record({
        integration_vendor: string(),
        model: enumOf(CANONICAL_MODEL_NAMES),
        noun: string('One record of the model, in words (`resident`)'),
        operation: enumOf(WRITE_OPERATIONS),
        method: enumOf(['POST', 'PUT']),
        path: string('The write route (`{id}`: the record an update changes)'),
        supported: { type: 'boolean' },
        reason: {
          type: ['string', 'null'],
          enum: ['vendor', 'not_built', null],
          description: "Why not: the vendor's API lacks it, or Latchkey does not send it yet",
        },
        message: nullableString('The message a write would get in its 400 unsupported_operation'),
        fields: {
          type: 'array',
          description: "The canonical fields the vendor's write takes (empty when unsupported)",
          items: record({
            name: string(),
            required: { type: 'boolean', description: 'The vendor requires it for this write' },
            references: {
              type: ['string', 'null'],
              enum: [...CANONICAL_MODEL_NAMES, null],
              description: 'The model whose Latchkey id it takes',
            },
            type: string("The spec's JSON type"),
            format: nullableString('email, date (a plain YYYY-MM-DD is taken) or date-time'),
            enum: { type: ['array', 'null'], items: { type: 'string' } },
            enum_open: { type: 'boolean', description: 'Values beyond `enum` are taken too' },
            minimum: { type: ['number', 'null'] },
            maximum: { type: ['number', 'null'] },
            nullable: { type: 'boolean' },
            description: nullableString("The spec's description"),
          }),
        },
      }),
    },
  }),
  LatchkeyWriteLogExtension: {
    type: 'object',
    properties: {
      results: {
        type: 'object',
        properties: {
          logs: {
            type: 'array',
            items: beyondSpec({
              root_job_id: string('The write this job belongs to (retry-write and write-status take it)'),
            }),
          },
        },
      },
    },
  },

  LatchkeyTriggerCatalogue: record({
    results: {
      type: 'array',
      items: record({
        trigger: enumOf([...SUBSCRIBABLE_TRIGGERS, TEST_TRIGGER]),
        subscribable: { type: 'boolean', description: 'A webhook may list it in `triggers`' },
        emitted: {
          type: 'boolean',
          description: 'Events carry it (deliveries and the event feed can be filtered by it)',
        },
        narrowed_by_model: { type: 'boolean', description: "A webhook's `model` narrows it to that model's events" },
      }),
    },
  }),
  LatchkeyEventFeed: record({
    meta: record({
      after: integer('The `after` of the request'),
      limit: integer(),
      next_after: integer(
        'The `after` of the next call: the last sequence returned, or `after` when there was nothing new',
      ),
      has_more: { type: 'boolean' },
    }),
    results: { type: 'array', items: ref('LatchkeyEvent') },
  }),
  LatchkeyEvent: record({
    sequence: integer('Commit order, across the organization'),
    id: string(),
    trigger: enumOf(TRIGGERS),
    created_at: timestamp(),
    integration_id: nullableString(),
    model: {
      type: ['string', 'null'],
      enum: [...EVENT_MODELS, null],
      description:
        "The model concerned: data events (residents_to_leases for the resident <-> lease links), and a sync job's JOB_FAILURE",
    },
    record_id: nullableString('For data events, the record'),
    payload: { type: 'object', description: 'The body a webhook delivery of the event carries: {trigger, data, meta}' },
  }),
};

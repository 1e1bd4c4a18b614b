import {
  CANONICAL_MODELS,
  LINK_MODEL,
  RESIDENT_LEASE_FIELDS,
  type CanonicalModelName,
  type ColumnType,
} from '../../catalogue/canonical-models';
import type { BulkUpsertSpec } from './bulk-upsert';

/** The bulk-upsert shapes of the cache tables (shared by the cache writer and the benchmark's raw baseline). */
const RECORD_CONSTANTS = ['organization_id', 'integration_id', 'integration_vendor'];

export function recordSpec(model: CanonicalModelName): BulkUpsertSpec {
  const fields = Object.entries(CANONICAL_MODELS[model].fields) as [string, ColumnType][];
  return {
    table: CANONICAL_MODELS[model].table,
    columns: [['id', 'text'], ['x_id', 'text'], ['content_hash', 'text'], ...fields],
    constants: RECORD_CONSTANTS,
    softDelete: true,
  };
}

export const LINK_SPEC: BulkUpsertSpec = {
  table: LINK_MODEL.table,
  columns: [
    ['id', 'text'],
    ['content_hash', 'text'],
    ...(Object.entries(RESIDENT_LEASE_FIELDS) as [string, ColumnType][]),
  ],
  constants: ['organization_id', 'integration_id'],
  softDelete: false,
};

import { CACHE_TABLES } from '../../catalogue/canonical-models';

/**
 * The tables an integration's data is cached or logged in without a foreign key to it (the others cascade),
 * deleted with it: every catalogue model's, so a model added to the catalogue goes with its integration too.
 */
export const INTEGRATION_DATA_TABLES: readonly string[] = [
  ...CACHE_TABLES,
  'quarantined_records',
  'sync_checkpoints',
  'data_diffs',
];

import { CANONICAL_MODEL_NAMES, isCanonicalModelName, type WriteOperation } from '../../catalogue/canonical-models';
import { writeSupport, type VendorAdapter } from '../../fetch/adapter/vendor-adapter';
import type { DataAccessOperation } from '../../generated/prisma/enums';
import type { DataAccessRow } from './data-access.repository';

/** One cell of the spec's data-access matrix. */
export type AccessCell =
  | { status: 'SUCCESS' | 'FAILED' | 'PROCESSING'; error_message: string | null }
  | { unsupported: true }
  | { untested: true };

const OPERATIONS = { READ: 'read', CREATE: 'create', UPDATE: 'update' } as const;
/** A write operation as the data-access table stores it. */
export const WRITE_OPERATIONS = { create: 'CREATE', update: 'UPDATE' } as const satisfies Record<
  WriteOperation,
  DataAccessOperation
>;

/** The writes of a model a check probes: those Latchkey sends to this vendor (`writeSupport`). */
export function probedWrites(
  adapter: Pick<VendorAdapter, 'facts' | 'writeFields' | 'models'>,
  model: string,
): WriteOperation[] {
  return (Object.keys(WRITE_OPERATIONS) as WriteOperation[]).filter(
    (operation) => isCanonicalModelName(model) && writeSupport(adapter, model, operation).supported,
  );
}

/**
 * Every model of the catalogue × read/create/update (models.md §2: all of them, always); a cell never checked is
 * `untested`, a write Latchkey does not send to the vendor (`probedWrites`) `unsupported`, and every cell of a model
 * the vendor does not sync (its facts' `modelsExcept`) `unsupported`, as a read or write of it would get nothing.
 */
export function accessMatrix(
  adapter: Pick<VendorAdapter, 'facts' | 'writeFields' | 'models'>,
  rows: DataAccessRow[],
): Record<string, Record<'read' | 'create' | 'update', AccessCell>> {
  const matrix: Record<string, Record<'read' | 'create' | 'update', AccessCell>> = {};
  const unsupported: AccessCell = { unsupported: true };
  for (const model of CANONICAL_MODEL_NAMES)
    matrix[model] = { read: { ...unsupported }, create: { ...unsupported }, update: { ...unsupported } };
  for (const model of adapter.models) {
    const probed = probedWrites(adapter, model);
    const write = (operation: WriteOperation): AccessCell =>
      probed.includes(operation) ? { untested: true } : { unsupported: true };
    matrix[model] = { read: { untested: true }, create: write('create'), update: write('update') };
  }
  for (const row of rows) {
    const cells = matrix[row.model];
    const operation = OPERATIONS[row.operation];
    // A model the vendor does not sync, and a write Latchkey does not send, stay unsupported whatever a check recorded.
    if (cells && !('unsupported' in cells[operation])) cells[operation] = accessCell(row);
  }
  return matrix;
}

function accessCell(row: DataAccessRow): AccessCell {
  switch (row.status) {
    case 'UNSUPPORTED':
      return { unsupported: true };
    case 'UNTESTED':
      return { untested: true };
    default:
      return { status: row.status, error_message: row.error_message };
  }
}

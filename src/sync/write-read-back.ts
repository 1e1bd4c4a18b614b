import type { CanonicalModelName } from '../catalogue/canonical-models';
import type { VendorWriter, VendorWriteResult } from '../fetch/adapter/vendor-adapter';
import { VendorWriteRejectedError } from '../fetch/adapter/vendor-http';

/** How a write the vendor accepted ends: the record read back (null: none), its errors, and its status. */
export interface AcceptedWrite {
  raw: unknown;
  status: 'SUCCESS' | 'PARTIAL_SUCCESS';
  errors: string[];
}

/**
 * The end of a write the vendor accepted, with its read-back: the record the vendor answered, else the writer's
 * `readBack` of it. Never a FAILURE: a FAILURE create would be sent again by its retry-write, and a PMS cannot
 * dedupe a second resident or charge. A read-back that fails or finds nothing is an error `read-back: …` of a write
 * that stays SUCCESS (PARTIAL_SUCCESS after a partial write), the record left to the next sync.
 */
export async function acceptedWrite(
  writer: VendorWriter,
  model: CanonicalModelName,
  result: VendorWriteResult,
): Promise<AcceptedWrite> {
  const partialErrors = result.partialErrors ?? [];
  const status = partialErrors.length > 0 ? 'PARTIAL_SUCCESS' : 'SUCCESS';
  const ended = (raw: unknown, readBackErrors: string[] = []): AcceptedWrite => ({
    raw,
    status,
    errors: [...partialErrors, ...readBackErrors.map((e) => `read-back: ${e}`)],
  });
  if (result.record !== undefined) return ended(result.record);
  if (result.xId === null || result.readBackFrom === undefined) return ended(null);
  try {
    const raw = await writer.readBack(model, result.xId, result.readBackFrom);
    if (raw === null || raw === undefined)
      return ended(null, [`the vendor lists no ${model} ${result.xId} yet; the next sync brings it`]);
    return ended(raw);
  } catch (error) {
    return ended(null, errorsOf(error));
  }
}

/** A writer's refusal as the write's errors: the vendor's own list when it gave one, else the message. */
export function errorsOf(error: unknown): string[] {
  return error instanceof VendorWriteRejectedError ? error.errors : [(error as Error).message];
}

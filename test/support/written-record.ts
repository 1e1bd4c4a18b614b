import type { VendorWrite, VendorWriter } from '../../src/fetch/adapter/vendor-adapter';
import { acceptedWrite } from '../../src/sync/write-read-back';

/**
 * A write as the runner ends it: the writer's answer, then its read-back (`acceptedWrite`). `record` is the raw
 * record read back (null: none), `errors` the write's errors (a failed read-back's `read-back: …`).
 */
export async function writtenRecord<Model extends VendorWrite['model']>(
  writer: VendorWriter<Model>,
  write: VendorWrite & { model: Model },
) {
  const result = await writer.write(write);
  const { raw, status, errors } = await acceptedWrite(writer as VendorWriter, write.model, result);
  return { ...result, record: raw, status, errors };
}

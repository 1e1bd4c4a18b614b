import type { VendorWriter, VendorWriteResult } from '../../src/fetch/adapter/vendor-adapter';
import { VendorRequestError } from '../../src/fetch/adapter/vendor-http';
import { acceptedWrite } from '../../src/sync/write-read-back';

/** A writer whose read-back answers `readBack` (or throws it), counting its calls. */
function fakeWriter(readBack: () => Promise<unknown>) {
  const calls: Array<[string, string, Record<string, unknown>]> = [];
  const writer: VendorWriter = {
    write: () => Promise.reject(new Error('not called')),
    probe: () => Promise.resolve(),
    readBack: (model, xId, from) => {
      calls.push([model, xId, from]);
      return readBack();
    },
  };
  return { writer, calls };
}

const created: VendorWriteResult = { xId: '901', readBackFrom: { propertyId: '7' } };

describe('a write the vendor accepted, and its read-back (acceptedWrite)', () => {
  it('reads the record back by the vendor id, with what the writer said to read it from', async () => {
    const { writer, calls } = fakeWriter(() => Promise.resolve({ Id: 901 }));
    await expect(acceptedWrite(writer, 'service_requests', created)).resolves.toEqual({
      raw: { Id: 901 },
      status: 'SUCCESS',
      errors: [],
    });
    expect(calls).toEqual([['service_requests', '901', { propertyId: '7' }]]);
  });

  it.each([
    ['a network error', new VendorRequestError('GET /workorders/901 failed after 4 attempts: ECONNRESET', null, true)],
    ['a 5xx', new VendorRequestError('GET /workorders/901 failed after 4 attempts: HTTP 503: busy', 503, true)],
    ['a malformed answer', new VendorRequestError('/workorders did not answer {"data": [...]}', 200, false)],
  ])(
    'a read-back that fails with %s leaves the write SUCCESS, with a read-back error and no record',
    async (_, error) => {
      const { writer } = fakeWriter(() => Promise.reject(error));
      await expect(acceptedWrite(writer, 'service_requests', created)).resolves.toEqual({
        raw: null,
        status: 'SUCCESS',
        errors: [`read-back: ${error.message}`],
      });
    },
  );

  it('a record the vendor does not list yet (eventually consistent) is a SUCCESS with a read-back error', async () => {
    const { writer } = fakeWriter(() => Promise.resolve(null));
    await expect(acceptedWrite(writer, 'residents', created)).resolves.toEqual({
      raw: null,
      status: 'SUCCESS',
      errors: ['read-back: the vendor lists no residents 901 yet; the next sync brings it'],
    });
  });

  it('after a partial write, a failed read-back is one more error of the PARTIAL_SUCCESS', async () => {
    const { writer } = fakeWriter(() => Promise.reject(new Error('HTTP 500')));
    const partial = { ...created, partialErrors: ['resident request 901 was written, but not its work order'] };
    await expect(acceptedWrite(writer, 'service_requests', partial)).resolves.toEqual({
      raw: null,
      status: 'PARTIAL_SUCCESS',
      errors: ['resident request 901 was written, but not its work order', 'read-back: HTTP 500'],
    });
  });

  it('reads nothing when the vendor answered the record, gave no id, or made nothing to read back', async () => {
    const { writer, calls } = fakeWriter(() => Promise.reject(new Error('not expected')));
    await expect(acceptedWrite(writer, 'leases', { xId: '5', record: { Id: 5 } })).resolves.toEqual({
      raw: { Id: 5 },
      status: 'SUCCESS',
      errors: [],
    });
    await expect(acceptedWrite(writer, 'resident_charges', { xId: null })).resolves.toEqual({
      raw: null,
      status: 'SUCCESS',
      errors: [],
    });
    // A Yardi lease create: an applicant household, which a sync does not read as a lease.
    await expect(acceptedWrite(writer, 'leases', { xId: 'r000009' })).resolves.toEqual({
      raw: null,
      status: 'SUCCESS',
      errors: [],
    });
    expect(calls).toEqual([]);
  });
});

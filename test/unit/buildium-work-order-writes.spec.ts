import { VendorHttp, type VendorExchange } from '../../src/fetch/adapter/vendor-http';
import { BUILDIUM_WRITE_FIELDS, BuildiumWriter, workOrderMessage } from '../../src/fetch/buildium/buildium.writes';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { assertValid } from '../support/propexo-schema';
import { writtenRecord } from '../support/written-record';

type Json = Record<string, any>;
const CREDS = { clientId: 'work-order-client', secret: 'work-order-secret' };
/** Vendors the sandbox knows (its `VENDOR_IDS`). */
const VENDOR = 70_003;
const OTHER_VENDOR = 70_007;

/**
 * A service request's vendor assignment (docs/vendors/buildium.md, service requests): the work order written after
 * the task, WorkOrderPostMessage {TaskId, VendorId, EntryAllowed, WorkDetails, VendorNotes, InvoiceNumber}, or a
 * PUT of the task's latest work order; its failure makes the write partial, and a retried create sends it alone.
 */
describe('BuildiumWriter: the work order of a service request', () => {
  it('maps the vendor fields value by value: EntryAllowed from access_is_authorized, the rest kept on a PUT', () => {
    const post = workOrderMessage(
      {},
      {
        vendor_id: '70003',
        access_is_authorized: true,
        service_details: 'Lower pane',
        vendor_notes: 'Call first',
        invoice_number: 'INV-9',
      },
    );
    expect(post).toEqual({
      VendorId: 70003,
      EntryAllowed: 'Yes',
      WorkDetails: 'Lower pane',
      VendorNotes: 'Call first',
      InvoiceNumber: 'INV-9',
    });
    assertValid('WorkOrderPostMessage', { TaskId: 1, ...post }, 'buildium-openapi.json', { closed: true });
    expect(workOrderMessage({}, { vendor_id: '5', access_is_authorized: false }).EntryAllowed).toBe('No');
    expect(workOrderMessage({}, { vendor_id: '5' })).toEqual({ VendorId: 5, EntryAllowed: 'Unknown' });

    // A PUT replaces the whole work order: what the write does not name is sent as Buildium has it.
    const current = {
      Id: 9,
      Task: { Id: 4, Type: 'ResidentRequest' },
      Title: 'Leak',
      Status: 'New',
      VendorId: 70001,
      EntryAllowed: 'No',
      WorkDetails: 'Kitchen sink',
      InvoiceNumber: 'A-1',
      ChargeableTo: 'Owner',
      EntryNotes: 'Key at desk',
      VendorNotes: 'Old notes',
      EntryContact: { Id: 31, Resources: [] },
      EntryContacts: [
        { Id: 31, Resources: [] },
        { Id: 32, Resources: [] },
      ],
      LineItems: [{ GlAccountId: 6100, Quantity: 2, Memo: 'Labour', UnitPrice: 45.5 }],
      Amount: 91,
    };
    const put = workOrderMessage(current, { vendor_notes: 'Bring a ladder', invoice_number: 'B-2' });
    expect(put).toEqual({
      VendorId: 70001,
      EntryAllowed: 'No',
      WorkDetails: 'Kitchen sink',
      InvoiceNumber: 'B-2',
      ChargeableTo: 'Owner',
      EntryNotes: 'Key at desk',
      VendorNotes: 'Bring a ladder',
      EntryContactIds: [31, 32],
      LineItems: [{ GlAccountId: 6100, Quantity: 2, Memo: 'Labour', UnitPrice: 45.5 }],
    });
    assertValid('WorkOrderPutMessage', put, 'buildium-openapi.json', { closed: true });
    // A null clears (left out of the full replace); a new vendor replaces the old one.
    expect(workOrderMessage(current, { vendor_notes: null, vendor_id: '70002' })).toMatchObject({ VendorId: 70002 });
    expect(workOrderMessage(current, { vendor_notes: null })).not.toHaveProperty('VendorNotes');
  });

  it('takes vendor_id, vendor_notes and invoice_number on create and update, checked for Buildium', () => {
    const fields = BUILDIUM_WRITE_FIELDS.service_requests!;
    for (const op of ['create', 'update'] as const) {
      expect([op, fields[op]!.writable]).toEqual([
        op,
        expect.arrayContaining(['vendor_id', 'vendor_notes', 'invoice_number']),
      ]);
      const checks = fields[op]!.checks!;
      expect(checks.vendor_id('70003')).toBeNull();
      expect(checks.vendor_id('acme')).toMatch(/Buildium id/);
      expect(checks.invoice_number('x'.repeat(50))).toBeNull();
      expect(checks.invoice_number('x'.repeat(51))).toMatch(/50 characters/);
    }
  });

  describe('through the sandbox', () => {
    let server: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
    let sent: Array<{ method: string; path: string; body: unknown }>;
    let writer: BuildiumWriter;

    beforeAll(async () => {
      server = await startBuildiumSandboxServer({ residents: 20, seed: 5, credentials: [CREDS] });
      writer = new BuildiumWriter(
        new VendorHttp({
          baseUrl: server.url,
          headers: { 'x-buildium-client-id': CREDS.clientId, 'x-buildium-client-secret': CREDS.secret },
          guard: new OutboundGuard(['127.0.0.0/8']),
          throttleBackoffMs: 1,
          maxAttempts: 2,
          sleep: async () => undefined,
          exchanges: (e: VendorExchange) => sent.push({ method: e.method, path: e.path, body: e.body }),
        }),
      );
    });
    beforeEach(() => {
      sent = [];
      server.sandbox.faults.clear();
    });
    afterAll(() => server.close());

    const writes = () => sent.filter((s) => s.method !== 'GET').map((s) => `${s.method} ${s.path}`);
    const ordersOf = (taskId: number) => server.sandbox.data.workorders.filter((w: Json) => w.TaskId === taskId);
    const newRequest = () => {
      const lease = server.sandbox.data.leases.find((l: Json) => l.Tenants.length > 0)!;
      return {
        service_description: 'Broken blind',
        lease_id: String(lease.Id),
        resident_id: String(lease.Tenants[0].Id),
      };
    };

    it('creates the task, then its work order linked to it, once each; the record comes back with the vendor', async () => {
      const result = await writtenRecord(writer, {
        model: 'service_requests',
        operation: 'create',
        fields: {
          ...newRequest(),
          service_details: 'Slats bent',
          access_is_authorized: false,
          vendor_id: String(VENDOR),
          vendor_notes: 'Bring a ladder',
          invoice_number: 'INV-1',
        },
      });
      const taskId = Number(result.xId);
      expect(writes()).toEqual(['POST /v1/tasks/residentrequests', 'POST /v1/workorders']);
      expect(sent.find((s) => s.path === '/v1/workorders' && s.method === 'POST')!.body).toEqual({
        TaskId: taskId,
        VendorId: VENDOR,
        EntryAllowed: 'No',
        WorkDetails: 'Slats bent',
        VendorNotes: 'Bring a ladder',
        InvoiceNumber: 'INV-1',
      });
      expect(result.partialErrors).toEqual([]);
      expect((result.record as Json).WorkOrders).toEqual([expect.objectContaining({ VendorId: VENDOR })]);
      expect(ordersOf(taskId)).toHaveLength(1);
    });

    it('a failed work order after the task is a partial write; the retried create sends the work order alone', async () => {
      server.sandbox.faults.add({ path: '/v1/workorders', method: 'POST', status: 500, times: 1 });
      const tasksBefore = server.sandbox.data.tasks.length;
      const fields = { ...newRequest(), vendor_id: String(VENDOR), invoice_number: 'INV-2' };
      const first = await writtenRecord(writer, { model: 'service_requests', operation: 'create', fields });
      expect(first.xId).toEqual(expect.any(String));
      expect(first.partialErrors![0]).toBe(
        `resident request ${first.xId} was written, but not its work order (the vendor assignment); retry-write sends only the work order`,
      );
      expect(first.partialErrors!.slice(1).join(' ')).toMatch(/500/);
      expect((first.record as Json).WorkOrders).toEqual([]);
      expect(server.sandbox.data.tasks.length - tasksBefore).toBe(1);
      expect(ordersOf(Number(first.xId))).toHaveLength(0);

      sent = [];
      const retried = await writer.write({ model: 'service_requests', operation: 'create', xId: first.xId!, fields });
      expect(writes()).toEqual(['POST /v1/workorders']);
      expect(retried).toMatchObject({ xId: first.xId, partialErrors: [] });
      expect(server.sandbox.data.tasks.length - tasksBefore).toBe(1);
      expect(ordersOf(Number(first.xId))).toEqual([
        expect.objectContaining({ VendorId: VENDOR, InvoiceNumber: 'INV-2' }),
      ]);

      // Retried again (say its answer was lost): the work order exists, so it is replaced, not made twice.
      sent = [];
      await writer.write({ model: 'service_requests', operation: 'create', xId: first.xId!, fields });
      expect(writes()).toEqual([`PUT /v1/workorders/${ordersOf(Number(first.xId))[0].Id}`]);
      expect(ordersOf(Number(first.xId))).toHaveLength(1);
    });

    it('an update writes the task, then posts a work order where it has none, else replaces the latest', async () => {
      const { xId } = await writer.write({ model: 'service_requests', operation: 'create', fields: newRequest() });
      const taskId = Number(xId);
      sent = [];
      await writer.write({
        model: 'service_requests',
        operation: 'update',
        xId: xId!,
        fields: { vendor_id: String(VENDOR) },
      });
      expect(writes()).toEqual([`PUT /v1/tasks/residentrequests/${taskId}`, 'POST /v1/workorders']);
      sent = [];
      const changed = await writtenRecord(writer, {
        model: 'service_requests',
        operation: 'update',
        xId: xId!,
        fields: { vendor_id: String(OTHER_VENDOR), vendor_notes: 'Second visit' },
      });
      const [order] = ordersOf(taskId);
      expect(writes()).toEqual([`PUT /v1/tasks/residentrequests/${taskId}`, `PUT /v1/workorders/${order.Id}`]);
      expect(sent.find((s) => s.method === 'PUT' && s.path.startsWith('/v1/workorders'))!.body).toEqual({
        VendorId: OTHER_VENDOR,
        EntryAllowed: 'Unknown',
        VendorNotes: 'Second visit',
      });
      expect((changed.record as Json).WorkOrders).toEqual([
        expect.objectContaining({ VendorId: OTHER_VENDOR, VendorNotes: 'Second visit' }),
      ]);

      // The work order's PUT failing after the task's: partial, and its retry is the whole update again.
      server.sandbox.faults.add({ path: `/v1/workorders/${order.Id}`, method: 'PUT', status: 422, times: 1 });
      const partial = await writer.write({
        model: 'service_requests',
        operation: 'update',
        xId: xId!,
        fields: { vendor_notes: 'Third visit' },
      });
      expect(partial.partialErrors![0]).toBe(
        `resident request ${taskId} was written, but not its work order (the vendor assignment); retry-write sends the update again`,
      );
      expect(ordersOf(taskId)).toEqual([expect.objectContaining({ VendorNotes: 'Second visit' })]);
    });

    it('refuses vendor notes without a vendor before sending anything, where the request has no work order', async () => {
      await expect(
        writer.write({
          model: 'service_requests',
          operation: 'create',
          fields: { ...newRequest(), vendor_notes: 'x' },
        }),
      ).rejects.toThrow(/vendor_id is required/);
      expect(writes()).toEqual([]);
      const { xId } = await writer.write({ model: 'service_requests', operation: 'create', fields: newRequest() });
      sent = [];
      await expect(
        writer.write({ model: 'service_requests', operation: 'update', xId: xId!, fields: { invoice_number: 'I-3' } }),
      ).rejects.toThrow(/vendor_id is required/);
      expect(writes()).toEqual([]);
    });
  });
});

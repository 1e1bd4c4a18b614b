import {
  CANONICAL_MODELS,
  WRITE_OPERATIONS,
  WRITE_REFERENCES,
  type CanonicalModelName,
  type WriteOperation,
} from '../../catalogue/canonical-models';
import { writeSupport, type VendorAdapter } from '../../fetch/adapter/vendor-adapter';
import { specFieldShape, type FieldShape } from './spec-body';

/** Why a vendor's write is refused: `vendor` (its API lacks it) or `not_built` (Latchkey does not send it yet). */
export type UnsupportedWriteReason = 'vendor' | 'not_built';

/** One field a vendor's write takes: the spec's shape of it, whether the vendor requires it, the model it names. */
export interface WriteFieldEntry extends FieldShape {
  name: string;
  required: boolean;
  references: CanonicalModelName | null;
}

/** One vendor × model × operation of `GET /v1/admin/write-support` (extension). */
export interface WriteSupportEntry {
  integration_vendor: string;
  model: CanonicalModelName;
  noun: string;
  operation: WriteOperation;
  method: 'POST' | 'PUT';
  path: string;
  supported: boolean;
  reason: UnsupportedWriteReason | null;
  message: string | null;
  fields: WriteFieldEntry[];
}

const ROUTE: Record<WriteOperation, (model: CanonicalModelName) => Pick<WriteSupportEntry, 'method' | 'path'>> = {
  create: (model) => ({ method: 'POST', path: `/v1/${CANONICAL_MODELS[model].path}/` }),
  update: (model) => ({ method: 'PUT', path: `/v1/${CANONICAL_MODELS[model].path}/{id}` }),
};

/** The words of a 400 `unsupported_operation`, and of the write-support answer for the same write. */
export function unsupportedWriteMessage(
  vendor: string,
  model: CanonicalModelName,
  operation: WriteOperation,
  reason: UnsupportedWriteReason,
): string {
  return reason === 'not_built'
    ? `${vendor} ${operation} of ${model} is not built in this version of Latchkey yet`
    : `${vendor} does not support ${operation} of ${model} (no upstream API)`;
}

/**
 * Every vendor's writes of every model that declares them: supported (with the fields its adapter writes, as the
 * spec's input schema shapes them) or not (with the reason the write API would answer). What a client (the
 * dashboard) needs to offer a write form only where it can succeed.
 */
export function writeSupportCatalogue(
  adapters: Array<Pick<VendorAdapter, 'vendor' | 'facts' | 'writeFields' | 'models'>>,
): WriteSupportEntry[] {
  return adapters.flatMap((adapter) =>
    Object.values(CANONICAL_MODELS).flatMap((model) =>
      WRITE_OPERATIONS.flatMap((operation): WriteSupportEntry[] => {
        const declared = model.writes[operation];
        const support = writeSupport(adapter, model.name, operation);
        if (!declared) return [];
        const base = { integration_vendor: adapter.vendor, model: model.name, noun: model.noun, operation };
        if (!support.supported) {
          if (support.reason === 'model') return [];
          return [
            {
              ...base,
              ...ROUTE[operation](model.name),
              supported: false,
              reason: support.reason,
              message: unsupportedWriteMessage(adapter.vendor, model.name, operation, support.reason),
              fields: [],
            },
          ];
        }
        const required = new Set(support.fields.required);
        return [
          {
            ...base,
            ...ROUTE[operation](model.name),
            supported: true,
            reason: null,
            message: null,
            fields: support.fields.writable.map((name) => ({
              name,
              required: required.has(name),
              references: WRITE_REFERENCES[name] ?? null,
              ...specFieldShape(declared.input, name),
            })),
          },
        ];
      }),
    ),
  );
}

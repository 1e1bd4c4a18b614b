import { CANONICAL_MODELS, type CanonicalModelName } from '../../src/catalogue/canonical-models';
import { presentRecord } from '../../src/catalogue/record-presenter';
import { toCanonicalRecord, type MappingContext } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';

const ctx: MappingContext = { integrationId: 'int_1', ref: (model, xId) => (xId ? `${model}:${xId}` : null) };

/** The three ledger and maintenance models (issue 21): money only in whole cents. */
const MODELS: CanonicalModelName[] = ['service_requests', 'resident_charges', 'resident_payments'];
const centsFields = (model: CanonicalModelName) =>
  Object.entries(CANONICAL_MODELS[model].fields)
    .filter(([field]) => field.endsWith('_in_cents'))
    .map(([field, type]) => [field, type] as const);

/** A record of the model with one field set (and what the model requires). */
const normalise = (model: CanonicalModelName, field: string, value: unknown) =>
  toCanonicalRecord(model, { x_id: '1', values: { x_property_id: 'p1', property_id: 'prop_1', [field]: value } }, ctx);

describe('money in whole cents (charges and payments)', () => {
  it('declares every *_in_cents field of the charges and payments as cents, each with its *_raw text', () => {
    for (const model of MODELS) {
      for (const [field, type] of centsFields(model)) {
        expect([model, field, type]).toEqual([model, field, 'cents']);
        expect([model, field, CANONICAL_MODELS[model].fields[field.replace(/_in_cents$/, '_raw')]]).toEqual([
          model,
          field,
          'text',
        ]);
      }
    }
    expect(centsFields('resident_charges').map(([f]) => f)).toEqual([
      'amount_in_cents',
      'amount_open_in_cents',
      'amount_paid_in_cents',
    ]);
    expect(centsFields('resident_payments').map(([f]) => f)).toEqual(['amount_in_cents']);
  });

  it.each(MODELS.flatMap((model) => centsFields(model).map(([field]) => [model, field] as const)))(
    '%s.%s takes exact integers (negative credits, the largest exact one) and presents them unchanged',
    (model, field) => {
      // 0.1 + 0.2 dollars is 30 cents exactly; 2^53 - 1 cents is the largest total a JSON number keeps exact.
      for (const cents of [30, 0, -12_345, 2_147_483_648, Number.MAX_SAFE_INTEGER]) {
        const record = normalise(model, field, cents);
        expect(record.values[field]).toBe(cents);
        // PostgreSQL returns bigint as text: the read API turns it back into the same number.
        expect(presentRecord(model, { ...record.values, [field]: String(cents) })[field]).toBe(cents);
      }
    },
  );

  it.each(MODELS.flatMap((model) => centsFields(model).map(([field]) => [model, field] as const)))(
    '%s.%s refuses floats, inexact integers and text: the record is malformed (quarantined), not rounded',
    (model, field) => {
      for (const bad of [12.5, 0.1 + 0.2, 2 ** 60, Number.NaN, Infinity, '1000', '10.00']) {
        expect(() => normalise(model, field, bad)).toThrow(MalformedRecordError);
        expect(() => normalise(model, field, bad)).toThrow(`${field}: `);
      }
    },
  );
});

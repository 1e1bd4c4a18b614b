import {
  CANONICAL_MODEL_NAMES,
  CANONICAL_MODELS,
  type CanonicalModelName,
  type ColumnType,
  type EmbeddedItemField,
} from '../../src/catalogue/canonical-models';
import { jsonOf, presentRecord, presentRecordJson } from '../../src/catalogue/record-presenter';

/** Text that JSON writes with escapes, or that only looks plain: quotes, controls, unicode, lone surrogates. */
const TEXTS = [
  'plain',
  'a "quoted" \\ back\\slash',
  'new\nline\ttab\r\u0001\u001f\b\f',
  'unicode é 漢字 😀 \u2028\u2029 \u007f',
  'lone \ud800 high and \udc00 low surrogates',
  '',
  '</script>',
];

/** A value of a column of the given type as the cache's pg pool returns it; `n` picks among the variants. */
function columnValue(type: ColumnType, n: number): unknown {
  switch (type) {
    case 'text':
      return TEXTS[n % TEXTS.length];
    case 'int':
      return [42, 0, -7, 2_147_483_647][n % 4];
    case 'cents':
      return ['12345678901', '-30', '0', String(Number.MAX_SAFE_INTEGER)][n % 4]; // bigint comes back as text
    case 'float':
      return [1.25, -0, 1e21, 0.1 + 0.2, Number.NaN, Infinity][n % 6];
    case 'bool':
      return n % 2 === 0;
    case 'timestamptz':
      return n % 2 === 0 ? new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6 + n)) : '2026-12-05 16:53:39.7+00';
    case 'jsonb':
      return [{ nested: ['x"y', null, 3.5, { deep: '😀\n' }], flag: false }, ['a', 1], 'text', 12, true][n % 5];
  }
}

function itemValue(kind: EmbeddedItemField, n: number): unknown {
  if (kind === 'item_id' || kind === 'record_id' || kind === 'record_stamp')
    return `${kind}-${TEXTS[n % TEXTS.length]}`;
  return columnValue(kind, n);
}

/** A cache row of the model: every field set (embedded arrays with items of every field), or every field null. */
function row(model: CanonicalModelName, n: number, filled: boolean): Record<string, unknown> {
  const { fields, embeddedItems = {} } = CANONICAL_MODELS[model];
  const out: Record<string, unknown> = {
    id: `rec_${n}`,
    organization_id: 'org_1',
    integration_id: 'int_"1"',
    integration_vendor: 'BUILDIUM',
    x_id: TEXTS[n % TEXTS.length],
    content_hash: 'h',
    created_at: columnValue('timestamptz', n),
    updated_at: columnValue('timestamptz', n + 1),
    last_seen: filled ? columnValue('timestamptz', n) : null,
    deleted_at: filled && n % 2 === 1 ? new Date(Date.UTC(2026, 5, 1)) : null,
  };
  Object.entries(fields).forEach(([field, type], i) => {
    const item = embeddedItems[field];
    if (!filled) out[field] = null;
    else if (item)
      out[field] = [0, 1, 2].map((k) =>
        Object.fromEntries(
          Object.entries(item.fields).map(([name, kind], j) => [name, k === 2 ? null : itemValue(kind, n + i + j + k)]),
        ),
      );
    else out[field] = columnValue(type, n + i);
  });
  return out;
}

/** What the read API appends to a record: its always-empty arrays and, for a side of the link, its links. */
function extras(model: CanonicalModelName, n: number): Record<string, unknown> {
  const { emptyArrays, linkSide } = CANONICAL_MODELS[model];
  const out: Record<string, unknown> = Object.fromEntries(emptyArrays.map((f) => [f, []]));
  if (linkSide) out[linkSide.embeddedAs] = n % 2 ? [] : [{ lease_id: 'l"1', custom_data: { s: TEXTS[n % 7] } }];
  return out;
}

describe('a record written as JSON straight from its row (the read API pages)', () => {
  it.each(CANONICAL_MODEL_NAMES.map((m) => [m] as const))(
    '%s: the same text as JSON.stringify of the presented record, for filled and null rows',
    (model) => {
      for (let n = 0; n < 14; n++) {
        for (const filled of [true, false]) {
          for (const stampItems of [true, false]) {
            const cacheRow = row(model, n, filled);
            const more = extras(model, n);
            const expected = JSON.stringify(Object.assign(presentRecord(model, cacheRow, { stampItems }), more));
            const written = presentRecordJson(model, cacheRow, { stampItems }, JSON.stringify(more).slice(1, -1));
            expect(written).toBe(expected);
            expect(JSON.parse(written)).toEqual(JSON.parse(expected));
          }
        }
      }
    },
  );

  it('has every field of the model in what it writes, none twice', () => {
    for (const model of CANONICAL_MODEL_NAMES) {
      const { fields, emptyArrays, linkSide } = CANONICAL_MODELS[model];
      const more = extras(model, 0);
      const text = presentRecordJson(
        model,
        row(model, 0, true),
        { stampItems: true },
        JSON.stringify(more).slice(1, -1),
      );
      const topLevel = Object.keys(JSON.parse(text) as object);
      for (const field of [...Object.keys(fields), 'id', 'created_at', 'x_id', 'deleted_at', ...emptyArrays])
        expect([model, field, topLevel.includes(field)]).toEqual([model, field, true]);
      if (linkSide) expect(topLevel).toContain(linkSide.embeddedAs);
      // The appended members name no key of the record, so no key is written twice.
      const presented = Object.keys(presentRecord(model, row(model, 0, true)));
      expect(Object.keys(more).filter((k) => presented.includes(k))).toEqual([]);
    }
  });

  it('leaves out a key whose value is undefined, as JSON.stringify does', () => {
    const cacheRow = row('residents', 0, true);
    delete cacheRow.integration_id;
    expect(presentRecordJson('residents', cacheRow)).toBe(JSON.stringify(presentRecord('residents', cacheRow)));
    expect(JSON.parse(presentRecordJson('residents', cacheRow))).not.toHaveProperty('integration_id');
  });

  it('writes each value as JSON.stringify does', () => {
    const values = [...TEXTS, 0, -0, 1.5, 1e21, -1e-7, Number.NaN, Infinity, true, false, null, [1, 'a"'], { a: '\n' }];
    for (const value of values) expect([value, jsonOf(value)]).toEqual([value, JSON.stringify(value)]);
  });
});

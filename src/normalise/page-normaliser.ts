import type { CanonicalModelName } from '../catalogue/canonical-models';
import { recordId } from '../platform/common/ids';
import { toCanonicalRecord, type CanonicalRecord, type MappedRecord, type MappingContext } from './canonical-record';
import { MalformedRecordError } from './malformed-record.error';
import { checkShape, DriftTally, type DriftKind, type ExpectedFields } from './schema-drift';
import { UnknownValueTally, type UnknownValueCount } from './unknown-values';

/** A vendor record that could not be normalised, kept with the reason (never silently dropped). */
export interface QuarantineEntry {
  model: string;
  xId: string | null;
  reason: string;
  raw: unknown;
}

/** What a page normalises with: a vendor adapter's pure side (VendorAdapter fits it). */
export interface RecordMapper {
  readonly expectedFields: Partial<Record<CanonicalModelName, ExpectedFields>>;
  map(model: CanonicalModelName, raw: unknown, ctx: MappingContext): MappedRecord | null;
  vendorId(model: CanonicalModelName, raw: unknown): string | null;
}

export interface DriftEntry {
  kind: DriftKind;
  field: string;
  occurrences: number;
  sampleXId: string | null;
}

/** One page, normalised: what to write, what to quarantine, what to hide, and what was noticed on the way. */
export interface NormalisedPage {
  records: CanonicalRecord[];
  rejected: QuarantineEntry[];
  /** Ids of records the vendor lists that are not of the model (applicants): hidden if cached earlier. */
  excluded: string[];
  drift: DriftEntry[];
  unknownValues: UnknownValueCount[];
  /** Raw records the page carried. */
  seen: number;
}

/** Ids kept per generation of a job's id cache: two generations bound it, whatever the integration's size. */
export const REF_CACHE_GENERATION = 4_096;

/**
 * The mapping context of one job: our ids of the records it names, each computed once while it is named often (a
 * job names the same properties and units again and again). The cache is two generations of at most
 * REF_CACHE_GENERATION ids each, the older dropped when the newer fills: an id still named is carried into the
 * newer one, so memory stays bounded by the pages in flight, never by every id the job has seen.
 */
export function jobMappingContext(integrationId: string): MappingContext {
  // One map per model, looked up by the vendor id as given: no key string built per lookup (a record makes several).
  type Generation = Map<CanonicalModelName, Map<string, string>>;
  let refs: Generation = new Map();
  let older: Generation = new Map();
  let size = 0;
  return {
    integrationId,
    ref: (model, xId) => {
      if (xId === null || xId === undefined) return null;
      let ofModel = refs.get(model);
      let id = ofModel?.get(xId);
      if (id !== undefined) return id;
      id = older.get(model)?.get(xId) ?? recordId(integrationId, model, xId);
      if (size >= REF_CACHE_GENERATION) {
        older = refs;
        refs = new Map();
        size = 0;
        ofModel = undefined;
      }
      if (!ofModel) refs.set(model, (ofModel = new Map()));
      ofModel.set(xId, id);
      size += 1;
      return id;
    },
  };
}

/**
 * Maps and type-checks pages of vendor records (pure: no I/O). Records the vendor sent malformed are set
 * aside for quarantine, and so are records missing a field the vendor's contract promises (schema drift:
 * reported, never nulled). Values the mapping tables do not know are counted; records that are not of the
 * model (applicants) are set aside to be hidden. A stage like the others, provided by SyncModule; it needs no
 * collaborator, so it carries no Nest decorator and normalise/ stays free of the framework.
 */
export class PageNormaliser {
  normalise(model: CanonicalModelName, mapper: RecordMapper, raws: unknown[], jobCtx: MappingContext): NormalisedPage {
    const byId = new Map<string, CanonicalRecord>();
    const rejected: QuarantineEntry[] = [];
    const excluded: string[] = [];
    const drift = new DriftTally();
    const unknown = new UnknownValueTally();
    const ctx: MappingContext = { unknownValue: unknown.note, ...jobCtx };
    const expected = mapper.expectedFields[model];
    for (const raw of raws) {
      const shape = checkShape(raw, expected);
      if (shape.missing.length > 0 || shape.unexpected.length > 0) {
        const xId = mapper.vendorId(model, raw);
        for (const field of shape.missing) drift.add('MISSING', field, xId);
        for (const field of shape.unexpected) drift.add('UNEXPECTED', field, xId);
        if (shape.missing.length > 0) {
          rejected.push({
            model,
            xId,
            reason: `schema drift: required field${shape.missing.length > 1 ? 's' : ''} ${shape.missing.map((f) => `"${f}"`).join(', ')} missing`,
            raw,
          });
          continue;
        }
      }
      try {
        const mapped = mapper.map(model, raw, ctx);
        if (mapped === null) {
          unknown.drop();
          const id = ctx.ref(model, mapper.vendorId(model, raw));
          if (id !== null) excluded.push(id);
          continue;
        }
        const record = toCanonicalRecord(model, mapped, ctx);
        unknown.settle(record.x_id);
        byId.set(record.id, record); // a record repeated within a page is written once, as last seen
      } catch (error) {
        unknown.drop();
        if (!(error instanceof MalformedRecordError)) throw error;
        rejected.push({ model, xId: mapper.vendorId(model, raw), reason: error.reason, raw });
      }
    }
    return {
      records: [...byId.values()],
      rejected,
      excluded,
      drift: drift.entries(),
      unknownValues: unknown.entries(),
      seen: raws.length,
    };
  }
}

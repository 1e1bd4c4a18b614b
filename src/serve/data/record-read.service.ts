import { Injectable } from '@nestjs/common';
import {
  CANONICAL_MODELS,
  COMMON_FILTERS,
  LINK_MODEL,
  type CanonicalModelName,
  type LinkSide,
  type ListFilter,
} from '../../catalogue/canonical-models';
import { iso, presentRecord, presentRecordJson } from '../../catalogue/record-presenter';
import { AppError } from '../../platform/common/errors/app-error';
import { assertSortable, listMeta, parseListQuery, singleMeta } from '../../platform/common/http/list-query.dto';
import { SqlFilter } from '../../platform/common/sql-filter';
import type { RecordGetQueryDto, RecordListQueryDto } from './record-query.dto';
import { RecordReadRepository, type LinkRow } from './record-read.repository';

const SYSTEM_SORTABLE = [
  'id',
  'created_at',
  'updated_at',
  'last_seen',
  'x_id',
  'integration_id',
  'integration_vendor',
  'deleted_at',
];

/** The read API over the data cache: the spec's filters, order-by, pagination and embedded arrays. */
@Injectable()
export class RecordReadService {
  constructor(private readonly records: RecordReadRepository) {}

  /**
   * A page as its JSON text: the records written straight from their rows (a page of 100 residents is ~130 kB;
   * building its objects and serialising them was a fifth of the app's CPU per request).
   */
  async list(model: CanonicalModelName, organizationId: string, query: RecordListQueryDto): Promise<string> {
    const page = parseListQuery(query);
    assertSortable(page.orderBy, sortableFields(model));
    const filter = this.buildFilter(model, organizationId, query);
    const { rows, total } = await this.records.list(model, filter, page);
    const extras = await this.extras(model, rows, query.include_deleted === 'true');
    const results = rows.map((row, i) =>
      presentRecordJson(model, row, { stampItems: true }, JSON.stringify(extras[i]).slice(1, -1)),
    );
    return `{"meta":${JSON.stringify(listMeta(page, total, rows.length))},"results":[${results.join(',')}]}`;
  }

  async get(model: CanonicalModelName, organizationId: string, id: string, query: RecordGetQueryDto = {}) {
    const row = await this.records.get(model, organizationId, id);
    if (!row) throw AppError.notFound(CANONICAL_MODELS[model].noun, id);
    const [extras] = await this.extras(model, [row], query.include_deleted === 'true');
    return { meta: singleMeta(), results: Object.assign(presentRecord(model, row, { stampItems: true }), extras) };
  }

  private buildFilter(model: CanonicalModelName, organizationId: string, q: RecordListQueryDto): SqlFilter {
    const f = new SqlFilter().add((p) => `r."organization_id" = ${p(organizationId)}`);
    const liveOnly = q.include_deleted !== 'true';
    if (liveOnly) f.add(() => 'r."deleted_at" IS NULL');
    const { linkSide } = CANONICAL_MODELS[model];
    for (const filter of [...COMMON_FILTERS, ...CANONICAL_MODELS[model].filters]) {
      const value = q[filter.param];
      if (value) addFilter(f, filter, value, { linkSide, liveOnly });
    }
    return f;
  }

  /**
   * What the spec's object of each row has beyond presentRecord's: the always-empty arrays and a resident's or
   * lease's links (leases_meta_data / residents_meta_data), each naming the record on the other side and carrying
   * its partnerFields (a resident's: lease_status_normalized); links that stopped showing only with include_deleted.
   */
  private async extras(model: CanonicalModelName, rows: Record<string, unknown>[], includeDeleted: boolean) {
    const definition = CANONICAL_MODELS[model];
    const side = definition.linkSide;
    const linksByOwner = new Map<string, LinkRow[]>();
    if (side) {
      for (const link of await this.records.links(
        side,
        rows.map((r) => r.id as string),
        includeDeleted,
      )) {
        const owner = link[side.column];
        const owned = linksByOwner.get(owner);
        if (owned) owned.push(link);
        else linksByOwner.set(owner, [link]);
      }
    }
    const partnerColumn = side ? CANONICAL_MODELS[side.partner].linkSide!.column : null;
    const partnerFields = Object.keys(side?.partnerFields ?? {});
    return rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const field of definition.emptyArrays) out[field] = [];
      if (side) {
        out[side.embeddedAs] = (linksByOwner.get(row.id as string) ?? []).map((l) => {
          const entry: Record<string, unknown> = { [partnerColumn!]: l[partnerColumn!], ...linkFields(l) };
          for (const field of partnerFields) entry[field] = l[field] ?? null;
          return entry;
        });
      }
      return out;
    });
  }
}

/**
 * A filter's condition on the record `r`, as its catalogue entry declares it. A link filter looks at the
 * record's links `l`; links that stopped showing (ended, or with a vanished resident or lease) count only with
 * include_deleted.
 */
function addFilter(
  f: SqlFilter,
  filter: ListFilter,
  value: string,
  { linkSide, liveOnly }: { linkSide?: LinkSide; liveOnly: boolean },
): void {
  const { match } = filter;
  const cast = filter.value === 'instant' ? '::timestamptz' : filter.value === 'date' ? '::date' : '';
  const typed = filter.value === 'flag' ? value === 'true' : value;
  if ('nothing' in match) {
    f.add(() => 'false');
  } else if ('column' in match) {
    const column = `r."${match.column}"`;
    f.add((p) =>
      match.ignoreCase ? `lower(${column}) = lower(${p(typed)})` : `${column} ${match.op ?? '='} ${p(typed)}${cast}`,
    );
  } else if ('arrayColumn' in match) {
    f.add(
      (p) => `r."${match.arrayColumn}" @> jsonb_build_array(jsonb_build_object('${match.key}', ${p(typed)}::text))`,
    );
  } else {
    if (!linkSide) throw new Error(`${filter.param} filters on links, of a model that is no side of one`);
    const links = `SELECT 1 FROM "${LINK_MODEL.table}" l WHERE l."${linkSide.column}" = r."id"`;
    const showing = liveOnly ? ' AND l."deleted_at" IS NULL' : '';
    if ('linkColumn' in match)
      f.add((p) => `EXISTS (${links} AND l."${match.linkColumn}" ${match.op} ${p(typed)}${cast}${showing})`);
    else if (value === 'true') f.add(() => `NOT EXISTS (${links} AND l."${match.noLinkWith}" IS NOT NULL${showing})`);
  }
}

function linkFields(l: LinkRow) {
  return {
    x_resident_type: l.x_resident_type ?? null,
    resident_type_normalized: l.resident_type_normalized ?? null,
    move_in_date: iso(l.move_in_date),
    move_out_date: iso(l.move_out_date),
    notice_date: iso(l.notice_date),
    custom_data: l.custom_data ?? null,
    // Extension, as on records: when the link stopped showing (it ended, or its resident or lease vanished).
    deleted_at: iso(l.deleted_at),
  };
}

function sortableFields(model: CanonicalModelName): string[] {
  return [
    ...SYSTEM_SORTABLE,
    ...Object.entries(CANONICAL_MODELS[model].fields)
      .filter(([, type]) => type !== 'jsonb')
      .map(([f]) => f),
  ];
}

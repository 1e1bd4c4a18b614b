import { Injectable } from '@nestjs/common';
import { CANONICAL_MODELS, type CanonicalModelName } from '../../catalogue/canonical-models';
import { iso, presentRecord } from '../../catalogue/record-presenter';
import { AppError } from '../../platform/common/errors/app-error';
import { assertSortable, listMeta, parseListQuery, singleMeta } from '../../platform/common/http/list-query.dto';
import { SqlFilter } from '../../platform/common/sql-filter';
import type {
  LeaseListQueryDto,
  PropertyListQueryDto,
  RecordGetQueryDto,
  RecordListQueryDto,
  ResidentListQueryDto,
  UnitListQueryDto,
} from './record-query.dto';
import { RecordReadRepository, type LinkRow } from './record-read.repository';

type AnyListQuery = RecordListQueryDto &
  Partial<PropertyListQueryDto & UnitListQueryDto & ResidentListQueryDto & LeaseListQueryDto>;

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

  async list(model: CanonicalModelName, organizationId: string, query: AnyListQuery) {
    const page = parseListQuery(query);
    assertSortable(page.orderBy, sortableFields(model));
    const filter = this.buildFilter(model, organizationId, query);
    const { rows, total } = await this.records.list(model, filter, page);
    const results = await this.present(model, rows, query.include_deleted === 'true');
    return { meta: listMeta(page, total, results.length), results };
  }

  async get(model: CanonicalModelName, organizationId: string, id: string, query: RecordGetQueryDto = {}) {
    const row = await this.records.get(model, organizationId, id);
    if (!row) throw AppError.notFound(`${model.slice(0, -1)}`, id);
    const [result] = await this.present(model, [row], query.include_deleted === 'true');
    return { meta: singleMeta(), results: result };
  }

  private buildFilter(model: CanonicalModelName, organizationId: string, q: AnyListQuery): SqlFilter {
    const f = new SqlFilter().add((p) => `r."organization_id" = ${p(organizationId)}`);
    const liveOnly = q.include_deleted !== 'true';
    if (liveOnly) f.add(() => 'r."deleted_at" IS NULL');
    // Links that stopped showing (ended, or with a vanished resident or lease) count only with include_deleted.
    const link = liveOnly ? ' AND l."deleted_at" IS NULL' : '';
    if (q.integration_id) f.add((p) => `r."integration_id" = ${p(q.integration_id)}`);
    if (q.integration_vendor) f.add((p) => `r."integration_vendor" = ${p(q.integration_vendor)}`);
    // x_id, x_property_id, x_unit_id come with integration_id and unit_number with property_id (the DTOs' RequiresParam).
    if (q.x_id) f.add((p) => `r."x_id" = ${p(q.x_id)}`);
    if (q.x_property_id) f.add((p) => `r."x_property_id" = ${p(q.x_property_id)}`);
    // location_id is Rent Manager's; it is null for every vendor we serve, so it matches nothing.
    if (q.location_id) f.add(() => 'false');
    for (const [param, column, op] of [
      ['updated_at_gte', 'updated_at', '>='],
      ['updated_at_lte', 'updated_at', '<='],
      ['last_seen_gte', 'last_seen', '>='],
      ['last_seen_lte', 'last_seen', '<='],
    ] as const) {
      if (q[param]) f.add((p) => `r."${column}" ${op} ${p(q[param])}::timestamptz`);
    }
    if (q.property_id && model !== 'properties') f.add((p) => `r."property_id" = ${p(q.property_id)}`);
    if (model === 'properties' && q.is_active) f.add((p) => `r."is_active" = ${p(q.is_active === 'true')}`);
    if (q.unit_number) f.add((p) => `r."${model === 'units' ? 'number' : 'unit_number'}" = ${p(q.unit_number)}`);
    if (model === 'residents') {
      if (q.email_1) f.add((p) => `lower(r."email_1") = lower(${p(q.email_1)})`);
      if (q.phone_1) f.add((p) => `r."phone_1" = ${p(q.phone_1)}`);
      if (q.lease_id)
        f.add(
          (p) =>
            `EXISTS (SELECT 1 FROM "residents_to_leases" l WHERE l."resident_id" = r."id" AND l."lease_id" = ${p(q.lease_id)}${link})`,
        );
    }
    if (model === 'leases') {
      if (q.unit_id) f.add((p) => `r."unit_id" = ${p(q.unit_id)}`);
      if (q.x_unit_id) f.add((p) => `r."x_unit_id" = ${p(q.x_unit_id)}`);
      if (q.status_normalized) f.add((p) => `r."status_normalized" = ${p(q.status_normalized)}`);
      if (q.status_raw) f.add((p) => `r."status_raw" = ${p(q.status_raw)}`);
      if (q.resident_id)
        f.add(
          (p) =>
            `EXISTS (SELECT 1 FROM "residents_to_leases" l WHERE l."lease_id" = r."id" AND l."resident_id" = ${p(q.resident_id)}${link})`,
        );
      for (const [param, column, op] of [
        ['before_move_in_date', 'move_in_date', '<'],
        ['after_move_in_date', 'move_in_date', '>'],
        ['before_move_out_date', 'move_out_date', '<'],
        ['after_move_out_date', 'move_out_date', '>'],
      ] as const) {
        if (q[param])
          f.add(
            (p) =>
              `EXISTS (SELECT 1 FROM "residents_to_leases" l WHERE l."lease_id" = r."id" AND l."${column}" ${op} ${p(q[param])}::date${link})`,
          );
      }
      if (q.only_null_move_outs === 'true') {
        f.add(
          () =>
            `NOT EXISTS (SELECT 1 FROM "residents_to_leases" l WHERE l."lease_id" = r."id" AND l."move_out_date" IS NOT NULL${link})`,
        );
      }
    }
    return f;
  }

  /**
   * Rows -> the spec's objects: every field present, timestamps as ISO strings, embedded arrays attached:
   * a resident's or lease's links (leases_meta_data / residents_meta_data), each naming the record on the
   * other side and carrying its partnerFields (a resident's: lease_status_normalized); links that stopped
   * showing only with include_deleted.
   */
  private async present(model: CanonicalModelName, rows: Record<string, unknown>[], includeDeleted: boolean) {
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
        linksByOwner.set(owner, [...(linksByOwner.get(owner) ?? []), link]);
      }
    }
    const partnerColumn = side ? CANONICAL_MODELS[side.partner].linkSide!.column : null;
    const partnerFields = Object.keys(side?.partnerFields ?? {});
    return rows.map((row) => {
      const out = presentRecord(model, row);
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

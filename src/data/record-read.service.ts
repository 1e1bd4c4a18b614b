import { Injectable } from '@nestjs/common';
import { CANONICAL_MODELS, type CanonicalModelName } from '../canonical/canonical-models';
import { iso, presentRecord } from '../canonical/record-presenter';
import { AppError } from '../common/errors/app-error';
import { assertSortable, listMeta, parseListQuery, singleMeta } from '../common/http/list-query.dto';
import { SqlFilter } from '../common/sql-filter';
import type { LeaseListQueryDto, PropertyListQueryDto, RecordListQueryDto, ResidentListQueryDto, UnitListQueryDto } from './record-query.dto';
import { RecordReadRepository, type LinkRow } from './record-read.repository';

type AnyListQuery = RecordListQueryDto & Partial<PropertyListQueryDto & UnitListQueryDto & ResidentListQueryDto & LeaseListQueryDto>;

const SYSTEM_SORTABLE = ['id', 'created_at', 'updated_at', 'last_seen', 'x_id', 'integration_id', 'integration_vendor', 'deleted_at'];

/** The read API over the data cache: the spec's filters, order-by, pagination and embedded arrays. */
@Injectable()
export class RecordReadService {
  constructor(private readonly records: RecordReadRepository) {}

  async list(model: CanonicalModelName, organizationId: string, query: AnyListQuery) {
    const page = parseListQuery(query);
    assertSortable(page.orderBy, sortableFields(model));
    const filter = this.buildFilter(model, organizationId, query);
    const { rows, total } = await this.records.list(model, filter, page);
    const results = await this.present(model, rows);
    return { meta: listMeta(page, total, results.length), results };
  }

  async get(model: CanonicalModelName, organizationId: string, id: string) {
    const row = await this.records.get(model, organizationId, id);
    if (!row) throw AppError.notFound(`${model.slice(0, -1)}`, id);
    const [result] = await this.present(model, [row]);
    return { meta: singleMeta(), results: result };
  }

  private buildFilter(model: CanonicalModelName, organizationId: string, q: AnyListQuery): SqlFilter {
    const f = new SqlFilter().add((p) => `r."organization_id" = ${p(organizationId)}`);
    if (q.include_deleted !== 'true') f.add(() => 'r."deleted_at" IS NULL');
    if (q.integration_id) f.add((p) => `r."integration_id" = ${p(q.integration_id)}`);
    if (q.integration_vendor) f.add((p) => `r."integration_vendor" = ${p(q.integration_vendor)}`);
    // x_id, x_property_id, x_unit_id come with integration_id and unit_number with property_id (the DTOs' RequiresParam).
    if (q.x_id) f.add((p) => `r."x_id" = ${p(q.x_id)}`);
    if (q.x_property_id) f.add((p) => `r."x_property_id" = ${p(q.x_property_id)}`);
    // location_id is Rent Manager's; it is null for every vendor we serve, so it matches nothing.
    if (q.location_id) f.add(() => 'false');
    for (const [param, column, op] of [['updated_at_gte', 'updated_at', '>='], ['updated_at_lte', 'updated_at', '<='], ['last_seen_gte', 'last_seen', '>='], ['last_seen_lte', 'last_seen', '<=']] as const) {
      if (q[param]) f.add((p) => `r."${column}" ${op} ${p(q[param])}::timestamptz`);
    }
    if (q.property_id && model !== 'properties') f.add((p) => `r."property_id" = ${p(q.property_id)}`);
    if (model === 'properties' && q.is_active) f.add((p) => `r."is_active" = ${p(q.is_active === 'true')}`);
    if (q.unit_number) f.add((p) => `r."${model === 'units' ? 'number' : 'unit_number'}" = ${p(q.unit_number)}`);
    if (model === 'residents') {
      if (q.email_1) f.add((p) => `lower(r."email_1") = lower(${p(q.email_1)})`);
      if (q.phone_1) f.add((p) => `r."phone_1" = ${p(q.phone_1)}`);
      if (q.lease_id) f.add((p) => `EXISTS (SELECT 1 FROM "residents_to_leases" l WHERE l."resident_id" = r."id" AND l."lease_id" = ${p(q.lease_id)})`);
    }
    if (model === 'leases') {
      if (q.unit_id) f.add((p) => `r."unit_id" = ${p(q.unit_id)}`);
      if (q.x_unit_id) f.add((p) => `r."x_unit_id" = ${p(q.x_unit_id)}`);
      if (q.status_normalized) f.add((p) => `r."status_normalized" = ${p(q.status_normalized)}`);
      if (q.status_raw) f.add((p) => `r."status_raw" = ${p(q.status_raw)}`);
      if (q.resident_id) f.add((p) => `EXISTS (SELECT 1 FROM "residents_to_leases" l WHERE l."lease_id" = r."id" AND l."resident_id" = ${p(q.resident_id)})`);
      for (const [param, column, op] of [['before_move_in_date', 'move_in_date', '<'], ['after_move_in_date', 'move_in_date', '>'], ['before_move_out_date', 'move_out_date', '<'], ['after_move_out_date', 'move_out_date', '>']] as const) {
        if (q[param]) f.add((p) => `EXISTS (SELECT 1 FROM "residents_to_leases" l WHERE l."lease_id" = r."id" AND l."${column}" ${op} ${p(q[param])}::date)`);
      }
      if (q.only_null_move_outs === 'true') {
        f.add(() => 'NOT EXISTS (SELECT 1 FROM "residents_to_leases" l WHERE l."lease_id" = r."id" AND l."move_out_date" IS NOT NULL)');
      }
    }
    return f;
  }

  /** Rows -> the spec's objects: every field present, timestamps as ISO strings, embedded arrays attached. */
  private async present(model: CanonicalModelName, rows: Record<string, unknown>[]) {
    const definition = CANONICAL_MODELS[model];
    const links = model === 'residents' ? await this.records.links('resident_id', rows.map((r) => r.id as string))
      : model === 'leases' ? await this.records.links('lease_id', rows.map((r) => r.id as string)) : [];
    const linksByOwner = new Map<string, LinkRow[]>();
    for (const link of links) {
      const owner = model === 'residents' ? link.resident_id : link.lease_id;
      linksByOwner.set(owner, [...(linksByOwner.get(owner) ?? []), link]);
    }
    return rows.map((row) => {
      const out = presentRecord(model, row);
      for (const field of definition.emptyArrays) out[field] = [];
      // Extension: each lease's status_normalized, so a resident's standing reads without fetching the leases.
      if (model === 'residents') out.leases_meta_data = (linksByOwner.get(row.id as string) ?? []).map((l) => ({ lease_id: l.lease_id, ...linkFields(l), lease_status_normalized: l.lease_status_normalized ?? null }));
      if (model === 'leases') out.residents_meta_data = (linksByOwner.get(row.id as string) ?? []).map((l) => ({ resident_id: l.resident_id, ...linkFields(l) }));
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
  };
}

function sortableFields(model: CanonicalModelName): string[] {
  return [...SYSTEM_SORTABLE, ...Object.entries(CANONICAL_MODELS[model].fields).filter(([, type]) => type !== 'jsonb').map(([f]) => f)];
}

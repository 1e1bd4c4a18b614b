import { Controller, Get, Param, Query } from '@nestjs/common';
import { OrgId } from '../platform/auth/api-key.guard';
import { AppError } from '../platform/common/errors/app-error';
import {
  assertSortable,
  listMeta,
  ListQueryDto,
  parseListQuery,
  type ListPage,
} from '../platform/common/http/list-query.dto';
import { IntegrationRecordRepository } from './integration-record.repository';
import { VendorStateRepository } from './vendor-state.repository';

/** What an integration's syncs learnt about its vendor: reported rate limits, schema drift, unknown values, the circuit. */
@Controller('v1/admin/integrations/:id')
export class VendorStateController {
  constructor(
    private readonly states: VendorStateRepository,
    private readonly integrations: IntegrationRecordRepository,
  ) {}

  /** The spec's rate-limits endpoint: the last limits the vendor reported, per API (Entrata). */
  @Get('rate-limits')
  async rateLimits(@OrgId() org: string, @Param('id') id: string, @Query() query: ListQueryDto) {
    await this.requireIntegration(org, id);
    const page = parseListQuery(query);
    assertSortable(page.orderBy, ['created_at', 'updated_at', 'api']);
    const rows = await this.states.rateLimits(id, page);
    return {
      results: {
        integration_id: id,
        api_ratelimits: rows.map((r) => ({
          api: r.api,
          updated_at: r.updated_at.toISOString(),
          day_limit: r.day_limit,
          hour_limit: r.hour_limit,
          minute_limit: r.minute_limit,
          // Extension: what was left when the vendor last answered.
          day_remaining: r.day_remaining,
          hour_remaining: r.hour_remaining,
          minute_remaining: r.minute_remaining,
        })),
      },
    };
  }

  /** Extension: fields the vendor stopped sending (records quarantined) or started sending (unknown to its contract). */
  @Get('schema-drift')
  async schemaDrift(@OrgId() org: string, @Param('id') id: string, @Query() query: ListQueryDto) {
    const page = await this.tallyPage(org, id, query, 'kind');
    const [rows, total] = await this.states.drift(id, seenOrder(page));
    return {
      meta: listMeta(page, total, rows.length),
      results: rows.map((r) => ({
        id: r.id,
        integration_id: r.integration_id,
        model: r.model,
        field: r.field,
        kind: r.kind,
        occurrences: r.occurrences,
        sample_x_id: r.sample_x_id,
        first_seen_at: r.first_seen_at,
        last_seen_at: r.last_seen_at,
      })),
    };
  }

  /** Extension: vendor values no mapping table knows (stored as OTHER or null, the raw value kept), per model, field and value. */
  @Get('unknown-values')
  async unknownValues(@OrgId() org: string, @Param('id') id: string, @Query() query: ListQueryDto) {
    const page = await this.tallyPage(org, id, query, 'value');
    const [rows, total] = await this.states.unknownValues(id, seenOrder(page));
    return {
      meta: listMeta(page, total, rows.length),
      results: rows.map((r) => ({
        id: r.id,
        integration_id: r.integration_id,
        model: r.model,
        field: r.field,
        value: r.value,
        mapped_to: r.mapped_to,
        occurrences: r.occurrences,
        sample_x_id: r.sample_x_id,
        first_seen_at: r.first_seen_at,
        last_seen_at: r.last_seen_at,
      })),
    };
  }

  /** Extension: the integration's circuit breaker and request budget as every worker sees them. */
  @Get('vendor-status')
  async vendorStatus(@OrgId() org: string, @Param('id') id: string) {
    await this.requireIntegration(org, id);
    const state = await this.states.state(id);
    const now = Date.now();
    const open = state?.circuit_open_until && state.circuit_open_until.getTime() > now;
    const halfOpen = state?.circuit_open_until && !open && state.consecutive_failures > 0;
    return {
      result: {
        integration_id: id,
        circuit: {
          state: open ? 'OPEN' : halfOpen ? 'HALF_OPEN' : 'CLOSED',
          consecutive_failures: state?.consecutive_failures ?? 0,
          open_until: open ? state.circuit_open_until : null,
          last_error: state?.last_error ?? null,
          last_failure_at: state?.last_failure_at ?? null,
        },
        next_request_slot_at: state?.next_slot_at ?? null,
      },
    };
  }

  /** The page of a per-field tally of the integration (schema drift, unknown values), sortable by its columns. */
  private async tallyPage(org: string, id: string, query: ListQueryDto, keyColumn: string): Promise<ListPage> {
    await this.requireIntegration(org, id);
    const page = parseListQuery(query);
    assertSortable(page.orderBy, [
      'created_at',
      'first_seen_at',
      'last_seen_at',
      'model',
      'field',
      keyColumn,
      'occurrences',
    ]);
    return page;
  }

  private async requireIntegration(org: string, id: string): Promise<void> {
    const integration = await this.integrations.load(id);
    if (!integration || integration.organization_id !== org) throw AppError.notFound('Integration', id);
  }
}

/** A tally's rows have no created_at: they were created when first seen. */
function seenOrder(page: ListPage): ListPage {
  return {
    ...page,
    orderBy: page.orderBy.map((o) => (o.field === 'created_at' ? { ...o, field: 'first_seen_at' } : o)),
  };
}

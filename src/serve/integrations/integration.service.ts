import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SecretBox } from '../../platform/common/crypto/secret-box';
import { AppError } from '../../platform/common/errors/app-error';
import { flattenValidationErrors } from '../../platform/common/errors/validation-errors';
import { assertSortable, listMeta, parseListQuery } from '../../platform/common/http/list-query.dto';
import { checkInProcess, DataAccessService } from '../data-access/data-access.service';
import { cronProblem } from '../../platform/common/cron';
import { modelsToSync, nextRunAt, runModels } from '../../sync/sync-schedule';
import type { Cadence, IntegrationVendor } from '../../generated/prisma/enums';
import { OutboundBlockedError, OutboundGuard } from '../../platform/outbound/outbound-guard';
import { SyncService, type LastSyncRun } from '../../sync/sync.service';
import type { VendorAdapter, VendorFacts } from '../../fetch/adapter/vendor-adapter';
import { VendorRegistry } from '../../fetch/registry/vendor-registry';
import type {
  CreateIntegrationDto,
  ListIntegrationsQueryDto,
  ManualSyncDto,
  UpdateIntegrationDto,
} from './integration.dto';
import { IntegrationRepository, type IntegrationRow } from './integration.repository';

const SORTABLE = ['created_at', 'updated_at', 'name', 'id'];

@Injectable()
export class IntegrationService {
  constructor(
    private readonly integrations: IntegrationRepository,
    private readonly vendors: VendorRegistry,
    private readonly secrets: SecretBox,
    private readonly guard: OutboundGuard,
    private readonly sync: SyncService,
    private readonly dataAccess: DataAccessService,
  ) {}

  async create(organizationId: string, dto: CreateIntegrationDto) {
    const adapter = this.adapterFor(dto.integration_vendor);
    const credentials = validateCredentials(adapter, dto.credentials);
    if (dto.base_url) this.assertBaseUrl(dto.base_url);
    else if (!adapter.facts.defaultBaseUrl) {
      const message = `base_url is required for ${dto.integration_vendor}: its API lives on a host of each customer's own`;
      throw AppError.invalid(message, { base_url: [message] });
    }
    if (dto.sync_cron) assertCron(dto.sync_cron);
    if (dto.models_to_sync) assertSyncable(adapter, dto.models_to_sync);
    const row = await this.integrations.create({
      organization_id: organizationId,
      name: dto.name,
      vendor: dto.integration_vendor,
      active: dto.active ?? false,
      system: dto.system ?? 'PRODUCTION',
      credentials_encrypted: this.secrets.sealJson(credentials),
      base_url: dto.base_url ?? null,
      sync_frequency: dto.sync_frequency ?? 12,
      sync_cadence: dto.sync_cadence ?? 'HOUR',
      sync_cron: dto.sync_cron ?? null,
      ...requestBudget(dto, adapter.facts),
      max_job_concurrency: dto.max_job_concurrency ?? 1,
      new_properties_are_enabled: dto.new_properties_are_enabled ?? true,
      models_to_sync: dto.models_to_sync ?? [],
    });
    if (row.active) await this.sync.startFirstSync(organizationId, row.id, runModels(adapter, row.models_to_sync));
    return this.present(row, row.active, new Set(), (await this.sync.latestRuns([row.id])).get(row.id) ?? null);
  }

  async list(organizationId: string, query: ListIntegrationsQueryDto) {
    const page = parseListQuery(query);
    assertSortable(page.orderBy, SORTABLE);
    const { rows, total } = await this.integrations.list(
      organizationId,
      { vendor: query.integration_vendor, isArchived: query.is_archived === 'true' },
      page,
    );
    const ids = rows.map((r) => r.id);
    const [running, unreadable, latest] = await Promise.all([
      this.integrations.runningSyncs(ids),
      this.dataAccess.unreadableModels(ids),
      this.sync.latestRuns(ids),
    ]);
    return {
      meta: listMeta(page, total, rows.length),
      results: rows.map((r) =>
        this.present(r, running.has(r.id), unreadable.get(r.id) ?? new Set(), latest.get(r.id) ?? null),
      ),
    };
  }

  async get(organizationId: string, id: string) {
    const row = await this.require(organizationId, id);
    const [running, unreadable, latest] = await Promise.all([
      this.integrations.runningSyncs([id]),
      this.dataAccess.unreadableModels([id]),
      this.sync.latestRuns([id]),
    ]);
    return this.present(row, running.has(id), unreadable.get(id) ?? new Set(), latest.get(id) ?? null);
  }

  async update(organizationId: string, id: string, dto: UpdateIntegrationDto) {
    const existing = await this.require(organizationId, id);
    const adapter = this.adapterFor(existing.vendor);
    const credentials = dto.credentials ? validateCredentials(adapter, dto.credentials) : undefined;
    if (dto.base_url) this.assertBaseUrl(dto.base_url);
    if (dto.sync_cron) assertCron(dto.sync_cron);
    if (dto.models_to_sync) assertSyncable(adapter, dto.models_to_sync);
    const scheduleChanged =
      dto.sync_frequency !== undefined || dto.sync_cadence !== undefined || dto.sync_cron !== undefined;
    const row = await this.integrations.update(
      organizationId,
      id,
      {
        name: dto.name,
        active: dto.active,
        system: dto.system,
        credentials_encrypted: credentials ? this.secrets.sealJson(credentials) : undefined,
        // What the old credentials could do says nothing about the new ones.
        ...(credentials ? { can_authenticate: null, last_data_access_check: null } : {}),
        base_url: dto.base_url,
        sync_frequency: dto.sync_frequency,
        sync_cadence: dto.sync_cadence,
        sync_cron: dto.sync_cron,
        max_request_frequency: dto.max_request_frequency,
        max_request_cadence: dto.max_request_cadence,
        max_job_concurrency: dto.max_job_concurrency,
        new_properties_are_enabled: dto.new_properties_are_enabled,
        is_archived: dto.is_archived,
        models_to_sync: dto.models_to_sync === undefined ? undefined : (dto.models_to_sync ?? []),
      },
      { forgetDataAccess: credentials !== undefined },
    );
    if (!row) throw AppError.notFound('Integration', id);
    // A new schedule counts from now; before the first sync completes there is nothing to schedule yet.
    if (scheduleChanged && row.first_sync_completed_at)
      await this.integrations.update(organizationId, id, { next_sync_at: nextRunAt(new Date(), row) });
    // Turning `active` on for the first time starts the first sync (it runs once, however often this happens).
    if (row.active && !row.first_sync_started_at)
      await this.sync.startFirstSync(organizationId, id, runModels(adapter, row.models_to_sync));
    return this.get(organizationId, id);
  }

  async delete(organizationId: string, id: string) {
    if (!(await this.integrations.delete(organizationId, id))) throw AppError.notFound('Integration', id);
    return { success: true };
  }

  async manualSync(organizationId: string, id: string, dto: ManualSyncDto) {
    const row = await this.require(organizationId, id);
    const adapter = this.adapterFor(row.vendor);
    // Without a list, the models the integration syncs; a list may name any model its vendor has (a one-off pull).
    if (dto.models_to_sync?.length) assertSyncable(adapter, dto.models_to_sync);
    const chosen = runModels(adapter, row.models_to_sync);
    const models = dto.models_to_sync?.length ? runModels(adapter, dto.models_to_sync) : chosen;
    const syncId = row.first_sync_started_at
      ? await this.sync.requestManualRun(organizationId, id, models)
      : await this.sync.startFirstSync(organizationId, id, chosen);
    return { success: true, sync_id: syncId };
  }

  private async require(organizationId: string, id: string): Promise<IntegrationRow> {
    const row = await this.integrations.find(organizationId, id);
    if (!row) throw AppError.notFound('Integration', id);
    return row;
  }

  private adapterFor(vendor: IntegrationVendor): VendorAdapter {
    const adapter = this.vendors.get(vendor);
    if (!adapter) {
      throw AppError.invalid(
        `${vendor} is not supported yet; supported vendors: ${this.vendors.supportedVendors().join(', ')}`,
        {
          integration_vendor: [`must be one of ${this.vendors.supportedVendors().join(', ')}`],
        },
      );
    }
    return adapter;
  }

  private assertBaseUrl(url: string): void {
    try {
      this.guard.assertUrlAllowed(url);
    } catch (error) {
      if (error instanceof OutboundBlockedError) throw AppError.invalid(error.message, { base_url: [error.message] });
      throw error;
    }
  }

  /** The spec's Integration object; credentials are never part of it. */
  private present(
    row: IntegrationRow,
    isRunningSync: boolean,
    unreadableModels: ReadonlySet<string>,
    lastSyncRun: LastSyncRun | null,
  ) {
    const adapter = this.vendors.get(row.vendor);
    const interfaceName = adapter?.facts.interfaceName ?? `${row.vendor}_BASE`;
    const synced = modelsToSync(adapter?.models ?? [], row.models_to_sync);
    return {
      id: row.id,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
      name: row.name,
      vendor: row.vendor,
      integration_vendor: row.vendor,
      customer_id: row.organization_id,
      active: row.active,
      system: row.system,
      sync_frequency: row.sync_frequency,
      sync_cadence: row.sync_cadence,
      max_job_concurrency: row.max_job_concurrency,
      max_request_frequency: row.max_request_frequency,
      max_request_cadence: row.max_request_cadence,
      base_url: row.base_url,
      is_archived: row.is_archived,
      last_completed_sync: row.last_completed_sync?.toISOString() ?? null,
      last_completed_back_sync: null,
      first_sync_completed_at: row.first_sync_completed_at?.toISOString() ?? null,
      new_properties_are_enabled: row.new_properties_are_enabled,
      allow_manual_syncs: true,
      use_custom_sync_schedule: false,
      sync_cron: row.sync_cron,
      // Extension: the models chosen for syncs, null when every model the vendor has is synced.
      models_to_sync: row.models_to_sync.length > 0 ? synced : null,
      next_sync_at: row.next_sync_at?.toISOString() ?? null,
      integration_interfaces: [{ interface_name: interfaceName, enabled: true, version: null }],
      // A model is synced when chosen (models_to_sync) and its read check has not FAILED; `source` (extension)
      // names the vendor call it comes from.
      models: Object.fromEntries(
        (adapter?.models ?? []).map((m) => [
          m,
          {
            enabled: !unreadableModels.has(m) && synced.includes(m),
            from_interfaces: [interfaceName],
            source: adapter?.facts.sources[m] ?? null,
          },
        ]),
      ),
      can_authenticate: row.can_authenticate ?? false,
      last_data_access_check: row.last_data_access_check?.toISOString() ?? null,
      configuration_meta_data: [],
      ping_results: {},
      is_running_sync: isRunningSync,
      is_running_data_access_check: checkInProcess(row.data_access_check_started_at),
      // Extension: the latest run that started, as its job log shows it (status SUCCESS, PARTIAL_SUCCESS, FAILURE, RUNNING).
      last_sync_run: lastSyncRun,
    };
  }
}

/** Checks credentials against the vendor's shape (docs/vendors/<vendor>.md); errors name `credentials.<field>`. */
function validateCredentials(adapter: VendorAdapter, credentials: Record<string, unknown>): object {
  const instance = plainToInstance(adapter.credentialsDto, credentials);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const fields = Object.fromEntries(
      Object.entries(flattenValidationErrors(errors)).map(([k, v]) => [`credentials.${k}`, v]),
    );
    throw AppError.invalid(`Invalid ${adapter.vendor} credentials: ${Object.keys(fields).join(', ')}`, fields);
  }
  return instance;
}

/** A chosen model the vendor has no sync for is a 400 naming the ones it has. */
function assertSyncable(adapter: VendorAdapter, models: readonly string[]): void {
  const unsupported = models.filter((m) => !(adapter.models as readonly string[]).includes(m));
  if (unsupported.length > 0) {
    throw AppError.invalid(`${adapter.vendor} cannot sync ${unsupported.join(', ')}`, {
      models_to_sync: [`must be among ${adapter.models.join(', ')}`],
    });
  }
}

function assertCron(expression: string): void {
  const problem = cronProblem(expression);
  if (problem) throw AppError.invalid(`sync_cron ${problem}`, { sync_cron: [problem] });
}

/**
 * The integration's request budget: its own when it names one, else the vendor's published budget (as
 * requests per minute), else Propexo's default of one request per second.
 */
function requestBudget(
  dto: CreateIntegrationDto,
  facts: VendorFacts,
): { max_request_frequency: number; max_request_cadence: Cadence } {
  if (dto.max_request_frequency !== undefined || dto.max_request_cadence !== undefined || !facts.requestBudget) {
    return {
      max_request_frequency: dto.max_request_frequency ?? 1,
      max_request_cadence: dto.max_request_cadence ?? 'SECOND',
    };
  }
  return {
    max_request_frequency: Math.max(
      1,
      Math.floor((facts.requestBudget.requests * 60) / facts.requestBudget.perSeconds),
    ),
    max_request_cadence: 'MINUTE',
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { AppError } from '../../platform/common/errors/app-error';
import { SecretBox } from '../../platform/common/crypto/secret-box';
import { OutboundBlockedError, OutboundGuard } from '../../platform/outbound/outbound-guard';
import { DATA_TRIGGERS, type Trigger } from '../../emit/event-triggers';
import { assertSortable, listMeta, parseListQuery } from '../../platform/common/http/list-query.dto';
import type { CreateWebhookDto, ListWebhooksQueryDto, UpdateWebhookDto } from './webhook.dto';
import { WebhookRepository, type WebhookRow } from './webhook.repository';
import { customHeaderProblems, type CustomHeader } from './webhook-headers';
import { generateWebhookSecret } from './webhook-signing';

const SORTABLE = ['created_at', 'updated_at', 'url', 'active', 'id'];

@Injectable()
export class WebhookService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly secrets: SecretBox,
    private readonly guard: OutboundGuard,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async list(organizationId: string, query: ListWebhooksQueryDto) {
    const page = parseListQuery(query);
    assertSortable(page.orderBy, SORTABLE);
    // The spec's default for `active` is true: without the parameter, only active webhooks are listed.
    const active = query.active === undefined ? true : query.active === 'true';
    const { rows, total } = await this.webhooks.list(organizationId, { active }, page);
    return { meta: listMeta(page, total, rows.length), results: rows.map((r) => this.present(r)) };
  }

  async get(organizationId: string, id: string) {
    return this.present(await this.require(organizationId, id));
  }

  async create(organizationId: string, dto: CreateWebhookDto) {
    this.assertUrl(dto.url);
    if (dto.headers) assertHeaders(dto.headers);
    if (dto.integration_id) await this.assertIntegration(organizationId, dto.integration_id);
    const row = await this.webhooks.create(organizationId, {
      url: dto.url,
      secretEncrypted: this.secrets.seal(dto.secret ?? generateWebhookSecret()),
      headers: dto.headers?.map((h) => ({ header: h.header, value: h.value })),
      active: dto.active ?? false,
      integrationId: dto.integration_id ?? null,
      triggers: triggerRows(dto.triggers, dto.model),
    });
    return this.present(row);
  }

  async update(organizationId: string, id: string, dto: UpdateWebhookDto) {
    const existing = await this.require(organizationId, id);
    if (dto.url) this.assertUrl(dto.url);
    if (dto.headers) assertHeaders(dto.headers);
    if (dto.integration_id) await this.assertIntegration(organizationId, dto.integration_id);
    const currentModel = existing.triggers.find((t) => t.model)?.model ?? null;
    const triggers =
      dto.triggers || dto.model !== undefined
        ? triggerRows(
            dto.triggers ?? [...new Set(existing.triggers.map((t) => t.trigger))],
            dto.model ?? currentModel ?? undefined,
          )
        : undefined;
    // Rotation: the old secret keeps signing (beside the new one) for a grace period, so receivers can switch over.
    const rotated = dto.secret !== undefined && dto.secret !== this.secrets.open(existing.secret_encrypted);
    const row = await this.webhooks.update(organizationId, id, {
      url: dto.url,
      secretEncrypted: rotated ? this.secrets.seal(dto.secret!) : undefined,
      ...(rotated
        ? {
            previousSecretEncrypted: existing.secret_encrypted,
            previousSecretExpiresAt: new Date(Date.now() + this.config.webhookSecretGraceMs),
          }
        : {}),
      headers: dto.headers?.map((h) => ({ header: h.header, value: h.value })),
      active: dto.active,
      integrationId: dto.integration_id,
      triggers,
    });
    if (!row) throw AppError.notFound('Webhook', id);
    return this.present(row);
  }

  async delete(organizationId: string, id: string) {
    if (!(await this.webhooks.delete(organizationId, id))) throw AppError.notFound('Webhook', id);
    return { id };
  }

  private async require(organizationId: string, id: string): Promise<WebhookRow> {
    const row = await this.webhooks.find(organizationId, id);
    if (!row) throw AppError.notFound('Webhook', id);
    return row;
  }

  private assertUrl(url: string): void {
    try {
      this.guard.assertUrlAllowed(url);
    } catch (error) {
      if (error instanceof OutboundBlockedError) throw AppError.invalid(error.message, { url: [error.message] });
      throw error;
    }
  }

  private async assertIntegration(organizationId: string, integrationId: string): Promise<void> {
    if (!(await this.webhooks.integrationBelongsTo(organizationId, integrationId))) {
      throw AppError.invalid(`Integration ${integrationId} was not found`, {
        integration_id: ['must be an integration of your organization'],
      });
    }
  }

  private present(row: WebhookRow) {
    return {
      id: row.id,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
      url: row.url,
      headers: row.headers as { header: string; value: string }[],
      active: row.active,
      secret: this.secrets.open(row.secret_encrypted),
      system: row.system,
      triggers: row.triggers.map((t) => ({ id: t.id, trigger: t.trigger, model: t.model })),
      integration_id: row.integration_id,
    };
  }
}

/** Refuses custom headers that would steer a delivery (webhook-headers.ts), naming each. */
function assertHeaders(headers: readonly CustomHeader[]): void {
  const problems = customHeaderProblems(headers);
  const reasons = Object.values(problems).flat();
  if (reasons.length > 0) throw AppError.invalid(`Invalid headers: ${reasons.join('; ')}`, problems);
}

/** `model` narrows the data triggers only (API.md §5); other triggers never carry one. */
function triggerRows(triggers: string[], model: string | undefined) {
  return [...new Set(triggers)].map((trigger) => ({
    trigger,
    model: model && DATA_TRIGGERS.includes(trigger as Trigger) ? model : null,
  }));
}

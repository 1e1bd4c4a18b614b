import { Injectable } from '@nestjs/common';
import { prismaOrderBy, type ListPage } from '../../platform/common/http/list-query.dto';
import { newId } from '../../platform/common/ids';
import { PrismaService } from '../../platform/database/prisma.service';
import { Transactions } from '../../platform/database/transactions';
import type { Prisma } from '../../generated/prisma/client';

const WITH_TRIGGERS = { triggers: { orderBy: { trigger: 'asc' } } } as const;
export type WebhookRow = Prisma.WebhookGetPayload<{ include: typeof WITH_TRIGGERS }>;

export interface WebhookWrite {
  url?: string;
  secretEncrypted?: string;
  /** The secret a rotation replaces, valid for signing until `previousSecretExpiresAt`. */
  previousSecretEncrypted?: string;
  previousSecretExpiresAt?: Date;
  headers?: { header: string; value: string }[];
  active?: boolean;
  integrationId?: string | null;
  /** Replaces the trigger set when given. */
  triggers?: { trigger: string; model: string | null }[];
}

/** Webhook subscriptions; every method is scoped by organization. */
@Injectable()
export class WebhookRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  async list(organizationId: string, filter: { active?: boolean }, page: ListPage) {
    const where = {
      organization_id: organizationId,
      ...(filter.active === undefined ? {} : { active: filter.active }),
    };
    const [rows, total] = await Promise.all([
      this.prisma.webhook.findMany({
        where,
        include: WITH_TRIGGERS,
        skip: page.offset,
        take: page.limit,
        orderBy: prismaOrderBy(page),
      }),
      this.prisma.webhook.count({ where }),
    ]);
    return { rows, total };
  }

  find(organizationId: string, id: string): Promise<WebhookRow | null> {
    return this.prisma.webhook.findFirst({ where: { id, organization_id: organizationId }, include: WITH_TRIGGERS });
  }

  create(
    organizationId: string,
    data: Required<Pick<WebhookWrite, 'url' | 'secretEncrypted' | 'triggers'>> & WebhookWrite,
  ): Promise<WebhookRow> {
    return this.prisma.webhook.create({
      data: {
        id: newId(),
        organization_id: organizationId,
        url: data.url,
        secret_encrypted: data.secretEncrypted,
        headers: data.headers ?? [],
        active: data.active ?? false,
        integration_id: data.integrationId ?? null,
        triggers: { create: data.triggers.map((t) => ({ id: newId(), ...t })) },
      },
      include: WITH_TRIGGERS,
    });
  }

  /** Returns null when the webhook is not the organization's. Trigger replacement and field changes commit together. */
  async update(organizationId: string, id: string, data: WebhookWrite): Promise<WebhookRow | null> {
    return this.transactions.run(async (tx) => {
      const existing = await tx.webhook.findFirst({
        where: { id, organization_id: organizationId },
        select: { id: true },
      });
      if (!existing) return null;
      if (data.triggers) {
        await tx.webhookTrigger.deleteMany({ where: { webhook_id: id } });
        await tx.webhookTrigger.createMany({ data: data.triggers.map((t) => ({ id: newId(), webhook_id: id, ...t })) });
      }
      return tx.webhook.update({
        where: { id },
        data: {
          url: data.url,
          secret_encrypted: data.secretEncrypted,
          previous_secret_encrypted: data.previousSecretEncrypted,
          previous_secret_expires_at: data.previousSecretExpiresAt,
          headers: data.headers,
          active: data.active,
          // Turned on again by its owner: the system's reason for turning it off no longer holds.
          ...(data.active ? { deactivated_reason: null, failing_since: null } : {}),
          integration_id: data.integrationId,
          updated_at: new Date(),
        },
        include: WITH_TRIGGERS,
      });
    });
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.webhook.deleteMany({ where: { id, organization_id: organizationId } });
    return count > 0;
  }

  async integrationBelongsTo(organizationId: string, integrationId: string): Promise<boolean> {
    return (await this.prisma.integration.count({ where: { id: integrationId, organization_id: organizationId } })) > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import type { Tx } from '../database/prisma.service';

export interface QuarantineEntry {
  model: string;
  xId: string | null;
  reason: string;
  raw: unknown;
}

/** Vendor records that could not be normalised, kept with the reason (never silently dropped). */
@Injectable()
export class QuarantineRepository {
  async add(tx: Tx, scope: { organizationId: string; integrationId: string; jobId: string }, entries: QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.quarantinedRecord.createMany({
      data: entries.map((e) => ({
        id: newId(), organization_id: scope.organizationId, integration_id: scope.integrationId, job_id: scope.jobId,
        model: e.model, x_id: e.xId, reason: e.reason, raw: (e.raw ?? null) as never,
      })),
    });
  }
}

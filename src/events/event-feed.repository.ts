import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface FeedEvent {
  id: string;
  /** The bigint as text (a BigInt would not serialise to JSON). */
  sequence: string;
  trigger: string;
  integration_id: string | null;
  model: string | null;
  record_id: string | null;
  payload: unknown;
  created_at: Date;
}

/** Reads of the outbox in commit order (OutboxRepository.append keeps sequence order = commit order). */
@Injectable()
export class EventFeedRepository {
  constructor(private readonly prisma: PrismaService) {}

  after(organizationId: string, sequence: string, limit: number): Promise<FeedEvent[]> {
    return this.prisma.$queryRawUnsafe<FeedEvent[]>(
      `SELECT "id", "sequence"::text AS "sequence", "trigger", "integration_id", "model", "record_id", "payload", "created_at"
       FROM "events" WHERE "organization_id" = $1 AND "sequence" > $2::bigint AND "trigger" <> 'TEST' ORDER BY "sequence" LIMIT $3`,
      organizationId, sequence, limit,
    );
  }
}

import { Injectable } from '@nestjs/common';
import { PrismaService } from '../platform/database/prisma.service';
import { TEST_TRIGGER } from './event-triggers';

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
      // Ordered by the column, not the text alias of the same name ('10' < '9').
      `SELECT e."id", e."sequence"::text AS "sequence", e."trigger", e."integration_id", e."model", e."record_id", e."payload", e."created_at"
       FROM "events" e WHERE e."organization_id" = $1 AND e."sequence" > $2::bigint AND e."trigger" <> '${TEST_TRIGGER}' ORDER BY e."sequence" LIMIT $3`,
      organizationId,
      sequence,
      limit,
    );
  }
}

import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';

/** The readiness probe's one question to the database. */
@Injectable()
export class HealthRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Resolves when the database answers a query, rejects with the driver's error otherwise. */
  async ping(): Promise<void> {
    await this.prisma.$queryRawUnsafe('SELECT 1');
  }
}

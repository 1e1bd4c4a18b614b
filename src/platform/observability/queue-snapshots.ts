import { Logger } from '@nestjs/common';
import { QueueName } from '../queue/queue-names';
import type { QueueService } from '../queue/queue.service';
import { QUEUE_STATES, type QueueSnapshot } from './metrics';

const logger = new Logger('Metrics');

/** Counts and the age of the oldest waiting job of every queue; a queue backend that does not answer leaves the gauges empty. */
export async function readQueueSnapshots(queues: QueueService): Promise<QueueSnapshot[]> {
  try {
    return await Promise.all(
      Object.values(QueueName).map(async (name) => {
        const queue = queues.queue(name);
        const [counts, [oldest]] = await Promise.all([queue.getJobCounts(...QUEUE_STATES), queue.getWaiting(0, 0)]);
        return {
          queue: name,
          counts: Object.fromEntries(QUEUE_STATES.map((s) => [s, counts[s] ?? 0])) as QueueSnapshot['counts'],
          oldestWaitingAgeSeconds: oldest?.timestamp ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0,
        };
      }),
    );
  } catch (error) {
    logger.warn(`queue metrics unavailable: ${(error as Error).message}`);
    return [];
  }
}

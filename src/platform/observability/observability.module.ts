import { Global, Module } from '@nestjs/common';
import { QueueService } from '../queue/queue.service';
import { MetricsController } from './metrics.controller';
import { Metrics } from './metrics';
import { readQueueSnapshots } from './queue-snapshots';

/** Metrics for every module (global, so sync and webhooks record without importing this module). */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Metrics,
      useFactory: (queues: QueueService) => new Metrics(() => readQueueSnapshots(queues)),
      inject: [QueueService],
    },
  ],
  exports: [Metrics],
})
export class ObservabilityModule {}

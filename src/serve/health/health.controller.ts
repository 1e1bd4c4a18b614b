import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../../platform/auth/api-key.guard';
import { QueueName } from '../../platform/queue/queue-names';
import { QueueService } from '../../platform/queue/queue.service';
import { HealthRepository } from './health.repository';
import { Lifecycle } from './lifecycle';

@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly database: HealthRepository,
    private readonly queues: QueueService,
    private readonly lifecycle: Lifecycle,
  ) {}

  @Get('health')
  @HttpCode(200)
  health() {
    return { status: 'ok' };
  }

  /** Ready when the database and the queue answer, and not once shutting down (load balancers stop sending). */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    if (this.lifecycle.shuttingDown) {
      res.status(503).setHeader('connection', 'close');
      return { status: 'shutting_down' };
    }
    const [database, queue] = await Promise.all([
      this.database.ping().then(
        () => 'ok',
        (e: Error) => `error: ${e.message}`,
      ),
      this.queues
        .queue(QueueName.SyncJobs)
        .getJobCounts('waiting')
        .then(
          () => 'ok',
          (e: Error) => `error: ${e.message}`,
        ),
    ]);
    const ready = database === 'ok' && queue === 'ok';
    res.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', database, queue, queue_backend: this.queues.backend };
  }
}

import { Injectable } from '@nestjs/common';

/** Whether the process is shutting down: set first thing on SIGTERM, so /ready turns 503 while work drains. */
@Injectable()
export class Lifecycle {
  private stopping = false;

  get shuttingDown(): boolean {
    return this.stopping;
  }

  beginShutdown(): void {
    this.stopping = true;
  }
}

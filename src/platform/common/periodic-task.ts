import type { Logger } from '@nestjs/common';

/**
 * A background pass (retention cleanups) run at start and then every `intervalMs`, never two at once: a tick
 * while the previous pass still runs is skipped. `stop()` waits for the pass in flight, which can look at
 * `stopping()` to end early between batches. Failures are logged, never thrown.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly name: string,
    private readonly pass: (stopping: () => boolean) => Promise<void>,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.pass(() => this.stopped)
      .catch((e) => this.logger.error(`${this.name}: ${(e as Error).message}`))
      .finally(() => (this.running = undefined));
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { CanonicalModelName } from '../catalogue/canonical-models';

/** The vendor refused a sync job the read of a model (HTTP 403, Entrata's error 304, Yardi's licence message). */
export interface ReadRefusal {
  integrationId: string;
  model: CanonicalModelName;
  /** The refusal in the vendor's words. */
  message: string;
}

type Listener = (refusal: ReadRefusal) => Promise<void>;

/**
 * Where sync jobs report a vendor's refusal to let them read a model. The data-access module, which owns
 * the verdicts and is built on sync, listens: sync never imports it.
 */
@Injectable()
export class ReadRefusals {
  private readonly logger = new Logger('SyncJob');
  private readonly listeners: Listener[] = [];

  listen(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Tells every listener; one that fails is logged, so the job still ends with its own error. */
  async report(refusal: ReadRefusal): Promise<void> {
    for (const listener of this.listeners) {
      await listener(refusal).catch((error: Error) =>
        this.logger.error(
          `integration ${refusal.integrationId}: ${refusal.model} read refusal not recorded: ${error.message}`,
        ),
      );
    }
  }
}

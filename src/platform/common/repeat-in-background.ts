import type { Logger } from '@nestjs/common';

/**
 * Runs `task` every `intervalMs` in the background (schedulers, sweepers), logging a failure instead of
 * letting it escape; the timer never keeps the process alive. Returns the function that stops it.
 */
export function repeatInBackground(
  intervalMs: number,
  logger: Logger,
  name: string,
  task: () => Promise<unknown>,
): () => void {
  const timer = setInterval(
    () => void task().catch((e: unknown) => logger.error(`${name}: ${(e as Error).message}`)),
    intervalMs,
  );
  timer.unref();
  return () => clearInterval(timer);
}

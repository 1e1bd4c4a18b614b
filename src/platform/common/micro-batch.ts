/**
 * Coalesces the calls made within one event-loop turn into one call of `run` over all their inputs, so N
 * concurrent callers cost one SQL statement (and one socket write) instead of N. `run` returns one output
 * per input, in order; if it throws, every caller of that batch gets the error.
 *
 * `maxInFlight` bounds the runs under way at once: calls made while that many run wait for one to end and
 * go together in the next batch (up to `maxBatch`), so a busy caller sends fewer, larger statements, and an
 * idle one waits no longer than one turn.
 */
export class MicroBatcher<I, O> {
  private pending: { input: I; resolve: (output: O) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private running = 0;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch = 200,
    private readonly maxInFlight = Infinity,
  ) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length >= this.maxBatch && this.running < this.maxInFlight) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (this.running < this.maxInFlight) this.flush();
        });
      }
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.running++;
    this.run(batch.map((b) => b.input))
      .then(
        (outputs) => batch.forEach((b, i) => b.resolve(outputs[i])),
        (error) => batch.forEach((b) => b.reject(error)),
      )
      .finally(() => {
        this.running--;
        if (this.pending.length > 0 && !this.scheduled) this.flush();
      });
  }
}

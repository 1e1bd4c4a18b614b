import { hash } from 'node:crypto';

/** A kept answer: sent for some models, waiting for the other pulls that were running when it was sent. */
interface KeptAnswer<Model, Answer> {
  answer: Promise<Answer>;
  sentFor: readonly Model[];
  waiting: Set<Model>;
  /** When the call was sent (ms): a pull takes only answers sent after it began, never one of an earlier sync. */
  sentAt: number;
}

/** What a pull read: the answer, and the models its call was sent for (this pull's first). */
export interface SharedAnswer<Model, Answer> {
  answer: Answer;
  sentFor: readonly Model[];
}

/** One pull's side of the shared reads: its calls, each named by a key, until `end`. */
export interface SharedPull<Model, Answer> {
  /**
   * The answer of the call `key`: the one another pull sent (in flight or done) when it was sent for this pull's
   * model too, else the pull's own `send`, for every model of the scope running now (so the others take it).
   */
  read(key: string, send: (models: readonly Model[]) => Promise<Answer>): Promise<SharedAnswer<Model, Answer>>;
  end(): void;
}

/**
 * Vendor answers shared by pulls of different models that run at the same time in this process and make the same
 * calls (Buildium's lease ledgers hold charges and payments; Yardi's GetResidentTransactions holds residents, leases,
 * charges and payments). A scope names what makes calls the same (the account, the window read). While other models'
 * pulls of the scope run, a pull sends each call for all of them and keeps the answer, and each of the others takes
 * it once instead of sending its own: one request, one answer to read, where there were one per model. Memory is
 * bounded by `keep` answers; a pull alone, or in another process, sends its own calls as it would without this.
 */
export class SharedReads<Model extends string, Answer> {
  private readonly running = new Map<string, Map<Model, number>>();
  private readonly kept = new Map<string, KeptAnswer<Model, Answer>>();

  /** `keep`: the answers kept for pulls that have not taken them yet, at most (the oldest are dropped first). */
  constructor(
    private readonly keep: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A pull of `model` in `scope` begins. */
  begin(scope: string, model: Model): SharedPull<Model, Answer> {
    const models = this.running.get(scope) ?? new Map<Model, number>();
    this.running.set(scope, models);
    models.set(model, (models.get(model) ?? 0) + 1);
    const began = this.now();
    let ended = false;
    return {
      read: (key, send) => this.read(scope, model, began, `${scope}\u0000${key}`, send),
      end: () => {
        if (ended) return;
        ended = true;
        this.end(scope, model);
      },
    };
  }

  private async read(
    scope: string,
    model: Model,
    began: number,
    key: string,
    send: (models: readonly Model[]) => Promise<Answer>,
  ): Promise<SharedAnswer<Model, Answer>> {
    const kept = this.kept.get(key);
    if (kept && kept.waiting.has(model) && kept.sentAt >= began) {
      kept.waiting.delete(model);
      if (kept.waiting.size === 0) this.kept.delete(key);
      // A call that failed for the pull that sent it is sent again for this one.
      const answer = await kept.answer.then(
        (value) => ({ value }),
        () => null,
      );
      if (answer) return { answer: answer.value, sentFor: kept.sentFor };
      return { answer: await send([model]), sentFor: [model] };
    }
    const others = [...(this.running.get(scope)?.keys() ?? [])].filter((other) => other !== model);
    if (others.length === 0) return { answer: await send([model]), sentFor: [model] };
    const sentFor = [model, ...others];
    const entry: KeptAnswer<Model, Answer> = {
      answer: send(sentFor),
      sentFor,
      waiting: new Set(others),
      sentAt: this.now(),
    };
    this.kept.delete(key); // set again last: the oldest answers are dropped first
    this.kept.set(key, entry);
    if (this.kept.size > this.keep) this.kept.delete(this.kept.keys().next().value as string);
    entry.answer.catch(() => {
      if (this.kept.get(key) === entry) this.kept.delete(key);
    });
    return { answer: await entry.answer, sentFor };
  }

  private end(scope: string, model: Model): void {
    const models = this.running.get(scope);
    if (!models) return;
    const left = (models.get(model) ?? 1) - 1;
    if (left > 0) models.set(model, left);
    else models.delete(model);
    if (models.size > 0) return;
    // No pull of the scope is left to take what it kept.
    this.running.delete(scope);
    for (const key of [...this.kept.keys()]) if (key.startsWith(`${scope}\u0000`)) this.kept.delete(key);
  }
}

/**
 * The scope of what an integration's credentials read at a base URL: integrations with the same base URL and
 * credentials read the same data (and no other integration's answer is ever shared with theirs).
 */
export function accountScope(baseUrl: string, credentials: object): string {
  const fields = Object.entries(credentials).sort(([a], [b]) => (a < b ? -1 : 1));
  return hash('sha256', JSON.stringify([baseUrl, fields]), 'base64url');
}

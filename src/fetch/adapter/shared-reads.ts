import { contentHash } from '../../normalise/content-hash';

/** What a pull read: the answer, and the models its call was sent for (this pull's first). */
export interface SharedAnswer<Model, Answer> {
  answer: Answer;
  sentFor: readonly Model[];
}

/** One pull's side of the shared reads: its calls, each named by a key, in the order every pull of its scope makes them. */
export interface SharedPull<Model, Answer> {
  /**
   * The answer of the call `key`: the one another pull sent for it (in flight or done), else the pull's own `send`,
   * for the models of the scope's pulls that have not come to this call yet (so they take it).
   */
  read(key: string, send: (models: readonly Model[]) => Promise<Answer>): Promise<SharedAnswer<Model, Answer>>;
  end(): void;
}

interface Pull<Model> {
  model: Model;
  /** Calls the pull has asked for so far: where it is in the scope's sequence of calls. */
  position: number;
}

/** A kept answer, until each pull it waits for has taken it. */
interface KeptAnswer<Model, Answer> {
  answer: Promise<Answer>;
  sentFor: readonly Model[];
  waiting: Set<Pull<Model>>;
}

interface Scope<Model, Answer> {
  pulls: Set<Pull<Model>>;
  kept: Map<string, KeptAnswer<Model, Answer>>;
  /** Pulls waiting for room to keep an answer. */
  waiters: Array<() => void>;
}

/** How long a pull waits for another to take a kept answer before it drops the oldest and goes on alone. */
const ROOM_WAIT_MS = 5_000;

/**
 * Vendor answers shared by pulls of different models that run at the same time in this process and make the same
 * calls in the same order (Buildium's lease ledgers hold charges and payments; Yardi's GetResidentTransactions holds
 * residents, leases, charges and payments). A scope names what makes calls the same (the account, the window read).
 * The first pull to come to a call sends it for the pulls in step behind it and keeps the answer; each of those takes
 * it instead of sending its own: one request, one answer to read, where there were one per model.
 *
 * At most `keep` answers wait per scope: a pull that runs ahead waits (up to ROOM_WAIT_MS) for the others to take
 * them, so pulls that start together go at the pace of the slowest instead of drifting apart (a drift would end the
 * sharing). Memory is bounded by `keep` answers; a pull alone, one that began far behind, or one in another process
 * sends its own calls as it would without this.
 */
export class SharedReads<Model extends string, Answer> {
  private readonly scopes = new Map<string, Scope<Model, Answer>>();

  constructor(
    private readonly keep: number,
    private readonly roomWaitMs = ROOM_WAIT_MS,
  ) {}

  /** A pull of `model` in `scope` begins. */
  begin(scopeName: string, model: Model): SharedPull<Model, Answer> {
    let scope = this.scopes.get(scopeName);
    if (!scope) {
      scope = { pulls: new Set(), kept: new Map(), waiters: [] };
      this.scopes.set(scopeName, scope);
    }
    const pull: Pull<Model> = { model, position: 0 };
    scope.pulls.add(pull);
    const current = scope;
    return {
      read: (key, send) => this.read(current, pull, key, send),
      end: () => {
        if (!current.pulls.delete(pull)) return;
        // What waited for this pull waits no longer; a scope without pulls keeps nothing.
        for (const [key, kept] of current.kept)
          if (kept.waiting.delete(pull) && kept.waiting.size === 0) current.kept.delete(key);
        if (current.pulls.size === 0) this.scopes.delete(scopeName);
        this.wake(current);
      },
    };
  }

  private async read(
    scope: Scope<Model, Answer>,
    pull: Pull<Model>,
    key: string,
    send: (models: readonly Model[]) => Promise<Answer>,
  ): Promise<SharedAnswer<Model, Answer>> {
    const position = ++pull.position;
    const deadline = Date.now() + this.roomWaitMs;
    for (;;) {
      const kept = scope.kept.get(key);
      if (kept?.waiting.delete(pull)) {
        if (kept.waiting.size === 0) this.drop(scope, key, kept);
        // A call that failed for the pull that sent it is sent again for this one.
        const taken = await kept.answer.then(
          (answer) => ({ answer }),
          () => null,
        );
        if (taken) return { answer: taken.answer, sentFor: kept.sentFor };
        return { answer: await send([pull.model]), sentFor: [pull.model] };
      }
      // The pulls in step behind this one, which will come to this call; one ahead has passed it, and one far behind
      // (it began later, or the others stopped waiting for it) reads on its own.
      const behind = [...scope.pulls].filter(
        (other) => other !== pull && other.position < position && position - other.position <= 2 * this.keep,
      );
      if (behind.length === 0) return { answer: await send([pull.model]), sentFor: [pull.model] };
      if (scope.kept.size < this.keep) {
        const sentFor = [...new Set([pull.model, ...behind.map((other) => other.model)])];
        const entry: KeptAnswer<Model, Answer> = { answer: send(sentFor), sentFor, waiting: new Set(behind) };
        scope.kept.set(key, entry);
        entry.answer.catch(() => this.drop(scope, key, entry));
        return { answer: await entry.answer, sentFor };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        // The others are not taking what is kept: the oldest is dropped, its pulls send their own.
        const [oldest, dropped] = scope.kept.entries().next().value as [string, KeptAnswer<Model, Answer>];
        this.drop(scope, oldest, dropped);
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        scope.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private drop(scope: Scope<Model, Answer>, key: string, kept: KeptAnswer<Model, Answer>): void {
    if (scope.kept.get(key) !== kept) return;
    scope.kept.delete(key);
    this.wake(scope);
  }

  private wake(scope: Scope<Model, Answer>): void {
    for (const waiter of scope.waiters.splice(0)) waiter();
  }
}

/**
 * The scope of what an integration's credentials read at a base URL: integrations with the same base URL and
 * credentials read the same data (and no other integration's answer is ever shared with theirs).
 */
export function accountScope(baseUrl: string, credentials: object): string {
  return contentHash({ baseUrl, credentials });
}

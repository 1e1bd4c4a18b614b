/**
 * Names under which a process prepares statements whose text its callers compose (a read's filters and order):
 * one per distinct text, up to `limit` (each costs every connection's backend a cached plan; texts past it run
 * unprepared). `renew` starts afresh under new names, for when PostgreSQL refuses a prepared statement whose
 * tables changed shape under it.
 */
export class StatementNames {
  private names = new Map<string, string>();
  private generation = 0;

  constructor(
    private readonly prefix: string,
    private readonly limit: number,
  ) {}

  nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.limit) {
      name = `${this.prefix}${this.generation}_${this.names.size}`;
      this.names.set(text, name);
    }
    return name;
  }

  /** Forgets every name, once per refused name: the other reads refused with it find the new names in place. */
  renew(refused: string): void {
    if (!refused.startsWith(`${this.prefix}${this.generation}_`)) return;
    this.generation++;
    this.names = new Map();
  }
}

/**
 * Remembers what `compute` returned for up to `max` keys; when full it starts over, since the working set
 * (a dispatcher's webhooks) refills it at once. A `compute` that throws is not remembered.
 */
export class BoundedMemo<V> {
  private readonly values = new Map<string, V>();

  constructor(
    private readonly max: number,
    private readonly compute: (key: string) => V,
  ) {}

  get(key: string): V {
    let value = this.values.get(key);
    if (value === undefined) {
      value = this.compute(key);
      if (this.values.size >= this.max) this.values.clear();
      this.values.set(key, value);
    }
    return value;
  }
}

import { bus, type Channel } from "./bus.ts";

/**
 * A value loaded from the database and kept per instance until a signal on `channel` (from
 * any instance) or a reconnect says it may be stale; the changing instance calls invalidate()
 * itself so it never serves its own old value. Concurrent readers share one load, and a load
 * that started before an invalidation doesn't count as fresh.
 */
export class BusCache<T> {
  private current: T | null = null;
  private loading: Promise<T> | null = null;
  private generation = 0;
  private loadedGeneration = -1;
  private subscribed = false;

  constructor(
    private readonly channel: Channel,
    private readonly loader: () => Promise<T>,
  ) {}

  invalidate() {
    this.generation++;
  }

  async get(): Promise<T> {
    if (!this.subscribed) {
      this.subscribed = true;
      bus().subscribe(this.channel, () => this.invalidate());
      bus().subscribe("resync", () => this.invalidate());
    }
    if (this.current !== null && this.loadedGeneration === this.generation) return this.current;
    return (this.loading ??= this.load().finally(() => (this.loading = null)));
  }

  private async load(): Promise<T> {
    const generation = this.generation;
    const next = await this.loader();
    this.current = next;
    this.loadedGeneration = generation;
    return next;
  }
}

/**
 * How large the group commit's transactions are: a histogram of decisions per committed batch,
 * in power-of-two buckets (1, 2–3, 4–7, …, 256–511). Counting costs one `Math.clz32` per
 * transaction; benchmarks read it (bench/peer.ts through bench/dataplane-instance.ts) to see
 * whether batching stays efficient at a given concurrency.
 */
export class BatchStats {
  /** `buckets[i]` counts batches of 2^i to 2^(i+1) − 1 decisions. */
  readonly buckets: number[] = Array.from({ length: 10 }, () => 0);
  batches = 0;
  decisions = 0;

  /** Counts one committed batch of `size` decisions (size ≥ 1). */
  record(size: number): void {
    const i = Math.min(this.buckets.length - 1, 31 - Math.clz32(Math.max(1, size)));
    this.buckets[i]!++;
    this.batches++;
    this.decisions += size;
  }

  /** A copy: `{ batches, decisions, buckets: [{ from, to, batches }] }` (empty buckets left out). */
  snapshot(): { batches: number; decisions: number; buckets: { from: number; to: number; batches: number }[] } {
    return {
      batches: this.batches,
      decisions: this.decisions,
      buckets: this.buckets.map((n, i) => ({ from: 2 ** i, to: 2 ** (i + 1) - 1, batches: n })).filter((b) => b.batches > 0),
    };
  }
}

/** How fast the demo may add work to the approval queue. */
export type PacingOptions = {
  /** New escalations allowed in any 60-second window. */
  perMinute: number;
  /** While the queue holds this many pending approvals or more, no new escalation. */
  queueHigh: number;
};

/** One person can read and decide about this many a minute and still keep up; the queue stays lively. */
export const DEFAULT_PACING: PacingOptions = { perMinute: 2, queueHigh: 15 };

/**
 * Paces the escalations of `npm run demo:agents` so one person can clear the queue: at most
 * `perMinute` in any sliding 60-second window, and none while the queue holds `queueHigh` or
 * more (it resumes once someone decides, or items expire). The demo asks `take` before it
 * plans an action that would wait for a human (a deep markdown, a large reorder or refund, a
 * hand-off); on false it plans the everyday variant instead. Its other traffic is unpaced.
 */
export class EscalationPacer {
  private readonly taken: number[] = []; // ms timestamps of escalations in the last minute

  constructor(private readonly options: PacingOptions = DEFAULT_PACING) {}

  /**
   * May one more escalation start now? Counts it when it may.
   *
   * @param now ms since the epoch (non-decreasing across calls)
   * @param queued pending approvals in Warden's queue now (null when unknown: the per-minute cap alone holds)
   */
  take(now: number, queued: number | null): boolean {
    while (this.taken.length && this.taken[0]! <= now - 60_000) this.taken.shift();
    if (queued !== null && queued >= this.options.queueHigh) return false;
    if (this.taken.length >= this.options.perMinute) return false;
    this.taken.push(now);
    return true;
  }

  /** Escalations started in the 60 s before `now`. */
  inLastMinute(now: number): number {
    return this.taken.filter((t) => t > now - 60_000).length;
  }
}

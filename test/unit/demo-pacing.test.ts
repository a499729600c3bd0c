// `npm run demo:agents` once buried the queue: 100+ pending in 10 minutes at the default rate,
// more than one person can decide (issue #17 §17). Its escalations are paced.
import { describe, expect, it } from "vitest";
import { DEFAULT_PACING, EscalationPacer } from "../../scripts/demo/pacing.ts";

const MIN = 60_000;

describe("the demo's escalation pacing", () => {
  it("starts at most perMinute escalations in any 60-second window, however often it is asked", () => {
    const pacer = new EscalationPacer({ perMinute: 2, queueHigh: 15 });
    const granted: number[] = [];
    for (let t = 0; t < 10 * MIN; t += 200) if (pacer.take(t, 0)) granted.push(t); // asked 5 times a second
    for (const t of granted) expect(granted.filter((g) => g >= t && g < t + MIN).length).toBeLessThanOrEqual(2);
    expect(granted.length).toBe(20); // and it does use its allowance: the queue stays lively
    expect(pacer.inLastMinute(10 * MIN - 1)).toBe(2);
  });

  it("starts none while the queue holds queueHigh or more, and resumes once it drops below", () => {
    const pacer = new EscalationPacer({ perMinute: 100, queueHigh: 15 });
    expect(pacer.take(0, 15)).toBe(false);
    expect(pacer.take(1, 40)).toBe(false);
    expect(pacer.inLastMinute(1)).toBe(0);
    expect(pacer.take(2, 14)).toBe(true);
    expect(pacer.take(3, null)).toBe(true); // queue unknown: the per-minute cap alone holds
  });

  it("with the defaults, one person deciding one item every 20 s keeps the queue from growing; unpaced, the same traffic buries it", () => {
    // The demo's traffic at its default 5 actions/s: about 1 in 30 plans would wait for a human.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const run = (pacer: EscalationPacer | null) => {
      let queue = 0;
      let most = 0;
      for (let t = 0; t < 30 * MIN; t += 200) {
        if (random() < 1 / 30 && (pacer === null || pacer.take(t, queue))) queue++;
        if (t % 20_000 === 0 && queue > 0) queue--; // the person at the queue
        most = Math.max(most, queue);
      }
      return { queue, most };
    };
    const paced = run(new EscalationPacer(DEFAULT_PACING));
    const flood = run(null);
    expect(paced.most).toBeLessThanOrEqual(DEFAULT_PACING.queueHigh);
    expect(paced.queue).toBeLessThanOrEqual(2);
    expect(flood.queue).toBeGreaterThan(100);
  });
});

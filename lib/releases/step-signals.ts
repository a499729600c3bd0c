import type { SqlRunner } from "../db/index.ts";
import { BUCKET_SECONDS, countWindows, RETENTION, zeroCounters } from "../signals/index.ts";
import type { VersionCounters } from "./metrics.ts";
import type { Rollout } from "./rollout-row.ts";

/**
 * The candidate's and the baseline's counters over the rollout's current step, from the
 * windowed signals (lib/signals, scope = the agent at that version): from the first whole
 * 10-second bucket after the step started (so no decision of the previous step, assigned
 * differently, is counted) up to now, at most the signals' retention (48 h) back.
 */
export async function stepCounters(r: Pick<Rollout, "agentId" | "candidate" | "baseline" | "stepStartedAt">, run?: SqlRunner): Promise<{ candidate: VersionCounters; baseline: VersionCounters }> {
  const bucketMs = BUCKET_SECONDS * 1000;
  const since = new Date(Math.ceil(r.stepStartedAt.getTime() / bucketMs) * bucketMs);
  const elapsed = Math.max(0, (Date.now() - r.stepStartedAt.getTime()) / 1000);
  const windowSeconds = Math.min(RETENTION.countersHours * 3600, Math.ceil(elapsed) + 20);
  const [c, b] = await countWindows(
    [
      { scope: { kind: "agent", id: r.agentId, version: r.candidate }, windowSeconds, since },
      { scope: { kind: "agent", id: r.agentId, version: r.baseline }, windowSeconds, since },
    ],
    run,
  );
  const pick = (w: typeof c): VersionCounters => {
    const out = { ...zeroCounters(), pii: 0 } as VersionCounters;
    for (const k of Object.keys(out) as (keyof VersionCounters)[]) out[k] = Number((w as unknown as Record<string, number>)[k] ?? 0);
    return out;
  };
  return { candidate: pick(c!), baseline: pick(b!) };
}

import { withPgTransaction } from "../db/index.ts";
import { notFound, WardenError } from "../errors/index.ts";
import { readRollout, type Rollout } from "./rollout-row.ts";
import { presentRollout, type RolloutView } from "./rollouts.ts";
import { applyTransition, type Transition } from "./transitions.ts";

export const CONTROLS = ["pause", "resume", "rollback", "promote", "end"] as const;
export type Control = (typeof CONTROLS)[number];

/** What "promote" means at the rollout's step: the next step, or completion after the last (or onto 100 %). */
export function promotion(r: Pick<Rollout, "steps" | "step">): Transition {
  const next = r.steps[r.step];
  return next === undefined || next >= 100 ? { kind: "complete" } : { kind: "advance" };
}

/**
 * An operator's hand on a rollout, with a reason (audited with who): pause (no automatic
 * promotion; guards still roll back), resume, rollback (candidate share 0 at once), promote
 * (next step now, or complete), end (experiments only: stop without changing the current
 * version). Runs on the rollout's locked row, so it never races the guard job.
 *
 * @throws not_found, rollout_ended (final, or not allowed from the current status)
 */
export async function controlRollout(opts: { id: string; control: Control; reason: string; actor: string; by: string }): Promise<RolloutView> {
  const next = await withPgTransaction(async (run) => {
    const r = await readRollout(run, opts.id, "FOR UPDATE");
    if (!r) throw notFound("Rollout");
    if (opts.control === "end" && r.mode !== "experiment") throw new WardenError("rollout_ended", "Only experiments are ended; roll a canary back or promote it");
    const t: Transition =
      opts.control === "promote" ? promotion(r) : opts.control === "rollback" ? { kind: "rollback", guard: null } : { kind: opts.control };
    return applyTransition(run, r, t, { actor: opts.actor, by: opts.by, reason: opts.reason, cause: "operator" });
  });
  return presentRollout(next);
}

import { createHash } from "node:crypto";
import { WardenError } from "../errors/index.ts";
import { isCandidate } from "./assign.ts";
import { releaseCache, type ReleaseState } from "./release-cache.ts";

/** `GET /v1/agent/release`: the version a routing key runs, its config, the rollout deciding it, and an ETag. */
export type ReleaseAnswer = {
  body: { version: string | null; config: Record<string, unknown> | null; rollout: string | null; step: number | null; share: number | null };
  /** The body serialized once per release state and version (the hot path sends it as is). */
  json: string;
  etag: string;
};

// Answers are the same for every key that gets the same version in the same state: built once.
const answers = new WeakMap<ReleaseState, Map<string, ReleaseAnswer>>();

function answerFor(state: ReleaseState, label: string | null): ReleaseAnswer {
  let byLabel = answers.get(state);
  if (!byLabel) answers.set(state, (byLabel = new Map()));
  const hit = byLabel.get(label ?? "");
  if (hit) return hit;
  const r = state.rollout;
  const v = label ? state.versions.get(label) : undefined;
  if (label && !v) throw new WardenError("unavailable", "Release state is being updated; retry");
  const body = { version: label, config: v?.config ?? null, rollout: r?.id ?? null, step: r?.step ?? null, share: r?.share ?? null };
  const etag = `"${createHash("sha256").update(`${label ?? ""}\u0000${v?.configHash ?? ""}\u0000${r?.id ?? ""}\u0000${r?.step ?? ""}\u0000${r?.share ?? ""}`).digest("base64url").slice(0, 22)}"`;
  const answer = { body, json: JSON.stringify(body), etag };
  byLabel.set(label ?? "", answer);
  return answer;
}

/**
 * Which version an agent runs for a routing key: during a running or paused rollout the
 * candidate for the keys whose bucket (assign.ts) falls under the step's share, the baseline
 * for the others; otherwise the agent's current version (null before any is registered).
 * Sticky for a rollout step on every instance and across restarts (a pure function of rollout
 * id, step and key). The ETag names version, config and rollout step.
 */
export async function releaseForKey(agentId: string, key: string): Promise<ReleaseAnswer> {
  const state = await releaseCache().get(agentId);
  const r = state.rollout;
  const label = r ? (isCandidate(r.id, r.step, r.share, key) ? r.candidate : r.baseline) : state.current;
  return answerFor(state, label);
}

/**
 * Checks the `version` an action carries: registered for this agent, or `unknown_version`
 * (a version registered a moment ago on another instance is found by a fresh read).
 * @throws unknown_version
 */
export async function assertKnownVersion(agentId: string, version: string): Promise<void> {
  if ((await releaseCache().get(agentId)).versions.has(version)) return;
  if ((await releaseCache().get(agentId, true)).versions.has(version)) return;
  throw new WardenError("unknown_version", `Version ${version} is not registered for this agent (POST /api/agents/{id}/versions registers it)`);
}

import { createHash } from "node:crypto";

/** Buckets of the assignment hash: shares are resolved to 0.01 %. */
export const BUCKETS = 10_000;

/**
 * The bucket (0 … 9,999) of a routing key in one step of one rollout: the first 32 bits of
 * SHA-256(rolloutId ‖ 0 ‖ step ‖ 0 ‖ key), mod 10,000. Deterministic, so every instance, before
 * and after a restart, assigns a key the same way with no per-key table; the step is hashed in
 * so that each step compares two fresh random halves of the traffic.
 */
export function assignmentBucket(rolloutId: string, step: number, key: string): number {
  const h = createHash("sha256").update(`${rolloutId}\u0000${step}\u0000${key}`).digest();
  return h.readUInt32BE(0) % BUCKETS;
}

/** Whether a key runs the candidate at `share` percent of traffic (0–100). */
export function isCandidate(rolloutId: string, step: number, share: number, key: string): boolean {
  return assignmentBucket(rolloutId, step, key) < Math.round(share * (BUCKETS / 100));
}

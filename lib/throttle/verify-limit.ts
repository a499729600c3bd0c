import { RateLimiterRes } from "rate-limiter-flexible";
import { WardenError } from "../errors/index.ts";
import { limiter } from "./store.ts";

/** Audit chain verifications one user may start per minute (they read the whole log). */
export const VERIFICATIONS_PER_MINUTE = 5;

/**
 * Takes one of the caller's verification slots (`POST /api/audit/verify`), shared by every
 * instance.
 *
 * @throws WardenError `rate_limited` (429) with `details.retryAfterSeconds`
 */
export async function takeVerificationSlot(userId: string): Promise<void> {
  try {
    await limiter({ prefix: "audit.verify", points: VERIFICATIONS_PER_MINUTE, durationSeconds: 60 }).consume(userId, 1);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    throw new WardenError("rate_limited", `At most ${VERIFICATIONS_PER_MINUTE} verifications a minute; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

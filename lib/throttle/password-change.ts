import { createHash } from "node:crypto";
import { attempt, refund, type ThrottleSpec, type ThrottleVerdict } from "./progressive.ts";

/**
 * Guessing the current password through `POST /api/me/password` (someone at an unlocked
 * session): 5 free attempts per user and 15 minutes, then one per delay doubling from 2 s up
 * to 15 minutes — the sign-in throttles' progressive delays (progressive.ts), shared by every
 * instance. An attempt is counted before the password is checked and refunded when it was
 * right, so only wrong ones accumulate.
 */
export const PASSWORD_CHANGE_THROTTLE = { name: "password.change", free: 5, windowSeconds: 15 * 60, firstDelaySeconds: 2, maxDelaySeconds: 15 * 60 } as const satisfies ThrottleSpec;

/**
 * An admin's password resets: 20 free per admin and hour, then progressively delayed — enough
 * for any real help-desk hour, not for a stolen admin session resetting everyone.
 */
export const PASSWORD_RESET_THROTTLE = { name: "password.reset", free: 20, windowSeconds: 60 * 60, firstDelaySeconds: 5, maxDelaySeconds: 15 * 60 } as const satisfies ThrottleSpec;

const userKey = (userId: string) => createHash("sha256").update(`user:${userId}`).digest("base64url").slice(0, 22);

/** Counts one password-change attempt of `userId` (before the current password is checked). */
export function gatePasswordChange(userId: string): Promise<ThrottleVerdict> {
  return attempt(PASSWORD_CHANGE_THROTTLE, userKey(userId));
}

/** The current password was right: the attempt doesn't count against the user. */
export function passwordChangeSucceeded(userId: string): Promise<void> {
  return refund(PASSWORD_CHANGE_THROTTLE, userKey(userId));
}

/** Counts one password reset by the admin `actorUserId`. */
export function gatePasswordReset(actorUserId: string): Promise<ThrottleVerdict> {
  return attempt(PASSWORD_RESET_THROTTLE, userKey(actorUserId));
}

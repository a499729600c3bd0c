/**
 * Rate limiting shared by every instance, on rate-limiter-flexible's PostgreSQL store (the
 * `rate_limits` table; store.ts): progressive-delay throttles (progressive.ts), the sign-in
 * throttles by client address, by account and by both (login.ts), password changes and
 * resets (password-change.ts), and the audit
 * verification limit (verify-limit.ts).
 */
export { attempt, refund, reset, delayAfter, type ThrottleSpec, type ThrottleVerdict } from "./progressive.ts";
export { gateSignIn, signInSucceeded, unlockSignIn, signInDelayed, LOGIN_THROTTLES, REMEMBERED_CLIENT_DAYS, type LoginThrottleName, type SignInGate } from "./login.ts";
export { gatePasswordChange, passwordChangeSucceeded, gatePasswordReset, PASSWORD_CHANGE_THROTTLE, PASSWORD_RESET_THROTTLE } from "./password-change.ts";
export { takeVerificationSlot, VERIFICATIONS_PER_MINUTE } from "./verify-limit.ts";
export { RATE_LIMIT_TABLE } from "./store.ts";

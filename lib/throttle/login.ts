import { createHash } from "node:crypto";
import type { SqlRunner } from "../db/index.ts";
import { limiter } from "./store.ts";
import { attempt, delayedKeys, refund, reset, resetPrefix, type ThrottleSpec } from "./progressive.ts";

/**
 * Sign-in throttles (issue #10 §4), counted in PostgreSQL so every instance shares them:
 *
 * - `ipAccount` — one client address guessing one account: strict (5 free per 15 min).
 * - `account` — one account from anywhere (a distributed guess): 10 free per hour; skipped
 *   for a client address the account signed in from successfully in the last 30 days, so
 *   an attack on the account can't keep its owner out.
 * - `ip` — one address across accounts (password spraying): 20 free per 15 min; skipped for
 *   the account's remembered addresses as well.
 *
 * Beyond the free attempts each lets one attempt through per delay, the delay doubling up to
 * 15 minutes (progressive.ts) — no hard lock. An attempt is counted before the password is
 * checked (atomic), and refunded when it succeeds.
 */
export const LOGIN_THROTTLES = {
  ipAccount: { name: "login.ip_account", free: 5, windowSeconds: 15 * 60, firstDelaySeconds: 1, maxDelaySeconds: 15 * 60 },
  account: { name: "login.account", free: 10, windowSeconds: 60 * 60, firstDelaySeconds: 2, maxDelaySeconds: 15 * 60 },
  ip: { name: "login.ip", free: 20, windowSeconds: 15 * 60, firstDelaySeconds: 1, maxDelaySeconds: 15 * 60 },
} as const satisfies Record<string, ThrottleSpec>;

export type LoginThrottleName = keyof typeof LOGIN_THROTTLES;

/** How long a client address stays "known good" for an account after a successful sign-in. */
export const REMEMBERED_CLIENT_DAYS = 30;

// Keys are hashes: the store holds neither e-mail addresses nor client addresses, and any
// e-mail fits the library's varchar(255).
const h = (s: string) => createHash("sha256").update(s).digest("base64url").slice(0, 22);
const accountKey = (email: string) => h(`email:${email}`);
const ipKey = (ip: string | null) => h(`ip:${ip ?? "unknown"}`);
const ipAccountKey = (email: string, ip: string | null) => `${accountKey(email)}.${ipKey(ip)}`;

const remembered = () => limiter({ prefix: "login.known", points: 1, durationSeconds: REMEMBERED_CLIENT_DAYS * 86_400 });

export type SignInGate =
  | { allowed: true; rememberedClient: boolean; engaged: LoginThrottleName[] }
  | { allowed: false; throttle: LoginThrottleName; retryAfterSeconds: number; engaged: LoginThrottleName[] };

/**
 * Counts a sign-in attempt for `email` (normalised) from `ip` against the throttles, before
 * any password is checked. `allowed: false` says which throttle refused and for how long;
 * `engaged` lists the throttles this attempt was the first to push over their free attempts
 * in their window (exactly one attempt per throttle and window: worth one audit event each).
 */
export async function gateSignIn({ email, ip }: { email: string; ip: string | null }): Promise<SignInGate> {
  const rememberedClient = (await remembered().get(ipAccountKey(email, ip))) !== null;
  const checks: [LoginThrottleName, string][] = [["ipAccount", ipAccountKey(email, ip)]];
  if (!rememberedClient) checks.push(["account", accountKey(email)], ["ip", ipKey(ip)]);
  const engaged: LoginThrottleName[] = [];
  for (const [name, key] of checks) {
    const v = await attempt(LOGIN_THROTTLES[name], key);
    if (v.engaged) engaged.push(name);
    if (!v.allowed) return { allowed: false, throttle: name, retryAfterSeconds: v.retryAfterSeconds, engaged };
  }
  return { allowed: true, rememberedClient, engaged };
}

/**
 * A sign-in succeeded: the address–account pair starts afresh and is remembered for
 * REMEMBERED_CLIENT_DAYS; the account's and the address's counts get this attempt back.
 */
export async function signInSucceeded({ email, ip, rememberedClient }: { email: string; ip: string | null; rememberedClient: boolean }): Promise<void> {
  await reset(LOGIN_THROTTLES.ipAccount, ipAccountKey(email, ip));
  await remembered().set(ipAccountKey(email, ip), 1, REMEMBERED_CLIENT_DAYS * 86_400);
  if (!rememberedClient) await Promise.all([refund(LOGIN_THROTTLES.account, accountKey(email)), refund(LOGIN_THROTTLES.ip, ipKey(ip))]);
}

/**
 * An admin's unlock: forgets the account's own throttle and its throttles from every client
 * address, so the next sign-in is checked at once. Per-address (spraying) throttles stay.
 * Returns how many throttle rows were cleared (0: nothing was slowing the account down).
 * `run`: the caller's transaction, to write the audit event with it.
 */
export async function unlockSignIn(email: string, run?: SqlRunner): Promise<number> {
  const a = await resetPrefix(LOGIN_THROTTLES.account, accountKey(email), run);
  const b = await resetPrefix(LOGIN_THROTTLES.ipAccount, `${accountKey(email)}.`, run);
  return a + b;
}

/** Which of these (normalised) e-mail addresses are being delayed now, from any address or overall. */
export async function signInDelayed(emails: string[]): Promise<Set<string>> {
  const byKey = new Map(emails.map((e) => [accountKey(e), e]));
  const keys = [...byKey.keys()];
  const [accounts, pairs] = await Promise.all([delayedKeys(LOGIN_THROTTLES.account, keys), delayedKeys(LOGIN_THROTTLES.ipAccount, keys.map((k) => `${k}.`))]);
  const out = new Set<string>();
  for (const k of [...accounts, ...pairs.map((p) => p.split(".")[0]!)]) {
    const e = byKey.get(k);
    if (e) out.add(e);
  }
  return out;
}

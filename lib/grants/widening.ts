import type { Capabilities, Capability } from "./schema.ts";

/**
 * Whether glob `outer` matches every string glob `inner` matches (both `*`-only globs).
 * Decided on the globs themselves: `outer` must match `inner` read as text in which inner's
 * `*` can only be matched by a `*` of outer (outer's `*` may match any run of inner's
 * characters, stars included). Sound: true means covered. When it says false for a pair
 * that is in fact covered, a change is treated as widening — the cautious side.
 */
export function globCovers(outer: string, inner: string): boolean {
  const n = outer.length;
  const m = inner.length;
  // dp[j]: outer[0..i) matches inner[0..j)
  let dp = new Array<boolean>(m + 1).fill(false);
  dp[0] = true;
  for (let i = 1; i <= n; i++) {
    const o = outer[i - 1]!;
    const next = new Array<boolean>(m + 1).fill(false);
    if (o === "*") {
      let any = false;
      for (let j = 0; j <= m; j++) {
        any = any || dp[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 1; j <= m; j++) next[j] = dp[j - 1]! && inner[j - 1] === o;
    }
    dp = next;
  }
  return dp[m]!;
}

function grantCovers(outer: Capability, inner: Capability): boolean {
  if (!globCovers(outer.action, inner.action)) return false;
  if (!outer.resources) return true;
  if (!inner.resources) return false;
  return inner.resources.every((r) => outer.resources!.some((o) => globCovers(o, r)));
}

/**
 * The grants of `after` that `before` didn't already allow: empty when the change only
 * narrows (or keeps) what the agent may do. Unrestricted (null) allows everything; moving
 * to null from a list widens everything.
 */
export function wideningOf(before: Capabilities, after: Capabilities): { widens: boolean; added: Capability[] | "everything" } {
  if (before === null) return { widens: false, added: [] };
  if (after === null) return { widens: true, added: "everything" };
  const added = after.filter((g) => !before.some((b) => grantCovers(b, g)));
  return { widens: added.length > 0, added };
}

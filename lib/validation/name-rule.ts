import { z } from "zod";

/**
 * The shape of a name Warden matches exactly (action, agent and cohort names): the characters
 * allowed first and after, as regular-expression class bodies (`"a-z0-9"`), and the length
 * bounds. One rule gives both the name's schema and the schema of globs over such names, so
 * the two can't drift apart.
 */
export type NameRule = {
  /** Characters allowed as the first character (a class body, e.g. `a-z0-9`). */
  first: string;
  /** Characters allowed after the first (a class body). */
  rest: string;
  min: number;
  max: number;
};

/** The anchored regular expression a name fits: `^[first][rest]{min-1,max-1}$`. */
export function nameRegExp(rule: NameRule): RegExp {
  return new RegExp(`^[${rule.first}][${rule.rest}]{${Math.max(0, rule.min - 1)},${rule.max - 1}}$`);
}

/** Longest glob text stored (policy targets, and later budgets and grants). */
export const MAX_GLOB_CHARS = 128;

/**
 * Why no name under `rule` can match a glob (`*` matches any run of characters, including
 * none; matching is case-sensitive), or null when some name can. Exact for rules of this
 * shape: a literal character outside the alphabet (an upper-case letter, a space, `/`…), a
 * first character no name starts with, too many literal characters, or — without `*` — too few.
 */
export function globMismatch(glob: string, rule: NameRule, what: string): string | null {
  const any = new RegExp(`^(?:[${rule.first}]|[${rule.rest}])$`);
  const first = new RegExp(`^[${rule.first}]$`);
  const literals = glob.replaceAll("*", "");
  for (const ch of literals) {
    if (!any.test(ch)) {
      const hint = /[A-Z]/.test(ch) ? ` (${what} names are lower-case: ${glob.toLowerCase()})` : "";
      return `can never match: ${JSON.stringify(ch)} is not a character of ${what} names${hint}`;
    }
  }
  const stars = literals.length !== glob.length;
  if (literals.length > rule.max) return `can never match: ${what} names are at most ${rule.max} characters`;
  // A leading `*` can supply an allowed first character, unless the literals already use every position.
  const leadingLiteral = !glob.startsWith("*") || literals.length === rule.max;
  if (leadingLiteral && literals.length > 0 && !first.test(literals[0]!)) return `can never match: ${what} names don't start with ${JSON.stringify(literals[0])}`;
  if (!stars && literals.length < rule.min) return `can never match: ${what} names are at least ${rule.min} characters`;
  return null;
}

/**
 * A zod schema for a glob over names of `rule` (policy targets: `pricing.*`, `mcp.fs.*`):
 * 1–128 characters of the name's alphabet and `*`, refused with a message naming the problem
 * when it could never match any valid name — such a target would silently never apply (a
 * deny policy on `mcp.everything.printEnv` would fail open, since action names are lower-case).
 */
export function nameGlobSchema(rule: NameRule, what: string) {
  return z
    .string()
    .trim()
    .min(1)
    .max(MAX_GLOB_CHARS)
    .superRefine((glob, ctx) => {
      const why = globMismatch(glob, rule, what);
      if (why) ctx.addIssue({ code: "custom", message: why });
    });
}

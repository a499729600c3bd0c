import { z } from "zod";

export type RedactionKind = "email" | "phone" | "card" | "iban" | "field";
export type DetectorKind = Exclude<RedactionKind, "field">;
export type RedactionRules = { email: boolean; phone: boolean; card: boolean; iban: boolean; fields: string[] };
export type RedactionRoot = "input" | "context" | "output" | "error";

const ROOTS: readonly string[] = ["input", "context", "output", "error"] satisfies RedactionRoot[];
const SEGMENT = /^[A-Za-z0-9_$-]{1,64}$/;
const MAX_PATH = 200;
const MAX_FIELDS = 100;

/** Frozen: the compiled-rules cache is keyed by identity, so a shared default must not change. */
export const DEFAULT_REDACTION_RULES: RedactionRules = Object.freeze({
  email: true,
  phone: true,
  card: true,
  iban: true,
  fields: Object.freeze([]) as unknown as string[],
});

/** Trims and validates a field rule path; the message names the problem so settings forms can show it. */
export function normalizeFieldPath(path: string): string {
  const p = path.trim();
  if (p === "") throw new Error("field path is empty");
  if (p.length > MAX_PATH) throw new Error(`field path is longer than ${MAX_PATH} characters`);
  const segments = p.split(".");
  const root = segments[0] ?? "";
  if (!ROOTS.includes(root)) throw new Error(`field path "${p}" must start with input, context, output or error`);
  if (root === "error" && segments.length > 1) throw new Error(`field path "${p}": error is a plain string, so its only rule is "error"`);
  for (const s of segments.slice(1)) {
    if (s === "") throw new Error(`field path "${p}" has an empty segment`);
    if (s !== "*" && !SEGMENT.test(s)) {
      throw new Error(`field path "${p}": segment "${s}" must be * or 1-64 letters, digits, _, $ or -`);
    }
  }
  return p;
}

const fieldPathSchema = z.string().transform((s, ctx) => {
  try {
    return normalizeFieldPath(s);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
    return z.NEVER;
  }
});

export const redactionRulesSchema = z.strictObject({
  email: z.boolean(),
  phone: z.boolean(),
  card: z.boolean(),
  iban: z.boolean(),
  fields: z
    .array(fieldPathSchema)
    .max(MAX_FIELDS, `at most ${MAX_FIELDS} field rules`)
    .transform((paths) => [...new Set(paths)]),
}) satisfies z.ZodType<RedactionRules>;

/** One level of the field-rule tree; `any` is the `*` branch, `whole` means a rule ends here. */
export type FieldNode = { whole: boolean; children: Map<string, FieldNode>; any: FieldNode | undefined };

export type CompiledRules = {
  detectors: Readonly<Record<DetectorKind, boolean>>;
  roots: Partial<Record<RedactionRoot, FieldNode>>;
};

const newNode = (): FieldNode => ({ whole: false, children: new Map(), any: undefined });
const compiled = new WeakMap<RedactionRules, CompiledRules>();

/**
 * Field rules become a tree per root once per rules object, so a document walk only follows
 * the branches that can still match. Rules objects are treated as immutable.
 */
export function compileRules(rules: RedactionRules): CompiledRules {
  const hit = compiled.get(rules);
  if (hit) return hit;
  const roots: CompiledRules["roots"] = {};
  for (const raw of rules.fields) {
    const [root, ...rest] = normalizeFieldPath(raw).split(".") as [RedactionRoot, ...string[]];
    let node = (roots[root] ??= newNode());
    for (const seg of rest) {
      if (seg === "*") node = node.any ??= newNode();
      else {
        let next = node.children.get(seg);
        if (!next) node.children.set(seg, (next = newNode()));
        node = next;
      }
    }
    node.whole = true;
  }
  const c: CompiledRules = {
    detectors: { email: rules.email, phone: rules.phone, card: rules.card, iban: rules.iban },
    roots,
  };
  compiled.set(rules, c);
  return c;
}

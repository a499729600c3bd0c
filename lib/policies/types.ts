import { z } from "zod";
import { actionGlobSchema, agentGlobSchema, cohortGlobSchema } from "../validation/index.ts";
import type { PublishedSet } from "../knowledge/index.ts";
import type { OnTimeout } from "../actions/index.ts";

export const STAGES = ["pre", "post"] as const;
export const PRE_EFFECTS = ["deny", "require_approval", "allow"] as const;
export const MODES = ["enforce", "shadow"] as const;

/** Globs over agent version labels (free-form labels: any case). */
const glob = z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9_.:*-]+$/, "letters, digits, _ . : - and * as a wildcard");

const timeoutSeconds = z.number().int().min(10).max(7 * 86_400);
const teamName = z.string().trim().min(2).max(48).regex(/^[a-z0-9][a-z0-9_-]*$/, "a team name");
/** What a stage may do when its time runs out (lib/actions stages.ts). */
const ON_TIMEOUT = ["escalate", "reject", "approve"] as const satisfies readonly Exclude<OnTimeout, "expire">[];
/** The most stages one policy may have. */
export const MAX_STAGES = 5;

/** One stage of an escalation path: its team's quorum decides, within its timeout; then onTimeout. */
export const approvalStageSchema = z.strictObject({
  team: teamName.optional(),
  quorum: z.number().int().min(1).max(10).default(1),
  timeoutSeconds: timeoutSeconds.default(3600),
  onTimeout: z.enum(ON_TIMEOUT),
});

/**
 * An input field an approver may change when approving (`input.price`, `input.order.units`).
 * Warden has no declared input schemas: the path must name a field the pending action's input
 * has (checked when approving), and keep its JSON type.
 */
export const editablePath = z
  .string()
  .trim()
  .regex(/^input(\.[A-Za-z_][A-Za-z0-9_-]{0,63}){1,8}$/, "a field of the input, e.g. input.price (letters, digits, _ and -; up to 8 levels)");

export const policySpecSchema = z
  .strictObject({
    name: z.string().trim().min(2).max(80).regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, '.', '_' and '-'"),
    description: z.string().trim().max(2000).default(""),
    stage: z.enum(STAGES).default("pre"),
    effect: z.enum(["deny", "require_approval", "allow", "flag"]),
    mode: z.enum(MODES).default("enforce"),
    target: z
      .strictObject({
        // Globs (`*` a wildcard) that can match some valid name: a target that can't would never apply.
        cohorts: z.array(cohortGlobSchema).max(100).default([]),
        agents: z.array(agentGlobSchema).max(100).default([]),
        actions: z.array(actionGlobSchema).max(100).default([]),
        // Agent versions (lib/releases), e.g. "stylist-v15" or "stylist-v1*"; empty = all.
        versions: z.array(glob).max(100).default([]),
      })
      .default({ cohorts: [], agents: [], actions: [], versions: [] }),
    condition: z.string().trim().min(1).max(4000),
    priority: z.number().int().min(-1_000_000).max(1_000_000).default(100),
    message: z.string().trim().max(500).default(""),
    approval: z
      .strictObject({
        quorum: z.number().int().min(1).max(10).default(1),
        timeoutSeconds: timeoutSeconds.default(3600),
        // Escalation paths (README): ordered stages, each satisfied by its team's quorum; with
        // stages, the top-level quorum and timeoutSeconds are not used.
        stages: z
          .array(approvalStageSchema)
          .min(1)
          .max(MAX_STAGES)
          .refine((st) => new Set(st.map((x) => x.team ?? "")).size === st.length, "each team once (a stage without a team counts as one)")
          .optional(),
        fallbackTeam: teamName.optional(),
        editable: z
          .array(editablePath)
          .max(20)
          .refine((e) => new Set(e).size === e.length, "each path once")
          .optional(),
      })
      .superRefine((a, ctx) => {
        if (a.fallbackTeam && !a.stages) ctx.addIssue({ code: "custom", path: ["fallbackTeam"], message: "a fallback team is where a last stage escalates: give stages too" });
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    if (p.stage === "pre" && p.effect === "flag") ctx.addIssue({ code: "custom", path: ["effect"], message: "pre-stage policies deny, require_approval or allow" });
    if (p.stage === "post" && p.effect !== "flag") ctx.addIssue({ code: "custom", path: ["effect"], message: "post-stage policies flag" });
  });

export type PolicySpec = z.output<typeof policySpecSchema>;

export type { Reason, ReasonCode } from "../actions/index.ts";

/** What CEL sees as `agent`; `version` is the version the action runs under ("" when it sent none). */
export type EvalAgent = { id: string; name: string; cohort: string; owner: string; riskTier: string; version?: string };

export type EvalInput = {
  agent: EvalAgent;
  action: string;
  resource: string;
  input: Record<string, unknown>;
  context: Record<string, unknown>;
  now: Date;
  result?: { status: string; output: unknown; error: string | null };
  /** Budgets' usage by name (lib/budgets snapshot), when a policy reads `budgets[…]`. */
  budgets?: Record<string, unknown>;
  /** The knowledge-set versions CEL's `data` reads, by set name (or why a set has none); see knowledgeSetsFor. */
  knowledge?: ReadonlyMap<string, PublishedSet | string>;
};

/** PUT takes what GET returned: the read-only fields are ignored, anything else unknown is refused. */
const READ_ONLY = ["id", "enabled", "version", "createdAt", "updatedAt", "versions"];
export const policyUpdateSchema = z.preprocess(
  (v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => !READ_ONLY.includes(k))) : v),
  policySpecSchema,
);

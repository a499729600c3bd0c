import { z } from "zod";
import { actionGlobSchema } from "../actions/index.ts";
import { agentGlobSchema, cohortGlobSchema } from "../agents/index.ts";
import type { PublishedSet } from "../knowledge/index.ts";

export const STAGES = ["pre", "post"] as const;
export const PRE_EFFECTS = ["deny", "require_approval", "allow"] as const;
export const MODES = ["enforce", "shadow"] as const;

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
      })
      .default({ cohorts: [], agents: [], actions: [] }),
    condition: z.string().trim().min(1).max(4000),
    priority: z.number().int().min(-1_000_000).max(1_000_000).default(100),
    message: z.string().trim().max(500).default(""),
    approval: z
      .strictObject({
        quorum: z.number().int().min(1).max(10).default(1),
        timeoutSeconds: z.number().int().min(10).max(7 * 86_400).default(3600),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    if (p.stage === "pre" && p.effect === "flag") ctx.addIssue({ code: "custom", path: ["effect"], message: "pre-stage policies deny, require_approval or allow" });
    if (p.stage === "post" && p.effect !== "flag") ctx.addIssue({ code: "custom", path: ["effect"], message: "post-stage policies flag" });
  });

export type PolicySpec = z.output<typeof policySpecSchema>;

export type { Reason, ReasonCode } from "../actions/index.ts";

export type EvalAgent = { id: string; name: string; cohort: string; owner: string; riskTier: string };

export type EvalInput = {
  agent: EvalAgent;
  action: string;
  resource: string;
  input: Record<string, unknown>;
  context: Record<string, unknown>;
  now: Date;
  result?: { status: string; output: unknown; error: string | null };
  /** The knowledge-set versions CEL's `data` reads, by set name (or why a set has none); see knowledgeSetsFor. */
  knowledge?: ReadonlyMap<string, PublishedSet | string>;
};

/** PUT takes what GET returned: the read-only fields are ignored, anything else unknown is refused. */
const READ_ONLY = ["id", "enabled", "version", "createdAt", "updatedAt", "versions"];
export const policyUpdateSchema = z.preprocess(
  (v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => !READ_ONLY.includes(k))) : v),
  policySpecSchema,
);

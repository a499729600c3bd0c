import { z } from "zod";
import { pool } from "../db/index.ts";
import { activePolicies } from "./cache.ts";
import { knowledgeSnapshot, VersionLoader, type KnowledgeRef, type PublishedSet } from "../knowledge/index.ts";
import { compilePolicy, evaluatePolicies, evaluatePostChecks, knowledgeSetsFor, targets, type CompiledPolicy } from "./evaluate.ts";
import type { Decision } from "../actions/index.ts";
import { policySpecSchema, type EvalInput, type PolicySpec, type Reason } from "./types.ts";
import { assertConditionCompiles, assertKnowledgeSetsExist } from "./validate.ts";

// The sample is held to the same sizes as an agent's request (/v1 caps input and output at
// 64 KiB, context at 16 KiB), so a test sees what a real decision could.
const fitsIn = (maxBytes: number) => (v: unknown) => v === undefined || Buffer.byteLength(JSON.stringify(v) ?? "") <= maxBytes;
const sampleJson = (maxBytes: number, what: string) => z.record(z.string(), z.unknown()).refine(fitsIn(maxBytes), `${what} must be at most ${maxBytes / 1024} KiB serialized`);

export const policyTestSchema = z.strictObject({
  policy: policySpecSchema,
  sample: z
    .strictObject({
      action: z.string().max(128).default("example.action"),
      resource: z.string().max(256).default(""),
      input: sampleJson(64 * 1024, "input").default({}),
      context: sampleJson(16 * 1024, "context").default({}),
      agent: z
        .strictObject({
          id: z.string().max(64).default("agt_sample"),
          name: z.string().max(64).default("sample-agent"),
          cohort: z.string().max(48).default("sample"),
          owner: z.string().max(120).default("owner@example.com"),
          riskTier: z.enum(["low", "medium", "high"]).default("medium"),
          version: z.string().max(64).default(""),
        })
        .default({ id: "agt_sample", name: "sample-agent", cohort: "sample", owner: "owner@example.com", riskTier: "medium", version: "" }),
      result: z
        .strictObject({ status: z.enum(["succeeded", "failed"]), output: z.unknown().optional(), error: z.string().max(4000).optional() })
        .refine((r) => fitsIn(64 * 1024)(r.output), { message: "output must be at most 64 KiB serialized", path: ["output"] })
        .optional(),
    })
    .optional(),
  backtest: z.strictObject({ last: z.number().int().min(1).max(5000) }).optional(),
});
export type PolicyTestInput = z.infer<typeof policyTestSchema>;


export type PolicyTestResult = {
  sample?: {
    targeted: boolean;
    matched: boolean;
    error: string | null;
    /** What the whole enforced policy set decides with this draft in it. */
    decision: Decision | "flag" | "no_flag";
    reasons: Reason[];
    /** The knowledge-set versions the evaluation read (the current ones). */
    knowledge: KnowledgeRef[];
  };
  backtest?: {
    evaluated: number;
    skipped: number;
    changed: number;
    byChange: Record<string, number>;
    examples: { actionId: string; at: string; agent: string; action: string; resource: string; before: Decision; after: Decision }[];
  };
};

function draftCompiled(spec: PolicySpec, replacing: CompiledPolicy | undefined): CompiledPolicy {
  // Enforce the draft for the comparison, even when it is saved in shadow mode.
  return compilePolicy({ policyId: replacing?.policyId ?? "draft", versionId: "draft", version: (replacing?.version ?? 0) + 1, spec: { ...spec, mode: "enforce" } });
}

/** Evaluates a draft policy on a sample, and over the last N recorded actions counts how many decisions it would change. */
export async function testPolicy(input: PolicyTestInput): Promise<PolicyTestResult> {
  const spec = input.policy;
  assertConditionCompiles(spec);
  await assertKnowledgeSetsExist(spec);
  const active = await activePolicies();
  const stageSet = spec.stage === "pre" ? active.pre : active.post;
  const replacing = stageSet.find((p) => p.spec.name === spec.name);
  const draft = draftCompiled(spec, replacing);
  const others = stageSet.filter((p) => p.spec.name !== spec.name && p.spec.mode === "enforce");
  const withDraft = [...others, draft].sort((a, b) => b.spec.priority - a.spec.priority);
  const out: PolicyTestResult = {};

  if (input.sample) {
    const s = input.sample;
    const e: EvalInput = {
      agent: s.agent,
      action: s.action,
      resource: s.resource,
      input: s.input,
      context: s.context,
      now: new Date(),
      ...(spec.stage === "post" ? { result: { status: s.result?.status ?? "succeeded", output: s.result?.output ?? null, error: s.result?.error ?? null } } : {}),
    };
    e.knowledge = await knowledgeSnapshot(knowledgeSetsFor(withDraft, e));
    const targeted = targets(draft, e);
    // The draft alone, as evaluatePolicies runs it (with `data`), for its own match and error.
    const alone = evaluatePolicies(targeted ? [{ ...draft, spec: { ...draft.spec, effect: "deny" } }] : [], e).evaluated[0];
    const r: { error: string } | { value: boolean } = alone ? (alone.error !== undefined ? { error: alone.error } : { value: alone.matched }) : { value: false };
    if (spec.stage === "pre") {
      const ev = evaluatePolicies(withDraft, e);
      out.sample = { targeted, matched: "error" in r ? spec.effect !== "allow" : r.value, error: "error" in r ? r.error : null, decision: ev.decision, reasons: ev.reasons, knowledge: ev.knowledge };
    } else {
      const pc = evaluatePostChecks([draft], e);
      out.sample = { targeted, matched: pc.flags.length > 0, error: "error" in r ? r.error : null, decision: pc.flags.length ? "flag" : "no_flag", reasons: pc.flags, knowledge: pc.knowledge };
    }
  }

  if (input.backtest && spec.stage === "pre") {
    const { rows } = await pool().query<{
      id: string; created_at: Date; action: string; resource: string; input: Record<string, unknown>; context: Record<string, unknown>;
      reasons: Reason[]; agent_id: string; name: string; cohort: string; owner: string; risk_tier: string; knowledge: KnowledgeRef[]; version: string | null;
    }>(
      `SELECT a.id, a.created_at, a.action, a.resource, a.input, a.context, a.reasons, a.agent_id, g.name, a.cohort, g.owner, g.risk_tier, a.knowledge, a.version
         FROM actions a JOIN agents g ON g.id = a.agent_id ORDER BY a.created_at DESC LIMIT $1`,
      [input.backtest.last],
    );
    const baseline = stageSet.filter((p) => p.spec.mode === "enforce");
    // Each action is replayed with the knowledge versions it was decided with (recorded on it),
    // or, for sets its policies didn't read then, the version current when it was asked.
    const versions = new VersionLoader();
    const knowledgeAt = async (row: { knowledge: KnowledgeRef[]; created_at: Date }, names: string[]) => {
      const m = new Map<string, PublishedSet | string>();
      for (const name of names) {
        const recorded = Array.isArray(row.knowledge) ? row.knowledge.find((k) => k.set === name)?.version : undefined;
        m.set(name, await versions.load(name, recorded ?? (await versions.versionAt(name, row.created_at))));
      }
      return m;
    };
    let skipped = 0;
    let changed = 0;
    const byChange: Record<string, number> = {};
    const examples: NonNullable<PolicyTestResult["backtest"]>["examples"] = [];
    for (const row of rows) {
      // Halted decisions say nothing about policies.
      if (row.reasons.some((r) => r.code !== "policy" && r.code !== "default")) {
        skipped++;
        continue;
      }
      const e: EvalInput = {
        agent: { id: row.agent_id, name: row.name, cohort: row.cohort, owner: row.owner, riskTier: row.risk_tier.toLowerCase(), version: row.version ?? "" },
        action: row.action,
        resource: row.resource,
        input: row.input,
        context: row.context,
        now: row.created_at,
      };
      e.knowledge = await knowledgeAt(row, knowledgeSetsFor([...baseline, draft], e));
      const before = evaluatePolicies(baseline, e).decision;
      const after = evaluatePolicies(withDraft, e).decision;
      if (before !== after) {
        changed++;
        byChange[`${before}→${after}`] = (byChange[`${before}→${after}`] ?? 0) + 1;
        if (examples.length < 10) examples.push({ actionId: row.id, at: row.created_at.toISOString(), agent: row.name, action: row.action, resource: row.resource, before, after });
      }
    }
    out.backtest = { evaluated: rows.length - skipped, skipped, changed, byChange, examples };
  }
  return out;
}

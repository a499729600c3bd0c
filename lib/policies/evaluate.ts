import { KnowledgeBinding, PublishedSet, type KnowledgeRef } from "../knowledge/index.ts";
import { compileCondition, dataChars, runCondition, type CelProgram } from "./cel.ts";
import type { Decision } from "../actions/index.ts";
import { combineApprovals, type ApprovalPlan } from "./combine-approvals.ts";
import type { EvalInput, PolicySpec, Reason } from "./types.ts";

/** One enabled policy version, compiled once and reused for every decision. */
export type CompiledPolicy = {
  policyId: string;
  versionId: string;
  version: number;
  spec: PolicySpec;
  program: CelProgram;
  targets: { cohorts: RegExp[]; agents: RegExp[]; actions: RegExp[]; versions: RegExp[] };
};

/** A target glob (`*` = any run of characters) as an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

export function compilePolicy(p: { policyId: string; versionId: string; version: number; spec: PolicySpec }): CompiledPolicy {
  const c = compileCondition(p.spec.condition, p.spec.stage);
  if (!c.ok) throw new Error(`policy ${p.spec.name} v${p.version} does not compile: ${c.error.message}`);
  return {
    ...p,
    program: c.program,
    targets: {
      cohorts: p.spec.target.cohorts.map(globToRegExp),
      agents: p.spec.target.agents.map(globToRegExp),
      actions: p.spec.target.actions.map(globToRegExp),
      // Specs saved before versions existed have no `versions`.
      versions: (p.spec.target.versions ?? []).map(globToRegExp),
    },
  };
}

const anyMatch = (patterns: RegExp[], ...values: string[]) => patterns.length === 0 || patterns.some((r) => values.some((v) => r.test(v)));

// A policy aimed at versions applies only to actions that ran under one of them.
const anyVersion = (patterns: RegExp[], version: string | undefined) => patterns.length === 0 || (!!version && patterns.some((r) => r.test(version)));

export function targets(p: CompiledPolicy, e: Pick<EvalInput, "agent" | "action">): boolean {
  return anyMatch(p.targets.cohorts, e.agent.cohort) && anyMatch(p.targets.agents, e.agent.id, e.agent.name) && anyMatch(p.targets.actions, e.action) && anyVersion(p.targets.versions, e.agent.version);
}

function reason(p: CompiledPolicy, message?: string): Reason {
  return {
    code: "policy",
    policyId: p.policyId,
    policyName: p.spec.name,
    policyVersion: p.version,
    effect: p.spec.effect,
    message: message ?? (p.spec.message || `${p.spec.name} matched`),
  };
}

export type Evaluation = {
  decision: Decision;
  reasons: Reason[];
  shadow: Reason[];
  /** Every policy version that took part (matched or not), for the record. */
  evaluated: { policyId: string; version: number; matched: boolean; error?: string }[];
  /** The knowledge-set versions those policies read (`data`), for the record. */
  knowledge: KnowledgeRef[];
  /** What the matched require_approval policies ask of people (combine-approvals.ts). */
  approval: ApprovalPlan | null;
  /** The enforced require_approval policies that matched, in priority order. */
  approvalPolicyIds: string[];
};

type Match = { policy: CompiledPolicy; reason: Reason };

function combine(matches: Match[]): Pick<Evaluation, "decision" | "reasons" | "approval" | "approvalPolicyIds"> {
  const denies = matches.filter((m) => m.policy.spec.effect === "deny");
  if (denies.length) return { decision: "deny", reasons: denies.map((m) => m.reason), approval: null, approvalPolicyIds: [] };
  const approvals = matches.filter((m) => m.policy.spec.effect === "require_approval");
  if (approvals.length) {
    // Priority order (as the policies were evaluated): the order stages are combined in.
    return { decision: "pending", reasons: approvals.map((m) => m.reason), approval: combineApprovals(approvals.map((m) => m.policy.spec.approval)), approvalPolicyIds: approvals.map((m) => m.policy.policyId) };
  }
  const allows = matches.filter((m) => m.policy.spec.effect === "allow");
  return { decision: "allow", reasons: allows.length ? allows.map((m) => m.reason) : [{ code: "default", message: "No policy objected" }], approval: null, approvalPolicyIds: [] };
}

/**
 * The combining rules of API.md: any enforced deny → deny; else any enforced
 * require_approval → pending (largest quorum, shortest timeout; with stages, the union of
 * stages of combine-approvals.ts); else allow. A condition
 * that fails at run time counts as matched for deny/require_approval (fail closed) and as not
 * matched for allow — so does one whose cost budget the data is too long for. Shadow policies are evaluated the same way and only reported.
 */
export function evaluatePolicies(policies: CompiledPolicy[], e: EvalInput): Evaluation {
  const vars: Record<string, unknown> = { agent: e.agent, action: e.action, resource: e.resource, input: e.input, context: e.context, now: e.now };
  if (e.result) vars.result = e.result;
  if (e.budgets) vars.budgets = e.budgets;
  const chars = dataChars(vars); // once per decision: what each condition's cost budget is checked against
  // `data`: each set at the version given, judged fresh or stale at the decision's time.
  const now = e.now.getTime();
  const data = new Map<string, KnowledgeBinding>();
  for (const [name, set] of e.knowledge ?? []) data.set(name, new KnowledgeBinding(name, set, now));
  vars.data = data;
  const used = new Map<string, number>();
  const enforced: Match[] = [];
  const shadowed: Match[] = [];
  const evaluated: Evaluation["evaluated"] = [];
  for (const p of policies) {
    if (!targets(p, e)) continue;
    const k = p.program.knowledge;
    let extra = 0;
    for (const name of k?.sets ?? []) {
      const set = e.knowledge?.get(name);
      if (set instanceof PublishedSet) used.set(name, set.version);
    }
    // A condition that reads a whole set pays for its size, like for the data it is sent.
    for (const name of k?.wholeSets ?? []) {
      const set = e.knowledge?.get(name);
      if (set instanceof PublishedSet) extra += set.jsonChars();
    }
    const r = runCondition(p.program, vars, chars + extra);
    let match: Match | null = null;
    if ("error" in r) {
      evaluated.push({ policyId: p.policyId, version: p.version, matched: p.spec.effect !== "allow", error: r.error });
      if (p.spec.effect !== "allow") {
        match = { policy: p, reason: reason(p, `${p.spec.message || p.spec.name} — condition failed at run time (${r.error}), treated as matched (fail closed)`) };
      }
    } else {
      evaluated.push({ policyId: p.policyId, version: p.version, matched: r.value });
      if (r.value) match = { policy: p, reason: reason(p) };
    }
    if (match) (p.spec.mode === "shadow" ? shadowed : enforced).push(match);
  }
  const outcome = combine(enforced);
  const shadow = shadowed.length ? combine(shadowed).reasons.filter((r) => r.code === "policy") : [];
  const knowledge = [...used].sort(([a], [b]) => a.localeCompare(b)).map(([set, version]) => ({ set, version }));
  return { ...outcome, shadow, evaluated, knowledge };
}

/** The knowledge sets the policies that target this request read: what a decision loads and records. */
export function knowledgeSetsFor(policies: CompiledPolicy[], e: Pick<EvalInput, "agent" | "action">): string[] {
  const names = new Set<string>();
  for (const p of policies) {
    const sets = p.program.knowledge?.sets;
    if (sets?.length && targets(p, e)) for (const s of sets) names.add(s);
  }
  return [...names];
}

/** Post-stage: every enforced `flag` policy that matches (errors flag too: a surprise is worth a look). */
export function evaluatePostChecks(policies: CompiledPolicy[], e: EvalInput): { flags: Reason[]; shadow: Reason[]; knowledge: KnowledgeRef[] } {
  const ev = evaluatePolicies(
    policies.map((p) => ({ ...p, spec: { ...p.spec, effect: "deny" as const } })),
    e,
  );
  const restore = (r: Reason): Reason => ({ ...r, effect: "flag" });
  return { flags: ev.decision === "deny" ? ev.reasons.map(restore) : [], shadow: ev.shadow.map(restore), knowledge: ev.knowledge };
}

import { describe, expect, it } from "vitest";
import { actionGlobSchema, actionNameSchema } from "../../lib/actions/index.ts";
import { agentGlobSchema, cohortGlobSchema } from "../../lib/agents/index.ts";
import { compilePolicy, evaluatePolicies } from "../../lib/policies/evaluate.ts";
import { policySpecSchema } from "../../lib/policies/types.ts";

const spec = (target: Record<string, unknown>) => ({ name: "guard", effect: "deny", condition: "true", target });
const refusal = (target: Record<string, unknown>) => {
  const r = policySpecSchema.safeParse(spec(target));
  return r.success ? null : r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
};

describe("policy targets only take globs that can match something", () => {
  it("refuses an action glob no action name can match, naming the path", () => {
    // Action names are lower-case and matching is case-sensitive: this deny would never fire.
    expect(refusal({ actions: ["mcp.everything.printEnv"] })).toEqual([{ path: "target.actions.0", message: expect.stringContaining("mcp.everything.printenv") }]);
    for (const bad of ["Pricing.*", "pricing set", "orders/refund", "é*", "a".repeat(129), "refunds.\u0000", "pricing.\\d+"]) {
      const issues = refusal({ actions: ["pricing.*", bad] });
      expect(issues?.length, bad).toBeGreaterThan(0);
      for (const issue of issues ?? []) expect(issue.path, bad).toBe("target.actions.1");
    }
  });

  it("accepts every glob some valid name matches", () => {
    for (const ok of ["*", "pricing.*", "mcp.fs.*", "*.set_price", "orders.refund", "a", "x:y-z_1.*", "*" + "a".repeat(127)]) {
      expect(actionGlobSchema.safeParse(ok).success, ok).toBe(true);
      expect(refusal({ actions: [ok] }), ok).toBeNull();
    }
    for (const ok of ["pricing", "pricing*", "*-eu", "agt_*", "price-optimizer-eu", "*"]) expect(agentGlobSchema.safeParse(ok).success, ok).toBe(true);
    for (const ok of ["pricing", "customer-*", "*"]) expect(cohortGlobSchema.safeParse(ok).success, ok).toBe(true);
  });

  it("refuses cohort and agent globs their names can't match either", () => {
    // Cohorts: a-z 0-9 _ - (no '.'), 2–48 characters, starting with a letter or digit; agents add '.', up to 64.
    for (const bad of ["Pricing", "pricing.eu", "p", "-pricing", "_*", "x".repeat(49)]) {
      expect(cohortGlobSchema.safeParse(bad).success, bad).toBe(false);
      expect(refusal({ cohorts: [bad] })?.[0]?.path, bad).toBe("target.cohorts.0");
    }
    for (const bad of ["Price-Optimizer-EU", "agents:pricing", "a", ".hidden*", "x".repeat(65)]) {
      expect(agentGlobSchema.safeParse(bad).success, bad).toBe(false);
      expect(refusal({ agents: [bad] })?.[0]?.path, bad).toBe("target.agents.0");
    }
  });

  it("every glob it accepts targets a name the data plane accepts", () => {
    const policy = compilePolicy({ policyId: "pol_1", versionId: "pv_1", version: 1, spec: policySpecSchema.parse(spec({ actions: ["mcp.everything.*"] })) });
    const action = "mcp.everything.printenv";
    expect(actionNameSchema.safeParse(action).success).toBe(true);
    const e = { agent: { id: "agt_1", name: "gw", cohort: "mcp", owner: "o@example.com", riskTier: "low" }, action, resource: "", input: {}, context: {}, now: new Date() };
    expect(evaluatePolicies([policy], e).decision).toBe("deny");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectAnomalies } from "../../lib/anomalies/index.ts";
import { breakerSpecSchema, createBreaker, evaluateBreakers } from "../../lib/breakers/index.ts";
import { budgetSpecSchema, createBudget } from "../../lib/budgets/index.ts";
import { pool } from "../../lib/db/index.ts";
import { grantCapabilities } from "../../lib/capability-changes/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { unique } from "../support/fixtures.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
});
afterAll(() => dp.close());

async function wholeDatabaseText(): Promise<string> {
  const { rows: tables } = await pool().query<{ t: string }>(`SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public'`);
  let all = "";
  for (const { t } of tables) all += (await pool().query<{ row: string }>(`SELECT x::text AS row FROM ${t} x`)).rows.map((r) => r.row).join("\n");
  return all;
}

describe("containment stores no personal data", () => {
  it("keeps raw PII out of grants' refusals, distinct-resource budgets, resource sets, breakers and anomalies", async () => {
    const cohort = unique("care");
    const a = await newAgent({ cohort });
    const emails = ["jane.doe.containment@example.com", "john.roe.containment@example.org"];
    await grantCapabilities({ agentId: a.agent.id, capabilities: [{ action: "customers.read", resources: ["customer:*"] }], actor: "system" });
    await createBudget({ spec: budgetSpecSchema.parse({ name: unique("people"), scope: { cohort }, actions: ["customers.*"], distinct: "resource", limit: 1, unit: "customers", window: { seconds: 3600 }, onExceed: "deny" }), actor: "system", userId: null });
    await createBreaker({ spec: breakerSpecSchema.parse({ name: unique("reach"), scope: { cohort }, metric: "distinct_resources", windowSeconds: 60, threshold: 1, minSamples: 1 }), actor: "system", userId: null });
    const api = client(dp.base, a.apiKey);
    const first = await api.ask({ action: "customers.read", resource: `customer:${emails[0]}` });
    expect(first.json.decision).toBe("allow");
    const again = await api.ask({ action: "customers.read", resource: `customer:${emails[0]}` });
    expect(again.json.decision).toBe("allow"); // the same person, counted once although stored redacted
    const second = await api.ask({ action: "customers.read", resource: `customer:${emails[1]}` });
    expect(second.json.reasons[0].code).toBe("budget_exceeded");
    const outside = await api.ask({ action: "customers.export", resource: `customer:${emails[1]}` });
    expect(outside.json.reasons[0].code).toBe("not_granted");
    expect(outside.json.reasons[0].message).toContain("[redacted:email:");
    await evaluateBreakers({ everything: true });
    await detectAnomalies();

    const everything = await wholeDatabaseText();
    expect(everything).toContain("[redacted:email:"); // the dump holds what was stored
    for (const raw of emails) expect(everything).not.toContain(raw);
  });
});

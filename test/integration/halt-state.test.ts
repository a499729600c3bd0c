import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAgents } from "../../lib/agents/index.ts";
import { listCohorts } from "../../lib/cohorts/index.ts";
import { halt, resume } from "../../lib/killswitch/index.ts";
import { cohortRates, getOverview } from "../../lib/overview/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { switchToFreshDatabase } from "../support/db.ts";
import { unique } from "../support/fixtures.ts";

// "Which halt wins" has one owner (lib/killswitch halt-state.ts): enforcement, /v1/agent, the
// agent and cohort lists and the overview's counts and badges all follow it, so under a
// global halt they agree that everything is halted.
describe("halt state, one rule for enforcement and every display", () => {
  let dp: Awaited<ReturnType<typeof startDataPlane>>;
  beforeAll(async () => {
    await switchToFreshDatabase();
    dp = await startDataPlane();
  });
  afterAll(() => dp.close());

  it("under a global halt, decisions, /v1/agent, lists, cohort rates and the overview all say halted", async () => {
    const cohort = unique("shop");
    const a = await newAgent({ cohort });
    const b = await newAgent({ cohort: unique("other") });
    const api = client(dp.base, a.apiKey);
    expect((await api.ask({ action: "pricing.set", input: {} })).json.decision).toBe("allow");
    await client(dp.base, b.apiKey).ask({ action: "pricing.set", input: {} });
    // The agent's own switch too: the global one still wins the display.
    await halt({ scope: { kind: "agent", agentId: a.agent.id }, reason: "agent incident", actor: "system" });
    await halt({ scope: { kind: "global" }, reason: "everything stops", actor: "system" });

    const denied = await api.ask({ action: "pricing.set", input: {} });
    expect(denied.json.decision).toBe("deny");
    expect(denied.json.reasons.map((r: { code: string }) => r.code)).toEqual(["global_halt", "agent_halted"]);
    expect((await api.raw("GET", "/v1/agent")).json).toMatchObject({ status: "halted", haltReason: "everything stops" });

    const agents = await listAgents();
    expect(agents.every((x) => x.status === "halted" && x.haltedBy === "global")).toBe(true);
    expect((await listCohorts()).every((c) => c.status === "halted" && c.haltedBy === "global")).toBe(true);
    expect((await cohortRates()).every((c) => c.halted)).toBe(true);

    const o = await getOverview();
    expect(o.agents.halted).toBe(o.agents.total);
    expect(o.busiestAgents.length).toBeGreaterThan(0);
    expect(o.busiestAgents.every((x) => x.halted)).toBe(true);
    expect(o.halted.global).toMatchObject({ reason: "everything stops" });

    await resume({ scope: { kind: "global" }, actor: "system" });
    const after = await getOverview();
    expect(after.busiestAgents.find((x) => x.id === b.agent.id)!.halted).toBe(false);
    expect(after.busiestAgents.find((x) => x.id === a.agent.id)!.halted).toBe(true);
    expect(after.agents.halted).toBe(1);
    expect((await api.raw("GET", "/v1/agent")).json).toMatchObject({ status: "halted", haltReason: "agent incident" });
    await resume({ scope: { kind: "agent", agentId: a.agent.id }, actor: "system" });
  });
});

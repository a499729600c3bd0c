import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAgent, listAgents } from "../../lib/agents/index.ts";
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

  it("shows an agent's own switch beside the halt that wins, so it can be seen and flipped under a cohort or global halt", async () => {
    const cohort = unique("shop");
    const { agent } = await newAgent({ cohort });
    await halt({ scope: { kind: "agent", agentId: agent.id }, reason: "agent incident", actor: "system" });
    await halt({ scope: { kind: "cohort", name: cohort }, reason: "cohort incident", actor: "system" });

    const both = await getAgent(agent.id);
    expect(both).toMatchObject({ status: "halted", haltedBy: "cohort", haltReason: "cohort incident", ownHalt: { status: "halted", haltReason: "agent incident" } });
    expect(both.halts.map((h) => [h.scope, h.code])).toEqual([["cohort", "cohort_halted"], ["agent", "agent_halted"]]);
    expect(Date.parse(both.ownHalt.status === "halted" ? both.ownHalt.haltedAt : "")).not.toBeNaN();
    expect((await listAgents({ cohort })).map((a) => a.ownHalt.status)).toEqual(["halted"]);

    // Resuming the agent itself while its cohort is halted: it stays halted (by the cohort), its own switch is off.
    await resume({ scope: { kind: "agent", agentId: agent.id }, actor: "system" });
    const cohortOnly = await getAgent(agent.id);
    expect(cohortOnly).toMatchObject({ status: "halted", haltedBy: "cohort", ownHalt: { status: "active" } });
    expect(cohortOnly.halts.map((h) => h.scope)).toEqual(["cohort"]);

    // Halting it on its own under a global halt, then lifting both: it is halted by itself alone.
    await halt({ scope: { kind: "global" }, reason: "everything stops", actor: "system" });
    await halt({ scope: { kind: "agent", agentId: agent.id }, reason: "still wrong", actor: "system" });
    expect(await getAgent(agent.id)).toMatchObject({ haltedBy: "global", ownHalt: { status: "halted", haltReason: "still wrong" } });
    await resume({ scope: { kind: "global" }, actor: "system" });
    await resume({ scope: { kind: "cohort", name: cohort }, actor: "system" });
    const own = await getAgent(agent.id);
    expect(own).toMatchObject({ status: "halted", haltedBy: "agent", haltReason: "still wrong", ownHalt: { status: "halted", haltReason: "still wrong" } });
    await resume({ scope: { kind: "agent", agentId: agent.id }, actor: "system" });
    expect(await getAgent(agent.id)).toMatchObject({ status: "active", ownHalt: { status: "active" }, halts: [] });
  });
});

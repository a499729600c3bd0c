import { describe, expect, it } from "vitest";
import * as teamsRoute from "../../app/api/teams/route.ts";
import * as teamRoute from "../../app/api/teams/[id]/route.ts";
import * as policiesRoute from "../../app/api/policies/route.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { newAgent } from "../support/dataplane.ts";
import { team, teamAdmin } from "../support/escalation.ts";

const stagedPolicy = (stages: unknown[], extra: Record<string, unknown> = {}) => ({
  name: unique("staged"),
  effect: "require_approval",
  target: { cohorts: ["pricing"] },
  condition: "input.price < input.currentPrice * 0.6",
  approval: { stages, ...extra },
});

describe("approver teams", () => {
  it("are created, listed, read and replaced by admins, every change audited with who joined and left", async () => {
    const admin = await teamAdmin();
    const [a, b, c] = [await userWithToken("approver"), await userWithToken("approver"), await userWithToken("admin")];
    const { agent } = await newAgent({ cohort: unique("care") });
    const name = unique("client-care");
    const created = await call(teamsRoute.POST, { token: admin.token, body: { name, members: [a.user.id, b.user.id], cohorts: [agent.cohort] } });
    expect(created.status).toBe(201);
    expect(created.json.team).toMatchObject({ name, cohorts: [agent.cohort] });
    expect(created.json.team.members.map((m: { email: string }) => m.email).sort()).toEqual([a.user.email, b.user.email].sort());
    const id = created.json.team.id;

    const list = await call(teamsRoute.GET, { token: (await userWithToken("viewer")).token });
    expect(list.json.teams.map((t: { name: string }) => t.name)).toContain(name);
    // PUT takes what GET returned, edited (members as objects are read by their id).
    const got = await call(teamRoute.GET, { token: admin.token, params: { id } });
    const put = await call(teamRoute.PUT, { method: "PUT", token: admin.token, params: { id }, body: { ...got.json.team, members: [...got.json.team.members.filter((m: { id: string }) => m.id !== b.user.id), { id: c.user.id }] } });
    expect(put.status).toBe(200);
    expect(put.json.team.members.map((m: { id: string }) => m.id).sort()).toEqual([a.user.id, c.user.id].sort());

    const events = (await listAuditEvents({ subject: `team:${id}`, limit: 10 })).events;
    expect(events.map((e) => e.kind)).toEqual(["team.updated", "team.created"]);
    expect(events[0]!.data).toMatchObject({ added: [{ id: c.user.id, email: c.user.email }], removed: [{ id: b.user.id, email: b.user.email }] });
    expect(events[1]!.data).toMatchObject({ name, cohorts: [agent.cohort] });
  });

  it.each([
    ["an unknown user", async () => ({ members: ["usr_nobody"] }), 400, "unknown_user"],
    ["a viewer as a member", async () => ({ members: [(await userWithToken("viewer")).user.id] }), 400, "member_cannot_approve"],
    ["an unknown cohort", async () => ({ members: [], cohorts: ["no-such-cohort"] }), 400, "unknown_cohort"],
    ["a bad name", async () => ({ name: "Finance Team", members: [] }), 400, "validation_failed"],
    ["a member twice", async () => { const u = await userWithToken("approver"); return { members: [u.user.id, u.user.id] }; }, 400, "validation_failed"],
  ] as const)("refuses %s with a 4xx and stores nothing", async (_l, body, status, code) => {
    const admin = await teamAdmin();
    const before = (await pool().query(`SELECT count(*)::int AS n FROM teams`)).rows[0].n;
    const res = await call(teamsRoute.POST, { token: admin.token, body: { name: unique("t"), ...(await body()) } });
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect((await pool().query(`SELECT count(*)::int AS n FROM teams`)).rows[0].n).toBe(before);
  });

  it("are managed by admins only", async () => {
    const approver = await userWithToken("approver");
    expect((await call(teamsRoute.POST, { token: approver.token, body: { name: unique("t"), members: [] } })).status).toBe(403);
  });

  it("give a cohort one default team, keep the name policies route to, and keep enough members for their quorum", async () => {
    const admin = await teamAdmin();
    const { agent } = await newAgent({ cohort: unique("c") });
    const first = await team(2, { cohorts: [agent.cohort] });
    const second = await call(teamsRoute.POST, { token: admin.token, body: { name: unique("t"), members: [], cohorts: [agent.cohort] } });
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe("cohort_has_team");

    const policy = await call(policiesRoute.POST, { token: admin.token, body: stagedPolicy([{ team: first.name, quorum: 2, timeoutSeconds: 600, onTimeout: "escalate" }]) });
    expect(policy.status).toBe(201);
    const base = { name: first.name, members: first.people.map((p) => p.user.id), cohorts: [agent.cohort] };
    const renamed = await call(teamRoute.PUT, { method: "PUT", token: admin.token, params: { id: first.id }, body: { ...base, name: unique("renamed") } });
    expect(renamed.status).toBe(409);
    expect(renamed.json.error.code).toBe("team_in_use");
    const shrunk = await call(teamRoute.PUT, { method: "PUT", token: admin.token, params: { id: first.id }, body: { ...base, members: [first.people[0]!.user.id] } });
    expect(shrunk.status).toBe(409);
    expect(shrunk.json.error.code).toBe("team_too_small");
    expect((await call(teamRoute.GET, { token: admin.token, params: { id: first.id } })).json.team.members).toHaveLength(2);
  });
});

describe("policy stages", () => {
  it("save with known teams and read back as given; a single-stage policy reads back as before", async () => {
    const admin = await teamAdmin();
    const merch = await team(1);
    const finance = await team(2);
    const fallback = await team(1);
    const stages = [
      { team: merch.name, quorum: 1, timeoutSeconds: 1800, onTimeout: "escalate" },
      { team: finance.name, quorum: 2, timeoutSeconds: 7200, onTimeout: "reject" },
    ];
    const res = await call(policiesRoute.POST, { token: admin.token, body: stagedPolicy(stages, { fallbackTeam: fallback.name, editable: ["input.price", "input.units"] }) });
    expect(res.status).toBe(201);
    expect(res.json.policy.approval).toEqual({ quorum: 1, timeoutSeconds: 3600, stages, fallbackTeam: fallback.name, editable: ["input.price", "input.units"] });
    const single = await call(policiesRoute.POST, { token: admin.token, body: { ...stagedPolicy([]), approval: { quorum: 2, timeoutSeconds: 600 } } });
    expect(single.json.policy.approval).toEqual({ quorum: 2, timeoutSeconds: 600 });
  });

  it.each([
    ["a stage naming an unknown team", () => stagedPolicy([{ team: "nobody-team", quorum: 1, timeoutSeconds: 600, onTimeout: "escalate" }]), "unknown_team"],
    ["a fallback team that doesn't exist", () => stagedPolicy([{ quorum: 1, timeoutSeconds: 600, onTimeout: "escalate" }], { fallbackTeam: "nobody-team" }), "unknown_team"],
    ["a quorum larger than the team", async () => stagedPolicy([{ team: (await team(1)).name, quorum: 2, timeoutSeconds: 600, onTimeout: "escalate" }]), "quorum_exceeds_team"],
    ["an editable path outside the input", () => stagedPolicy([{ quorum: 1, timeoutSeconds: 600, onTimeout: "reject" }], { editable: ["context.price"] }), "validation_failed"],
    ["an editable path with a wildcard", () => stagedPolicy([{ quorum: 1, timeoutSeconds: 600, onTimeout: "reject" }], { editable: ["input.*"] }), "validation_failed"],
    ["an unknown onTimeout", () => stagedPolicy([{ quorum: 1, timeoutSeconds: 600, onTimeout: "ignore" }]), "validation_failed"],
    ["a fallback team without stages", async () => ({ ...stagedPolicy([]), approval: { quorum: 1, fallbackTeam: (await team(1)).name } }), "validation_failed"],
    ["the same team in two stages", async () => { const t = (await team(1)).name; return stagedPolicy([{ team: t, quorum: 1, timeoutSeconds: 600, onTimeout: "escalate" }, { team: t, quorum: 1, timeoutSeconds: 600, onTimeout: "reject" }]); }, "validation_failed"],
  ] as const)("refuses %s with a 400 and stores nothing", async (_l, body, code) => {
    const admin = await teamAdmin();
    const before = (await pool().query(`SELECT count(*)::int AS n FROM policies`)).rows[0].n;
    const res = await call(policiesRoute.POST, { token: admin.token, body: await body() });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe(code);
    expect((await pool().query(`SELECT count(*)::int AS n FROM policies`)).rows[0].n).toBe(before);
  });
});

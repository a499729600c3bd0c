import { describe, expect, it } from "vitest";
import { answerOf, inputChanges, inputSummary, secondsLeftFrom, timeoutPlan, type ApprovalRouting, type RoutedStage } from "../../lib/actions/index.ts";
import { combineApprovals } from "../../lib/policies/index.ts";
import { slackEscape, slackMessage } from "../../lib/webhooks/index.ts";
import { inputToActOn } from "../../sdk/src/index.ts";

const stage = (team: string | null, onTimeout: RoutedStage["onTimeout"], timeoutSeconds = 100, quorum = 1): RoutedStage => ({ team, teamId: team && `team_${team}`, quorum, timeoutSeconds, onTimeout });
const routing = (stages: RoutedStage[], fallback = false): ApprovalRouting => ({ stages, fallbackTeam: fallback ? { id: "team_ops", name: "ops" } : null, editable: [] });

describe("combining approvals (the strictest wins)", () => {
  it("keeps single-stage policies as before: the largest quorum and the shortest timeout", () => {
    expect(combineApprovals([{ quorum: 1, timeoutSeconds: 3600 }, { quorum: 3, timeoutSeconds: 600 }])).toEqual({ quorum: 3, timeoutSeconds: 600, stages: null, fallbackTeam: null, editable: [] });
  });

  it("unions stages in priority order, one stage per team with the largest quorum, shortest timeout and strictest onTimeout", () => {
    const plan = combineApprovals([
      { quorum: 1, timeoutSeconds: 3600, stages: [{ team: "merch", quorum: 1, timeoutSeconds: 1800, onTimeout: "escalate" }, { team: "finance", quorum: 2, timeoutSeconds: 7200, onTimeout: "approve" }], fallbackTeam: "ops", editable: ["input.price", "input.units"] },
      { quorum: 2, timeoutSeconds: 600, editable: ["input.price"] },
      { quorum: 1, timeoutSeconds: 3600, stages: [{ team: "finance", quorum: 1, timeoutSeconds: 3600, onTimeout: "escalate" }, { team: "legal", quorum: 1, timeoutSeconds: 900, onTimeout: "reject" }], fallbackTeam: "other", editable: ["input.price"] },
    ]);
    expect(plan.stages).toEqual([
      { team: "merch", quorum: 1, timeoutSeconds: 1800, onTimeout: "escalate" },
      { team: "finance", quorum: 2, timeoutSeconds: 3600, onTimeout: "escalate" },
      { team: null, quorum: 2, timeoutSeconds: 600, onTimeout: "expire" },
      { team: "legal", quorum: 1, timeoutSeconds: 900, onTimeout: "reject" },
    ]);
    expect(plan).toMatchObject({ quorum: 1, timeoutSeconds: 1800 + 3600 + 600 + 900, fallbackTeam: "ops", editable: ["input.price"] });
    expect(combineApprovals([{ quorum: 1, timeoutSeconds: 60, editable: ["input.price"] }, { quorum: 1, timeoutSeconds: 60 }]).editable).toEqual([]);
  });
});

describe("stage timeouts", () => {
  it("climb, pass, reject or expire as each stage says; the last stage escalates to the fallback team once", () => {
    const r = routing([stage("merch", "escalate"), stage("finance", "approve"), stage("legal", "escalate")], true);
    expect(timeoutPlan(r, 0)).toMatchObject({ kind: "advance", to: 1, onTimeout: "escalate", toFallbackTeam: false });
    expect(timeoutPlan(r, 1)).toMatchObject({ kind: "advance", to: 2, onTimeout: "approve" });
    const toFallback = timeoutPlan(r, 2);
    expect(toFallback).toMatchObject({ kind: "advance", to: 3, toFallbackTeam: true });
    const after = toFallback.kind === "advance" ? toFallback.routing : r;
    expect(after.stages![3]).toEqual({ team: "ops", teamId: "team_ops", quorum: 1, timeoutSeconds: 100, onTimeout: "expire", fallback: true });
    expect(timeoutPlan(after, 3)).toMatchObject({ kind: "settle", outcome: "expired" });
    expect(timeoutPlan(routing([stage("a", "escalate")]), 0)).toMatchObject({ kind: "settle", outcome: "expired" });
    expect(timeoutPlan(routing([stage("a", "reject"), stage("b", "escalate")]), 0)).toMatchObject({ kind: "settle", outcome: "rejected", message: expect.stringContaining("stage 1 of 2 (a)") });
    expect(timeoutPlan(routing([stage("a", "approve")]), 0)).toMatchObject({ kind: "settle", outcome: "approved" });
  });

  it("bound how long an action can stay pending: the stages left, and the fallback's when the last escalates", () => {
    expect(secondsLeftFrom(routing([stage("a", "escalate", 10), stage("b", "escalate", 20)], true), 0)).toBe(50);
    expect(secondsLeftFrom(routing([stage("a", "escalate", 10), stage("b", "reject", 20)], true), 1)).toBe(20);
  });

  it("read as pending at the current stage until the job moves them, unlike an overdue single-stage action", () => {
    const staged = { id: "act_1", status: "PENDING", reasons: [], shadow: [], expires_at: new Date(1000), approval: routing([stage("merch", "escalate")]), stage_index: 0, stage_expires_at: new Date(500) };
    expect(answerOf({ ...staged, overdue: true })).toMatchObject({ status: "pending", stage: { index: 0, of: 1, team: "merch", expiresAt: new Date(500).toISOString() } });
    expect(answerOf({ ...staged, approval: null, stage_index: null, stage_expires_at: null, overdue: true }).status).toBe("expired");
    expect(answerOf({ ...staged, approval: null, stage_index: null, overdue: false })).toMatchObject({ stage: { index: 0, of: 1, team: null } });
  });
});

describe("input changes", () => {
  it("list leaf differences by path, lists compared whole, additions and removals included", () => {
    expect(inputChanges({ price: 50, tags: ["a"], o: { units: 2, keep: 1 }, gone: 1 }, { price: 45, tags: ["a"], o: { units: 3, keep: 1 }, added: true })).toEqual([
      { path: "input.added", to: true },
      { path: "input.gone", from: 1 },
      { path: "input.o.units", from: 2, to: 3 },
      { path: "input.price", from: 50, to: 45 },
    ]);
    expect(inputChanges({ a: { b: 1 } }, { a: { b: 1 } })).toEqual([]);
  });

  it("summarise big inputs by their top-level amounts", () => {
    const big = { price: 45, note: "x".repeat(5000), currency: "EUR", items: [1, 2, 3] };
    expect(inputSummary(big)).toEqual({ price: 45, currency: "EUR" });
    expect(inputSummary({ price: 1 })).toEqual({ price: 1 });
  });
});

describe("the SDK's input to act on", () => {
  const answer = (over: Record<string, unknown>) => ({ id: "act_1", decision: "allow" as const, status: "approved" as const, reasons: [], shadow: [], ...over });
  it("applies the approvers' changes to the agent's own (raw) input, so redacted values stay real", () => {
    const raw = { price: 50, note: "call me on +33 6 12 34 56 78", order: { units: 4 } };
    const out = inputToActOn(raw, answer({ approvedInput: { price: 45, note: "call me on [redacted:phone:0123456789abcdef]", order: { units: 3 } }, approvedChanges: [{ path: "input.price", from: 50, to: 45 }, { path: "input.order.units", from: 4, to: 3 }] }));
    expect(out).toEqual({ price: 45, note: "call me on +33 6 12 34 56 78", order: { units: 3 } });
    expect(raw.price).toBe(50); // not mutated
    expect(inputToActOn(raw, answer({}))).toBe(raw);
    expect(inputToActOn(raw, answer({ approvedInput: { price: 1 } }))).toEqual({ price: 1 });
  });
});

describe("Slack messages", () => {
  it("escape mrkdwn, keep Slack's limits, and fall back for events they don't know", () => {
    expect(slackEscape("<@here> & co")).toBe("&lt;@here&gt; &amp; co");
    const msg = slackMessage({
      event: "approval.requested",
      at: new Date().toISOString(),
      data: {
        actionId: "act_1", agentId: "agt_1", agent: "<b>bot</b>", owner: "o@x", cohort: "c", action: "a".repeat(300), resource: "r", input: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i])),
        quorum: 1, expiresAt: null, reasons: [{ code: "policy", message: "why" }], stage: { index: 0, of: 2, team: "merch", expiresAt: new Date(0).toISOString() }, handoff: null, link: "https://w.example/approvals/act_1",
      },
    });
    const header = msg.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    const fields = msg.blocks.flatMap((b) => ("fields" in b && b.fields ? b.fields : []));
    expect(fields).toHaveLength(10);
    expect(JSON.stringify(msg)).toContain("&lt;b&gt;bot&lt;/b&gt;");
    expect(JSON.stringify(msg)).not.toContain("<b>");
    expect(slackMessage({ event: "something.new", at: "", data: {} }).text).toBe("Warden: something.new");
  });
});

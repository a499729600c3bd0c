import { describe, expect, it } from "vitest";
import { ACTION_STATUSES, answerOf, canTransition, decisionOf, fromDbStatus, initialStatus, toDbStatus } from "../../lib/actions/index.ts";
import { effectiveHalt, haltsCovering, switchHalt } from "../../lib/killswitch/index.ts";

const off = { haltedAt: null, haltReason: null };
const on = (why: string) => ({ haltedAt: new Date(), haltReason: why });

describe("the action's vocabulary", () => {
  it("maps every status to the database enum and back, and derives the decision from it", () => {
    for (const s of ACTION_STATUSES) expect(fromDbStatus(toDbStatus(s))).toBe(s);
    expect(ACTION_STATUSES.map(decisionOf)).toEqual(["allow", "deny", "pending", "allow", "deny", "deny"]);
    expect(["allow", "deny", "pending"].map((d) => initialStatus(d as "allow"))).toEqual(["allowed", "denied", "pending"]);
    expect(() => fromDbStatus("MAYBE")).toThrow(/unknown action status/);
  });

  it("lets only pending actions move, and only to approved, rejected or expired", () => {
    for (const from of ACTION_STATUSES) {
      for (const to of ACTION_STATUSES) {
        expect(canTransition(from, to)).toBe(from === "pending" && ["approved", "rejected", "expired"].includes(to));
      }
    }
  });

  it("answers a pending action read as overdue as expired, with the timeout's reason, without a write", () => {
    const row = { id: "act_1", status: "PENDING", reasons: [], shadow: [], expires_at: new Date(1000) };
    expect(answerOf({ ...row, overdue: false })).toMatchObject({ decision: "pending", status: "pending", expiresAt: new Date(1000).toISOString() });
    expect(answerOf(row)).toMatchObject({ status: "pending" }); // not known: as stored
    expect(answerOf({ ...row, overdue: true })).toEqual({ id: "act_1", decision: "deny", status: "expired", reasons: [{ code: "policy", message: "No decision before the approval timed out" }], shadow: [] });
  });
});

describe("halt precedence (global > cohort > agent)", () => {
  it("lists every covering halt, strongest first, and displays the strongest", () => {
    const all = haltsCovering({ global: on("g"), cohort: { name: "pricing", ...on("c") }, agent: on("a") });
    expect(all.map((h) => [h.scope, h.code, h.message])).toEqual([
      ["global", "global_halt", "Everything is halted: g"],
      ["cohort", "cohort_halted", "Cohort pricing is halted: c"],
      ["agent", "agent_halted", "This agent is halted: a"],
    ]);
    expect(effectiveHalt({ global: on("g"), cohort: { name: "p", ...on("c") }, agent: on("a") })).toEqual({ status: "halted", haltedBy: "global", haltReason: "g" });
    expect(effectiveHalt({ global: null, cohort: { name: "p", ...on("c") }, agent: on("a") })).toEqual({ status: "halted", haltedBy: "cohort", haltReason: "c" });
    expect(effectiveHalt({ global: off, cohort: { name: "p", ...off }, agent: on("a") })).toEqual({ status: "halted", haltedBy: "agent", haltReason: "a" });
    expect(effectiveHalt({ global: off, cohort: { name: "p", ...off }, agent: off })).toEqual({ status: "active" });
    expect(haltsCovering({ global: off, cohort: { name: "p", ...off }, agent: off })).toEqual([]);
  });

  it("tells one switch's own state, whatever covers it from above", () => {
    const at = new Date("2025-01-02T03:04:05.000Z");
    expect(switchHalt("agent", { haltedAt: at, haltReason: "  bad prices " })).toEqual({ status: "halted", haltReason: "bad prices", haltedAt: "2025-01-02T03:04:05.000Z" });
    expect(switchHalt("agent", { haltedAt: at, haltReason: null })).toEqual({ status: "halted", haltReason: "agent halted", haltedAt: "2025-01-02T03:04:05.000Z" });
    expect(switchHalt("agent", off)).toEqual({ status: "active" });
  });
});

import { describe, expect, it } from "vitest";
import { APPROVAL_OUTCOMES, outcomeOf } from "../../lib/actions/index.ts";

describe("outcomeOf: one label per way an approval ends", () => {
  it("names every cause settlePending records, each ending once", () => {
    const cases = [
      [{ status: "approved", cause: "vote", changed: false }, "approved"],
      [{ status: "approved", cause: "vote", changed: true }, "approved_with_changes"],
      [{ status: "rejected", cause: "vote", changed: false }, "rejected"],
      [{ status: "expired", cause: "timeout", changed: false }, "expired"],
      [{ status: "rejected", cause: "halt", changed: false }, "rejected_by_halt"],
      [{ status: "rejected", cause: "breaker", changed: false }, "rejected_by_breaker"],
      [{ status: "rejected", cause: "grants", changed: false }, "rejected_by_grants"],
      [{ status: "approved", cause: "stage_timeout", changed: true }, "approved_on_stage_timeout"],
      [{ status: "rejected", cause: "stage_timeout", changed: false }, "rejected_on_stage_timeout"],
    ] as const;
    for (const [a, code] of cases) expect(outcomeOf(a)).toEqual({ code, label: APPROVAL_OUTCOMES[code], endedBy: a.cause });
    // Every code is reachable, and no two endings read the same.
    expect(new Set([...cases.map(([, c]) => c), "unrecorded"])).toEqual(new Set(Object.keys(APPROVAL_OUTCOMES)));
    expect(new Set(Object.values(APPROVAL_OUTCOMES)).size).toBe(Object.keys(APPROVAL_OUTCOMES).length);
  });

  it("has no outcome before an ending, and never calls an unknown cause a person's rejection", () => {
    for (const status of ["pending", "allowed", "denied"] as const) expect(outcomeOf({ status, cause: null, changed: false })).toBeNull();
    expect(outcomeOf({ status: "rejected", cause: "something-new", changed: false })).toEqual({ code: "unrecorded", label: APPROVAL_OUTCOMES.unrecorded, endedBy: null });
    expect(outcomeOf({ status: "expired", cause: null, changed: false })).toMatchObject({ code: "expired" });
    expect(outcomeOf({ status: "rejected", cause: "something-new", changed: false })?.label).not.toBe(APPROVAL_OUTCOMES.rejected);
  });
});

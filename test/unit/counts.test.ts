import { describe, expect, it } from "vitest";
import { haltedHint } from "../../components/overview/halted-hint.ts";
import { count, listOf, plural } from "../../components/ui/count.ts";

const at = "2026-11-29T21:00:00.000Z";
const cohort = (name: string) => ({ name, at, reason: "why" });
const agent = (name: string) => ({ id: `agt_${name}`, name, cohort: "c", at, reason: "why" });

describe("counts read as people write them", () => {
  it("takes the singular for exactly one and the plural otherwise, zero included", () => {
    expect(count(1, "cohort")).toBe("1 cohort");
    expect(count(0, "agent")).toBe("0 agents");
    expect(count(2, "policy", "policies")).toBe("2 policies");
    expect(count(1234, "event")).toBe("1,234 events");
    expect(plural(1, "entry", "entries")).toBe("entry");
  });

  it("lists two with 'and' and more with commas then 'and'", () => {
    expect(listOf([])).toBe("");
    expect(listOf(["1 cohort"])).toBe("1 cohort");
    expect(listOf(["1 cohort", "2 agents"])).toBe("1 cohort and 2 agents");
    expect(listOf(["a", "b", "c"])).toBe("a, b and c");
  });
});

describe("the overview's halted line", () => {
  it("names only the switches that are set, in the right number", () => {
    expect(haltedHint({ global: null, cohorts: [], agents: [] })).toBe("none halted");
    expect(haltedHint({ global: null, cohorts: [cohort("pricing")], agents: [] })).toBe("1 cohort halted");
    expect(haltedHint({ global: null, cohorts: [], agents: [agent("a")] })).toBe("1 agent halted");
    expect(haltedHint({ global: null, cohorts: [cohort("pricing"), cohort("stylist")], agents: [agent("a")] })).toBe("2 cohorts and 1 agent halted");
  });

  it("says everything is halted during a global halt, never '0 cohorts, 0 agents halted, everything'", () => {
    const global = { at, reason: "incident", by: "user:usr_1" };
    expect(haltedHint({ global, cohorts: [], agents: [] })).toBe("everything is halted");
    expect(haltedHint({ global, cohorts: [cohort("pricing")], agents: [] })).toBe("everything is halted (and 1 cohort on its own)");
    expect(haltedHint({ global, cohorts: [cohort("pricing")], agents: [agent("a")] })).toBe("everything is halted (and 1 cohort and 1 agent on their own)");
  });
});

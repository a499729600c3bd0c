import { describe, expect, it } from "vitest";
import { eventHash, GENESIS_HASH, type HashedEvent } from "../../lib/audit/hash.ts";

const base: HashedEvent = {
  seq: 7,
  at: new Date("2026-11-25T10:00:00.123Z"),
  actor: "user:usr_1",
  kind: "agent.registered",
  subject: "agent:agt_1",
  agentId: "agt_1",
  cohort: "pricing",
  data: { name: "price-bot", owner: "team@x", nested: { b: 2, a: 1 } },
  chain: 3,
  chainSeq: 12,
  prevHash: GENESIS_HASH,
};

describe("audit event hash", () => {
  it("does not depend on object key order (jsonb reorders keys)", () => {
    const reordered = { ...base, data: { nested: { a: 1, b: 2 }, owner: "team@x", name: "price-bot" } };
    expect(eventHash(reordered)).toBe(eventHash(base));
  });
  it("changes when any covered field changes", () => {
    const h = eventHash(base);
    expect(eventHash({ ...base, seq: 8 })).not.toBe(h);
    expect(eventHash({ ...base, actor: "user:usr_2" })).not.toBe(h);
    expect(eventHash({ ...base, data: { ...(base.data as object), owner: "evil@x" } })).not.toBe(h);
    expect(eventHash({ ...base, prevHash: "f".repeat(64) })).not.toBe(h);
    expect(eventHash({ ...base, at: new Date("2026-11-25T10:00:00.124Z") })).not.toBe(h);
    expect(eventHash({ ...base, chainSeq: 13 })).not.toBe(h);
  });
  it("is a sha-256 hex digest", () => {
    expect(eventHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });
});

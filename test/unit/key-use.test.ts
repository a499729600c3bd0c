import { describe, expect, it } from "vitest";
import { KeyUseRecorder } from "../../lib/agents/key-use.ts";

type Use = { keyId: string; at: Date };

function recorder(fail = false) {
  let now = 1_000_000;
  const writes: Use[][] = [];
  const r = new KeyUseRecorder(
    (uses) => {
      writes.push(uses);
      return fail ? Promise.reject(new Error("db down")) : Promise.resolve();
    },
    () => now,
    60_000_000, // the test flushes by hand
  );
  return { r, writes, advance: (ms: number) => (now += ms) };
}

describe("KeyUseRecorder", () => {
  it("writes each key at most once a minute, many keys in one batch", async () => {
    const { r, writes, advance } = recorder();
    for (let i = 0; i < 1000; i++) r.note(i % 2 ? "key_a" : "key_b");
    await r.flush();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.map((u) => u.keyId).sort()).toEqual(["key_a", "key_b"]);
    advance(59_000);
    r.note("key_a");
    await r.flush();
    expect(writes).toHaveLength(1);
    advance(1_000);
    r.note("key_a");
    await r.flush();
    expect(writes).toHaveLength(2);
    expect(writes[1]).toEqual([{ keyId: "key_a", at: new Date(1_060_000) }]);
  });

  it("never throws to the caller; a failed write lets the key be noted again at once", async () => {
    const { r, writes } = recorder(true);
    r.note("key_a");
    await expect(r.flush()).resolves.toBeUndefined();
    r.note("key_a");
    await r.flush();
    expect(writes).toHaveLength(2);
  });
});

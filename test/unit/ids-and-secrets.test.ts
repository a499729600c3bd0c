import { describe, expect, it } from "vitest";
import { newId } from "../../lib/ids.ts";
import { hashPassword, hashSecret, issueSecret, verifyPassword } from "../../lib/secrets/index.ts";

describe("ids", () => {
  it("are prefixed, unique and sort by creation time", async () => {
    const a = newId("agt");
    await new Promise((r) => setTimeout(r, 2));
    const b = newId("agt");
    expect(a).toMatch(/^agt_[0-9a-z]{26}$/);
    expect(a).not.toBe(b);
    expect([b, a].sort()).toEqual([a, b]);
  });
});

describe("secrets", () => {
  it("issues agent keys as wdn_ with 256 random bits and keeps only a sha-256", () => {
    const s = issueSecret("wdn");
    expect(s.secret).toMatch(/^wdn_[A-Za-z0-9_-]{43}$/);
    expect(s.hash).toBe(hashSecret(s.secret));
    expect(s.hash).not.toContain(s.secret.slice(4));
    expect(s.prefix).toBe(s.secret.slice(0, 10));
    expect(issueSecret("wdn").secret).not.toBe(s.secret);
  });
  it("hashes passwords with argon2id and verifies only the right one", async () => {
    const h = await hashPassword("correct horse battery staple");
    expect(h.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword(h, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(h, "wrong horse battery staple")).toBe(false);
    expect(await verifyPassword("not-a-hash", "x")).toBe(false);
  });
});

import { readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";

// Every lib/ folder's face must load on its own, whichever is imported first: an import cycle
// that reaches a module-level value (a zod schema built from another folder's schema) before it
// is initialised throws "Cannot access … before initialization" only for some entry points —
// e.g. the test database's setup, the data plane or a script — and not for the others.
const lib = path.resolve(import.meta.dirname, "../../lib");
const faces = readdirSync(lib, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "db" && existsSync(path.join(lib, d.name, "index.ts")))
  .map((d) => d.name);

describe("lib faces", () => {
  it("finds the folders", () => {
    expect(faces.length).toBeGreaterThan(20);
    expect(faces).toContain("actions");
  });
  it.each(faces)("lib/%s/index.ts loads first, on its own", async (name) => {
    vi.resetModules();
    await expect(import(path.join(lib, name, "index.ts"))).resolves.toBeDefined();
  });
});

// `npm start` and `npm test` run Next.js with telemetry off unless the user set it: a first start
// printed Next.js's telemetry notice (issue #17 §16).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyToolDefaults } from "../../scripts/tool-env.mjs";

const root = path.resolve(import.meta.dirname, "../..");

describe("the environment npm start and npm test give Next.js", () => {
  it("turns telemetry off unless NEXT_TELEMETRY_DISABLED is set, and keeps what the user set", () => {
    expect(applyToolDefaults({ PORT: "3105" })).toEqual({ PORT: "3105", NEXT_TELEMETRY_DISABLED: "1" });
    expect(applyToolDefaults({ NEXT_TELEMETRY_DISABLED: "" })).toEqual({ NEXT_TELEMETRY_DISABLED: "" });
    expect(applyToolDefaults({ NEXT_TELEMETRY_DISABLED: "true" })).toEqual({ NEXT_TELEMETRY_DISABLED: "true" });
  });

  it("is one Next.js itself reads as opted out", { timeout: 60_000 }, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "warden-telemetry-"));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir };
      delete env.NEXT_TELEMETRY_DISABLED;
      const status = (e: NodeJS.ProcessEnv) => execFileSync(path.join(root, "node_modules/.bin/next"), ["telemetry", "status"], { cwd: dir, env: e, encoding: "utf8" });
      expect(status(applyToolDefaults({ ...env }))).toContain("You have opted-out of Next.js' anonymous telemetry program.");
      expect(status(env)).toContain("Status: Enabled"); // the check can fail: without the default, a fresh machine reports telemetry on
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

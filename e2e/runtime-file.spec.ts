import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

// `npm start` (server.ts) records where it listens in its data directory, so that
// `npm run demo:agents` finds it on any port instead of guessing 3000 (issue #17 §14).
test("the running Warden has written its runtime file, and /api/health answers as that start", async ({ request, baseURL }) => {
  const dataDir = process.env.E2E_DATA_DIR ?? ".data-e2e"; // as playwright.config.ts starts it
  const info = JSON.parse(readFileSync(path.resolve(dataDir, "runtime.json"), "utf8")) as { url: string; port: number; pid: number; instanceId: string };
  const port = Number(new URL(baseURL!).port);
  expect(info).toMatchObject({ url: `http://localhost:${port}`, port, instanceId: expect.stringMatching(/^ins_/) });
  expect(() => process.kill(info.pid, 0)).not.toThrow(); // the process that listens
  const health = await request.get("/api/health");
  expect(await health.json()).toEqual({ ok: true, db: "up", service: "warden", instance: info.instanceId });
});

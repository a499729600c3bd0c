// `npm run demo:agents` finds Warden where `npm start` put it and gives up when --duration runs
// out — it once retried http://localhost:3000 forever after `PORT=3471 npm start`.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../lib/boot/index.ts";

const root = path.resolve(import.meta.dirname, "../..");
let dataDir: string;
beforeAll(async () => void (dataDir = await mkdtemp(path.join(os.tmpdir(), "warden-demo-agents-"))));
afterAll(() => rm(dataDir, { recursive: true, force: true }));
// A run that didn't stop by itself (the defect) must not outlive its test.
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
});

/** Runs the script as `npm run demo:agents` does and waits for it to exit by itself. */
function demoAgents(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const rest = { ...process.env };
  delete rest.WARDEN_URL;
  delete rest.PORT;
  // node --import tsx (as `tsx` runs it), in one process so that a kill reaches the script itself.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo-agents.ts", ...args], {
    cwd: root,
    env: { ...rest, WARDEN_DATA_DIR: dataDir, WARDEN_TOKEN: "wdt_not-a-real-token", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  running.add(child);
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve({ code, stderr });
    }),
  );
}

describe("npm run demo:agents", () => {
  it("asks Warden at localhost:$PORT when WARDEN_URL is unset, and a Warden that never answers can't hold it past --duration", async () => {
    const asked: string[] = [];
    const silent = http.createServer((req) => void asked.push(`${req.method} ${req.url}`)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, r)); // every local address: localhost may be ::1 or 127.0.0.1
    const port = (silent.address() as AddressInfo).port;
    try {
      const run = await demoAgents(["--duration", "3"], { PORT: String(port) });
      expect(asked).toContain("GET /api/agents");
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Warden not ready at http://localhost:${port}: no answer within --duration 3 s`);
      expect(run.stderr).toMatch(/Gave up after --duration 3 s\. Is Warden running there\? Set WARDEN_URL, or PORT/);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it("stops retrying a port nobody listens on when --duration runs out, saying where it looked", async () => {
    const port = await freePort();
    const run = await demoAgents(["--duration", "2"], { PORT: String(port) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Warden not ready at http://localhost:${port}`);
    expect(run.stderr).toContain("Gave up after --duration 2 s");
  });

  it("prefers WARDEN_URL over PORT", async () => {
    const port = await freePort();
    const run = await demoAgents(["--once"], { WARDEN_URL: `http://127.0.0.1:${port}/`, PORT: "1" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Warden not ready at http://127.0.0.1:${port}:`);
  });
});

// `npm run demo:agents` finds Warden where `npm start` put it and gives up when --duration runs
// out — it once retried http://localhost:3000 forever after `PORT=3471 npm start`, and sent the
// admin password to whatever answered on 3000 (issue #17 §14).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as agentKeysRoute from "../../app/api/agents/[id]/keys/route.ts";
import * as agentsRoute from "../../app/api/agents/route.ts";
import * as healthRoute from "../../app/api/health/route.ts";
import { freePort, readRuntimeInfo, removeRuntimeInfo, runtimeInfoPath, writeRuntimeInfo } from "../../lib/boot/index.ts";
import { handleDataPlane } from "../../lib/dataplane/index.ts";
import { pool } from "../../lib/db/index.ts";
import { findWarden, NotReady, NotWarden } from "../../scripts/demo/find-warden.ts";
import { newAgent } from "../support/dataplane.ts";
import { userWithToken } from "../support/fixtures.ts";

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

/** Runs the script as `npm run demo:agents` does and waits for it to exit by itself; `undefined` unsets a variable. */
function demoAgents(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const merged: Record<string, string | undefined> = { ...process.env, WARDEN_URL: undefined, PORT: undefined, WARDEN_DATA_DIR: dataDir, WARDEN_TOKEN: "wdt_not-a-real-token", ...env };
  const childEnv = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
  // node --import tsx (as `tsx` runs it), in one process so that a kill reaches the script itself.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo-agents.ts", ...args], { cwd: root, env: childEnv as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
}

type Seen = { method: string; url: string; authorization?: string; body: string };
/** A plain HTTP server that is not Warden (another app someone runs on the port); records what it is sent. */
async function otherApp(): Promise<{ base: string; port: number; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body });
      res.writeHead(200, { "content-type": "text/html" }).end("<h1>Grafana</h1>");
    });
  });
  await new Promise<void>((r) => server.listen(0, r));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://localhost:${port}`, port, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * Warden's control-plane routes the demo uses (health, agents, keys) called as Next.js calls
 * them, and the data plane as server.ts mounts it, on this file's PostgreSQL.
 */
async function startWarden(): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/v1/")) return void handleDataPlane(req, res);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      const keys = /^\/api\/agents\/([^/]+)\/keys$/.exec(req.url ?? "");
      const answer =
        req.url === "/api/health" ? healthRoute.GET()
        : req.url === "/api/agents" && req.method === "GET" ? agentsRoute.GET(request, { params: Promise.resolve({}) })
        : keys && req.method === "POST" ? agentKeysRoute.POST(request, { params: Promise.resolve({ id: decodeURIComponent(keys[1]!) }) })
        : Promise.resolve(Response.json({ error: { code: "not_found", message: "not in this test" } }, { status: 404 }));
      void answer.then(async (r) => res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" }).end(await r.text()));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("npm run demo:agents", () => {
  it("asks Warden at localhost:$PORT when WARDEN_URL is unset, and a Warden that never answers can't hold it past --duration", async () => {
    const asked: string[] = [];
    const silent = http.createServer((req) => void asked.push(`${req.method} ${req.url}`)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, r)); // every local address: localhost may be ::1 or 127.0.0.1
    const port = (silent.address() as AddressInfo).port;
    try {
      const run = await demoAgents(["--duration", "3"], { PORT: String(port) });
      // It asks who answers, and nothing with a credential before that is Warden.
      expect(asked).toContain("GET /api/health");
      expect(asked).not.toContain("GET /api/agents");
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

  it("with neither WARDEN_URL nor PORT, drives the Warden that wrote its runtime file in the data directory, on whatever port", async () => {
    const warden = await startWarden();
    const { agent } = await newAgent({ cohort: "inventory" });
    const { token } = await userWithToken("operator");
    try {
      // Before Warden has started there is no file: nothing to drive yet (the demo waits, or --once gives up).
      await expect(findWarden({ WARDEN_DATA_DIR: dataDir })).rejects.toThrow(new NotReady(runtimeInfoPath(dataDir), "no running Warden recorded there (`npm start` writes it once it listens)"));

      const info = writeRuntimeInfo({ url: warden.base }, dataDir); // as server.ts does once it listens
      expect(readRuntimeInfo(dataDir)).toEqual(info);
      expect(info).toMatchObject({ url: warden.base, port: Number(new URL(warden.base).port), pid: process.pid, instanceId: expect.stringMatching(/^ins_/) });
      expect((await (await fetch(`${warden.base}/api/health`)).json()) as unknown).toEqual({ ok: true, db: "up", service: "warden", instance: info!.instanceId });

      const run = await demoAgents(["--once"], { WARDEN_TOKEN: token });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Warden found at ${warden.base} (runtime file)`);
      expect(run.stdout).toContain(`Driving 1 agents against ${warden.base}, one action each`);
      const { rows } = await pool().query<{ n: number }>("SELECT count(*)::int AS n FROM actions WHERE agent_id = $1", [agent.id]);
      expect(rows[0]!.n).toBe(1);

      // A clean stop removes it; another start's file is left alone.
      expect(removeRuntimeInfo(dataDir)).toBe(true);
      expect(existsSync(runtimeInfoPath(dataDir))).toBe(false);
    } finally {
      removeRuntimeInfo(dataDir);
      await warden.close();
    }
  });

  it("refuses, sending no credential, when something that is not Warden answers where it looked", async () => {
    const other = await otherApp();
    const login = { WARDEN_TOKEN: undefined, WARDEN_ADMIN_EMAIL: "admin@warden.local", WARDEN_ADMIN_PASSWORD: "the-admin-password-123" };
    try {
      // The case: Warden runs elsewhere, another app answers on the port the demo is given.
      const byPort = await demoAgents(["--duration", "20"], { ...login, PORT: String(other.port) });
      expect(byPort.code).toBe(1);
      expect(byPort.stderr).toContain(`Something answers at ${other.base}, but it is not Warden (GET /api/health → 200 "<h1>Grafana</h1>"): not sending credentials there.`);
      expect(byPort.stderr).toContain("WARDEN_URL");

      // A runtime file naming a live process whose port now serves something else.
      writeRuntimeInfo({ url: other.base }, dataDir);
      const byFile = await findWarden({ WARDEN_DATA_DIR: dataDir, WARDEN_TOKEN: "wdt_a-real-looking-token" }).catch((e: unknown) => e);
      expect(byFile).toBeInstanceOf(NotWarden);
      expect((byFile as Error).message).toContain(`Something answers at ${other.base}, but it is not Warden`);

      expect(other.seen.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /api/health", "GET /api/health"]);
      expect(other.seen.filter((r) => r.authorization !== undefined || r.body !== "")).toEqual([]);
    } finally {
      removeRuntimeInfo(dataDir);
      await other.close();
    }
  });

  it("treats a runtime file whose process is gone, or another Warden start on its port, as not the Warden it names", async () => {
    const warden = await startWarden();
    try {
      // A process that has exited: its pid is free.
      const gone = spawn(process.execPath, ["-e", ""]);
      const pid = await new Promise<number>((r) => gone.on("exit", () => r(gone.pid!)));
      writeRuntimeInfo({ url: warden.base, pid }, dataDir);
      const env = { WARDEN_DATA_DIR: dataDir };
      await expect(findWarden(env)).rejects.toThrow(new NotReady(warden.base, `the Warden recorded in ${runtimeInfoPath(dataDir)} (pid ${pid}) is not running`));

      // Alive, but the Warden answering there is another start than the one the file names.
      writeRuntimeInfo({ url: warden.base }, dataDir);
      const file = runtimeInfoPath(dataDir);
      const { writeFileSync } = await import("node:fs");
      writeFileSync(file, JSON.stringify({ ...readRuntimeInfo(dataDir), instanceId: "ins_an0therstart" }));
      const err = await findWarden(env).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotWarden);
      expect((err as Error).message).toContain(`Another Warden answers at ${warden.base}`);

      await expect(findWarden({ ...env, WARDEN_URL: `${warden.base}/` })).resolves.toEqual({ url: warden.base, via: "WARDEN_URL" });
    } finally {
      removeRuntimeInfo(dataDir);
      const { rmSync } = await import("node:fs");
      rmSync(runtimeInfoPath(dataDir), { force: true });
      await warden.close();
    }
  });
});

// `npm run bench:releases`: throughput and latency of GET /v1/agent/release (which version a
// routing key runs, during a 5 % canary) on this machine — the data plane in this process,
// the load generator in another — plus revalidation with If-None-Match (304), and whether
// the same keys got the same versions in two runs. Prints figures; asserts nothing.
// Options: --seconds N (10), --concurrency N (64).
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { registerAgent } from "../lib/agents/index.ts";
import { migrate } from "../lib/boot/index.ts";
import { closeDb } from "../lib/db/index.ts";
import { handleDataPlane } from "../lib/dataplane/index.ts";
import { ensureSigningKey } from "../lib/signing/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { createRollout, createRolloutSchema, registerVersion, releaseForKey } from "../lib/releases/index.ts";
import { benchDatabase } from "./harness.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, concurrency: { type: "string", default: "64" } } });
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const KEYS = 100_000;
const root = path.resolve(import.meta.dirname, "..");

type Result = { requests: number; rps: number; p50: number; p99: number; max: number; statuses: Record<string, number>; versions: Record<string, number>; errors: number };

function load(cfg: Record<string, unknown>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/release-worker.ts"), JSON.stringify(cfg)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as Result) : reject(new Error(`load worker exited ${code}`))));
  });
}

const db = await benchDatabase();
try {
  process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdefghijklmnopqrstuv";
  await migrate(db.url);
  const { agent, apiKey } = await registerAgent({ input: { name: "stylist-bench", cohort: "stylist", owner: "styling@maison.example", riskTier: "medium" }, actor: "system", createdById: null });
  const config = (v: string) => ({ model: "gpt-stylist", systemPromptSha256: v === "stylist-v14" ? "a1f3…" : "9c2e…", temperature: 0.3, tools: ["catalog.search", "lookbook.compose"] });
  for (const v of ["stylist-v14", "stylist-v15"]) await registerVersion({ agentId: agent.id, input: { version: v, config: config(v) }, actor: "system", createdBy: "bench" });
  const rollout = await createRollout({
    agentId: agent.id,
    input: createRolloutSchema.parse({ candidate: "stylist-v15", steps: [5, 25, 50, 100], minSamplesPerStep: 1_000_000, stepMinSeconds: 3600, guards: [{ metric: "deny_rate", maxRelativeIncrease: 0.25 }] }),
    actor: "system",
    createdBy: "bench",
  });
  // Decisions are signed (receipts): the key `npm start`'s jobs would otherwise have made sure of.
  ensureSigningKey("receipts");
  const server = http.createServer((req, res) => void handleDataPlane(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`GET /v1/agent/release — 5 % canary of stylist-v15 (rollout ${rollout.id}), ${KEYS.toLocaleString("en")} routing keys, ${CONCURRENCY} in flight, ${SECONDS} s per run`);
  await load({ base, apiKey, concurrency: 8, seconds: 1, keys: KEYS }); // warm-up
  const fmt = (label: string, r: Result) =>
    console.log(`${label.padEnd(34)} ${Math.round(r.rps).toLocaleString("en").padStart(7)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   max ${r.max.toFixed(1)} ms   statuses ${JSON.stringify(r.statuses)}${r.errors ? `   errors ${r.errors}` : ""}`);
  const first = await load({ base, apiKey, concurrency: CONCURRENCY, seconds: SECONDS, keys: KEYS });
  fmt("assignment (200 with config)", first);
  const share = (first.versions["stylist-v15"] ?? 0) / Math.max(1, first.requests);
  console.log(`  candidate share observed: ${(share * 100).toFixed(2)} % (step share 5 %)`);
  const etags: Record<string, string> = {};
  for (let i = 0; i < 2000; i++) etags[`cust-${i}`] = (await releaseForKey(agent.id, `cust-${i}`)).etag;
  const revalidate = await load({ base, apiKey, concurrency: CONCURRENCY, seconds: SECONDS, keys: 2000, etags });
  fmt("revalidation (If-None-Match → 304)", revalidate);
  // Stickiness: every key's version computed again, compared with a first pass.
  const before = await Promise.all(Array.from({ length: 5000 }, (_, i) => releaseForKey(agent.id, `cust-${i}`).then((r) => r.body.version)));
  const after = await Promise.all(Array.from({ length: 5000 }, (_, i) => releaseForKey(agent.id, `cust-${i}`).then((r) => r.body.version)));
  console.log(`  sticky: ${before.filter((v, i) => v === after[i]).length}/5000 keys got the same version twice`);
  // The assignment itself, without HTTP: what the data plane spends per request on it.
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 2000) {
    for (let i = 0; i < 1000; i++) await releaseForKey(agent.id, `cust-${calls++}`);
  }
  console.log(`releaseForKey in process: ${Math.round(calls / ((performance.now() - t0) / 1000)).toLocaleString("en")} calls/s (hash + cached state, no HTTP)`);
  await new Promise<void>((r) => server.close(() => r()));
  // Reference: a bare node:http server answering a fixed JSON body, through the same load
  // generator — the ceiling of this machine at this moment (other work shares its cores).
  const payload = JSON.stringify({ version: "stylist-v14", config: config("stylist-v14"), rollout: null });
  const bare = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
    res.end(payload);
  });
  await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
  const bareBase = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  fmt("reference: bare node:http, fixed body", await load({ base: bareBase, apiKey, concurrency: CONCURRENCY, seconds: SECONDS, keys: KEYS }));
  await new Promise<void>((r) => bare.close(() => r()));
} finally {
  await closeBus().catch(() => undefined);
  await closeDb().catch(() => undefined);
  // The embedded server's shutdown ends pooled connections: not an error here.
  console.error = () => undefined;
  await db.dispose();
}

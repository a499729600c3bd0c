// `npx tsx bench/halt-admission.ts`: what admission control (WARDEN_DECISION_CONCURRENCY) does
// to a halt call in a saturated worker, measured in one process so the alternatives see the same
// machine: the data plane (node:http, as a worker serves it) and halt() share this process's
// event loop while a load generator in another process keeps 64 decisions in flight (one
// worker's share of bench:decisions' 128). Rounds alternate between the bounds (the admission
// object is swapped between rounds), so drift in a shared machine's load hits each alike.
// Per bound: halt() latency, one round trip (SELECT 1) timed beside it, the event loop's delay
// (perf_hooks), and decisions/s. No Next.js here: bench/halt-probe.ts measures the whole call.
// Prints figures; asserts nothing.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { benchDatabase, runLoadWorker } from "./harness.ts";
import { registerAgent } from "../lib/agents/index.ts";
import { migrate } from "../lib/boot/index.ts";
import { Admission, handleDataPlane } from "../lib/dataplane/index.ts";
import { closeDb, pool } from "../lib/db/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { halt, resume } from "../lib/killswitch/index.ts";
import { createPolicy, policySpecSchema } from "../lib/policies/index.ts";
import { DEMO_POLICIES } from "../lib/seed/index.ts";
import { ensureSigningKey } from "../lib/signing/index.ts";

type Load = { ok: number; errors: number; rps: number; p50: number; p99: number };

const BOUNDS = (process.argv.find((a) => a.startsWith("--bounds="))?.split("=")[1] ?? "100000,16,32").split(",").map(Number);
const ROUNDS = Number(process.argv.find((a) => a.startsWith("--rounds="))?.split("=")[1] ?? 3);
const SECONDS = 6;
const CONCURRENCY = 64;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz";
process.env.WARDEN_DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "warden-bench-admission-"));
ensureSigningKey("receipts");
const db = await benchDatabase();
const server = http.createServer((req, res) => void handleDataPlane(req, res));
try {
  await migrate(db.url);
  for (const spec of DEMO_POLICIES) await createPolicy({ spec: policySpecSchema.parse(spec), actor: "system", userId: null });
  const keys: string[] = [];
  for (let i = 0; i < 20; i++) {
    const cohort = i % 2 ? "pricing" : "inventory";
    keys.push((await registerAgent({ input: { name: `adm-${i}`, cohort, owner: "o@example.com", riskTier: "medium" }, actor: "system", createdById: null })).apiKey);
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/actions`;
  await runLoadWorker<Load>({ url, keys, concurrency: 8, seconds: 2 }); // warm-up

  const figures = new Map<number, { halts: number[]; trips: number[]; lagP50: number[]; lagP99: number[]; lagMax: number[]; rps: number[] }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const bound of round % 2 ? [...BOUNDS].reverse() : BOUNDS) {
      (globalThis as Record<symbol, unknown>)[Symbol.for("warden.decisionAdmission")] = new Admission(bound, 1000);
      const f = figures.get(bound) ?? { halts: [], trips: [], lagP50: [], lagP99: [], lagMax: [], rps: [] };
      figures.set(bound, f);
      let loading = true;
      const load = runLoadWorker<Load>({ url, keys, concurrency: CONCURRENCY, seconds: SECONDS }).finally(() => (loading = false));
      await new Promise((r) => setTimeout(r, 1500)); // saturated first
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      while (loading) {
        const t0 = performance.now();
        const [haltMs, tripMs] = await Promise.all([
          halt({ scope: { kind: "cohort", name: "pricing" }, reason: "admission bench", actor: "system" }).then(() => performance.now() - t0),
          pool().query("SELECT 1").then(() => performance.now() - t0),
        ]);
        if (!loading) break;
        f.halts.push(haltMs);
        f.trips.push(tripMs);
        await resume({ scope: { kind: "cohort", name: "pricing" }, actor: "system" });
        await new Promise((r) => setTimeout(r, 100));
      }
      lag.disable();
      f.lagP50.push(lag.percentile(50) / 1e6);
      f.lagP99.push(lag.percentile(99) / 1e6);
      f.lagMax.push(lag.max / 1e6);
      f.rps.push((await load).rps);
    }
  }
  const median = (xs: number[]) => pct(xs, 50);
  console.log(`\nHalt under a saturated data plane in one process (${CONCURRENCY} connections, ${ROUNDS} alternating rounds of ${SECONDS} s per bound; ${os.availableParallelism()} cores shared with whatever else runs):`);
  for (const [bound, f] of figures) {
    const label = bound >= 100000 ? "unbounded" : `bound ${bound}`;
    console.log(
      `  ${label.padEnd(10)} halt() p50 ${pct(f.halts, 50).toFixed(0).padStart(4)} ms p99 ${pct(f.halts, 99).toFixed(0).padStart(4)} ms (${f.halts.length})` +
        `   SELECT 1 p50 ${pct(f.trips, 50).toFixed(0).padStart(3)} ms p99 ${pct(f.trips, 99).toFixed(0).padStart(4)} ms` +
        `   event-loop delay p50 ${median(f.lagP50).toFixed(1)} p99 ${median(f.lagP99).toFixed(1)} max ${median(f.lagMax).toFixed(0)} ms` +
        `   ${median(f.rps).toFixed(0)} decisions/s`,
    );
  }
} finally {
  server.close();
  await closeBus();
  await closeDb();
  await db.dispose();
}
process.exit(0);

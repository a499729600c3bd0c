// `npm run bench:scale`: the documented topology — N stateless Warden data-plane instances on
// one PostgreSQL primary, with a streaming read replica (test/support/streaming-replica.ts: a
// real hot standby of the embedded PostgreSQL 18) — measured here:
//   1. decisions/s with 1, 2 and 3 instances (bench/dataplane-instance.ts, each its own process)
//      under the same total load (64 connections, one load generator per instance spreading it
//      evenly, as a round-robin load balancer would), and CPU per decision of the primary (its
//      postmaster and every backend, from /proc), of the instances and of the replica;
//   2. the dashboard's overview (lib/overview, the same call as bench/queries.ts) timed on the
//      replica at 1M actions (seeded with scripts/seed-volume, streamed to the replica), and on
//      the primary for comparison.
// Prints figures; asserts nothing. The load generators share the machine's cores with
// everything else: on 2 cores more instances can't add CPU, so read the CPU per decision.
//   --seconds S   each measured step (default 8)   --rounds R   alternating rounds (default 2; 0 skips part 1)
//   --actions N   actions seeded for part 2 (default 1000000; 0 skips part 2)
//   --concurrency C   total connections (default 64)
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { runLoadWorker } from "./harness.ts";
import { parseArgs } from "node:util";
import { registerAgent } from "../lib/agents/index.ts";
import { closeDb, pool, replicaStatus } from "../lib/db/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { getOverview } from "../lib/overview/index.ts";
import { createPolicy, policySpecSchema } from "../lib/policies/index.ts";
import { redactionKey, redactionSettings, redactorFor } from "../lib/redaction/index.ts";
import { DEMO_POLICIES } from "../lib/seed/index.ts";
import { ensureSigningKey } from "../lib/signing/index.ts";
import { seedVolume } from "../scripts/seed-volume/index.ts";
import { streamingReplica } from "../test/support/streaming-replica.ts";
import { cpuMs, processTree } from "./process-cpu.ts";

const { values: opt } = parseArgs({
  options: { seconds: { type: "string", default: "8" }, rounds: { type: "string", default: "2" }, actions: { type: "string", default: "1000000" }, concurrency: { type: "string", default: "64" } },
});
const SECONDS = Number(opt.seconds);
const ROUNDS = Number(opt.rounds);
const ACTIONS = Number(opt.actions);
const CONCURRENCY = Number(opt.concurrency);
const root = path.resolve(import.meta.dirname, "..");

type Load = { ok: number; errors: number; seconds: number; rps: number; p50: number; p99: number };

function runLoad(cfg: Record<string, unknown>): Promise<Load> {
  return runLoadWorker<Load>(cfg);
}

function startInstance(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/dataplane-instance.ts")], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, base: `http://127.0.0.1:${m[1]}` });
    });
    child.on("exit", (code) => reject(new Error(`instance exited with ${code}`)));
  });
}

const stopChild = (child: ChildProcess) =>
  new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once("exit", () => r());
    child.kill("SIGTERM");
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

async function timeOverview(runs: number): Promise<{ p50: number; p95: number; max: number; from: string }> {
  for (let i = 0; i < 2; i++) await getOverview();
  const times: number[] = [];
  let from = "";
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const o = await getOverview();
    times.push(performance.now() - t);
    from = o.readFrom.server === "replica" ? `replica (lag ${o.readFrom.lagMs} ms)` : `primary (${o.readFrom.reason})`;
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), max: times[times.length - 1]!, from };
}

async function main() {
  const secret = "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz";
  process.env.NEXTAUTH_SECRET = secret;
  process.env.WARDEN_DATA_DIR = path.join(os.tmpdir(), `warden-bench-scale-${process.pid}`);
  ensureSigningKey("receipts");
  const rs = await streamingReplica();
  const instances: ChildProcess[] = [];
  try {
    process.env.DATABASE_URL = rs.primaryUrl;
    const cohorts = ["pricing", "inventory", "customer-service", "stylist"];
    const keys: string[] = [];
    for (let i = 0; i < 40; i++) {
      const cohort = cohorts[i % 4]!;
      keys.push((await registerAgent({ input: { name: `scale-${cohort}-${i}`, cohort, owner: `${cohort}@maison.example`, riskTier: i % 3 === 0 ? "high" : "medium" }, actor: "system", createdById: null })).apiKey);
    }
    for (const p of DEMO_POLICIES) await createPolicy({ spec: policySpecSchema.parse(p), actor: "system", userId: null });
    await closeBus();
    await closeDb();

    // Every instance: the same database, secrets and data directory (keys), nothing else shared.
    const env = { DATABASE_URL: rs.primaryUrl, DATABASE_REPLICA_URL: rs.replicaUrl, NEXTAUTH_SECRET: secret, WARDEN_DATA_DIR: process.env.WARDEN_DATA_DIR };
    // --rounds 0: only the overview at volume (part 2).
    if (ROUNDS > 0) {
      const started = await Promise.all([1, 2, 3].map(() => startInstance(env)));
      instances.push(...started.map((s) => s.child));
      console.log(`\nWarden scale-out on one PostgreSQL primary (+ a streaming replica) — ${os.cpus().length} cores, ${DEMO_POLICIES.length} policies, 40 agents,`);
      console.log(`${CONCURRENCY} connections in total spread evenly over the instances, load generators on the same machine; ${ROUNDS} rounds of ${SECONDS} s\n`);
      for (const s of started) await runLoad({ url: `${s.base}/v1/actions`, keys, concurrency: 8, seconds: 2 }); // warm-up (JIT, caches)

      type Step = Load & { primaryCpu: number; replicaCpu: number; instanceCpu: number };
      const results = new Map<number, Step[]>([[1, []], [2, []], [3, []]]);
      for (let round = 0; round < ROUNDS; round++) {
        for (const n of round % 2 === 0 ? [1, 2, 3] : [3, 2, 1]) {
          const used = started.slice(0, n);
          const primaryPids = processTree(rs.primaryPid);
          const replicaPids = processTree(rs.replicaPid);
          const instancePids = used.map((s) => s.child.pid!);
          const [p0, r0, i0] = [cpuMs(primaryPids), cpuMs(replicaPids), cpuMs(instancePids)];
          const loads = await Promise.all(
            used.map((s, i) => runLoad({ url: `${s.base}/v1/actions`, keys, concurrency: Math.floor(CONCURRENCY / n) + (i < CONCURRENCY % n ? 1 : 0), seconds: SECONDS })),
          );
          // Backends started during the step count too: read the tree again.
          const [p1, r1, i1] = [cpuMs(processTree(rs.primaryPid)), cpuMs(processTree(rs.replicaPid)), cpuMs(instancePids)];
          const ok = loads.reduce((s, l) => s + l.ok, 0);
          const step: Step = {
            ok,
            errors: loads.reduce((s, l) => s + l.errors, 0),
            seconds: Math.max(...loads.map((l) => l.seconds)),
            rps: loads.reduce((s, l) => s + l.rps, 0),
            p50: median(loads.map((l) => l.p50)),
            p99: Math.max(...loads.map((l) => l.p99)),
            primaryCpu: (p1 - p0) / ok,
            replicaCpu: (r1 - r0) / ok,
            instanceCpu: (i1 - i0) / ok,
          };
          results.get(n)!.push(step);
          console.log(
            `  round ${round + 1}, ${n} instance${n > 1 ? "s" : " "}  ${step.rps.toFixed(0).padStart(6)} decisions/s  p50 ${step.p50.toFixed(2).padStart(6)} ms  p99 ${step.p99.toFixed(2).padStart(6)} ms  errors ${step.errors}   ` +
              `CPU/decision: primary ${step.primaryCpu.toFixed(3)} ms, instances ${step.instanceCpu.toFixed(3)} ms, replica ${step.replicaCpu.toFixed(3)} ms`,
          );
        }
      }
      console.log("\n  medians              decisions/s   p99 ms   primary CPU/decision   instances CPU/decision   replica CPU/decision");
      for (const [n, steps] of results) {
        console.log(
          `  ${n} instance${n > 1 ? "s" : " "}          ${median(steps.map((s) => s.rps)).toFixed(0).padStart(11)}   ${median(steps.map((s) => s.p99)).toFixed(1).padStart(6)}   ${median(steps.map((s) => s.primaryCpu)).toFixed(3).padStart(17)} ms   ${median(steps.map((s) => s.instanceCpu)).toFixed(3).padStart(19)} ms   ${median(steps.map((s) => s.replicaCpu)).toFixed(3).padStart(17)} ms`,
        );
      }
      const three = median(results.get(3)!.map((s) => s.primaryCpu));
      console.log(`  → one primary core carries ~${Math.round(1000 / three).toLocaleString("en")} decisions/s at 3 instances' CPU cost (${three.toFixed(3)} ms each), before its disk or locks do`);
      for (const c of instances.splice(0)) await stopChild(c);
    }

    if (ACTIONS > 0) {
      process.env.DATABASE_URL = rs.primaryUrl;
      console.log(`\nThe dashboard's overview at ${ACTIONS.toLocaleString("en")} actions: seeding the primary (scripts/seed-volume), streamed to the replica…`);
      const { rules } = await redactionSettings();
      const key = redactionKey();
      const seeded = await seedVolume({ events: ACTIONS, redactor: () => redactorFor(rules, key) });
      console.log(`  seeded ${seeded.actions.toLocaleString("en")} actions and ${seeded.auditEvents.toLocaleString("en")} audit events in ${(seeded.ms / 1000).toFixed(0)} s`);
      await pool().query("ANALYZE");
      await closeBus();
      await closeDb();
      process.env.DATABASE_REPLICA_URL = rs.replicaUrl;
      process.env.WARDEN_REPLICA_MAX_LAG_MS = "5000";
      const t0 = Date.now();
      for (;;) {
        const s = await replicaStatus();
        if (s.state === "streaming" && s.lagMs === 0) break;
        if (Date.now() - t0 > 600_000) throw new Error(`the replica did not catch up in 10 min (${JSON.stringify(s)})`);
        await new Promise((r) => setTimeout(r, 1000));
      }
      console.log(`  replica caught up ${((Date.now() - t0) / 1000).toFixed(0)} s after the seed finished`);
      const onReplica = await timeOverview(20);
      console.log(`  overview served from ${onReplica.from}: p50 ${ms(onReplica.p50)} ms, p95 ${ms(onReplica.p95)} ms, max ${ms(onReplica.max)} ms   [target ≤ 300 ms]`);
      await closeDb();
      delete process.env.DATABASE_REPLICA_URL;
      const onPrimary = await timeOverview(20);
      console.log(`  overview served from ${onPrimary.from}: p50 ${ms(onPrimary.p50)} ms, p95 ${ms(onPrimary.p95)} ms, max ${ms(onPrimary.max)} ms   (for comparison)\n`);
    }
  } finally {
    for (const c of instances) await stopChild(c);
    await closeBus();
    await closeDb();
    await rs.dispose();
  }
}

await main();
process.exit(0);

// `npm run bench:peer`: Warden against a dedicated policy engine, Cerbos 0.55 (its Linux server
// from the npm package @cerbos/cerbos-linux-x64), serving the same retail policy set
// (bench/peer-policies.ts: 18 rules — refund limits, price change bounds, PII, hours, resource
// globs) to the same load generator (bench/load-worker.ts, a process of its own), in
// alternating rounds (Warden, Cerbos, then Cerbos, Warden, …) at each concurrency (8 and 64).
//
// Warden: the data plane as one process (bench/dataplane-instance.ts, production defaults,
// receipts signed), every decision committed with its audit event in PostgreSQL before the
// answer. Cerbos: disk policy storage, audit log on (file backend: every access and decision
// appended to a file), its HTTP CheckResources endpoint, request logging at `warn` (its own
// per-request info lines would only slow it down). Cerbos writes nothing durable before it
// answers; Warden does. Both engines must reach the same decisions: the mix is printed for each.
//
// Printed per round and concurrency: decisions/s, p50/p99 latency, CPU milliseconds per decision
// (from /proc: Warden's process, PostgreSQL's processes — the postmaster, its backends and
// the ones it reaped — and Cerbos's process); then medians, the ratios Warden/Cerbos, the
// targets, and the group commit's batch-size distribution (decisions per transaction).
//
// Reading the figures: the load generator, Warden, PostgreSQL and Cerbos share this machine's
// cores (2 here) with whatever else runs on it, so decisions/s and p99 move with other load —
// run it on a quiet machine, compare the medians and the ratios of the same run (alternating
// rounds see the same drift), never figures from different runs. CPU per decision is far
// steadier (it counts the work, not the waiting) and is what to compare across runs and
// changes. Options: --rounds N (3), --seconds S per round (8), --concurrency 8,64,
// --statements (loads pg_stat_statements into the bench's own PostgreSQL and prints Warden's
// statements' cost per decision at each concurrency), --profile DIR (Warden runs with
// `node --cpu-prof`, profiles written to DIR), --only warden|cerbos (one side, for profiling).
// The default run takes about 3 minutes.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { registerAgent } from "../lib/agents/index.ts";
import { freePort, migrate } from "../lib/boot/index.ts";
import { closeDb } from "../lib/db/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { createPolicy } from "../lib/policies/index.ts";
import { benchDatabase, runLoadWorker } from "./harness.ts";
import { cerbosPolicies, PEER_RULES, wardenPolicies } from "./peer-policies.ts";
import { cpuMs, parentOf, pgCpuByRole, treeCpuMs } from "./process-cpu.ts";

const root = path.resolve(import.meta.dirname, "..");
const { values: opt } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "8" },
    concurrency: { type: "string", default: "8,64" },
    statements: { type: "boolean", default: false },
    profile: { type: "string" },
    only: { type: "string" },
  },
});
const ROUNDS = Number(opt.rounds);
const SECONDS = Number(opt.seconds);
const LEVELS = opt.concurrency.split(",").map(Number);

type Load = { ok: number; errors: number; seconds: number; rps: number; p50: number; p99: number; decisions: Record<string, number> };
type Measured = Load & { cpu: Record<string, number>; pgRoles?: Record<string, number> };
type Histogram = { batches: number; decisions: number; buckets: { from: number; to: number; batches: number }[] };

// Everything started here is ended on exit, SIGINT or SIGTERM (Cerbos included).
const children = new Set<ChildProcess>();
let dispose: (() => Promise<void>) | null = null;
let admin: pg.Client | null = null;
async function cleanUp() {
  const a = admin;
  admin = null;
  await a?.end().catch(() => undefined);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
  await Promise.all([...children].map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once("exit", r)))));
  children.clear();
  const d = dispose;
  dispose = null;
  await d?.();
}
/** Set once a signal asked to stop: the run's own errors from then on are the stop's doing. */
let stopping: Promise<void> | null = null;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    console.error(`\n${signal}: stopping Warden, Cerbos and PostgreSQL…`);
    stopping ??= cleanUp().finally(() => process.exit(130));
  });
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

function runLoad(cfg: Record<string, unknown>): Promise<Load> {
  return runLoadWorker<Load>({ bodies: "peer", ...cfg }, track);
}

/** The Warden data plane in its own process; resolves with its URL once it listens. */
async function startWarden(url: string, dataDir: string): Promise<{ base: string; pid: number }> {
  const profile = opt.profile ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(opt.profile)}`] : [];
  const child = track(
    spawn(process.execPath, [...profile, "--import", "tsx", path.join(root, "bench/dataplane-instance.ts")], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, WARDEN_DATA_DIR: dataDir, NEXTAUTH_SECRET: "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz" },
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`Warden exited ${code}`)));
  });
  return { base: `http://127.0.0.1:${port}`, pid: child.pid! };
}

/** Cerbos with the policy set on disk and its audit log on (file backend); resolves once it answers. */
async function startCerbos(dir: string): Promise<{ base: string; pid: number }> {
  const policies = path.join(dir, "policies");
  mkdirSync(policies, { recursive: true });
  for (const [file, body] of Object.entries(cerbosPolicies())) writeFileSync(path.join(policies, file), body);
  const [http, grpc] = [await freePort(), await freePort()];
  const config = path.join(dir, "cerbos.yaml");
  writeFileSync(
    config,
    [
      "server:",
      `  httpListenAddr: "127.0.0.1:${http}"`,
      `  grpcListenAddr: "127.0.0.1:${grpc}"`,
      "storage:",
      "  driver: disk",
      "  disk:",
      `    directory: ${JSON.stringify(policies)}`,
      "    watchForChanges: false",
      "audit:",
      "  enabled: true",
      "  accessLogsEnabled: true",
      "  decisionLogsEnabled: true",
      "  backend: file",
      "  file:",
      `    path: ${JSON.stringify(path.join(dir, "audit.log"))}`,
      "",
    ].join("\n"),
  );
  const bin = path.join(root, "node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64");
  if (!existsSync(bin)) throw new Error(`Cerbos's binary is missing (${path.relative(root, bin)}): run \`npm ci\` (it is a devDependency) and try again`);
  const child = track(spawn(bin, ["server", `--config=${config}`, "--log-level=warn"], { stdio: ["ignore", "ignore", "inherit"] }));
  const base = `http://127.0.0.1:${http}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`Cerbos exited ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/_cerbos/health`)).ok) return { base, pid: child.pid! };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("Cerbos did not start");
}

async function batches(base: string): Promise<Histogram> {
  return (await (await fetch(`${base}/__bench/batches`)).json()) as Histogram;
}

function histogramDiff(a: Histogram, b: Histogram): Histogram {
  const before = new Map(a.buckets.map((x) => [x.from, x.batches]));
  return { batches: b.batches - a.batches, decisions: b.decisions - a.decisions, buckets: b.buckets.map((x) => ({ ...x, batches: x.batches - (before.get(x.from) ?? 0) })).filter((x) => x.batches > 0) };
}

function addHistogram(into: Histogram, h: Histogram) {
  into.batches += h.batches;
  into.decisions += h.decisions;
  for (const x of h.buckets) {
    const y = into.buckets.find((z) => z.from === x.from);
    if (y) y.batches += x.batches;
    else into.buckets.push({ ...x });
  }
  into.buckets.sort((p, q) => p.from - q.from);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (n: number) => n.toFixed(3);
const mix = (d: Record<string, number>) => {
  const total = Object.values(d).reduce((a, b) => a + b, 0) || 1;
  return ["allow", "deny", "pending"].map((k) => `${k} ${(((d[k] ?? 0) / total) * 100).toFixed(1)} %`).join(", ");
};
const perDecision = (cpu: number, r: Load) => (r.ok ? cpu / r.ok : NaN);

function row(label: string, r: Measured) {
  const cpu = Object.entries(r.cpu).map(([k, v]) => `${k} ${ms(perDecision(v, r))}`).join(" + ");
  const total = Object.values(r.cpu).reduce((a, b) => a + b, 0);
  console.log(`  ${label.padEnd(8)} ${r.rps.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms  errors ${r.errors}  CPU/decision ${cpu}${Object.keys(r.cpu).length > 1 ? ` = ${ms(perDecision(total, r))}` : ""} ms  (${mix(r.decisions)})`);
}

type Statement = { query: string; calls: number; total_exec_time: number; total_plan_time: number; shared_blks_hit: number; shared_blks_dirtied: number; wal_bytes: number };

async function main() {
  const t0 = Date.now();
  const settings = opt.statements ? { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track": "top", "pg_stat_statements.max": "10000", "pg_stat_statements.track_planning": "on" } : undefined;
  const db = await benchDatabase(settings);
  dispose = db.dispose;
  const dir = mkdtempSync(path.join(os.tmpdir(), "warden-peer-"));
  const stopDb = dispose;
  dispose = async () => {
    try {
      await stopDb();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  await migrate(db.url);
  const cohorts = ["pricing", "inventory", "customer-service", "stylist"];
  const keys: string[] = [];
  const principals: { id: string; cohort: string; riskTier: string }[] = [];
  for (let i = 0; i < 40; i++) {
    const cohort = cohorts[i % 4]!;
    const riskTier = i % 3 === 0 ? "high" : "medium";
    const { apiKey, agent } = await registerAgent({ input: { name: `peer-${cohort}-${i}`, cohort, owner: `${cohort}@maison.example`, riskTier }, actor: "system", createdById: null });
    keys.push(apiKey);
    principals.push({ id: agent.id, cohort, riskTier });
  }
  for (const spec of wardenPolicies()) await createPolicy({ spec, actor: "system", userId: null });
  await closeBus();
  await closeDb();

  const warden = await startWarden(db.url, path.join(dir, "warden"));
  const cerbos = await startCerbos(path.join(dir, "cerbos"));
  const sql = new pg.Client({ connectionString: db.url });
  admin = sql;
  // PostgreSQL stopping under it (SIGINT) must not crash the clean-up.
  sql.on("error", () => undefined);
  await sql.connect();
  if (opt.statements) await sql.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  const backend = (await sql.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
  const postmaster = parentOf(backend)!;

  console.log(`\nWarden vs Cerbos 0.55 — ${os.cpus().length} cores, ${PEER_RULES.length} rules, 40 agents, ${ROUNDS} alternating rounds of ${SECONDS} s at concurrency ${LEVELS.join(" and ")}, load generator in its own process`);
  console.log("Warden: every decision committed with its audit event before the answer. Cerbos: audit log to a file, nothing durable before the answer.\n");
  await runLoad({ url: `${warden.base}/v1/actions`, keys, concurrency: 8, seconds: 2 }); // warm-up (JIT, pools)
  await runLoad({ url: `${cerbos.base}/api/check/resources`, keys, principals, target: "cerbos", concurrency: 8, seconds: 2 });

  const results = new Map<number, { warden: Measured[]; cerbos: Measured[]; batches: Histogram; statements: Map<string, Statement> }>();
  for (const c of LEVELS) results.set(c, { warden: [], cerbos: [], batches: { batches: 0, decisions: 0, buckets: [] }, statements: new Map() });

  const measureWarden = async (c: number): Promise<Measured> => {
    const into = results.get(c)!;
    if (opt.statements) await sql.query("SELECT pg_stat_statements_reset()");
    const h0 = await batches(warden.base);
    const [w0, p0, roles0] = [cpuMs([warden.pid]), treeCpuMs(postmaster), pgCpuByRole(postmaster)];
    const r = await runLoad({ url: `${warden.base}/v1/actions`, keys, concurrency: c, seconds: SECONDS });
    const cpu = { Warden: cpuMs([warden.pid]) - w0, PostgreSQL: treeCpuMs(postmaster) - p0 };
    const roles1 = pgCpuByRole(postmaster);
    const pgRoles = Object.fromEntries(Object.entries(roles1).map(([k, v]) => [k, v - (roles0[k] ?? 0)]));
    addHistogram(into.batches, histogramDiff(h0, await batches(warden.base)));
    if (opt.statements) {
      const { rows } = await sql.query<Statement>(
        `SELECT query, calls::int, total_exec_time, total_plan_time, shared_blks_hit::int, shared_blks_dirtied::int, wal_bytes::float8 AS wal_bytes FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat_statements%'`,
      );
      for (const s of rows) {
        // Batches of different sizes are different statements to PostgreSQL: group them by their start.
        const k = s.query.replace(/\s+/g, " ").slice(0, 90);
        const y = into.statements.get(k);
        if (!y) into.statements.set(k, { ...s, query: k });
        else for (const f of ["calls", "total_exec_time", "total_plan_time", "shared_blks_hit", "shared_blks_dirtied", "wal_bytes"] as const) y[f] += s[f];
      }
    }
    return { ...r, cpu, pgRoles };
  };
  const measureCerbos = async (c: number): Promise<Measured> => {
    const x0 = cpuMs([cerbos.pid]);
    const r = await runLoad({ url: `${cerbos.base}/api/check/resources`, keys, principals, target: "cerbos", concurrency: c, seconds: SECONDS });
    return { ...r, cpu: { Cerbos: cpuMs([cerbos.pid]) - x0 } };
  };

  for (let round = 0; round < ROUNDS; round++) {
    for (const c of LEVELS) {
      const into = results.get(c)!;
      console.log(`round ${round + 1}, concurrency ${c}:`);
      const order = round % 2 === 0 ? (["warden", "cerbos"] as const) : (["cerbos", "warden"] as const);
      for (const who of order.filter((w) => !opt.only || w === opt.only)) {
        const r = who === "warden" ? await measureWarden(c) : await measureCerbos(c);
        into[who].push(r);
        row(who === "warden" ? "Warden" : "Cerbos", r);
      }
    }
  }

  console.log(`\nMedians of ${ROUNDS} rounds (CPU per decision: all rounds' CPU over all their decisions):`);
  for (const c of LEVELS) {
    const { warden: w, cerbos: x, batches: h, statements } = results.get(c)!;
    const decisions = (rs: Measured[]) => rs.reduce((n, r) => n + r.ok, 0);
    const cpuOf = (rs: Measured[], k: string) => rs.reduce((n, r) => n + (r.cpu[k] ?? 0), 0) / (decisions(rs) || 1);
    const [wr, xr] = [median(w.map((r) => r.rps)), median(x.map((r) => r.rps))];
    const [wCpu, pCpu, xCpu] = [cpuOf(w, "Warden"), cpuOf(w, "PostgreSQL"), cpuOf(x, "Cerbos")];
    const [p99w, p99x] = [median(w.map((r) => r.p99)), median(x.map((r) => r.p99))];
    console.log(`  concurrency ${c}:`);
    console.log(`    Warden ${wr.toFixed(0)}/s  p50 ${median(w.map((r) => r.p50)).toFixed(2)} ms  p99 ${p99w.toFixed(2)} ms  CPU/decision Warden ${ms(wCpu)} + PostgreSQL ${ms(pCpu)} = ${ms(wCpu + pCpu)} ms`);
    console.log(`    Cerbos ${xr.toFixed(0)}/s  p50 ${median(x.map((r) => r.p50)).toFixed(2)} ms  p99 ${p99x.toFixed(2)} ms  CPU/decision Cerbos ${ms(xCpu)} ms`);
    const target = c >= 64 ? `[target ≥ 1.5×; total CPU/decision ≤ 0.40 ms]` : `[target ≥ 1.0×; PostgreSQL CPU/decision ≤ 0.30 ms; Warden p99 ≤ 10 ms]`;
    console.log(`    Warden/Cerbos: decisions/s ${(wr / xr).toFixed(2)}×, p99 ${(p99w / p99x).toFixed(2)}×, CPU/decision ${((wCpu + pCpu) / xCpu).toFixed(2)}×   ${target}`);
    const dist = h.buckets.map((b) => `${b.from === b.to ? b.from : `${b.from}–${b.to}`}: ${((b.batches / (h.batches || 1)) * 100).toFixed(1)} %`).join(", ");
    console.log(`    group commit: ${h.batches} transactions, ${(h.decisions / (h.batches || 1)).toFixed(1)} decisions each on average; batches by size ${dist}`);
    const roles: Record<string, number> = {};
    for (const r of w) for (const [k, v] of Object.entries(r.pgRoles ?? {})) roles[k] = (roles[k] ?? 0) + v;
    const byRole = Object.entries(roles).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
    console.log(`    PostgreSQL CPU/decision by process: ${byRole.map(([k, v]) => `${k} ${ms(v / (decisions(w) || 1))}`).join(", ")} ms`);
    if (opt.statements) {
      const n = decisions(w) || 1;
      const top = [...statements.values()].sort((a, b) => b.total_exec_time + b.total_plan_time - a.total_exec_time - a.total_plan_time).slice(0, 18);
      console.log(`    PostgreSQL statements (pg_stat_statements, top by time; per decision: calls, execution ms, planning ms, buffers hit/dirtied, WAL bytes):`);
      for (const s of top) console.log(`      ${(s.calls / n).toFixed(3).padStart(7)}  ${(s.total_exec_time / n).toFixed(4).padStart(8)} ms  ${(s.total_plan_time / n).toFixed(4).padStart(8)} ms  ${(s.shared_blks_hit / n).toFixed(1).padStart(6)} / ${(s.shared_blks_dirtied / n).toFixed(2).padStart(5)}  ${(s.wal_bytes / n).toFixed(0).padStart(6)} B  ${s.query}`);
    }
  }
  const stored = await sql.query<{ action: string; status: string; n: number }>(`SELECT action, status::text, count(*)::int AS n FROM actions GROUP BY 1, 2 ORDER BY 1, 2`);
  console.log(`\nWarden's stored decisions by action: ${stored.rows.map((r) => `${r.action} ${r.status.toLowerCase()} ${r.n}`).join(", ")}`);
  console.log(`\n(${((Date.now() - t0) / 1000).toFixed(0)} s in all)`);
}

try {
  await main();
} catch (err) {
  if (!stopping) {
    await cleanUp();
    throw err;
  }
}
// Stopped by a signal: its handler finishes the clean-up and exits.
if (stopping) await stopping;
await cleanUp();
process.exit(0);

// `npm run bench:decisions`: throughput and latency of POST /v1/actions (durably audited
// decisions) at rising concurrency and at a fixed 2,000/s, the same through a Next.js route
// handler for reference, policy evaluation alone (also with knowledge lookups), what signing a
// decision receipt costs (alone, and end to end: c=64 with and without receipts), the same load
// without and with containment (10 budgets, 10 breakers, grants on every agent), a halt under
// load on two instances, a budget's exactness under 400 concurrent requests, and a breaker
// tripped by load. Each rising-concurrency row also prints the CPU per decision of the serving
// process and of PostgreSQL (/proc; steadier than throughput on a shared machine: see
// bench/peer.ts). Prints figures; asserts nothing. `--evaluation-only` stops after the
// in-process figures (no server, no build); `--receipts-only` runs only the receipts comparison
// after them, `--halt-probe-only` only the halt probe (bench/halt-probe.ts; `--halt-rounds=N`
// halt calls, default 40). The server runs WARDEN_WORKERS data-plane workers (default: the
// cores) and a control-plane worker.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { benchDatabase, runLoadWorker, startWarden, stop } from "./harness.ts";
import { cpuMs, parentOf, processTree, treeCpuMs } from "./process-cpu.ts";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { registerAgent } from "../lib/agents/index.ts";
import { freePort } from "../lib/boot/index.ts";
import { closeDb } from "../lib/db/index.ts";
import { migrate } from "../lib/boot/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { PublishedSet, type LoadedRecord } from "../lib/knowledge/index.ts";
import { createPolicy, evaluatePolicies, compilePolicy, knowledgeSetsFor, policySpecSchema, type PolicySpec } from "../lib/policies/index.ts";
import { issueReceipt } from "../lib/receipts/index.ts";
import { DEMO_POLICIES } from "../lib/seed/index.ts";
import { ensureSigningKey } from "../lib/signing/index.ts";
import { ensureFirstAdmin } from "../lib/users/index.ts";
import { breakerSpecSchema, createBreaker } from "../lib/breakers/index.ts";
import { addContainment, budgetExactness } from "./containment.ts";
import { haltProbe } from "./halt-probe.ts";

const quick = process.argv.includes("--quick");
const STEP_SECONDS = quick ? 3 : 8;
/** Halt calls in the halt probe (`--halt-rounds=N`): with 40, its p99 is the slowest call; 100 or more give a p99 that isn't just one sample. */
const haltRounds = Number(process.argv.find((a) => a.startsWith("--halt-rounds="))?.split("=")[1] ?? (quick ? 15 : 40));
const ADMIN = { email: "bench@warden.local", password: "bench-password-123" };

type Load = { ok: number; errors: number; rps: number; p50: number; p99: number; max: number; decisions: Record<string, number>; receipts: number; records?: [number, string][]; wardenCpuMs?: number; pgCpuMs?: number };

function runLoad(cfg: Record<string, unknown>): Promise<Load> {
  return runLoadWorker<Load>(cfg);
}

/** 20+ policies of the kind a retail estate runs: the demo set plus per-cohort guards. */
function policySet(): PolicySpec[] {
  const extra: Record<string, unknown>[] = [
    { effect: "deny", target: { actions: ["pricing.set_price"] }, condition: "input.price <= 0.0", message: "Prices must be positive" },
    { effect: "deny", target: { actions: ["pricing.set_price"] }, condition: "input.currency != 'EUR' && input.currency != 'USD'", message: "Unknown currency" },
    { effect: "require_approval", target: { actions: ["pricing.set_price"] }, condition: "input.price > input.currentPrice * 1.5", message: "Price up more than 50 %" },
    { effect: "deny", target: { cohorts: ["pricing"] }, condition: "'outlet' in input.tags && input.price < 10.0", message: "Outlet floor" },
    { effect: "require_approval", target: { actions: ["inventory.reorder"] }, condition: "input.units * input.unitCost > 50000.0", message: "Reorder value over 50k" },
    { effect: "deny", target: { actions: ["inventory.reorder"] }, condition: "input.units <= 0.0", message: "Units must be positive" },
    { effect: "deny", target: { actions: ["inventory.reorder"] }, condition: "input.store.startsWith('closed-')", message: "Store is closed" },
    { effect: "require_approval", target: { actions: ["orders.refund"] }, condition: "input.reason == 'goodwill' && input.amount > 100.0", message: "Goodwill over 100" },
    { effect: "deny", target: { actions: ["orders.refund"] }, condition: "input.amount > 5000.0", message: "Refund cap" },
    { effect: "deny", target: { actions: ["orders.*"] }, condition: "has(context.fraudScore) && context.fraudScore > 0.9", message: "Fraud risk" },
    { effect: "require_approval", target: { cohorts: ["customer-service"] }, condition: "agent.riskTier == 'high' && input.amount > 300.0", message: "High-risk agent refund" },
    { effect: "deny", target: { actions: ["stylist.*"] }, condition: "has(input.items) && input.items.size() > 50", message: "Too many items" },
    { effect: "allow", target: { actions: ["stylist.recommend"] }, condition: "true", message: "Recommendations are low risk" },
    { effect: "deny", mode: "shadow", target: { actions: ["pricing.set_price"] }, condition: "input.discountPct > 25.0", message: "Trial: cap discounts at 25 %" },
    { effect: "require_approval", mode: "shadow", target: { actions: ["inventory.reorder"] }, condition: "input.units > 500", message: "Trial: lower reorder threshold" },
    { effect: "deny", target: { actions: ["pricing.set_price"] }, condition: "now.getHours() == 99", message: "Never (time-based rule shape)" },
  ];
  return [...DEMO_POLICIES, ...extra.map((p, i) => ({ name: `guard-${i + 1}`, priority: 100, ...p }))].map((p) => policySpecSchema.parse(p));
}

/**
 * Policy evaluation with knowledge lookups: 20 policies, 8 of which read two 100,000-record
 * sets through CEL's `data` (lookups, membership, optional lookups), each decision finding the
 * sets it uses and binding them at its time, as lib/decisions does with the cached versions.
 */
function knowledgeEvaluation(base: ReturnType<typeof compilePolicy>[], agent: { id: string; name: string; cohort: string; owner: string; riskTier: string }) {
  const N = 100_000;
  const now = Date.now();
  const rec = (key: string, value: unknown): [string, LoadedRecord] => [key, { key, value, source: "bench", proposedBy: "e", approvedBy: "a", publishedAt: now - 86_400_000, effectiveFrom: null, expiresAt: null, since: 1 }];
  const floors = new PublishedSet({ id: "ks1", name: "price-floors", maxAgeDays: 90, readers: ["pricing"] }, 7, now, new Map(Array.from({ length: N }, (_, i) => rec(`LUX-${i}`, { floor: 50 + (i % 900), currency: i % 3 ? "EUR" : "USD" }))));
  const catalogue = new PublishedSet({ id: "ks2", name: "catalogue", maxAgeDays: 365, readers: ["pricing"] }, 3, now, new Map(Array.from({ length: N }, (_, i) => rec(`LUX-${i}`, { line: i % 7 === 0 ? "flagship" : "core", launched: 2020 + (i % 6), minMargin: 0.2 }))));
  const knowledge = new Map<string, PublishedSet | string>([["price-floors", floors], ["catalogue", catalogue]]);
  const withData: Record<string, unknown>[] = [
    { effect: "deny", condition: `input.sku in data["price-floors"] && input.price < data["price-floors"][input.sku].floor`, message: "Below the approved floor" },
    { effect: "require_approval", condition: `input.sku in data["price-floors"] && input.price < data["price-floors"][input.sku].floor * 1.1`, message: "Near the floor" },
    { effect: "deny", condition: `input.sku in data["price-floors"] && data["price-floors"][input.sku].currency != input.currency`, message: "Floor in another currency" },
    { effect: "deny", condition: `!(input.sku in data.catalogue)`, message: "Not in the catalogue" },
    { effect: "require_approval", condition: `data.catalogue[?input.sku].orValue({"line": "core"}).line == "flagship" && input.discountPct > 20.0`, message: "Flagship discount" },
    { effect: "deny", condition: `input.sku in data.catalogue && data.catalogue[input.sku].launched > 2024.0 && input.discountPct > 40.0`, message: "New line, deep discount" },
    { effect: "require_approval", condition: `input.sku in data.catalogue && input.price < input.currentPrice * (1.0 - data.catalogue[input.sku].minMargin)`, message: "Margin" },
    { effect: "deny", condition: `input.sku in data["price-floors"] && input.price < data["price-floors"][input.sku].floor * 0.5`, message: "Far below the floor" },
  ];
  const dataPolicies = withData.map((p, i) => compilePolicy({ policyId: `k${i}`, versionId: `kv${i}`, version: 1, spec: policySpecSchema.parse({ name: `knowledge-${i + 1}`, target: { actions: ["pricing.set_price"] }, ...p }) }));
  const policies = [...dataPolicies, ...base.slice(0, 20 - dataPolicies.length)];
  const times: number[] = [];
  const runs = quick ? 20_000 : 100_000;
  // Warm-up (JIT, and the garbage of building 200,000 records collected) before timing.
  for (let i = -Math.floor(runs / 5); i < runs; i++) {
    const sku = `LUX-${(i * 7919) % N}`;
    const e = { agent, action: "pricing.set_price", resource: `sku:${sku}`, input: { sku, currentPrice: 900, price: 60 + (i % 1000), currency: "EUR", tags: ["core"], discountPct: i % 50 }, context: {}, now: new Date() };
    const t0 = process.hrtime.bigint();
    const sets = knowledgeSetsFor(policies, e);
    evaluatePolicies(policies, { ...e, knowledge: sets.length ? knowledge : undefined });
    if (i >= 0) times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.floor((p / 100) * times.length)]!;
  console.log(`Policy evaluation with knowledge data (${policies.length} policies, ${dataPolicies.length} reading two ${N.toLocaleString("en")}-record sets, ${runs} evaluations): p50 ${q(50).toFixed(1)} µs, p99 ${q(99).toFixed(1)} µs   [target p99 ≤ 100 µs]\n`);
}

/**
 * What one receipt costs in the decision path (lib/receipts issueReceipt: canonical JSON, SHA-256
 * of the input, an Ed25519 signature with the cached key), on a payload with the policy versions
 * the benchmark's own policies produce, after a warm-up.
 */
function receiptSigningCost(policies: ReturnType<typeof compilePolicy>[], agent: { id: string; name: string; cohort: string; owner: string; riskTier: string }) {
  process.env.WARDEN_DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "warden-bench-receipts-"));
  ensureSigningKey("receipts");
  const runs = quick ? 5_000 : 20_000;
  const input = { sku: "LUX-0042", currentPrice: 180, price: 150, currency: "EUR", tags: ["flagship"], discountPct: 17 };
  const evaluation = evaluatePolicies(policies, { agent, action: "pricing.set_price", resource: "sku:LUX-0042", input, context: {}, now: new Date() });
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = -Math.floor(runs / 5); i < runs; i++) {
    const t0 = process.hrtime.bigint();
    issueReceipt({ actionId: `act_${i}`, agentId: agent.id, action: "pricing.set_price", resource: "sku:LUX-0042", input: { ...input, price: 100 + (i % 80) }, decision: "allow", status: "allowed", policyVersions: evaluation.evaluated, knowledge: [], at: new Date() });
    if (i >= 0) times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.floor((p / 100) * times.length)]!;
  console.log(`Receipt signing alone (issueReceipt: RFC 8785 + SHA-256 + Ed25519, ${evaluation.evaluated.length} policy versions in the payload, ${runs} receipts): p50 ${q(50).toFixed(1)} µs, p99 ${q(99).toFixed(1)} µs, ${((cpu.user + cpu.system) / (runs * 1.2)).toFixed(1)} µs CPU each\n`);
}

/**
 * Receipts end to end: the same closed-loop load at c=64 against an instance signing receipts
 * and one with WARDEN_RECEIPTS=off (same build, same database), in alternating rounds (on, off,
 * off, on, …) so drift on a shared machine hits both alike; medians of the rounds. Also the CPU
 * each decision cost the serving instance and PostgreSQL (/proc), which others' load on the
 * machine disturbs far less than throughput.
 */
async function receiptsComparison(dbUrl: string, secret: string, allKeys: string[], on: { base: string; pid: number }) {
  const offPort = await freePort();
  const offServer = await startWarden(dbUrl, offPort, secret, { WARDEN_RECEIPTS: "off" });
  const c = new pg.Client({ connectionString: dbUrl });
  try {
    await c.connect();
    const backend = (await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    await compareReceipts(allKeys, on, { base: `http://127.0.0.1:${offPort}`, pid: offServer.pid! }, parentOf(backend));
  } finally {
    await c.end();
    await stop(offServer);
  }
}

async function compareReceipts(allKeys: string[], onServer: { base: string; pid: number }, offServer: { base: string; pid: number }, postmaster: number | null) {
  const c = 64;
  const rounds = Number(process.argv.find((a) => a.startsWith("--rounds="))?.split("=")[1] ?? (quick ? 2 : 6));
  const seconds = quick ? 3 : 5;
  console.log(`\nDecision receipts at concurrency ${c} (${rounds} alternating rounds of ${seconds} s each; target: signing adds ≤ 2 ms p99 and costs ≤ 10 % throughput):`);
  for (const s of [onServer, offServer]) await runLoad({ url: `${s.base}/v1/actions`, keys: allKeys, concurrency: 8, seconds: 2 }); // warm-up
  const measured = async (s: { base: string; pid: number }): Promise<Load> => {
    const pgPids = postmaster ? processTree(postmaster) : [];
    const [w0, p0] = [cpuMs(processTree(s.pid)), cpuMs(pgPids)]; // the server's workers are its children
    const r = await runLoad({ url: `${s.base}/v1/actions`, keys: allKeys, concurrency: c, seconds });
    return { ...r, wardenCpuMs: cpuMs(processTree(s.pid)) - w0, pgCpuMs: cpuMs(pgPids) - p0 };
  };
  const on: Load[] = [];
  const off: Load[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ([[on, onServer], [off, offServer]] as const) : ([[off, offServer], [on, onServer]] as const);
    for (const [into, s] of order) into.push(await measured(s));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = (rs: Load[]) => ({
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    warden: rs.reduce((n, r) => n + r.wardenCpuMs!, 0) / rs.reduce((n, r) => n + r.ok, 0),
    pg: rs.reduce((n, r) => n + r.pgCpuMs!, 0) / rs.reduce((n, r) => n + r.ok, 0),
  });
  for (const [label, rs] of [["with receipts", on], ["without (WARDEN_RECEIPTS=off)", off]] as const) {
    for (const [i, r] of rs.entries()) row(`${label}, round ${i + 1}`, r);
  }
  const [a, b] = [summary(on), summary(off)];
  const receipted = on.reduce((n, r) => n + r.receipts, 0);
  const answered = on.reduce((n, r) => n + r.ok, 0);
  const cpu = (x: typeof a) => `CPU/decision Warden ${x.warden.toFixed(3)} + PostgreSQL ${x.pg.toFixed(3)} = ${(x.warden + x.pg).toFixed(3)} ms`;
  console.log(`  medians   with: ${a.rps.toFixed(0)}/s p50 ${a.p50.toFixed(2)} ms p99 ${a.p99.toFixed(2)} ms   ${cpu(a)}`);
  console.log(`         without: ${b.rps.toFixed(0)}/s p50 ${b.p50.toFixed(2)} ms p99 ${b.p99.toFixed(2)} ms   ${cpu(b)}`);
  console.log(`  receipts add ${(a.p99 - b.p99).toFixed(2)} ms at p99 [target ≤ 2 ms] and cost ${(((b.rps - a.rps) / b.rps) * 100).toFixed(1)} % throughput [target ≤ 10 %]`);
  const extra = a.warden + a.pg - (b.warden + b.pg);
  console.log(`  by CPU: ${(extra * 1000).toFixed(0)} µs more per decision = ${((extra / (a.warden + a.pg)) * 100).toFixed(1)} % of the throughput of a CPU-bound machine; ${receipted} of ${answered} answers carried a receipt, ${off.reduce((n, r) => n + r.receipts, 0)} without`);
}

function row(label: string, r: Load) {
  const d = Object.entries(r.decisions).map(([k, v]) => `${k} ${v}`).join(", ");
  const cpu = r.wardenCpuMs !== undefined && r.ok ? `   CPU/decision ${(r.wardenCpuMs / r.ok).toFixed(3)} + PG ${((r.pgCpuMs ?? 0) / r.ok).toFixed(3)} ms` : "";
  console.log(`  ${label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)}/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   errors ${r.errors}${cpu}   (${d})`);
}

/** The load's figures with the CPU the server process and PostgreSQL's processes spent on it (/proc). */
async function withCpu(server: number, postmaster: number | null, load: () => Promise<Load>): Promise<Load> {
  const [w0, p0] = [cpuMs([server]), postmaster ? treeCpuMs(postmaster) : 0];
  const r = await load();
  return { ...r, wardenCpuMs: cpuMs([server]) - w0, pgCpuMs: postmaster ? treeCpuMs(postmaster) - p0 : 0 };
}

/** The postmaster of the database at `url` (the parent of a backend). */
async function postmasterOf(url: string): Promise<number | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return parentOf((await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);
  } finally {
    await c.end();
  }
}

async function main() {
  const db = await benchDatabase();
  const servers: ChildProcess[] = [];
  try {
    await migrate(db.url);
    await ensureFirstAdmin(ADMIN);
    const cohorts = ["pricing", "inventory", "customer-service", "stylist"];
    const keys: Record<string, string[]> = {};
    const agents: { id: string; cohort: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const cohort = cohorts[i % 4]!;
      const { apiKey, agent } = await registerAgent({ input: { name: `bench-${cohort}-${i}`, cohort, owner: `${cohort}@maison.example`, riskTier: i % 3 === 0 ? "high" : "medium" }, actor: "system", createdById: null });
      (keys[cohort] ??= []).push(apiKey);
      agents.push({ id: agent.id, cohort });
    }
    const allKeys = Object.values(keys).flat();
    const specs = policySet();
    for (const spec of specs) await createPolicy({ spec, actor: "system", userId: null });
    console.log(`\nWarden decision benchmark — ${os.cpus().length} cores, ${specs.length} policies, 40 agents, load generator in a separate process on the same machine\n`);

    // Policy evaluation alone.
    const compiled = specs.filter((s) => s.stage === "pre").map((spec, i) => compilePolicy({ policyId: `p${i}`, versionId: `v${i}`, version: 1, spec }));
    const agent = { id: "agt_x", name: "bench-pricing-0", cohort: "pricing", owner: "pricing@maison.example", riskTier: "high" };
    const inputs = [
      { action: "pricing.set_price", input: { sku: "LUX-1", currentPrice: 180, price: 150, currency: "EUR", tags: ["flagship"], discountPct: 17 } },
      { action: "inventory.reorder", input: { sku: "LUX-2", store: "store-3", units: 300, unitCost: 42.5 } },
      { action: "orders.refund", input: { orderId: "1", amount: 320.5, currency: "EUR", reason: "damaged" } },
    ];
    const evalTimes: number[] = [];
    for (let i = 0; i < (quick ? 20_000 : 100_000); i++) {
      const s = inputs[i % 3]!;
      const t0 = process.hrtime.bigint();
      evaluatePolicies(compiled, { agent, action: s.action, resource: "", input: s.input, context: {}, now: new Date() });
      evalTimes.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    evalTimes.sort((a, b) => a - b);
    const q = (p: number) => evalTimes[Math.floor((p / 100) * evalTimes.length)]!;
    console.log(`Policy evaluation alone (${compiled.length} pre-stage policies, ${evalTimes.length} evaluations): p50 ${q(50).toFixed(1)} µs, p99 ${q(99).toFixed(1)} µs   [target p99 ≤ 100 µs]`);
    knowledgeEvaluation(compiled, agent);
    receiptSigningCost(compiled, agent);
    if (process.argv.includes("--evaluation-only")) return;
    await closeBus();
    await closeDb();

    const secret = "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz";
    const port1 = await freePort();
    const server1 = await startWarden(db.url, port1, secret);
    servers.push(server1);
    const base1 = `http://127.0.0.1:${port1}`;
    const postmaster = await postmasterOf(db.url);
    const probe = async () => {
      const admin = (await (await fetch(`${base1}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) })).json()) as { token: string };
      await haltProbe({ base: base1, token: admin.token, dbUrl: db.url, keys: allKeys, cohort: "pricing", runLoad, rounds: haltRounds, concurrency: 128 });
    };
    if (process.argv.includes("--halt-probe-only")) return await probe();
    if (process.argv.includes("--receipts-only")) {
      await receiptsComparison(db.url, secret, allKeys, { base: base1, pid: server1.pid! });
      return;
    }

    for (const [label, url] of [["data plane  POST /v1/actions", `${base1}/v1/actions`], ["Next.js route handler (reference)", `${base1}/api/bench/actions`]] as const) {
      console.log(label.startsWith("data") ? "Lean data plane (node:http), every decision committed with its audit event before the answer:" : "\nThe same work in a Next.js App Router route handler:");
      await runLoad({ url, keys: allKeys, concurrency: 8, seconds: 2 }); // warm-up
      for (const c of quick ? [1, 32, 128] : [1, 8, 32, 64, 128, 256]) row(`concurrency ${c}`, await withCpu(server1.pid!, postmaster, () => runLoad({ url, keys: allKeys, concurrency: c, seconds: STEP_SECONDS })));
      for (const rate of label.startsWith("data") ? [2000] : [1000, 2000]) row(`fixed rate ${rate}/s`, await withCpu(server1.pid!, postmaster, () => runLoad({ url, keys: allKeys, concurrency: 256, seconds: STEP_SECONDS, rate })));
    }
    await receiptsComparison(db.url, secret, allKeys, { base: base1, pid: server1.pid! });
    await probe();

    // Containment's cost: the same load, alternating without and with it (so drift in the
    // machine's load affects both alike).
    console.log("\nContainment: the same load (data plane, concurrency 64) without and with 10 budgets, 10 breakers and grants on every agent:");
    const without: Load[] = [];
    const withIt: Load[] = [];
    for (let round = 0; round < 2; round++) {
      await runLoad({ url: `${base1}/v1/actions`, keys: allKeys, concurrency: 8, seconds: 2 }); // warm-up
      const a = await runLoad({ url: `${base1}/v1/actions`, keys: allKeys, concurrency: 64, seconds: STEP_SECONDS });
      row(`without containment (run ${round + 1})`, a);
      without.push(a);
      const remove = await addContainment(agents);
      await runLoad({ url: `${base1}/v1/actions`, keys: allKeys, concurrency: 8, seconds: 2 });
      const b = await runLoad({ url: `${base1}/v1/actions`, keys: allKeys, concurrency: 64, seconds: STEP_SECONDS });
      row(`with containment (run ${round + 1})`, b);
      withIt.push(b);
      await remove();
    }
    const mean = (xs: Load[]) => xs.reduce((s, x) => s + x.rps, 0) / xs.length;
    console.log(`  with / without: ${mean(withIt).toFixed(0)}/s / ${mean(without).toFixed(0)}/s = ${((mean(withIt) / mean(without)) * 100).toFixed(1)} %   [target ≥ 85 %]`);

    // Halt under load, two instances on one database.
    const port2 = await freePort();
    servers.push(await startWarden(db.url, port2, secret));
    const base2 = `http://127.0.0.1:${port2}`;
    const login = (await (await fetch(`${base1}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) })).json()) as { token: string };
    const pricing = keys.pricing!;
    const loads = [base1, base2].map((b) => runLoad({ url: `${b}/v1/actions`, keys: pricing, concurrency: 48, seconds: 6, record: true }));
    await new Promise((r) => setTimeout(r, 3000));
    const t0 = Date.now();
    const haltRes = await fetch(`${base2}/api/cohorts/pricing/halt`, { method: "POST", headers: { authorization: `Bearer ${login.token}`, "content-type": "application/json" }, body: JSON.stringify({ reason: "benchmark: pricing incident" }) });
    const returnedAt = Date.now();
    const results = await Promise.all(loads);
    const after = results.flatMap((r) => r.records!.filter(([sentAt]) => sentAt >= returnedAt));
    const lateAllows = after.filter(([, d]) => d === "allow").length;
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const dbLate = (await c.query(`SELECT count(*)::int AS n FROM actions WHERE cohort = 'pricing' AND status = 'ALLOWED' AND created_at > $1`, [new Date(returnedAt)])).rows[0].n as number;
    await c.end();
    console.log(`\nHalt under load (two instances, 96 connections, cohort "pricing"):`);
    console.log(`  halt call answered ${haltRes.status} in ${returnedAt - t0} ms   [target ≤ 100 ms]`);
    console.log(`  requests sent after it returned: ${after.length}, allowed: ${lateAllows}; allowed actions recorded after it: ${dbLate}   [target 0]`);
    for (const [i, r] of results.entries()) row(`instance ${i + 1} during the halt run`, r);

    console.log(`\nBudget exactness (two instances):`);
    console.log(await budgetExactness([base1, base2]));

    // A breaker tripped by load: the inventory cohort asking more than 400 times in 10 s opens it
    // (evaluated by whichever instance gets there first). Nothing it covers may be allowed
    // after the opening committed.
    const inv = keys.inventory!;
    const brk = await createBreaker({ spec: breakerSpecSchema.parse({ name: "bench-inventory-trip", scope: { cohort: "inventory" }, metric: "action_rate", windowSeconds: 10, threshold: 400, minSamples: 1 }), actor: "system", userId: null });
    const tripLoads = [base1, base2].map((b) => runLoad({ url: `${b}/v1/actions`, keys: inv, concurrency: 48, seconds: 6, record: true }));
    const tripped = await Promise.all(tripLoads);
    const c2 = new pg.Client({ connectionString: db.url });
    await c2.connect();
    const opened = (await c2.query<{ opened_at: Date | null }>(`SELECT opened_at FROM breakers WHERE id = $1`, [brk.id])).rows[0]!.opened_at;
    if (!opened) console.log("\nBreaker under load: it did not trip (the load was too light for 400 actions in 10 s)");
    else {
      const late = (await c2.query<{ n: number }>(`SELECT count(*)::int AS n FROM actions WHERE cohort = 'inventory' AND status IN ('ALLOWED', 'PENDING') AND created_at > $1`, [opened])).rows[0]!.n;
      const sentAfter = tripped.flatMap((r) => r.records!.filter(([sentAt]) => sentAt > opened.getTime()));
      console.log(`\nBreaker tripped by load (two instances, 96 connections, cohort "inventory", more than 400 actions in 10 s):`);
      console.log(`  opened at ${opened.toISOString()}; requests sent after: ${sentAfter.length}, allowed: ${sentAfter.filter(([, d]) => d === "allow").length}; allowed or pending actions recorded after it: ${late}   [target 0]`);
    }
    await c2.end();
  } finally {
    for (const s of servers) await stop(s);
    await closeBus();
    await closeDb();
    await db.dispose();
  }
  process.exit(0);
}

await main();

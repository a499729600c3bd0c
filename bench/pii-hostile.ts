// `npm run bench:pii-hostile`: what PII redaction costs on hostile bodies, and whether a halt
// waits for it. Three parts:
//  1. Per hostile 78 KiB body (input 62 KiB + context 15 KiB, every string a run of phone-like
//     digit groups): the request's detection work units (lib/redaction/budget.ts), CPU time
//     (process.cpuUsage, so other load on the machine doesn't count) and the outcome: redacted,
//     or refused with 413 `pii_scan_too_costly` past REQUEST_WORK_BUDGET.
//  2. Throughput on legitimate dense bodies (MB/s of CPU time).
//  3. End to end on a real PostgreSQL (embedded, migrated): the data plane (lib/dataplane, as
//     server.ts mounts it) in this process; 8 clients POST hostile bodies to /v1/actions at
//     once, and while they are in flight the real `halt()` (lib/killswitch) is called in the
//     same process: its latency, against the same halt on an idle process.
// Figures are for the machine it runs on; nothing here is asserted.
//
//   --rounds N   rounds of part 3 (default 3); the worst halt latency is printed too
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { registerAgent } from "../lib/agents/index.ts";
import { handleDataPlane } from "../lib/dataplane/index.ts";
import { ensureSigningKey } from "../lib/signing/index.ts";
import { closeDb } from "../lib/db/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { halt, resume } from "../lib/killswitch/index.ts";
import { DEFAULT_REDACTION_RULES, redactorFor, REQUEST_WORK_BUDGET, ScanBudget, turnStats } from "../lib/redaction/index.ts";
import { killablePostgres } from "../test/support/killable-postgres.ts";

const { values: opt } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const ROUNDS = Number(opt.rounds);
if (!(ROUNDS >= 1 && ROUNDS <= 20)) {
  console.error("--rounds must be between 1 and 20");
  process.exit(64);
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
/** Items joined by `sep` up to `size` characters. */
const fill = (size: number, item: (i: number) => string, sep: string) => {
  const parts: string[] = [];
  for (let i = 0, len = 0; len + 16 < size; i++) {
    const s = item(i);
    parts.push(s);
    len += s.length + sep.length;
  }
  return parts.join(sep);
};
const INPUT = 62 * 1024;
const CONTEXT = 15 * 1024;
const SHAPES: [string, (size: number) => string][] = [
  ["French mobiles, grouped, one run", (n) => fill(n, (i) => `06 12 ${pad(Math.floor(i / 10000) % 100, 2)} ${pad(Math.floor(i / 100) % 100, 2)} ${pad(i % 100, 2)}`, " ")],
  ["French mobiles, compact, one run", (n) => fill(n, (i) => `0612${pad(i, 6)}`, " ")],
  ["US numbers, dashed, one run", (n) => fill(n, (i) => `415-555-${pad(i % 10000, 4)}`, " ")],
  ["'00' groups (no phone at all)", (n) => fill(n, () => "00", " ")],
  ["single digits", (n) => fill(n, (i) => String(i % 10), " ")],
  ["random 2-digit groups", (n) => {
    let seed = 7;
    return fill(n, () => pad((seed = (seed * 1103515245 + 12345) % 2147483648) % 100, 2), " ");
  }],
];
const hostileBody = (make: (size: number) => string) => ({ action: "crm.import", input: { notes: make(INPUT) }, context: { extra: make(CONTEXT) } });

const key = new TextEncoder().encode("pii-hostile-bench-key-0123456789");

function scan(body: { input: unknown; context: unknown }): { units: number; cpuMs: number; outcome: string } {
  const budget = new ScanBudget();
  const r = redactorFor(DEFAULT_REDACTION_RULES, key, budget);
  const t0 = process.cpuUsage();
  let outcome: string;
  try {
    r.document("input", body.input);
    r.document("context", body.context);
    outcome = `redacted ${r.redactions.length} values`;
  } catch (e) {
    outcome = `refused: ${(e as { code?: string }).code ?? String(e)}`;
  }
  const u = process.cpuUsage(t0);
  return { units: budget.used, cpuMs: (u.user + u.system) / 1000, outcome };
}

async function main() {
  console.log(`Part 1 — hostile 78 KiB bodies (budget ${REQUEST_WORK_BUDGET} units per request; WARDEN_PHONE_REGION=${process.env.WARDEN_PHONE_REGION ?? "default"})\n`);
  console.log(`${"body".padEnd(36)} ${"KiB".padStart(5)} ${"units".padStart(7)} ${"CPU ms".padStart(8)}  outcome`);
  let worst = 0;
  for (const [name, make] of SHAPES) {
    const body = hostileBody(make);
    const r = scan(body);
    worst = Math.max(worst, r.cpuMs);
    console.log(`${name.padEnd(36)} ${(JSON.stringify(body).length / 1024).toFixed(0).padStart(5)} ${String(r.units).padStart(7)} ${r.cpuMs.toFixed(0).padStart(8)}  ${r.outcome}`);
  }
  console.log(`worst CPU time per hostile body: ${worst.toFixed(0)} ms\n`);

  console.log("Part 2 — throughput on legitimate bodies\n");
  const legit: [string, { input: unknown; context: unknown }][] = [
    ["1,000 French mobiles, comma list", { input: { contacts: fill(12_000, (i) => `0612${pad(i, 6)}`, ", ") }, context: {} }],
    ["orders, SKUs, prices, one phone", { input: { lines: Array.from({ length: 400 }, (_, i) => ({ sku: `SKU-${100000 + i}`, order: `ORD-2026-${pad(i, 6)}`, price: `${(i * 1.37).toFixed(2)} €`, note: i === 7 ? "call 06 12 34 56 78" : "deliver before 2026-12-01" })) }, context: {} }],
  ];
  for (const [name, body] of legit) {
    const size = JSON.stringify(body).length;
    let cpu = 0;
    let r = scan(body);
    for (let k = 0; k < 5; k++) cpu += (r = scan(body)).cpuMs;
    cpu /= 5;
    console.log(`${name.padEnd(36)} ${(size / 1024).toFixed(0).padStart(4)} KiB ${String(r.units).padStart(6)} units ${cpu.toFixed(1).padStart(7)} ms  ${(size / 1e6 / (cpu / 1000)).toFixed(2).padStart(6)} MB/s  ${r.outcome}`);
  }

  console.log("\nPart 3 — halt latency while 8 hostile bodies are in flight (real PostgreSQL, data plane in this process)\n");
  process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz";
  const db = await killablePostgres();
  process.env.DATABASE_URL = db.url;
  // Decisions are signed (receipts): the key `npm start`'s jobs would otherwise have made sure of.
  ensureSigningKey("receipts");
  const server = http.createServer((req, res) => void handleDataPlane(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const { apiKey, agent } = await registerAgent({ input: { name: "pii-hostile-bench", cohort: "crm", owner: "bench@maison.example" }, actor: "system", createdById: null });
    const timedHalt = async () => {
      const t0 = performance.now();
      await halt({ scope: { kind: "agent", agentId: agent.id }, reason: "bench", actor: "bench" });
      const ms = performance.now() - t0;
      await resume({ scope: { kind: "agent", agentId: agent.id }, actor: "bench" });
      return ms;
    };
    await timedHalt(); // warm the pool and the statements
    const idle: number[] = [];
    for (let k = 0; k < 5; k++) idle.push(await timedHalt());
    console.log(`halt on an idle process: median ${idle.sort((a, b) => a - b)[2]!.toFixed(1)} ms`);
    const bodies = SHAPES.slice(0, 4).map(([, make]) => JSON.stringify(hostileBody(make)));
    const latencies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const turns0 = turnStats.taken;
      const statuses = new Map<number, number>();
      const inFlight = Array.from({ length: 8 }, (_, k) =>
        fetch(`${base}/v1/actions`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: bodies[k % bodies.length] }).then(async (res) => {
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }),
      );
      // The halt starts once the first request's redaction has begun: the others are queued.
      while (turnStats.taken === turns0) await new Promise((r) => setImmediate(r));
      const ms = await timedHalt();
      const during = turnStats.taken - turns0;
      await Promise.all(inFlight);
      latencies.push(ms);
      console.log(`round ${round + 1}: halt answered in ${ms.toFixed(0)} ms; redaction turns begun by then: ${during} of 8; responses ${[...statuses].map(([s, n]) => `${s}×${n}`).join(" ")}`);
    }
    console.log(`halt latency with 8 hostile bodies in flight: median ${latencies.sort((a, b) => a - b)[Math.floor(latencies.length / 2)]!.toFixed(0)} ms, worst ${Math.max(...latencies).toFixed(0)} ms`);
  } finally {
    server.close();
    await closeBus();
    await closeDb();
    await db.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

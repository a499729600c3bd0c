// `npm run bench:outage`: decisions under load while PostgreSQL is killed (SIGKILL, every
// backend) and restarted. The data plane runs in its own process with the production defaults
// (WARDEN_DB_TIMEOUT_MS 2000, WARDEN_DECISION_TIMEOUT_MS 3000); agents retry a 503 with the
// same idempotency key after 50 ms (harder than the SDK, which waits for Retry-After).
// Prints latency before, during and after the outage, the time back to normal, and checks
// that every answered decision is stored once. Prints figures; asserts nothing.
// Options: --workers N (32), --before S (5), --outage S (5), --after S (10).
import { parseArgs } from "node:util";
import { registerAgent } from "../lib/agents/index.ts";
import { closeDb, pool } from "../lib/db/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { killablePostgres } from "../test/support/killable-postgres.ts";
import { spawnInstance } from "../test/support/spawn-instance.ts";

const { values: opt } = parseArgs({ options: { workers: { type: "string", default: "32" }, before: { type: "string", default: "5" }, outage: { type: "string", default: "5" }, after: { type: "string", default: "10" } } });
const WORKERS = Number(opt.workers);
const [BEFORE, OUTAGE, AFTER] = [Number(opt.before) * 1000, Number(opt.outage) * 1000, Number(opt.after) * 1000];

type Sample = { at: number; ms: number; status: number; code?: string; key: string; id?: string };

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const f = (n: number) => (Number.isNaN(n) ? "—" : n >= 100 ? n.toFixed(0) : n.toFixed(1));
const line = (label: string, xs: Sample[]) => {
  const ms = xs.map((x) => x.ms);
  const by = new Map<number, number>();
  for (const x of xs) by.set(x.status, (by.get(x.status) ?? 0) + 1);
  const statuses = [...by].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(" ");
  return `${label.padEnd(34)} ${String(xs.length).padStart(6)}  p50 ${f(pct(ms, 50)).padStart(6)}  p95 ${f(pct(ms, 95)).padStart(6)}  p99 ${f(pct(ms, 99)).padStart(6)}  max ${f(ms.length ? Math.max(...ms) : NaN).padStart(6)} ms   ${statuses}`;
};
const until = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

async function main() {
  process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz";
  const db = await killablePostgres();
  process.env.DATABASE_URL = db.url;
  const { apiKey, agent } = await registerAgent({ input: { name: "outage-bench", cohort: "pricing", owner: "bench@maison.example" }, actor: "system", createdById: null });
  await closeBus();
  await closeDb();
  const instance = await spawnInstance();
  const samples: Sample[] = [];
  let stop = false;
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const key = `${w}-${i}`;
      for (;;) {
        const t0 = performance.now();
        let status = 0;
        let body: { id?: string; error?: { code: string } } = {};
        try {
          const res = await fetch(`${instance.base}/v1/actions`, {
            method: "POST",
            headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
            body: JSON.stringify({ action: "pricing.set_price", input: { sku: `SKU-${w}`, price: 100 + i }, idempotencyKey: key }),
          });
          status = res.status;
          body = (await res.json()) as typeof body;
        } catch {
          status = 0; // no answer at all
        }
        samples.push({ at: Date.now(), ms: performance.now() - t0, status, code: body.error?.code, key, id: body.id });
        if (status === 200 || stop) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  console.log(`\nWarden decisions while PostgreSQL is killed and restarted — ${WORKERS} agents, data plane in its own process\n`);
  const load = Array.from({ length: WORKERS }, (_, w) => worker(w));
  // Warm up (policies, identities, JIT): the baseline starts after 10 answers per agent.
  while (samples.filter((s) => s.status === 200).length < WORKERS * 10) await new Promise((r) => setTimeout(r, 20));
  const t0 = Date.now();
  await until(t0 + BEFORE);
  const killedAt = Date.now();
  await db.kill();
  await until(killedAt + OUTAGE);
  const restartCalled = Date.now();
  await db.restart();
  const restartedAt = Date.now();
  await until(restartedAt + AFTER);
  stop = true;
  await Promise.all(load);

  const between = (a: number, b: number) => samples.filter((s) => s.at >= a && s.at < b);
  const baseline = between(t0, killedAt);
  const outage = between(killedAt, restartedAt);
  console.log(line("before (steady)", baseline));
  console.log(line("database down (kill → back up)", outage));
  console.log(line("  503 unavailable", outage.filter((s) => s.status === 503)));
  console.log(line("  200 (committed before the kill / once up)", outage.filter((s) => s.status === 200)));
  const firstOk = samples.find((s) => s.at >= restartCalled && s.status === 200);
  console.log(`\nPostgreSQL restart (crash recovery) took ${((restartedAt - restartCalled) / 1000).toFixed(1)} s; the outage lasted ${((restartedAt - killedAt) / 1000).toFixed(1)} s`);
  const sinceBack = firstOk ? firstOk.at - restartedAt : NaN;
  console.log(
    `first decision answered 200 ${firstOk ? `${firstOk.at - restartCalled} ms after the restart began, ${sinceBack >= 0 ? "+" : ""}${sinceBack} ms from the database accepting connections again` : "never"}\n`,
  );
  const p95Base = pct(baseline.map((s) => s.ms), 95);
  let normalAt: number | null = null;
  for (let t = restartedAt; t < restartedAt + AFTER; t += 1000) {
    const w = between(t, t + 1000);
    console.log(line(`after restart +${(t - restartedAt) / 1000}–${(t - restartedAt) / 1000 + 1} s`, w));
    const ok = w.length > 0 && w.every((s) => s.status === 200) && pct(w.map((s) => s.ms), 95) <= Math.max(2 * p95Base, p95Base + 20);
    if (ok && normalAt === null) normalAt = t - restartedAt;
  }
  console.log(`\nback to normal (a whole second of 200s with p95 ≤ max(2 × ${f(p95Base)} ms, +20 ms)): ${normalAt === null ? "not within the run" : `in the second starting ${normalAt / 1000} s after the database was back`}`);

  const answered = new Map(samples.filter((s) => s.status === 200).map((s) => [s.key, s.id!]));
  process.env.DATABASE_URL = db.url;
  const { rows } = await pool().query<{ id: string; events: number }>(
    `SELECT a.id, (SELECT count(*)::int FROM audit_events e WHERE e.kind = 'action.decided' AND e.subject = 'action:' || a.id) AS events FROM actions a WHERE a.agent_id = $1`,
    [agent.id],
  );
  const stored = new Map(rows.map((r) => [r.id, r.events]));
  const lost = [...answered.values()].filter((id) => stored.get(id) !== 1).length;
  const other = samples.filter((s) => s.status !== 200 && s.status !== 503);
  console.log(`answered 200: ${answered.size}, stored with one audit event: ${answered.size - lost}, lost: ${lost}; stored in all (incl. answered 503 whose commit landed): ${rows.length}`);
  console.log(`answers other than 200/503: ${other.length}${other.length ? ` (${[...new Set(other.map((s) => `${s.status} ${s.code ?? ""}`))].join(", ")})` : ""}\n`);
  await closeDb();
  await instance.stop();
  await db.dispose();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

// The halt probe of `npm run bench:decisions`: how fast a halt call answers while the data plane
// is saturated, and where the time goes. Closed-loop load on every cohort keeps all workers busy;
// meanwhile, round after round, a cohort is halted through the control-plane API (and resumed),
// timed, beside two references timed at the same moment: a control-plane GET that only reads
// (GET /api/health: Next.js routing + one query — the worker's queueing) and HALT_LOCK taken
// exclusively straight from PostgreSQL (what waiting behind in-flight decision batches costs).
// Each halt is checked for exactness: no allowed action of the halted cohort recorded after the
// call returned. Before the load, a few unloaded halts: the first after start is reported apart
// (the first run of its code), so the loaded percentiles measure saturation, not a cold start.
import pg from "pg";
import { HALT_LOCK } from "../lib/killswitch/index.ts";

type LoadResult = { ok: number; errors: number; rps: number; p50: number; p99: number };
type RunLoad = (cfg: Record<string, unknown>) => Promise<LoadResult>;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(0).padStart(4)} ms   p99 ${pct(xs, 99).toFixed(0).padStart(4)} ms   max ${Math.max(...xs).toFixed(0).padStart(4)} ms`;

/**
 * Runs `rounds` halt/resume cycles of `cohort` on the Warden at `base` (admin bearer `token`)
 * under closed-loop load (`concurrency` connections over `keys`, all cohorts), and prints the
 * halt call's latency (p50/p99/max), the two references, the data plane's throughput meanwhile,
 * and the exactness check. Target: halt p99 ≤ 100 ms.
 */
export async function haltProbe(opts: { base: string; token: string; dbUrl: string; keys: string[]; cohort: string; runLoad: RunLoad; rounds: number; concurrency: number }): Promise<void> {
  const { base, token, cohort } = opts;
  const db = new pg.Client({ connectionString: opts.dbUrl });
  await db.connect();
  const lockClient = new pg.Client({ connectionString: opts.dbUrl });
  await lockClient.connect();
  const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
    const t0 = performance.now();
    const out = await fn();
    return [performance.now() - t0, out];
  };
  const halts: number[] = [];
  const health: number[] = [];
  const locks: number[] = [];
  // The general pool a halt runs on (application_name "warden"; decisions have their own,
  // "warden-decisions"): sampled at each halt, to see whether a halt could wait for a slot.
  const poolBusy: number[] = [];
  const poolOpen: number[] = [];
  let lateAllowed = 0;
  let failed = 0;
  try {
    // Before any load: the first halt after start (the first run of its code in the worker that
    // serves the control plane), then a few more, and the read-only reference — the floor the
    // loaded figures compare with. Reported apart: a first call is not saturation.
    const unloaded: { health: number; halt: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const [health] = await timed(() => fetch(`${base}/api/health`).then((r) => r.text()));
      const [halt] = await timed(() => post(`/api/cohorts/${cohort}/halt`, { reason: `halt probe, unloaded ${i + 1}` }).then((r) => r.text()));
      await (await post(`/api/cohorts/${cohort}/resume`, { reason: "halt probe" })).text();
      unloaded.push({ health, halt });
    }
    await opts.runLoad({ url: `${base}/v1/actions`, keys: opts.keys, concurrency: 8, seconds: 2 }); // warm-up
    let loading = true;
    const seconds = Math.ceil(opts.rounds * 0.8) + 4;
    const load = opts.runLoad({ url: `${base}/v1/actions`, keys: opts.keys, concurrency: opts.concurrency, seconds }).finally(() => (loading = false));
    await new Promise((r) => setTimeout(r, 2000)); // saturated before the first halt
    for (let round = 0; round < opts.rounds && loading; round++) {
      // The lock reference first (it would queue behind the halt, or the halt behind it), then
      // the halt and the read-only reference together.
      const [lockMs] = await timed(async () => {
        await lockClient.query("BEGIN");
        await lockClient.query(`SELECT pg_advisory_xact_lock(${HALT_LOCK})`);
        await lockClient.query("ROLLBACK");
      });
      const sample = db.query<{ open: number; busy: number }>(`SELECT count(*)::int AS open, count(*) FILTER (WHERE state <> 'idle')::int AS busy FROM pg_stat_activity WHERE application_name = 'warden'`);
      const [[haltMs, res], [healthMs], pools] = await Promise.all([
        timed(() => post(`/api/cohorts/${cohort}/halt`, { reason: `halt probe round ${round + 1}` })),
        timed(() => fetch(`${base}/api/health`).then((r) => r.text())),
        sample,
      ]);
      poolBusy.push(pools.rows[0]!.busy);
      poolOpen.push(pools.rows[0]!.open);
      const returnedAt = new Date();
      await res.text();
      if (res.status !== 200) failed++;
      else halts.push(haltMs);
      health.push(healthMs);
      locks.push(lockMs);
      await new Promise((r) => setTimeout(r, 200)); // decisions sent after the halt returned
      lateAllowed += (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM actions WHERE cohort = $1 AND status = 'ALLOWED' AND created_at >= $2`, [cohort, returnedAt])).rows[0]!.n;
      await (await post(`/api/cohorts/${cohort}/resume`, { reason: "halt probe" })).text();
      await new Promise((r) => setTimeout(r, 300));
    }
    const during = await load;
    const admission = `WARDEN_DECISION_CONCURRENCY=${process.env.WARDEN_DECISION_CONCURRENCY ?? "default"}, WARDEN_WORKERS=${process.env.WARDEN_WORKERS ?? "default"}`;
    console.log(`\nHalt probe: ${halts.length} halt calls (cohort "${cohort}") while ${opts.concurrency} connections saturate the data plane (${during.rps.toFixed(0)} decisions/s, p99 ${during.p99.toFixed(1)} ms, ${during.errors} errors; ${admission}):`);
    const rest = unloaded.slice(1);
    console.log(`  unloaded, before the load: the first halt after start ${unloaded[0]!.halt.toFixed(0)} ms (its code's first run), the next ${rest.length} p50 ${pct(rest.map((u) => u.halt), 50).toFixed(0)} ms; GET /api/health p50 ${pct(unloaded.map((u) => u.health), 50).toFixed(0)} ms`);
    console.log(`  halt call (POST /api/cohorts/:name/halt)   ${fmt(halts)}   [target p99 ≤ 100 ms]${failed ? `   (${failed} failed)` : ""}`);
    console.log(`  reference: GET /api/health                  ${fmt(health)}   (the control-plane worker's queueing + Next.js + one query)`);
    console.log(`  reference: HALT_LOCK from PostgreSQL        ${fmt(locks)}   (waiting behind in-flight batches)`);
    console.log(`  general pool connections (all workers) as a halt started: busy p50 ${pct(poolBusy, 50)}, max ${Math.max(...poolBusy)} of ${Math.max(...poolOpen)} open   (a halt waits for a slot only when all are busy)`);
    console.log(`  allowed actions of the halted cohort recorded after a halt call returned: ${lateAllowed}   [target 0]`);
  } finally {
    await db.end();
    await lockClient.end();
  }
}

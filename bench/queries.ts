// `npm run bench:queries`: how long the operator's reads take on this database (run
// `npm run seed:volume -- --events 1000000` first). Each query runs 2 times to warm up, then
// 20 times; figures are server time in this process (query + PostgreSQL + shaping the
// answer), p50/p95/max in milliseconds. Uses DATABASE_URL or the embedded database in
// WARDEN_DATA_DIR, like the other scripts.
//
//   --runs N   timed runs per query (default 20)
import { explainAuditEvents, listAuditEvents } from "../lib/audit/index.ts";
import { connectDatabase } from "../lib/boot/index.ts";
import { adoptDataDirSecrets } from "../lib/boot/index.ts";
import { readEnv } from "../lib/config/index.ts";
import { closeDb, pool } from "../lib/db/index.ts";
import { listActions } from "../lib/decisions/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { getOverview } from "../lib/overview/index.ts";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 20;
if (!(RUNS >= 1 && RUNS <= 1000)) {
  console.error("--runs must be between 1 and 1000");
  process.exit(64);
}

const env = readEnv();
// The redaction key (for the value search) derives from the same secret the server uses.
await adoptDataDirSecrets(env.WARDEN_DATA_DIR);
const db = await connectDatabase(env);

type Row = { name: string; target: number | null; p50: number; p95: number; max: number; rows: number };
const results: Row[] = [];

async function measure(name: string, target: number | null, fn: () => Promise<number>) {
  for (let i = 0; i < 2; i++) await fn();
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    rows = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
  results.push({ name, target, p50: at(0.5), p95: at(0.95), max: times[times.length - 1]!, rows });
}

try {
  const q = <T>(sql: string, params: unknown[] = []) => pool().query<T & Record<string, unknown>>(sql, params).then((r) => r.rows);
  const actions = (await q<{ n: string }>(`SELECT count(*) AS n FROM actions`))[0]?.n ?? 0;
  const events = (await q<{ n: string }>(`SELECT count(*) AS n FROM audit_events`))[0]?.n ?? 0;
  const [range] = await q<{ min: Date; max: Date }>(`SELECT min(created_at) AS min, max(created_at) AS max FROM actions`);
  // The busiest agent is the worst case for its timeline and audit search.
  const [busiest] = await q<{ id: string; name: string; n: string }>(
    `SELECT a.agent_id AS id, g.name, count(*) AS n FROM actions a JOIN agents g ON g.id = a.agent_id GROUP BY 1, 2 ORDER BY n DESC LIMIT 1`,
  );
  if (!busiest || !range) throw new Error("no actions in this database: run npm run seed:volume first");
  console.log(`database: ${Number(actions).toLocaleString("en-GB")} actions, ${Number(events).toLocaleString("en-GB")} audit events, ${range.min.toISOString()} → ${range.max.toISOString()}`);
  console.log(`busiest agent: ${busiest.name} (${Number(busiest.n).toLocaleString("en-GB")} actions); ${RUNS} timed runs per query\n`);

  // A day in the middle of the history, so the search is not just "the newest rows".
  const mid = new Date((range.min.getTime() + range.max.getTime()) / 2);
  const from = new Date(mid.getTime() - 12 * 3_600_000);
  const to = new Date(mid.getTime() + 12 * 3_600_000);

  await measure("overview data (GET /api/overview)", 300, async () => {
    const o = await getOverview();
    return o.perMinute.length + o.cohorts.length + o.busiestAgents.length + o.topPolicies.length;
  });
  await measure("agent timeline, first page of 25", 100, async () => (await listActions({ agent: busiest.id, limit: 25 })).actions.length);
  const firstTimeline = await listActions({ agent: busiest.id, limit: 25 });
  await measure("agent timeline, next page", 50, async () => (await listActions({ agent: busiest.id, limit: 25, cursor: firstTimeline.nextCursor ?? undefined })).actions.length);
  await measure("agent timeline, filtered: rejected only", null, async () => (await listActions({ agent: busiest.id, status: "rejected", limit: 25 })).actions.length);
  await measure("agent timeline, holding a value (marker search)", null, async () => (await listActions({ agent: busiest.id, value: "jane.doe@example.com", limit: 25 })).actions.length);
  await measure("audit search: agent + 24 h range, page of 50", 100, async () => (await listAuditEvents({ agent: busiest.id, from, to, limit: 50 })).events.length);
  const firstAudit = await listAuditEvents({ agent: busiest.id, from, to, limit: 50 });
  await measure("audit search: next page", 50, async () => (await listAuditEvents({ agent: busiest.id, from, to, limit: 50, cursor: firstAudit.nextCursor ?? undefined })).events.length);
  await measure("audit search: kind + 24 h range", null, async () => (await listAuditEvents({ kind: "action.*", from, to, limit: 50 })).events.length);
  const sample = firstAudit.events[0]?.subject.slice(7, 20) ?? "act_";
  await measure(`audit search: subject contains "${sample}"`, null, async () => (await listAuditEvents({ q: sample, limit: 50 })).events.length);
  await measure("audit log, newest page (no filter)", null, async () => (await listAuditEvents({ limit: 50 })).events.length);

  // Free text beyond the subject (issue 17 item 8): an action's resource or idempotency key.
  // "What happened to order MSN-…?": an order from the middle of the history.
  const [order] = await q<{ resource: string }>(`SELECT resource FROM actions WHERE created_at >= $1 AND resource LIKE 'order:MSN-%' ORDER BY created_at LIMIT 1`, [mid]);
  const [sku] = await q<{ resource: string; n: string }>(
    `SELECT resource, count(*) AS n FROM actions WHERE resource LIKE 'sku:%' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
  );
  const plans: [string, Awaited<ReturnType<typeof explainAuditEvents>>][] = [];
  if (order) {
    const orderId = order.resource.slice("order:".length);
    await measure(`audit search: order "${orderId}" (resource)`, 100, async () => (await listAuditEvents({ q: orderId, limit: 50 })).events.length);
    plans.push([`order "${orderId}"`, await explainAuditEvents({ q: orderId, limit: 50 })]);
  }
  await measure(`audit search: an order that doesn't exist`, 100, async () => (await listAuditEvents({ q: "MSN-0000000", limit: 50 })).events.length);
  if (sku) {
    const s = sku.resource.slice("sku:".length);
    const n = Number(sku.n).toLocaleString("en-GB");
    await measure(`audit search: busiest SKU "${s}" (${n} actions)`, 100, async () => (await listAuditEvents({ q: s, limit: 50 })).events.length);
    // The other plan on the same search: where SEARCH_ACTION_CAP (lib/audit search.ts) sits.
    await measure(`  same, per-event plan forced`, null, async () => (await listAuditEvents({ q: s, limit: 50 }, { actionCap: 0 })).events.length);
  }
  await measure(`audit search: "order:" (a third of all actions)`, 100, async () => (await listAuditEvents({ q: "order:", limit: 50 })).events.length);
  plans.push([`"order:"`, await explainAuditEvents({ q: "order:", limit: 50 })]);

  const pad = (s: string, n: number) => s.padEnd(n);
  const ms = (v: number) => v.toFixed(1).padStart(8);
  console.log(`${pad("query", 60)}${"p50 ms".padStart(8)}${"p95 ms".padStart(8)}${"max ms".padStart(8)}  rows  target`);
  for (const r of results) {
    const verdict = r.target === null ? "" : `≤ ${r.target} ms ${r.p95 <= r.target ? "met" : "NOT met"}`;
    console.log(`${pad(r.name, 60)}${ms(r.p50)}${ms(r.p95)}${ms(r.max)}  ${String(r.rows).padStart(4)}  ${verdict}`);
  }
  for (const [label, plan] of plans) {
    console.log(`\nEXPLAIN ANALYZE, audit search ${label}: ${plan.plan === "subjects" ? "matching actions looked up, their events by subject" : "each event's action checked"}`);
    if (plan.lookup.length) console.log(`  action lookup:\n${plan.lookup.map((l) => `    ${l}`).join("\n")}`);
    console.log(`  page:\n${plan.page.map((l) => `    ${l}`).join("\n")}`);
  }
} finally {
  await closeBus();
  await closeDb();
  await db.stop();
}

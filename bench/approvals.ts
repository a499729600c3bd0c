// `npm run bench:approvals`: 200 agents long-poll for a human's decision across two Warden
// instances; an approver approves them one after another through the API. Latency is from
// the decision's commit (decided_at, taken with clock_timestamp() as the transaction's last
// write) to the waiting agent's HTTP response arriving. Prints figures; asserts nothing.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { registerAgent } from "../lib/agents/index.ts";
import { freePort } from "../lib/boot/index.ts";
import { closeDb } from "../lib/db/index.ts";
import { migrate } from "../lib/boot/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { createPolicy, policySpecSchema } from "../lib/policies/index.ts";
import { createUser, ensureFirstAdmin } from "../lib/users/index.ts";
import { benchDatabase, startWarden, stop } from "./harness.ts";

const root = path.resolve(import.meta.dirname, "..");
const AGENTS = Number(process.env.BENCH_WAITERS ?? 200);
const APPROVER = { email: "approver@bench.local", password: "bench-approver-123" };

async function main() {
  const db = await benchDatabase();
  const servers: ChildProcess[] = [];
  try {
    await migrate(db.url);
    await ensureFirstAdmin({ email: "admin@bench.local", password: "bench-admin-1234" });
    await createUser({ input: { ...APPROVER, name: "Bench Approver", role: "approver" }, actor: "system" });
    const keys: string[] = [];
    for (let i = 0; i < AGENTS; i++) keys.push((await registerAgent({ input: { name: `waiter-${i}`, cohort: "pricing", owner: "pricing@maison.example" }, actor: "system", createdById: null })).apiKey);
    await createPolicy({ spec: policySpecSchema.parse({ name: "deep-discount", effect: "require_approval", target: { cohorts: ["pricing"] }, condition: "input.price < input.currentPrice * 0.7", approval: { quorum: 1, timeoutSeconds: 3600 } }), actor: "system", userId: null });
    await closeBus();
    await closeDb();

    const secret = "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz";
    const ports = [await freePort(), await freePort()];
    for (const p of ports) servers.push(await startWarden(db.url, p, secret));
    const bases = ports.map((p) => `http://127.0.0.1:${p}`);
    const login = (await (await fetch(`${bases[0]}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(APPROVER) })).json()) as { token: string };

    const worker = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/approval-waiters.ts"), JSON.stringify({ bases, keys })], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const ids = await new Promise<string[]>((resolve) => {
      worker.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /WAITING (\[.*\])\n/.exec(out);
        if (m) resolve(JSON.parse(m[1]!) as string[]);
      });
    });
    const done = new Promise<Record<string, number>>((resolve) => worker.on("exit", () => resolve(JSON.parse(out.trim().split("\n").pop()!) as Record<string, number>)));
    console.log(`\nWarden approval delivery — ${AGENTS} agents long-polling across two instances; approvals through POST /api/approvals on instance 1\n`);
    // The approver works through the queue, a few at a time.
    const started = Date.now();
    for (let i = 0; i < ids.length; i += 4) {
      await Promise.all(
        ids.slice(i, i + 4).map(async (id) => {
          const r = await fetch(`${bases[0]}/api/approvals/${id}`, { method: "POST", headers: { authorization: `Bearer ${login.token}`, "content-type": "application/json" }, body: JSON.stringify({ decision: "approve" }) });
          if (r.status !== 200) throw new Error(`approve ${id}: ${r.status} ${await r.text()}`);
        }),
      );
    }
    const approving = Date.now() - started;
    const received = await done;
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query<{ id: string; decided_at: Date }>(`SELECT id, decided_at FROM actions WHERE id = ANY($1::text[])`, [ids]);
    await c.end();
    const lat = rows.map((r) => received[r.id]! - r.decided_at.getTime()).sort((a, b) => a - b);
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!;
    console.log(`  approvals made: ${ids.length} in ${approving} ms (${((ids.length / approving) * 1000).toFixed(0)}/s)`);
    console.log(`  decision committed → waiting agent answered: p50 ${q(50)} ms, p99 ${q(99)} ms, max ${lat[lat.length - 1]} ms   [target p50 ≤ 50 ms, p99 ≤ 250 ms]`);
    console.log(`  (agents on instance 2 heard decisions made on instance 1 through PostgreSQL NOTIFY)\n`);
  } finally {
    for (const s of servers) await stop(s);
    await db.dispose();
  }
  process.exit(0);
}

await main();

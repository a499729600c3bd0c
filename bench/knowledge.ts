// `npm run bench:knowledge`: knowledge sets at catalogue scale — a 100,000-record CSV imported
// as a draft, its diff, its publish (then a 10 % change of it), agents' reads of
// GET /v1/knowledge/{set}/{key} per second, and how long a publish takes to be served by two
// other instances (LISTEN/NOTIFY). Prints figures; asserts nothing.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { registerAgent } from "../lib/agents/index.ts";
import { migrate } from "../lib/boot/index.ts";
import { closeDb } from "../lib/db/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { approveDraft, createKnowledgeSet, draftQuerySchema, getKnowledgeDraft, proposeDraft } from "../lib/knowledge/index.ts";
import { createUser } from "../lib/users/index.ts";
import { benchDatabase, stop } from "./harness.ts";

const root = path.resolve(import.meta.dirname, "..");
const quick = process.argv.includes("--quick");
const RECORDS = quick ? 20_000 : 100_000;

const ms = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(2)} s`;

function csvOf(n: number, changed: (i: number) => boolean = () => false): string {
  const lines = ["key,floor,currency"];
  for (let i = 0; i < n; i++) lines.push(`LUX-${String(i).padStart(6, "0")},${(50 + (i % 900) + (changed(i) ? 0.5 : 0)).toFixed(2)},${i % 3 ? "EUR" : "USD"}`);
  return `${lines.join("\n")}\n`;
}

async function instance(url: string): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/dataplane-instance.ts")], { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`instance exited ${code}`)));
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

function load(cfg: Record<string, unknown>): Promise<{ ok: number; rps: number; p50: number; p99: number; statuses: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/get-worker.ts"), JSON.stringify(cfg)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`worker exited ${code}`))));
  });
}

async function main() {
  const db = await benchDatabase();
  const children: ChildProcess[] = [];
  try {
    await migrate(db.url);
    const person = async (role: "editor" | "approver") => {
      const { user } = await createUser({ input: { email: `${role}@bench.local`, name: role, role, password: "bench-password-123" }, actor: "system" });
      return { userId: user.id, email: user.email };
    };
    const [editor, approver] = [await person("editor"), await person("approver")];
    const admin = { userId: approver.userId, email: approver.email };
    await createKnowledgeSet({
      input: { name: "price-floors", description: "bench", schema: { type: "object", properties: { floor: { type: "number", minimum: 0 }, currency: { enum: ["EUR", "USD"] } }, required: ["floor", "currency"], additionalProperties: false }, readers: { cohorts: ["pricing"] }, maxAgeDays: 90 },
      by: admin,
    });
    console.log(`\nWarden knowledge benchmark — ${os.cpus().length} cores, embedded PostgreSQL, ${RECORDS.toLocaleString("en")} records\n`);

    for (const [label, csv] of [["first import (all new)", csvOf(RECORDS)], ["10 % of the records changed", csvOf(RECORDS, (i) => i % 10 === 0)]] as const) {
      const query = draftQuerySchema.parse({ source: "ERP export", mode: "replace" });
      let t0 = performance.now();
      const draft = await proposeDraft({ setName: "price-floors", by: editor, payload: { kind: "csv", text: csv }, query });
      const imported = ms(t0);
      t0 = performance.now();
      const shown = await getKnowledgeDraft({ name: "price-floors", id: draft.id!, limit: 100 });
      const diffed = ms(t0);
      t0 = performance.now();
      const published = await approveDraft({ setName: "price-floors", draftId: draft.id!, by: approver });
      const pub = ms(t0);
      const s = shown.summary;
      console.log(`${label} (${(Buffer.byteLength(csv) / 1e6).toFixed(1)} MB CSV): import as draft ${imported}, diff ${diffed} (+${s.added} ~${s.changed} -${s.removed} =${s.unchanged}), publish v${published.version} ${pub}   [target each ≤ 10 s]`);
    }

    // Reads on the data plane.
    const { apiKey } = await registerAgent({ input: { name: "bench-pricing", cohort: "pricing", owner: "bench", riskTier: "low" }, actor: "system", createdById: null });
    const a = await instance(db.url);
    children.push(a.child);
    const paths = Array.from({ length: 1000 }, (_, i) => `/v1/knowledge/price-floors/LUX-${String((i * 97) % RECORDS).padStart(6, "0")}`);
    await load({ base: a.base, key: apiKey, paths, concurrency: 16, seconds: 2 }); // warm-up (loads the set)
    // CPU time the instance spent (user + system, from /proc): per request it is what one core
    // can serve, a figure that other load on a shared machine distorts less than requests/s.
    const cpuMs = () => {
      const f = readFileSync(`/proc/${a.child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(f[11]) + Number(f[12])) * 10;
    };
    console.log(`\nGET /v1/knowledge/price-floors/{key} (one instance, load generator in another process on the same machine; load average ${os.loadavg()[0]!.toFixed(1)}):`);
    for (const c of quick ? [32] : [16, 64, 128]) {
      const c0 = cpuMs();
      const r = await load({ base: a.base, key: apiKey, paths, concurrency: c, seconds: quick ? 3 : 6 });
      const perRequest = ((cpuMs() - c0) * 1000) / Math.max(1, r.ok);
      console.log(`  concurrency ${String(c).padStart(3)}: ${r.rps.toFixed(0).padStart(6)}/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   ${JSON.stringify(r.statuses)}   server CPU ${perRequest.toFixed(0)} µs/request (≈ ${Math.round(1e6 / perRequest).toLocaleString("en")}/s per core)   [target ≥ 10,000/s]`);
    }

    // Propagation: a publish (from this process) served by two other instances.
    const b = await instance(db.url);
    children.push(b.child);
    const bases = [a.base, b.base];
    const readVersion = async (base: string) => {
      const res = await fetch(`${base}/v1/knowledge/price-floors/LUX-000001`, { headers: { authorization: `Bearer ${apiKey}` } });
      return ((await res.json()) as { version: number }).version;
    };
    for (const base of bases) await readVersion(base);
    const lags: number[] = [];
    const rounds = quick ? 5 : 20;
    for (let i = 0; i < rounds; i++) {
      const d = await proposeDraft({ setName: "price-floors", by: editor, payload: { kind: "json", body: { upsert: [{ key: "LUX-000001", value: { floor: 1000 + i, currency: "EUR" }, source: "bench" }] } }, query: draftQuerySchema.parse({}) });
      const { version } = await approveDraft({ setName: "price-floors", draftId: d.id!, by: approver });
      const committed = performance.now();
      await Promise.all(
        bases.map(async (base) => {
          while ((await readVersion(base)) < version) await new Promise((r) => setTimeout(r, 2));
          lags.push(performance.now() - committed);
        }),
      );
    }
    lags.sort((x, y) => x - y);
    console.log(`\nPublish → served by two other instances (${rounds} publishes, NOTIFY warden_knowledge): p50 ${lags[Math.floor(lags.length / 2)]!.toFixed(0)} ms, max ${lags[lags.length - 1]!.toFixed(0)} ms   [target ≤ 1,000 ms]`);
  } finally {
    for (const c of children) await stop(c);
    await closeBus();
    await closeDb();
    await db.dispose();
  }
  process.exit(0);
}

await main();

// A load generator in its own process: keeps N requests in flight (or holds a fixed rate)
// against one URL for a while, and prints one JSON line of what it measured.
import http from "node:http";
import { cerbosBody, cerbosDecision, peerAsk } from "./peer-asks.ts";

type Config = {
  url: string;
  keys: string[];
  concurrency: number;
  seconds: number;
  rate?: number; // requests per second across all connections (open loop); omit for closed loop
  bodies?: "retail" | "peer"; // default retail; peer: bench/peer.ts's mix (with PII)
  record?: boolean; // keep per-request (sentAt, decision) for halt checks
  /** cerbos: the same requests as Cerbos CheckResources calls (bench/peer.ts); principals pair with keys. */
  target?: "warden" | "cerbos";
  principals?: { id: string; cohort: string; riskTier: string }[];
};

const cfg = JSON.parse(process.argv[2]!) as Config;
const url = new URL(cfg.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency });

const skus = Array.from({ length: 500 }, (_, i) => `LUX-${String(i).padStart(4, "0")}`);
function body(i: number): string {
  const kind = i % 3;
  if (kind === 0) {
    const current = 80 + (i % 400);
    const price = Math.round(current * (0.6 + (i % 50) / 100) * 100) / 100;
    return JSON.stringify({ action: "pricing.set_price", resource: `sku:${skus[i % 500]}`, input: { sku: skus[i % 500], currentPrice: current, price, currency: "EUR", tags: [i % 7 === 0 ? "flagship" : "core"], discountPct: Math.round((1 - price / current) * 100) } });
  }
  if (kind === 1) return JSON.stringify({ action: "inventory.reorder", resource: `sku:${skus[i % 500]}`, input: { sku: skus[i % 500], store: `store-${i % 40}`, units: (i % 90) * 13, unitCost: 42.5 } });
  return JSON.stringify({ action: "orders.refund", resource: `order:${100000 + i}`, input: { orderId: `${100000 + i}`, amount: (i % 700) + 0.99, currency: "EUR", reason: "damaged" }, context: { channel: "chat" } });
}

const latencies: number[] = [];
const records: [number, string][] = [];
let ok = 0;
let errors = 0;
let receipts = 0; // answers that carried a signed receipt
const decisions: Record<string, number> = {};
let seq = 0;

function once(): Promise<void> {
  const i = seq++;
  const cerbos = cfg.target === "cerbos";
  const payload = cfg.bodies === "peer" ? (cerbos ? cerbosBody(peerAsk(i), cfg.principals![i % cfg.principals!.length]!, i) : JSON.stringify(peerAsk(i))) : body(i);
  const key = cerbos ? "" : cfg.keys[i % cfg.keys.length]!;
  const sentAt = Date.now();
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { ...(cerbos ? {} : { authorization: `Bearer ${key}` }), "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (res.statusCode === 200) {
            ok++;
            const raw = Buffer.concat(chunks).toString();
            const answer: { decision: string; receipt?: unknown } = cerbos ? { decision: cerbosDecision(raw) } : (JSON.parse(raw) as { decision: string; receipt?: unknown });
            const d = answer.decision;
            decisions[d] = (decisions[d] ?? 0) + 1;
            if (answer.receipt) receipts++;
            if (cfg.record) records.push([sentAt, d]);
          } else errors++;
          resolve();
        });
      },
    );
    req.on("error", () => {
      errors++;
      resolve();
    });
    req.end(payload);
  });
}

const started = Date.now();
const until = started + cfg.seconds * 1000;
if (cfg.rate) {
  // Open loop: start requests on schedule whatever the latency (no coordinated omission).
  const interval = 1000 / cfg.rate;
  const inflight = new Set<Promise<void>>();
  let next = Date.now();
  while (Date.now() < until) {
    while (next <= Date.now()) {
      const p = once().finally(() => inflight.delete(p));
      inflight.add(p);
      next += interval;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
} else {
  await Promise.all(
    Array.from({ length: cfg.concurrency }, async () => {
      while (Date.now() < until) await once();
    }),
  );
}
const elapsed = (Date.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
console.log(JSON.stringify({ ok, errors, seconds: elapsed, rps: ok / elapsed, p50: pct(50), p99: pct(99), max: latencies[latencies.length - 1] ?? 0, decisions, receipts, records: cfg.record ? records : undefined }));
agent.destroy();

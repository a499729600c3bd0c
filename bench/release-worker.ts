// Load generator for `npm run bench:releases`, in its own process: keeps N GET requests in
// flight against one URL prefix for a while (a new routing key per request, optionally with
// If-None-Match), and prints one JSON line of what it measured.
import http from "node:http";

type Config = { base: string; apiKey: string; concurrency: number; seconds: number; keys: number; etags?: Record<string, string> };

const cfg = JSON.parse(process.argv[2]!) as Config;
const url = new URL(cfg.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency });
const latencies: number[] = [];
const statuses: Record<string, number> = {};
const versions: Record<string, number> = {};
let errors = 0;
let seq = 0;

function once(): Promise<void> {
  const key = `cust-${seq++ % cfg.keys}`;
  const t0 = process.hrtime.bigint();
  const headers: Record<string, string> = { authorization: `Bearer ${cfg.apiKey}` };
  const etag = cfg.etags?.[key];
  if (etag) headers["if-none-match"] = etag;
  return new Promise((resolve) => {
    const req = http.request({ agent, host: url.hostname, port: url.port, path: `/v1/agent/release?key=${key}`, method: "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
        if (res.statusCode === 200) {
          const v = (JSON.parse(Buffer.concat(chunks).toString()) as { version: string }).version;
          versions[v] = (versions[v] ?? 0) + 1;
        }
        resolve();
      });
    });
    req.on("error", () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

const until = Date.now() + cfg.seconds * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: cfg.concurrency }, async () => {
    while (Date.now() < until) await once();
  }),
);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
console.log(JSON.stringify({ requests: latencies.length, rps: latencies.length / elapsed, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? 0, statuses, versions, errors }));
agent.destroy();

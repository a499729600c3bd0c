// A load generator for GET requests in its own process: keeps N requests in flight against a
// list of paths for a while, and prints one JSON line of what it measured.
import http from "node:http";

type Config = { base: string; key: string; paths: string[]; concurrency: number; seconds: number };
const cfg = JSON.parse(process.argv[2]!) as Config;
const url = new URL(cfg.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency });
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let ok = 0;
let seq = 0;

function once(): Promise<void> {
  const path = cfg.paths[seq++ % cfg.paths.length]!;
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = http.request({ agent, host: url.hostname, port: url.port, path, method: "GET", headers: { authorization: `Bearer ${cfg.key}` } }, (res) => {
      res.resume();
      res.on("end", () => {
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
        if (res.statusCode === 200) ok++;
        resolve();
      });
    });
    req.on("error", () => {
      statuses.error = (statuses.error ?? 0) + 1;
      resolve();
    });
    req.end();
  });
}

const started = Date.now();
const until = started + cfg.seconds * 1000;
await Promise.all(Array.from({ length: cfg.concurrency }, async () => {
  while (Date.now() < until) await once();
}));
const elapsed = (Date.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
console.log(JSON.stringify({ ok, rps: ok / elapsed, p50: pct(50), p99: pct(99), statuses }));
agent.destroy();

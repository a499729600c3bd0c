// Agents waiting for a human, in their own process: each asks (pending), then long-polls
// until decided. Prints "WAITING" once every long-poll is in flight, then one JSON line of
// {actionId: receivedAtMs}.
import http from "node:http";

const { bases, keys } = JSON.parse(process.argv[2]!) as { bases: string[]; keys: string[] };
const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });

function request(base: string, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: { id: string; status: string } }> {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: { authorization: `Bearer ${key}`, ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}) } }, (res) => {
      let data = "";
      res.on("data", (c: Buffer) => (data += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(data) as { id: string; status: string } }));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const asked = await Promise.all(keys.map((key, i) => request(bases[i % bases.length]!, "POST", "/v1/actions", key, { action: "pricing.set_price", input: { price: 50, currentPrice: 100 } }).then((r) => ({ key, i, id: r.json.id, status: r.json.status }))));
if (asked.some((a) => a.status !== "pending")) throw new Error("expected every action to be pending");
const received: Record<string, number> = {};
const waits = asked.map(async (a) => {
  for (;;) {
    const r = await request(bases[a.i % bases.length]!, "GET", `/v1/actions/${a.id}?wait=60`, a.key);
    if (r.json.status !== "pending") {
      received[a.id] = Date.now();
      return;
    }
  }
});
await new Promise((r) => setTimeout(r, 500)); // every long-poll has reached its server
console.log(`WAITING ${JSON.stringify(asked.map((a) => a.id))}`);
await Promise.all(waits);
console.log(JSON.stringify(received));
agent.destroy();

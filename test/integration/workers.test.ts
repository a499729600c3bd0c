import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import { newAgent } from "../support/dataplane.ts";
import { askFresh } from "../support/fresh-connection.ts";
import { budgetUnderConcurrency } from "../support/budget-exactness.ts";
import { unique } from "../support/fixtures.ts";
import { spawnCluster } from "../support/spawn-cluster.ts";

// One Warden on two data-plane worker processes and a control-plane one (lib/cluster, as
// server.ts runs WARDEN_WORKERS=2): every request below comes on a connection of its own, so
// the data-plane workers (slots 1 and 2) take turns; slot 0 is the control plane's.
let instance: Awaited<ReturnType<typeof spawnCluster>>;
beforeAll(async () => {
  instance = await spawnCluster(2, { WARDEN_TEST_RESTART_MS: "2000" });
}, 150_000);
afterAll(async () => {
  await instance?.stop();
});

const slotsOf = (answers: { worker: string }[]) => new Set(answers.map((a) => a.worker.split(":")[0]));
const DATA_SLOTS = new Set(["1", "2"]);

/**
 * Requests sent one after the other on one connection of their own (keep-alive), the first
 * opening it: each answer's `x-warden-worker` slot (cluster-instance.ts), or "reset" when the
 * connection failed.
 */
async function onOneConnection(base: string, paths: string[]): Promise<string[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const slots: string[] = [];
    for (const path of paths) {
      slots.push(
        await new Promise<string>((resolve) => {
          const req = http.get(`${base}${path}`, { agent }, (res) => {
            res.resume();
            res.on("end", () => resolve(String(res.headers["x-warden-worker"] ?? "").split(":")[0]!));
          });
          req.on("error", () => resolve("reset"));
        }),
      );
    }
    return slots;
  } finally {
    agent.destroy();
  }
}

describe("one instance on two workers", () => {
  it("answers from both workers, and lets nothing a halt covers be allowed on either once the halt call returned", async () => {
    const cohort = unique("w");
    const a = await newAgent({ cohort });
    const warm = await Promise.all(Array.from({ length: 4 }, () => askFresh(instance.base, a.apiKey, { action: "x.y" })));
    expect(warm.map((w) => w.json.decision)).toEqual(["allow", "allow", "allow", "allow"]);
    expect(slotsOf(warm)).toEqual(DATA_SLOTS);

    let returnedAt = 0;
    const after: { decision: string; worker: string }[] = [];
    // Load on both workers until 12 requests sent after the halt call returned were answered by
    // each (a deadline, not a duration: a loaded machine answers slowly).
    const enoughAfter = () => ["1", "2"].every((slot) => after.filter((x) => x.worker.startsWith(`${slot}:`)).length >= 12);
    const deadline = Date.now() + 25_000;
    const load = Array.from({ length: 8 }, async () => {
      while (!enoughAfter() && Date.now() < deadline) {
        const sentAt = Date.now();
        const res = await askFresh(instance.base, a.apiKey, { action: "x.y" });
        if (res.status === 503) continue; // not durable in time on a loaded machine: nothing was answered
        expect(res.status).toBe(200);
        if (returnedAt && sentAt >= returnedAt) after.push({ decision: res.json.decision, worker: res.worker });
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    await halt({ scope: { kind: "cohort", name: cohort }, reason: "halt across workers", actor: "user:test" });
    returnedAt = Date.now();
    await Promise.all(load);
    expect(enoughAfter()).toBe(true); // the load really went on after the halt, on both workers
    expect(after.filter((x) => x.decision === "allow")).toEqual([]);
  });

  it("records a request retried on both workers at once once, and answers every copy with it", async () => {
    const a = await newAgent();
    const body = { action: "orders.refund", input: { amount: 20 }, idempotencyKey: unique("k") };
    const answers = await Promise.all(Array.from({ length: 12 }, () => askFresh(instance.base, a.apiKey, body)));
    expect(slotsOf(answers)).toEqual(DATA_SLOTS);
    expect(answers.map((x) => x.status)).toEqual(Array(12).fill(200));
    expect(new Set(answers.map((x) => x.json.id)).size).toBe(1);
    const { rows } = await pool().query<{ n: number }>("SELECT count(*)::int AS n FROM actions WHERE agent_id = $1", [a.agent.id]);
    expect(rows[0]!.n).toBe(1);
    const audit = await pool().query<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE subject = $1", [`action:${answers[0]!.json.id}`]);
    expect(audit.rows[0]!.n).toBe(1);
  });

  it("never lets a budget's allowed sum exceed its limit across workers, and denies only what didn't fit at its turn", async () => {
    const cohort = unique("wb");
    const a = await newAgent({ cohort });
    // 120 concurrent requests (0.01 – 40.00), worth about twice the limit of 2,000, each on a connection of its own.
    // A 503 (not durable in time on a loaded machine) is asked again with the same key: recorded once either way.
    const { answers } = await budgetUnderConcurrency({
      cohort,
      limit: 2_000,
      requests: 120,
      maxAmount: 40,
      ask: async (amount, i) => {
        for (;;) {
          const res = await askFresh(instance.base, a.apiKey, { action: "orders.refund", resource: `order:${i}`, input: { amount }, idempotencyKey: `b-${i}` });
          if (res.status !== 503) return res;
        }
      },
    });
    expect(slotsOf(answers)).toEqual(DATA_SLOTS);
  });

  it("routes a connection by its first request: agents' to the data-plane workers, the rest to the control-plane worker, for the connection's life", async () => {
    // /v1/agent without a key: 401 from any worker, but the header says which one answered.
    expect(await onOneConnection(instance.base, ["/api/health", "/v1/agent", "/api/health"])).toEqual(["0", "0", "0"]);
    const data = await onOneConnection(instance.base, ["/v1/agent", "/api/health", "/v1/agent"]);
    expect(DATA_SLOTS.has(data[0]!)).toBe(true);
    expect(data).toEqual([data[0], data[0], data[0]]);
    // The first bytes may come one at a time: the primary waits for enough of the request line.
    const raw = await new Promise<string>((resolve, reject) => {
      const url = new URL(instance.base);
      const socket = net.connect(Number(url.port), url.hostname);
      let text = "";
      socket.setEncoding("latin1");
      socket.on("data", (c: string) => (text += c));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
      void (async () => {
        for (const ch of "GET /v1/agent HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") {
          socket.write(ch);
          await new Promise((r) => setImmediate(r));
        }
      })();
    });
    expect(raw).toMatch(/^HTTP\/1\.1 401 /);
    expect(DATA_SLOTS.has(/x-warden-worker: (\d+):/i.exec(raw)?.[1] ?? "")).toBe(true);
  });

  it("sends the control plane's connections to a data-plane worker while the control-plane worker is down, and back once it is", async () => {
    const pid = Number((await (await fetch(`${instance.base}/api/health`)).headers.get("x-warden-worker"))?.split(":")[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, "SIGKILL");
    await instance.waitFor(new RegExp(`worker 1 \\(pid ${pid}\\) exited \\(signal SIGKILL\\)`));
    // The restart waits 2 s here (WARDEN_TEST_RESTART_MS below): the control plane's next connection comes before.
    const meanwhile = await onOneConnection(instance.base, ["/api/health", "/api/health"]);
    expect(DATA_SLOTS.has(meanwhile[0]!)).toBe(true);
    expect(meanwhile[1]).toBe(meanwhile[0]);
    await instance.waitFor(/worker 1 is back \(pid \d+\)/, 60_000);
    expect(await onOneConnection(instance.base, ["/api/health"])).toEqual(["0"]);
  }, 90_000);

  it("stops on SIGTERM to the primary alone while a client keeps a connection busy (the port closes, the workers are told, nobody waits for the client)", async () => {
    const other = await spawnCluster(1);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let busy = true;
    // A dashboard-like client: a request on its one keep-alive connection every 200 ms, never idle for long.
    const client = (async () => {
      while (busy) {
        await new Promise<void>((resolve) => {
          const req = http.get(`${other.base}/api/health`, { agent }, (res) => {
            res.resume();
            res.on("end", () => resolve());
          });
          req.on("error", () => resolve());
        });
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      expect(await onOneConnection(other.base, ["/api/health"])).toEqual(["0"]);
      // 0: stopped by itself; 1 would be its onStop deadline (10 s) forcing it, still waiting for the client.
      expect(await other.stop()).toBe(0);
    } finally {
      busy = false;
      await client;
      agent.destroy();
    }
  }, 60_000);
});

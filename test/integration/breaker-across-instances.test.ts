import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBreaker, breakerSpecSchema, openBreaker } from "../../lib/breakers/index.ts";
import { pool } from "../../lib/db/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { unique } from "../support/fixtures.ts";
import { spawnInstance } from "../support/spawn-instance.ts";

let local: Awaited<ReturnType<typeof startDataPlane>>;
let remote: Awaited<ReturnType<typeof spawnInstance>>;

beforeAll(async () => {
  local = await startDataPlane();
  remote = await spawnInstance();
}, 60_000);
afterAll(async () => {
  await local.close();
  await remote.stop();
});

// The halt's proof (halt-across-instances.test.ts), for a breaker: load on both instances,
// the breaker opens, and no request sent after the opening committed is allowed anywhere.
describe("a breaker across two instances on one database", () => {
  for (const holds of ["agent", "cohort"] as const) {
    it(`lets no action of the ${holds} it holds be allowed on either instance once its opening committed`, async () => {
      const cohort = unique("c");
      const a = await newAgent({ cohort });
      const b = await createBreaker({
        spec: breakerSpecSchema.parse({ name: unique("brk"), scope: holds === "agent" ? { agent: a.agent.id } : { cohort }, metric: "deny_rate", windowSeconds: 300, threshold: 0.5, minSamples: 1000 }),
        actor: "system",
        userId: null,
      });
      const apis = [client(local.base, a.apiKey), client(remote.base, a.apiKey)];
      for (const api of apis) expect((await api.ask({ action: "x.y" })).json.decision).toBe("allow");
      let committedAt = 0;
      const lateAllows: string[] = [];
      let after = 0;
      const load = apis.flatMap((api) =>
        Array.from({ length: 6 }, async () => {
          // Until a second after the opening committed (however long it takes on a busy machine).
          const deadline = Date.now() + 30_000;
          while ((!committedAt || Date.now() < committedAt + 1000) && Date.now() < deadline) {
            const sentAt = Date.now();
            const res = await api.ask({ action: "x.y" });
            if (committedAt && sentAt >= committedAt) {
              after++;
              if (res.json.decision === "allow") lateAllows.push(res.json.id);
            }
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      const opened = await openBreaker(b.id, { state: "CLOSED", samplesSince: b.samplesSince }, { cause: "metric", metric: "deny_rate", value: 0.9, threshold: 0.5, samples: 1000, windowSeconds: 300, message: "test opening" });
      committedAt = Date.now();
      expect(opened).toBe(true);
      await Promise.all(load);
      expect(after).toBeGreaterThan(10); // the load really went on after the opening
      expect(lateAllows).toEqual([]);
      // …and the database agrees: every decision after the opening is circuit_open.
      const late = await pool().query(`SELECT count(*)::int AS n FROM actions WHERE agent_id = $1 AND status = 'ALLOWED' AND created_at > $2`, [a.agent.id, new Date(committedAt)]);
      expect(late.rows[0].n).toBe(0);
    });
  }
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { spawnInstance } from "../support/spawn-instance.ts";
import { unique } from "../support/fixtures.ts";

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

describe("a halt across two instances on one database", () => {
  for (const level of ["agent", "cohort", "global"] as const) {
    it(`lets no ${level}-covered action be allowed on either instance once the halt call returned`, async () => {
      const cohort = unique("c");
      const a = await newAgent({ cohort });
      const apis = [client(local.base, a.apiKey), client(remote.base, a.apiKey)];
      // Both instances are warm and allowing before the halt.
      for (const api of apis) expect((await api.ask({ action: "x.y" })).json.decision).toBe("allow");
      let returnedAt = 0;
      const lateAllows: string[] = [];
      let afterHalt = 0;
      const load = apis.flatMap((api) =>
        Array.from({ length: 6 }, async () => {
          const until = Date.now() + 1500;
          while (Date.now() < until) {
            const sentAt = Date.now();
            const res = await api.ask({ action: "x.y" });
            if (returnedAt && sentAt >= returnedAt) {
              afterHalt++;
              if (res.json.decision === "allow") lateAllows.push(res.json.id);
            }
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      const scope = level === "agent" ? { kind: "agent" as const, agentId: a.agent.id } : level === "cohort" ? { kind: "cohort" as const, name: cohort } : { kind: "global" as const };
      await halt({ scope, reason: `halt ${level}`, actor: "user:test" });
      returnedAt = Date.now();
      try {
        await Promise.all(load);
      } finally {
        if (level === "global") await pool().query("UPDATE control_state SET halted_at = NULL, halt_reason = NULL WHERE id = 1");
      }
      expect(afterHalt).toBeGreaterThan(10); // the load really went on after the halt
      expect(lateAllows).toEqual([]);
    });
  }
});

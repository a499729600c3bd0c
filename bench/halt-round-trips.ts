// `npx tsx bench/halt-round-trips.ts`: how many round trips to PostgreSQL a halt and a resume
// make (every pg query call counted, whichever pool sends it), and how long each takes in-process
// on a throwaway database with no data-plane load. Under a saturated data plane every round trip
// waits for the busy event loop, so their count is what a halt call's latency is made of
// (bench/halt-probe.ts measures that latency). Prints figures; asserts nothing.
import { createRequire } from "node:module";
import type pg from "pg";
import { benchDatabase } from "./harness.ts";
import { registerAgent } from "../lib/agents/index.ts";
import { migrate } from "../lib/boot/index.ts";
import { closeDb, prisma } from "../lib/db/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { halt, resume, type Scope } from "../lib/killswitch/index.ts";
import { ensureFirstAdmin } from "../lib/users/index.ts";

// The CommonJS module the pools are made from (the ESM entry re-exports it): one prototype.
const { Client } = createRequire(import.meta.url)("pg") as typeof pg;

const db = await benchDatabase();
try {
  await migrate(db.url);
  await ensureFirstAdmin({ email: "rt@warden.local", password: "round-trips-123" });
  const user = await prisma().user.findFirstOrThrow({ where: { email: "rt@warden.local" } });
  const actor = `user:${user.id}`; // the actor's name is read too, as for a person's halt call
  const { agent } = await registerAgent({ input: { name: "rt-agent", cohort: "rt-cohort", owner: "o@example.com", riskTier: "medium" }, actor: "system", createdById: null });
  let calls = 0;
  const query = Client.prototype.query;
  Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    calls++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const scopes: [string, Scope][] = [
    ["agent", { kind: "agent", agentId: agent.id }],
    ["cohort", { kind: "cohort", name: "rt-cohort" }],
    ["global", { kind: "global" }],
  ];
  console.log("Round trips per call (nothing pending), and in-process time (median of 20; no data-plane load, but whatever else runs on the machine):");
  for (const [label, scope] of scopes) {
    const runs: { halt: [number, number]; resume: [number, number] }[] = [];
    for (let i = 0; i < 22; i++) {
      const timed = async (fn: () => Promise<unknown>): Promise<[number, number]> => {
        calls = 0;
        const t0 = performance.now();
        await fn();
        return [calls, performance.now() - t0];
      };
      const h = await timed(() => halt({ scope, reason: "counting round trips", actor }));
      const r = await timed(() => resume({ scope, actor }));
      if (i >= 2) runs.push({ halt: h, resume: r }); // two warm-ups
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const of = (k: "halt" | "resume") => `${median(runs.map((x) => x[k][0]))} round trips, ${median(runs.map((x) => x[k][1])).toFixed(1)} ms`;
    console.log(`  ${label.padEnd(7)} halt: ${of("halt")}   resume: ${of("resume")}`);
  }
} finally {
  await closeBus();
  await closeDb();
  await db.dispose();
}

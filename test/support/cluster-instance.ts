// A Warden data plane on WARDEN_WORKERS (default 2) worker processes sharing one port, through
// lib/cluster's supervisor as server.ts runs it (without Next.js, so no build is needed), on
// the current DATABASE_URL. Worker slot 0 runs the background jobs, as in server.ts. Prints
// `PORT <n>` when every worker listens, and the supervisor's lines (restarts) after it. Each
// answer carries `x-warden-worker: <slot>:<pid>`, so a test can tell the workers apart.
import cluster from "node:cluster";
import http from "node:http";
import { freePort } from "../../lib/boot/index.ts";
import { onStop, superviseWorkers, workerSlot } from "../../lib/cluster/index.ts";
import { handleDataPlane } from "../../lib/dataplane/index.ts";
import { closeDb } from "../../lib/db/index.ts";
import { closeBus } from "../../lib/events/index.ts";
import { startJobs } from "../../lib/jobs/index.ts";

if (cluster.isPrimary) {
  const port = await freePort();
  process.env.WARDEN_TEST_CLUSTER_PORT = String(port);
  const supervisor = superviseWorkers({
    count: Number(process.env.WARDEN_WORKERS ?? 2),
    exec: import.meta.filename,
    execArgv: ["--import", "tsx"],
    backoff: { initialMs: 100, maxMs: 2000, stableMs: 10_000 },
  });
  await supervisor.ready;
  console.log(`PORT ${port}`);
  onStop(async () => {
    await supervisor.stop();
    process.exit(0);
  });
} else {
  const slot = workerSlot();
  const server = http.createServer((req, res) => {
    res.setHeader("x-warden-worker", `${slot}:${process.pid}`);
    void handleDataPlane(req, res);
  });
  const stopJobs = slot === 0 ? startJobs() : async () => {};
  server.listen(Number(process.env.WARDEN_TEST_CLUSTER_PORT), "127.0.0.1");
  onStop(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await stopJobs();
    await closeBus();
    await closeDb();
    process.exit(0);
  });
}

// A Warden data plane on WARDEN_WORKERS (default 2) data-plane worker processes and one
// control-plane worker behind one port, through lib/cluster's supervisor and its connection
// routing as server.ts runs it (without Next.js, so no build is needed), on the current
// DATABASE_URL. Worker slot 0 is the control-plane worker and runs the prompt background jobs,
// slot 1 the bulk ones, as in server.ts; slots 1 … the data plane. Prints `PORT <n>` when every worker is ready and the
// port listens, and the supervisor's lines (restarts) after it. Each answer carries
// `x-warden-worker: <slot>:<pid>`, so a test can tell the workers apart.
import cluster from "node:cluster";
import http from "node:http";
import { freePort } from "../../lib/boot/index.ts";
import { onStop, receiveConnections, superviseWorkers, workerJobs, workerSlot } from "../../lib/cluster/index.ts";
import { handleDataPlane } from "../../lib/dataplane/index.ts";
import { closeDb } from "../../lib/db/index.ts";
import { closeBus } from "../../lib/events/index.ts";
import { startJobs } from "../../lib/jobs/index.ts";

if (cluster.isPrimary) {
  const port = await freePort();
  const supervisor = superviseWorkers({
    count: Number(process.env.WARDEN_WORKERS ?? 2) + 1,
    listen: { port, host: "127.0.0.1" },
    exec: import.meta.filename,
    execArgv: ["--import", "tsx"],
    backoff: { initialMs: Number(process.env.WARDEN_TEST_RESTART_MS ?? 100), maxMs: 2000, stableMs: 10_000 },
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
  const lanes = workerJobs(slot);
  const stopJobs = lanes ? startJobs(undefined, lanes) : async () => {};
  const connections = receiveConnections(server);
  onStop(async () => {
    await connections.close(0);
    await stopJobs();
    await closeBus();
    await closeDb();
    process.exit(0);
  });
}

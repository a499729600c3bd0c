// Warden's one HTTP entry: /v1/* (agents) goes to the lean data plane, everything else to
// Next.js (dashboard and control-plane API). With WARDEN_WORKERS > 1 this file runs as the
// primary (start-up once, then it listens, routes connections and supervises) and as each
// worker (serves): WARDEN_WORKERS data-plane workers and one control-plane worker. See README
// "Architecture".
import cluster from "node:cluster";
import http from "node:http";
import next from "next";
import { listenOn, localUrl, prepare, removeRuntimeInfo, writeRuntimeInfo, type Prepared } from "./lib/boot/index.ts";
import { onStop, receiveConnections, superviseWorkers, workerCount, workerJobs, workerSlot } from "./lib/cluster/index.ts";
import { instanceId, readEnv, type Env } from "./lib/config/index.ts";
import { handleDataPlane } from "./lib/dataplane/index.ts";
import { closeDb, warmControlPool } from "./lib/db/index.ts";
import { closeBus } from "./lib/events/index.ts";
import { ingress, parseTrustedProxies } from "./lib/http/index.ts";
import { startJobs, type JobLanes } from "./lib/jobs/index.ts";

/**
 * Serves HTTP (data plane + Next.js): on PORT, or — `routed`, a cluster worker — on the
 * connections the primary hands it (lib/cluster receiveConnections); and the background jobs
 * when `jobs`. Returns a stop function: stop accepting, finish in-flight requests, stop the
 * jobs, close the pools. Whatever it started is stopped again when it fails.
 */
async function serve(env: Env, opts: { jobs: JobLanes | null; routed: boolean }): Promise<() => Promise<void>> {
  const trust = parseTrustedProxies(env.WARDEN_TRUSTED_PROXIES);
  let stopJobs: () => Promise<void> = async () => {};
  const server = http.createServer();
  const closePools = async () => {
    await stopJobs().catch(() => undefined);
    await closeBus().catch(() => undefined);
    await closeDb().catch(() => undefined);
  };
  try {
    const app = next({ dev: false, dir: import.meta.dirname, hostname: "localhost", port: env.PORT });
    const handle = app.getRequestHandler();
    await app.prepare();

    server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      // Who the client is (WARDEN_TRUSTED_PROXIES), undecodable targets, JSON 405s: lib/http ingress.
      if (ingress(req, res, trust)) return;
      if (req.url?.startsWith("/v1/")) {
        void handleDataPlane(req, res);
        return;
      }
      void handle(req, res);
    });
    server.keepAliveTimeout = 65_000;
    if (opts.jobs) stopJobs = startJobs(undefined, opts.jobs);
    // The process that serves the control plane: its kill switch is ready to go (not awaited:
    // a slow database mustn't hold the start back).
    if (opts.jobs === "all" || opts.jobs === "prompt") void warmControlPool();
    if (opts.routed) {
      const connections = receiveConnections(server);
      return async () => {
        await connections.close();
        await closePools();
      };
    }
    await listenOn(server, env.PORT, env.HOST);
  } catch (err) {
    await closePools();
    throw err;
  }
  return async () => {
    server.closeIdleConnections();
    await new Promise((r) => server.close(r));
    await closePools();
  };
}

function banner(port: number, prepared: Prepared, workers: number): string {
  const lines = [
    "",
    `  Warden is running at http://localhost:${port}`,
    `  Database: ${prepared.embedded ? "embedded PostgreSQL" : "DATABASE_URL"}`,
    `  Workers:  ${workers === 1 ? "1 process" : `${workers} data-plane processes + 1 control-plane process (WARDEN_WORKERS)`}`,
  ];
  if (prepared.firstAdmin) {
    lines.push(`  First admin: ${prepared.firstAdmin.email}`);
    lines.push(
      prepared.firstAdmin.password
        ? `  Password:    ${prepared.firstAdmin.password}   (shown once; change it under Settings → Password)`
        : "  Password:    the WARDEN_ADMIN_PASSWORD you set",
    );
  }
  if (prepared.demo?.users.length) {
    lines.push(`  Demo users:  ${prepared.demo.users.join(", ")}`);
    lines.push(`               password ${prepared.demo.password} (shown once)`);
  }
  return lines.join("\n") + "\n";
}

/**
 * A worker: serves until told to stop (its own Ctrl-C, or the primary's SIGTERM). Slot 0 (the
 * control plane) runs the prompt jobs, slot 1 (a data-plane worker) the bulk ones (lib/jobs).
 */
async function worker(env: Env) {
  const stop = await serve(env, { jobs: workerJobs(), routed: true });
  onStop(async () => {
    await stop();
    process.exit(0);
  });
}

/** The primary: start-up once (database, migrations, keys, first admin, demo), then serve or supervise. */
async function primary(env: Env) {
  const port = env.PORT;
  const workers = workerCount(env.WARDEN_WORKERS);
  process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  // One id for this start, set in the environment before any worker is forked, so every worker
  // answers the same `instance` on /api/health as runtime.json names.
  instanceId();
  // Checks the port before anything starts; stops its embedded database if a later step fails.
  const prepared = await prepare(env, console.log, { listen: { port, host: env.HOST } });

  let stopServing: () => Promise<void>;
  try {
    if (workers === 1) {
      stopServing = await serve(env, { jobs: "all", routed: false });
    } else {
      // The primary serves nothing (it routes connections): its database connections go before
      // the workers open theirs. Each worker's general pool gets a share of the default 20
      // (WARDEN_DB_POOL_SIZE sets it per worker). Slot 0 serves the control plane, 1 … the data plane.
      await closeBus();
      await closeDb();
      process.env.WARDEN_DB_POOL_SIZE ??= String(Math.max(5, Math.ceil(20 / (workers + 1))));
      const supervisor = superviseWorkers({ count: workers + 1, listen: { port, host: env.HOST }, exec: import.meta.filename, execArgv: workerExecArgv() });
      stopServing = supervisor.stop;
      await supervisor.ready.catch(async (err: unknown) => {
        await supervisor.stop();
        throw err;
      });
    }
  } catch (err) {
    // Every failed start stops what it started, the embedded PostgreSQL included.
    await prepared.stopDatabase().catch(() => undefined);
    throw err;
  }

  // Where local scripts (npm run demo:agents) find this instance; removed on a clean stop.
  writeRuntimeInfo({ url: localUrl(env.HOST, port) });
  console.log(banner(port, prepared, workers));

  onStop(async (signal) => {
    console.log(`[warden] ${signal}: shutting down`);
    removeRuntimeInfo();
    // Workers (or this process's server) close their pools first; then the database stops.
    await stopServing().catch(() => undefined);
    await prepared.stopDatabase().catch(() => undefined);
    console.log("[warden] stopped");
    process.exit(0);
    // Longer than a worker may take (10 s, then the supervisor kills it), so the database is
    // still stopped in order and "stopped" said.
  }, 25_000);
}

/** The Node flags a worker runs server.ts with: the primary's own, with tsx loaded. */
function workerExecArgv(): string[] {
  const own = process.execArgv.filter((a, i, all) => a !== "tsx" && a !== "--import=tsx" && !(a === "--import" && all[i + 1] === "tsx"));
  return [...own, "--import", "tsx"];
}

const env = (() => {
  try {
    return readEnv();
  } catch (err) {
    console.error(`[warden] failed to start: ${(err as Error).message}`);
    process.exit(1);
  }
})();
(cluster.isWorker ? worker(env) : primary(env)).catch((err: unknown) => {
  console.error(`[warden] ${cluster.isWorker ? `worker ${workerSlot() + 1} ` : ""}failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

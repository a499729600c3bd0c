// Warden's one HTTP entry: /v1/* (agents) goes to the lean data plane, everything else to
// Next.js (dashboard and control-plane API). See README "Architecture".
import http from "node:http";
import next from "next";
import { listenOn, localUrl, prepare, removeRuntimeInfo, writeRuntimeInfo } from "./lib/boot/index.ts";
import { readEnv } from "./lib/config/index.ts";
import { handleDataPlane } from "./lib/dataplane/index.ts";
import { closeDb } from "./lib/db/index.ts";
import { closeBus } from "./lib/events/index.ts";
import { ingress, parseTrustedProxies } from "./lib/http/index.ts";
import { startJobs } from "./lib/jobs/index.ts";

async function main() {
  const env = readEnv();
  const port = env.PORT;
  const trust = parseTrustedProxies(env.WARDEN_TRUSTED_PROXIES);
  process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  // Checks the port before anything starts; stops its embedded database if a later step fails.
  const prepared = await prepare(env, console.log, { listen: { port, host: env.HOST } });

  let stopJobs: () => Promise<void> = async () => {};
  const server = http.createServer();
  try {
    const app = next({ dev: false, dir: import.meta.dirname, hostname: "localhost", port });
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
    stopJobs = startJobs();
    await listenOn(server, port, env.HOST);
    // Where local scripts (npm run demo:agents) find this instance; removed on a clean stop.
    writeRuntimeInfo({ url: localUrl(env.HOST, port) });
  } catch (err) {
    // Every failed start stops what it started, the embedded PostgreSQL included.
    await stopJobs().catch(() => undefined);
    await closeBus().catch(() => undefined);
    await closeDb().catch(() => undefined);
    await prepared.stopDatabase().catch(() => undefined);
    throw err;
  }

  const lines = [
    "",
    `  Warden is running at http://localhost:${port}`,
    `  Database: ${prepared.embedded ? "embedded PostgreSQL" : "DATABASE_URL"}`,
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
  console.log(lines.join("\n") + "\n");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[warden] ${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    removeRuntimeInfo();
    server.closeIdleConnections();
    await new Promise((r) => server.close(r));
    await stopJobs().catch(() => undefined);
    await closeBus().catch(() => undefined);
    await closeDb().catch(() => undefined);
    await prepared.stopDatabase().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(`[warden] failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

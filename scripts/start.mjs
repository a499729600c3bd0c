// `npm start`: generate the Prisma client and build the app when needed, then run server.ts.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyToolDefaults } from "./tool-env.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
// Next.js telemetry off unless NEXT_TELEMETRY_DISABLED is set (scripts/tool-env.mjs): for the
// build below and for server.ts, which runs Next.js in this process.
applyToolDefaults(process.env);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "generated" || entry.name.startsWith(".")) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const bin = (name) => path.join(root, "node_modules", ".bin", name);

// A taken port is said before anything else happens (no build, no database start). The
// check is lib/boot/port.ts, imported by file: lib/boot's index loads the Prisma client,
// which may not be generated yet.
const { register } = await import("tsx/esm/api");
register();
{
  const port = Number(process.env.PORT ?? 3000);
  if (Number.isInteger(port) && port >= 1 && port <= 65535) {
    const { assertPortFree } = await import("../lib/boot/port.ts");
    try {
      await assertPortFree(port, process.env.HOST ?? "0.0.0.0");
    } catch (err) {
      console.error(`[warden] failed to start: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    }
  }
}

if (!existsSync("lib/db/generated/client.ts") || statSync("prisma/schema.prisma").mtimeMs > statSync("lib/db/generated/client.ts").mtimeMs) {
  run(bin("prisma"), ["generate"]);
}

// A bench build (WARDEN_BENCH_BUILD=1, next.config.ts) lives in its own directory.
const buildId = `${process.env.WARDEN_BENCH_BUILD === "1" ? ".next-bench" : ".next"}/BUILD_ID`;
const sources = Math.max(...["app", "components", "lib", "public"].map(newestMtime), ...["next.config.ts", "package.json", "postcss.config.mjs"].map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
if (!existsSync(buildId) || statSync(buildId).mtimeMs < sources) {
  console.log(existsSync(buildId) ? "[warden] sources changed since the last build: rebuilding" : "[warden] first start: building the app (a minute or two)");
  run(bin("next"), ["build"]);
}

process.env.NODE_ENV = "production";
const { pathToFileURL } = await import("node:url");
await import(pathToFileURL(path.join(root, "server.ts")).href);

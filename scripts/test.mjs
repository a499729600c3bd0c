// `npm test`: every check CI runs — type-check, lint, unit + integration tests (against a real
// embedded PostgreSQL), production build, the Python SDK's tests (against a Warden started from
// that build), Playwright journeys in Chromium.
// `npm test -- --skip-e2e` leaves out the build, the Python SDK step and the browser journeys.
//
// Order: the Prisma client first (everything imports it); then, side by side, the type-check,
// the lint and the build followed by the Python SDK's tests — each is one single-threaded tool
// or a self-contained server, none depends on another's result, and on 2 cores running them
// one after the other left a core idle for ~2 minutes; their output is printed whole, one step
// at a time, as each ends. Then the unit + integration tests and the browser journeys, alone
// (both time-sensitive: nothing else competes for the machine while they run).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyToolDefaults } from "./tool-env.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const skipE2e = process.argv.includes("--skip-e2e");
// Next.js telemetry off for the build and the Warden the journeys start, unless set (scripts/tool-env.mjs).
applyToolDefaults(process.env);

const step = (name, cmd, args) => ({ name, cmd, args });
const prisma = step("prisma client", bin("prisma"), ["generate"]);
const typecheck = step("type-check", bin("tsc"), ["--noEmit", "-p", "."]);
const lint = step("lint", bin("eslint"), [".", "--max-warnings", "0"]);
const build = step("build", bin("next"), ["build"]);
const python = step("python SDK", process.execPath, [path.join(root, "scripts", "test-python.mjs")]);
const vitest = step("unit + integration tests", bin("vitest"), ["run"]);
const journeys = step("browser journeys", bin("playwright"), ["test"]);

// Stages run one after the other; the lanes of a stage run side by side, each lane's steps in turn.
const stages = [[[prisma]], skipE2e ? [[typecheck], [lint]] : [[typecheck], [lint], [build, python]], [[vitest]]];
if (!skipE2e) stages.push([[journeys]]);

const results = [];
const failed = (name) => results.some((r) => r.name === name && !r.ok);

/** Runs one step; alone it inherits the terminal, beside others its output is printed whole when it ends. */
function run({ name, cmd, args }, alone) {
  if ((name === "browser journeys" || name === "python SDK") && failed("build")) {
    results.push({ name, ok: false, seconds: 0, note: "skipped: build failed" });
    return Promise.resolve();
  }
  if (name === "browser journeys" && !existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")) {
    console.error("Chromium is missing: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.");
  }
  if (alone) console.log(`\n━━ ${name} ━━`);
  const started = Date.now();
  const child = spawn(cmd, args, { stdio: alone ? "inherit" : ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_ENV: name === "build" ? "production" : "test" } });
  const out = [];
  child.stdout?.on("data", (b) => out.push(b));
  child.stderr?.on("data", (b) => out.push(b));
  return new Promise((resolve) => {
    let ended = false;
    const done = (ok, note) => {
      if (ended) return;
      ended = true;
      const seconds = Math.round((Date.now() - started) / 1000);
      if (!alone) {
        console.log(`\n━━ ${name} ━━ (ran beside other steps)`);
        process.stdout.write(Buffer.concat(out));
      }
      results.push({ name, ok, seconds, note });
      resolve();
    };
    child.on("error", (err) => done(false, String(err)));
    child.on("close", (code) => done(code === 0));
  });
}

for (const lanes of stages) {
  const alone = lanes.length === 1 && lanes[0].length === 1;
  await Promise.all(
    lanes.map(async (lane) => {
      for (const s of lane) await run(s, alone);
    }),
  );
  if (failed("prisma client")) break;
}

console.log("\n━━ summary ━━");
for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name} (${r.seconds}s)${r.note ? ` — ${r.note}` : ""}`);
const nFailed = results.filter((r) => !r.ok).length;
console.log(`steps: ${results.length - nFailed} passed, ${nFailed} failed`);
process.exit(nFailed ? 1 : 0);

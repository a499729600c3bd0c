// `npm test`: every check CI runs, in order — type-check, lint, unit + integration tests
// (against a real embedded PostgreSQL), production build, the Python SDK's tests (against a
// Warden started from that build), Playwright journeys in Chromium.
// `npm test -- --skip-e2e` leaves out the build, the Python SDK step and the browser journeys.
import { spawnSync } from "node:child_process";
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

const steps = [
  ["prisma client", bin("prisma"), ["generate"]],
  ["type-check", bin("tsc"), ["--noEmit", "-p", "."]],
  ["lint", bin("eslint"), [".", "--max-warnings", "0"]],
  ["unit + integration tests", bin("vitest"), ["run"]],
];
if (!skipE2e) {
  steps.push(["build", bin("next"), ["build"]]);
  steps.push(["python SDK", process.execPath, [path.join(root, "scripts", "test-python.mjs")]]);
  steps.push(["browser journeys", bin("playwright"), ["test"]]);
}

const results = [];
for (const [name, cmd, args] of steps) {
  if ((name === "browser journeys" || name === "python SDK") && results.some((r) => r.name === "build" && !r.ok)) {
    results.push({ name, ok: false, seconds: 0, note: "skipped: build failed" });
    continue;
  }
  if (name === "browser journeys" && !existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")) {
    console.error("Chromium is missing: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.");
  }
  console.log(`\n━━ ${name} ━━`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NODE_ENV: name === "build" ? "production" : "test" } });
  results.push({ name, ok: r.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
  if (name === "prisma client" && r.status !== 0) break;
}

console.log("\n━━ summary ━━");
for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name} (${r.seconds}s)${r.note ? ` — ${r.note}` : ""}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

// `npm run test:python`: the Python SDK's tests (sdk/python/tests) — unit tests against a scripted
// server, and tests against a real Warden that this script starts from the production build
// (`node scripts/start.mjs`, which builds first if there is no build) with a fresh embedded
// PostgreSQL in a temp dir on a free port, sets up through the control-plane API, and stops again
// (with its database) on every exit path. Without python3 it skips, except in CI (CI=true) where
// that is a failure.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PYTHON = process.env.PYTHON ?? "python3";
const ADMIN = { email: "admin@python-sdk.test", password: "python-sdk-admin-password" };
const APPROVER = { email: "approver@python-sdk.test", password: "python-sdk-approver-password", name: "Python SDK approver", role: "approver" };
const START_TIMEOUT_MS = 240_000; // a first start builds the app
const STOP_TIMEOUT_MS = 20_000;
const ci = process.env.CI === "true" || process.env.CI === "1";
const log = (line) => console.log(`[test-python] ${line}`);
const started = Date.now();
const seconds = (from) => `${((Date.now() - from) / 1000).toFixed(1)} s`;

// ── python3 ──────────────────────────────────────────────────────────────────────────────
const probe = spawnSync(PYTHON, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], { encoding: "utf8" });
if (probe.status !== 0 || probe.error) {
  if (ci) {
    console.error(`[test-python] FAIL: ${PYTHON} is missing; CI runs the Python SDK's tests (apt-get install -y python3).`);
    process.exit(1);
  }
  log(`skipped: ${PYTHON} is not installed (the Python SDK needs Python ≥ 3.9); CI fails here instead of skipping.`);
  process.exit(0);
}
const pyVersion = probe.stdout.trim();
const [major, minor] = pyVersion.split(".").map(Number);
if (major < 3 || (major === 3 && minor < 9)) {
  console.error(`[test-python] FAIL: ${PYTHON} is ${pyVersion}; the Python SDK needs ≥ 3.9.`);
  process.exit(1);
}

// ── Warden ───────────────────────────────────────────────────────────────────────────────
let warden = null; // the start.mjs child (leader of its own process group)
let tests = null; // the python3 child
let dataDir = null;
const output = []; // Warden's output, shown when something fails

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function exited(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

let stopping = null;
/** SIGTERM lets server.ts stop its embedded PostgreSQL; past the deadline the whole group is killed. */
function stopWarden() {
  stopping ??= (async () => {
    if (warden && warden.exitCode === null && warden.signalCode === null) {
      warden.kill("SIGTERM");
      if (!(await exited(warden, STOP_TIMEOUT_MS))) {
        log(`Warden did not stop within ${STOP_TIMEOUT_MS / 1000} s: killing its process group`);
        killGroup();
        await exited(warden, 5000);
      }
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  })();
  return stopping;
}

function killGroup() {
  try {
    if (warden?.pid) process.kill(-warden.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

// Last resorts: a signal to this script, or an exit that skipped the orderly stop.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    log(`${signal}: stopping the tests and Warden`);
    if (tests && tests.exitCode === null) tests.kill("SIGTERM");
    void stopWarden().finally(() => process.exit(128 + (os.constants.signals[signal] ?? 1)));
  });
}
process.on("exit", () => {
  if (tests && tests.exitCode === null) tests.kill("SIGKILL");
  if (warden && warden.exitCode === null && warden.signalCode === null) killGroup();
});

async function startWarden() {
  const port = await freePort();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "warden-python-"));
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the `postgres` user and must reach it
  const url = `http://127.0.0.1:${port}`;
  warden = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    detached: true, // its own process group, so nothing it started can outlive a forced stop
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      WARDEN_DATA_DIR: dataDir,
      WARDEN_ADMIN_EMAIL: ADMIN.email,
      WARDEN_ADMIN_PASSWORD: ADMIN.password,
      WARDEN_SEED_DEMO: "false",
      NEXTAUTH_URL: url,
    },
  });
  for (const stream of [warden.stdout, warden.stderr]) stream.on("data", (chunk) => output.push(chunk.toString()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (warden.exitCode !== null || warden.signalCode !== null) throw new Error(`Warden exited during start-up (${warden.exitCode ?? warden.signalCode})`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return url;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Warden did not answer /api/health within ${START_TIMEOUT_MS / 1000} s`);
}

async function api(url, method, route, token, body) {
  const res = await fetch(url + route, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

/** An approver, two agents in cohort py-sdk, and the policies test_real_warden.py and test_real_changes.py describe. */
async function setUp(url) {
  const admin = (await api(url, "POST", "/api/login", null, ADMIN)).token;
  await api(url, "POST", "/api/users", admin, { email: APPROVER.email, name: APPROVER.name, role: APPROVER.role, password: APPROVER.password });
  const approver = (await api(url, "POST", "/api/login", null, { email: APPROVER.email, password: APPROVER.password })).token;
  const owner = "python-sdk-team"; // neither user: the approver may approve alone
  const agent = await api(url, "POST", "/api/agents", admin, { name: "py-sdk-agent", cohort: "py-sdk", owner, riskTier: "high" });
  const haltAgent = await api(url, "POST", "/api/agents", admin, { name: "py-sdk-halt-agent", cohort: "py-sdk", owner });
  const policies = [
    { name: "py-sdk-no-catalog-delete", effect: "deny", target: { cohorts: ["py-sdk"], actions: ["py.catalog.delete"] }, condition: "true", message: "Deleting the catalog is never allowed" },
    {
      name: "py-sdk-big-refunds",
      effect: "require_approval",
      target: { cohorts: ["py-sdk"], actions: ["py.orders.refund"] },
      condition: "input.amount > 500.0",
      message: "Refunds over 500 need a human",
      approval: { quorum: 1, timeoutSeconds: 600 },
    },
    {
      name: "py-sdk-price-check",
      stage: "post",
      effect: "flag",
      target: { cohorts: ["py-sdk"], actions: ["py.pricing.set_price"] },
      condition: "result.output.appliedPrice != input.price",
      message: "The applied price differs from the requested one",
    },
    {
      name: "py-sdk-markdowns",
      effect: "require_approval",
      target: { cohorts: ["py-sdk"], actions: ["py.pricing.markdown"] },
      condition: "true",
      message: "Markdowns need a human, who may lower the price",
      approval: { quorum: 1, timeoutSeconds: 600, editable: ["input.price"] },
    },
  ];
  for (const p of policies) await api(url, "POST", "/api/policies", admin, p);
  return {
    WARDEN_TEST_URL: url,
    WARDEN_TEST_AGENT_KEY: agent.apiKey,
    WARDEN_TEST_AGENT_ID: agent.agent.id,
    WARDEN_TEST_HALT_AGENT_KEY: haltAgent.apiKey,
    WARDEN_TEST_HALT_AGENT_ID: haltAgent.agent.id,
    WARDEN_TEST_ADMIN_TOKEN: admin,
    WARDEN_TEST_APPROVER_TOKEN: approver,
    WARDEN_TEST_REQUIRE_REAL: "1",
  };
}

function runPython(env) {
  return new Promise((resolve) => {
    const child = (tests = spawn(PYTHON, ["-m", "unittest", "discover", "-s", "sdk/python/tests", ...(process.env.PYTHON_TEST_VERBOSE ? ["-v"] : [])], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: "1" },
    }));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on("error", () => resolve(1));
  });
}

let code = 1;
try {
  log(`Python ${pyVersion}; starting Warden (fresh database, no demo data)…`);
  const url = await startWarden();
  log(`Warden is up at ${url} after ${seconds(started)}`);
  const setupStarted = Date.now();
  const env = await setUp(url);
  log(`approver, agents and policies created in ${seconds(setupStarted)}`);
  const testsStarted = Date.now();
  code = await runPython(env);
  log(`python3 -m unittest: ${code === 0 ? "passed" : "FAILED"} in ${seconds(testsStarted)}`);
} catch (err) {
  console.error(`[test-python] FAIL: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  if (code !== 0 && output.length) console.error(`[test-python] Warden's output:\n${output.join("").trimEnd()}`);
  const stopStarted = Date.now();
  await stopWarden();
  log(`Warden and its database stopped in ${seconds(stopStarted)}; total ${seconds(started)}`);
}
process.exit(code);

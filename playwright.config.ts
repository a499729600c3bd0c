import { defineConfig } from "@playwright/test";

// 3100 as the issue asks; E2E_PORT moves it when another run (CI clone, a colleague) holds 3100.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const DATA_DIR = process.env.E2E_DATA_DIR ?? ".data-e2e";
export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password-123" };

export default defineConfig({
  testDir: "e2e",
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    { name: "journeys", testMatch: /.*\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/admin.json" } },
  ],
  webServer: {
    // A fresh database every run: removed here, before the server starts (a globalSetup runs too late).
    command: `rm -rf ${DATA_DIR} && node scripts/start.mjs`,
    url: `http://localhost:${PORT}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    // Stop Warden the way Ctrl-C does (its workers, then its embedded PostgreSQL, which runs in a
    // process group of its own): Playwright's default SIGKILL would leave that PostgreSQL running.
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    stdout: "pipe",
    // The test runner on loopback acts as a trusted proxy: journeys that provoke sign-in throttling
    // send their own X-Forwarded-For, so the other journeys' sign-ins aren't slowed down.
    // WARDEN_WORKERS=2: the journeys meet two worker processes, as on CI's 2 cores, on any machine.
    env: { PORT: String(PORT), WARDEN_DATA_DIR: DATA_DIR, WARDEN_ADMIN_EMAIL: ADMIN.email, WARDEN_ADMIN_PASSWORD: ADMIN.password, WARDEN_SEED_DEMO: "true", WARDEN_WORKERS: "2", WARDEN_TRUSTED_PROXIES: "127.0.0.1, ::1" },
  },
});

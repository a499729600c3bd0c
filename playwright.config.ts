import { defineConfig } from "@playwright/test";

const PORT = 3100;
export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password-123" };

export default defineConfig({
  testDir: "e2e",
  forbidOnly: Boolean(process.env.CI),
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
    command: "rm -rf .data-e2e && node scripts/start.mjs",
    url: `http://localhost:${PORT}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: { PORT: String(PORT), WARDEN_DATA_DIR: ".data-e2e", WARDEN_ADMIN_EMAIL: ADMIN.email, WARDEN_ADMIN_PASSWORD: ADMIN.password, WARDEN_SEED_DEMO: "true" },
  },
});

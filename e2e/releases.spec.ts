import { spawn, type ChildProcess } from "node:child_process";
import { expect, test } from "@playwright/test";
import { ADMIN, createUser, sameOrigin, signedInAs, uniq } from "./helpers.ts";

// The bad-release scenario of the demo agents (npm run demo:agents -- --scenario bad-release):
// real traffic through the SDK, each SKU asking which pricing version to run.
let demo: ChildProcess | undefined;
test.afterAll(() => {
  demo?.kill("SIGINT");
});

test("an operator starts a canary from the dashboard, the bad release rolls back by itself, and the page says why", async ({ browser, page }, info) => {
  test.setTimeout(240_000);
  const operator = { email: `${uniq("rel")}@maison.example`, name: "Rita Release", role: "operator", password: "operator-password-123" };
  await createUser(page, operator);
  const { page: op, ctx } = await signedInAs(browser, operator.email, operator.password);
  // Journeys before this one deny pricing actions on purpose (floors, halts, the breaker
  // scenario) and may have tripped the demo's pricing-deny-spike breaker, which would hold the
  // cohort (circuit_open) through this rollout: start with the pricing cohort not held.
  const breakers = (await (await page.request.get("/api/breakers?cohort=pricing")).json()) as { id: string; name: string; state: string }[];
  for (const b of breakers.filter((x) => x.state !== "closed")) {
    expect((await page.request.post(`/api/breakers/${b.id}/reset`, { headers: sameOrigin(page), data: { reason: "releases journey: start from a closed breaker" } })).status()).toBe(200);
  }

  // The pricing agent's Releases tab: its two versions, and what changed between them.
  await op.goto("/agents");
  await op.getByRole("link", { name: "price-optimizer-eu" }).click();
  await op.getByRole("link", { name: "Releases" }).click();
  await expect(op.getByRole("table", { name: "Versions" })).toContainText("pricing-2026.11.2");
  await expect(op.getByRole("table", { name: "Versions" })).toContainText("pricing-2026.11.3");
  await expect(op.getByTestId("version-diff")).toContainText("heuristic");
  await expect(op.getByTestId("version-diff")).toContainText("clearance-aggressive");

  // Start the canary from the dashboard.
  const form = op.getByRole("form", { name: "Start a rollout" });
  await form.getByLabel("Candidate version").selectOption("pricing-2026.11.3");
  await form.getByLabel("Baseline version").selectOption("pricing-2026.11.2");
  await form.getByLabel("Steps (% of traffic)").fill("10, 25, 50, 100");
  await form.getByLabel("Candidate decisions per step").fill("300");
  await form.getByLabel("Seconds per step (at least)").fill("120");
  await expect(form.getByLabel("Guard deny_rate")).toBeChecked();
  await expect(form.getByLabel("Guard escalation_rate")).toBeChecked();
  await form.getByRole("button", { name: "Start canary" }).click();
  const status = op.getByTestId("rollout-status");
  await expect(status).toContainText("running");
  await expect(op.getByTestId("share-candidate")).toContainText("pricing-2026.11.3: 10 %");
  await expect(op.getByTestId("guard-deny_rate")).toBeVisible();
  await expect(op.getByTestId("guard-escalation_rate")).toContainText("Decision rule");

  // The bad-release scenario drives the operator's canary.
  demo = spawn("node_modules/.bin/tsx", ["scripts/demo-agents.ts", "--scenario", "bad-release", "--rate", "40", "--duration", "200"], {
    env: {
      ...process.env,
      WARDEN_URL: String(info.project.use.baseURL),
      WARDEN_DATA_DIR: process.env.E2E_DATA_DIR ?? ".data-e2e",
      WARDEN_ADMIN_EMAIL: ADMIN.email,
      WARDEN_ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: "ignore",
  });

  // The charts fill while the page refreshes itself; then the rollout turns red by itself.
  await expect.poll(async () => Number((await op.getByTestId("guard-escalation_rate").getAttribute("aria-label"))?.match(/of (\d+),/)?.[1] ?? 0), { timeout: 90_000, intervals: [2_000] }).toBeGreaterThan(20);
  await expect(status).toContainText("rolled back", { timeout: 150_000 });
  const why = op.getByTestId("rollout-ended-reason");
  await expect(why).toContainText("Rolled back by itself");
  await expect(why).toContainText(/(deny_rate|escalation_rate) regressed: candidate .* vs baseline .*interval/);
  await expect(op.locator('[data-verdict="regressed"]').first()).toBeVisible();
  await expect(op.getByTestId("share-candidate")).toContainText("pricing-2026.11.3: 0 %");
  await expect(op.getByRole("table", { name: "Rollout history" })).toContainText("regressed");
  await op.screenshot({ path: info.outputPath("rolled-back.png"), fullPage: true });
  await ctx.close();
});

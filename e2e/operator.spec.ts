import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { expect, test, type Locator } from "@playwright/test";
import { ADMIN, ask, createUser, registerAgentInUi, sameOrigin, signedInAs, uniq } from "./helpers.ts";

// The demo agents (npm run demo:agents) driving real traffic through the SDK while the
// operator watches; stopped when the journeys are done. Started as a newcomer would beside
// `PORT=… npm start`: with the same PORT and no WARDEN_URL.
let demo: ChildProcess | undefined;
test.beforeAll(({}, info) => {
  const env = { ...process.env };
  delete env.WARDEN_URL;
  demo = spawn("node_modules/.bin/tsx", ["scripts/demo-agents.ts", "--rate", "12", "--duration", "150"], {
    env: {
      ...env,
      PORT: new URL(String(info.project.use.baseURL)).port,
      WARDEN_DATA_DIR: process.env.E2E_DATA_DIR ?? ".data-e2e",
      WARDEN_ADMIN_EMAIL: ADMIN.email,
      WARDEN_ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: "ignore",
  });
});
test.afterAll(() => {
  demo?.kill("SIGINT");
});

/** Whether a table's scrolling wrapper hides part of it (the overview's tables must fit their panels). */
async function overflow(table: Locator) {
  return table.evaluate((t) => {
    const box = t.parentElement!;
    return { scrollWidth: box.scrollWidth, clientWidth: box.clientWidth };
  });
}

test("an operator watches the overview move with demo traffic, opens the busiest agent and follows an action to its audit events", async ({ browser, page }, info) => {
  test.slow(); // waits for traffic, and looks at the overview at two widths
  const operator = { email: `${uniq("op")}@maison.example`, name: "Olga Operator", role: "operator", password: "operator-password-123" };
  await createUser(page, operator);
  // A policy with a long name that matches (in shadow) every pricing decision the demo makes.
  const longName = uniq("shadow-check-of-every-price-change-the-pricing-agents-make");
  expect(longName.length).toBeLessThanOrEqual(80);
  const created = await page.request.post("/api/policies", {
    headers: sameOrigin(page),
    data: { name: longName, effect: "require_approval", mode: "shadow", target: { cohorts: ["pricing"] }, condition: "true", message: "Watching price changes" },
  });
  expect(created.status()).toBe(201);
  const { page: op, ctx } = await signedInAs(browser, operator.email, operator.password);

  await op.goto("/");
  await expect(op.getByRole("heading", { name: "Overview" })).toBeVisible();
  const chart = op.getByTestId("decisions-chart");
  await expect(chart).toBeVisible();
  // The chart refreshes itself (no reload) and its bars grow while the agents work.
  const total = async () => Number(await chart.getAttribute("data-total"));
  const before = await total();
  await expect.poll(total, { timeout: 40_000, intervals: [2_000] }).toBeGreaterThan(before + 5);
  await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(op.getByTestId("cohort-rates-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();

  // "Policies that fired most" fits its panel on a laptop and on a phone: long names are cut
  // (the whole name in their title) and the bars stay in view.
  const fired = op.getByRole("table", { name: "Policies that fired most" });
  await expect(fired.getByRole("link", { name: longName })).toBeVisible({ timeout: 40_000 });
  for (const viewport of [{ width: 1400, height: 900 }, { width: 390, height: 844 }]) {
    await op.setViewportSize(viewport);
    const size = await overflow(fired);
    expect(size.scrollWidth, `at ${viewport.width} px`).toBeLessThanOrEqual(size.clientWidth);
    await expect(fired.getByRole("link", { name: longName })).toHaveAttribute("title", longName);
    // The panel sits below the fold: scroll down to it (only down, never sideways, so a bar
    // pushed off to the right stays out of view), then the whole first bar must be in view.
    // The page refreshes itself every 5 s and the panels above it grow while traffic starts
    // (more agents, more cohorts): scrolled again if a refresh moved it since.
    await expect(async () => {
      await fired.evaluate((t) => window.scrollTo({ left: 0, top: t.getBoundingClientRect().top + window.scrollY - 100 }));
      await expect(fired.getByTestId("fired-bar").first()).toBeInViewport({ ratio: 1, timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    const bar = await fired.getByTestId("fired-bar").first().boundingBox();
    expect(bar!.width, `bar width at ${viewport.width} px`).toBeGreaterThanOrEqual(48);
    await info.attach(`overview-policies-${viewport.width}px`, { body: await fired.locator("xpath=ancestor::section[1]").screenshot(), contentType: "image/png" });
    await info.attach(`overview-${viewport.width}px`, { body: await op.screenshot({ fullPage: true }), contentType: "image/png" });
  }
  await op.setViewportSize({ width: 1280, height: 720 });

  // The busiest agent, from the list, to its timeline, to one action's whole story.
  // Both lists refresh themselves while the agents work: what is read is what gets clicked (by
  // its address), not whatever is first by the time of the click.
  const busiest = op.getByRole("table", { name: "Busiest agents" }).getByRole("link").first();
  const [agentName, agentHref] = await busiest.evaluate((a) => [a.textContent!.trim(), a.getAttribute("href")!]);
  await op.getByRole("table", { name: "Busiest agents" }).locator(`a[href="${agentHref}"]`).click();
  await expect(op.getByRole("heading", { level: 1 })).toContainText(agentName);
  const entry = op.getByTestId("action-row").first();
  await expect(entry).toBeVisible();
  const [actionName, actionHref] = await entry.getByRole("link").first().evaluate((a) => [a.textContent!.trim(), a.getAttribute("href")!]);
  await op.locator(`a[href="${actionHref}"]`).first().click();
  await expect(op.getByRole("heading", { level: 1 })).toContainText(actionName);
  await expect(op.getByTestId("action-audit-row").filter({ hasText: "action.decided" })).toHaveCount(1);
  const actionId = op.url().split("/actions/")[1]!;

  // …and the same events in the audit explorer.
  await op.getByRole("link", { name: "Open in audit log" }).click();
  await expect(op).toHaveURL(new RegExp(`/audit\\?q=action%3A${actionId}`));
  const rows = op.getByTestId("audit-row");
  await expect(rows.filter({ hasText: "action.decided" })).toHaveCount(1);
  for (const text of await rows.allTextContents()) expect(text).toContain(actionId);
  await ctx.close();
});

test("the audit explorer filters by kind and agent, exports exactly the filtered set, and shows the chain verified", async ({ page }) => {
  // An agent the demo traffic has made decisions for.
  const latest = async () => ((await (await page.request.get("/api/audit?kind=action.decided&limit=1")).json()) as { events: { agentId: string }[] }).events[0];
  await expect.poll(latest, { timeout: 30_000 }).toBeDefined();
  const agentId = (await latest())!.agentId;
  await page.goto("/audit");
  await page.getByLabel("Kind").fill("action.decided");
  await page.locator("select[name=agent]").selectOption(agentId);
  const agentName = (await page.locator("select[name=agent] option:checked").textContent())!;
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/kind=action\.decided/);
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toBeVisible();
  const shown = await rows.allTextContents();
  for (const text of shown) {
    expect(text).toContain("action.decided");
    expect(text).toContain(agentName);
  }

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
  const csv = (await readFile((await download.path())!, "utf8")).trim().split("\n");
  expect(csv[0]).toContain("kind");
  expect(csv.length - 1).toBeGreaterThanOrEqual(shown.length);
  expect(new URL(page.url()).searchParams.get("agent")).toBe(agentId);
  for (const line of csv.slice(1)) {
    expect(line).toContain(",action.decided,");
    expect(line).toContain(agentId);
  }

  // Storage is by month: this month's partition is there (with its size).
  await expect(page.getByRole("list", { name: "Audit partitions" })).toContainText(new RegExp(`${new Date().toISOString().slice(0, 7)}.*\\d+ (kB|MB)`));

  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("verify-result")).toContainText(/intact\s*Verified/);
  // The badge is recorded: it is still there after a reload.
  await page.reload();
  await expect(page.getByTestId("verify-result")).toContainText(/intact\s*Verified .+ · head [0-9a-f]{12}…/);
});

test("an admin names a field to redact, previews it, and the agent's PII is stored only as markers that a timeline search still finds", async ({ page }) => {
  await page.goto("/settings");
  const rules = page.getByRole("form", { name: "Redaction rules" });
  await rules.getByLabel("Fields always redacted").fill("input.giftMessage");
  await page.getByRole("button", { name: "Preview redaction" }).click();
  const preview = page.getByTestId("redaction-preview");
  await expect(preview).toContainText("email · input.customer.email");
  await expect(preview).toContainText("[redacted:email:");
  await expect(preview).not.toContainText("jane.doe@example.com");
  await rules.getByRole("button", { name: "Save rules" }).click();
  await expect(rules.getByRole("status")).toContainText("Saved");

  const { id, key } = await registerAgentInUi(page, uniq("concierge"), uniq("care"));
  const shopper = `${uniq("shopper")}@example.com`;
  const first = await ask(page.request, key, { action: "orders.note", resource: "order:E2E-1", input: { customer: { email: shopper }, giftMessage: "Happy birthday, love from Paris" } });
  await ask(page.request, key, { action: "orders.note", resource: "order:E2E-2", input: { customer: { email: "someone.else@example.com" } } });

  await page.goto(`/agents/${id}`);
  await expect(page.getByTestId("action-row")).toHaveCount(2);
  // Search by the raw e-mail, typed differently: found through its marker.
  await page.getByLabel("Holding a value").fill(shopper.toUpperCase());
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("action-row")).toHaveCount(1);
  await expect(page.getByTestId("action-row")).toContainText("order:E2E-1");
  await page.getByLabel("Decision").selectOption("denied");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No action matches these filters.")).toBeVisible();

  await page.goto(`/actions/${first.id}`);
  const request = page.locator("section").filter({ has: page.getByRole("heading", { name: "Request", exact: true }) });
  await expect(request).toContainText("[redacted:email:");
  await expect(request).toContainText("[redacted:field:");
  await expect(page.locator("body")).not.toContainText(shopper);
  await expect(page.locator("body")).not.toContainText("love from Paris");
});

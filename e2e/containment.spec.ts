import { spawn } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN, ask, createUser, registerAgentInUi, sameOrigin, signedInAs, uniq } from "./helpers.ts";

/** A fresh key for a demo agent, issued by the signed-in admin of `page`. */
async function demoKey(page: Page, name: string): Promise<{ id: string; key: string }> {
  if (page.url() === "about:blank") await page.goto("/");
  const agents = (await (await page.request.get("/api/agents")).json()) as { agents: { id: string; name: string }[] };
  const id = agents.agents.find((a) => a.name === name)!.id;
  const res = await page.request.post(`/api/agents/${id}/keys`, { headers: sameOrigin(page) });
  expect(res.status()).toBe(201);
  return { id, key: ((await res.json()) as { apiKey: string }).apiKey };
}

/** `npm run demo:agents -- --scenario breaker` against this Warden; resolves with its exit code and output. */
function breakerScenario(baseURL: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("node_modules/.bin/tsx", ["scripts/demo-agents.ts", "--scenario", "breaker"], {
      env: { ...process.env, WARDEN_URL: baseURL, WARDEN_DATA_DIR: process.env.E2E_DATA_DIR ?? ".data-e2e", WARDEN_ADMIN_EMAIL: ADMIN.email, WARDEN_ADMIN_PASSWORD: ADMIN.password },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

const sanePrice = { action: "pricing.set_price", resource: "sku:LUX-0002", input: { sku: "LUX-0002", currentPrice: 300, price: 290, currency: "EUR", tags: ["core"], discountPct: 3 } };

test("an operator watches the demo's pricing agents trip a breaker, sees the cohort denied with circuit_open and why on the overview, and resets it with a reason", async ({ page, browser, baseURL }) => {
  test.setTimeout(150_000);
  const operator = { email: `${uniq("op")}@maison.example`, name: "Oscar Operator", role: "operator", password: "operator-password-321" };
  await createUser(page, operator);
  const { page: op, ctx } = await signedInAs(browser, operator.email, operator.password);
  await op.goto("/");
  await expect(op.getByTestId("open-breaker")).toHaveCount(0);

  // A scripted burst of bad prices from the demo's pricing agents.
  const run = await breakerScenario(baseURL!);
  expect(run.code, run.out).toBe(0);
  expect(run.out).toContain("the breaker tripped");

  // The overview shows it first, without a reload, with the metric that crossed.
  const alert = op.getByTestId("open-breaker");
  await expect(alert).toContainText("pricing-deny-spike", { timeout: 15_000 });
  await expect(alert).toContainText("cohort pricing");
  await expect(alert).toContainText("circuit_open");
  await expect(alert).toContainText(/deny rate \d+(\.\d)? % over the last 5 min/);

  // Every pricing agent is held, even for a sane price.
  const eu = await demoKey(page, "price-optimizer-eu");
  const us = await demoKey(page, "price-optimizer-us");
  for (const k of [eu.key, us.key]) {
    const held = await ask(page.request, k, sanePrice);
    expect(held).toMatchObject({ decision: "deny", reasons: [{ code: "circuit_open" }] });
    expect(held.reasons[0]!.message).toContain("pricing-deny-spike");
  }
  expect(await (await page.request.get("/v1/agent", { headers: { authorization: `Bearer ${eu.key}` } })).json()).toMatchObject({ status: "circuit_open" });

  // The operator resets it, saying why.
  await op.goto("/containment");
  const row = op.getByTestId("breaker-pricing-deny-spike");
  await expect(row).toContainText("open");
  await expect(row.getByTestId("breaker-held")).toContainText("holds cohort pricing");
  await row.getByRole("button", { name: "Reset pricing-deny-spike" }).click();
  await row.getByLabel("Reset reason").fill("feed vendor fixed the flagship prices");
  await row.getByRole("button", { name: "Confirm reset" }).click();
  await expect(row).toContainText("closed");
  await expect(row.getByTestId("breaker-held")).toHaveCount(0);
  await op.goto("/");
  await expect(op.getByTestId("open-breaker")).toHaveCount(0);
  expect((await ask(page.request, eu.key, sanePrice)).decision).toBe("allow");

  await op.goto("/audit?kind=breaker.*");
  await expect(op.getByTestId("audit-row").filter({ hasText: "breaker.closed" }).first()).toContainText("feed vendor fixed the flagship prices");
  await expect(op.getByTestId("audit-row").filter({ hasText: "breaker.opened" }).first()).toBeVisible();
  await ctx.close();
});

test("an admin sets a daily refund budget, the refund agent hits it, and its next refund waits for a human", async ({ page }) => {
  const name = uniq("returns-per-day");
  await page.goto("/containment");
  await page.getByText("New budget").click();
  const form = page.getByRole("form", { name: "New budget" });
  await form.getByLabel("Budget name").fill(name);
  await form.getByLabel("Scope").selectOption("agent");
  await form.getByLabel(/^Agent/).selectOption({ label: "returns-assistant" });
  await form.getByLabel("Actions").fill("orders.refund");
  await form.getByLabel("Amount (CEL)").fill("input.amount");
  await form.getByLabel("Limit").fill("1000");
  await form.getByLabel("Unit").fill("EUR");
  await form.getByLabel("Window").selectOption("day");
  await form.getByLabel("Time zone").fill("Europe/Paris");
  await form.getByLabel("When exceeded").selectOption("require_approval");
  await form.getByRole("button", { name: "Create budget" }).click();
  const budget = page.getByTestId(`budget-${name}`);
  await expect(budget).toBeVisible();
  await expect(budget).toContainText("per day (Europe/Paris)");
  await expect(budget.getByTestId("budget-usage")).toContainText("0 used · 0 reserved · 1,000 EUR");

  const { key } = await demoKey(page, "returns-assistant");
  const refund = (amount: number) => ask(page.request, key, { action: "orders.refund", resource: `order:${uniq("MSN")}`, input: { orderId: uniq("MSN"), amount, currency: "EUR", reason: "damaged" } });
  expect((await refund(400)).decision).toBe("allow");
  expect((await refund(450)).decision).toBe("allow");
  const next = await refund(300);
  expect(next).toMatchObject({ decision: "pending", status: "pending" });
  expect(next.reasons.find((r) => r.code === "budget_exceeded")?.message).toContain(`Budget ${name}: 850 of 1,000 EUR used`);

  // The bar shows it: 850 used, 300 reserved by the refund waiting for a human.
  await expect(budget.getByTestId("budget-usage")).toContainText("850 used · 300 reserved · 1,000 EUR", { timeout: 10_000 });
  await expect(budget.getByTestId("budget-usage")).toContainText("exhausted");
  await page.goto("/approvals");
  await expect(page.getByTestId("approval-card").filter({ hasText: `Budget ${name}: 850 of 1,000 EUR used` })).toBeVisible();

  // Leave the demo's returns assistant as it was: the refund is refused, the budget removed.
  const vote = await page.request.post(`/api/approvals/${next.id}`, { data: { decision: "reject", comment: "over today's budget" }, headers: sameOrigin(page) });
  expect(vote.status()).toBe(200);
  await page.goto("/containment");
  await page.getByRole("button", { name: `Remove ${name}` }).click();
  await expect(page.getByTestId(`budget-${name}`)).toHaveCount(0);
});

test("an admin narrows an unrestricted agent's grants, and its next out-of-grant action is denied with not_granted", async ({ page }) => {
  const { id, key } = await registerAgentInUi(page, uniq("concierge"), uniq("care"));
  await expect(page.getByTestId("grants").getByTestId("grants-badge")).toContainText("unrestricted");
  expect((await ask(page.request, key, { action: "orders.cancel", resource: "order:1" })).decision).toBe("allow");

  await page.getByRole("button", { name: "Change grants" }).click();
  const form = page.getByRole("form", { name: "Capability grants" });
  await form.getByLabel("Unrestricted (no grants: it may ask for anything)").uncheck();
  await form.getByLabel("Action glob 1").fill("orders.refund");
  await form.getByLabel("Resources 1").fill("order:*");
  await form.getByRole("button", { name: "Save grants" }).click();
  await expect(page.getByTestId("grants").getByTestId("grants-badge")).toContainText("1 grant");
  await expect(page.getByRole("list", { name: "Granted capabilities" })).toContainText("order:*");

  const denied = await ask(page.request, key, { action: "orders.cancel", resource: "order:1" });
  expect(denied).toMatchObject({ decision: "deny", reasons: [{ code: "not_granted" }] });
  expect((await ask(page.request, key, { action: "orders.refund", resource: "order:2", input: { amount: 10 } })).decision).toBe("allow");

  await page.goto(`/audit?agent=${id}&kind=agent.capabilities_changed`);
  await expect(page.getByTestId("audit-row").filter({ hasText: "agent.capabilities_changed" })).toHaveCount(1);
});

import { expect, test } from "@playwright/test";
import { ask, registerAgentInUi, sameOrigin, signIn, uniq } from "./helpers.ts";

test("an admin writes a policy (fixing a CEL error), tests it, saves it, and the agent's next matching action is denied", async ({ page, request }) => {
  const cohort = uniq("pricing");
  const { id, key } = await registerAgentInUi(page, uniq("price-agent"), cohort);
  // Some traffic before the policy exists, for the backtest.
  for (const price of [40, 250, 60]) expect((await ask(request, key, { action: "pricing.set_price", input: { price, tags: ["flagship"] } })).decision).toBe("allow");

  const name = uniq("flagship-floor");
  await page.goto("/policies");
  await page.getByRole("link", { name: "New policy" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Message").fill("Flagship prices may not go below 100");
  await page.getByLabel(/^Cohorts/).fill(cohort);
  await page.getByLabel(/^Actions/).fill("pricing.*");
  await page.getByLabel("Condition").fill("'flagship' in input.tags && input.price <");
  await expect(page.getByTestId("cel-status")).toContainText("CEL error at line 1");
  await expect(page.getByRole("button", { name: "Create policy" })).toBeDisabled();
  await page.getByLabel("Condition").fill("'flagship' in input.tags && input.price < 100.0");
  await expect(page.getByTestId("cel-status")).toHaveText("Condition compiles");

  await page.getByLabel("Sample").fill(JSON.stringify({ action: "pricing.set_price", input: { price: 80, tags: ["flagship"] }, agent: { cohort } }));
  await page.getByLabel("Backtest over the last N recorded actions").fill("50");
  await page.getByRole("button", { name: "Run test" }).click();
  await expect(page.getByTestId("test-result")).toContainText("matches");
  await expect(page.getByTestId("test-result")).toContainText("deny");
  await expect(page.getByTestId("backtest-result")).toContainText("change 2 decisions");

  await page.getByRole("button", { name: "Create policy" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("version-1")).toBeVisible();

  const denied = await ask(request, key, { action: "pricing.set_price", resource: "sku:LUX-9", input: { price: 70, tags: ["flagship"] } });
  expect(denied).toMatchObject({ decision: "deny", reasons: [{ code: "policy", policyName: name }] });

  await page.goto(`/agents/${id}`);
  const row = page.getByTestId("action-row").filter({ hasText: "sku:LUX-9" });
  await expect(row).toContainText("denied");
  await expect(row).toContainText(name);
  await expect(row).toContainText("Flagship prices may not go below 100");

  // The action's own page tells its whole story.
  await row.getByRole("link", { name: "pricing.set_price" }).click();
  await expect(page.getByTestId("action-decision")).toContainText(name);
  await expect(page.getByTestId("action-audit-row").filter({ hasText: "action.decided" })).toHaveCount(1);
});

test("an operator halts a cohort with a reason, its agents are denied at once, and resume lets them act again", async ({ page, browser, request }) => {
  const cohort = uniq("inventory");
  const a = await registerAgentInUi(page, uniq("replenisher"), cohort);
  const b = await registerAgentInUi(page, uniq("replenisher"), cohort);
  expect((await ask(request, a.key, { action: "inventory.reorder", input: { units: 10 } })).decision).toBe("allow");

  // An operator, not an admin, pulls the switch.
  const email = `${uniq("op")}@maison.example`;
  const created = await page.request.post("/api/users", { data: { email, name: "Otto Operator", role: "operator", password: "operator-password-456" }, headers: sameOrigin(page) });
  expect(created.status()).toBe(201);
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const op = await ctx.newPage();
  await signIn(op, email, "operator-password-456");
  await op.goto("/cohorts");
  const card = op.locator("section").filter({ has: op.getByTestId(`cohort-${cohort}`) });
  await card.getByRole("button", { name: `Halt cohort ${cohort}` }).click();
  await card.getByLabel("Halt reason").fill("supplier feed is corrupt");
  await card.getByRole("button", { name: "Confirm halt" }).click();
  await expect(card.getByText("Halted: supplier feed is corrupt")).toBeVisible();

  for (const k of [a.key, b.key]) {
    const res = await ask(request, k, { action: "inventory.reorder", input: { units: 10 } });
    expect(res).toMatchObject({ decision: "deny", reasons: [{ code: "cohort_halted" }] });
    expect(res.reasons[0]!.message).toContain("supplier feed is corrupt");
  }
  const who = await request.get("/v1/agent", { headers: { authorization: `Bearer ${a.key}` } });
  expect(await who.json()).toMatchObject({ status: "halted", haltReason: "supplier feed is corrupt" });

  // Under the cohort halt, one agent's page still shows (and flips) the agent's own switch.
  const agentPage = await ctx.newPage();
  await agentPage.goto(`/agents/${a.id}`);
  await expect(agentPage.getByRole("status").filter({ hasText: "Halted (cohort): supplier feed is corrupt" })).toBeVisible();
  await expect(agentPage.getByTestId("own-halt")).toContainText("This agent's own switch is not halted");
  await agentPage.getByRole("button", { name: "Halt this agent" }).click();
  await agentPage.getByLabel("Halt reason").fill("reorders far too much");
  await agentPage.getByRole("button", { name: "Confirm halt" }).click();
  await expect(agentPage.getByTestId("own-halt")).toContainText("This agent is halted on its own too: reorders far too much");
  await expect(agentPage.getByRole("button", { name: "Resume this agent" })).toBeVisible();

  await card.getByRole("button", { name: `Resume cohort ${cohort}` }).click();
  await card.getByLabel("Resume reason").fill("feed fixed");
  await card.getByRole("button", { name: "Confirm resume" }).click();
  await expect(op.getByTestId(`cohort-${cohort}`)).toContainText("active");
  expect((await ask(request, b.key, { action: "inventory.reorder", input: { units: 10 } })).decision).toBe("allow");
  // The agent halted on its own stays halted once its cohort resumes, until it is resumed itself.
  expect(await ask(request, a.key, { action: "inventory.reorder", input: { units: 10 } })).toMatchObject({ decision: "deny", reasons: [{ code: "agent_halted" }] });
  await agentPage.reload();
  await expect(agentPage.getByRole("status").filter({ hasText: "Halted: reorders far too much" })).toBeVisible();
  await agentPage.getByRole("button", { name: "Resume this agent" }).click();
  await agentPage.getByLabel("Resume reason").fill("thresholds fixed");
  await agentPage.getByRole("button", { name: "Confirm resume" }).click();
  await expect(agentPage.getByRole("button", { name: "Halt this agent" })).toBeVisible();
  expect((await ask(request, a.key, { action: "inventory.reorder", input: { units: 10 } })).decision).toBe("allow");
  await ctx.close();

  await page.goto(`/audit?cohort=${cohort}&kind=cohort.*`);
  await expect(page.getByTestId("audit-row").filter({ hasText: "cohort.halted" })).toContainText("supplier feed is corrupt");
  await expect(page.getByTestId("audit-row").filter({ hasText: "cohort.resumed" })).toHaveCount(1);
});

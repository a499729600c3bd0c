import { expect, test, type Browser, type Page } from "@playwright/test";
import { Warden } from "../sdk/src/index.ts";
import { sameOrigin, signedInAs, uniq } from "./helpers.ts";

// Escalation paths in the browser: teams, stages, a stage that climbs on its own, and an
// approver who lowers a price that the waiting agent (the real SDK, acting like the demo's
// pricing agent) then applies.

const PASSWORD = "escalation-password-123";

async function person(page: Page, browser: Browser, name: string) {
  const email = `${uniq(name.toLowerCase())}@maison.example`;
  const res = await page.request.post("/api/users", { data: { email, name, role: "approver", password: PASSWORD }, headers: sameOrigin(page) });
  expect(res.status()).toBe(201);
  const id = ((await res.json()) as { user: { id: string } }).user.id;
  const { ctx, page: p } = await signedInAs(browser, email, PASSWORD);
  return { id, email, ctx, page: p };
}

async function teamOf(page: Page, prefix: string, members: string[]) {
  const name = uniq(prefix);
  const res = await page.request.post("/api/teams", { data: { name, members }, headers: sameOrigin(page) });
  expect(res.status()).toBe(201);
  return name;
}

/** A pricing agent (its one-time key) in a fresh cohort, and a staged deep-markdown policy there. */
async function stagedPricing(page: Page, stages: Record<string, unknown>[], editable?: string[]) {
  await page.goto("/approvals");
  const cohort = uniq("pricing");
  const agent = await page.request.post("/api/agents", { data: { name: uniq("markdown-agent"), cohort, owner: "pricing-team@maison.example", riskTier: "high" }, headers: sameOrigin(page) });
  expect(agent.status()).toBe(201);
  const { apiKey } = (await agent.json()) as { apiKey: string };
  const policy = await page.request.post("/api/policies", {
    headers: sameOrigin(page),
    data: { name: uniq("deep-markdown"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.price < input.currentPrice * 0.6", message: "Markdowns over 40 % need merchandising, then finance", approval: { stages, ...(editable ? { editable } : {}) } },
  });
  expect(policy.status()).toBe(201);
  return { cohort, apiKey };
}

/** What the demo's pricing agent does once allowed: set the price it was given (scripts/demo-agents.ts). */
const setPrice = (applied: number[]) => async (input: Record<string, unknown>) => {
  applied.push(input.price as number);
  return { sku: input.sku, appliedPrice: input.price, currency: input.currency };
};

test("a merchandiser approves stage 1 of a deep markdown and the finance approver sees it appear in their queue", async ({ page, browser, baseURL }) => {
  await page.goto("/approvals");
  const merch = await person(page, browser, "Margaux");
  const finance = await person(page, browser, "Felix");
  const merchTeam = await teamOf(page, "merchandising", [merch.id]);
  const financeTeam = await teamOf(page, "finance", [finance.id]);
  const { apiKey } = await stagedPricing(page, [
    { team: merchTeam, quorum: 1, timeoutSeconds: 1800, onTimeout: "escalate" },
    { team: financeTeam, quorum: 1, timeoutSeconds: 7200, onTimeout: "reject" },
  ]);
  await merch.page.goto("/approvals");
  await finance.page.goto("/approvals");
  await expect(finance.page.getByRole("tab", { name: /Mine/ })).toHaveAttribute("aria-selected", "true");

  const applied: number[] = [];
  const warden = new Warden({ url: baseURL!, apiKey, waitSeconds: 20, maxWaitMs: 50_000 });
  const guarded = warden.guard({ action: "pricing.set_price", resource: "sku:LUX-310", input: { sku: "LUX-310", currentPrice: 400, price: 180, currency: "EUR" } }, setPrice(applied));

  const merchCard = merch.page.getByTestId("approval-card").filter({ hasText: "sku:LUX-310" });
  await expect(merchCard.getByTestId("stage")).toHaveText(`Stage 1 of 2 · ${merchTeam}`);
  await expect(merchCard.getByRole("list", { name: "Escalation path" })).toContainText(financeTeam);
  await expect(merch.page.getByTestId("team-count").filter({ hasText: merchTeam })).toContainText("1");
  // Finance has nothing yet: it is not their stage.
  await expect(finance.page.getByText("Nothing is waiting for you.")).toBeVisible();

  await merchCard.getByLabel("Comment").fill("fits the clearance plan");
  await merchCard.getByRole("button", { name: "Approve", exact: true }).click();
  await merchCard.getByRole("button", { name: "Confirm approve", exact: true }).click();
  await expect(merchCard).toHaveCount(0);

  // It appears in finance's queue without a reload, at their stage, with the first vote.
  const financeCard = finance.page.getByTestId("approval-card").filter({ hasText: "sku:LUX-310" });
  await expect(financeCard.getByTestId("stage")).toHaveText(`Stage 2 of 2 · ${financeTeam}`);
  await expect(financeCard).toContainText(`${merch.email}) · stage 1 — “fits the clearance plan”`);
  await expect(finance.page.getByTestId("team-count").filter({ hasText: financeTeam })).toContainText("1");
  expect(applied).toEqual([]);

  await financeCard.getByRole("button", { name: "Approve", exact: true }).click();
  await financeCard.getByRole("button", { name: "Confirm approve", exact: true }).click();
  const out = await guarded;
  expect(out.action).toMatchObject({ decision: "allow", status: "approved" });
  expect(applied).toEqual([180]);
  await merch.ctx.close();
  await finance.ctx.close();
});

test("a stage nobody answers times out and climbs to the next team", async ({ page, browser, baseURL }) => {
  await page.goto("/approvals");
  const merch = await person(page, browser, "Mathis");
  const finance = await person(page, browser, "Fatou");
  const merchTeam = await teamOf(page, "merchandising", [merch.id]);
  const financeTeam = await teamOf(page, "finance", [finance.id]);
  const { apiKey } = await stagedPricing(page, [
    { team: merchTeam, quorum: 1, timeoutSeconds: 10, onTimeout: "escalate" }, // the shortest timeout allowed
    { team: financeTeam, quorum: 1, timeoutSeconds: 7200, onTimeout: "reject" },
  ]);
  await merch.page.goto("/approvals");
  await finance.page.goto("/approvals");
  const warden = new Warden({ url: baseURL!, apiKey });
  const asked = await warden.ask({ action: "pricing.set_price", resource: "sku:LUX-411", input: { sku: "LUX-411", currentPrice: 300, price: 120, currency: "EUR" } });
  expect(asked.stage).toMatchObject({ index: 0, of: 2, team: merchTeam });

  const merchCard = merch.page.getByTestId("approval-card").filter({ hasText: "sku:LUX-411" });
  await expect(merchCard.getByTestId("stage")).toHaveText(`Stage 1 of 2 · ${merchTeam}`);
  // Nobody in merchandising answers: after its 10 s the stage job moves it on.
  const financeCard = finance.page.getByTestId("approval-card").filter({ hasText: "sku:LUX-411" });
  await expect(financeCard.getByTestId("stage")).toHaveText(`Stage 2 of 2 · ${financeTeam}`, { timeout: 25_000 });
  await expect(merchCard).toHaveCount(0);
  // The agent still waits, and its answer names the new stage.
  expect((await warden.getAction(asked.id)).stage).toMatchObject({ index: 1, team: financeTeam });

  await page.goto(`/actions/${asked.id}`);
  await expect(page.getByTestId("action-audit-row").filter({ hasText: "approval.escalated" })).toHaveCount(1);

  // Finance decides at its stage; the agent hears it.
  await financeCard.getByRole("button", { name: "Reject", exact: true }).click();
  await financeCard.getByRole("button", { name: "Confirm reject", exact: true }).click();
  await expect(financeCard).toHaveCount(0);
  expect(await warden.getAction(asked.id)).toMatchObject({ decision: "deny", status: "rejected" });
  await merch.ctx.close();
  await finance.ctx.close();
});

test("an approver lowers a price before approving, and the waiting agent applies the lowered price", async ({ page, browser, baseURL }) => {
  await page.goto("/approvals");
  const merch = await person(page, browser, "Lea");
  const merchTeam = await teamOf(page, "merchandising", [merch.id]);
  const { apiKey } = await stagedPricing(page, [{ team: merchTeam, quorum: 1, timeoutSeconds: 1800, onTimeout: "reject" }], ["input.price"]);
  await merch.page.goto("/approvals");

  const applied: number[] = [];
  const warden = new Warden({ url: baseURL!, apiKey, waitSeconds: 20, maxWaitMs: 50_000 });
  const guarded = warden.guard({ action: "pricing.set_price", resource: "sku:LUX-512", input: { sku: "LUX-512", currentPrice: 300, price: 150, currency: "EUR" } }, setPrice(applied));

  const card = merch.page.getByTestId("approval-card").filter({ hasText: "sku:LUX-512" });
  await expect(card.getByTestId("price-diff")).toContainText("€150.00");
  await card.getByRole("button", { name: "Approve with changes…" }).click();
  await card.getByLabel("New price").fill("135");
  await card.getByLabel("Comment").fill("match the outlet price: 135");
  await card.getByRole("button", { name: "Confirm approve with changes" }).click();

  const out = await guarded;
  expect(out.action).toMatchObject({ decision: "allow", status: "approved", approvedInput: { price: 135 }, approvedChanges: [{ path: "input.price", from: 150, to: 135 }] });
  expect(applied).toEqual([135]);
  expect(out.value).toMatchObject({ appliedPrice: 135 });
  expect(out.flags).toEqual([]); // the result names the approved input: nothing to flag

  await merch.page.getByRole("tab", { name: "History" }).click();
  await expect(merch.page.getByTestId("approval-history")).toContainText("with changes: price 150 → 135");
  await page.goto(`/actions/${out.action.id}`);
  await expect(page.getByTestId("action-audit-row").filter({ hasText: "approval.granted" })).toHaveCount(1);
  await expect(page.getByTestId("action-audit-row").filter({ hasText: "action.result_reported" })).toHaveCount(1);
  await merch.ctx.close();
});

import { expect, test, type Browser, type Page } from "@playwright/test";
import { Warden } from "../sdk/src/index.ts";
import { registerAgentInUi, sameOrigin, signIn, uniq } from "./helpers.ts";

async function approver(page: Page, browser: Browser, name: string) {
  const email = `${uniq(name.toLowerCase())}@maison.example`;
  const res = await page.request.post("/api/users", { data: { email, name, role: "approver", password: "approver-password-789" }, headers: sameOrigin(page) });
  expect(res.status()).toBe(201);
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const p = await ctx.newPage();
  await signIn(p, email, "approver-password-789");
  await p.goto("/approvals");
  return { page: p, ctx, email };
}

async function approvalPolicy(page: Page, cohort: string, quorum: number) {
  const res = await page.request.post("/api/policies", {
    headers: sameOrigin(page),
    data: { name: uniq("deep-discount"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.price < input.currentPrice * 0.7", message: "Discounts over 30 % need approval", approval: { quorum, timeoutSeconds: 600 } },
  });
  expect(res.status()).toBe(201);
}

test("an approver sees a waiting price cut appear, reads the diff, approves, and the agent's guarded action runs", async ({ page, browser, baseURL }) => {
  const cohort = uniq("pricing");
  const agent = await registerAgentInUi(page, uniq("price-agent"), cohort);
  await approvalPolicy(page, cohort, 1);
  const arthur = await approver(page, browser, "Arthur");
  await expect(arthur.page.getByRole("heading", { name: "Approvals" })).toBeVisible();

  // The agent asks through the SDK and waits for a human.
  const warden = new Warden({ url: baseURL!, apiKey: agent.key, waitSeconds: 20, maxWaitMs: 45_000 });
  let ran = false;
  const guarded = warden.guard({ action: "pricing.set_price", resource: "sku:LUX-042", input: { sku: "LUX-042", currentPrice: 250, price: 150, currency: "EUR", tags: ["core"] } }, async () => {
    ran = true;
    return { appliedPrice: 150 };
  });

  // It appears without a reload.
  const card = arthur.page.getByTestId("approval-card").filter({ hasText: "sku:LUX-042" });
  await expect(card).toBeVisible();
  await expect(card.getByTestId("price-diff")).toContainText("€250.00");
  await expect(card.getByTestId("price-diff")).toContainText("€150.00");
  await expect(card.getByTestId("price-diff")).toContainText("-40.0 %");
  await expect(card).toContainText("Discounts over 30 % need approval");
  await expect(card).toContainText("0 of 1 approval");
  await expect(arthur.page.getByTestId("pending-count")).toBeVisible();
  expect(ran).toBe(false);

  await card.getByLabel("Comment").fill("matches the clearance plan");
  await card.getByRole("button", { name: "Approve" }).click();
  await card.getByRole("button", { name: "Confirm approve" }).click();

  const out = await guarded;
  expect(ran).toBe(true);
  expect(out.action).toMatchObject({ decision: "allow", status: "approved" });
  await expect(card).toHaveCount(0);

  await arthur.page.getByRole("tab", { name: "History" }).click();
  await expect(arthur.page.getByTestId("approval-history")).toContainText(`approved by ${arthur.email}`);
  await expect(arthur.page.getByTestId("approval-history")).toContainText("matches the clearance plan");

  await page.goto(`/audit?agent=${agent.id}`);
  const rows = page.getByTestId("audit-row");
  await expect(rows.filter({ hasText: "approval.granted" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "action.approved" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "action.result_reported" })).toHaveCount(1);
  await arthur.ctx.close();
});

test("with a quorum of two, one approval is not enough and the second releases the agent", async ({ page, browser, baseURL }) => {
  const cohort = uniq("pricing");
  const agent = await registerAgentInUi(page, uniq("price-agent"), cohort);
  await approvalPolicy(page, cohort, 2);
  const first = await approver(page, browser, "Ada");
  const second = await approver(page, browser, "Bea");
  const warden = new Warden({ url: baseURL!, apiKey: agent.key, waitSeconds: 20, maxWaitMs: 45_000 });
  let settled = false;
  const guarded = warden.guard({ action: "pricing.set_price", resource: "sku:LUX-077", input: { sku: "LUX-077", currentPrice: 400, price: 200, currency: "EUR", tags: ["core"] } }, () => ({ appliedPrice: 200 }));
  void guarded.finally(() => (settled = true));

  const cardA = first.page.getByTestId("approval-card").filter({ hasText: "sku:LUX-077" });
  await cardA.getByRole("button", { name: "Approve" }).click();
  await cardA.getByRole("button", { name: "Confirm approve" }).click();
  const cardB = second.page.getByTestId("approval-card").filter({ hasText: "sku:LUX-077" });
  await expect(cardB).toContainText("1 of 2 approvals"); // the other approver's vote shows up live
  await expect(cardB).toContainText(first.email);
  expect(settled).toBe(false);

  // Keyboard: select the card, a = approve, Enter = confirm.
  await cardB.click();
  await second.page.keyboard.press("a");
  await expect(cardB.getByRole("button", { name: "Confirm approve" })).toBeVisible();
  await second.page.keyboard.press("Enter");
  const out = await guarded;
  expect(out.action.status).toBe("approved");
  await expect(cardA).toHaveCount(0);
  await first.ctx.close();
  await second.ctx.close();
});

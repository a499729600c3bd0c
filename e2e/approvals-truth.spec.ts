import { expect, test, type Page } from "@playwright/test";
import { ask, createUser, sameOrigin, signedInAs, uniq } from "./helpers.ts";

// Issue 17: the approval screens say what is true — how each approval ended, how many wait,
// where your own vote stands, and why a role sees no buttons.

/** An agent (through the API) in a fresh cohort whose refunds over 500 need `quorum` approvals. */
async function refundsNeedApproval(page: Page, quorum: number) {
  await page.goto("/approvals");
  const cohort = uniq("refunds");
  const res = await page.request.post("/api/agents", { data: { name: uniq("refund-agent"), cohort, owner: "care@maison.example", riskTier: "high" }, headers: sameOrigin(page) });
  expect(res.status()).toBe(201);
  const { agent, apiKey } = (await res.json()) as { agent: { id: string }; apiKey: string };
  const policy = await page.request.post("/api/policies", {
    headers: sameOrigin(page),
    data: { name: uniq("big-refunds"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.amount > 500.0", message: "Refunds over 500 need approval", approval: { quorum, timeoutSeconds: 7200 } },
  });
  expect(policy.status()).toBe(201);
  return { cohort, agentId: agent.id, key: apiKey };
}

test("a halt-rejected approval reads 'Rejected by a halt' in History, with its time and a link to the action page, which agrees", async ({ page }) => {
  const a = await refundsNeedApproval(page, 1);
  const pending = await ask(page.request, a.key, { action: "orders.refund", resource: "order:MSN-1", input: { amount: 900 } });
  expect(pending.status).toBe("pending");
  const halted = await page.request.post(`/api/agents/${a.agentId}/halt`, { data: { reason: "runaway refunds" }, headers: sameOrigin(page) });
  expect((await halted.json()) as unknown).toMatchObject({ rejectedPending: 1 });

  await page.goto("/approvals");
  await page.getByRole("tab", { name: "History" }).click();
  await page.getByLabel("Agent filter").fill(a.agentId);
  const row = page.getByTestId("history-row").filter({ hasText: "order:MSN-1" });
  await expect(row).toContainText("Rejected by a halt");
  await expect(row).not.toContainText("timed out");
  await expect(row.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
  await row.getByRole("link", { name: /orders\.refund order:MSN-1/ }).click();

  await expect(page).toHaveURL(new RegExp(`/actions/${pending.id}$`));
  await expect(page.getByTestId("action-outcome")).toContainText("Rejected by a halt");
  await expect(page.getByTestId("action-decision")).not.toContainText("Decision");
});

test("after approving a quorum-2 item the approver reads where it stands, not the buttons again", async ({ page }) => {
  const a = await refundsNeedApproval(page, 2);
  const pending = await ask(page.request, a.key, { action: "orders.refund", resource: "order:MSN-2", input: { amount: 700 } });
  const email = `${uniq("ada")}@maison.example`;
  await createUser(page, { email, name: "Ada", role: "approver", password: "approver-password-789" });
  const ada = await signedInAs(page.context().browser()!, email, "approver-password-789");

  await ada.page.goto(`/approvals/${pending.id}`);
  const card = ada.page.getByTestId("approval-card");
  await card.getByRole("button", { name: "Approve", exact: true }).click();
  await card.getByRole("button", { name: "Confirm approve" }).click();
  await expect(card.getByTestId("your-vote")).toHaveText("You approved — waiting for 1 more approval.");
  await expect(card.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
  // From what the API says, not only from the click: the same after a reload.
  await ada.page.reload();
  await expect(ada.page.getByTestId("your-vote")).toHaveText("You approved — waiting for 1 more approval.");
  await expect(ada.page.getByRole("button", { name: "Reject" })).toHaveCount(0);
  await ada.ctx.close();
  // Out of the way of the other journeys' queues (a halt rejects what it covers that waits).
  await page.request.post(`/api/agents/${a.agentId}/halt`, { data: { reason: "end of the vote journey" }, headers: sameOrigin(page) });
});

test("the queue says how many of how many it shows, and Load more reaches the newest", async ({ page }) => {
  const a = await refundsNeedApproval(page, 1);
  // 100 in batches of 10 at once, then the newest alone.
  for (let b = 0; b < 10; b++) {
    await Promise.all(Array.from({ length: 10 }, (_, i) => ask(page.request, a.key, { action: "orders.refund", resource: `order:Q-${b * 10 + i}`, input: { amount: 600 + i } })));
  }
  await ask(page.request, a.key, { action: "orders.refund", resource: "order:Q-100", input: { amount: 700 } });

  await page.goto("/approvals");
  await page.getByRole("tab", { name: /^All/ }).click();
  await page.getByLabel("Cohort filter").selectOption(a.cohort);
  await expect(page.getByTestId("queue-shown")).toContainText("Showing 100 of 101 pending");
  await expect(page.getByTestId("approval-card").filter({ hasText: "order:Q-100" })).toHaveCount(0);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.getByTestId("queue-shown")).toContainText("Showing 101 of 101 pending");
  await expect(page.getByTestId("approval-card").filter({ hasText: "order:Q-100" })).toBeVisible();
  // Out of the way of the other journeys' queues.
  await page.request.post(`/api/agents/${a.agentId}/halt`, { data: { reason: "end of the paging journey" }, headers: sameOrigin(page) });
});

test("an operator is told which role decides approvals and edits policies, and the policy form reads as read-only", async ({ page }) => {
  const a = await refundsNeedApproval(page, 1);
  await ask(page.request, a.key, { action: "orders.refund", resource: "order:MSN-3", input: { amount: 800 } });
  const policies = (await (await page.request.get("/api/policies")).json()) as { policies: { id: string }[] };
  const email = `${uniq("otto")}@maison.example`;
  await createUser(page, { email, name: "Otto", role: "operator", password: "operator-password-789" });
  const otto = await signedInAs(page.context().browser()!, email, "operator-password-789");

  await otto.page.goto("/approvals");
  await otto.page.getByLabel("Cohort filter").selectOption(a.cohort);
  const card = otto.page.getByTestId("approval-card").filter({ hasText: "order:MSN-3" });
  await expect(card.getByTestId("decide-note")).toHaveText("Approving or rejecting needs the approver or admin role; you are signed in as operator.");
  await expect(card.getByRole("button", { name: "Approve" })).toHaveCount(0);

  await otto.page.goto(`/policies/${policies.policies[0]!.id}`);
  await expect(otto.page.getByTestId("read-only-note")).toHaveText("Editing policies needs the admin role; you are signed in as operator.");
  await expect(otto.page.getByLabel("Name")).toBeDisabled();
  await expect(otto.page.getByLabel("Condition")).toBeDisabled();
  await expect(otto.page.getByRole("button", { name: "Save as new version" })).toHaveCount(0);
  await otto.ctx.close();
  await page.request.post(`/api/agents/${a.agentId}/halt`, { data: { reason: "end of the read-only journey" }, headers: sameOrigin(page) });
});

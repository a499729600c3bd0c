import { expect, test } from "@playwright/test";
import { ADMIN, ask, registerAgentInUi, sameOrigin, uniq } from "./helpers.ts";

test("screens name people and agents, not ids: an action's audit table, a policy's versions; the policies list labels its targets", async ({ page }) => {
  const cohort = uniq("naming");
  const agentName = uniq("name-agent");
  const agent = await registerAgentInUi(page, agentName, cohort);
  const decided = await ask(page.request, agent.key, { action: "catalog.rename", resource: "sku:N-1" });
  await page.goto(`/actions/${decided.id}`);
  const row = page.getByTestId("action-audit-row").filter({ hasText: "action.decided" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(agentName);
  await expect(row).not.toContainText("agent:agt_");
  await expect(row.getByTitle(`agent · agent:${agent.id}`)).toBeVisible();
  await expect(row.getByRole("button", { name: `Copy id agent:${agent.id}` })).toHaveCount(1);

  const created = await page.request.post("/api/policies", {
    headers: sameOrigin(page),
    data: { name: uniq("naming-policy"), effect: "deny", target: { cohorts: [cohort], actions: ["catalog.*"] }, condition: "input.price < 0.0", message: "No negative prices" },
  });
  expect(created.status()).toBe(201);
  const policy = ((await created.json()) as { policy: { id: string; name: string } }).policy;
  await page.goto(`/policies/${policy.id}`);
  const v1 = page.getByTestId("version-1");
  await expect(v1).toContainText(`by ${ADMIN.email}`);
  await expect(v1).not.toContainText("usr_");

  await page.goto("/policies");
  const listed = page.getByRole("row").filter({ hasText: policy.name });
  await expect(listed.getByTestId("target-cohorts")).toHaveText(`Cohorts:${cohort}`);
  await expect(listed.getByTestId("target-actions")).toHaveText("Actions:catalog.*");
});

test("an agent key's Last used follows the agent's traffic, so the old key can be revoked once the new one is in use", async ({ page }) => {
  const agent = await registerAgentInUi(page, uniq("key-agent"), uniq("keys"));
  const prefix = agent.key.slice(0, 10);
  const row = page.getByTestId(`key-${prefix}`);
  await expect(row.locator("time")).toHaveCount(1); // created; never used
  await ask(page.request, agent.key, { action: "catalog.read" });
  await expect(async () => {
    await page.reload();
    await expect(row.locator("time")).toHaveCount(2, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  await page.getByRole("button", { name: "Rotate key" }).click();
  const fresh = (await page.getByTestId("one-time-key").textContent())!.trim();
  await expect(page.getByTestId(`key-use-${prefix}`)).toContainText(`no use recorded since ${fresh.slice(0, 10)}… was issued`);
});

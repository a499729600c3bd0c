import { expect, test } from "@playwright/test";
import { registerAgentInUi, uniq } from "./helpers.ts";

test("an admin registers an agent, its key works, rotation and revocation take effect, and the audit log shows it all", async ({ page, request }) => {
  const name = uniq("price-bot");
  const { id, key } = await registerAgentInUi(page, name, "pricing-e2e");
  await expect(page.getByTestId("agent-owner")).toHaveText("e2e-owner@maison.example");

  // The agent calls the data plane with the key it was given.
  const who = await request.get("/v1/agent", { headers: { authorization: `Bearer ${key}` } });
  expect(who.status()).toBe(200);
  expect(await who.json()).toMatchObject({ id, name, cohort: "pricing-e2e", owner: "e2e-owner@maison.example", status: "active" });

  // Rotate: a second key appears; both work until the old one is revoked.
  await page.getByRole("button", { name: "Rotate key" }).click();
  const newKey = (await page.getByTestId("one-time-key").textContent())!.trim();
  expect(newKey).not.toBe(key);
  expect((await request.get("/v1/agent", { headers: { authorization: `Bearer ${newKey}` } })).status()).toBe(200);

  await page.getByRole("button", { name: `Revoke ${key.slice(0, 10)}` }).click();
  await page.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(page.getByTestId(`key-${key.slice(0, 10)}`).getByText("revoked")).toBeVisible();
  expect((await request.get("/v1/agent", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);
  expect((await request.get("/v1/agent", { headers: { authorization: `Bearer ${newKey}` } })).status()).toBe(200);

  // The audit page has each step, and the chain verifies.
  await page.goto(`/audit?agent=${id}`);
  const rows = page.getByTestId("audit-row");
  await expect(rows.filter({ hasText: "agent.registered" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "agent_key.created" })).toHaveCount(2);
  await expect(rows.filter({ hasText: "agent_key.revoked" })).toHaveCount(1);
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("verify-result")).toContainText("Chain verified");
});

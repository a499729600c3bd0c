import { expect, test } from "@playwright/test";
import { filterAudit, registerAgentInUi, uniq, whoAmI } from "./helpers.ts";

test("an admin registers an agent, copies its one-time key, and the agent can call Warden with it", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const name = uniq("price-bot");
  await page.goto("/agents/new");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Description").fill("Sets EU prices");
  await page.getByLabel("Cohort").fill("pricing-e2e");
  await page.getByLabel("Owner").fill("claire.dubois@maison.example");
  await page.getByLabel("Risk tier").selectOption("high");
  await page.getByRole("button", { name: "Register agent" }).click();

  const shown = page.getByTestId("one-time-key");
  await expect(shown).toHaveText(/^wdn_\S{20,}$/);
  await expect(page.getByText("shown once — store it now")).toBeVisible();
  const key = (await shown.textContent())!.trim();
  await page.getByRole("button", { name: "Copy Agent API key" }).click();
  await expect(page.getByRole("button", { name: "Copy Agent API key" })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  const who = await whoAmI(request, key);
  expect(who.status()).toBe(200);
  expect(await who.json()).toMatchObject({ name, cohort: "pricing-e2e", owner: "claire.dubois@maison.example", status: "active" });

  // The agent is listed, and the search box and cohort filter find it.
  await page.goto("/agents");
  await page.getByRole("searchbox", { name: "Search agents" }).fill(name);
  await page.getByLabel("Cohort").selectOption("pricing-e2e");
  await page.getByRole("button", { name: "Filter" }).click();
  const table = page.getByRole("table", { name: "Agents" });
  await expect(table.getByRole("row")).toHaveCount(2); // header + the one match
  await expect(table.getByRole("link", { name })).toBeVisible();
});

test("rotating a key shows the new one once; revoking the old one locks it out while the new one works", async ({ page, request }) => {
  const name = uniq("stock-bot");
  const { id, key } = await registerAgentInUi(page, name, "inventory-e2e");
  await expect(page.getByTestId("agent-owner")).toHaveText("e2e-owner@maison.example");
  await expect(page.getByTestId("agent-cohort")).toHaveText("inventory-e2e");

  await page.getByRole("button", { name: "Rotate key" }).click();
  const newKey = (await page.getByTestId("one-time-key").textContent())!.trim();
  expect(newKey).toMatch(/^wdn_/);
  expect(newKey).not.toBe(key);
  // Rotation keeps the old key working until it is revoked.
  expect((await whoAmI(request, key)).status()).toBe(200);
  expect((await whoAmI(request, newKey)).status()).toBe(200);

  const oldRow = page.getByTestId(`key-${key.slice(0, 10)}`);
  await oldRow.getByRole("button", { name: `Revoke ${key.slice(0, 10)}` }).click();
  // Nothing happens before the confirm step.
  expect((await whoAmI(request, key)).status()).toBe(200);
  await page.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(oldRow.getByText("revoked")).toBeVisible();
  await expect(page.getByTestId(`key-${newKey.slice(0, 10)}`).getByText("active")).toBeVisible();

  expect((await whoAmI(request, key)).status()).toBe(401);
  expect((await whoAmI(request, newKey)).status()).toBe(200);

  // The agent's page keeps its history.
  const history = page.getByRole("table", { name: "Agent history" });
  await expect(history.getByTestId("audit-row").filter({ hasText: "agent_key.revoked" })).toHaveCount(1);
  await expect(history.getByTestId("audit-row").filter({ hasText: "agent.registered" })).toHaveCount(1);

  // The audit page, filtered by kind, shows the revocation, and the export carries the same filter.
  await filterAudit(page, { kind: "agent_key.revoked", agent: id });
  const rows = page.getByTestId("audit-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(name);
  await expect(rows.first()).toContainText("admin@e2e.test");
  const href = await page.getByRole("link", { name: "JSONL" }).getAttribute("href");
  expect(href).toContain("kind=agent_key.revoked");
  const lines = (await (await page.request.get(href!)).text()).trim().split("\n").map((l) => JSON.parse(l) as { kind: string; agentId: string; data: { prefix?: string } });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ kind: "agent_key.revoked", agentId: id });

  await filterAudit(page, { kind: "agent.registered" });
  await expect(page.getByTestId("audit-row").filter({ hasText: name })).toHaveCount(1);

  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("verify-result")).toContainText(/intact\s*Verified .+ UTC \([\d,]+ (new )?events( checked)?\) · head [0-9a-f]{12}…/);
});

test("an agent's owner, cohort and risk tier can be edited, and the change is audited", async ({ page, request }) => {
  const name = uniq("gift-bot");
  const { key } = await registerAgentInUi(page, name, "stylist-e2e");
  await page.getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("form", { name: "Edit agent" });
  await form.getByLabel("Owner").fill("digital-experience@maison.example");
  await form.getByLabel("Cohort").fill("stylist-e2e-2");
  await form.getByLabel("Risk tier").selectOption("low");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("agent-owner")).toHaveText("digital-experience@maison.example");
  await expect(page.getByTestId("agent-risk")).toHaveText("low");
  expect(await (await whoAmI(request, key)).json()).toMatchObject({ cohort: "stylist-e2e-2", owner: "digital-experience@maison.example" });
  await expect(page.getByRole("table", { name: "Agent history" }).getByTestId("audit-row").filter({ hasText: "agent.updated" })).toHaveCount(1);

  // A bad value is refused next to the form, and what was typed stays.
  await page.getByRole("button", { name: "Edit" }).click();
  await form.getByLabel("Cohort").fill("Not A Cohort!");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByRole("alert")).toContainText("cohort");
  await expect(form.getByLabel("Cohort")).toHaveValue("Not A Cohort!");
});

import { expect, test } from "@playwright/test";
import { ADMIN, uniq } from "./helpers.ts";

test("an admin creates an API token, shown once, that scripts use with the admin's role until it is revoked", async ({ page, playwright, baseURL }) => {
  const name = uniq("ci-pipeline");
  await page.goto("/settings");
  await page.getByLabel("Token name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("one-time-token").textContent())!.trim();
  expect(token).toMatch(/^wdt_/);
  const row = page.getByTestId(`token-${name}`);
  await expect(row).toContainText(token.slice(0, 8));
  await expect(row.getByText("active")).toBeVisible();

  // A script with the token (and no cookies) acts as the admin.
  const script = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const me = await script.get("/api/me");
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ user: { email: ADMIN.email, role: "admin" } });

  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(row.getByText("revoked")).toBeVisible();
  expect((await script.get("/api/me")).status()).toBe(401);
  await script.dispose();

  await page.reload();
  await expect(page.getByTestId("one-time-token")).toHaveCount(0); // never shown again
});

test("a webhook's signing secret box says it is stored as written, and Delete asks before it acts", async ({ page }) => {
  const url = `https://93.184.215.14/${uniq("warden-e2e")}`;
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Add webhook" });
  await form.getByLabel("Endpoint URL").fill(url);
  await form.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByTestId("webhook-secret")).toContainText("whsec_");
  await expect(page.getByTestId("webhook-secret-storage")).toContainText("stores this secret as written");
  await expect(page.getByTestId("webhook-secret-storage")).not.toContainText("only a hash");

  const del = page.getByRole("button", { name: `Delete webhook ${url}` });
  await del.click();
  await expect(page.getByText("Delete this webhook?")).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.reload();
  await expect(del).toBeVisible(); // nothing was deleted
  await del.click();
  await page.getByRole("button", { name: "Confirm delete" }).click();
  await expect(del).toHaveCount(0);
  await page.reload();
  await expect(page.getByText(url)).toHaveCount(0);
});

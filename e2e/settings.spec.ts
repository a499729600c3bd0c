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

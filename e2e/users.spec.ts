import { expect, test } from "@playwright/test";
import { signIn, uniq } from "./helpers.ts";

test("an admin creates an operator, who signs in without admin controls", async ({ page, browser }) => {
  const email = `${uniq("olivia")}@maison.example`;
  await page.goto("/users");
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Create user" }) });
  await form.getByLabel("E-mail").fill(email);
  await form.getByLabel("Name").fill("Olivia Operator");
  await form.getByLabel("Role").selectOption("operator");
  await form.getByLabel("Password").fill("operator-password-123");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByTestId(`user-${email}`)).toBeVisible();

  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const op = await ctx.newPage();
  await signIn(op, email, "operator-password-123");
  await expect(op.getByTestId("current-user")).toHaveText("Olivia Operator");
  const nav = op.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Agents" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await op.goto("/agents");
  await expect(op.getByRole("link", { name: "Register agent" })).toBeVisible(); // operators register agents
  await op.goto("/policies");
  await expect(op.getByRole("link", { name: "New policy" })).toHaveCount(0);
  await op.goto("/users");
  await expect(op.getByRole("heading", { name: "Your role does not allow this page" })).toBeVisible();
  await ctx.close();

  await page.goto(`/audit?kind=user.created`);
  await expect(page.getByTestId("audit-row").filter({ hasText: email })).toHaveCount(1);
  await page.goto(`/audit?kind=auth.login`);
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
});

test("an anonymous visitor is sent to sign in, and a wrong password is refused", async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await page.goto("/agents");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("E-mail").fill("admin@e2e.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong" })).toHaveText("Wrong e-mail or password.");
  await ctx.close();
});

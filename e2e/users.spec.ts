import { expect, test } from "@playwright/test";
import { ADMIN, createUser, delayedFor, filterAudit, signedInAs, uniq } from "./helpers.ts";

test("an admin creates an operator, who signs in without the admin-only controls", async ({ page, browser }) => {
  const email = `${uniq("olivia")}@maison.example`;
  await page.goto("/users");
  const form = page.getByRole("form", { name: "Create user" });
  await form.getByLabel("E-mail").fill(email);
  await form.getByLabel("Name").fill("Olivia Operator");
  await form.getByLabel("Role").selectOption("operator");
  await form.getByLabel("Password").fill("operator-password-123");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByTestId(`user-${email}`)).toContainText("Olivia Operator");
  await expect(page.getByTestId("initial-password")).toHaveCount(0); // we chose the password

  const op = await signedInAs(browser, email, "operator-password-123");
  await expect(op.page.getByTestId("current-user")).toHaveText("Olivia Operator");
  await expect(op.page.getByTestId("current-role")).toHaveText("operator");
  const nav = op.page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Agents" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  // Operators register agents (API.md's role table), but write no policies.
  await op.page.goto("/agents");
  await expect(op.page.getByRole("link", { name: "Register agent" })).toBeVisible();
  await op.page.goto("/policies");
  await expect(op.page.getByRole("link", { name: "New policy" })).toHaveCount(0);
  // Personal API tokens are for admins: no create form.
  await op.page.goto("/settings");
  await expect(op.page.getByRole("button", { name: "Create token" })).toHaveCount(0);
  await op.page.goto("/users");
  await expect(op.page.getByRole("heading", { name: "Your role does not allow this page" })).toBeVisible();
  await op.ctx.close();

  await filterAudit(page, { kind: "user.created" });
  await expect(page.getByTestId("audit-row").filter({ hasText: email })).toHaveCount(1);
  await filterAudit(page, { kind: "auth.login" });
  await expect(page.getByTestId("audit-row").filter({ hasText: email })).toHaveCount(1);
});

test("a user created without a password gets a generated one, shown once, that signs them in as a viewer without any write controls", async ({ page, browser }) => {
  const email = `${uniq("victor")}@maison.example`;
  await page.goto("/users");
  const form = page.getByRole("form", { name: "Create user" });
  await form.getByLabel("E-mail").fill(email);
  await form.getByLabel("Name").fill("Victor Viewer");
  await form.getByLabel("Role").selectOption("viewer");
  await form.getByRole("button", { name: "Create user" }).click();
  const password = (await page.getByTestId("initial-password").textContent())!.trim();
  expect(password.length).toBeGreaterThanOrEqual(12);
  await page.reload();
  await expect(page.getByTestId("initial-password")).toHaveCount(0);

  const viewer = await signedInAs(browser, email, password);
  await viewer.page.goto("/agents");
  await expect(viewer.page.getByRole("table", { name: "Agents" })).toBeVisible();
  await expect(viewer.page.getByRole("link", { name: "Register agent" })).toHaveCount(0);
  await viewer.page.goto("/cohorts");
  await expect(viewer.page.getByRole("button", { name: /^Halt/ })).toHaveCount(0);
  await viewer.page.goto("/agents/new");
  await expect(viewer.page.getByRole("heading", { name: "Your role does not allow this page" })).toBeVisible();
  await viewer.ctx.close();
});

test("an admin changes a user's role and disables them; a disabled user can't sign in", async ({ page, browser }) => {
  const email = `${uniq("arthur")}@maison.example`;
  await createUser(page, { email, name: "Arthur Approver", role: "viewer", password: "arthur-password-123" });
  await page.goto("/users");
  const row = page.getByTestId(`user-${email}`);
  await row.getByLabel(`Role of ${email}`).selectOption("approver");
  await filterAudit(page, { kind: "user.role_changed" });
  await expect(page.getByTestId("audit-row").filter({ hasText: email })).toContainText("approver");

  const signedIn = await signedInAs(browser, email, "arthur-password-123");
  await expect(signedIn.page.getByTestId("current-role")).toHaveText("approver");
  await signedIn.ctx.close();

  await page.goto("/users");
  await row.getByRole("button", { name: `Disable ${email}` }).click();
  await expect(row.getByText("disabled")).toBeVisible();
  await expect(row.getByRole("button", { name: `Enable ${email}` })).toBeVisible();

  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const p = await ctx.newPage();
  await p.goto("/login");
  await p.getByLabel("E-mail").fill(email);
  await p.getByLabel("Password").fill("arthur-password-123");
  await p.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(p.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText("Wrong e-mail or password.");
  await ctx.close();

  // The signed-in admin can't disable or demote themselves from this page.
  await expect(page.getByTestId(`user-${ADMIN.email}`).getByRole("button")).toHaveCount(0);
  await expect(page.getByTestId(`user-${ADMIN.email}`).getByRole("combobox")).toHaveCount(0);
});

test("an anonymous visitor is sent to sign in, a wrong password is refused, and signing in returns to the page they asked for", async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await page.goto("/audit?kind=agent.*");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faudit%3Fkind%3Dagent\.\*/);
  await page.getByLabel("E-mail").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText("Wrong e-mail or password.");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByTestId("current-user")).toHaveCount(0);

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await expect(page).toHaveURL(/\/audit\?kind=agent\.\*$/);
  await expect(page.getByLabel("Kind")).toHaveValue("agent.*");
  await ctx.close();
});

test("after too many failed sign-ins the form says how long to wait instead of checking the password", async ({ browser, request }) => {
  const email = `${uniq("mallory")}@maison.example`;
  // Guesses through the API's login (same throttles) from the browser's own address, until one
  // is refused with a long delay.
  const wait = await delayedFor(request, email, "127.0.0.1", 30);
  expect(wait).toBeGreaterThanOrEqual(30);
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("one-more-guess-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toContainText(/Too many failed sign-ins: wait \d+ (seconds|minutes)/);
  await ctx.close();
});

test("an admin resets a forgotten password: the temporary one, shown once, leads only to setting a new one, then the user's own password works", async ({ page, browser }) => {
  const email = `${uniq("forgetful")}@maison.example`;
  await createUser(page, { email, name: "Fanny Forgetful", role: "operator", password: "forgotten-password-1" });
  await page.goto("/users");
  const row = page.getByTestId(`user-${email}`);
  await row.getByRole("button", { name: `Reset password of ${email}` }).click();
  await page.getByRole("button", { name: "Confirm reset" }).click();
  const temporary = (await page.getByTestId("temporary-password").textContent())!.trim();
  expect(temporary.length).toBeGreaterThanOrEqual(16);
  await expect(page.getByTestId("temporary-password-storage")).toContainText("argon2id hash");
  await expect(row).toContainText("temporary password");

  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const fanny = await ctx.newPage();
  await fanny.goto("/login");
  await fanny.getByLabel("E-mail").fill(email);
  await fanny.getByLabel("Password").fill(temporary);
  await fanny.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(fanny.getByRole("heading", { name: "Set a new password" })).toBeVisible();
  // Nothing else until it is done: pages lead back here, the API refuses.
  await fanny.goto("/agents");
  await expect(fanny).toHaveURL(/\/change-password$/);
  expect((await fanny.request.get("/api/agents")).status()).toBe(403);
  const form = fanny.getByRole("form", { name: "Change password" });
  await form.getByLabel("Temporary password").fill(temporary);
  await form.getByLabel("New password", { exact: true }).fill("fannys-own-password-1");
  await form.getByLabel("Repeat the new password").fill("fannys-own-password-1");
  await form.getByRole("button", { name: "Set new password" }).click();
  await expect(fanny.getByTestId("current-user")).toHaveText("Fanny Forgetful");
  await fanny.goto("/agents");
  await expect(fanny.getByRole("table", { name: "Agents" })).toBeVisible();
  await ctx.close();

  const again = await signedInAs(browser, email, "fannys-own-password-1");
  await again.ctx.close();
  await filterAudit(page, { kind: "user.password_reset" });
  await expect(page.getByTestId("audit-row").filter({ hasText: email })).toHaveCount(1);
  await filterAudit(page, { kind: "user.password_changed" });
  await expect(page.getByTestId("audit-row").filter({ hasText: email })).toHaveCount(1);
});

test("a user changes their own password under Settings: a wrong current one is refused, their other session ends, this one stays", async ({ page, browser }) => {
  const email = `${uniq("careful")}@maison.example`;
  await page.goto("/users"); // not the overview, whose live panels keep polling beside the new sessions
  await createUser(page, { email, name: "Carl Careful", role: "viewer", password: "careful-password-1" });
  const here = await signedInAs(browser, email, "careful-password-1");
  const there = await signedInAs(browser, email, "careful-password-1");
  await here.page.goto("/settings");
  const form = here.page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password").fill("not-my-password-1");
  await form.getByLabel("New password", { exact: true }).fill("careful-password-2");
  await form.getByLabel("Repeat the new password").fill("careful-password-2");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("alert")).toContainText("The current password is wrong");
  await form.getByLabel("Current password").fill("careful-password-1");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("status")).toContainText("Signed out 1 other session");
  await here.page.goto("/agents");
  await expect(here.page.getByRole("table", { name: "Agents" })).toBeVisible();
  await there.page.goto("/agents");
  await expect(there.page).toHaveURL(/\/login/);
  await here.ctx.close();
  await there.ctx.close();
  await (await signedInAs(browser, email, "careful-password-2")).ctx.close();
});

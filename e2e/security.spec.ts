import { expect, test } from "@playwright/test";
import { createUser, delayedFor, fakeClientIp, filterAudit, sameOrigin, signedInAs, uniq } from "./helpers.ts";

test("signing out ends the session on the server: the copied cookie no longer works", async ({ page, browser, playwright, baseURL }) => {
  const email = `${uniq("sam")}@maison.example`;
  await createUser(page, { email, name: "Sam Session", role: "viewer", password: "sam-password-12345" });
  const { ctx, page: sam } = await signedInAs(browser, email, "sam-password-12345");
  const session = (await ctx.cookies()).find((c) => c.name.endsWith("next-auth.session-token"))!;
  expect(session).toBeDefined();
  const replay = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] }, extraHTTPHeaders: { cookie: `${session.name}=${session.value}` } });
  expect((await replay.get("/api/me")).status()).toBe(200);

  await sam.getByRole("button", { name: "Sign out" }).click();
  await expect(sam).toHaveURL(/\/login/);
  const after = await replay.get("/api/me");
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("unauthorized");
  await replay.dispose();
  await ctx.close();

  await filterAudit(page, { kind: "auth.logout" });
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
});

test("an admin unlocks a user whose sign-ins are being delayed, from the Users page", async ({ page, browser }) => {
  const email = `${uniq("una")}@maison.example`;
  const password = "una-password-12345";
  await createUser(page, { email, name: "Una Unlock", role: "viewer", password });
  const ip = fakeClientIp();
  await delayedFor(page.request, email, ip, 30);
  const login = () => page.request.post("/api/login", { data: { email, password }, headers: { "x-forwarded-for": ip } });
  expect((await login()).status()).toBe(429); // even the right password waits

  await page.goto("/users");
  const row = page.getByTestId(`user-${email}`);
  await expect(row.getByText("sign-in delayed")).toBeVisible();
  await row.getByRole("button", { name: `Unlock sign-in of ${email}` }).click();
  await expect(row.getByText("sign-in delayed")).toHaveCount(0);
  expect((await login()).status()).toBe(200);

  const una = await signedInAs(browser, email, password);
  await expect(una.page.getByTestId("current-user")).toHaveText("Una Unlock");
  await una.ctx.close();
  await filterAudit(page, { kind: "auth.login_unlocked" });
  await expect(page.getByTestId("audit-row").filter({ hasText: email })).toHaveCount(1);
});

test("every /api error is JSON on the real server: unknown path 404, unsupported method 405, undecodable path 400, NUL in a body 400", async ({ page }) => {
  await page.goto("/");
  const unknown = await page.request.get("/api/no/such/thing");
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });

  const method = await page.request.delete("/api/overview", { headers: sameOrigin(page) });
  expect(method.status()).toBe(405);
  expect(await method.json()).toEqual({ error: { code: "method_not_allowed", message: "DELETE is not supported on /api/overview" } });

  for (const path of ["/api/agents/%E0%A4%A", "/api/audit?q=%00"]) {
    const bad = await page.request.get(path);
    expect(bad.status(), path).toBe(400);
    expect((await bad.json()).error.code, path).toBe("validation_failed");
  }

  const halt = await page.request.post("/api/halt", { headers: { ...sameOrigin(page), "content-type": "application/json" }, data: '{"reason":"stop\\u0000now"}' });
  expect(halt.status()).toBe(400);
  expect(await halt.json()).toMatchObject({ error: { code: "validation_failed", details: [{ path: "reason" }] } });
  expect(await (await page.request.get("/api/halt")).json()).toMatchObject({ status: "active" });
});

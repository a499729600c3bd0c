import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";

export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password-123" };

export const uniq = (p: string) => `${p}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** Cookie-authenticated mutations must come from the dashboard's own origin (as browsers send it). */
export const sameOrigin = (page: Page) => {
  if (!page.url().startsWith("http")) throw new Error("sameOrigin: open a dashboard page first");
  return { origin: new URL(page.url()).origin };
};

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

/** A browser context with nobody signed in, signed in as this user. */
export async function signedInAs(browser: Browser, email: string, password: string) {
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await signIn(page, email, password);
  return { ctx, page };
}

/** Creates a user through the API (as the signed-in admin of `page`). */
export async function createUser(page: Page, user: { email: string; name: string; role: string; password: string }) {
  if (page.url() === "about:blank") await page.goto("/");
  const res = await page.request.post("/api/users", { data: user, headers: sameOrigin(page) });
  expect(res.status()).toBe(201);
}

/** Registers an agent through the dashboard and returns its id and one-time key. */
export async function registerAgentInUi(page: Page, name: string, cohort: string, owner = "e2e-owner@maison.example") {
  await page.goto("/agents");
  await page.getByRole("link", { name: "Register agent" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Cohort").fill(cohort);
  await page.getByLabel("Owner").fill(owner);
  await page.getByLabel("Risk tier").selectOption("high");
  await page.getByRole("button", { name: "Register agent" }).click();
  const key = (await page.getByTestId("one-time-key").textContent())!.trim();
  expect(key).toMatch(/^wdn_/);
  await page.getByRole("link", { name: `Go to ${name}` }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const id = page.url().split("/agents/")[1]!;
  return { id, key };
}

export async function whoAmI(request: APIRequestContext, key: string) {
  return request.get("/v1/agent", { headers: { authorization: `Bearer ${key}` } });
}

export async function ask(request: APIRequestContext, key: string, body: Record<string, unknown>) {
  const res = await request.post("/v1/actions", { headers: { authorization: `Bearer ${key}` }, data: body });
  expect(res.status()).toBe(200);
  return (await res.json()) as { id: string; decision: string; status: string; reasons: { code: string; policyName?: string; message: string }[] };
}

/** Narrows the audit page through its filter form, as a person would. */
export async function filterAudit(page: Page, filters: { kind?: string; agent?: string; actor?: string }) {
  await page.goto("/audit");
  const form = page.getByRole("search", { name: "Filter audit events" });
  if (filters.kind) await form.getByLabel("Kind").fill(filters.kind);
  if (filters.actor) await form.getByLabel("Actor").fill(filters.actor);
  if (filters.agent) await form.getByLabel("Agent").selectOption(filters.agent);
  await form.getByRole("button", { name: "Apply filters" }).click();
  if (filters.kind) await expect(page).toHaveURL(new RegExp(`kind=${encodeURIComponent(filters.kind).replace(/[.*]/g, "\\$&")}`));
}

let fakeClient = 0;
/**
 * A client address of its own for each caller (TEST-NET-2), sent as X-Forwarded-For: the e2e
 * server trusts the loopback test runner as a proxy (playwright.config.ts), so throttles a test
 * provokes on purpose don't slow down the browser sign-ins of the other journeys.
 */
export const fakeClientIp = () => `198.51.100.${(Date.now() % 200) + (fakeClient++ % 50)}`;

/**
 * Fails sign-ins for `email` from `ip` through `POST /api/login` until one is refused (429)
 * with a Retry-After of at least `minSeconds`, and returns that wait. Refused guesses push the
 * next delay up (lib/throttle), so this ends within a few seconds; bounded by a deadline.
 */
export async function delayedFor(request: APIRequestContext, email: string, ip: string, minSeconds: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (let i = 0; Date.now() < deadline; i++) {
    const res = await request.post("/api/login", { data: { email, password: `guess-${i}-password` }, headers: { "x-forwarded-for": ip } });
    expect([401, 429]).toContain(res.status());
    const wait = Number(res.headers()["retry-after"] ?? 0);
    if (res.status() === 429 && wait >= minSeconds) return wait;
  }
  throw new Error(`no delay of ${minSeconds} s for ${email} within 30 s`);
}

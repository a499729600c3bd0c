import { expect, type APIRequestContext, type Page } from "@playwright/test";

export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password-123" };

export const uniq = (p: string) => `${p}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
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

export async function ask(request: APIRequestContext, key: string, body: Record<string, unknown>) {
  const res = await request.post("/v1/actions", { headers: { authorization: `Bearer ${key}` }, data: body });
  expect(res.status()).toBe(200);
  return (await res.json()) as { id: string; decision: string; status: string; reasons: { code: string; policyName?: string; message: string }[] };
}

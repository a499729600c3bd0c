import { expect, test } from "@playwright/test";

// The reference page must work with no internet: every request it makes stays on this origin.
test("the HTTP API reference renders from Settings with no request leaving the machine", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const outside: string[] = [];
  await page.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    const local = url.origin === origin || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) || url.protocol === "data:" || url.protocol === "blob:";
    if (local) return route.continue();
    outside.push(url.href);
    return route.abort("blockedbyclient");
  });

  await page.goto("/settings");
  await page.getByRole("link", { name: "HTTP API reference" }).click();
  await expect(page).toHaveURL(/\/api-reference$/);
  const reference = page.getByTestId("api-reference");
  await expect(reference.locator(".info .title")).toContainText("Warden HTTP API");
  // Both planes, their operations and the auth schemes are there.
  await expect(reference.getByText("/v1/actions", { exact: true }).first()).toBeVisible();
  await expect(reference.getByText("/api/agents", { exact: true }).first()).toBeVisible();
  await expect(reference.getByRole("button", { name: /Authorize/ })).toBeVisible();
  await expect(reference.getByText("Warning", { exact: true })).toHaveCount(0); // Swagger UI understood the document

  // An operation opens with its request body, responses and error codes.
  const op = reference.locator(".opblock").filter({ hasText: "Ask before acting" });
  await op.getByText("Ask before acting").click();
  await expect(op.getByText("idempotency_conflict").first()).toBeVisible();

  expect(outside, "requests to hosts other than this Warden").toEqual([]);
});

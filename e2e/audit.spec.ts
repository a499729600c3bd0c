import { expect, test } from "@playwright/test";
import { sameOrigin, uniq } from "./helpers.ts";

const seqs = async (rows: import("@playwright/test").Locator) => (await rows.locator("td:first-child").allTextContents()).map(Number);

test("the audit log pages with Load more: older events follow, newest first, none twice", async ({ page }) => {
  await page.goto("/audit");
  // Enough events for more than one page of 50, whatever ran before.
  for (let i = 0; i < 55; i++) {
    const res = await page.request.post("/api/tokens", { data: { name: uniq("audit-page") }, headers: sameOrigin(page) });
    expect(res.status()).toBe(201);
  }
  await page.reload();
  const rows = page.getByRole("table", { name: "Audit events" }).getByTestId("audit-row");
  await expect(rows).toHaveCount(50);
  const first = await seqs(rows);

  await page.getByRole("button", { name: "Load more" }).click();
  await expect.poll(() => rows.count()).toBeGreaterThan(50);
  const all = await seqs(rows);
  expect(all.slice(0, 50)).toEqual(first);
  expect(new Set(all).size).toBe(all.length);
  expect([...all].sort((a, b) => b - a)).toEqual(all);

  // Filtered the same way, the feed only holds what the filter asks for.
  await page.goto("/audit?kind=token.created");
  await expect(rows).toHaveCount(50);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(55);
  expect(await rows.filter({ hasNotText: "token.created" }).count()).toBe(0);
});

test("a bad filter value is explained instead of failing the page", async ({ page }) => {
  await page.goto("/audit?kind=Not%20A%20Kind");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("kind");
  await expect(page.getByRole("button", { name: "Verify chain" })).toBeVisible();
});

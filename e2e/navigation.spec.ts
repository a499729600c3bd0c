import { expect, test } from "@playwright/test";

test("every page in the navigation renders without a browser error, and the overview counts what exists", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of ["Overview", "Agents", "Approvals", "Cohorts", "Containment", "Policies", "Knowledge", "Audit", "Users", "Teams", "Settings"]) {
    // "Approvals 3" while something waits: the label, then perhaps the pending count.
    const link = nav.getByRole("link", { name: new RegExp(`^${label}( [\\d,+]+)?$`) });
    await link.click();
    await expect(link).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  expect(errors).toEqual([]);

  // The overview's numbers are the registry's, not placeholders.
  const agents = (await (await page.request.get("/api/agents")).json()) as { agents: { status: string }[] };
  const cohorts = (await (await page.request.get("/api/cohorts")).json()) as { cohorts: unknown[] };
  await page.goto("/");
  const active = agents.agents.filter((a) => a.status === "active").length;
  await expect(page.getByRole("group", { name: "Active agents" })).toContainText(String(active));
  await expect(page.getByRole("group", { name: "Halted agents" })).toContainText(String(agents.agents.length - active));
  await expect(page.getByTestId("cohort-rates-chart").locator(".recharts-yAxis .recharts-cartesian-axis-tick")).toHaveCount(cohorts.cohorts.length);
  await expect(page.getByRole("table", { name: "Latest audit events" }).getByTestId("audit-row")).toHaveCount(10);
});

test("an unknown agent shows the not-found page", async ({ page }) => {
  await page.goto("/agents/agt_does_not_exist");
  await expect(page.getByRole("heading", { name: "Nothing here" })).toBeVisible();
});

import { expect, test, type Page } from "@playwright/test";
import { sameOrigin, signedInAs, uniq } from "./helpers.ts";

/** "1 cohort", "0 agents": what the screens must say (English: singular for exactly one). */
const n = (k: number, noun: string) => `${k} ${noun}${k === 1 ? "" : "s"}`;

async function ownHalts(page: Page) {
  return (await (await page.request.get("/api/halt")).json()) as { status: string; cohortsHalted: number; agentsHalted: number; haltedBy?: string };
}

test("a global halt is unmistakable on every page and live (who, when, why, where to resume), and halt counts read right", async ({ page, browser }) => {
  test.slow(); // two signed-in users, several pages, waits for live updates
  await page.goto("/agents");
  const cohort = uniq("banner");
  const reg = await page.request.post("/api/agents", { headers: sameOrigin(page), data: { name: uniq("banner-agent"), cohort, owner: "owner@maison.example", riskTier: "low" } });
  expect(reg.status()).toBe(201);
  const operator = { email: `${uniq("op")}@maison.example`, name: "Nina Night-shift", role: "operator", password: "operator-password-123" };
  expect((await page.request.post("/api/users", { data: operator, headers: sameOrigin(page) })).status()).toBe(201);
  const op = await signedInAs(browser, operator.email, operator.password);
  const reason = uniq("payment provider incident");
  try {
    // One cohort halted on its own: "1 cohort halted", not "1 cohorts, 0 agents halted".
    expect((await page.request.post(`/api/cohorts/${cohort}/halt`, { headers: sameOrigin(page), data: { reason: "stock feed is stale" } })).status()).toBe(200);
    const own = await ownHalts(page);
    const ownText = [own.cohortsHalted ? n(own.cohortsHalted, "cohort") : "", own.agentsHalted ? n(own.agentsHalted, "agent") : ""].filter(Boolean).join(" and ");
    await page.goto("/");
    await expect(page.getByRole("group", { name: "Halted agents" })).toContainText(`${ownText} halted`);
    await expect(page.getByTestId("halt-notice")).toHaveText(`${ownText} halted · see the overview`);
    await expect(page.getByTestId("global-halt-banner")).toHaveCount(0);

    // Everything halted while both are looking at other pages: the banner arrives without a reload.
    await page.goto("/agents");
    await op.page.goto("/policies");
    expect((await page.request.post("/api/halt", { headers: sameOrigin(page), data: { reason } })).status()).toBe(200);
    for (const p of [page, op.page]) {
      const banner = p.getByTestId("global-halt-banner");
      await expect(banner).toBeVisible();
      await expect(banner).toContainText("Everything is halted: no agent may act.");
      await expect(banner.getByTestId("halt-reason")).toHaveText(reason);
      await expect(banner.getByTestId("halted-by")).toHaveText("admin@e2e.test");
      await expect(banner.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
      await expect(p.getByTestId("halt-notice")).toHaveCount(0);
    }
    // Only those who may resume are sent to the switch.
    await expect(op.page.getByTestId("global-halt-banner")).toContainText("An admin can resume it under Cohorts.");
    await expect(op.page.getByTestId("global-halt-banner").getByRole("link")).toHaveCount(0);

    // On every page, and on a phone too; the overview says what is halted in words.
    for (const path of ["/approvals", "/audit", "/settings"]) {
      await page.goto(path);
      await expect(page.getByTestId("global-halt-banner")).toBeVisible();
    }
    await page.goto("/");
    await expect(page.getByRole("group", { name: "Halted agents" })).toContainText(`everything is halted (and ${ownText} on ${own.cohortsHalted + own.agentsHalted === 1 ? "its" : "their"} own)`);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole("link", { name: "Resume under Cohorts" })).toBeInViewport({ ratio: 1 });

    // The admin follows the banner to the switch and resumes; the operator's banner goes away by itself.
    await page.getByRole("link", { name: "Resume under Cohorts" }).click();
    await expect(page).toHaveURL(/\/cohorts$/);
    await page.getByRole("button", { name: "Resume everything" }).click();
    await page.getByRole("button", { name: "Confirm resume" }).click();
    await expect(page.getByTestId("global-halt-banner")).toHaveCount(0);
    await expect(op.page.getByTestId("global-halt-banner")).toHaveCount(0);
    await expect(op.page.getByTestId("halt-notice")).toBeVisible();
  } finally {
    if ((await ownHalts(page)).status === "halted") await page.request.post("/api/resume", { headers: sameOrigin(page), data: {} });
    await page.request.post(`/api/cohorts/${cohort}/resume`, { headers: sameOrigin(page), data: {} });
    await op.ctx.close();
  }
});

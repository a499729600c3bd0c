import { expect, test, type Locator, type Page } from "@playwright/test";
import { ask, sameOrigin, uniq } from "./helpers.ts";

// Every dashboard page at a laptop's and a phone's size: the page never scrolls sideways, and
// the controls an operator needs (menu items, halt switches, approve/reject, row buttons) are
// wholly on screen — not off the right edge, not cut off by a box that scrolls.
const SIZES = [
  { name: "laptop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;
type Size = (typeof SIZES)[number];

/** Why `el` isn't wholly shown (null when it is): off the page's sides, or clipped by a scrolling/clipping ancestor. */
async function cutOff(el: Locator): Promise<string | null> {
  return el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return "not rendered";
    if (r.left < -0.5 || r.right > document.documentElement.clientWidth + 0.5) return `off the page (${Math.round(r.left)}–${Math.round(r.right)} px)`;
    for (let a = node.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX === "visible") continue;
      const b = a.getBoundingClientRect();
      if (r.left < b.left - 0.5 || r.right > b.right + 0.5) return `cut off by <${a.tagName.toLowerCase()} class="${a.className}">`;
    }
    return null;
  });
}

/** Whether a text control or link shows its whole text (no ellipsis, no clipped option text in a select). */
async function textCut(el: Locator): Promise<string | null> {
  return el.evaluate((node) => {
    if (node instanceof HTMLSelectElement) {
      const s = getComputedStyle(node);
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const text = node.selectedOptions[0]?.textContent ?? "";
      // Padding on both sides plus the drop-down arrow (about 20 px in Chromium).
      const need = ctx.measureText(text).width + parseFloat(s.paddingLeft) + parseFloat(s.paddingRight) + 20;
      return need > node.clientWidth ? `select shows ${Math.round(node.clientWidth)} of the ${Math.round(need)} px “${text}” needs` : null;
    }
    const e = node as HTMLElement;
    return e.scrollWidth > e.clientWidth + 1 ? `text cut: “${e.textContent}” needs ${e.scrollWidth} px, has ${e.clientWidth}` : null;
  });
}

async function expectShown(page: Page, size: Size, what: string, el: Locator) {
  await expect.soft(el, `${what} at ${size.name}`).toBeVisible();
  if (await el.isVisible()) expect.soft(await cutOff(el), `${what} at ${size.name}`).toBeNull();
}

type Check = { path: string; controls?: (page: Page) => Record<string, Locator>; wholeText?: (page: Page) => Record<string, Locator>; fitDesktop?: (page: Page) => Locator[] };

test("every dashboard page fits a laptop and a phone: no sideways scrolling, primary controls and names wholly shown", async ({ page }) => {
  // ~22 pages, each loaded once and looked at in two sizes: about a minute on a quiet machine.
  test.setTimeout(300_000);
  // Something of everything to show: an agent with a long name (like the demo's replenishment
  // agents), a pending approval, a policy that fired, a token.
  await page.goto("/");
  const cohort = uniq("layout");
  const longName = uniq("replenishment-planner-eu-north-stores");
  const reg = await page.request.post("/api/agents", { headers: sameOrigin(page), data: { name: longName, cohort, owner: "night-shift-owner@maison.example", riskTier: "high" } });
  expect(reg.status()).toBe(201);
  const { agent, apiKey } = (await reg.json()) as { agent: { id: string }; apiKey: string };
  const sibling = await page.request.post("/api/agents", { headers: sameOrigin(page), data: { name: uniq("replenishment-planner-eu-south-stores"), cohort, owner: "night-shift-owner@maison.example", riskTier: "high" } });
  expect(sibling.status()).toBe(201);
  const policyName = uniq("large-reorders-need-a-buyer-before-the-supplier-is-called");
  const pol = await page.request.post("/api/policies", {
    headers: sameOrigin(page),
    data: { name: policyName, effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.units > 100.0", message: "Large reorders need a buyer", approval: { quorum: 1, timeoutSeconds: 3600 } },
  });
  expect(pol.status()).toBe(201);
  const policyId = ((await pol.json()) as { policy: { id: string } }).policy.id;
  const pending = await ask(page.request, apiKey, { action: "inventory.reorder", resource: "sku:LAYOUT-1", input: { units: 500 } });
  expect(pending.decision).toBe("pending");
  expect((await page.request.post("/api/tokens", { data: { name: uniq("night-shift-script") }, headers: sameOrigin(page) })).status()).toBe(201);
  const sets = ((await (await page.request.get("/api/knowledge")).json()) as { sets: { name: string }[] }).sets;
  const set = sets[0]!.name;
  const drafts = ((await (await page.request.get(`/api/knowledge/${set}/drafts`)).json()) as { drafts: { id: string }[] }).drafts;

  const checks: Check[] = [
    {
      path: "/",
      fitDesktop: (p) => [p.getByRole("table", { name: "Policies that fired most" })],
      // Which policies lead depends on what the other journeys made fire: the top one must read whole.
      wholeText: (p) => ({ "policy that fired most": p.getByRole("table", { name: "Policies that fired most" }).getByRole("link").first() }),
    },
    { path: "/agents", controls: (p) => ({ "Register agent": p.getByRole("link", { name: "Register agent" }), "agent row status": p.getByRole("table", { name: "Agents" }).locator("tbody tr").first().locator("td").nth(4) }) },
    { path: "/agents/new" },
    { path: `/agents/${agent.id}`, controls: (p) => ({ "Halt this agent": p.getByRole("button", { name: "Halt this agent" }) }) },
    { path: `/agents/${agent.id}/releases` },
    {
      path: `/actions/${pending.id}`,
      fitDesktop: (p) => [p.getByTestId("action-audit-row").first().locator("xpath=ancestor::table[1]")],
    },
    {
      path: "/approvals",
      controls: (p) => {
        const card = p.getByTestId("approval-card").filter({ hasText: "sku:LAYOUT-1" });
        return { Approve: card.getByRole("button", { name: /^Approve/ }).first(), Reject: card.getByRole("button", { name: /^Reject/ }).first() };
      },
    },
    { path: `/approvals/${pending.id}`, controls: (p) => ({ Approve: p.getByRole("button", { name: /^Approve/ }).first(), Reject: p.getByRole("button", { name: /^Reject/ }).first() }) },
    {
      path: "/cohorts",
      controls: (p) => ({ "Halt everything": p.getByRole("button", { name: "Halt everything" }), [`Halt cohort ${cohort}`]: p.getByRole("button", { name: `Halt cohort ${cohort}` }) }),
      wholeText: (p) => ({ "agent name on its cohort's card": p.getByRole("link", { name: longName }) }),
    },
    { path: "/containment" },
    { path: "/policies" },
    { path: "/policies/new" },
    {
      path: `/policies/${policyId}`,
      wholeText: (p) => ({ "Stage select": p.getByRole("combobox", { name: "Stage", exact: true }), "Effect select": p.getByRole("combobox", { name: "Effect", exact: true }) }),
    },
    { path: "/knowledge" },
    { path: `/knowledge/${set}` },
    { path: `/knowledge/${set}/diff?from=0` },
    ...(drafts[0] ? [{ path: `/knowledge/${set}/drafts/${drafts[0].id}` }] : []),
    { path: "/audit" },
    {
      path: "/users",
      controls: (p) => {
        const row = p.getByRole("table", { name: "Users" }).locator("tbody tr").filter({ has: p.getByRole("combobox") }).first();
        return { "a user's role": row.getByRole("combobox"), "a user's status": row.locator("td").nth(2), "Disable a user": row.getByRole("button", { name: /^(Disable|Enable) / }) };
      },
    },
    { path: "/teams" },
    { path: "/settings", controls: (p) => ({ "Revoke a token": p.getByRole("table", { name: "API tokens" }).getByRole("button", { name: /^Revoke / }).first() }) },
    { path: "/api-reference" },
  ];

  for (const c of checks) {
    await page.setViewportSize(SIZES[0]);
    await page.goto(c.path);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    for (const size of SIZES) {
      await page.setViewportSize(size);
      // Charts follow a resize a moment later (ResizeObserver): wait for the layout to settle.
      const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await expect.soft.poll(sideways, { message: `${c.path} scrolls sideways at ${size.name}`, timeout: 10_000 }).toBeLessThanOrEqual(0);
      for (const [what, el] of Object.entries(c.controls?.(page) ?? {})) await expectShown(page, size, `${c.path}: ${what}`, el);
      for (const [what, el] of Object.entries(c.wholeText?.(page) ?? {})) {
        await expectShown(page, size, `${c.path}: ${what}`, el);
        if (await el.isVisible()) expect.soft(await textCut(el), `${c.path}: ${what} at ${size.name}`).toBeNull();
      }
      if (size.name === "laptop") {
        for (const table of c.fitDesktop?.(page) ?? []) {
          await expect.soft(table, `${c.path}: table`).toBeVisible();
          const box = await table.evaluate((t) => ({ scrollWidth: t.parentElement!.scrollWidth, clientWidth: t.parentElement!.clientWidth }));
          expect.soft(box.scrollWidth, `${c.path}: a table is cut off at ${size.name}`).toBeLessThanOrEqual(box.clientWidth);
        }
      }
    }
  }

  // The menu on a phone: one button, every item reachable through it, Escape closes it.
  await page.setViewportSize(SIZES[1]);
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  const labels = ["Overview", "Agents", "Approvals", "Cohorts", "Containment", "Policies", "Knowledge", "Audit", "Users", "Teams", "Settings"];
  // "Approvals 3" while something waits: the name starts with the label.
  const item = (label: string) => nav.getByRole("link", { name: new RegExp(`^${label}\\b`) });
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(item("Settings")).toBeHidden();
  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  for (const label of labels) await expectShown(page, SIZES[1], `menu item ${label}`, item(label));
  await item("Cohorts").focus();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeFocused();
  await menu.click();
  await item("Approvals").click();
  await expect(page).toHaveURL(/\/approvals$/);
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  // On a laptop the menu is the sidebar: no button, every item in view.
  await page.setViewportSize(SIZES[0]);
  await expect(menu).toBeHidden();
  for (const label of labels) await expectShown(page, SIZES[0], `sidebar item ${label}`, item(label));
  // Out of the way of the other journeys' queues: the halt rejects this journey's pending approval.
  expect((await page.request.post(`/api/agents/${agent.id}/halt`, { data: { reason: "end of the layout journey" }, headers: sameOrigin(page) })).status()).toBe(200);
});

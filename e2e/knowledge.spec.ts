import { expect, test } from "@playwright/test";
import { ask, createUser, registerAgentInUi, sameOrigin, signedInAs, uniq } from "./helpers.ts";

test("an editor imports a price-floor CSV and sees the diff, an approver publishes it, and a pricing agent below the new floor is denied with the set version on its action page", async ({ page, browser, request }) => {
  await page.goto("/knowledge");
  await expect(page.getByTestId("set-price-floors")).toContainText("v1");
  const editor = { email: `${uniq("editor")}@maison.example`, name: "Edith Editor", role: "editor", password: "editor-password-123" };
  const approver = { email: `${uniq("approver")}@maison.example`, name: "Alan Approver", role: "approver", password: "approver-password-123" };
  await createUser(page, editor);
  await createUser(page, approver);
  const version = Number((await (await page.request.get("/api/knowledge/price-floors")).json()).currentVersion as number);

  // The editor imports a CSV: preview first, then a draft.
  const ed = await signedInAs(browser, editor.email, editor.password);
  await ed.page.goto("/knowledge");
  await ed.page.getByRole("link", { name: "price-floors" }).click();
  await ed.page.getByLabel("CSV", { exact: true }).fill("key,floor,currency\nLUX-0007,900,EUR\nLUX-0008,120,EUR\n");
  await ed.page.getByLabel("Source").fill("Pricing committee 2026-12 (e2e)");
  await ed.page.getByRole("button", { name: "Preview" }).click();
  const preview = ed.page.getByTestId("import-preview");
  await expect(preview.getByTestId("diff-summary")).toContainText("2 changed");
  await expect(preview.getByTestId("diff-row").filter({ hasText: "LUX-0007" })).toContainText("900");
  await ed.page.getByRole("button", { name: "Propose draft" }).click();
  await expect(ed.page).toHaveURL(/\/knowledge\/price-floors\/drafts\/kd_/);
  const draftUrl = ed.page.url();
  await expect(ed.page.getByTestId("diff-row").filter({ hasText: "LUX-0007" })).toContainText("changed");
  await expect(ed.page.getByText("You proposed this draft: someone else must approve it")).toBeVisible();
  await expect(ed.page.getByRole("button", { name: "Approve and publish" })).toHaveCount(0);
  await ed.ctx.close();

  // The approver reviews the readable diff and publishes.
  const ap = await signedInAs(browser, approver.email, approver.password);
  await ap.page.goto("/knowledge");
  await ap.page.getByRole("table", { name: "Drafts waiting for approval" }).getByRole("link", { name: draftUrl.split("/").pop()! }).click();
  const row = ap.page.getByTestId("diff-row").filter({ hasText: "LUX-0007" });
  await expect(row).toContainText("changed");
  await expect(row).toContainText("900");
  await ap.page.getByLabel("Comment").fill("matches the committee minutes");
  await ap.page.getByRole("button", { name: "Approve and publish" }).click();
  await expect(ap.page.getByRole("heading", { level: 1 })).toContainText(`published as v${version + 1}`);
  await ap.ctx.close();

  // A pricing agent's price below the new floor is denied; its action page names the version.
  const { key } = await registerAgentInUi(page, uniq("price-agent"), "pricing");
  const denied = await ask(request, key, { action: "pricing.set_price", resource: "sku:LUX-0007", input: { sku: "LUX-0007", price: 850, currentPrice: 950, currency: "EUR", tags: ["core"] } });
  expect(denied.decision).toBe("deny");
  expect(denied.reasons.map((r) => r.policyName)).toContain("price-below-approved-floor");
  await page.goto(`/actions/${denied.id}`);
  await expect(page.getByTestId("action-decision")).toContainText("Price below the approved floor");
  await expect(page.getByTestId("action-knowledge")).toContainText(`price-floors v${version + 1}`);
  await page.getByTestId("action-knowledge").getByRole("link", { name: `price-floors v${version + 1}` }).click();
  await expect(page.getByTestId("record-row").filter({ hasText: "LUX-0007" })).toContainText("900");
});

test("the demo stylist recommends a competitor brand and the post-check flags it", async ({ page, request }) => {
  await page.goto("/knowledge");
  await expect(page.getByTestId("set-competitors")).toBeVisible();
  const agents = (await (await page.request.get("/api/agents")).json()) as { agents: { id: string; name: string }[] };
  const stylist = agents.agents.find((a) => a.name === "stylist-web")!;
  const issued = await page.request.post(`/api/agents/${stylist.id}/keys`, { headers: sameOrigin(page) });
  expect(issued.status()).toBe(201);
  const key = ((await issued.json()) as { apiKey: string }).apiKey;
  const look = await ask(request, key, { action: "stylist.recommend", resource: "customer:C-20417", input: { customerSegment: "vip", items: ["LUX-0042", "LUX-0107"] } });
  expect(look.decision).toBe("allow");
  const reported = await request.post(`/v1/actions/${look.id}/result`, { headers: { authorization: `Bearer ${key}` }, data: { status: "succeeded", output: { lookId: "look_1", message: "This look pairs beautifully with a Ｚａｒａ blazer." } } });
  expect(reported.status()).toBe(200);
  const { flags } = (await reported.json()) as { flags: { policyName: string; message: string }[] };
  expect(flags).toEqual([expect.objectContaining({ policyName: "no-competitor-recommendations", message: "Recommends a competitor brand" })]);
  await page.goto(`/actions/${look.id}`);
  const shown = page.getByRole("list", { name: "Post-check flags" });
  await expect(shown).toContainText("no-competitor-recommendations");
  await expect(shown).toContainText("Recommends a competitor brand");
  await expect(shown).toContainText("competitors v1");
});

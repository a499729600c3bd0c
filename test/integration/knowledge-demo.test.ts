import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as keysRoute from "../../app/api/agents/[id]/keys/route.ts";
import { pool } from "../../lib/db/index.ts";
import { DEMO_COMPETITORS, demoFloor, seedDemo } from "../../lib/seed/index.ts";
import { Warden } from "../../sdk/src/index.ts";
import { client, startDataPlane } from "../support/dataplane.ts";
import { call, userWithToken } from "../support/fixtures.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
let admin: Awaited<ReturnType<typeof userWithToken>>;
beforeAll(async () => {
  await seedDemo("correct horse battery staple");
  dp = await startDataPlane();
  admin = await userWithToken("admin");
});
afterAll(() => dp.close());

async function keyOf(name: string): Promise<string> {
  const { rows } = await pool().query<{ id: string }>(`SELECT id FROM agents WHERE name = $1`, [name]);
  return (await call(keysRoute.POST, { token: admin.token, params: { id: rows[0]!.id } })).json.apiKey as string;
}

describe("the demo estate's knowledge", () => {
  it("publishes its four sets through the two-person rule", async () => {
    const { rows } = await pool().query(`SELECT s.name, s.version, v.proposed_by, v.published_by, v.records FROM knowledge_sets s JOIN knowledge_versions v ON v.set_id = s.id AND v.version = s.version ORDER BY s.name`);
    expect(rows.map((r) => [r.name, r.version, r.records])).toEqual([["brand-voice", 1, 2], ["competitors", 1, DEMO_COMPETITORS.length], ["price-floors", 1, 480], ["return-policy", 1, 8]]);
    for (const r of rows) expect([r.proposed_by, r.published_by]).toEqual(["eva.editor@maison.example", "arthur.approver@maison.example"]);
  });

  it("flags the stylist recommending a competitor, and denies a pricing agent below the floor it read through the SDK", async () => {
    const stylist = client(dp.base, await keyOf("stylist-web"));
    const asked = await stylist.ask({ action: "stylist.recommend", resource: "customer:C-1", input: { items: ["LUX-0001"] } });
    const flagged = await stylist.result(asked.json.id, { status: "succeeded", output: { message: "It pairs beautifully with a Ｚａｒａ blazer" } });
    expect(flagged.json.flags.map((f: { policyName: string }) => f.policyName)).toEqual(["no-competitor-recommendations"]);
    const banned = await stylist.ask({ action: "stylist.recommend", resource: "customer:C-2", input: {} }); // inside its grants
    expect((await stylist.result(banned.json.id, { status: "succeeded", output: { message: "A cheap alternative" } })).json.flags.map((f: { policyName: string }) => f.policyName)).toEqual(["brand-voice-banned-phrases"]);

    const warden = new Warden({ url: dp.base, apiKey: await keyOf("price-optimizer-eu") });
    const floors = warden.knowledge("price-floors");
    const rec = await floors.get("LUX-0007");
    expect(rec).toMatchObject({ set: "price-floors", version: 1, value: { floor: demoFloor(7) } });
    expect(await floors.get("LUX-0007")).toEqual(rec); // revalidated (304), from the SDK's cache
    await expect(warden.guard({ action: "pricing.set_price", resource: "sku:LUX-0007", input: { sku: "LUX-0007", price: demoFloor(7) - 1, currentPrice: 900, tags: ["core"] }, context: { knowledge: [{ set: "price-floors", version: rec!.version }] } }, () => "applied")).rejects.toMatchObject({ reasons: [{ policyName: "price-below-approved-floor" }] });
    expect(await warden.knowledge("competitors").get("Zara").catch((e: { status?: number }) => e.status)).toBe(403); // not granted to pricing
  });
});

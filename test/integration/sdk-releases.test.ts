import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/index.ts";
import { Warden } from "../../sdk/src/index.ts";
import { newAgent, startDataPlane } from "../support/dataplane.ts";
import { userWithToken } from "../support/fixtures.ts";
import { releasesApi } from "../support/releases.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
});
afterAll(() => dp.close());

describe("the SDK's release() and guard() against a real Warden", () => {
  it("runs each routing key's assigned version and records it on the action", async () => {
    const op = await userWithToken("operator");
    const a = await newAgent();
    const api = releasesApi(op.token);
    await api.register(a.agent.id, { version: "stylist-v14", config: { model: "m-14" } });
    await api.register(a.agent.id, { version: "stylist-v15", config: { model: "m-15" } });
    const rollout = (await api.start(a.agent.id, { candidate: "stylist-v15", steps: [50, 100], minSamplesPerStep: 1_000_000, stepMinSeconds: 3600, guards: [{ metric: "deny_rate", maxRelativeIncrease: 0.25 }] })).json.rollout;
    const warden = new Warden({ url: dp.base, apiKey: a.apiKey });
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const key = `cust-${i}`;
      const release = await warden.release(key);
      expect(release.rollout).toBe(rollout.id);
      expect(release.config).toEqual({ model: release.version === "stylist-v15" ? "m-15" : "m-14" });
      seen.add(release.version!);
      const out = await warden.guard({ action: "stylist.recommend", releaseKey: key }, () => "ok");
      const { rows } = await pool().query(`SELECT version FROM actions WHERE id = $1`, [out.action.id]);
      expect(rows[0].version).toBe(release.version);
    }
    expect(seen).toEqual(new Set(["stylist-v14", "stylist-v15"]));
    // An unregistered version is refused, not defaulted.
    await expect(new Warden({ url: dp.base, apiKey: a.apiKey, version: "stylist-v99" }).guard({ action: "stylist.recommend" }, () => 1)).rejects.toMatchObject({ code: "unknown_version", status: 400 });
  });
});

import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listActionsRoute } from "../../app/api/actions/route.ts";
import { pool } from "../../lib/db/index.ts";
import { getAction } from "../../lib/decisions/index.ts";
import { redactionKey, redactionMarker } from "../../lib/redaction/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { switchToFreshDatabase } from "../support/db.ts";
import { call, userWithToken } from "../support/fixtures.ts";

// Issue 17 item 9: one phone number, one marker, whatever the format (E.164 in the home region,
// WARDEN_PHONE_REGION, default FR,GB,US), and find-by-value still finds markers stored before.
const FORMATS = ["+33 6 12 34 56 78", "06 12 34 56 78", "0033 6 12 34 56 78", "06.12.34.56.78"];

/** A marker as it was computed before canonicalisation: over the digits as written. */
const legacyMarker = (digits: string) => `[redacted:phone:${createHmac("sha256", redactionKey()).update(`phone:${digits}`).digest("hex").slice(0, 16)}]`;

describe("phone markers", () => {
  let dp: Awaited<ReturnType<typeof startDataPlane>>;
  let viewer: Awaited<ReturnType<typeof userWithToken>>;

  beforeAll(async () => {
    delete process.env.WARDEN_PHONE_REGION;
    await switchToFreshDatabase();
    dp = await startDataPlane();
    viewer = await userWithToken("viewer");
  });
  afterAll(async () => {
    await dp.close();
  });

  it("stores one marker for a number written in any format, and finds every one of them by any format", async () => {
    const { agent, apiKey } = await newAgent();
    const c = client(dp.base, apiKey);
    const ids: string[] = [];
    for (const phone of FORMATS) {
      const asked = await c.ask({ action: "crm.call_back", resource: "ticket:T-1", input: { phone } });
      expect(asked.status).toBe(200);
      ids.push(asked.json.id as string);
    }
    const canonical = redactionMarker("phone", "+33612345678", redactionKey());
    for (const id of ids) expect((await getAction(id)).input).toEqual({ phone: canonical });

    // Another number is another marker, and is not found.
    const other = await c.ask({ action: "crm.call_back", resource: "ticket:T-2", input: { phone: "06 98 76 54 32" } });
    expect((await getAction(other.json.id as string)).input).not.toEqual({ phone: canonical });

    for (const typed of [...FORMATS, "+33612345678", "0612345678"]) {
      const res = await call(listActionsRoute, { token: viewer.token, path: `/api/actions?agent=${agent.id}&value=${encodeURIComponent(typed)}&limit=10` });
      expect(res.status).toBe(200);
      expect((res.json.actions as { id: string }[]).map((a) => a.id).sort(), typed).toEqual([...ids].sort());
    }
  });

  it("still finds actions stored before canonicalisation (markers over the digits as written), by either format", async () => {
    const { agent, apiKey } = await newAgent();
    const asked = await client(dp.base, apiKey).ask({ action: "crm.call_back", input: { note: "none" } });
    const id = asked.json.id as string;
    // What an action stored by an older Warden holds for "06 12 34 56 78" and "+44 (0)20 7946 0958".
    const old = [legacyMarker("0612345678"), legacyMarker("+4402079460958")];
    expect(old[0]).not.toBe(redactionMarker("phone", "06 12 34 56 78", redactionKey()));
    await pool().query(`UPDATE actions SET input = $2, pii_markers = $3 WHERE id = $1`, [id, JSON.stringify({ phone: old[0], uk: old[1] }), old]);

    for (const typed of ["+33 6 12 34 56 78", "06 12 34 56 78", "+44 (0)20 7946 0958"]) {
      const res = await call(listActionsRoute, { token: viewer.token, path: `/api/actions?agent=${agent.id}&value=${encodeURIComponent(typed)}&limit=10` });
      expect((res.json.actions as { id: string }[]).map((a) => a.id), typed).toEqual([id]);
    }
    const none = await call(listActionsRoute, { token: viewer.token, path: `/api/actions?agent=${agent.id}&value=${encodeURIComponent("06 98 76 54 32")}&limit=10` });
    expect(none.json.actions).toEqual([]);
  });
});

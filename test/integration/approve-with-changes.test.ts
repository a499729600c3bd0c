import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inputHash } from "../../lib/actions/index.ts";
import { pool } from "../../lib/db/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { Warden } from "../../sdk/src/index.ts";
import { unique } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { approvalPolicy, auditOf, markdown, row, team, vote } from "../support/escalation.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
  await pool().query(`INSERT INTO webhooks (id, url, events, secret, updated_at) VALUES ('wh_changes', 'https://hooks.example.com/x', ARRAY['approval.decided'], 'whsec_test', now())`);
});
afterAll(() => dp.close());

/** A deep markdown held for one approver, who may change the price (and units), with a price floor of 20. */
async function setup(opts: { stages?: boolean } = {}) {
  const cohort = unique("changes");
  const t = await team(2);
  await approvalPolicy(
    cohort,
    opts.stages === false ? { quorum: 1, timeoutSeconds: 600, editable: ["input.price", "input.units"] } : { stages: [{ team: t.name, quorum: 1, timeoutSeconds: 600, onTimeout: "reject" }], editable: ["input.price", "input.units"] },
  );
  const policy = (p: Record<string, unknown>) => createPolicy({ spec: policySpecSchema.parse({ name: unique("p"), target: { cohorts: [cohort] }, ...p }), actor: "system", userId: null });
  await policy({ effect: "deny", condition: "input.price < 20.0", message: "Price floor 20" });
  await policy({ effect: "require_approval", condition: "has(input.units) && input.units > 500.0", message: "Big batch", approval: { quorum: 1, timeoutSeconds: 600 }, priority: 90 });
  await policy({ stage: "post", effect: "flag", condition: "has(result.output.appliedPrice) && result.output.appliedPrice != input.price", message: "applied price differs" });
  const a = await newAgent({ cohort });
  return { cohort, t, approver: t.people[0]!, ...a, api: client(dp.base, a.apiKey) };
}

describe("approve with changes", () => {
  it("approves a lower price: the agent gets decision allow with approvedInput, bound to its hash, audited before/after and sent", async () => {
    const s = await setup();
    const asked = await s.api.ask({ ...markdown(50, 100), input: { sku: "LUX-1", currentPrice: 100, price: 50, units: 10, currency: "EUR" } });
    const id = asked.json.id as string;
    const res = await vote(s.approver, id, { decision: "approve", comment: "45 clears it", input: { sku: "LUX-1", currentPrice: 100, price: 45, units: 10, currency: "EUR" } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "approved", approvedInput: { price: 45 } });
    const answer = (await s.api.get(id)).json;
    expect(answer).toMatchObject({ decision: "allow", status: "approved", approvedInput: { sku: "LUX-1", currentPrice: 100, price: 45, units: 10, currency: "EUR" }, approvedChanges: [{ path: "input.price", from: 50, to: 45 }] });
    const stored = await row(id);
    expect(stored.approved_input_hash).toBe(inputHash(answer.approvedInput));
    const [granted] = await auditOf(id, "approval.granted");
    expect(granted!.data.modifiedInput).toEqual({ changes: [{ path: "input.price", from: 50, to: 45 }], before: { "input.price": 50 }, after: { "input.price": 45 }, approvedInputHash: stored.approved_input_hash });
    const [hook] = (await pool().query(`SELECT payload FROM webhook_deliveries WHERE payload->'data'->>'actionId' = $1`, [id])).rows.map((r) => r.payload.data);
    expect(hook).toMatchObject({ status: "approved", modifiedInput: { changes: [{ path: "input.price", from: 50, to: 45 }], approvedInputHash: stored.approved_input_hash } });
    // The original request is kept as asked.
    expect((await pool().query(`SELECT input FROM actions WHERE id = $1`, [id])).rows[0].input.price).toBe(50);
  });

  it("checks the result against the approved input: the same input passes, another or none is flagged", async () => {
    const s = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = (await s.api.ask(markdown(50, 100))).json.id as string;
      await vote(s.t.people[i % 2]!, id, { decision: "approve", input: { ...markdown(50, 100).input, price: 45 } });
      ids.push(id);
    }
    const [right, wrong, unsaid] = ids as [string, string, string];
    const ok = await s.api.result(right, { status: "succeeded", output: { appliedPrice: 45 }, input: { ...markdown().input, price: 45 } });
    expect(ok.json.flags).toEqual([]);
    const bad = await s.api.result(wrong, { status: "succeeded", output: { appliedPrice: 50 }, input: markdown(50, 100).input });
    expect(bad.json.flags.map((f: { code?: string; message: string }) => f.code ?? f.message)).toEqual(["applied price differs", "approved_input_mismatch"]);
    const none = await s.api.result(unsaid, { status: "succeeded", output: { appliedPrice: 45 } });
    expect(none.json.flags).toEqual([expect.objectContaining({ code: "approved_input_unconfirmed" })]);
    expect((await auditOf(wrong, "action.flagged"))[0]!.data.flags).toEqual(expect.arrayContaining([expect.objectContaining({ code: "approved_input_mismatch" })]));
  });

  it("hands the approved input to the SDK's guarded function, which acts on it and reports it", async () => {
    const s = await setup({ stages: false });
    const warden = new Warden({ url: dp.base, apiKey: s.apiKey, waitSeconds: 5, maxWaitMs: 20_000 });
    let pendingId = "";
    const applied: number[] = [];
    const guarded = warden.guard(
      { action: "pricing.set_price", resource: "sku:LUX-9", input: { sku: "LUX-9", currentPrice: 200, price: 90, currency: "EUR", note: "reach me at buyer@maison.example" } },
      async (input) => {
        applied.push(input.price as number);
        return { appliedPrice: input.price };
      },
      { wait: 0, onPending: (a) => (pendingId = a.id) },
    );
    await expect.poll(() => pendingId).not.toBe("");
    const shown = (await pool().query(`SELECT input FROM actions WHERE id = $1`, [pendingId])).rows[0].input;
    expect(shown.note).toMatch(/\[redacted:email:/); // what approvers see (and edit) is stored redacted
    await vote(s.approver, pendingId, { decision: "approve", input: { ...shown, price: 80 } });
    const out = await guarded;
    expect(applied).toEqual([80]);
    expect(out.input).toMatchObject({ price: 80, note: "reach me at buyer@maison.example" }); // the agent's own raw values, with the change
    expect(out.flags).toEqual([]);
    expect((await pool().query(`SELECT result_status FROM actions WHERE id = $1`, [pendingId])).rows[0].result_status).toBe("SUCCEEDED");
  });

  it.each([
    ["a field that is not editable", (i: Record<string, unknown>) => ({ ...i, currentPrice: 60 }), 400, "input_not_editable"],
    ["a new field", (i: Record<string, unknown>) => ({ ...i, discount: 5 }), 400, "input_not_editable"],
    ["a number turned into text", (i: Record<string, unknown>) => ({ ...i, price: "45" }), 400, "input_not_editable"],
    ["a price a deny policy refuses", (i: Record<string, unknown>) => ({ ...i, price: 10 }), 400, "modified_input_denied"],
    ["units another policy would hold", (i: Record<string, unknown>) => ({ ...i, units: 900 }), 409, "modified_input_needs_other_approval"],
  ] as const)("refuses %s and changes nothing", async (_l, change, status, code) => {
    const s = await setup();
    const input = { sku: "LUX-1", currentPrice: 100, price: 50, units: 10, currency: "EUR" };
    const id = (await s.api.ask({ ...markdown(), input })).json.id as string;
    const res = await vote(s.approver, id, { decision: "approve", input: change(input) });
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(await row(id)).toMatchObject({ status: "PENDING", approved_input: null });
    expect(await pool().query(`SELECT 1 FROM approvals WHERE action_id = $1`, [id]).then((r) => r.rowCount)).toBe(0);
  });

  it("refuses changes with a rejection, and changes after someone in the stage approved as it stood", async () => {
    const s = await setup();
    const id = (await s.api.ask(markdown())).json.id as string;
    expect((await vote(s.approver, id, { decision: "reject", input: { ...markdown().input, price: 45 } })).status).toBe(400);
    const cohort = unique("q2");
    const t = await team(2);
    await approvalPolicy(cohort, { stages: [{ team: t.name, quorum: 2, timeoutSeconds: 600, onTimeout: "reject" }], editable: ["input.price"] });
    const a = await newAgent({ cohort });
    const id2 = (await client(dp.base, a.apiKey).ask(markdown())).json.id as string;
    await vote(t.people[0]!, id2, { decision: "approve" });
    const late = await vote(t.people[1]!, id2, { decision: "approve", input: { ...markdown().input, price: 45 } });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe("changes_after_votes");
  });
});

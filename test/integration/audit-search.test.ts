import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as auditRoute } from "../../app/api/audit/route.ts";
import { GET as exportRoute } from "../../app/api/audit/export/route.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { ACTION_LOOKUP_SQL, actionLookupParams, resolveAuditSearch } from "../../lib/audit/search.ts";
import { pool } from "../../lib/db/index.ts";
import { getAction } from "../../lib/decisions/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { switchToFreshDatabase } from "../support/db.ts";
import { call, userWithToken } from "../support/fixtures.ts";

// Issue 17 item 8: "what happened to order MSN-3118939?" — the explorer's `q` finds the events of
// actions by their resource and idempotency key, as stored (redacted), never by a redacted value.
type Event = { seq: number; kind: string; subject: string };

describe("audit explorer free-text search", () => {
  let dp: Awaited<ReturnType<typeof startDataPlane>>;
  let viewer: Awaited<ReturnType<typeof userWithToken>>;
  let agentId: string;
  const ids: Record<string, string> = {};
  const search = async (q: string, extra = "") => {
    const res = await call(auditRoute, { token: viewer.token, path: `/api/audit?q=${encodeURIComponent(q)}${extra}` });
    expect(res.status).toBe(200);
    return res.json as { events: Event[]; nextCursor: string | null };
  };

  beforeAll(async () => {
    await switchToFreshDatabase();
    dp = await startDataPlane();
    viewer = await userWithToken("viewer");
    const { agent, apiKey } = await newAgent({ cohort: "customer-service" });
    agentId = agent.id;
    const c = client(dp.base, apiKey);
    const ask = async (name: string, body: Record<string, unknown>) => {
      const r = await c.ask({ action: "orders.refund", input: { amount: 20 }, ...body });
      expect(r.status).toBe(200);
      ids[name] = r.json.id as string;
    };
    await ask("order", { resource: "order:MSN-3118939" });
    await ask("other", { resource: "order:MSN-1111111", idempotencyKey: "nightly-batch-77" });
    await ask("pii", { resource: "customer:jane.doe@example.com", idempotencyKey: "callback +33 6 12 34 56 78" });
    expect((await c.result(ids.order!, { status: "succeeded", output: { refundId: "RF-1" } })).status).toBe(200);
  });
  afterAll(async () => {
    await dp.close();
  });

  it("finds every event of the action whose resource holds the text, and nothing else", async () => {
    const { events } = await search("MSN-3118939");
    expect(events.map((e) => e.subject)).toEqual([`action:${ids.order}`, `action:${ids.order}`]);
    expect(events.map((e) => e.kind)).toEqual(["action.result_reported", "action.decided"]);
    // Case-insensitive, part of the resource, combined with the other filters.
    expect((await search("msn-31189")).events).toHaveLength(2);
    expect((await search("MSN-3118939", "&kind=action.decided")).events.map((e) => e.kind)).toEqual(["action.decided"]);
    expect((await search("MSN-3118939", "&agent=nobody")).events).toEqual([]);
    expect((await search("MSN-9999999")).events).toEqual([]);
  });

  it("finds actions by the start of their idempotency key or id, and other subjects by any part", async () => {
    expect((await search("nightly-batch")).events.map((e) => e.subject)).toEqual([`action:${ids.other}`]);
    expect((await search("nightly-batch-77")).events.map((e) => e.subject)).toEqual([`action:${ids.other}`]);
    // Keys are matched by their start (a btree range, not trigrams of every key on the decision path).
    expect((await search("batch-77")).events).toEqual([]);
    const bySubject = await search(agentId);
    expect(bySubject.events.map((e) => e.kind)).toContain("agent.registered");
    // Not an action's subject: any part of it, any case.
    expect((await search(agentId.slice(4).toUpperCase())).events.map((e) => e.kind)).toContain("agent.registered");
    // An action: its id, the start of it, or its subject.
    for (const q of [ids.order!, ids.order!.slice(0, -3), `action:${ids.order}`]) expect((await search(q)).events.map((e) => e.subject), q).toEqual([`action:${ids.order}`, `action:${ids.order}`]);
  });

  it("never finds an action by a value that was redacted from what it stored", async () => {
    const stored = await getAction(ids.pii!);
    expect(stored.resource).toMatch(/^customer:\[redacted:email:[0-9a-f]{16}\]$/);
    expect(stored.idempotencyKey).toMatch(/^callback \[redacted:phone:[0-9a-f]{16}\]$/);
    for (const q of ["jane.doe@example.com", "jane.doe", "example.com", "+33 6 12 34 56 78", "6 12 34", "+33612345678"]) {
      expect((await search(q)).events, q).toEqual([]);
    }
    // What is stored in clear around the marker is found, as any reader of the log sees it.
    expect((await search("callback")).events.map((e) => e.subject)).toEqual([`action:${ids.pii}`]);
  });

  it("gives the same events whichever plan it takes (few matching actions, or many), page after page", async () => {
    const few = await listAuditEvents({ q: "MSN-", limit: 50 });
    const many = await listAuditEvents({ q: "MSN-", limit: 50 }, { actionCap: 1 });
    expect(few.events.map((e) => e.seq)).toHaveLength(3);
    expect(many.events.map((e) => e.seq)).toEqual(few.events.map((e) => e.seq));
    // Keyset pages of 1 walk the same three events in the same order.
    const paged: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents({ q: "MSN-", limit: 1, cursor }, { actionCap: 1 });
      paged.push(...page.events.map((e) => e.seq));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(few.events.map((e) => e.seq));
    // The export answers the same search.
    const exported = await call(exportRoute, { token: viewer.token, path: "/api/audit/export?q=MSN-3118939&format=jsonl" });
    expect(exported.text.trim().split("\n").map((l) => (JSON.parse(l) as Event).subject)).toEqual([`action:${ids.order}`, `action:${ids.order}`]);
  });

  it("refuses a search longer than 200 characters with a 400, and uses the search indexes", async () => {
    const res = await call(auditRoute, { token: viewer.token, path: `/api/audit?q=${"x".repeat(201)}` });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("validation_failed");
    // A handful of rows: the planner would rather read the table; bench:queries shows the plan at volume.
    const c = await pool().connect();
    try {
      await c.query("SET enable_seqscan = off");
      const plan = async (sql: string, params: unknown[]) => (await c.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, params)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      const lookup = await plan(ACTION_LOOKUP_SQL, actionLookupParams(await resolveAuditSearch("MSN-3118939")));
      expect(lookup).toContain("actions_resource_trgm_idx");
      expect(lookup).toContain("actions_idempotency_key_idx");
      // The subjects' trigram index (partial: no action's subject) answers the search's own spelling of its predicate.
      const others = await plan(`SELECT seq FROM audit_events WHERE subject NOT LIKE 'action:%' AND subject ILIKE $1`, ["%gent%"]);
      expect(others).toMatch(/Index Cond: \(subject ~~\* '%gent%'::text\)/);
    } finally {
      await c.query("RESET enable_seqscan");
      c.release();
    }
  });
});

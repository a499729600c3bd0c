import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as setsRoute from "../../app/api/knowledge/route.ts";
import * as setRoute from "../../app/api/knowledge/[set]/route.ts";
import * as draftsRoute from "../../app/api/knowledge/[set]/drafts/route.ts";
import * as draftRoute from "../../app/api/knowledge/[set]/drafts/[id]/route.ts";
import * as approveRoute from "../../app/api/knowledge/[set]/drafts/[id]/approve/route.ts";
import * as rejectRoute from "../../app/api/knowledge/[set]/drafts/[id]/reject/route.ts";
import * as diffRoute from "../../app/api/knowledge/[set]/diff/route.ts";
import * as versionsRoute from "../../app/api/knowledge/[set]/versions/route.ts";
import * as readsRoute from "../../app/api/knowledge/[set]/reads/route.ts";
import * as historyRoute from "../../app/api/knowledge/[set]/records/[key]/route.ts";
import { pool } from "../../lib/db/index.ts";
import { flushKnowledgeReads } from "../../lib/knowledge/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { createSet, FLOOR_SCHEMA, knowledgeTeam, publish, type Team } from "../support/knowledge.ts";

let team: Team;
let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  team = await knowledgeTeam();
  dp = await startDataPlane();
});
afterAll(() => dp.close());

const propose = (token: string, set: string, body: unknown, query = "", headers?: Record<string, string>) =>
  call(draftsRoute.POST, { token, path: `/api/knowledge/${set}/drafts${query}`, params: { set }, ...(typeof body === "string" ? { rawBody: body, headers: { "content-type": "text/csv", ...headers } } : { body }) });
const versionOf = async (set: string) => (await pool().query<{ version: number }>(`SELECT version FROM knowledge_sets WHERE name = $1`, [set])).rows[0]!.version;
const recordRows = async (set: string) => Number((await pool().query(`SELECT count(*) FROM knowledge_records r JOIN knowledge_sets s ON s.id = r.set_id WHERE s.name = $1`, [set])).rows[0].count);

describe("knowledge sets: creating", () => {
  it("lets admins create a set, refuses editors, bad names and schemas that aren't JSON Schema", async () => {
    const name = unique("floors");
    const created = await call(setsRoute.POST, { token: team.admin.token, body: { name, description: "Floors", schema: FLOOR_SCHEMA, readers: { cohorts: ["pricing"] }, maxAgeDays: 90 } });
    expect(created.status).toBe(201);
    expect(created.json.set).toMatchObject({ name, version: 0, owner: team.admin.user.email, readers: { cohorts: ["pricing"] }, maxAgeDays: 90 });
    expect((await call(setsRoute.POST, { token: team.admin.token, body: { name, schema: FLOOR_SCHEMA } })).json.error.code).toBe("knowledge_set_exists");
    expect((await call(setsRoute.POST, { token: team.editor.token, body: { name: unique("x"), schema: FLOOR_SCHEMA } })).status).toBe(403);
    const badSchema = await call(setsRoute.POST, { token: team.admin.token, body: { name: unique("x"), schema: { type: "object", properties: { floor: { type: "nmber" } } } } });
    expect(badSchema.status).toBe(400);
    expect(badSchema.json.error.code).toBe("invalid_schema");
    const badName = await call(setsRoute.POST, { token: team.admin.token, body: { name: "Price Floors!", schema: FLOOR_SCHEMA } });
    expect(badName.status).toBe(400);
    expect((await call(setsRoute.GET, { token: team.editor.token })).json.sets.some((s: { name: string }) => s.name === name)).toBe(true);
  });
});

describe("knowledge drafts: propose → approve → publish", () => {
  it("publishes an approved draft as a new version with each record's provenance, audited with its diff summary", async () => {
    const set = await createSet(team);
    const hook = `wh_${unique("k").replace(/-/g, "")}`;
    await pool().query(`INSERT INTO webhooks (id, url, events, secret, created_at, updated_at) VALUES ($1, 'https://hooks.example.com/x', ARRAY['knowledge.proposed','knowledge.published'], 's', now(), now())`, [hook]);
    const proposed = await propose(team.editor.token, set, {
      upsert: [
        { key: "LUX-001", value: { floor: 120, currency: "EUR" }, source: "https://erp.example/floors/2026-11", effectiveFrom: "2026-01-01T00:00:00Z", expiresAt: "2099-01-01T00:00:00Z" },
        { key: "LUX-002", value: { floor: 80 }, source: "ERP export" },
      ],
      note: "autumn floors",
    });
    expect(proposed.status).toBe(201);
    expect(proposed.json.draft).toMatchObject({ status: "open", baseVersion: 0, author: team.editor.user.email, summary: { added: 2, changed: 0, removed: 0 } });
    const id = proposed.json.draft.id;
    expect(await versionOf(set)).toBe(0); // a draft publishes nothing

    const shown = await call(draftRoute.GET, { token: team.approver.token, params: { set, id } });
    expect(shown.json.draft.diff.map((d: { key: string; change: string }) => [d.key, d.change])).toEqual([["LUX-001", "added"], ["LUX-002", "added"]]);

    const approved = await call(approveRoute.POST, { token: team.approver.token, params: { set, id }, body: { comment: "checked against the ERP" } });
    expect(approved.status).toBe(200);
    expect(approved.json.published).toMatchObject({ set, version: 1, previousVersion: 0, records: 2, proposedBy: team.editor.user.email, publishedBy: team.approver.user.email, summary: { added: 2 } });

    const read = await call(setRoute.GET, { token: team.editor.token, params: { set }, path: `/api/knowledge/${set}?version=1` });
    expect(read.json).toMatchObject({ name: set, version: 1, publishedBy: team.approver.user.email, recordCount: 2 });
    expect(read.json.records[0]).toMatchObject({
      key: "LUX-001",
      value: { floor: 120, currency: "EUR" },
      source: "https://erp.example/floors/2026-11",
      proposedBy: team.editor.user.email,
      approvedBy: team.approver.user.email,
      effectiveFrom: "2026-01-01T00:00:00.000Z",
      expiresAt: "2099-01-01T00:00:00.000Z",
      since: 1,
      stale: false,
    });
    expect(Date.parse(read.json.records[0].updatedAt)).toBeGreaterThan(Date.now() - 60_000);

    const { rows: events } = await pool().query(`SELECT kind, actor, data FROM audit_events WHERE subject = $1 ORDER BY seq`, [`knowledge:${set}`]);
    expect(events.map((e) => e.kind)).toEqual(["knowledge.set_created", "knowledge.proposed", "knowledge.published"]);
    expect(events[2]).toMatchObject({ actor: `user:${team.approver.user.id}`, data: { version: 1, summary: { added: 2, changed: 0, removed: 0 }, proposedBy: team.editor.user.email } });
    const { rows: deliveries } = await pool().query(`SELECT event, payload FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at`, [hook]);
    expect(deliveries.map((d) => d.event)).toEqual(["knowledge.proposed", "knowledge.published"]);
    expect(deliveries[1].payload.data).toMatchObject({ set, version: 1, approvedBy: team.approver.user.email });
    await pool().query(`DELETE FROM webhooks WHERE id = $1`, [hook]);
  });

  it("keeps every version and shows what changed between any two, and each record's history", async () => {
    const set = await createSet(team);
    await publish(team, set, { upsert: [{ key: "A", value: { floor: 10 }, source: "s1" }, { key: "B", value: { floor: 20 }, source: "s1" }, { key: "C", value: { floor: 30 }, source: "s1" }] });
    await publish(team, set, { upsert: [{ key: "A", value: { floor: 11 }, source: "s2" }, { key: "D", value: { floor: 40 }, source: "s2" }], delete: ["B"] });
    const rows = await recordRows(set);
    expect(rows).toBe(5); // A twice, B, C, D — C is stored once for both versions
    const diff = await call(diffRoute.GET, { token: team.editor.token, params: { set }, path: `/api/knowledge/${set}/diff?from=1&to=2` });
    expect(diff.json.changes.map((c: { key: string; change: string }) => `${c.key}:${c.change}`)).toEqual(["A:changed", "B:removed", "D:added"]);
    expect(diff.json.changes[0]).toMatchObject({ before: { value: { floor: 10 } }, after: { value: { floor: 11 }, source: "s2" } });
    const v1 = await call(setRoute.GET, { token: team.editor.token, params: { set }, path: `/api/knowledge/${set}?version=1` });
    expect(v1.json.records.map((r: { key: string }) => r.key)).toEqual(["A", "B", "C"]);
    const v2 = await call(setRoute.GET, { token: team.editor.token, params: { set }, path: `/api/knowledge/${set}` });
    expect(v2.json.records.map((r: { key: string; value: { floor: number } }) => `${r.key}=${r.value.floor}`)).toEqual(["A=11", "C=30", "D=40"]);
    const versions = await call(versionsRoute.GET, { token: team.editor.token, params: { set } });
    expect(versions.json.versions.map((v: { version: number; records: number }) => [v.version, v.records])).toEqual([[2, 3], [1, 3]]);
    const history = await call(historyRoute.GET, { token: team.editor.token, params: { set, key: "A" } });
    expect(history.json.history.map((h: { since: number; until: number | null; source: string }) => [h.since, h.until, h.source])).toEqual([[2, null, "s2"], [1, 2, "s1"]]);
    expect((await call(setRoute.GET, { token: team.editor.token, params: { set }, path: `/api/knowledge/${set}?version=9` })).status).toBe(404);
  });

  it("pages a version's records by key", async () => {
    const set = await createSet(team);
    await publish(team, set, { upsert: Array.from({ length: 7 }, (_, i) => ({ key: `K${i}`, value: { floor: i }, source: "s" })) });
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await call(setRoute.GET, { token: team.editor.token, params: { set }, path: `/api/knowledge/${set}${q}` });
      keys.push(...page.json.records.map((r: { key: string }) => r.key));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(keys).toEqual(["K0", "K1", "K2", "K3", "K4", "K5", "K6"]);
  });
});

describe("knowledge drafts: the two-person rule and bad input", () => {
  it("refuses the author's own approval, and approval by an editor; an approver's draft needs another approver", async () => {
    const set = await createSet(team);
    const p = await propose(team.editor.token, set, { upsert: [{ key: "X", value: { floor: 1 }, source: "s" }] });
    const id = p.json.draft.id;
    expect((await call(approveRoute.POST, { token: team.editor.token, params: { set, id }, body: {} })).status).toBe(403); // editors don't approve
    const own = await propose(team.approver.token, set, { upsert: [{ key: "Y", value: { floor: 1 }, source: "s" }] });
    const self = await call(approveRoute.POST, { token: team.approver.token, params: { set, id: own.json.draft.id }, body: {} });
    expect(self.status).toBe(403);
    expect(self.json.error.code).toBe("author_cannot_approve");
    expect(await versionOf(set)).toBe(0);
    expect(await recordRows(set)).toBe(0);
    // The admin (someone else) may.
    expect((await call(approveRoute.POST, { token: team.admin.token, params: { set, id: own.json.draft.id }, body: {} })).status).toBe(200);
    // A decided draft can't be decided again; the author may withdraw an open one.
    expect((await call(approveRoute.POST, { token: team.approver.token, params: { set, id: own.json.draft.id }, body: {} })).json.error.code).toBe("draft_decided");
    const withdrawn = await call(rejectRoute.POST, { token: team.editor.token, params: { set, id }, body: { comment: "wrong file" } });
    expect(withdrawn.json.draft.status).toBe("rejected");
    expect((await call(approveRoute.POST, { token: team.approver.token, params: { set, id }, body: {} })).status).toBe(409);
  });

  it("refuses records that break the schema, CSVs with wrong columns, bad keys and viewers — storing no draft", async () => {
    const set = await createSet(team);
    const drafts = async () => Number((await pool().query(`SELECT count(*) FROM knowledge_drafts d JOIN knowledge_sets s ON s.id = d.set_id WHERE s.name = $1`, [set])).rows[0].count);
    const bad = await propose(team.editor.token, set, { upsert: [{ key: "A", value: { floor: -5 }, source: "s" }, { key: "B", value: { floor: 1, colour: "red" }, source: "s" }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("schema_violation");
    expect(bad.json.error.details).toEqual([
      { key: "A", path: "/floor", message: "must be >= 0" },
      { key: "B", path: "(value)", message: "must NOT have additional properties (colour)" },
    ]);
    const noSource = await propose(team.editor.token, set, { upsert: [{ key: "A", value: { floor: 1 } }] });
    expect(noSource.status).toBe(400);
    const wrongColumns = await propose(team.editor.token, set, "key,floor,colour,source\nA,1,red,erp\n");
    expect(wrongColumns.status).toBe(400);
    expect(wrongColumns.json.error).toMatchObject({ code: "invalid_csv" });
    expect(wrongColumns.json.error.message).toMatch(/colour/);
    const noKey = await propose(team.editor.token, set, "sku,floor\nA,1\n", "?source=erp");
    expect(noKey.json.error.code).toBe("invalid_csv");
    const notNumber = await propose(team.editor.token, set, "key,floor\nA,cheap\n", "?source=erp");
    expect(notNumber.json.error).toMatchObject({ code: "invalid_csv", details: [{ row: 2, column: "floor" }] });
    const ragged = await propose(team.editor.token, set, "key,floor\nA,1,2\n", "?source=erp");
    expect(ragged.json.error.code).toBe("invalid_csv");
    const controlKey = await propose(team.editor.token, set, { upsert: [{ key: "A\u0007B", value: { floor: 1 }, source: "s" }] });
    expect(controlKey.status).toBe(400);
    const unknownDelete = await propose(team.editor.token, set, { delete: ["NOPE"] });
    expect(unknownDelete.json.error.code).toBe("unknown_key");
    const viewer = await propose((await userWithToken("viewer")).token, set, { upsert: [{ key: "A", value: { floor: 1 }, source: "s" }] });
    expect(viewer.status).toBe(403);
    const operator = await propose((await userWithToken("operator")).token, set, { upsert: [{ key: "A", value: { floor: 1 }, source: "s" }] });
    expect(operator.status).toBe(403);
    const xml = await call(draftsRoute.POST, { token: team.editor.token, params: { set }, path: `/api/knowledge/${set}/drafts`, rawBody: "<a/>", headers: { "content-type": "application/xml" } });
    expect(xml.status).toBe(415);
    expect(await drafts()).toBe(0);
    expect(await versionOf(set)).toBe(0);
  });

  it("imports a CSV as a draft with a diff preview (nothing stored), merge or replace", async () => {
    const set = await createSet(team);
    await publish(team, set, { upsert: ["A", "B", "C"].map((key, i) => ({ key, value: { floor: i + 1, currency: "EUR" }, source: "s1" })) });
    const csv = "key,floor,currency\nA,1,EUR\nB,25.5,USD\nD,7,EUR\n";
    const preview = await propose(team.editor.token, set, csv, "?source=ERP%20export&dryRun=true");
    expect(preview.status).toBe(200);
    expect(preview.json.draft).toMatchObject({ id: null, status: "preview", origin: "csv", summary: { added: 1, changed: 1, removed: 0, unchanged: 1 } });
    expect(preview.json.draft.diff.find((d: { key: string }) => d.key === "B")).toMatchObject({ change: "changed", before: { value: { floor: 2, currency: "EUR" } }, after: { value: { floor: 25.5, currency: "USD" }, source: "ERP export" } });
    expect(Number((await pool().query(`SELECT count(*) FROM knowledge_drafts d JOIN knowledge_sets s ON s.id = d.set_id WHERE s.name = $1`, [set])).rows[0].count)).toBe(1); // only the first, published one
    const replace = await propose(team.editor.token, set, csv, "?source=ERP%20export&mode=replace&dryRun=true");
    expect(replace.json.draft.summary).toMatchObject({ added: 1, changed: 1, removed: 1, unchanged: 1 });
    const stored = await propose(team.editor.token, set, csv, "?source=ERP%20export&mode=replace");
    expect(stored.status).toBe(201);
    const removed = await call(draftRoute.GET, { token: team.approver.token, params: { set, id: stored.json.draft.id }, path: `/x?change=removed` });
    expect(removed.json.draft.diff.map((d: { key: string }) => d.key)).toEqual(["C"]);
    await call(approveRoute.POST, { token: team.approver.token, params: { set, id: stored.json.draft.id }, body: {} });
    const now = await call(setRoute.GET, { token: team.editor.token, params: { set }, path: `/api/knowledge/${set}` });
    expect(now.json.records.map((r: { key: string; source: string }) => `${r.key}@${r.source}`)).toEqual(["A@s1", "B@ERP export", "D@ERP export"]);
    // A file that changes nothing is refused as a draft.
    const same = await propose(team.editor.token, set, csv, "?source=ERP%20export");
    expect(same.json.error.code).toBe("empty_draft");
  });

  it("refuses to publish a draft whose records another version changed meanwhile", async () => {
    const set = await createSet(team);
    await publish(team, set, { upsert: [{ key: "A", value: { floor: 1 }, source: "s" }] });
    const first = await propose(team.editor.token, set, { upsert: [{ key: "A", value: { floor: 2 }, source: "s" }] });
    const second = await propose(team.editor.token, set, { upsert: [{ key: "A", value: { floor: 3 }, source: "s" }] });
    const other = await propose(team.editor.token, set, { upsert: [{ key: "Z", value: { floor: 9 }, source: "s" }] });
    expect((await call(approveRoute.POST, { token: team.approver.token, params: { set, id: first.json.draft.id }, body: {} })).status).toBe(200);
    const clash = await call(approveRoute.POST, { token: team.approver.token, params: { set, id: second.json.draft.id }, body: {} });
    expect(clash.status).toBe(409);
    expect(clash.json.error).toMatchObject({ code: "draft_conflict", details: ["A"] });
    expect((await call(approveRoute.POST, { token: team.approver.token, params: { set, id: other.json.draft.id }, body: {} })).json.published.version).toBe(3); // untouched keys still publish
  });

  it("publishes nothing when the publish fails half-way", async () => {
    const set = await createSet(team);
    await publish(team, set, { upsert: [{ key: "A", value: { floor: 1 }, source: "s" }] });
    const p = await propose(team.editor.token, set, { upsert: [{ key: "A", value: { floor: 2 }, source: "s" }, { key: "B", value: { floor: 3 }, source: "s" }] });
    // The last write of the publish (the version row) fails after the records were written.
    await pool().query(`CREATE FUNCTION test_fail_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await pool().query(`CREATE TRIGGER test_fail_version BEFORE INSERT ON knowledge_versions FOR EACH ROW EXECUTE FUNCTION test_fail_version()`);
    try {
      const res = await call(approveRoute.POST, { token: team.approver.token, params: { set, id: p.json.draft.id }, body: {} });
      expect(res.status).toBe(500);
    } finally {
      await pool().query(`DROP TRIGGER test_fail_version ON knowledge_versions; DROP FUNCTION test_fail_version()`);
    }
    expect(await versionOf(set)).toBe(1);
    expect(await recordRows(set)).toBe(1);
    const cur = await call(setRoute.GET, { token: team.editor.token, params: { set }, path: `/api/knowledge/${set}` });
    expect(cur.json.records).toMatchObject([{ key: "A", value: { floor: 1 }, since: 1 }]);
    expect((await call(draftRoute.GET, { token: team.approver.token, params: { set, id: p.json.draft.id } })).json.draft.status).toBe("open");
    // …and it can still be published afterwards.
    expect((await call(approveRoute.POST, { token: team.approver.token, params: { set, id: p.json.draft.id }, body: {} })).json.published.version).toBe(2);
  });

  it("keeps published versions immutable in the database", async () => {
    const set = await createSet(team);
    await publish(team, set, { upsert: [{ key: "A", value: { floor: 1 }, source: "s" }] });
    await expect(pool().query(`UPDATE knowledge_records SET value = '{"floor": 0}' WHERE key = 'A' AND set_id = (SELECT id FROM knowledge_sets WHERE name = $1)`, [set])).rejects.toThrow(/immutable/);
    await expect(pool().query(`DELETE FROM knowledge_versions WHERE set_id = (SELECT id FROM knowledge_sets WHERE name = $1)`, [set])).rejects.toThrow(/append-only/);
  });
});

describe("agents read the approved version", () => {
  it("serves a granted cohort the current version with ETag (304 when unchanged), refuses others, counts reads per agent and version", async () => {
    const cohort = unique("pricing");
    const set = await createSet(team, { readers: { cohorts: [cohort] } });
    await publish(team, set, { upsert: [{ key: "LUX 001/β", value: { floor: 100 }, source: "erp" }, { key: "B", value: { floor: 5 }, source: "erp" }] });
    const reader = await newAgent({ cohort });
    const outsider = await newAgent();
    const api = client(dp.base, reader.apiKey);
    const path = `/v1/knowledge/${set}/${encodeURIComponent("LUX 001/β")}`;
    const ok = await fetch(`${dp.base}${path}`, { headers: { authorization: `Bearer ${reader.apiKey}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ set, version: 1, key: "LUX 001/β", value: { floor: 100 }, source: "erp", stale: false });
    const etag = ok.headers.get("etag")!;
    expect(ok.headers.get("x-warden-knowledge-version")).toBe("1");
    const again = await fetch(`${dp.base}${path}`, { headers: { authorization: `Bearer ${reader.apiKey}`, "if-none-match": etag } });
    expect(again.status).toBe(304);

    expect((await client(dp.base, outsider.apiKey).raw("GET", path)).status).toBe(403);
    expect((await client(dp.base, outsider.apiKey).raw("GET", path)).json.error.code).toBe("knowledge_not_granted");
    expect((await api.raw("GET", `/v1/knowledge/${set}/NOPE`)).status).toBe(404);
    expect((await api.raw("GET", `/v1/knowledge/${unique("nope")}/A`)).status).toBe(404);
    const control = await api.raw("GET", `/v1/knowledge/${set}/A%07B`);
    expect(control.status).toBe(400);
    expect(control.json.error.code).toBe("invalid_key");
    expect((await api.raw("GET", `/v1/knowledge/${set}/%E0%A4%A`)).status).toBe(400);

    // since: what changed, and the current version; never a version from the future.
    await publish(team, set, { upsert: [{ key: "B", value: { floor: 6 }, source: "erp" }, { key: "C", value: { floor: 7 }, source: "erp" }] });
    const since = await api.raw("GET", `/v1/knowledge/${set}?since=1`);
    expect(since.json).toMatchObject({ set, version: 2, since: 1, nextCursor: null });
    expect(since.json.changes.map((c: { key: string; op: string }) => `${c.key}:${c.op}`)).toEqual(["B:upsert", "C:upsert"]);
    const all = await api.raw("GET", `/v1/knowledge/${set}?since=0&limit=2`);
    expect(all.json.changes.map((c: { key: string }) => c.key)).toEqual(["B", "C"]);
    const rest = await api.raw("GET", `/v1/knowledge/${set}?since=0&limit=2&cursor=${encodeURIComponent(all.json.nextCursor)}`);
    expect(rest.json.changes.map((c: { key: string }) => c.key)).toEqual(["LUX 001/β"]);
    const future = await api.raw("GET", `/v1/knowledge/${set}?since=9`);
    expect(future.status).toBe(400);
    expect(future.json.error.code).toBe("since_in_future");
    expect((await api.raw("GET", `/v1/knowledge/${set}?since=-1`)).status).toBe(400);

    await flushKnowledgeReads();
    const reads = await call(readsRoute.GET, { token: team.editor.token, params: { set } });
    const mine = reads.json.reads.filter((r: { agentId: string }) => r.agentId === reader.agent.id);
    // v1: the read, the 304 and the miss (NOPE); v2: the three since-pages.
    expect(mine.map((r: { version: number; reads: number }) => [r.version, r.reads])).toEqual([[2, 3], [1, 3]]);
    expect(reads.json.reads.some((r: { agentId: string }) => r.agentId === outsider.agent.id)).toBe(false);
  });

  it("answers 404 for a granted set that has nothing published yet, and 403 first to anyone else", async () => {
    const cohort = unique("c");
    const set = await createSet(team, { readers: { cohorts: [cohort] } });
    const reader = await newAgent({ cohort });
    const outsider = await newAgent();
    expect((await client(dp.base, reader.apiKey).raw("GET", `/v1/knowledge/${set}/A`)).status).toBe(404);
    expect((await client(dp.base, outsider.apiKey).raw("GET", `/v1/knowledge/${set}/A`)).status).toBe(403);
  });
});

import type { AgentIdentity } from "../agents/index.ts";
import { pool } from "../db/index.ts";
import { badRequest, notFound, WardenError } from "../errors/index.ts";
import { knowledgeCache } from "./cache.ts";
import { unusableFrom } from "./freshness.ts";
import type { LoadedRecord, PublishedSet } from "./published-set.ts";
import { readTally } from "./read-tally.ts";
import { assertKey, setNameSchema } from "./schemas.ts";
import { changesBetween, presentRecord, recordsPage, type RecordView } from "./store.ts";

/**
 * Agents' reads (`GET /v1/knowledge/...`): the current published version from the
 * per-instance cache, only for sets that grant the agent's cohort, each read counted per
 * agent and version (read-tally.ts). Answers carry the version as ETag, so a client that
 * already holds it gets `304`.
 */

/** The record answer of the contract, with provenance. */
export type AgentRecordAnswer = { set: string; version: number } & RecordView;

/** An answer: its body (and, for records, the body already serialized), ETag and version. */
export type AgentRead<T> = { body: T; etag: string; version: number; json?: string };

// The hot read answers the same few records again and again: each record's answer is
// serialized once per version and reused until its freshness could change (it expires, goes
// stale, or comes into force).
type Rendered = { version: number; json: string; until: number };
const rendered = new WeakMap<LoadedRecord, Rendered>();

function renderedRecord(set: PublishedSet, r: LoadedRecord, now: number): string {
  const hit = rendered.get(r);
  if (hit && hit.version === set.version && now < hit.until) return hit.json;
  const body: AgentRecordAnswer = { set: set.name, version: set.version, ...presentRecord(r, set.meta.maxAgeDays, now) };
  const future = [r.effectiveFrom, unusableFrom(r, set.meta.maxAgeDays)].filter((t): t is number => t !== null && t > now);
  const json = JSON.stringify(body);
  rendered.set(r, { version: set.version, json, until: Math.min(Infinity, ...future) });
  return json;
}

async function grantedSet(agent: AgentIdentity, name: string): Promise<PublishedSet> {
  if (!setNameSchema.safeParse(name).success) throw notFound("Knowledge set");
  const set = await knowledgeCache().get(name);
  if (set) {
    if (!set.readers.has(agent.cohort)) throw new WardenError("knowledge_not_granted", `The set ${name} is not granted to the cohort ${agent.cohort}`);
    return set;
  }
  // Not cached: no such set, or nothing published yet. Say which only to a granted cohort.
  const { rows } = await pool().query<{ reader_cohorts: string[] }>(`SELECT reader_cohorts FROM knowledge_sets WHERE name = $1`, [name]);
  if (!rows[0]) throw notFound("Knowledge set");
  if (!rows[0].reader_cohorts.includes(agent.cohort)) throw new WardenError("knowledge_not_granted", `The set ${name} is not granted to the cohort ${agent.cohort}`);
  throw notFound(`A published version of ${name}`);
}

const etagOf = (set: PublishedSet, extra = "") => `"${set.meta.id}.${set.version}${extra}"`;

/** `GET /v1/knowledge/{set}/{key}`. Throws not_found, knowledge_not_granted (403), invalid_key (400). */
export async function readRecordForAgent({ agent, setName, key }: { agent: AgentIdentity; setName: string; key: string }): Promise<AgentRead<AgentRecordAnswer>> {
  assertKey(key);
  const set = await grantedSet(agent, setName);
  const r = set.records.get(key);
  readTally().count(set.meta.id, set.version, agent.agentId);
  if (!r) throw notFound(`Record ${JSON.stringify(key)} in ${setName} v${set.version}`);
  const json = renderedRecord(set, r, Date.now());
  return {
    get body() {
      return JSON.parse(json) as AgentRecordAnswer;
    },
    etag: etagOf(set),
    version: set.version,
    json,
  };
}

export type AgentChange = { key: string; op: "upsert" | "delete"; record?: RecordView };
export type AgentSinceAnswer = { set: string; version: number; since: number; changes: AgentChange[]; nextCursor: string | null };

/**
 * `GET /v1/knowledge/{set}?since=N`: the records changed since version N (upserts with the
 * record, deletes with the key), in key order, paged by `cursor`. All pages of one walk are
 * of the version the first page answered (the cursor pins it). `since=0` is every record.
 * Throws since_in_future (400), knowledge_not_granted (403), not_found, invalid_cursor.
 */
export async function readSinceForAgent(q: { agent: AgentIdentity; setName: string; since: number; cursor?: string; limit: number }): Promise<AgentRead<AgentSinceAnswer>> {
  const set = await grantedSet(q.agent, q.setName);
  let target = set.version;
  let after: string | undefined;
  if (q.cursor !== undefined) {
    const m = /^(\d{1,10}):([\s\S]*)$/.exec(q.cursor);
    if (!m || Number(m[1]) > set.version || Number(m[1]) <= q.since) throw badRequest("invalid_cursor", "cursor is the nextCursor of a previous page of the same walk");
    target = Number(m[1]);
    after = m[2];
  }
  if (q.since > set.version) throw badRequest("since_in_future", `since=${q.since} is after the current version of ${set.name} (${set.version})`);
  readTally().count(set.meta.id, target, q.agent.agentId);
  const now = Date.now();
  const answer = (changes: AgentChange[], more: boolean): AgentRead<AgentSinceAnswer> => {
    const last = changes[changes.length - 1];
    return { body: { set: set.name, version: target, since: q.since, changes, nextCursor: more && last ? `${target}:${last.key}` : null }, etag: etagOf(set, `.${q.since}.${q.cursor ?? ""}`), version: target };
  };
  if (q.since === target) return answer([], false);
  if (q.since === 0) {
    const page = await recordsPage({ setId: set.meta.id, version: target, cursor: after, limit: q.limit });
    return answer(page.rows.map((r) => ({ key: r.key, op: "upsert", record: presentRecord(r, set.meta.maxAgeDays, now) })), page.more);
  }
  const page = await changesBetween({ setId: set.meta.id, from: q.since, to: target, cursor: after, limit: q.limit });
  return answer(
    page.changes.map((c) => (c.after ? { key: c.key, op: "upsert", record: presentRecord(c.after, set.meta.maxAgeDays, now) } : { key: c.key, op: "delete" })),
    page.more,
  );
}


import { randomBytes } from "node:crypto";
import type pg from "pg";
import { AUDIT_CHAINS, chainEvents, holdAllChains, moveHeadsSql, type AuditRecord } from "../../lib/audit/index.ts";
import { clientRunner, pool } from "../../lib/db/index.ts";
import { knowledgeSnapshot } from "../../lib/knowledge/index.ts";
import { activePolicies, evaluatePolicies } from "../../lib/policies/index.ts";
import { copyIn, esc, json, opt } from "./copy.ts";
import { ensureAgents, loadAgents, SEED_COHORTS, type SeedAgent } from "./estate.ts";
import { buildAction, evalInput, type Built, type Context, type PendingEvent, type SeedRedactor } from "./history.ts";
import { Rng } from "./rng.ts";
import { activity, makeTraffic, picker, planBuckets, type Intent, type Picker } from "./traffic.ts";

export type RedactHook = (root: "input" | "context" | "output", value: unknown) => unknown;

export type VolumeOptions = {
  /** How many actions to write (each brings ~2 audit events). */
  events: number;
  /** The history ends now and reaches back this many days (default 30). */
  days?: number;
  /** At least this many agents exist afterwards (default 60); missing ones are registered. */
  agents?: number;
  /** PRNG seed: the same seed gives the same shape of history (ids and keys stay random). */
  seed?: number;
  log?: (msg: string) => void;
  /** Applied to every generated input, context and output before it is stored (default: none). */
  redact?: RedactHook;
  /**
   * Instead of `redact`: a fresh redactor per write, as the product uses (decide.ts: resource,
   * input, context; report-result.ts: output, error), whose redactions are listed in the audit
   * events like the product lists them. E.g. `() => redactorFor(rules, redactionKey())`.
   */
  redactor?: () => SeedRedactor;
  /** Actions per transaction (default 25,000). */
  chunkSize?: number;
};

export type VolumeResult = { actions: number; auditEvents: number; agents: number; from: Date; to: Date; ms: number };
const DAY = 86_400_000;
const DEFAULT_CHUNK = 25_000;
const FLUSH_CHARS = 256 * 1024;

const ACTION_COPY = `COPY actions (id, agent_id, cohort, action, resource, input, context, idempotency_key, request_hash, status, reasons, shadow, policy_versions, quorum, expires_at, decided_at, result_status, result_output, result_error, result_at, flags, created_at, pii_markers, settle_cause) FROM STDIN`;
const APPROVAL_COPY = `COPY approvals (id, action_id, user_id, vote, comment, created_at) FROM STDIN`;
const AUDIT_COPY = `COPY audit_events (seq, at, actor, kind, subject, agent_id, cohort, data, chain, chain_seq, prev_hash, hash) FROM STDIN`;

/** The chained records as COPY text, flushed in ~256 KiB pieces. */
function* auditLines(records: AuditRecord[]): Generator<string> {
  let buf = "";
  for (const e of records) {
    buf += `${e.seq}\t${e.at.toISOString()}\t${esc(e.actor)}\t${esc(e.kind)}\t${esc(e.subject)}\t${opt(e.agentId)}\t${opt(e.cohort)}\t${json(e.data)}\t${e.chain}\t${e.chainSeq}\t${e.prevHash}\t${e.hash}\n`;
    if (buf.length >= FLUSH_CHARS) {
      yield buf;
      buf = "";
    }
  }
  if (buf) yield buf;
}

/** Fills the database with `events` governed actions over the last `days` days, and their audit trail. */
export async function seedVolume(opts: VolumeOptions): Promise<VolumeResult> {
  const started = Date.now();
  const total = opts.events;
  if (!Number.isSafeInteger(total) || total < 1) throw new Error("events must be a positive whole number");
  const days = opts.days ?? 30;
  if (!(days > 0)) throw new Error("days must be positive");
  const chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
  const log = opts.log ?? (() => undefined);
  const seed = opts.seed ?? randomBytes(4).readUInt32BE(0);
  const r = new Rng(seed);
  const to = Date.now();
  const from = to - Math.round(days * DAY);

  await ensureAgents(opts.agents ?? 60, log);
  const { agents, ignored } = await loadAgents(r);
  if (!agents.length) throw new Error(`no agents in the cohorts ${SEED_COHORTS.join(", ")}`);
  if (ignored.length) log(`no traffic profile for ${ignored.length} agent(s) in other cohorts: ${ignored.slice(0, 5).join(", ")}${ignored.length > 5 ? ", …" : ""}`);
  const policies = await activePolicies();
  const { rows: approverRows } = await pool().query<{ id: string; email: string; role: string }>(
    `SELECT id, email, role FROM users WHERE disabled_at IS NULL AND role IN ('APPROVER', 'ADMIN') ORDER BY created_at, id`,
  );
  const approvers = approverRows.map((u) => ({ id: u.id, email: u.email, weight: u.role === "APPROVER" ? 3 : 1 }));
  if (!approvers.length) log("no approver or admin users: pending actions will all have expired");

  const redact = opts.redact ?? ((_root, v) => v);
  const plain = (): SeedRedactor => ({ document: redact, text: (v) => v, resource: (v) => v, redactions: [], markers: [] });
  // Knowledge sets the policies read, at their current versions: history is decided against them.
  const sets = [...new Set([...policies.pre, ...policies.post].flatMap((p) => p.program.knowledge?.sets ?? []))];
  const knowledge = await knowledgeSnapshot(sets);
  const c: Context = { r, pre: policies.pre, post: policies.post, approvers, redactor: opts.redactor ?? plain, traffic: makeTraffic(r), to, ord: 0, knowledge };

  // Which agents can be denied or held for approval by the policies in place (tried, not guessed).
  const probeAt = to - DAY / 2;
  for (const a of agents) {
    for (let i = 0; i < 12; i++) {
      const d = evaluatePolicies(c.pre, evalInput(a, c.traffic[a.cohort](a, "deny", probeAt), probeAt, c.knowledge)).decision;
      const p = evaluatePolicies(c.pre, evalInput(a, c.traffic[a.cohort](a, "approval", probeAt), probeAt, c.knowledge)).decision;
      a.canDeny ||= d === "deny";
      a.canApprove ||= p === "pending";
    }
  }
  if (!agents.some((a) => a.canDeny)) log("no policy denies any generated request: there will be no denied actions");
  if (!agents.some((a) => a.canApprove)) log("no policy holds any generated request for approval: there will be no approved, rejected or expired actions");

  const buckets = planBuckets(r, agents, from, to - 5000, total);
  log(`seeding ${total.toLocaleString("en")} actions over ${days} day(s) across ${agents.length} agents (seed ${seed}), ${chunkSize.toLocaleString("en")} per transaction`);

  // Actions in time order, bucket by bucket.
  function* actions(): Generator<Built> {
    for (const b of buckets) {
      if (!b.count) continue;
      const mid = (b.start + b.end) / 2;
      const w = (a: SeedAgent) => a.zipf * activity(mid, a.place.tz);
      const pickers: Record<Intent, Picker> = { allow: picker(agents, w), deny: picker(agents, (a) => (a.canDeny ? w(a) : 0)), approval: picker(agents, (a) => (a.canApprove ? w(a) * a.approvalBias : 0)) };
      const times = new Float64Array(b.count);
      for (let i = 0; i < b.count; i++) times[i] = b.start + Math.floor(r.next() * (b.end - b.start));
      times.sort();
      for (const t of times) yield buildAction(c, t, pickers);
    }
  }

  const partitions = (await pool().query<{ fn: string | null }>(`SELECT to_regprocedure('audit_ensure_partitions(timestamptz, timestamptz)')::text AS fn`)).rows[0]?.fn;
  if (partitions) await pool().query(`SELECT audit_ensure_partitions($1, $2)`, [new Date(from), new Date(to)]);

  // Two chunks in flight on two connections, each its own transaction: while one chunk's
  // audit events are hashed and loaded (holding the chain heads), the next chunk's actions are
  // generated and loaded; it takes the heads once the previous chunk has committed.
  const source = actions();
  let carry: PendingEvent[] = [];
  let generated = 0;
  let written = 0;
  let auditEvents = 0;
  let nextChain = 0;
  const statusCount: Record<string, number> = {};

  /** Opens a chunk's transaction and loads its actions and approvals; returns its settled events. */
  async function loadActions(): Promise<{ client: pg.PoolClient; n: number; emit: PendingEvent[] }> {
    const client = await pool().connect();
    try {
      await client.query("BEGIN");
      const events: PendingEvent[] = carry;
      const approvals: string[] = [];
      let lastAt = -Infinity;
      let n = 0;
      const want = Math.min(chunkSize, total - generated);
      const lines = function* (): Generator<string> {
        let buf = "";
        while (n < want) {
          const next = source.next();
          if (next.done) break;
          const b = next.value;
          n++;
          buf += b.row;
          for (const e of b.events) events.push(e);
          for (const a of b.approvals) approvals.push(a);
          statusCount[b.status] = (statusCount[b.status] ?? 0) + 1;
          lastAt = b.at;
          if (buf.length >= FLUSH_CHARS) {
            yield buf;
            buf = "";
          }
        }
        if (buf) yield buf;
      };
      await copyIn(client, ACTION_COPY, lines());
      if (n === 0) throw new Error("the action generator ran dry before the requested count");
      if (approvals.length) await copyIn(client, APPROVAL_COPY, [approvals.join("")]);
      generated += n;
      // Events up to this chunk's last action are final; later ones (results, votes, expiries
      // still to come) wait for the next chunk, so the log stays in time order.
      events.sort((x, y) => x.at.getTime() - y.at.getTime() || x.ord - y.ord);
      let cut = events.length;
      if (generated < total) {
        cut = 0;
        while (cut < events.length && events[cut]!.at.getTime() <= lastAt) cut++;
      }
      carry = events.slice(cut);
      return { client, n, emit: events.slice(0, cut) };
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release(true);
      throw err;
    }
  }

  /** Chains and loads a chunk's events under all 16 head locks, then commits the chunk. */
  async function loadEvents(chunk: { client: pg.PoolClient; n: number; emit: PendingEvent[] }, previous: Promise<void> | null): Promise<void> {
    const { client, n, emit } = chunk;
    let broken = false;
    try {
      if (previous) await previous;
      if (emit.length) {
        // The audit chain protocol (lib/audit): every head, so no other writer interleaves
        // with the chunk, and seqs reserved while holding them; events round-robin over them.
        const slot = await holdAllChains(clientRunner(client), emit.length);
        await copyIn(client, AUDIT_COPY, auditLines(chainEvents(slot, emit, nextChain)));
        nextChain = (nextChain + emit.length) % AUDIT_CHAINS;
        await client.query(moveHeadsSql(slot));
      }
      await client.query("COMMIT");
      written += n;
      auditEvents += emit.length;
      const secs = (Date.now() - started) / 1000;
      log(
        `${written.toLocaleString("en")} / ${total.toLocaleString("en")} actions, ${auditEvents.toLocaleString("en")} audit events — ` +
          `${Math.round(written / secs).toLocaleString("en")} actions/s, ${Math.round((written + auditEvents) / secs).toLocaleString("en")} rows/s`,
      );
    } catch (err) {
      broken = true;
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release(broken);
    }
  }

  let inFlight: Promise<void> | null = null;
  try {
    while (generated < total) {
      const chunk = await loadActions();
      const previous: Promise<void> | null = inFlight;
      inFlight = loadEvents(chunk, previous);
      inFlight.catch(() => undefined); // awaited below or by the next chunk
      if (previous) await previous;
    }
    if (inFlight) await inFlight;
  } catch (err) {
    if (inFlight) await inFlight.catch(() => undefined); // let the other transaction roll back
    throw err;
  }

  await pool().query(`ANALYZE actions, audit_events, approvals`);
  const mix = Object.entries(statusCount)
    .sort((x, y) => y[1] - x[1])
    .map(([s, k]) => `${s} ${((100 * k) / written).toFixed(1)}%`)
    .join(", ");
  log(`status mix: ${mix}`);
  return { actions: written, auditEvents, agents: agents.length, from: new Date(from), to: new Date(to), ms: Date.now() - started };
}

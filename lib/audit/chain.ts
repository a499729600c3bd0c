import { prepared, type SqlRunner } from "../db/index.ts";
import type pg from "pg";
import { eventHash } from "./hash.ts";
import type { AuditKind } from "./kinds.ts";

/**
 * The audit chain protocol — the one implementation every writer uses (the data plane's group
 * commit, `appendAuditEvents` for every other change, retention, and the volume seeder).
 *
 * The log is spread over AUDIT_CHAINS hash chains so concurrent transactions don't queue on
 * one row. A writer:
 *   1. holds a chain head (`FOR UPDATE`; any free one via `SKIP LOCKED`, else waits for one),
 *   2. reserves its audit seqs **while holding that head** — seqs reserved before waiting
 *      could be lower than ones another writer commits on the same chain meanwhile, and
 *      verification requires seq order within a chain (unused seqs are harmless gaps),
 *   3. links its events (each hash is SHA-256 over RFC 8785 canonical JSON of all columns,
 *      including the previous event's hash; see hash.ts), inserts them and moves the head,
 *   4. commits with the change the events record.
 * `chain_seq` is therefore gap-free per chain, and `seq` increases along each chain.
 */

export const AUDIT_CHAINS = 16;

/** What a change records; `kind` comes from the catalogue in kinds.ts. */
export type AuditInput = {
  actor: string; // user:<id> | agent:<id> | system
  kind: AuditKind;
  subject: string; // what it is about, e.g. agent:<id>
  agentId?: string | null;
  cohort?: string | null;
  data?: Record<string, unknown>;
  /** Only for tools that write history (the volume seeder, retention tests); default now. */
  at?: Date;
};

export type AuditRecord = Required<Omit<AuditInput, "data" | "at">> & {
  seq: number;
  at: Date;
  data: Record<string, unknown>;
  chain: number;
  chainSeq: number;
  prevHash: string;
  hash: string;
};

export type ChainHead = { chain: number; chain_seq: number; hash: string };

/** The chain heads a writer holds and the seqs it reserved while holding them. */
export type ChainSlot = { heads: ChainHead[]; seqs: number[] };

const TAKE_FREE_HEAD_SQL = `SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED`;
const RESERVE_SEQS_SQL = `SELECT nextval(pg_get_serial_sequence('audit_events', 'seq'))::bigint AS seq FROM generate_series(1, $1::int)`;

/**
 * Steps 1–2 as two prepared statements, for a caller that batches round trips (the group
 * commit, a halt: lib/db `pipeline`): try to take a free head, then reserve `n` seqs. Pass what
 * the two statements returned to `takeChain`, which completes the protocol.
 */
export function openChainStatements(n: number): pg.QueryConfig[] {
  return [prepared(TAKE_FREE_HEAD_SQL), prepared(RESERVE_SEQS_SQL, [Math.max(0, Math.floor(n))])];
}

/**
 * Holds one chain head and `n` seqs reserved while holding it. With `opened` (the rows of
 * `openChainStatements`' two statements, already run in this transaction) it only finishes the
 * protocol: when no head was free it waits for a random one and reserves fresh seqs — the
 * ones taken before waiting would break seq order on that chain.
 */
export async function takeChain(run: SqlRunner, n: number, opened?: { head: ChainHead | undefined; seqs: { seq: number | string }[] }): Promise<ChainSlot> {
  const free = opened ? opened.head : (await run<ChainHead>(TAKE_FREE_HEAD_SQL, []))[0];
  if (free && opened) return { heads: [free], seqs: opened.seqs.map((s) => Number(s.seq)) };
  const head = free ?? (await run<ChainHead>(`SELECT chain, chain_seq, hash FROM audit_chain_heads WHERE chain = $1 FOR UPDATE`, [Math.floor(Math.random() * AUDIT_CHAINS)]))[0];
  if (!head) throw new Error("audit chain heads are missing: run the migrations");
  return { heads: [head], seqs: await reserveSeqs(run, n) };
}

/**
 * Holds every chain head (in chain order, so two such writers can't deadlock) and `n` seqs:
 * for writers that must not interleave with anyone (retention, the volume seeder).
 */
export async function holdAllChains(run: SqlRunner, n: number): Promise<ChainSlot> {
  const heads = await run<ChainHead>(`SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY chain FOR UPDATE`, []);
  if (heads.length !== AUDIT_CHAINS) throw new Error(`expected ${AUDIT_CHAINS} audit chain heads, found ${heads.length}: run the migrations`);
  return { heads, seqs: await reserveSeqs(run, n) };
}

async function reserveSeqs(run: SqlRunner, n: number): Promise<number[]> {
  if (n <= 0) return [];
  return (await run<{ seq: number | string }>(RESERVE_SEQS_SQL, [Math.floor(n)])).map((s) => Number(s.seq)).sort((a, b) => a - b);
}

/**
 * Step 3: links the events into the held chains, round-robin over `slot.heads` starting at
 * `firstHead`, giving them the reserved seqs in order. Advances `slot.heads` in place, so a
 * writer can chain several batches under one hold. Pure: no I/O.
 */
export function chainEvents(slot: ChainSlot, inputs: AuditInput[], firstHead = 0): AuditRecord[] {
  if (inputs.length > slot.seqs.length) throw new Error(`${inputs.length} audit events but ${slot.seqs.length} seqs reserved`);
  const now = new Date();
  const records = inputs.map((input, i) => {
    const head = slot.heads[(firstHead + i) % slot.heads.length]!;
    const base = {
      seq: slot.seqs[i]!,
      at: input.at ?? now,
      actor: input.actor,
      kind: input.kind,
      subject: input.subject,
      agentId: input.agentId ?? null,
      cohort: input.cohort ?? null,
      // Round-trip through JSON so what is hashed is exactly what jsonb stores (no Dates,
      // no undefined members).
      data: JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>,
      chain: head.chain,
      chainSeq: Number(head.chain_seq) + 1,
      prevHash: head.hash,
    };
    const hash = eventHash(base);
    head.chain_seq = base.chainSeq;
    head.hash = hash;
    return { ...base, hash };
  });
  slot.seqs = slot.seqs.slice(inputs.length);
  return records;
}

const INSERT_EVENTS_SQL = `INSERT INTO audit_events (seq, at, actor, kind, subject, agent_id, cohort, data, chain, chain_seq, prev_hash, hash)
  SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::int[], $10::bigint[], $11::text[], $12::text[])`;

/**
 * The statement that inserts chained records: one prepared statement whatever their number
 * (a column per array parameter), so it joins a pipelined round trip and is planned once.
 */
export function insertEventsSql(records: AuditRecord[]): pg.QueryConfig {
  const col = <T>(f: (r: AuditRecord) => T) => records.map(f);
  return prepared(INSERT_EVENTS_SQL, [
    col((r) => r.seq),
    col((r) => r.at.toISOString()),
    col((r) => r.actor),
    col((r) => r.kind),
    col((r) => r.subject),
    col((r) => r.agentId),
    col((r) => r.cohort),
    col((r) => JSON.stringify(r.data)),
    col((r) => r.chain),
    col((r) => r.chainSeq),
    col((r) => r.prevHash),
    col((r) => r.hash),
  ]);
}

const MOVE_HEADS_SQL = `UPDATE audit_chain_heads h SET chain_seq = v.chain_seq, hash = v.hash FROM unnest($1::int[], $2::bigint[], $3::text[]) AS v(chain, chain_seq, hash) WHERE h.chain = v.chain`;

/** The statement that moves every held head to where its chain now ends (prepared). */
export function moveHeadsSql(slot: ChainSlot): pg.QueryConfig {
  return prepared(MOVE_HEADS_SQL, [slot.heads.map((h) => Number(h.chain)), slot.heads.map((h) => Number(h.chain_seq)), slot.heads.map((h) => h.hash)]);
}

/** Step 3 as SQL: chain the events and return the statements that write them and move the heads. */
export function writeEventsSql(slot: ChainSlot, inputs: AuditInput[]): pg.QueryConfig[] {
  if (inputs.length === 0) return [];
  return [insertEventsSql(chainEvents(slot, inputs)), moveHeadsSql(slot)];
}

/**
 * Appends events inside the caller's transaction, so they commit or vanish with the change
 * they record (the whole protocol above, one statement at a time). Returns the records.
 */
export async function appendAuditEvents(run: SqlRunner, inputs: AuditInput[]): Promise<AuditRecord[]> {
  if (inputs.length === 0) return [];
  const slot = await takeChain(run, inputs.length);
  const records = chainEvents(slot, inputs);
  for (const st of [insertEventsSql(records), moveHeadsSql(slot)]) await run(st.text, st.values ?? []);
  return records;
}

import pg from "pg";
import { eventHash } from "./hash.ts";

/** The smallest database surface the audit writer needs: a Prisma transaction or a pg client. */
export type SqlRunner = <T = Record<string, unknown>>(sql: string, params: unknown[]) => Promise<T[]>;

export type AuditInput = {
  actor: string; // user:<id> | agent:<id> | system
  kind: string; // e.g. agent.registered
  subject: string; // what it is about, e.g. agent:<id>
  agentId?: string | null;
  cohort?: string | null;
  data?: Record<string, unknown>;
};

export type AuditRecord = Required<Omit<AuditInput, "data">> & {
  seq: number;
  at: Date;
  data: Record<string, unknown>;
  chain: number;
  chainSeq: number;
  prevHash: string;
  hash: string;
};

export const AUDIT_CHAINS = 16;

export type ChainHead = { chain: number; chain_seq: number; hash: string };

/** Takes whichever chain head no other transaction holds (none: returns no row). */
export const TAKE_FREE_HEAD_SQL = `SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED`;

export const reserveSeqsSql = (n: number) =>
  `SELECT nextval(pg_get_serial_sequence('audit_events', 'seq'))::bigint AS seq FROM generate_series(1, ${Math.max(0, Math.floor(n))})`;

/** Every chain is busy: wait for a random one. */
export async function waitForHead(run: SqlRunner): Promise<ChainHead> {
  const head = (await run<ChainHead>(`SELECT chain, chain_seq, hash FROM audit_chain_heads WHERE chain = $1 FOR UPDATE`, [Math.floor(Math.random() * AUDIT_CHAINS)]))[0];
  if (!head) throw new Error("audit chain heads are missing: run the migrations");
  return head;
}

/**
 * Links the events into the held chain: each hash covers the event and the hash before it.
 * `at` is now, except for tools that write history (seed:volume, tests of retention).
 */
export function chainEvents(head: ChainHead, seqs: number[], inputs: AuditInput[], at: Date = new Date()): AuditRecord[] {
  let prevHash = head.hash;
  let chainSeq = Number(head.chain_seq);
  return inputs.map((input, i) => {
    chainSeq += 1;
    const base = {
      seq: Number(seqs[i]),
      at,
      actor: input.actor,
      kind: input.kind,
      subject: input.subject,
      agentId: input.agentId ?? null,
      cohort: input.cohort ?? null,
      // Round-trip through JSON so what is hashed is exactly what jsonb stores (no Dates,
      // no undefined members).
      data: JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>,
      chain: head.chain,
      chainSeq,
      prevHash,
    };
    const hash = eventHash(base);
    prevHash = hash;
    return { ...base, hash };
  });
}

const lit = (v: string | null) => (v === null ? "NULL" : pg.escapeLiteral(v));

/**
 * The two statements that write chained events and move the chain head, as literal SQL:
 * they can then travel in one round trip with other statements (the data plane's group
 * commit) or one by one (any other transaction).
 */
export function writeEventsSql(records: AuditRecord[]): [insert: string, moveHead: string] {
  const values = records.map(
    (r) =>
      `(${r.seq}, ${lit(r.at.toISOString())}::timestamptz, ${lit(r.actor)}, ${lit(r.kind)}, ${lit(r.subject)}, ${lit(r.agentId)}, ${lit(r.cohort)}, ${lit(JSON.stringify(r.data))}::jsonb, ${r.chain}, ${r.chainSeq}, ${lit(r.prevHash)}, ${lit(r.hash)})`,
  );
  const last = records[records.length - 1]!;
  return [
    `INSERT INTO audit_events (seq, at, actor, kind, subject, agent_id, cohort, data, chain, chain_seq, prev_hash, hash) VALUES ${values.join(", ")}`,
    `UPDATE audit_chain_heads SET chain_seq = ${last.chainSeq}, hash = ${lit(last.hash)} WHERE chain = ${last.chain}`,
  ];
}

/**
 * Appends events inside the caller's transaction, so they commit or vanish with the change
 * they record. Writers spread over AUDIT_CHAINS hash chains: each takes whichever chain head
 * is free (SKIP LOCKED), so concurrent transactions don't queue behind one row; a batch of
 * events shares one head lock.
 */
export async function appendAuditEvents(run: SqlRunner, inputs: AuditInput[]): Promise<AuditRecord[]> {
  if (inputs.length === 0) return [];
  const head = (await run<ChainHead>(TAKE_FREE_HEAD_SQL, []))[0] ?? (await waitForHead(run));
  const seqs = await run<{ seq: number }>(reserveSeqsSql(inputs.length), []);
  const records = chainEvents(
    head,
    seqs.map((s) => Number(s.seq)),
    inputs,
  );
  for (const sql of writeEventsSql(records)) await run(sql, []);
  return records;
}

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

/**
 * Appends events inside the caller's transaction, so they commit or vanish with the change
 * they record. Writers spread over AUDIT_CHAINS hash chains: each takes whichever chain head
 * is free (SKIP LOCKED), so concurrent transactions don't queue behind one row; a batch of
 * events shares one head lock.
 */
export async function appendAuditEvents(run: SqlRunner, inputs: AuditInput[]): Promise<AuditRecord[]> {
  if (inputs.length === 0) return [];
  let head = (
    await run<{ chain: number; chain_seq: number; hash: string }>(
      `SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [],
    )
  )[0];
  if (!head) {
    // Every chain is busy: wait for one.
    head = (
      await run<{ chain: number; chain_seq: number; hash: string }>(
        `SELECT chain, chain_seq, hash FROM audit_chain_heads WHERE chain = $1 FOR UPDATE`,
        [Math.floor(Math.random() * AUDIT_CHAINS)],
      )
    )[0];
    if (!head) throw new Error("audit chain heads are missing: run the migrations");
  }
  const seqs = await run<{ seq: number }>(
    `SELECT nextval(pg_get_serial_sequence('audit_events', 'seq'))::bigint AS seq FROM generate_series(1, $1::int)`,
    [inputs.length],
  );
  const at = new Date();
  let prevHash = head.hash;
  let chainSeq = Number(head.chain_seq);
  const records: AuditRecord[] = inputs.map((input, i) => {
    chainSeq += 1;
    const base = {
      seq: Number(seqs[i]!.seq),
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

  const cols = 11;
  const values: unknown[] = [];
  const rows = records.map((r, i) => {
    values.push(r.seq, r.at, r.actor, r.kind, r.subject, r.agentId, r.cohort, JSON.stringify(r.data), r.chain, r.chainSeq, r.prevHash, r.hash);
    const o = i * (cols + 1);
    return `($${o + 1}::bigint, $${o + 2}::timestamptz, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8}::jsonb, $${o + 9}::int, $${o + 10}::bigint, $${o + 11}, $${o + 12})`;
  });
  await run(
    `INSERT INTO audit_events (seq, at, actor, kind, subject, agent_id, cohort, data, chain, chain_seq, prev_hash, hash) VALUES ${rows.join(", ")}`,
    values,
  );
  await run(`UPDATE audit_chain_heads SET chain_seq = $2, hash = $3 WHERE chain = $1`, [head.chain, chainSeq, prevHash]);
  return records;
}

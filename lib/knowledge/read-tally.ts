import { pool } from "../db/index.ts";

/**
 * How often each agent read each version of each set. Counting a read is a Map increment on
 * the data plane's hot path; once a second the instance upserts what it counted in one
 * statement (one row per set, version and agent), so 10,000 reads a second cost one write a
 * second, not 10,000 audit events. Counts of the last second are lost if the process dies.
 */

type Count = { setId: string; version: number; agentId: string; n: number; first: number; last: number };

const FLUSH_MS = 1000;

class ReadTally {
  private counts = new Map<string, Count>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  count(setId: string, version: number, agentId: string): void {
    const k = `${setId}\u0000${version}\u0000${agentId}`;
    const now = Date.now();
    const c = this.counts.get(k);
    if (c) {
      c.n++;
      c.last = now;
    } else this.counts.set(k, { setId, version, agentId, n: 1, first: now, last: now });
    this.timer ??= setInterval(() => void this.flush().catch((err: unknown) => console.error("[knowledge] read tally:", (err as Error).message)), FLUSH_MS).unref();
  }

  /** Writes what was counted since the last flush (one statement). Counts that fail to write are kept for the next. */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.counts.size === 0) return;
    const batch = [...this.counts.values()];
    this.counts = new Map();
    this.flushing = (async () => {
      try {
        // Rows for agents or sets deleted meanwhile are dropped by the joins.
        await pool().query(
          `INSERT INTO knowledge_reads (set_id, version, agent_id, reads, first_read_at, last_read_at)
           SELECT u.s, u.v, u.a, u.n, to_timestamp(u.f / 1000.0), to_timestamp(u.l / 1000.0)
             FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[], $5::float8[], $6::float8[]) AS u(s, v, a, n, f, l)
             JOIN agents ag ON ag.id = u.a JOIN knowledge_sets ks ON ks.id = u.s
           ON CONFLICT (set_id, version, agent_id) DO UPDATE
             SET reads = knowledge_reads.reads + EXCLUDED.reads, last_read_at = GREATEST(knowledge_reads.last_read_at, EXCLUDED.last_read_at)`,
          [batch.map((c) => c.setId), batch.map((c) => c.version), batch.map((c) => c.agentId), batch.map((c) => c.n), batch.map((c) => c.first), batch.map((c) => c.last)],
        );
      } catch (err) {
        for (const c of batch) {
          const k = `${c.setId}\u0000${c.version}\u0000${c.agentId}`;
          const now = this.counts.get(k);
          if (now) {
            now.n += c.n;
            now.first = Math.min(now.first, c.first);
          } else this.counts.set(k, c);
        }
        throw err;
      } finally {
        this.flushing = null;
      }
    })();
    await this.flushing;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

const KEY = Symbol.for("warden.knowledgeReads");
type Holder = { [KEY]?: ReadTally };

export function readTally(): ReadTally {
  const g = globalThis as Holder;
  return (g[KEY] ??= new ReadTally());
}

/** Writes the counted reads now (tests, shutdown). */
export function flushKnowledgeReads(): Promise<void> {
  return readTally().flush();
}

export type ReadCountView = { agentId: string; agent: string; cohort: string; version: number; reads: number; firstReadAt: string; lastReadAt: string };

/** Who read which version of the set, how often: newest version first, then most reads. */
export async function listKnowledgeReads(setId: string): Promise<ReadCountView[]> {
  const { rows } = await pool().query<{ agent_id: string; name: string; cohort: string; version: number; reads: number; first_read_at: Date; last_read_at: Date }>(
    `SELECT r.agent_id, a.name, c.name AS cohort, r.version, r.reads, r.first_read_at, r.last_read_at
       FROM knowledge_reads r JOIN agents a ON a.id = r.agent_id JOIN cohorts c ON c.id = a.cohort_id
      WHERE r.set_id = $1 ORDER BY r.version DESC, r.reads DESC, a.name LIMIT 500`,
    [setId],
  );
  return rows.map((r) => ({ agentId: r.agent_id, agent: r.name, cohort: r.cohort, version: r.version, reads: Number(r.reads), firstReadAt: r.first_read_at.toISOString(), lastReadAt: r.last_read_at.toISOString() }));
}

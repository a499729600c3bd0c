import pg from "pg";

/**
 * A streaming read replica (`DATABASE_REPLICA_URL`) for reads that tolerate a little lag — the
 * dashboard's overview aggregates, the audit explorer, the action history lists — and how far
 * behind it is. Everything fresh (the decision path, approvals, halts, breakers, budgets,
 * sessions, anything read then written) stays on the primary: only `readReplicaOk` (index.ts)
 * ever hands this pool out.
 */

/** What the last probe found: `streaming` (serving), `lagging` (behind by more than `maxLagMs`),
 * `unreachable` (down, refusing, timed out), `not_standby` (answers but is not in recovery: a
 * promoted or mistaken server, never read from), `not_configured` (no DATABASE_REPLICA_URL). */
export type ReplicaState = "not_configured" | "streaming" | "lagging" | "unreachable" | "not_standby";

export type ReplicaStatus = {
  state: ReplicaState;
  /** Upper bound of the replica's staleness in ms (0: it has replayed everything the primary had flushed
   * when probed); null when unknown (unreachable, not configured). */
  lagMs: number | null;
  /** `WARDEN_REPLICA_MAX_LAG_MS`: above this the replica is `lagging` and reads go to the primary. */
  maxLagMs: number;
  /** Replay paused on the replica (`pg_wal_replay_pause()`); its lag then grows with the primary's writes. */
  replayPaused: boolean;
  checkedAt: string | null;
};

/** Where a replica-ok read was served: the replica (with its lag), or the primary and why. */
export type ReadSource =
  | { server: "replica"; lagMs: number }
  | { server: "primary"; reason: Exclude<ReplicaState, "streaming"> | "read_failed"; lagMs: number | null };

/** How long a probe's answer is trusted before the next read probes again (ms). */
export const REPLICA_PROBE_MS = 1000;

/** `WARDEN_REPLICA_MAX_LAG_MS` (default 5000): the most staleness a replica-ok read accepts. */
export function replicaMaxLagMs(): number {
  const v = Number(process.env.WARDEN_REPLICA_MAX_LAG_MS ?? 5000);
  return Number.isFinite(v) && v >= 0 ? v : 5000;
}

type Sample = { lsn: string; at: number };

export type Replica = {
  pool: pg.Pool;
  status: ReplicaStatus | null;
  probedAt: number;
  inflight: Promise<ReplicaStatus> | null;
  /** The primary's flushed WAL position at past probes, newest last (bounds the lag between probes). */
  samples: Sample[];
};

/** The replica's pool: small, every wait bounded to `timeoutMs`, so a dead replica costs one short wait per probe. */
export function createReplica(url: string, timeoutMs: number): Replica {
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.WARDEN_REPLICA_POOL_SIZE ?? 10),
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs * 5,
    keepAlive: true,
    // Visible in the replica's pg_stat_activity: these connections are Warden's replica reads.
    application_name: "warden-replica-reads",
  });
  pool.on("error", (err) => console.error("[db] idle replica client error:", err.message));
  pool.on("connect", (client) => client.on("error", () => undefined));
  return { pool, status: null, probedAt: 0, inflight: null, samples: [] };
}

// pg_lsn text "16/B374D848" → a BigInt, to compare positions without another round trip.
const lsnValue = (lsn: string): bigint => {
  const [hi = "0", lo = "0"] = lsn.split("/");
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
};

/**
 * Probes the replica: is it a standby, and how stale is it. Staleness is bounded two ways and
 * the smaller bound wins: (1) the primary's flushed LSN read just before — if the replica has
 * replayed up to it, it lacks nothing committed before the probe (lag 0); else the newest past
 * probe whose LSN it has replayed bounds it by that probe's age; (2) the time since the last
 * transaction it replayed committed (`pg_last_xact_replay_timestamp()`, PostgreSQL
 * "Monitoring" § 27.2.5.2): everything committed before that is there. Never throws.
 */
export async function probeReplica(replica: Replica, primary: pg.Pool): Promise<ReplicaStatus> {
  const maxLagMs = replicaMaxLagMs();
  const checkedAt = new Date().toISOString();
  const down = (): ReplicaStatus => ({ state: "unreachable", lagMs: null, maxLagMs, replayPaused: false, checkedAt });
  const at = Date.now();
  let flushed: string;
  try {
    flushed = (await primary.query<{ lsn: string }>("SELECT pg_current_wal_flush_lsn()::text AS lsn")).rows[0]!.lsn;
  } catch {
    return down(); // no primary to compare with: don't vouch for the replica either
  }
  let row: { recovery: boolean; replayed: string | null; since_replay_ms: number | null; paused: boolean | null } | undefined;
  try {
    ({ rows: [row] } = await replica.pool.query<NonNullable<typeof row>>(
      `SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS replayed,
              (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS since_replay_ms,
              CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS paused`,
    ));
  } catch {
    return down();
  }
  if (!row?.recovery || !row.replayed) return { state: "not_standby", lagMs: null, maxLagMs, replayPaused: false, checkedAt };
  const replayed = lsnValue(row.replayed);
  replica.samples.push({ lsn: flushed, at });
  if (replica.samples.length > 32) replica.samples.shift();
  let lagMs = Number.POSITIVE_INFINITY;
  const now = Date.now();
  for (let i = replica.samples.length - 1; i >= 0; i--) {
    const s = replica.samples[i]!;
    if (lsnValue(s.lsn) <= replayed) {
      lagMs = i === replica.samples.length - 1 ? 0 : now - s.at;
      break;
    }
  }
  if (row.since_replay_ms !== null) lagMs = Math.min(lagMs, Math.max(0, row.since_replay_ms));
  const known = Number.isFinite(lagMs) ? Math.round(lagMs) : null;
  const state = known !== null && known <= maxLagMs ? "streaming" : "lagging";
  return { state, lagMs: known, maxLagMs, replayPaused: row.paused === true, checkedAt };
}

/** The replica's status, probed at most once per `REPLICA_PROBE_MS` (concurrent callers share one probe). */
export async function cachedReplicaStatus(replica: Replica, primary: pg.Pool): Promise<ReplicaStatus> {
  if (replica.status && Date.now() - replica.probedAt < REPLICA_PROBE_MS) return replica.status;
  replica.inflight ??= probeReplica(replica, primary).then((s) => {
    replica.status = s;
    replica.probedAt = Date.now();
    replica.inflight = null;
    return s;
  });
  return replica.inflight;
}

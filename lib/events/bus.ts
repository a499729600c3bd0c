import pg from "pg";

/**
 * Cross-instance signals over PostgreSQL LISTEN/NOTIFY: policy changes, halts, key
 * revocations, decided actions. One dedicated connection per instance; reconnects with
 * backoff and tells subscribers to resynchronise (they may have missed signals meanwhile).
 * Signals are hints for caches and waiters — never the safety check itself.
 */
export const CHANNEL = {
  /** A policy was created, changed, enabled or disabled: reload the compiled set. */
  policies: "warden_policies",
  /** A halt or resume (payload: the scope as JSON): halt state displays refresh. */
  halts: "warden_halts",
  /** An agent or its keys changed (payload: agent id): drop cached identities. */
  agents: "warden_agents",
  /** An action left `pending` or a new one is pending (payload: action id or "pending"): wake long-polls and queues. */
  actions: "warden_actions",
  /** An admin setting changed (payload: its key): reload it. */
  settings: "warden_settings",
  /** A budget was created, changed or removed: reload the compiled budgets. */
  budgets: "warden_budgets",
  /** A breaker was created, changed, opened, half-opened or closed: reload breakers and refresh displays. */
  breakers: "warden_breakers",
  /** An agent's versions or rollout changed (payload: agent id): reload its release state. */
  releases: "warden_releases",
  /** A knowledge set was published or its definition changed (payload: `{"set", "version"}` JSON): refresh that set. */
  knowledge: "warden_knowledge",
  /** An approver team, its members or its default cohorts changed (payload: team id): reload routing. */
  teams: "warden_teams",
} as const;
export type Channel = (typeof CHANNEL)[keyof typeof CHANNEL];
export const CHANNELS: readonly Channel[] = Object.values(CHANNEL);
type Listener = (payload: string) => void;

class Bus {
  private client: pg.Client | null = null;
  private listeners = new Map<Channel | "resync", Set<Listener>>();
  private connecting: Promise<void> | null = null;
  private closed = false;
  private backoff = 100;

  subscribe(channel: Channel | "resync", fn: Listener): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(fn);
    void this.ensureConnected();
    return () => set.delete(fn);
  }

  /** Resolves once LISTEN is active, so a caller can rely on not missing later signals. */
  ready(): Promise<void> {
    return this.ensureConnected();
  }

  private emit(channel: Channel | "resync", payload: string) {
    for (const fn of this.listeners.get(channel) ?? []) {
      try {
        fn(payload);
      } catch (err) {
        console.error(`[events] listener on ${channel} failed:`, err);
      }
    }
  }

  private ensureConnected(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const client = new pg.Client({ connectionString: url, application_name: "warden-events" });
    client.on("notification", (n) => this.emit(n.channel as Channel, n.payload ?? ""));
    client.on("error", (err) => {
      if (this.client !== client) return;
      console.error("[events] connection lost:", err.message);
      this.client = null;
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    });
    try {
      await client.connect();
      for (const ch of CHANNELS) await client.query(`LISTEN ${ch}`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      this.backoff = 100;
      this.emit("resync", "");
    } catch (err) {
      await client.end().catch(() => undefined);
      console.error("[events] could not listen:", (err as Error).message);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect() {
    if (this.closed) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, 5000);
    setTimeout(() => void this.ensureConnected(), delay).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
  }
}

const KEY = Symbol.for("warden.bus");
type Holder = { [KEY]?: Bus };

export function bus(): Bus {
  const g = globalThis as Holder;
  return (g[KEY] ??= new Bus());
}

export async function closeBus(): Promise<void> {
  const g = globalThis as Holder;
  const b = g[KEY];
  delete g[KEY];
  await b?.close();
}

/** NOTIFY from inside a transaction: delivered to every instance when (and only if) it commits. Params: [channel, payload]. */
export const notifySql = "SELECT pg_notify($1, $2)";

/** `notifySql` as literal SQL for a batched round trip; one NOTIFY per payload. */
export function notifyManySql(channel: Channel, payloads: string[]): string {
  const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
  // Counted, not selected: pg_notify returns void, which some drivers can't read.
  return `SELECT count(pg_notify(${lit(channel)}, p))::int AS notified FROM unnest(ARRAY[${payloads.map(lit).join(", ")}]::text[]) AS p`;
}

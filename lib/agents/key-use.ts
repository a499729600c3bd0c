import { pool } from "../db/index.ts";

/** At most one recorded use per key and instance per this many ms (the column's resolution). */
export const KEY_USE_RESOLUTION_MS = 60_000;
/** How long uses gather before one batched UPDATE writes them. */
export const KEY_USE_FLUSH_MS = 1_000;

type Write = (uses: { keyId: string; at: Date }[]) => Promise<void>;

/**
 * Records when agent keys were last used, cheaply enough for the data plane's hot path:
 * `note(keyId)` is a Map lookup; at most once per KEY_USE_RESOLUTION_MS per key it queues
 * the use, and a timer writes the queued uses in one UPDATE KEY_USE_FLUSH_MS later — never in
 * the decision's transaction, never awaited by a request. A failed write is dropped (and its
 * keys may be noted again at once); uses queued when the process dies are lost. Both are
 * acceptable: "last used" is informational, minute resolution.
 *
 * Across instances each instance throttles its own writes, and the UPDATE skips a row another
 * instance stamped less than a minute before, so N instances cost at most N row writes per key
 * and minute (usually one).
 */
export class KeyUseRecorder {
  private lastNoted = new Map<string, number>();
  private queued = new Map<string, Date>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly write: Write,
    private readonly now: () => number = Date.now,
    private readonly flushMs = KEY_USE_FLUSH_MS,
  ) {}

  /** Notes a successful authentication with key `keyId` (synchronous, never throws). */
  note(keyId: string): void {
    const t = this.now();
    const last = this.lastNoted.get(keyId);
    if (last !== undefined && t - last < KEY_USE_RESOLUTION_MS) return;
    // Bounded: past 100k keys forget the throttle state (costs at most one extra write per key).
    if (this.lastNoted.size >= 100_000) this.lastNoted.clear();
    this.lastNoted.set(keyId, t);
    this.queued.set(keyId, new Date(t));
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref?.();
    }
  }

  /** Writes what is queued now (the timer calls it; tests and shutdown may too). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing) await this.flushing;
    if (this.queued.size === 0) return;
    const uses = [...this.queued].map(([keyId, at]) => ({ keyId, at }));
    this.queued.clear();
    this.flushing = this.write(uses)
      .catch(() => {
        // Informational only: let these keys be noted again on their next use.
        for (const u of uses) this.lastNoted.delete(u.keyId);
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }
}

async function writeKeyUses(uses: { keyId: string; at: Date }[]): Promise<void> {
  await pool().query(
    `UPDATE agent_keys k SET last_used_at = u.at
       FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at)
      WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at - interval '1 minute')`,
    [uses.map((u) => u.keyId), uses.map((u) => u.at)],
  );
}

const KEY = Symbol.for("warden.keyUseRecorder");
type Holder = { [KEY]?: KeyUseRecorder };

/** The process's recorder of agent key use (writes through lib/db's pool). */
export function keyUse(): KeyUseRecorder {
  const g = globalThis as Holder;
  return (g[KEY] ??= new KeyUseRecorder(writeKeyUses));
}

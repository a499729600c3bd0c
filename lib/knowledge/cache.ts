import { pool } from "../db/index.ts";
import { bus, CHANNEL } from "../events/index.ts";
import { PublishedSet, type LoadedRecord } from "./published-set.ts";
import { metaOf, SET_COLUMNS, type SetRow } from "./sets.ts";
import { changesBetween, readVersionRecords } from "./store.ts";

/**
 * Per-instance cache of each set's current published version (PublishedSet), for agents' reads
 * and policy evaluation. A publish or a change of a set's definition on any instance sends
 * NOTIFY warden_knowledge `{"set","version"}`; every instance then refreshes that set at once:
 * it reads only what changed since the version it holds (store.changesBetween) and swaps the
 * new immutable version in. Readers keep the version they hold meanwhile, so a publish never
 * blocks a read, and a newly published version is served everywhere as soon as that small read
 * is done (bench/knowledge.ts measures it). A lost connection (resync) refreshes every set.
 * Nothing expires by time: between signals the cached version is the published one.
 */

type Entry = {
  current: PublishedSet | null; // null: no such set, or nothing published yet
  loaded: Promise<void> | null; // the first load
  refreshing: Promise<void> | null;
  again: boolean;
};

const CHANGES_PAGE = 20_000;
const FULL_RELOAD_CHANGES = 10_000;

async function changedSince(setId: string, from: number, to: number): Promise<number> {
  const { rows } = await pool().query<{ n: number | null }>(`SELECT sum(added + changed + removed + refreshed)::int AS n FROM knowledge_versions WHERE set_id = $1 AND version > $2 AND version <= $3`, [setId, from, to]);
  return rows[0]?.n ?? 0;
}

async function readSetRow(name: string): Promise<SetRow | null> {
  const { rows } = await pool().query<SetRow>(`SELECT ${SET_COLUMNS} FROM knowledge_sets WHERE name = $1`, [name]);
  return rows[0] ?? null;
}

/** The set's current version, derived from `held` when it can be (only the changes are read). */
async function currentVersion(name: string, held: PublishedSet | null): Promise<PublishedSet | null> {
  const row = await readSetRow(name);
  if (!row || row.version === 0) return null;
  const meta = metaOf(row);
  const publishedAt = await publishedAtOf(row.id, row.version);
  // Many changes since the held version: reading the version whole is cheaper than its diff.
  if (held && held.meta.id === row.id && held.version < row.version && (await changedSince(row.id, held.version, row.version)) > FULL_RELOAD_CHANGES) held = null;
  if (held && held.meta.id === row.id && held.version <= row.version) {
    let next = held;
    if (held.version < row.version) {
      const changes: [string, LoadedRecord | null][] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await changesBetween({ setId: row.id, from: held.version, to: row.version, cursor, limit: CHANGES_PAGE });
        for (const c of page.changes) changes.push([c.key, c.after]);
        if (!page.more) break;
        cursor = page.changes[page.changes.length - 1]!.key;
      }
      next = held.withChanges(row.version, publishedAt, changes);
    }
    const same = next.meta.maxAgeDays === meta.maxAgeDays && next.meta.readers.join("\u0000") === meta.readers.join("\u0000");
    return same ? next : next.withMeta(meta);
  }
  const records = await readVersionRecords(row.id, row.version);
  return new PublishedSet(meta, row.version, publishedAt, new Map(records.map((r) => [r.key, r])));
}

async function publishedAtOf(setId: string, version: number): Promise<number> {
  const { rows } = await pool().query<{ published_at: Date }>(`SELECT published_at FROM knowledge_versions WHERE set_id = $1 AND version = $2`, [setId, version]);
  return rows[0]?.published_at.getTime() ?? Date.now();
}

class KnowledgeCache {
  private entries = new Map<string, Entry>();
  private subscribed = false;

  private subscribe() {
    if (this.subscribed) return;
    this.subscribed = true;
    bus().subscribe(CHANNEL.knowledge, (payload) => {
      let name: unknown;
      try {
        name = (JSON.parse(payload) as { set?: unknown }).set;
      } catch {
        return;
      }
      if (typeof name === "string" && this.entries.has(name)) void this.refresh(name);
    });
    bus().subscribe("resync", () => {
      for (const name of this.entries.keys()) void this.refresh(name);
    });
  }

  /** The current published version of the set, or null when it doesn't exist or has none yet. */
  async get(name: string): Promise<PublishedSet | null> {
    this.subscribe();
    let e = this.entries.get(name);
    if (!e) {
      e = { current: null, loaded: null, refreshing: null, again: false };
      this.entries.set(name, e);
      const entry = e;
      entry.loaded = currentVersion(name, null).then(
        (v) => void (entry.current = v),
        (err: unknown) => {
          this.entries.delete(name); // the next reader tries again
          throw err;
        },
      );
    }
    if (e.loaded) await e.loaded;
    return e.current;
  }

  /**
   * Brings the set up to its latest version now (after a NOTIFY, or on the publishing
   * instance before its publish call answers). Serialised per set; a signal arriving during a
   * refresh runs one more.
   */
  refresh(name: string): Promise<void> {
    const e = this.entries.get(name);
    if (!e) return Promise.resolve();
    if (e.refreshing) {
      e.again = true;
      return e.refreshing;
    }
    const run = async (): Promise<void> => {
      try {
        if (e.loaded) await e.loaded.catch(() => undefined);
        do {
          e.again = false;
          e.current = await currentVersion(name, e.current);
        } while (e.again);
      } catch (err) {
        console.error(`[knowledge] could not refresh ${name}:`, (err as Error).message);
      } finally {
        e.refreshing = null;
      }
    };
    e.refreshing = run();
    return e.refreshing;
  }

  /** Versions held, by set (for tests and the bench). */
  held(): Map<string, number> {
    return new Map([...this.entries].map(([k, e]) => [k, e.current?.version ?? 0]));
  }
}

const KEY = Symbol.for("warden.knowledgeCache");
type Holder = { [KEY]?: KnowledgeCache };

export function knowledgeCache(): KnowledgeCache {
  const g = globalThis as Holder;
  return (g[KEY] ??= new KnowledgeCache());
}

/**
 * The current versions of these sets, for one decision: a set that doesn't exist, has nothing
 * published or can't be loaded maps to a sentence saying so (its use fails closed).
 */
export async function knowledgeSnapshot(names: readonly string[]): Promise<Map<string, PublishedSet | string>> {
  const out = new Map<string, PublishedSet | string>();
  if (names.length === 0) return out;
  const cache = knowledgeCache();
  await Promise.all(
    names.map(async (n) => {
      try {
        out.set(n, (await cache.get(n)) ?? "has no published version");
      } catch (err) {
        console.error(`[knowledge] could not load ${n}:`, (err as Error).message);
        out.set(n, "could not be loaded");
      }
    }),
  );
  return out;
}

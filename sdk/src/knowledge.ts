import { WardenUnavailable } from "./errors.ts";

/** A record of a knowledge set, as `GET /v1/knowledge/{set}/{key}` answers it. */
export type KnowledgeRecord = {
  set: string;
  /** The set's published version this answer is from: cite it in `context.knowledge`. */
  version: number;
  key: string;
  value: unknown;
  source: string;
  updatedAt: string;
  /** Stale, expired or not yet in force: a policy reading it fails closed. */
  stale: boolean;
  staleReason?: string;
  effectiveFrom: string | null;
  expiresAt: string | null;
  proposedBy: string;
  approvedBy: string;
  since: number;
};

export type KnowledgeChange = { key: string; op: "upsert" | "delete"; record?: Omit<KnowledgeRecord, "set" | "version"> };

/** One GET as the client performs it (with its key, timeout and error mapping). */
export type RawGet = (path: string, headers: Record<string, string>) => Promise<{ status: number; etag: string | null; body: unknown }>;

/**
 * Reads of one knowledge set, cached by version. `get(key)` revalidates with the ETag it holds
 * (the set's version): while the version is unchanged Warden answers `304` and the cached
 * record is returned without a body. `sync()` keeps a whole local replica current with
 * `?since=<version>` (only what changed), for agents that read many records.
 */
export class KnowledgeReader {
  readonly #get: RawGet;
  readonly #records = new Map<string, { etag: string; record: KnowledgeRecord }>();
  #replica: Map<string, KnowledgeRecord> | null = null;
  /** The version the replica holds (0 before the first sync). */
  version = 0;

  constructor(
    readonly set: string,
    get: RawGet,
  ) {
    this.#get = get;
  }

  /** The record under `key` (null when the set has none). Throws WardenError 403 when the agent's cohort isn't granted the set. */
  async get(key: string): Promise<KnowledgeRecord | null> {
    const held = this.#records.get(key);
    const res = await this.#get(`/v1/knowledge/${encodeURIComponent(this.set)}/${encodeURIComponent(key)}`, held ? { "if-none-match": held.etag } : {});
    if (res.status === 304 && held) return held.record;
    if (res.status === 404) {
      this.#records.delete(key);
      return null;
    }
    const record = res.body as KnowledgeRecord;
    if (typeof record?.version !== "number" || record.key !== key) throw new WardenUnavailable("Warden answered a knowledge read with something that is not a record", { code: "malformed_response", status: res.status });
    if (res.etag) this.#records.set(key, { etag: res.etag, record });
    return record;
  }

  /** Brings the local replica up to the current version (every page of `?since=`); returns that version. */
  async sync(): Promise<number> {
    const replica = this.#replica ?? new Map<string, KnowledgeRecord>();
    let cursor: string | null = null;
    let version = this.version;
    do {
      const q: string = new URLSearchParams({ since: String(this.version), ...(cursor ? { cursor } : {}) }).toString();
      const res = await this.#get(`/v1/knowledge/${encodeURIComponent(this.set)}?${q}`, {});
      const page = res.body as { version: number; changes: KnowledgeChange[]; nextCursor: string | null };
      if (!Array.isArray(page?.changes)) throw new WardenUnavailable("Warden answered a knowledge sync with something that is not a change list", { code: "malformed_response", status: res.status });
      for (const c of page.changes) {
        if (c.op === "delete" || !c.record) replica.delete(c.key);
        else replica.set(c.key, { ...c.record, set: this.set, version: page.version });
      }
      version = page.version;
      cursor = page.nextCursor;
    } while (cursor);
    this.#replica = replica;
    this.version = version;
    return version;
  }

  /** A record from the replica (after sync()); undefined when absent. */
  cached(key: string): KnowledgeRecord | undefined {
    return this.#replica?.get(key);
  }
}


import { recordProblem, StaleKnowledgeError, unusableFrom } from "./freshness.ts";

/** One record of a published version, as held in memory (times in ms since the epoch). */
export type LoadedRecord = {
  key: string;
  value: unknown;
  source: string;
  proposedBy: string;
  approvedBy: string;
  publishedAt: number;
  effectiveFrom: number | null;
  expiresAt: number | null;
  /** The version that wrote this value (the record is unchanged since). */
  since: number;
};

/** What a set is, apart from its records: who may read it and how fresh its records must be. */
export type SetMeta = { id: string; name: string; maxAgeDays: number | null; readers: readonly string[] };

type Extreme = { at: number; key: string } | null;

/**
 * One published version of a set, immutable and shared: the per-instance cache, reads on the
 * data plane and every decision that evaluates it use the same object. Lookups are Map reads.
 * A newer version is derived from it by applying the changes (withChanges), so keeping a
 * 100,000-record set current costs what changed, not the whole set.
 */
export class PublishedSet {
  readonly readers: ReadonlySet<string>;
  /** The earliest moment any record stops being usable (expiry or end of freshness). */
  private readonly firstUnusable: Extreme;
  /** The latest effective-from of any record (a record not yet in force makes the set not wholly usable). */
  private readonly lastInForce: Extreme;
  private valuesMap: Map<string, unknown> | null = null;
  private chars: number | null = null;

  constructor(
    readonly meta: SetMeta,
    readonly version: number,
    readonly publishedAt: number | null,
    readonly records: ReadonlyMap<string, LoadedRecord>,
  ) {
    this.readers = new Set(meta.readers);
    let first: Extreme = null;
    let last: Extreme = null;
    for (const r of records.values()) {
      const until = unusableFrom(r, meta.maxAgeDays);
      if (until !== Infinity && (!first || until < first.at)) first = { at: until, key: r.key };
      if (r.effectiveFrom !== null && (!last || r.effectiveFrom > last.at)) last = { at: r.effectiveFrom, key: r.key };
    }
    this.firstUnusable = first;
    this.lastInForce = last;
  }

  get name(): string {
    return this.meta.name;
  }

  /** Why this record can't be relied on at `now`, or null. */
  problemOf(r: LoadedRecord, now: number): string | null {
    return recordProblem(r, this.meta.maxAgeDays, now);
  }

  /**
   * The record under `key` for a policy at `now`: undefined when there is none; throws
   * StaleKnowledgeError (naming it) when it is stale, expired or not yet in force.
   */
  usableRecord(key: string, now: number): LoadedRecord | undefined {
    const r = this.records.get(key);
    if (!r) return undefined;
    const problem = this.problemOf(r, now);
    if (problem) throw new StaleKnowledgeError(this.meta.name, key, this.version, problem);
    return r;
  }

  /** Throws StaleKnowledgeError naming a record when any record is unusable at `now` (O(1)). */
  assertWhollyUsable(now: number): void {
    const notYet = this.lastInForce && now < this.lastInForce.at ? this.lastInForce.key : null;
    const gone = this.firstUnusable && now >= this.firstUnusable.at ? this.firstUnusable.key : null;
    const key = notYet ?? gone;
    if (key === null) return;
    const r = this.records.get(key)!;
    throw new StaleKnowledgeError(this.meta.name, key, this.version, this.problemOf(r, now) ?? "not usable");
  }

  /** key → value of every record (built on first use): what CEL iterates when a condition uses the whole set. */
  values(): Map<string, unknown> {
    if (!this.valuesMap) {
      const m = new Map<string, unknown>();
      for (const [k, r] of this.records) m.set(k, r.value);
      this.valuesMap = m;
    }
    return this.valuesMap;
  }

  /** Length of the set as JSON (characters, computed once): what a condition iterating the whole set pays for. */
  jsonChars(): number {
    if (this.chars === null) {
      let n = 2;
      for (const [k, r] of this.records) n += k.length + 4 + (JSON.stringify(r.value)?.length ?? 4);
      this.chars = n;
    }
    return this.chars;
  }

  /** The next version: these keys changed (a record) or were removed (null). */
  withChanges(version: number, publishedAt: number, changes: Iterable<[string, LoadedRecord | null]>): PublishedSet {
    const next = new Map(this.records);
    for (const [key, r] of changes) {
      if (r) next.set(key, r);
      else next.delete(key);
    }
    return new PublishedSet(this.meta, version, publishedAt, next);
  }

  /** The same records under a changed definition (readers, freshness). */
  withMeta(meta: SetMeta): PublishedSet {
    return new PublishedSet(meta, this.version, this.publishedAt, this.records);
  }
}

/**
 * What one decision sees of one set: the version it evaluates and the decision's time, which
 * freshness is judged at. Policies read a set only through this (lib/policies wires CEL's
 * `data["<set>"]` to it).
 */
/** Marks a KnowledgeBinding without importing the class (CEL's wiring checks it by this). */
export const KNOWLEDGE_BINDING = Symbol.for("warden.knowledgeBinding");

export class KnowledgeBinding {
  readonly [KNOWLEDGE_BINDING] = true;
  readonly set: PublishedSet | null;
  private readonly problem: string;

  /** `set`: the version to evaluate, or why there is none ("has no published version"). */
  constructor(
    readonly name: string,
    set: PublishedSet | string | undefined,
    readonly now: number,
  ) {
    this.set = set instanceof PublishedSet ? set : null;
    this.problem = typeof set === "string" ? set : "was not loaded for this evaluation";
  }

  private published(): PublishedSet {
    if (!this.set) throw new StaleKnowledgeError(this.name, null, 0, this.problem);
    return this.set;
  }

  /** Throws when the set has no usable version (any use of it fails closed). */
  assertPublished(): void {
    this.published();
  }

  /** The record's value for a lookup, or undefined when the key has none; throws when it is stale. */
  lookup(key: unknown): { value: unknown } | undefined {
    const set = this.published();
    if (typeof key !== "string") return undefined;
    const r = set.usableRecord(key, this.now);
    return r ? { value: r.value } : undefined;
  }

  /** The whole set as a CEL map (key → value); throws when any record in it is stale. */
  whole(): Map<string, unknown> {
    const set = this.published();
    set.assertWhollyUsable(this.now);
    return set.values();
  }
}

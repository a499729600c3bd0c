import { pool } from "../db/index.ts";
import { PublishedSet } from "./published-set.ts";
import { metaOf, SET_COLUMNS, type SetRow } from "./sets.ts";
import { readVersionRecords } from "./store.ts";

/**
 * Past versions, for backtests: a policy draft replayed over recorded actions evaluates each
 * with the set versions that were current when it was decided (recorded on the action, or
 * found by time for sets its policies didn't use then).
 */

const MAX_HELD = 6;

/** Loads versions of sets on demand and keeps the last few (a backtest touches a handful). */
export class VersionLoader {
  private held = new Map<string, Promise<PublishedSet | string>>();
  private timelines = new Map<string, Promise<{ row: SetRow; versions: { version: number; at: number }[] } | null>>();

  private timeline(name: string) {
    let t = this.timelines.get(name);
    if (!t) {
      t = (async () => {
        const { rows } = await pool().query<SetRow>(`SELECT ${SET_COLUMNS} FROM knowledge_sets WHERE name = $1`, [name]);
        const row = rows[0];
        if (!row) return null;
        const vs = await pool().query<{ version: number; published_at: Date }>(`SELECT version, published_at FROM knowledge_versions WHERE set_id = $1 ORDER BY version`, [row.id]);
        return { row, versions: vs.rows.map((v) => ({ version: v.version, at: v.published_at.getTime() })) };
      })();
      this.timelines.set(name, t);
    }
    return t;
  }

  /** The version of the set that was current at `at` (0: none yet, or no such set). */
  async versionAt(name: string, at: Date): Promise<number> {
    const t = await this.timeline(name);
    if (!t) return 0;
    let v = 0;
    for (const x of t.versions) if (x.at <= at.getTime()) v = x.version;
    return v;
  }

  /** Version `version` of the set, or why it can't be had ("has no published version"). */
  load(name: string, version: number): Promise<PublishedSet | string> {
    const k = `${name}\u0000${version}`;
    let p = this.held.get(k);
    if (!p) {
      p = (async () => {
        const t = await this.timeline(name);
        if (!t) return "does not exist";
        if (version < 1) return "had no published version then";
        const v = t.versions.find((x) => x.version === version);
        if (!v) return `has no version ${version}`;
        const records = await readVersionRecords(t.row.id, version);
        return new PublishedSet(metaOf(t.row), version, v.at, new Map(records.map((r) => [r.key, r])));
      })();
      if (this.held.size >= MAX_HELD) this.held.delete(this.held.keys().next().value!);
      this.held.set(k, p);
    }
    return p;
  }
}

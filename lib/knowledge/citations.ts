import { pool } from "../db/index.ts";
import { knowledgeCache } from "./cache.ts";

/** A set version an agent says it used (`context.knowledge[]`), or a decision evaluated. */
export type KnowledgeRef = { set: string; version: number };

/** A flag on an action that cites a version it shouldn't. */
export type CitationFlag = { kind: "knowledge_citation"; set: string; version: number; message: string };

/**
 * Checks the versions an action cites (`context.knowledge: [{set, version}]`) against what was
 * published when it was asked: a version that was never published, or one already superseded,
 * gives a flag (recorded on the action at decision time; the decision itself is the policies').
 * The cached version answers most citations; one newer than the cache is checked in the
 * database, so a cache a moment behind a publish never flags a good citation.
 */
export async function checkCitations(cited: readonly KnowledgeRef[]): Promise<CitationFlag[]> {
  const flags: CitationFlag[] = [];
  const cache = knowledgeCache();
  for (const c of cited) {
    let current = (await cache.get(c.set).catch(() => null))?.version ?? 0;
    let exists = current > 0;
    if (c.version > current) {
      const { rows } = await pool().query<{ version: number }>(`SELECT version FROM knowledge_sets WHERE name = $1`, [c.set]);
      exists = rows.length > 0;
      current = rows[0]?.version ?? 0;
    }
    if (!exists) flags.push({ kind: "knowledge_citation", set: c.set, version: c.version, message: `Cites ${c.set} v${c.version}: there is no such knowledge set` });
    else if (c.version > current) flags.push({ kind: "knowledge_citation", set: c.set, version: c.version, message: `Cites ${c.set} v${c.version}, which was never published (latest: v${current})` });
    else if (c.version < current) flags.push({ kind: "knowledge_citation", set: c.set, version: c.version, message: `Cites ${c.set} v${c.version}, already superseded by v${current} when the action was asked` });
  }
  return flags;
}

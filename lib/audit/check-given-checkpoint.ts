import { pool } from "../db/index.ts";
import { checkAgainstCheckpoint } from "./check-checkpoint.ts";
import { checkCheckpointDocument, storedCheckpoint } from "./checkpoints.ts";
import { orderProblems, ranked, type RankedProblem, type VerifyProblem } from "./problems.ts";
import { prunedRanges } from "./pruned-ranges.ts";

export type CheckpointCheck = {
  /** True when the signature holds and the log still contains every position it signed. */
  ok: boolean;
  checkpoint: { seq: number; at: string; keyId: string; keyStatus: "current" | "retired" } | null;
  problems: VerifyProblem[];
};

/**
 * Checks one signed checkpoint — typically the copy an outsider kept from the file sink or the
 * `audit.checkpoint` webhook — against the log, without walking the chains: its signature
 * under a published checkpoint key; every chain still reaching the position it signed with the
 * signed hash there (not truncated, not rewritten and re-hashed); and its record still in the
 * database. Cheap (one snapshot, three queries), records nothing. A full proof of the links
 * from genesis up to it is `verifyAuditChain({ checkpoint })`. Throws database errors.
 */
export async function checkCheckpoint(doc: unknown): Promise<CheckpointCheck> {
  const check = checkCheckpointDocument(doc);
  if (!check.ok) return { ok: false, checkpoint: null, problems: [{ kind: "checkpoint_invalid", chain: null, chainSeq: null, seq: null, why: `the checkpoint can't be trusted: ${check.why}` }] };
  const cp = check.checkpoint;
  const client = await pool().connect();
  const problems: RankedProblem[] = [];
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const heads = (await client.query<{ chain: number; chain_seq: number; hash: string }>("SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY chain")).rows;
    problems.push(...(await checkAgainstCheckpoint(client, cp, "given", heads, await prunedRanges(client))));
    const here = checkCheckpointDocument(await storedCheckpoint(client, cp.seq));
    if (!here.ok || here.checkpoint.signature !== cp.signature) {
      problems.push(ranked({ kind: "checkpoint_missing", chain: null, chainSeq: null, seq: null, why: `checkpoint #${cp.seq} (${cp.at}) is missing from the database or differs there` }));
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  const found = orderProblems(problems);
  return { ok: found.length === 0, checkpoint: { seq: cp.seq, at: cp.at, keyId: cp.keyId, keyStatus: check.keyStatus }, problems: found };
}

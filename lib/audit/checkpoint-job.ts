import { pool } from "../db/index.ts";
import { keyRing } from "../signing/index.ts";
import { checkCheckpointDocument, newestStoredCheckpoint } from "./checkpoints.ts";
import { verifyAuditChain, type VerifyResult } from "./verify.ts";

/** Session advisory lock: one instance checkpoints at a time ("WCKP"). */
const CHECKPOINT_JOB_LOCK = 0x57434b50;

/**
 * The scheduled checkpoint (lib/jobs, every minute by default): when the log grew since the
 * newest checkpoint, an incremental verification from that checkpoint — which signs and
 * records a new one if it passes. Skipped when this process has no checkpoint key, when
 * another instance is at it, when nothing was written since, and after a failed verification
 * (a failure stands until someone verifies the log again: the schedule never papers over it).
 * Returns the verification, or null when skipped. Throws database errors.
 */
export async function checkpointOnSchedule(): Promise<VerifyResult | null> {
  if (!keyRing("checkpoints").current) return null;
  const client = await pool().connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock($1) AS locked`, [CHECKPOINT_JOB_LOCK]);
    if (!rows[0]?.locked) return null;
    try {
      const last = (await client.query<{ ok: boolean }>(`SELECT ok FROM audit_verifications ORDER BY at DESC, id DESC LIMIT 1`)).rows[0];
      if (last && !last.ok) return null;
      const heads = (await client.query<{ chain: number; chain_seq: number }>(`SELECT chain, chain_seq FROM audit_chain_heads ORDER BY chain`)).rows;
      const newest = checkCheckpointDocument(await newestStoredCheckpoint(client));
      const signed = newest.ok ? new Map(newest.checkpoint.heads.map((h) => [h.chain, h.chainSeq])) : null;
      const grew = signed ? heads.some((h) => Number(h.chain_seq) !== signed.get(h.chain)) : heads.some((h) => Number(h.chain_seq) > 0);
      if (!grew) return null;
      return await verifyAuditChain({ scope: "incremental", actor: "system:checkpoint" });
    } finally {
      await client.query(`SELECT pg_advisory_unlock($1)`, [CHECKPOINT_JOB_LOCK]);
    }
  } finally {
    client.release();
  }
}

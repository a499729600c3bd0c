import type pg from "pg";
import { pool, withPgTransaction } from "../db/index.ts";
import { keyRing, signDocument, verifyDocument } from "../signing/index.ts";
import { enqueueSql } from "../webhooks/index.ts";
import { CHECKPOINT_TYPE, signedCheckpointSchema, type CheckpointBody, type CheckpointHead, type SignedCheckpoint } from "./checkpoint.ts";
import { appendCheckpointLine, checkpointFilePath } from "./checkpoint-file.ts";

/** Where a new checkpoint went besides the database. */
export type CheckpointSinks = { file: "written" | "off" | `failed: ${string}`; webhook: "queued" };

/**
 * Signs the chain heads (a checkpoint: the heads, the time and the next checkpoint number) with
 * the checkpoint key — which is never in the database — and records it in `audit_checkpoints`
 * with its `audit.checkpoint` webhook deliveries in one transaction, then appends it to the
 * file sink (`WARDEN_CHECKPOINT_FILE`, flushed to disk). Call it only with heads a verification
 * just proved. Returns null when this process has no checkpoint key (a command-line tool
 * beside a server that holds it). A failing file sink doesn't undo the checkpoint: it is
 * reported in `sinks.file` and logged. Throws database errors.
 */
export async function recordCheckpoint(heads: CheckpointHead[]): Promise<{ checkpoint: SignedCheckpoint; sinks: CheckpointSinks } | null> {
  if (!keyRing("checkpoints").current) return null;
  const sorted = [...heads].sort((a, b) => a.chain - b.chain).map((h) => ({ chain: h.chain, chainSeq: Number(h.chainSeq), hash: h.hash }));
  const checkpoint = await withPgTransaction(async (run) => {
    const [row] = await run<{ seq: number }>(`SELECT nextval(pg_get_serial_sequence('audit_checkpoints', 'seq'))::bigint AS seq`, []);
    const body: CheckpointBody = { type: CHECKPOINT_TYPE, v: 1, seq: Number(row!.seq), at: new Date().toISOString(), heads: sorted };
    const signed: SignedCheckpoint = signDocument("checkpoints", body);
    await run(`INSERT INTO audit_checkpoints (seq, at, key_id, heads, document) VALUES ($1, $2, $3, $4::jsonb, $5)`, [
      signed.seq,
      signed.at,
      signed.keyId,
      JSON.stringify(signed.heads),
      JSON.stringify(signed),
    ]);
    const enqueue = enqueueSql("audit.checkpoint", signed);
    await run(enqueue.text, enqueue.values ?? []);
    return signed;
  });
  const file = checkpointFilePath();
  let written: CheckpointSinks["file"] = "off";
  if (file) {
    try {
      await appendCheckpointLine(file, checkpoint);
      written = "written";
    } catch (err) {
      written = `failed: ${(err as Error).message}`;
      console.error(`[audit] checkpoint #${checkpoint.seq} could not be appended to ${file}: ${(err as Error).message}`);
    }
  }
  return { checkpoint, sinks: { file: written, webhook: "queued" } };
}

type Runner = Pick<pg.PoolClient, "query">;

/** The newest checkpoint row's document, parsed (unchecked), or null when there is none. */
export async function newestStoredCheckpoint(client: Runner): Promise<unknown> {
  const { rows } = await client.query<{ document: string }>(`SELECT document FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`);
  return rows[0] ? parseDocument(rows[0].document) : null;
}

/** The stored document of checkpoint `seq`, parsed (unchecked), or null. */
export async function storedCheckpoint(client: Runner, seq: number): Promise<unknown> {
  const { rows } = await client.query<{ document: string }>(`SELECT document FROM audit_checkpoints WHERE seq = $1`, [seq]);
  return rows[0] ? parseDocument(rows[0].document) : null;
}

function parseDocument(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // not JSON: reported as a malformed checkpoint
  }
}

/** A checkpoint as the API lists it: the signed document and whether its signature holds here. */
export type CheckpointView = { checkpoint: unknown; signature: "valid" | "invalid"; why: string | null };

/**
 * The recorded checkpoints, newest first (`limit` 1..100, `before` a checkpoint seq for the next
 * page), each with its signature checked against the published keys.
 */
export async function listCheckpoints({ limit = 20, before }: { limit?: number; before?: number } = {}): Promise<{ checkpoints: CheckpointView[]; nextBefore: number | null }> {
  const { rows } = await pool().query<{ seq: number; document: string }>(
    `SELECT seq, document FROM audit_checkpoints WHERE ($1::bigint IS NULL OR seq < $1) ORDER BY seq DESC LIMIT $2`,
    [before ?? null, limit],
  );
  const checkpoints = rows.map((r): CheckpointView => {
    const doc = parseDocument(r.document);
    const check = checkCheckpointDocument(doc);
    return { checkpoint: doc, signature: check.ok ? "valid" : "invalid", why: check.ok ? null : check.why };
  });
  return { checkpoints, nextBefore: rows.length === limit ? Number(rows[rows.length - 1]!.seq) : null };
}

/** A checkpoint's shape and signature: the checkpoint, or why it can't be trusted. */
export function checkCheckpointDocument(doc: unknown): { ok: true; checkpoint: SignedCheckpoint; keyStatus: "current" | "retired" } | { ok: false; why: string; seq: number | null } {
  const seqOf = (d: unknown) => (typeof d === "object" && d !== null && typeof (d as { seq?: unknown }).seq === "number" ? (d as { seq: number }).seq : null);
  const shape = signedCheckpointSchema.safeParse(doc);
  if (!shape.success) {
    const first = shape.error.issues[0];
    return { ok: false, seq: seqOf(doc), why: `not a Warden checkpoint (${first ? `${first.path.join(".") || "document"}: ${first.message}` : "invalid"})` };
  }
  const sig = verifyDocument("checkpoints", doc);
  if (!sig.ok) return { ok: false, seq: shape.data.seq, why: sig.message };
  return { ok: true, checkpoint: shape.data as SignedCheckpoint, keyStatus: sig.status };
}

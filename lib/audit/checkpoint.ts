import { z } from "zod";
import type { Signed } from "../signing/index.ts";
import { AUDIT_CHAINS } from "./chain.ts";

export const CHECKPOINT_TYPE = "warden.audit.checkpoint";

/** One chain's position as a checkpoint records it: where the chain ended and that event's hash. */
export type CheckpointHead = { chain: number; chainSeq: number; hash: string };

/** What a checkpoint states before it is signed. */
export type CheckpointBody = {
  type: typeof CHECKPOINT_TYPE;
  v: 1;
  /** The checkpoint's own sequence number (gap-free unless a signing failed half-way). */
  seq: number;
  /** When it was signed (ISO 8601, UTC). */
  at: string;
  /** All AUDIT_CHAINS chains, in chain order. */
  heads: CheckpointHead[];
};

/** A checkpoint signed with the checkpoint key (lib/signing): what the database, the file sink and the `audit.checkpoint` webhook carry. */
export type SignedCheckpoint = Signed<CheckpointBody>;

/** Where verification found a checkpoint it checked the log against. */
export type CheckpointSource = "given" | "database" | "file";

/**
 * The shape of a signed checkpoint (the body of `POST /api/audit/checkpoints/check`, a line of
 * the file sink). Shape only: the signature is checked by `verifyDocument` against the
 * published keys.
 */
export const signedCheckpointSchema = z
  .strictObject({
    type: z.literal(CHECKPOINT_TYPE),
    v: z.literal(1),
    seq: z.number().int().positive(),
    at: z.iso.datetime(),
    heads: z
      .array(z.strictObject({ chain: z.number().int().min(0).max(AUDIT_CHAINS - 1), chainSeq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) }))
      .length(AUDIT_CHAINS),
    alg: z.literal("EdDSA"),
    keyId: z.string().min(1).max(128),
    signature: z.string().min(1).max(256),
  })
  .refine((c) => new Set(c.heads.map((h) => h.chain)).size === AUDIT_CHAINS, { message: "each chain must appear once", path: ["heads"] });

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { redactionKey } from "../redaction/index.ts";
import type { Receipt } from "./sign-receipt.ts";

/**
 * How a receipt is kept on its action row (`actions.receipt`, JSON text), so
 * `GET /v1/actions/{id}` and idempotent replays answer the very receipt that was issued.
 *
 * A receipt carries the raw resource and a plain SHA-256 of the raw input. When PII redaction
 * changed anything in the request, storing those in the clear would let whoever reads the
 * database test guesses of the redacted values (hash a guess, or check the signature against
 * a guessed payload) — exactly what redaction's keyed markers prevent. Such receipts are stored
 * sealed: AES-256-GCM under a key derived (HKDF-SHA256) from the redaction key, which is kept
 * outside the database; the action id is the additional authenticated data, so a sealed
 * receipt can't be moved to another row. Others are stored as they are.
 */
export type StoredReceipt = Receipt | { sealed: string };

const SEAL_VERSION = "v1";
let derived: { from: Uint8Array; key: Buffer } | null = null;

function sealKey(): Buffer {
  const from = redactionKey();
  if (derived?.from !== from) derived = { from, key: Buffer.from(hkdfSync("sha256", from, "warden", "receipt-seal-v1", 32)) };
  return derived.key;
}

/** The stored form of `receipt` for action `actionId`: sealed when `seal`, else the receipt itself. */
export function storedReceipt(receipt: Receipt, actionId: string, seal: boolean): StoredReceipt {
  if (!seal) return receipt;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(), iv);
  cipher.setAAD(Buffer.from(actionId, "utf8"));
  const body = Buffer.concat([cipher.update(JSON.stringify(receipt), "utf8"), cipher.final()]);
  return { sealed: `${SEAL_VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url")}` };
}

/** Whether a stored receipt (the column's text, or parsed) is sealed: a re-issued one is stored the same way. */
export function isSealed(stored: unknown): boolean {
  const value = typeof stored === "string" ? (JSON.parse(stored) as unknown) : stored;
  return typeof value === "object" && value !== null && "sealed" in value;
}

/**
 * The receipt kept for action `actionId`: the column's JSON text (or that text parsed). Throws
 * Error when the value is not a stored receipt, or a sealed one can't be opened (another
 * action's, altered, or sealed under another redaction key).
 */
export function openStoredReceipt(stored: unknown, actionId: string): Receipt {
  let value = stored;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new Error("not a stored receipt (not JSON)");
    }
  }
  if (typeof value !== "object" || value === null) throw new Error("not a stored receipt");
  const s = value as Record<string, unknown>;
  if (!("sealed" in s)) {
    if (typeof s.kid !== "string" || typeof s.signature !== "string" || typeof s.payload !== "object") throw new Error("not a stored receipt");
    return s as unknown as Receipt;
  }
  const [version, data] = typeof s.sealed === "string" ? s.sealed.split(".") : [];
  if (version !== SEAL_VERSION || !data) throw new Error("not a sealed receipt");
  const bytes = Buffer.from(data, "base64url");
  if (bytes.length < 12 + 16 + 2) throw new Error("sealed receipt too short");
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealKey(), bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(actionId, "utf8"));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const text = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString("utf8");
    return JSON.parse(text) as Receipt;
  } catch {
    throw new Error("the sealed receipt can't be opened (altered, another action's, or sealed under another redaction key)");
  }
}

// `npm run receipt:verify -- FILE --keys URL|FILE [--input FILE]`: verifies a saved answer of
// POST/GET /v1/actions (its `receipt`) or a bare receipt, offline, with the SDK's verifier.
//   FILE           the answer or receipt as JSON ("-" reads standard input)
//   --keys         Warden's receipt keys: a URL (http://warden:3000/api/keys/receipts, or just
//                  the base URL) or a file holding what that endpoint answers
//   --input FILE   optional: the raw input (JSON) the receipt must be about (its inputHash)
// Exit 0: valid (and it fits the answer / input given); 1: invalid, with the reason;
// 2: couldn't check (unreadable file, keys unreachable, bad usage).
import { readFileSync } from "node:fs";
import { fetchReceiptKeys, inputHash, verifyReceipt, type ReceiptKeys } from "../sdk/src/index.ts";

const USAGE = "usage: npm run receipt:verify -- FILE --keys URL|FILE [--input FILE]";

function cannotCheck(message: string): never {
  console.error(`cannot check: ${message}`);
  process.exit(2);
}

function invalid(reason: string, message: string): never {
  console.log(`invalid: ${reason} — ${message}`);
  process.exit(1);
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    cannotCheck(`${what} ${file} can't be read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    cannotCheck(`${what} ${file} is not JSON`);
  }
}

const args = process.argv.slice(2);
let file: string | undefined;
let keysFrom: string | undefined;
let inputFile: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === "--keys") keysFrom = args[++i];
  else if (a === "--input") inputFile = args[++i];
  else if (a === "--help" || a === "-h") {
    console.log(USAGE);
    process.exit(0);
  } else if (file === undefined && (!a.startsWith("--") || a === "-")) file = a;
  else cannotCheck(`unexpected argument ${a}\n${USAGE}`);
}
if (!file || !keysFrom) cannotCheck(USAGE);

const doc = readJson(file, "the answer") as Record<string, unknown> | null;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
if (!isObject(doc)) invalid("malformed", `${file} holds no answer or receipt (not a JSON object)`);
// An answer of /v1/actions carries its receipt; a bare receipt is {kid, alg, payload, signature}.
const answer = "receipt" in doc || "decision" in doc ? doc : null;
const receipt = answer ? answer.receipt : doc;
if (answer && receipt === undefined) invalid("missing", `the answer about ${String(answer.id)} carries no receipt`);

let keys: ReceiptKeys;
if (/^https?:\/\//.test(keysFrom)) {
  try {
    keys = await fetchReceiptKeys(keysFrom, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    cannotCheck(`the keys can't be fetched: ${(err as Error).message}`);
  }
} else {
  keys = readJson(keysFrom, "the keys file") as ReceiptKeys;
}

const check = await verifyReceipt(receipt, keys);
if (!check.ok) invalid(check.reason, check.message);
const p = check.payload;
if (answer) {
  const differs = [
    answer.id !== p.actionId && `the answer is about ${String(answer.id)}, the receipt about ${p.actionId}`,
    (answer.status !== p.status || answer.decision !== p.decision) && `the answer says ${String(answer.decision)}/${String(answer.status)}, the receipt ${p.decision}/${p.status}`,
  ].filter(Boolean);
  if (differs.length) invalid("mismatch", differs.join("; "));
}
if (inputFile) {
  const hash = await inputHash(readJson(inputFile, "the input"));
  if (hash !== p.inputHash) invalid("input_mismatch", `the receipt is about input ${p.inputHash}, ${inputFile} hashes to ${hash}`);
}
console.log(`valid: ${p.actionId} — ${p.action}${p.resource ? ` on ${p.resource}` : ""} by ${p.agentId}: ${p.decision} (${p.status}) at ${p.time}`);
console.log(`  signed by key ${check.kid} (${check.keyStatus})${p.approvers.length ? ` · approved by ${p.approvers.map((a) => a.email).join(", ")}` : ""}`);
console.log(`  input hash ${p.inputHash}${inputFile ? ` = ${inputFile}` : ""} · policies ${p.policyVersions.map((v) => `${v.policyId}@${v.version}`).join(", ") || "none"}`);
process.exit(0);

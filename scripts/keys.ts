// `npm run keys -- <command>`: Warden's signing keys (lib/signing), kept outside the database.
//   show [purpose]      the published keys of a purpose (checkpoints — the default — or
//                       receipts): id, state, public key
//   rotate [purpose]    a new data-directory key signs from now on; the old one stays published
//                       (running instances pick the new ring up at their next signature)
//   generate [purpose]  a new Ed25519 private key for WARDEN_CHECKPOINT_KEY / WARDEN_RECEIPT_KEY
//                       (base64 PKCS#8 DER), with its public key and key id — print it where
//                       only you can see it
// Uses WARDEN_DATA_DIR (default .data) and the WARDEN_<PURPOSE>_KEY(S) variables like the server.
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { readEnv } from "../lib/config/index.ts";
import { isSigningPurpose, keyIdOf, publishedKeys, rawPublicKey, rotateSigningKey, SIGNING_PURPOSES, type SigningPurpose } from "../lib/signing/index.ts";

readEnv(); // a malformed key variable stops here, with its name
const [command, purposeArg = "checkpoints"] = process.argv.slice(2);
const purpose = (isSigningPurpose(purposeArg) ? purposeArg : null) as SigningPurpose | null;

if (command === "generate" && purpose) {
  const { privateKey } = generateKeyPairSync("ed25519");
  const publicKey = createPublicKey(privateKey);
  console.log(`private key (set ${SIGNING_PURPOSES[purpose].env} to it; keep it secret, never in the database):\n  ${privateKey.export({ format: "der", type: "pkcs8" }).toString("base64")}`);
  console.log(`public key (raw, base64url): ${rawPublicKey(publicKey)}\nkey id: ${keyIdOf(publicKey)}`);
} else if ((command === "show" || command === "rotate") && purpose) {
  if (command === "rotate") {
    const { previous, current } = rotateSigningKey(purpose);
    console.log(`${purpose}: ${previous ? `${previous} retired, ` : ""}${current} signs from now on`);
  }
  const keys = publishedKeys(purpose);
  if (!keys.keys.length) console.log(`${purpose}: no key yet (start Warden once, or set its key variable)`);
  for (const k of keys.keys) console.log(`${purpose}  ${k.kid}  ${k.status.padEnd(7)}  x=${k.x}${k.retiredAt ? `  retired ${k.retiredAt}` : ""}`);
} else {
  console.error("usage: npm run keys -- show [checkpoints|receipts] | rotate [checkpoints|receipts] | generate [checkpoints|receipts]");
  process.exit(64);
}

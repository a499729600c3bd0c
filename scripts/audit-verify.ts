// `npm run audit:verify`: walks the whole audit chain from genesis and exits 1 if anything
// was altered, removed or reordered (`-- --incremental`: only what arrived since the last
// passing verification). Uses DATABASE_URL, or the embedded database in WARDEN_DATA_DIR.
import { verifyAuditChain } from "../lib/audit/index.ts";
import { connectDatabase } from "../lib/boot/index.ts";
import { readEnv } from "../lib/config/index.ts";
import { closeDb } from "../lib/db/index.ts";

const db = await connectDatabase(readEnv());
let code = 0;
try {
  const started = Date.now();
  const res = await verifyAuditChain({ scope: process.argv.includes("--incremental") ? "incremental" : "full", actor: "system:cli" });
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (res.ok) {
    console.log(`audit chain OK (${res.scope}): ${res.events} events in ${res.chains} chains, head ${res.head} (${took})`);
  } else {
    console.error(`audit chain BROKEN at seq ${res.firstBadSeq}: ${res.why} (${res.events} events read, ${took})`);
    code = 1;
  }
} finally {
  await closeDb();
  await db.stop();
}
process.exit(code);

// `npm run audit:verify`: walks the whole audit chain and exits 1 if anything was altered,
// removed or reordered. Uses DATABASE_URL, or the embedded database in WARDEN_DATA_DIR.
import { verifyAuditChain } from "../lib/audit/index.ts";
import { connectDatabase } from "../lib/boot/connect.ts";
import { readEnv } from "../lib/config/env.ts";
import { closeDb } from "../lib/db/index.ts";

const db = await connectDatabase(readEnv());
let code = 0;
try {
  const res = await verifyAuditChain();
  if (res.ok) {
    console.log(`audit chain OK: ${res.events} events in ${res.chains} chains, head ${res.head}`);
  } else {
    console.error(`audit chain BROKEN at seq ${res.firstBadSeq}: ${res.why} (${res.events} events read)`);
    code = 1;
  }
} finally {
  await closeDb();
  await db.stop();
}
process.exit(code);

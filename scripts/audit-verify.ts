// `npm run audit:verify`: walks the whole audit chain from genesis and checks it against signed
// checkpoints (the newest in the database, the last one in WARDEN_CHECKPOINT_FILE, and
// `-- --checkpoint FILE`: a checkpoint kept outside Warden — a JSON document, or a JSON-lines
// file whose last line is taken). Exits 1 if anything was altered, removed, reordered,
// truncated or re-hashed, 2 if the given checkpoint file can't be read. `-- --incremental`:
// only what arrived since the newest signed checkpoint. Uses DATABASE_URL, or the embedded
// database in WARDEN_DATA_DIR; keys from WARDEN_CHECKPOINT_KEY(S) or the data directory.
import { parseArgs } from "node:util";
import { readLastCheckpoint, verifyAuditChain } from "../lib/audit/index.ts";
import { connectDatabase } from "../lib/boot/index.ts";
import { readEnv } from "../lib/config/index.ts";
import { closeDb } from "../lib/db/index.ts";

const { values: args } = parseArgs({ options: { incremental: { type: "boolean", default: false }, checkpoint: { type: "string" } } });

let given: unknown;
if (args.checkpoint) {
  try {
    given = await readLastCheckpoint(args.checkpoint);
  } catch (err) {
    console.error(`can't read ${args.checkpoint}: ${(err as Error).message}`);
    process.exit(2);
  }
  if (given === null) {
    console.error(`${args.checkpoint} holds no checkpoint (a JSON document, or JSON lines)`);
    process.exit(2);
  }
}

const db = await connectDatabase(readEnv());
let code = 0;
try {
  const started = Date.now();
  const res = await verifyAuditChain({ scope: args.incremental ? "incremental" : "full", actor: "system:cli", checkpoint: given });
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const against = res.checkedAgainst.map((c) => `#${c.seq} of ${c.at} (${c.source}, key ${c.keyId.slice(0, 12)}…)`);
  if (res.ok) {
    console.log(`audit chain OK (${res.scope}): ${res.events} events in ${res.chains} chains, head ${res.head} (${took})`);
    console.log(against.length ? `  contains what these signed checkpoints saw: ${against.join("; ")}` : "  no signed checkpoint to check against yet");
    if (res.checkpoint) console.log(`  signed checkpoint #${res.checkpoint.seq} (key ${res.checkpoint.keyId}; file: ${res.sinks?.file ?? "off"})`);
    else console.log("  no checkpoint key in this environment: nothing signed (WARDEN_CHECKPOINT_KEY, or the data directory of the server)");
  } else {
    const where = res.chain === null ? "" : ` at chain ${res.chain} #${res.chainSeq}${res.firstBadSeq === null ? "" : ` (seq ${res.firstBadSeq})`}`;
    console.error(`audit chain BROKEN${where}: ${res.why} (${res.events} events read, ${took})`);
    for (const p of res.problems.slice(1, 50)) console.error(`  also: ${p.why}`);
    if (against.length) console.error(`  checked against: ${against.join("; ")}`);
    code = 1;
  }
} finally {
  await closeDb();
  await db.stop();
}
process.exit(code);

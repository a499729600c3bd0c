// `npm run audit:retention -- --before 2026-01-01 [--yes]`: drops the audit log's monthly
// partitions that end on or before that date (retention). Without --yes it only lists what it
// would drop. The removed runs are recorded so the chains still verify, and the drop itself is
// an audit event.
import { applyAuditRetention, listAuditPartitions } from "../lib/audit/index.ts";
import { connectDatabase } from "../lib/boot/index.ts";
import { readEnv } from "../lib/config/index.ts";
import { closeDb } from "../lib/db/index.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const before = new Date(arg("--before") ?? "");
if (Number.isNaN(before.getTime())) {
  console.error("usage: npm run audit:retention -- --before <YYYY-MM-DD> [--yes]");
  process.exit(64);
}
const db = await connectDatabase(readEnv());
let code = 0;
try {
  const doomed = (await listAuditPartitions()).filter((p) => p.to <= before);
  if (!doomed.length) console.log(`no partition ends on or before ${before.toISOString()}`);
  else if (!process.argv.includes("--yes")) {
    for (const p of doomed) console.log(`would drop ${p.name} (${p.from.toISOString().slice(0, 7)}, ~${p.events} events)`);
    console.log("run again with --yes to drop them");
  } else {
    const { dropped } = await applyAuditRetention({ before, actor: "system:retention" });
    for (const d of dropped) console.log(`dropped ${d.name}: ${d.events} events`);
  }
} catch (err) {
  console.error((err as Error).message);
  code = 1;
} finally {
  await closeDb();
  await db.stop();
}
process.exit(code);

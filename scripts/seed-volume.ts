// `npm run seed:volume -- [--events N] [--days D] [--agents A] [--seed S]`: fills the database
// with a realistic history of governed actions (default a million over the last 30 days) and
// the audit events the product would have written for them, bulk-loaded with COPY; the audit
// chain still verifies afterwards. Registers agents up to --agents first (default 60). Inputs,
// contexts, resources, outputs and errors are PII-redacted with the rules and key the product
// uses (lib/redaction), so the key must be Warden's: WARDEN_REDACTION_KEY, NEXTAUTH_SECRET, or the
// one kept in WARDEN_DATA_DIR, as `npm start` picks it. Uses DATABASE_URL, or the embedded
// database in WARDEN_DATA_DIR (migrated: start Warden once).
import { connectDatabase } from "../lib/boot/index.ts";
import { adoptDataDirSecrets } from "../lib/boot/index.ts";
import { readEnv } from "../lib/config/index.ts";
import { closeDb, pool } from "../lib/db/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { redactionKey, redactionSettings, redactorFor } from "../lib/redaction/index.ts";
import { parseVolumeArgs, seedVolume, VOLUME_USAGE, type VolumeArgs } from "./seed-volume/index.ts";

let args: VolumeArgs;
try {
  args = parseVolumeArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n${VOLUME_USAGE}`);
  process.exit(64);
}
if (args.help) {
  console.log(VOLUME_USAGE);
  process.exit(0);
}

const env = readEnv();
// The same secret `npm start` uses (lib/boot/prepare.ts): request hashes and redaction markers are keyed by it.
await adoptDataDirSecrets(env.WARDEN_DATA_DIR);
const db = await connectDatabase(env);
let code = 0;
try {
  const migrated = (await pool().query<{ ok: boolean }>(`SELECT to_regclass('actions') IS NOT NULL AND to_regclass('audit_chain_heads') IS NOT NULL AS ok`)).rows[0]?.ok;
  if (!migrated) throw new Error("the database has no Warden schema yet: start Warden once (npm start) or run npm run db:migrate");
  const { rules } = await redactionSettings();
  const key = redactionKey();
  const res = await seedVolume({
    events: args.events,
    days: args.days,
    agents: args.agents,
    seed: args.seed,
    redactor: () => redactorFor(rules, key),
    log: (m) => console.log(`[seed:volume] ${m}`),
  });
  const secs = res.ms / 1000;
  console.log(
    `[seed:volume] done: ${res.actions.toLocaleString("en")} actions and ${res.auditEvents.toLocaleString("en")} audit events from ${res.from.toISOString()} to ${res.to.toISOString()} ` +
      `across ${res.agents} agents in ${secs.toFixed(1)} s (${Math.round((res.actions + res.auditEvents) / secs).toLocaleString("en")} rows/s). Check the chain with: npm run audit:verify`,
  );
} catch (err) {
  console.error(`[seed:volume] failed: ${(err as Error).message}`);
  code = 1;
} finally {
  await closeBus();
  await closeDb();
  await db.stop();
}
process.exit(code);

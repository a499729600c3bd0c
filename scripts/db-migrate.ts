// `npm run db:migrate`: applies pending migrations (Warden also does this at every start).
import { connectDatabase } from "../lib/boot/connect.ts";
import { readEnv } from "../lib/config/env.ts";
import { migrate } from "../lib/db/migrate.ts";

const db = await connectDatabase(readEnv());
try {
  const { applied, alreadyApplied } = await migrate(db.url);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : `up to date (${alreadyApplied} migrations)`);
} finally {
  await db.stop();
}
process.exit(0);

// `npm run db:migrate`: applies pending migrations (Warden also does this at every start).
import { connectDatabase } from "../lib/boot/index.ts";
import { readEnv } from "../lib/config/index.ts";
import { migrate } from "../lib/boot/index.ts";

const db = await connectDatabase(readEnv());
try {
  const { applied, alreadyApplied } = await migrate(db.url);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : `up to date (${alreadyApplied} migrations)`);
} finally {
  await db.stop();
}
process.exit(0);

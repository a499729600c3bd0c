// `npm run db:check`: do prisma/schema.prisma and prisma/migrations describe the same
// database? Prints the SQL a migration would need (exit 1), or "in sync". `-- --ddl` also
// prints the full DDL the schema implies. `npm run db:migration -- <name>` writes the fix.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/boot/index.ts";
import { diffMigrationsToSchema, schemaDdl } from "./db/schema-engine.ts";

const dir = await mkdtemp(path.join(os.tmpdir(), "warden-db-check-"));
await chmod(dir, 0o755);
const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "check", database: "postgres", persistent: false });
let code = 0;
try {
  const connection = { ...db.connection, database: "postgres" };
  if (process.argv.includes("--ddl")) console.log(await schemaDdl(connection));
  const res = await diffMigrationsToSchema({ connection });
  if (res.inSync) console.log("schema.prisma and the migrations are in sync");
  else {
    code = 1;
    console.log(`The migrations lack:\n\n${res.sql}\n\nRun npm run db:migration -- <name> to write it as a migration.`);
  }
} finally {
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
process.exit(code);

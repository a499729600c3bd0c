// `npm run db:check`: do prisma/schema.prisma and prisma/migrations describe the same
// database? Prints what only one side has (exit 1), or "in sync". `-- --ddl` also prints
// the full DDL the schema implies, to copy from when writing the next migration by hand.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/db/embedded.ts";
import { schemaDdl, schemaDrift } from "../lib/db/schema-engine.ts";

const dir = await mkdtemp(path.join(os.tmpdir(), "warden-db-check-"));
await chmod(dir, 0o755);
const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "check", database: "postgres", persistent: false });
let code = 0;
try {
  const connection = { ...db.connection, database: "postgres" };
  if (process.argv.includes("--ddl")) console.log(await schemaDdl(connection));
  const res = await schemaDrift({ connection });
  if (res.inSync) console.log("schema.prisma and the migrations are in sync");
  else {
    code = 1;
    for (const l of res.onlyInSchema) console.log(`+ only in schema.prisma: ${l}`);
    for (const l of res.onlyInMigrations) console.log(`- only in migrations:    ${l}`);
    console.log("\nWrite a migration in prisma/migrations/<timestamp>_<name>/migration.sql that closes the gap.");
  }
} finally {
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
process.exit(code);

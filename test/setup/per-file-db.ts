import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { ensureSigningKey } from "../../lib/signing/index.ts";
import { dropCreatedDatabases, switchToFreshDatabase } from "../support/db.ts";

// Each test file starts on its own database cloned from the migrated template.
process.env.NEXTAUTH_SECRET = "integration-test-secret-0123456789abcdefghij";
// …and its own data directory (generated keys such as the checkpoint key), never the developer's .data.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "warden-test-data-"));
process.env.WARDEN_DATA_DIR = dataDir;
ensureSigningKey("checkpoints"); // as an instance does when it starts serving (lib/jobs)
ensureSigningKey("receipts");
await switchToFreshDatabase();

afterAll(async () => {
  await dropCreatedDatabases();
  rmSync(dataDir, { recursive: true, force: true });
});

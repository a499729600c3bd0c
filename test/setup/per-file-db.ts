import { afterAll } from "vitest";
import { dropCreatedDatabases, switchToFreshDatabase } from "../support/db.ts";

// Each test file starts on its own database cloned from the migrated template.
process.env.NEXTAUTH_SECRET = "integration-test-secret-0123456789abcdefghij";
await switchToFreshDatabase();

afterAll(dropCreatedDatabases);

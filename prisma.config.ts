import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma's CLI insists on starting its native schema engine, which can't be downloaded
// here. `generate`, `validate` and `format` only need the variable to name a file; the
// stub explains what to use instead if the engine is ever actually invoked.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, "scripts", "prisma-engine-offline.sh");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/warden" },
});

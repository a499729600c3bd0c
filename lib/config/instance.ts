import { randomBytes } from "node:crypto";

// Set once, when this module is first evaluated — before server.ts forks any worker, since it
// imports lib/config first — so every worker of one start inherits the same id through its
// environment. A process started with the variable already set (a worker) keeps it.
process.env.WARDEN_INSTANCE_ID ??= `ins_${randomBytes(9).toString("base64url")}`;

/**
 * This start's instance id (`ins_` + 12 base64url characters), the same in every worker of one
 * start and new on each start: `GET /api/health` answers it, and the runtime file in the data
 * directory records it (lib/boot `writeRuntimeInfo`), so a script that reads that file can tell
 * the Warden it names from anything else answering on the port (`npm run demo:agents`).
 * Kept in the environment variable `WARDEN_INSTANCE_ID` (internal; not a setting).
 */
export function instanceId(): string {
  return (process.env.WARDEN_INSTANCE_ID ??= `ins_${randomBytes(9).toString("base64url")}`);
}

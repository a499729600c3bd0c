import { instanceId } from "@/lib/config/index.ts";
import { pool, replicaStatus } from "@/lib/db/index.ts";
import { json } from "@/lib/http/index.ts";

export const dynamic = "force-dynamic";

/**
 * Liveness of the primary (`db`), and, when DATABASE_REPLICA_URL is set, the read replica's
 * state and lag (`replica`: streaming / lagging / unreachable / not_standby, lagMs, maxLagMs):
 * a lagging or unreachable replica leaves Warden healthy (its reads go to the primary).
 * `service` and `instance` let a local script (npm run demo:agents) tell this Warden from
 * whatever else may answer on a port before it sends any credentials.
 */
export async function GET(): Promise<Response> {
  const who = { service: "warden", instance: instanceId() } as const;
  try {
    await pool().query("SELECT 1");
  } catch {
    return json({ ok: false, db: "down", ...who }, 503);
  }
  const replica = await replicaStatus();
  if (replica.state === "not_configured") return json({ ok: true, db: "up", ...who });
  return json({ ok: true, db: "up", ...who, replica: { state: replica.state, lagMs: replica.lagMs, maxLagMs: replica.maxLagMs, replayPaused: replica.replayPaused, checkedAt: replica.checkedAt } });
}

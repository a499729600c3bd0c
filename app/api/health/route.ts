import { instanceId } from "@/lib/config/index.ts";
import { pool } from "@/lib/db/index.ts";
import { json } from "@/lib/http/index.ts";

export const dynamic = "force-dynamic";

// `service` and `instance` let a local script (npm run demo:agents) tell this Warden from
// whatever else may answer on a port before it sends any credentials.
export async function GET(): Promise<Response> {
  const who = { service: "warden", instance: instanceId() } as const;
  try {
    await pool().query("SELECT 1");
    return json({ ok: true, db: "up", ...who });
  } catch {
    return json({ ok: false, db: "down", ...who }, 503);
  }
}

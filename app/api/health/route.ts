import { pool } from "@/lib/db/index.ts";
import { json } from "@/lib/http/index.ts";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    await pool().query("SELECT 1");
    return json({ ok: true, db: "up" });
  } catch {
    return json({ ok: false, db: "down" }, 503);
  }
}

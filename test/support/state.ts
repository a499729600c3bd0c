import { pool } from "../../lib/db/index.ts";

/**
 * What a refused request must leave as it was: the row counts of every table a request can
 * write, and the audit chain heads (every change appends an audit event, so an unchanged head
 * means nothing was recorded). One query.
 */
export async function stateSnapshot(): Promise<string> {
  const { rows } = await pool().query<{ s: string }>(
    `SELECT concat_ws('|',
        (SELECT count(*) FROM actions), (SELECT count(*) FROM agents), (SELECT count(*) FROM agent_keys),
        (SELECT count(*) FROM cohorts), (SELECT count(*) FROM policies), (SELECT count(*) FROM policy_versions),
        (SELECT count(*) FROM users), (SELECT count(*) FROM api_tokens), (SELECT count(*) FROM approvals),
        (SELECT count(*) FROM webhooks), (SELECT count(*) FROM webhook_deliveries), (SELECT count(*) FROM settings),
        (SELECT count(*) FROM audit_verifications), (SELECT count(*) FROM user_sessions),
        (SELECT string_agg(chain || ':' || chain_seq, ',' ORDER BY chain) FROM audit_chain_heads),
        (SELECT string_agg(id || coalesce(halt_reason, '-'), ',' ORDER BY id) FROM agents WHERE halted_at IS NOT NULL),
        (SELECT string_agg(id || coalesce(halt_reason, '-'), ',' ORDER BY id) FROM cohorts WHERE halted_at IS NOT NULL),
        (SELECT coalesce(halt_reason, '-') FROM control_state WHERE halted_at IS NOT NULL)) AS s`,
  );
  return rows[0]!.s;
}

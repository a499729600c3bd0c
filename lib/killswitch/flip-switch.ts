import pg from "pg";
import type { SettleTarget } from "../actions/index.ts";
import type { AuditInput } from "../audit/index.ts";

export type Scope = { kind: "agent"; agentId: string } | { kind: "cohort"; name: string } | { kind: "global" };

/** What a switch flip covers once it ran: its display name, what it settles, its audit event's fields. */
export type Flipped = {
  target: string;
  previousReason: string | null;
  settle: SettleTarget;
  audit: Omit<AuditInput, "actor" | "data" | "kind"> & { data: Record<string, unknown> };
};

type FlipRow = { id: string | number; name: string | null; cohort: string | null; previous_reason: string | null };

/**
 * One SQL statement (literals inlined, for a batched round trip) that sets (`set` given) or
 * clears (`set` null) the switch of `scope`, locking its row first, and returns one row
 * `{id, name, cohort, previous_reason}` — the reason it held before — or no row when the agent
 * or cohort doesn't exist. Read it back with `flippedOf`.
 */
export function flipSwitchSql(scope: Scope, set: { reason: string; actor: string } | null): string {
  const lit = pg.escapeLiteral;
  const values = set ? `halted_at = clock_timestamp(), halt_reason = ${lit(set.reason)}, halted_by = ${lit(set.actor)}` : "halted_at = NULL, halt_reason = NULL, halted_by = NULL";
  if (scope.kind === "agent") {
    return `UPDATE agents a SET ${values}, updated_at = now()
              FROM (SELECT a0.id, a0.halt_reason AS previous_reason, c.name AS cohort FROM agents a0 JOIN cohorts c ON c.id = a0.cohort_id WHERE a0.id = ${lit(scope.agentId)} FOR UPDATE OF a0) o
             WHERE a.id = o.id
         RETURNING a.id, a.name, o.cohort, o.previous_reason`;
  }
  if (scope.kind === "cohort") {
    return `UPDATE cohorts c SET ${values}, updated_at = now()
              FROM (SELECT id, halt_reason AS previous_reason FROM cohorts WHERE name = ${lit(scope.name)} FOR UPDATE) o
             WHERE c.id = o.id
         RETURNING c.id, c.name, c.name AS cohort, o.previous_reason`;
  }
  return `UPDATE control_state s SET ${values}, updated_at = now()
            FROM (SELECT id, halt_reason AS previous_reason FROM control_state WHERE id = 1 FOR UPDATE) o
           WHERE s.id = o.id
       RETURNING s.id, NULL::text AS name, NULL::text AS cohort, o.previous_reason`;
}

/** The flip's row (from `flipSwitchSql`) as what it covers; null when there was no such agent or cohort. */
export function flippedOf(scope: Scope, rows: unknown[]): Flipped | null {
  const r = rows[0] as FlipRow | undefined;
  if (!r) return null;
  if (scope.kind === "agent") {
    const id = String(r.id);
    return { target: r.name!, previousReason: r.previous_reason, settle: { agentId: id }, audit: { subject: `agent:${id}`, agentId: id, cohort: r.cohort, data: { name: r.name } } };
  }
  if (scope.kind === "cohort") return { target: r.name!, previousReason: r.previous_reason, settle: { cohort: r.name! }, audit: { subject: `cohort:${r.name}`, cohort: r.name, data: {} } };
  return { target: "everything", previousReason: r.previous_reason, settle: { all: true }, audit: { subject: "global", data: {} } };
}

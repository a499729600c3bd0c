import type pg from "pg";
import type { Statement } from "../db/index.ts";
import type { InitialStatus, Reason } from "../actions/index.ts";
import type { AuditInput } from "../audit/index.ts";
import { BreakerGate, breakerGateSql } from "../breakers/index.ts";
import { budgetOpenSql, BudgetLedger, type DraftBudget, type OpenedBudget } from "../budgets/index.ts";
import { capabilitiesOf, isGranted, notGrantedReason } from "../grants/index.ts";
import { decisionSignalsSql, scopeKey, scopesOf, type DecisionSignal, type ScopeRef } from "../signals/index.ts";
import type { BudgetExceededPayload } from "../webhooks/index.ts";

/** Reason codes that mean Warden's containment stopped the action (not the agent's doing). */
const STOPPED = new Set<Reason["code"]>(["agent_halted", "cohort_halted", "global_halt", "circuit_open"]);

/** What containment needs of a draft. */
export type ContainedDraft = { id: string; agentId: string; action: string; resource: string; rawResource: string; status: InitialStatus; reasons: Reason[]; budgets: DraftBudget[]; quorum: number | null; timeoutSeconds: number | null };

/** A draft's decision after containment: possibly denied or escalated, with its approval settings. */
export type Contained = { status: InitialStatus; reasons: Reason[]; quorum: number | null; timeoutSeconds: number | null };

/**
 * The group commit's containment step (issue #11), kept apart from commit-batch.ts:
 *
 * 1. `openSql(drafts)` — statements for the first round trip, run under the shared HALT_LOCK:
 *    breakers that hold something (and half-open ones' probes, locked) and the budgets the
 *    drafts count against (locked, windows moved; lib/budgets `budget_open`).
 * 2. `decide(draft, gate)` — per draft, in arrival order, after keys and halts: an open
 *    breaker → denied `circuit_open`; outside the agent's grants as read now → denied
 *    `not_granted`; then the budgets (→ denied `budget_exceeded`, or escalated, or reserved).
 * 3. `finish(inserted, …)` — statements for the last round trip: reservations and running
 *    totals, probes counted, and the batch's signals (one upsert per table), plus the
 *    `budget.exceeded` audit events and webhooks to write with the batch's own.
 */
export class Containment {
  static openSql(drafts: { budgets: DraftBudget[] }[]): Statement[] {
    return [...breakerGateSql(), ...budgetOpenSql(drafts)];
  }

  private breakers: BreakerGate;
  private ledger: BudgetLedger;

  /** `results`: what openSql's statements returned, in order. */
  constructor(results: pg.QueryResult[]) {
    this.breakers = new BreakerGate(results[0]!.rows as never, results[1]!.rows as never);
    this.ledger = results.length > 2 ? new BudgetLedger(results[2]!.rows as OpenedBudget[], results[3]!.rows as { budget_id: string; resource: string }[]) : new BudgetLedger([], []);
  }

  /** The draft's decision once breakers, grants (as stored now) and budgets have had their say. */
  decide(d: ContainedDraft, gate: { cohort: string; capabilities: unknown }, opts: { replay?: boolean } = {}): Contained {
    const base: Contained = { status: d.status, reasons: d.reasons, quorum: d.quorum, timeoutSeconds: d.timeoutSeconds };
    const circuit = this.breakers.check(d.id, d.agentId, gate.cohort);
    if (circuit) return { ...base, status: "denied", reasons: [circuit], quorum: null, timeoutSeconds: null };
    // Grants as stored now (they change under the exclusive HALT_LOCK): an agent narrowed after
    // its identity was cached is held to its new grants.
    if (d.reasons[0]?.code !== "not_granted" && !isGranted(capabilitiesOf(gate.capabilities), d.action, d.rawResource)) {
      // Matched on the resource as asked; the message names it as stored (PII redacted).
      return { ...base, status: "denied", reasons: [notGrantedReason(d.action, d.resource)], quorum: null, timeoutSeconds: null };
    }
    if (d.status === "denied" || d.budgets.length === 0) return base;
    // A predicted replay (replay-keys.ts) is judged but reserves nothing: its insert won't happen.
    const v = this.ledger.decide({ actionId: d.id, agentId: d.agentId, cohort: gate.cohort, willBe: d.status }, d.budgets, { reserve: !opts.replay });
    if (v.verdict === "fits") return base;
    if (v.verdict === "deny") return { status: "denied", reasons: v.reasons, quorum: null, timeoutSeconds: null };
    const policyReasons = d.status === "pending" ? d.reasons : [];
    return {
      status: "pending",
      reasons: [...policyReasons, ...v.reasons],
      quorum: Math.max(d.quorum ?? 1, v.quorum),
      timeoutSeconds: Math.min(d.timeoutSeconds ?? v.timeoutSeconds, v.timeoutSeconds),
    };
  }

  /**
   * The last round trip's statements for the drafts really inserted, and the audit events and
   * webhooks budgets add. `decided` are the batch's new decisions; `shard` the audit chain the
   * transaction holds; `tracksResources` which scopes keep resource sets.
   */
  finish(
    inserted: Set<string>,
    decided: { agentId: string; cohort: string; version?: string | null; action: string; resource: string; status: InitialStatus; reasons: Reason[]; pii: boolean }[],
    opts: { shard: number; tracksResources: (s: ScopeRef) => boolean },
  ): { before: Statement[]; after: Statement[]; audit: AuditInput[]; webhooks: BudgetExceededPayload[]; scopes: ScopeRef[] } {
    const budgets = this.ledger.finish(inserted);
    const signals: DecisionSignal[] = decided.map((r) => ({
      agentId: r.agentId,
      cohort: r.cohort,
      // The agent version it ran under: signals count it per version too (rollout guards).
      version: r.version ?? null,
      action: r.action,
      resource: r.resource,
      pii: r.pii,
      outcome: r.status === "allowed" ? "allowed" : r.status === "pending" ? "escalated" : r.reasons.some((x) => STOPPED.has(x.code)) ? "stopped" : "denied",
    }));
    const scopes = new Map<string, ScopeRef>();
    // By scopeKey: an agent and the agent at a version are two scopes (a versioned action would otherwise hide its agent scope from the breakers).
    for (const r of decided) for (const s of scopesOf(r)) scopes.set(scopeKey(s), s);
    return {
      // Rows this transaction already holds (budget totals, half-open breakers) first…
      before: [...budgets.sql, ...this.breakers.finishSql(inserted)],
      // …and the signal rows last, so their locks are held only until the commit right after.
      after: decisionSignalsSql(signals, opts),
      audit: budgets.audit,
      webhooks: budgets.webhooks,
      scopes: [...scopes.values()],
    };
  }
}

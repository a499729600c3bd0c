import { randomUUID } from "node:crypto";
import { decidedEvent, EXPIRED_REASON, initialStatus, settledEvent, toDbStatus, type ActionStatus, type Reason } from "../../lib/actions/index.ts";
import { isAgentOwner, voteEvent, voteOutcomeMessage } from "../../lib/approvals/index.ts";
import type { AuditInput } from "../../lib/audit/index.ts";
import { requestHash } from "../../lib/decisions/index.ts";
import { newId } from "../../lib/ids.ts";
import { evaluatePolicies, evaluatePostChecks, type CompiledPolicy, type EvalInput } from "../../lib/policies/index.ts";
import { esc, json, opt, ts } from "./copy.ts";
import type { Approver, SeedAgent } from "./estate.ts";
import type { Rng } from "./rng.ts";
import type { Intent, makeTraffic, Picker, Plan } from "./traffic.ts";
import { pickAgent } from "./traffic.ts";

/**
 * One governed action and its audit trail, as the product would have recorded it: the real
 * policies decide, and every audit event is built by the same function the live transition
 * uses (lib/actions decidedEvent/settledEvent, lib/approvals voteEvent), stamped with its
 * historical time.
 */

/** The shape of lib/redaction's StorageRedactor the history needs. */
export type SeedRedactor = {
  document(root: "input" | "context" | "output", value: unknown): unknown;
  text(value: string): string;
  resource(value: string): string;
  readonly redactions: readonly unknown[];
  /** The markers it wrote (for actions.pii_markers). */
  readonly markers: readonly string[];
};

/** An audit event to be chained, with a tie-breaker for events at the same millisecond. */
export type PendingEvent = AuditInput & { at: Date; ord: number };

export type Built = { row: string; events: PendingEvent[]; approvals: string[]; status: ActionStatus; at: number };

const APPROVE_COMMENTS = ["", "", "", "Within the season plan", "OK, checked with the buyer", "Confirmed with the store manager", "Fine for this client", "Agreed: stock is ageing"];
const REJECT_COMMENTS = ["", "Too deep for this line", "Stock already in transit from the DC", "Outside the refund policy", "Please resubmit with the order history", "Not before the sale starts"];

export type Context = {
  r: Rng;
  pre: CompiledPolicy[];
  post: CompiledPolicy[];
  approvers: Approver[];
  redactor: () => SeedRedactor;
  traffic: ReturnType<typeof makeTraffic>;
  to: number;
  ord: number;
  /** The knowledge sets the policies read, at their current versions (history is decided against them). */
  knowledge?: EvalInput["knowledge"];
};

function weightedApprover(r: Rng, list: Approver[], exclude: Set<string>): Approver | null {
  const pool = list.filter((u) => !exclude.has(u.id));
  if (!pool.length) return null;
  let x = r.next() * pool.reduce((n, u) => n + u.weight, 0);
  for (const u of pool) if ((x -= u.weight) < 0) return u;
  return pool[pool.length - 1]!;
}

export function evalInput(a: SeedAgent, plan: Pick<Plan, "action" | "resource" | "input" | "context">, now: number, knowledge?: EvalInput["knowledge"]): EvalInput {
  return {
    knowledge,
    agent: { id: a.id, name: a.name, cohort: a.cohort, owner: a.owner, riskTier: a.riskTier },
    action: plan.action,
    resource: plan.resource,
    input: plan.input,
    context: plan.context,
    now: new Date(now),
  };
}

/**
 * One action as the product would have recorded it: the request decided by the real policies,
 * a human's answer or the timeout for pending ones, a result for most allowed ones, and every
 * audit event on the way.
 */
export function buildAction(c: Context, t: number, pickers: Record<Intent, Picker>): Built {
  const { r } = c;
  const roll = r.next();
  let intent: Intent = roll < 0.86 ? "allow" : roll < 0.94 ? "deny" : "approval";
  if (intent === "approval" && c.to - t < 5 * 60_000) intent = "allow"; // too recent to be settled
  if (!pickers[intent]) intent = "allow";
  let agent = pickAgent(r, pickers[intent]!);
  let plan!: Plan;
  let ev!: ReturnType<typeof evaluatePolicies>;
  let resolution: { status: "approved" | "rejected" | "expired"; votes: { at: number; user: Approver; vote: "APPROVE" | "REJECT"; comment: string }[]; decidedAt: number } | null = null;
  for (let attempt = 0; ; attempt++) {
    plan = c.traffic[agent.cohort](agent, intent, t);
    ev = evaluatePolicies(c.pre, evalInput(agent, plan, t, c.knowledge));
    const got: Intent = ev.decision === "allow" ? "allow" : ev.decision === "deny" ? "deny" : "approval";
    if (got !== intent && attempt < 2) continue;
    if (ev.decision !== "pending") break;
    resolution = settle(c, agent, t, ev);
    if (resolution || attempt >= 6) break;
    // Nobody could have settled it yet: ask for something ordinary instead.
    intent = "allow";
    agent = pickAgent(r, pickers.allow!);
  }

  const id = newId("act", t);
  const subject = `action:${id}`;
  const idempotencyKey = r.chance(0.2) ? randomUUID() : null;
  const hash = requestHash({ action: plan.action, resource: plan.resource, input: plan.input, context: plan.context });
  // Policies saw the raw request; what is stored is redacted (decide.ts).
  const stored = c.redactor();
  const resource = stored.resource(plan.resource);
  const input = stored.document("input", plan.input);
  const context = stored.document("context", plan.context);
  const markers = [...stored.markers];
  const decided = initialStatus(ev.decision);
  const status: ActionStatus = resolution?.status ?? decided;
  const events: PendingEvent[] = [];
  const event = (at: number, e: AuditInput) => events.push({ ...e, at: new Date(at), ord: c.ord++ });
  const facts = { id, agentId: agent.id, agentName: agent.name, cohort: agent.cohort, action: plan.action, resource };

  event(t + r.int(0, 3), decidedEvent({ ...facts, status: decided, reasons: ev.reasons, shadow: ev.shadow, requestHash: hash, idempotencyKey, redactions: stored.redactions }));

  // A human (or the clock) settles a pending action (decide-approval.ts, expireDueActions).
  const reasons: Reason[] = [...ev.reasons];
  const approvals: string[] = [];
  let decidedAt: number | null = decided === "pending" ? null : t;
  const quorum = ev.decision === "pending" ? (ev.approval?.quorum ?? 1) : null;
  const expiresAt = ev.decision === "pending" ? t + (ev.approval?.timeoutSeconds ?? 3600) * 1000 : null;
  // What ended it (actions.settle_cause, as settlePending records it).
  let settleCause: "vote" | "timeout" | null = null;
  if (resolution) {
    const q = quorum ?? 1;
    let approved = 0;
    const emails: string[] = [];
    for (const v of resolution.votes) {
      const actor = `user:${v.user.id}`;
      approvals.push(`${newId("apv", v.at)}\t${id}\t${v.user.id}\t${v.vote}\t${esc(v.comment)}\t${ts(v.at)}\n`);
      if (v.vote === "APPROVE") {
        approved++;
        emails.push(v.user.email);
      }
      event(
        v.at,
        voteEvent({
          actionId: id,
          agentId: agent.id,
          cohort: agent.cohort,
          action: plan.action,
          userId: v.user.id,
          vote: v.vote === "APPROVE" ? "approve" : "reject",
          comment: v.comment || null,
          approvals: approved,
          quorum: q,
          byOwner: isAgentOwner(agent.owner, v.user.email),
        }),
      );
      if (v.vote === "REJECT" || approved >= q) {
        const final = v.vote === "REJECT" ? "rejected" : "approved";
        const reason: Reason = { code: "policy", message: voteOutcomeMessage(final, { byEmail: v.user.email, comment: v.comment, approverEmails: emails }) };
        reasons.push(reason);
        const s = { outcome: final, cause: "vote", reason, actor, by: v.user.email, comment: v.comment || null, approvals: approved } as const;
        settleCause = s.cause;
        event(v.at + 2, settledEvent(s, { ...facts, quorum: q, decidedAt: new Date(v.at + 2) }));
      }
    }
    if (resolution.status === "expired") {
      reasons.push(EXPIRED_REASON);
      const at = resolution.decidedAt + r.int(1, 3);
      const s = { outcome: "expired", cause: "timeout", reason: EXPIRED_REASON, actor: "system", by: "system" } as const;
      settleCause = s.cause;
      event(at, settledEvent(s, { ...facts, quorum: q, decidedAt: new Date(at) }));
    }
    decidedAt = resolution.decidedAt;
  }

  // The agent acts, then reports what happened (report-result.ts).
  let result = "\\N\t\\N\t\\N\t\\N\t[]";
  if ((status === "allowed" || status === "approved") && r.chance(0.95)) {
    const resultAt = decidedAt! + Math.round(Math.min(30_000, 40 + r.lognormal(350, 1)));
    if (resultAt <= c.to) {
      const failed = r.chance(0.03);
      const output = failed ? null : plan.output();
      const error = failed ? plan.error() : null;
      // Post-checks see the stored request and the raw result; the result is stored redacted.
      const checks = evaluatePostChecks(c.post, {
        ...evalInput(agent, plan, resultAt, c.knowledge),
        resource,
        input: input as Record<string, unknown>,
        context: context as Record<string, unknown>,
        result: { status: failed ? "failed" : "succeeded", output, error },
      });
      const flags = checks.flags.map((f) => ({ policyId: f.policyId, policyName: f.policyName, policyVersion: f.policyVersion, message: f.message }));
      const reported = c.redactor();
      const storedOutput = output === null ? null : reported.document("output", output);
      const storedError = error ? reported.text(error) : null;
      for (const m of reported.markers) if (!markers.includes(m)) markers.push(m);
      result = [
        failed ? "FAILED" : "SUCCEEDED",
        storedOutput === null || storedOutput === undefined ? "\\N" : json(storedOutput),
        opt(storedError),
        ts(resultAt),
        json([...flags, ...checks.shadow.map((s) => ({ ...s, shadow: true }))]),
      ].join("\t");
      event(resultAt + r.int(1, 3), {
        actor: `agent:${agent.id}`,
        kind: flags.length ? "action.flagged" : "action.result_reported",
        subject,
        agentId: agent.id,
        cohort: agent.cohort,
        data: {
          action: plan.action,
          status: failed ? "failed" : "succeeded",
          error: storedError,
          flags,
          shadowFlags: checks.shadow.map((s) => s.policyName),
          ...(reported.redactions.length ? { redactions: reported.redactions } : {}),
        },
      });
    }
  }

  const row = [
    id,
    agent.id,
    esc(agent.cohort),
    esc(plan.action),
    esc(resource),
    json(input),
    json(context),
    opt(idempotencyKey),
    hash,
    toDbStatus(status),
    json(reasons),
    json(ev.shadow),
    json(ev.evaluated),
    quorum === null ? "\\N" : String(quorum),
    ts(expiresAt),
    ts(decidedAt),
    result,
    ts(t),
    // A text[] literal; markers hold no quote, comma or backslash.
    `{${markers.map((m) => `"${m}"`).join(",")}}`,
    opt(settleCause),
  ].join("\t");
  return { row: `${row}\n`, events, approvals, status, at: t };
}

/** How a pending action ended: approved, rejected or expired; null if none fits before `to`. */
function settle(c: Context, agent: SeedAgent, t: number, ev: ReturnType<typeof evaluatePolicies>): ReturnType<typeof settleInner> {
  return settleInner(c, agent, t, ev.approval?.quorum ?? 1, (ev.approval?.timeoutSeconds ?? 3600) * 1000);
}

function settleInner(c: Context, agent: SeedAgent, t: number, quorum: number, timeoutMs: number) {
  const { r } = c;
  const expiresAt = t + timeoutMs;
  const lastVote = Math.min(expiresAt - 2000, c.to - 2000) - t; // votes land before the timeout
  const canVote = lastVote >= 15_000 && c.approvers.length > 0;
  const nonOwners = c.approvers.filter((u) => !isAgentOwner(agent.owner, u.email));
  const canApprove = canVote && nonOwners.length >= quorum;
  const canExpire = expiresAt + 2000 <= c.to;
  const roll = r.next();
  const wanted = roll < 4 / 6 ? "approved" : roll < 5 / 6 ? "rejected" : "expired";
  const order = wanted === "approved" ? ["approved", "rejected", "expired"] : wanted === "rejected" ? ["rejected", "approved", "expired"] : ["expired", "approved", "rejected"];
  const status = order.find((s) => (s === "approved" ? canApprove : s === "rejected" ? canVote : canExpire)) as "approved" | "rejected" | "expired" | undefined;
  if (!status) return null;
  if (status === "expired") return { status, votes: [], decidedAt: expiresAt + r.int(5, 1500) };
  const delay = Math.round(Math.min(lastVote, Math.max(15_000, r.lognormal(240_000, 1.1))));
  const votes: { at: number; user: Approver; vote: "APPROVE" | "REJECT"; comment: string }[] = [];
  const used = new Set<string>();
  if (status === "approved") {
    const times = Array.from({ length: quorum }, (_, i) => (i === quorum - 1 ? t + delay : t + 15_000 + Math.round(r.next() * (delay - 15_000)))).sort((x, y) => x - y);
    for (const at of times) {
      const user = weightedApprover(r, nonOwners, used)!;
      used.add(user.id);
      votes.push({ at, user, vote: "APPROVE", comment: r.pick(APPROVE_COMMENTS) });
    }
  } else {
    const user = weightedApprover(r, c.approvers, used)!;
    votes.push({ at: t + delay, user, vote: "REJECT", comment: r.pick(REJECT_COMMENTS) });
  }
  return { status, votes, decidedAt: votes[votes.length - 1]!.at + 1 };
}

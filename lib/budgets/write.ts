import { auditTx } from "../audit/index.ts";
import { Prisma, prisma, type Budget, type Tx } from "../db/index.ts";
import { badRequest, conflict, notFound } from "../errors/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { newId } from "../ids.ts";
import { budgetCache } from "./cache.ts";
import { presentBudget, specOf, type BudgetView } from "./present.ts";
import { checkAmount, type BudgetSpec } from "./schema.ts";

async function validate(tx: Tx, spec: BudgetSpec): Promise<string> {
  if (spec.amount !== undefined) {
    const c = checkAmount(spec.amount);
    if (!c.ok) throw badRequest("invalid_amount", c.message, c.details);
  }
  if ("timeZone" in spec.window) {
    const known = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM pg_timezone_names WHERE name = $1`, spec.window.timeZone);
    if (known.length === 0) throw badRequest("validation_failed", `window.timeZone: the database doesn't know the time zone ${spec.window.timeZone}`, [{ path: "window.timeZone", message: "unknown time zone" }]);
  }
  if ("agent" in spec.scope) {
    const a = await tx.agent.findUnique({ where: { id: spec.scope.agent }, select: { name: true } });
    if (!a) throw badRequest("invalid_scope", `scope.agent: no agent ${spec.scope.agent}`);
    return a.name;
  }
  const c = await tx.cohort.findUnique({ where: { name: spec.scope.cohort }, select: { name: true } });
  if (!c) throw badRequest("invalid_scope", `scope.cohort: no cohort named ${spec.scope.cohort}`);
  return c.name;
}

function columns(spec: BudgetSpec) {
  return {
    name: spec.name,
    description: spec.description,
    scopeKind: "agent" in spec.scope ? ("AGENT" as const) : ("COHORT" as const),
    scopeValue: "agent" in spec.scope ? spec.scope.agent : spec.scope.cohort,
    actions: spec.actions,
    amount: spec.amount ?? null,
    distinctBy: spec.distinct ?? null,
    limitValue: new Prisma.Decimal(spec.limit.toFixed(6)),
    unit: spec.unit,
    windowSeconds: "seconds" in spec.window ? spec.window.seconds : null,
    calendar: "calendar" in spec.window ? spec.window.calendar : null,
    timeZone: "timeZone" in spec.window ? spec.window.timeZone : null,
    onExceed: spec.onExceed === "deny" ? ("DENY" as const) : ("REQUIRE_APPROVAL" as const),
    approvalQuorum: spec.approval?.quorum ?? 1,
    approvalTimeoutSeconds: spec.approval?.timeoutSeconds ?? 3600,
  };
}

async function changed(tx: Tx, kind: "budget.created" | "budget.updated" | "budget.deleted", actor: string, b: Budget, data: Record<string, unknown>) {
  await auditTx(tx, { actor, kind, subject: `budget:${b.id}`, ...(b.scopeKind === "COHORT" ? { cohort: b.scopeValue } : { agentId: b.scopeValue }), data: { name: b.name, ...data } });
  await tx.$executeRawUnsafe(notifySql, CHANNEL.budgets, b.id);
}

/**
 * Creates a budget with an empty running total (audited, NOTIFY warden_budgets). Throws
 * invalid_amount (the CEL and where), invalid_scope, validation_failed (time zone),
 * budget_exists.
 */
export async function createBudget({ spec, actor, userId }: { spec: BudgetSpec; actor: string; userId: string | null }): Promise<BudgetView> {
  const view = await prisma().$transaction(async (tx) => {
    const scopeName = await validate(tx, spec);
    if (await tx.budget.findUnique({ where: { name: spec.name }, select: { id: true } })) throw conflict("budget_exists", `A budget named ${spec.name} already exists`);
    const b = await tx.budget.create({ data: { id: newId("bud"), ...columns(spec), createdById: userId } });
    await tx.$executeRawUnsafe(`INSERT INTO budget_states (budget_id, watermark, total) VALUES ($1, clock_timestamp(), 0)`, b.id);
    await changed(tx, "budget.created", actor, b, { spec: specOf(b) });
    return presentBudget(b, scopeName);
  });
  budgetCache().invalidate();
  return view;
}

/**
 * Replaces a budget's settings (a new version; audited with before and after). Its running
 * total is recounted from the reservations under the new window, so a longer or shorter
 * window, a new scope or new actions apply from now on to what is still in the window. A
 * budget can't switch between an amount and distinct resources (create another). Decisions
 * made with the previous version while this commits fail closed (budget_error).
 */
export async function updateBudget({ id, spec, actor }: { id: string; spec: BudgetSpec; actor: string }): Promise<BudgetView> {
  const view = await prisma().$transaction(async (tx) => {
    const locked = await tx.$queryRawUnsafe<{ budget_id: string }[]>(`SELECT budget_id FROM budget_states WHERE budget_id = $1 FOR UPDATE`, id);
    const before = await tx.budget.findUnique({ where: { id } });
    if (!before || !locked[0]) throw notFound("Budget");
    if ((before.distinctBy !== null) !== (spec.distinct !== undefined)) {
      throw badRequest("validation_failed", "A budget can't switch between an amount and distinct resources: create another budget", [{ path: spec.distinct ? "distinct" : "amount", message: "can't change the kind of budget" }]);
    }
    const scopeName = await validate(tx, spec);
    if (spec.name !== before.name && (await tx.budget.findUnique({ where: { name: spec.name }, select: { id: true } }))) throw conflict("budget_exists", `A budget named ${spec.name} already exists`);
    const after = await tx.budget.update({ where: { id }, data: { ...columns(spec), version: { increment: 1 } } });
    // Recount what is in the (new) window now.
    await tx.$executeRawUnsafe(
      `UPDATE budget_states s SET watermark = w.lo, exceeded_at = NULL,
              total = CASE WHEN b.distinct_by IS NULL
                           THEN (SELECT coalesce(sum(r.amount), 0) FROM budget_reservations r WHERE r.budget_id = s.budget_id AND r.at >= w.lo AND r.state <> 'RELEASED')
                           ELSE (SELECT count(DISTINCT r.resource) FROM budget_reservations r WHERE r.budget_id = s.budget_id AND r.at >= w.lo AND r.state <> 'RELEASED') END
         FROM budgets b CROSS JOIN LATERAL (SELECT least(budget_window_start(b.window_seconds, b.calendar, b.time_zone, clock_timestamp()), clock_timestamp()) AS lo) w
        WHERE s.budget_id = $1 AND b.id = s.budget_id`,
      id,
    );
    await changed(tx, "budget.updated", actor, after, { version: after.version, before: specOf(before), after: specOf(after) });
    return presentBudget(after, scopeName);
  });
  budgetCache().invalidate();
  return view;
}

/** Removes a budget and its reservations (audited). Throws not_found. */
export async function deleteBudget({ id, actor }: { id: string; actor: string }): Promise<{ id: string; deleted: true }> {
  await prisma().$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT budget_id FROM budget_states WHERE budget_id = $1 FOR UPDATE`, id);
    const b = await tx.budget.findUnique({ where: { id } });
    if (!b) throw notFound("Budget");
    await tx.budget.delete({ where: { id } });
    await changed(tx, "budget.deleted", actor, b, { spec: specOf(b) });
  });
  budgetCache().invalidate();
  return { id, deleted: true };
}

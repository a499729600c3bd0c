import { inputHash } from "../actions/index.ts";
import { auditTx } from "../audit/index.ts";
import type { AgentIdentity } from "../agents/index.ts";
import { breakerEvaluator } from "../breakers/index.ts";
import { settleReservations } from "../budgets/index.ts";
import { prisma, txRunner, type Prisma } from "../db/index.ts";
import { conflict, notFound } from "../errors/index.ts";
import { knowledgeSnapshot } from "../knowledge/index.ts";
import { activePolicies, evaluatePostChecks, knowledgeSetsFor } from "../policies/index.ts";
import { redactionTurn, storageRedactor } from "../redaction/index.ts";
import { recordCounters, scopesOf } from "../signals/index.ts";
import type { ResultReport } from "./schemas.ts";

export type ResultAnswer = { id: string; flags: { policyId?: string; policyName?: string; code?: string; message: string }[] };

/**
 * An approval with changes is bound to the hash of the approved input: the report must say
 * which input the agent acted on (`input`, redacted as it would be stored, then hashed), and a
 * different one — or none — is flagged.
 */
async function bindingFlag(approvedHash: string | null, reported: Record<string, unknown> | undefined): Promise<ResultAnswer["flags"][number] | null> {
  if (!approvedHash) return null;
  if (!reported) {
    return { code: "approved_input_unconfirmed", policyName: "approved-input", message: "Approved with changes, but the result does not say which input was acted on" };
  }
  // A redactor of its own: what it finds is only hashed, never stored.
  const acted = inputHash((await storageRedactor()).document("input", reported));
  if (acted === approvedHash) return null;
  return { code: "approved_input_mismatch", policyName: "approved-input", message: `Acted on an input other than the one approved (input hash ${acted.slice(0, 12)}…, approved ${approvedHash.slice(0, 12)}…)` };
}

/**
 * Records what happened after an allowed action, once, and runs the post-stage checks on it
 * (on the approved input when approvers changed it), plus the approved-input binding check.
 * In the same transaction: a failure releases the action's budget reservations (the money
 * didn't go out), and the result counts in the signals (results, failed, flagged) that
 * failure- and flag-rate breakers watch.
 */
export async function reportResult({ agent, actionId, report }: { agent: AgentIdentity; actionId: string; report: ResultReport }): Promise<ResultAnswer> {
  const [policies, redactor] = await Promise.all([activePolicies(), storageRedactor()]);
  // Post-checks see the raw result; only the redacted one is stored.
  const [output, error] = await redactionTurn(() => [
    report.output === undefined || report.output === null ? null : redactor.document("output", report.output),
    report.error ? redactor.text(report.error) : null,
  ] as const);
  const evalAgent = { id: agent.agentId, name: agent.name, cohort: agent.cohort, owner: agent.owner, riskTier: agent.riskTier };
  const answer = await prisma().$transaction(async (tx) => {
    const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM actions WHERE id = $1 AND agent_id = $2 FOR UPDATE`, actionId, agent.agentId);
    if (!locked[0]) throw notFound("Action");
    const a = await tx.action.findUniqueOrThrow({ where: { id: actionId } });
    if (a.resultStatus) throw conflict("result_already_reported", "A result was already reported for this action");
    if (a.status !== "ALLOWED" && a.status !== "APPROVED") {
      throw conflict("action_not_allowed", `Results are only taken for allowed or approved actions; this one is ${a.status.toLowerCase()}`);
    }
    const result = { status: report.status, output: report.output ?? null, error: report.error ?? null };
    // Grounding checks compare the result with the knowledge published now.
    const knowledge = await knowledgeSnapshot(knowledgeSetsFor(policies.post, { agent: evalAgent, action: a.action }));
    const checks = evaluatePostChecks(policies.post, {
      agent: { ...evalAgent, version: a.version ?? "" },
      knowledge,
      action: a.action,
      resource: a.resource,
      // What was approved is what the agent had to do.
      input: (a.approvedInput ?? a.input) as Record<string, unknown>,
      context: a.context as Record<string, unknown>,
      now: new Date(),
      result,
    });
    // A post-check's error message can quote the raw value it choked on.
    const binding = a.status === "APPROVED" ? await bindingFlag(a.approvedInputHash, report.input) : null;
    const flags: (ResultAnswer["flags"][number] & { policyVersion?: number })[] = [
      ...checks.flags.map((f) => ({
        policyId: f.policyId,
        policyName: f.policyName,
        policyVersion: f.policyVersion,
        message: redactor.detect(f.message, "flags"),
        ...(checks.knowledge.length ? { knowledge: checks.knowledge } : {}),
      })),
      ...(binding ? [binding] : []),
    ];
    const shadowFlags = checks.shadow.map((f) => ({ ...f, message: redactor.detect(f.message, "flags"), shadow: true }));
    await tx.action.update({
      where: { id: actionId },
      data: {
        resultStatus: report.status === "succeeded" ? "SUCCEEDED" : "FAILED",
        resultOutput: output === null ? undefined : (output as Prisma.InputJsonValue),
        resultError: error,
        resultAt: new Date(),
        ...(redactor.markers.length ? { piiMarkers: { push: redactor.markers } } : {}),
        // Flags raised at decision time (knowledge citations) stay.
        flags: [...(Array.isArray(a.flags) ? (a.flags as Prisma.InputJsonValue[]) : []), ...flags, ...shadowFlags],
      },
    });
    const run = txRunner(tx);
    if (report.status === "failed") await settleReservations(run, [actionId], "release");
    const [record] = await auditTx(tx, {
      actor: `agent:${agent.agentId}`,
      kind: flags.length ? "action.flagged" : "action.result_reported",
      subject: `action:${actionId}`,
      agentId: agent.agentId,
      cohort: a.cohort,
      data: {
        action: a.action,
        status: report.status,
        error,
        flags,
        shadowFlags: checks.shadow.map((s) => s.policyName),
        ...(checks.knowledge.length ? { knowledge: checks.knowledge } : {}),
        ...(redactor.redactions.length ? { redactions: redactor.redactions } : {}),
      },
    });
    // In the shard of the audit chain this transaction holds, so no decision batch waits on it.
    await recordCounters(run, [{ agentId: a.agentId, cohort: a.cohort, version: a.version, add: { results: 1, failed: report.status === "failed" ? 1 : 0, flagged: flags.length ? 1 : 0 } }], record!.chain);
    return { id: actionId, flags };
  });
  breakerEvaluator().touched(scopesOf({ agentId: agent.agentId, cohort: agent.cohort }));
  return answer;
}

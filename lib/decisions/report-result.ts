import { auditTx } from "../audit/index.ts";
import type { AgentIdentity } from "../agents/index.ts";
import { prisma, type Prisma } from "../db/index.ts";
import { conflict, notFound } from "../errors/index.ts";
import { knowledgeSnapshot } from "../knowledge/index.ts";
import { activePolicies, evaluatePostChecks, knowledgeSetsFor } from "../policies/index.ts";
import { redactionTurn, storageRedactor } from "../redaction/index.ts";
import type { ResultReport } from "./schemas.ts";

export type ResultAnswer = { id: string; flags: { policyId?: string; policyName?: string; message: string }[] };

/** Records what happened after an allowed action, once, and runs the post-stage checks on it. */
export async function reportResult({ agent, actionId, report }: { agent: AgentIdentity; actionId: string; report: ResultReport }): Promise<ResultAnswer> {
  const [policies, redactor] = await Promise.all([activePolicies(), storageRedactor()]);
  // Post-checks see the raw result; only the redacted one is stored.
  const [output, error] = await redactionTurn(() => [
    report.output === undefined || report.output === null ? null : redactor.document("output", report.output),
    report.error ? redactor.text(report.error) : null,
  ] as const);
  const evalAgent = { id: agent.agentId, name: agent.name, cohort: agent.cohort, owner: agent.owner, riskTier: agent.riskTier };
  return prisma().$transaction(async (tx) => {
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
      agent: evalAgent,
      knowledge,
      action: a.action,
      resource: a.resource,
      input: a.input as Record<string, unknown>,
      context: a.context as Record<string, unknown>,
      now: new Date(),
      result,
    });
    // A post-check's error message can quote the raw value it choked on.
    const flags = checks.flags.map((f) => ({
      policyId: f.policyId,
      policyName: f.policyName,
      policyVersion: f.policyVersion,
      message: redactor.detect(f.message, "flags"),
      ...(checks.knowledge.length ? { knowledge: checks.knowledge } : {}),
    }));
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
    await auditTx(tx, {
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
    return { id: actionId, flags };
  });
}

import { prisma } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { presentPolicy, type PolicyView } from "./present.ts";

export async function listPolicies(): Promise<PolicyView[]> {
  const rows = await prisma().policy.findMany({ orderBy: { name: "asc" }, include: { versions: { orderBy: { version: "desc" }, take: 1 } } });
  return rows.map((p) => presentPolicy(p, p.versions[0]!));
}

export async function getPolicy(policyId: string): Promise<PolicyView> {
  const p = await prisma().policy.findUnique({ where: { id: policyId }, include: { versions: { orderBy: { version: "desc" } } } });
  if (!p) throw notFound("Policy");
  return presentPolicy(p, p.versions[0]!, p.versions);
}

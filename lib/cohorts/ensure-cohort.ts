import { auditTx } from "../audit/index.ts";
import type { Tx } from "../db/index.ts";
import { newId } from "../ids.ts";

/** The cohort by name, created (and audited) on first use. Safe under concurrent callers. */
export async function ensureCohort(tx: Tx, name: string, actor: string): Promise<{ id: string; name: string }> {
  const created = await tx.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO cohorts (id, name, created_at, updated_at) VALUES ($1, $2, now(), now())
     ON CONFLICT (name) DO NOTHING RETURNING id`,
    newId("coh"),
    name,
  );
  if (created[0]) {
    await auditTx(tx, { actor, kind: "cohort.created", subject: `cohort:${name}`, cohort: name, data: { name } });
    return { id: created[0].id, name };
  }
  const existing = await tx.cohort.findUniqueOrThrow({ where: { name }, select: { id: true, name: true } });
  return existing;
}

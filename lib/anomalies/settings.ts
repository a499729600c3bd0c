import { z } from "zod";
import { auditTx } from "../audit/index.ts";
import type { Principal } from "../auth/index.ts";
import { pool, prisma, type Prisma } from "../db/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";

const SETTING = "anomalies";

/**
 * Unusual-access detection settings (Settings → Unusual access; admins): an hourly volume is
 * unusual above `factor` × the agent's 7-day hourly p99 and at least `minVolume`; an agent
 * needs `minHistoryHours` of history before anything it does counts as new.
 */
export const anomalySettingsSchema = z.strictObject({
  factor: z.number().min(1.5, "at least 1.5×").max(1000),
  minVolume: z.number().int().min(1).max(1_000_000),
  minHistoryHours: z.number().int().min(1).max(168),
});
export type AnomalySettings = z.infer<typeof anomalySettingsSchema>;

export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = Object.freeze({ factor: 5, minVolume: 50, minHistoryHours: 24 });

/** The settings now (read fresh: the detector runs once a minute, the dashboard rarely). */
export async function anomalySettings(): Promise<AnomalySettings & { updatedAt: string | null }> {
  const { rows } = await pool().query<{ value: unknown; updated_at: Date }>(`SELECT value, updated_at FROM settings WHERE key = $1`, [SETTING]);
  const parsed = rows[0] ? anomalySettingsSchema.safeParse(rows[0].value) : null;
  return { ...(parsed?.success ? parsed.data : DEFAULT_ANOMALY_SETTINGS), updatedAt: rows[0]?.updated_at.toISOString() ?? null };
}

/** Saves the settings (admins), audited as `settings.updated` with before and after. */
export async function updateAnomalySettings(principal: Principal, input: AnomalySettings): Promise<AnomalySettings & { updatedAt: string | null }> {
  await prisma().$transaction(async (tx) => {
    const before = await tx.setting.findUnique({ where: { key: SETTING } });
    await tx.setting.upsert({
      where: { key: SETTING },
      create: { key: SETTING, value: input as Prisma.InputJsonValue, updatedById: principal.userId },
      update: { value: input as Prisma.InputJsonValue, updatedById: principal.userId, updatedAt: new Date() },
    });
    await auditTx(tx, { actor: `user:${principal.userId}`, kind: "settings.updated", subject: `settings:${SETTING}`, data: { key: SETTING, before: before?.value ?? DEFAULT_ANOMALY_SETTINGS, after: input } });
    await tx.$executeRawUnsafe(notifySql, CHANNEL.settings, SETTING);
  });
  return anomalySettings();
}

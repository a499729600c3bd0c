import { auditTx } from "../audit/index.ts";
import { actorOf, type Principal } from "../auth/index.ts";
import { pool, prisma, type Prisma } from "../db/index.ts";
import { BusCache, CHANNEL, notifySql } from "../events/index.ts";
import { DEFAULT_REDACTION_RULES, redactionRulesSchema, type RedactionRules } from "./rules.ts";

const SETTING = "redaction";

export type RedactionSettings = { rules: RedactionRules; updatedAt: string | null; updatedBy: string | null };

/**
 * The redaction rules, read once per instance and kept; a change on any instance signals the
 * others (NOTIFY warden_settings) and the changing instance reloads at once. Until an admin
 * saves rules, every detector is on.
 */
async function loadSettings(): Promise<RedactionSettings> {
  const { rows } = await pool().query<{ value: unknown; updated_at: Date; updated_by: string | null }>(
    `SELECT s.value, s.updated_at, u.email AS updated_by FROM settings s LEFT JOIN users u ON u.id = s.updated_by_id WHERE s.key = $1`,
    [SETTING],
  );
  const row = rows[0];
  const parsed = row ? redactionRulesSchema.safeParse(row.value) : null;
  if (parsed && !parsed.success) console.error("[redaction] stored redaction rules are invalid; using the defaults (every detector on)");
  return {
    rules: parsed?.success ? parsed.data : DEFAULT_REDACTION_RULES,
    updatedAt: row?.updated_at.toISOString() ?? null,
    updatedBy: row?.updated_by ?? null,
  };
}

const KEY = Symbol.for("warden.redactionRules");
type Holder = { [KEY]?: BusCache<RedactionSettings> };

function rulesCache(): BusCache<RedactionSettings> {
  const g = globalThis as Holder;
  return (g[KEY] ??= new BusCache(CHANNEL.settings, loadSettings));
}

export function redactionSettings(): Promise<RedactionSettings> {
  return rulesCache().get();
}

/** Saves new rules (admins), audited with before and after; applies to what is stored from now on. */
export async function updateRedactionRules(principal: Principal, input: unknown): Promise<RedactionSettings> {
  const rules = redactionRulesSchema.parse(input);
  await prisma().$transaction(async (tx) => {
    const before = await tx.setting.findUnique({ where: { key: SETTING } });
    await tx.setting.upsert({
      where: { key: SETTING },
      create: { key: SETTING, value: rules as Prisma.InputJsonValue, updatedById: principal.userId },
      update: { value: rules as Prisma.InputJsonValue, updatedById: principal.userId, updatedAt: new Date() },
    });
    await auditTx(tx, {
      actor: actorOf(principal),
      kind: "settings.updated",
      subject: `settings:${SETTING}`,
      data: { key: SETTING, before: before?.value ?? DEFAULT_REDACTION_RULES, after: rules },
    });
    await tx.$executeRawUnsafe(notifySql, CHANNEL.settings, SETTING);
  });
  rulesCache().invalidate();
  return redactionSettings();
}

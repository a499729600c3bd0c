import { randomBytes } from "node:crypto";
import { z } from "zod";
import { auditTx } from "../audit/index.ts";
import { prisma } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { newId } from "../ids.ts";
import type { Resolver } from "./address-guard.ts";
import { checkWebhookUrl } from "./check-url.ts";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type WebhookFormat } from "./events.ts";

export const createWebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "an http(s) URL" }).max(2000),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
  /** "json" (default): Warden's signed payload; "slack": a Block Kit message for a Slack-compatible incoming webhook. */
  format: z.enum(WEBHOOK_FORMATS).default("json"),
});

export type WebhookView = { id: string; url: string; events: string[]; format: WebhookFormat; enabled: boolean; createdAt: string; lastDeliveries?: DeliveryView[] };
export type DeliveryView = { id: string; event: string; status: string; attempts: number; responseStatus: number | null; lastError: string | null; nextAttemptAt: string; deliveredAt: string | null; createdAt: string };

const view = (w: { id: string; url: string; events: string[]; format: string; enabled: boolean; createdAt: Date }): WebhookView => ({
  id: w.id,
  url: w.url,
  events: w.events,
  format: (WEBHOOK_FORMATS as readonly string[]).includes(w.format) ? (w.format as WebhookFormat) : "json",
  enabled: w.enabled,
  createdAt: w.createdAt.toISOString(),
});

/**
 * Registers a webhook and returns its signing secret once. The secret is kept as written —
 * signing needs it — and never returned again. The URL is checked first and stored normalised
 * (checkWebhookUrl: 400 webhook_url_credentials / webhook_url_forbidden / webhook_url_unresolvable).
 * `resolve` replaces the system resolver (for tests).
 */
export async function createWebhook({ input, actor, userId, resolve }: { input: z.input<typeof createWebhookSchema>; actor: string; userId: string; resolve?: Resolver }): Promise<{ webhook: WebhookView; secret: string }> {
  const url = await checkWebhookUrl(input.url, resolve ? { resolve } : {});
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  return prisma().$transaction(async (tx) => {
    const w = await tx.webhook.create({ data: { id: newId("whk"), url, events: input.events, format: input.format ?? "json", secret, createdById: userId } });
    await auditTx(tx, { actor, kind: "webhook.created", subject: `webhook:${w.id}`, data: { url: w.url, events: w.events, format: w.format } });
    return { webhook: view(w), secret };
  });
}

export async function deleteWebhook({ id, actor }: { id: string; actor: string }): Promise<void> {
  await prisma().$transaction(async (tx) => {
    const w = await tx.webhook.findUnique({ where: { id } });
    if (!w) throw notFound("Webhook");
    await tx.webhook.delete({ where: { id } });
    await auditTx(tx, { actor, kind: "webhook.deleted", subject: `webhook:${id}`, data: { url: w.url, events: w.events } });
  });
}

export async function listWebhooks(): Promise<WebhookView[]> {
  const rows = await prisma().webhook.findMany({ orderBy: { createdAt: "asc" }, include: { deliveries: { orderBy: { createdAt: "desc" }, take: 10 } } });
  return rows.map((w) => ({
    ...view(w),
    lastDeliveries: w.deliveries.map((d) => ({
      id: d.id,
      event: d.event,
      status: d.status.toLowerCase(),
      attempts: d.attempts,
      responseStatus: d.responseStatus,
      lastError: d.lastError,
      nextAttemptAt: d.nextAttemptAt.toISOString(),
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
      createdAt: d.createdAt.toISOString(),
    })),
  }));
}

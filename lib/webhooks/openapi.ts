import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";
import { WEBHOOK_FORMATS } from "./events.ts";
import { createWebhookSchema } from "./manage.ts";

/** `DeliveryView` (manage.ts) as a schema. */
export const deliveryViewSchema = z.object({
  id: z.string(),
  event: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  responseStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

/** `WebhookView` (manage.ts) as a schema. */
export const webhookViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  format: z.enum(WEBHOOK_FORMATS),
  enabled: z.boolean(),
  createdAt: z.iso.datetime(),
  lastDeliveries: z.array(deliveryViewSchema).optional(),
});

const hook = { id: "whk_01", url: "https://erp.maison.example/warden", events: ["approval.requested", "approval.decided"], format: "json", enabled: true, createdAt: "2026-11-20T10:00:00.000Z" };

/** Outgoing webhooks (signed deliveries of Warden events). */
export const webhooksApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/webhooks",
    operationId: "listWebhooks",
    tag: "Webhooks",
    auth: "user",
    permission: "settings:write",
    summary: "Webhooks with their last deliveries",
    responses: { 200: { description: "The webhooks", schema: z.object({ webhooks: z.array(webhookViewSchema) }), example: { webhooks: [{ ...hook, lastDeliveries: [] }] } } },
  },
  {
    method: "post",
    path: "/api/webhooks",
    operationId: "createWebhook",
    tag: "Webhooks",
    auth: "user",
    permission: "settings:write",
    summary: "Register a webhook (its signing secret is returned once)",
    body: createWebhookSchema,
    bodyExample: { url: "https://erp.maison.example/warden", events: ["approval.requested", "approval.decided"] },
    responses: { 201: { description: "Created", schema: z.object({ webhook: webhookViewSchema, secret: z.string() }), example: { webhook: hook, secret: "whsec_…" } } },
    errors: ["webhook_url_credentials", "webhook_url_forbidden", "webhook_url_unresolvable"],
  },
  {
    method: "delete",
    path: "/api/webhooks/{id}",
    operationId: "deleteWebhook",
    tag: "Webhooks",
    auth: "user",
    permission: "settings:write",
    summary: "Delete a webhook",
    responses: { 200: { description: "Deleted", schema: z.object({ deleted: z.literal(true) }), example: { deleted: true } } },
  },
];

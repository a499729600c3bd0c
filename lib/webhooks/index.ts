export { enqueueWebhook, enqueueSql, WEBHOOK_EVENTS, type WebhookEvent } from "./enqueue.ts";
export { createWebhook, deleteWebhook, listWebhooks, createWebhookSchema, type WebhookView, type DeliveryView } from "./manage.ts";
export { deliverDueWebhooks, sign, backoffSeconds, MAX_ATTEMPTS } from "./deliver.ts";
export { checkWebhookUrl } from "./check-url.ts";
export { parseAllowList, type Resolver, type ResolvedAddress } from "./address-guard.ts";

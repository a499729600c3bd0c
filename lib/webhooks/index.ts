/**
 * Outgoing webhooks: the event catalogue and payload shapes (events.ts), queueing inside the
 * change's transaction (enqueue.ts), and delivery signed with HMAC-SHA256 over
 * `<timestamp>.<body>`, retried with exponential backoff (deliver.ts), as Warden's JSON or,
 * per endpoint, a Slack-compatible Block Kit message (slack.ts).
 */
export { enqueueWebhook, enqueueSql } from "./enqueue.ts";
export { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type WebhookEvent, type WebhookFormat, type WebhookPayloads, type ApprovalDecidedPayload, type ApprovalRequestedPayload, type ApprovalEscalatedPayload, type HaltedPayload, type HandoffFacts, type SettleCause, type KnowledgeDiffSummary, type KnowledgeProposedPayload, type KnowledgePublishedPayload, type AuditCheckpointPayload, type BreakerOpenedPayload, type BreakerClosedPayload, type BudgetExceededPayload, type AnomalyDetectedPayload, type ContainmentScope, type RolloutStepPayload, type RolloutRolledBackPayload, type RolloutCompletedPayload, type RolloutGuardFacts, type RolloutRef } from "./events.ts";
export { createWebhook, deleteWebhook, listWebhooks, createWebhookSchema, type WebhookView, type DeliveryView } from "./manage.ts";
export { deliverDueWebhooks, sign, backoffSeconds, MAX_ATTEMPTS } from "./deliver.ts";
export { checkWebhookUrl } from "./check-url.ts";
export { slackMessage, slackEscape, type SlackMessage } from "./slack.ts";
export { parseAllowList, type Resolver, type ResolvedAddress } from "./address-guard.ts";
export { webhooksApi, webhookViewSchema, deliveryViewSchema } from "./openapi.ts";

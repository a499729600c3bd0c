-- Leaner indexes on the two tables every decision writes (issue 16: profiled with
-- bench:peer --statements; index maintenance measured per row in isolation). The trigram
-- indexes cost more than every other index of both tables together: trigrams of random ids and
-- keys. The audit subject trigrams now skip action subjects (an action's events are found
-- through the action: its id, resource and idempotency key, lib/audit/search.ts); idempotency
-- keys are searched by their start (btree; this database collates "C"); the pending-only
-- indexes and the PII-marker index hold only the rows their queries read.
-- On a large existing installation these builds block writes to the tables while they run.

-- DropIndex
DROP INDEX "actions_pii_markers_idx";

-- DropIndex
DROP INDEX "actions_search_trgm_idx";

-- DropIndex
DROP INDEX "actions_status_expires_at_idx";

-- DropIndex
DROP INDEX "actions_status_stage_expires_at_idx";

-- DropIndex
DROP INDEX "actions_status_stage_team_id_created_at_idx";

-- DropIndex
DROP INDEX "audit_events_subject_trgm_idx";

-- CreateIndex
CREATE INDEX "actions_pii_markers_idx" ON "actions" USING GIN ("pii_markers") WHERE (pii_markers <> '{}'::text[]);

-- CreateIndex
CREATE INDEX "actions_resource_trgm_idx" ON "actions" USING GIN ("resource" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "actions_idempotency_key_idx" ON "actions"("idempotency_key");

-- CreateIndex
CREATE INDEX "actions_pending_expires_at_idx" ON "actions"("expires_at") WHERE (status = 'PENDING');

-- CreateIndex
CREATE INDEX "actions_pending_stage_expires_at_idx" ON "actions"("stage_expires_at") WHERE (status = 'PENDING');

-- CreateIndex
CREATE INDEX "actions_pending_stage_team_id_created_at_idx" ON "actions"("stage_team_id", "created_at") WHERE (status = 'PENDING');

-- CreateIndex
CREATE INDEX "audit_events_subject_trgm_idx" ON "audit_events" USING GIN ("subject" gin_trgm_ops) WHERE (subject NOT LIKE 'action:%');

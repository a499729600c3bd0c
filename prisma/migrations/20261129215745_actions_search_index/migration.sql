-- CreateIndex
CREATE INDEX "actions_search_trgm_idx" ON "actions" USING GIN ("resource" gin_trgm_ops, "idempotency_key" gin_trgm_ops);

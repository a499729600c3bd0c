-- Knowledge sets (issue #13): approved, versioned records agents read and policies check; the
-- `editor` role (between operator and approver) that may propose changes; and the knowledge-set
-- versions each decision evaluated (actions.knowledge). Records are stored once per change with
-- the range of versions they are valid in (see lib/knowledge/store.ts).
-- CreateEnum
CREATE TYPE "KnowledgeDraftStatus" AS ENUM ('OPEN', 'PUBLISHED', 'REJECTED');

-- CreateEnum
CREATE TYPE "KnowledgeChangeOp" AS ENUM ('UPSERT', 'DELETE');

-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'EDITOR' BEFORE 'APPROVER';

-- AlterTable
ALTER TABLE "actions" ADD COLUMN     "knowledge" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "knowledge_sets" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "owner" TEXT NOT NULL,
    "schema" JSONB NOT NULL,
    "reader_cohorts" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "max_age_days" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_by_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "knowledge_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "knowledge_versions" (
    "set_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "draft_id" TEXT,
    "proposed_by" TEXT NOT NULL,
    "published_by" TEXT NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "records" INTEGER NOT NULL,
    "added" INTEGER NOT NULL,
    "changed" INTEGER NOT NULL,
    "removed" INTEGER NOT NULL,
    "refreshed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "knowledge_versions_pkey" PRIMARY KEY ("set_id","version")
);

-- CreateTable
CREATE TABLE "knowledge_records" (
    "set_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "valid_from" INTEGER NOT NULL,
    "valid_to" INTEGER,
    "value" JSONB NOT NULL,
    "source" TEXT NOT NULL,
    "proposed_by" TEXT NOT NULL,
    "approved_by" TEXT NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL,
    "effective_from" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "knowledge_records_pkey" PRIMARY KEY ("set_id","key","valid_from")
);

-- CreateTable
CREATE TABLE "knowledge_drafts" (
    "id" TEXT NOT NULL,
    "set_id" TEXT NOT NULL,
    "status" "KnowledgeDraftStatus" NOT NULL DEFAULT 'OPEN',
    "base_version" INTEGER NOT NULL,
    "author_id" TEXT,
    "author" TEXT NOT NULL,
    "origin" TEXT NOT NULL DEFAULT 'api',
    "mode" TEXT NOT NULL DEFAULT 'merge',
    "note" TEXT NOT NULL DEFAULT '',
    "changes" INTEGER NOT NULL,
    "decided_by_id" TEXT,
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "comment" TEXT,
    "published_version" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "knowledge_drafts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "knowledge_draft_changes" (
    "draft_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "op" "KnowledgeChangeOp" NOT NULL,
    "value" JSONB,
    "source" TEXT,
    "effective_from" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "knowledge_draft_changes_pkey" PRIMARY KEY ("draft_id","key")
);

-- CreateTable
CREATE TABLE "knowledge_reads" (
    "set_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "agent_id" TEXT NOT NULL,
    "reads" BIGINT NOT NULL DEFAULT 0,
    "first_read_at" TIMESTAMPTZ(3) NOT NULL,
    "last_read_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "knowledge_reads_pkey" PRIMARY KEY ("set_id","version","agent_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "knowledge_sets_name_key" ON "knowledge_sets"("name");

-- CreateIndex
CREATE INDEX "knowledge_versions_set_id_published_at_idx" ON "knowledge_versions"("set_id", "published_at");

-- CreateIndex
CREATE INDEX "knowledge_records_set_id_valid_to_key_idx" ON "knowledge_records"("set_id", "valid_to", "key");

-- CreateIndex
CREATE INDEX "knowledge_records_set_id_valid_from_idx" ON "knowledge_records"("set_id", "valid_from");

-- CreateIndex
CREATE INDEX "knowledge_drafts_set_id_status_created_at_idx" ON "knowledge_drafts"("set_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "knowledge_drafts_author_id_idx" ON "knowledge_drafts"("author_id");

-- CreateIndex
CREATE INDEX "knowledge_reads_agent_id_idx" ON "knowledge_reads"("agent_id");

-- AddForeignKey
ALTER TABLE "knowledge_versions" ADD CONSTRAINT "knowledge_versions_set_id_fkey" FOREIGN KEY ("set_id") REFERENCES "knowledge_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_records" ADD CONSTRAINT "knowledge_records_set_id_fkey" FOREIGN KEY ("set_id") REFERENCES "knowledge_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_drafts" ADD CONSTRAINT "knowledge_drafts_set_id_fkey" FOREIGN KEY ("set_id") REFERENCES "knowledge_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_drafts" ADD CONSTRAINT "knowledge_drafts_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_draft_changes" ADD CONSTRAINT "knowledge_draft_changes_draft_id_fkey" FOREIGN KEY ("draft_id") REFERENCES "knowledge_drafts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_reads" ADD CONSTRAINT "knowledge_reads_set_id_fkey" FOREIGN KEY ("set_id") REFERENCES "knowledge_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_reads" ADD CONSTRAINT "knowledge_reads_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
